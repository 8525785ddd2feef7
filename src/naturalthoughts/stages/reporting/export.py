"""Export a stage's rows as JSONL or a Hugging Face ``datasets`` folder, optionally pushed to the Hub."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pyarrow as pa

from naturalthoughts.core.datafiles import data_files, dataset_schema, iter_batches

FORMATS = ("jsonl", "hf")


def _jsonable(value):
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    return value


def export_table(table: pa.Table, out_dir: str | os.PathLike, fmt: str) -> Path:
    """Write ``table`` into ``out_dir`` as ``data.jsonl`` (``jsonl``) or a ``save_to_disk`` folder (``hf``)."""
    return export_batches(table.to_batches(max_chunksize=2048), table.schema, out_dir, fmt)


def export_batches(batches: Iterable[pa.RecordBatch], schema: pa.Schema, out_dir: str | os.PathLike, fmt: str) -> Path:
    """:func:`export_table` for a stream of record batches: memory holds one batch, whatever the row count.

    ``hf`` writes the batches to one Arrow stream file first, which ``datasets`` memory-maps
    (``Dataset.from_file``) and ``save_to_disk`` copies shard by shard, so no step holds every row.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        path = out / "data.jsonl"
        tmp = path.with_suffix(".jsonl.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            for batch in batches:
                for row in batch.to_pylist():
                    f.write(json.dumps({k: _jsonable(v) for k, v in row.items()}, ensure_ascii=False, default=str) + "\n")
        os.replace(tmp, path)
        return path
    if fmt == "hf":
        import datasets

        with tempfile.TemporaryDirectory(prefix=".nt-export-", dir=out.parent) as tmp_dir:
            stream = Path(tmp_dir) / "rows.arrow"
            with pa.OSFile(str(stream), "wb") as sink, pa.ipc.new_stream(sink, schema) as writer:
                for batch in batches:
                    writer.write_batch(batch)
            dataset = datasets.Dataset.from_file(str(stream))
            dataset.save_to_disk(str(out))
            del dataset  # release the memory map before the folder goes
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
                 drop: Sequence[str] = ()) -> tuple[Path, pa.Schema, int]:
    """Export a stage folder (or Parquet file) record batch by record batch; ``columns``/``drop`` choose what goes
    out. Returns (what was written, its schema, rows)."""
    files = data_files(in_path)
    schema = dataset_schema(files)
    missing = [c for c in (*(columns or ()), *drop) if c not in schema.names]
    if missing:
        raise ValueError(f"{in_path}: no column(s) {', '.join(missing)} (have: {', '.join(schema.names)})")
    keep = [c for c in (columns or schema.names) if c not in drop]
    out_schema = pa.schema([schema.field(c) for c in keep])
    rows = 0

    def batches() -> Iterator[pa.RecordBatch]:
        nonlocal rows
        for batch in iter_batches(files, columns=keep, batch_rows=2048):
            rows += batch.num_rows
            yield batch.select(keep)

    return export_batches(batches(), out_schema, out_dir, fmt), out_schema, rows
