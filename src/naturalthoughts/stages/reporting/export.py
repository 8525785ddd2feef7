"""Export a stage's rows as JSONL or a Hugging Face ``datasets`` folder, optionally pushed to the Hub."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import pyarrow as pa

from naturalthoughts.core.store import read_table

FORMATS = ("jsonl", "hf")


def _jsonable(value):
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    return value


def export_table(table: pa.Table, out_dir: str | os.PathLike, fmt: str) -> Path:
    """Write ``table`` into ``out_dir`` as ``data.jsonl`` (``jsonl``) or a ``save_to_disk`` folder (``hf``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        path = out / "data.jsonl"
        tmp = path.with_suffix(".jsonl.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            for batch in table.to_batches(max_chunksize=2048):
                for row in batch.to_pylist():
                    f.write(json.dumps({k: _jsonable(v) for k, v in row.items()}, ensure_ascii=False, default=str) + "\n")
        os.replace(tmp, path)
        return path
    if fmt == "hf":
        import datasets

        dataset = datasets.Dataset(table.combine_chunks()) if table.num_rows else datasets.Dataset(table)
        dataset.save_to_disk(str(out))
        return out
    raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def push_to_hub(folder: str | os.PathLike, repo: str, *, private: bool = True, token_env: str = "HF_TOKEN") -> str:
    """Push a ``save_to_disk`` folder to the Hub; the token is read from the environment variable ``token_env``."""
    import datasets

    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0", "false", "False"):
        raise RuntimeError("the Hugging Face Hub is switched off here (HF_HUB_OFFLINE is set); unset it to push")
    token = os.environ.get(token_env)
    dataset = datasets.load_from_disk(str(folder))
    try:
        dataset.push_to_hub(repo, private=private, token=token)
    except Exception as exc:  # network, auth, repo name: say which, without the token
        raise RuntimeError(f"push to {repo} failed: {type(exc).__name__}: {exc}") from None
    return f"https://huggingface.co/datasets/{repo}"


def export_stage(in_path: str | os.PathLike, out_dir: str | os.PathLike, fmt: str, *, columns: Sequence[str] | None = None,
                 drop: Sequence[str] = ()) -> tuple[Path, pa.Table]:
    """Read a stage folder (or Parquet file) and export it; ``columns``/``drop`` choose what goes out."""
    table = read_table(in_path)
    missing = [c for c in (*(columns or ()), *drop) if c not in table.column_names]
    if missing:
        raise ValueError(f"{in_path}: no column(s) {', '.join(missing)} (have: {', '.join(table.column_names)})")
    if columns:
        table = table.select(list(columns))
    if drop:
        table = table.drop_columns(list(drop))
    return export_table(table, out_dir, fmt), table
