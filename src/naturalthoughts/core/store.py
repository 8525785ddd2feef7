"""Stage outputs on disk: data, ``manifest.json`` and a completion marker.

A stage output is a folder::

    OUT/
      data/part-00000.parquet ...   # the stage's rows in shards (explicit schema, see naturalthoughts.core.schema)
      rejects.parquet               # optional: rows dropped, with a ``reject_reason`` column
      manifest.json                 # config, input hashes, every shard with rows + sha256, counts, timings, versions
      _SUCCESS                      # written last: its presence means the folder is complete

A stage writes through :class:`StageOutput` (rows as they come, shard by shard; see :mod:`naturalthoughts.core.datafiles`)
or, for a table it already holds, :func:`write_stage`. Later stages stream the folder with
:func:`~naturalthoughts.core.datafiles.iter_batches` (or :func:`read_table` for a few columns) and record the input's
hash in their own manifest, which is what lineage checks and recipe skip/re-run decisions compare. Folders written
before sharding (one ``data.parquet``) read the same way.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from naturalthoughts.core.datafiles import (
    DATA_DIR,
    LEGACY_DATA_FILE,
    SHARD_ROWS,
    ShardWriter,
    clear_data,
    read_all,
    sha256_file,
)
from naturalthoughts.core.secrets import is_secret_key, scrub, scrub_obj

DATA_FILE = LEGACY_DATA_FILE  # the layout before sharding (still read); new folders hold DATA_DIR/part-*.parquet
REJECTS_FILE = "rejects.parquet"
MANIFEST_FILE = "manifest.json"
SUCCESS_FILE = "_SUCCESS"

def redact(obj: Any) -> Any:
    """Copy of ``obj`` with values under secret-looking keys replaced by ``"<redacted>"`` and every registered
    secret value (:mod:`naturalthoughts.core.secrets`) scrubbed from its strings."""
    return scrub_obj(_redact_keys(obj))


def _redact_keys(obj: Any) -> Any:
    """The key-name half of :func:`redact`; config hashes use it (it does not depend on the registry)."""
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            # Numbers are counts, not credentials: TRL reports num_input_tokens_seen, which was redacted before.
            counted = isinstance(v, (int, float)) and not isinstance(v, bool)
            secret = is_secret_key(str(k)) and not counted and v not in (None, "")
            out[k] = "<redacted>" if secret else _redact_keys(v)
        return out
    if isinstance(obj, (list, tuple)):
        return [_redact_keys(v) for v in obj]
    return obj


def stable_json(obj: Any) -> str:
    """Canonical JSON (sorted keys, no spaces) used for every hash in the project."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def hash_config(config: Mapping[str, Any]) -> str:
    return hashlib.sha256(stable_json(_redact_keys(config)).encode()).hexdigest()


def hash_file(path: str | os.PathLike) -> str:
    """sha256 of a file's bytes (the hash every manifest records)."""
    return sha256_file(path)


def hash_input(path: str | os.PathLike) -> str:
    """Content hash of a stage input: a stage folder's recorded data hash, a file's bytes, or a folder's files."""
    p = Path(path)
    if p.is_dir():
        manifest = p / MANIFEST_FILE
        if manifest.exists():
            data = json.loads(manifest.read_text())
            recorded = [o["sha256"] for o in data.get("outputs", []) if o.get("sha256")]
            if recorded:
                return hashlib.sha256("".join(recorded).encode()).hexdigest()
        h = hashlib.sha256()
        for f in sorted(q for q in p.rglob("*") if q.is_file() and q.name != SUCCESS_FILE):
            h.update(str(f.relative_to(p)).encode())
            h.update(hash_file(f).encode())
        return h.hexdigest()
    return hash_file(p)


def package_versions(names: Iterable[str] = ()) -> dict[str, str]:
    """Versions of Python, this package and the named distributions that are installed."""
    from importlib import metadata

    from naturalthoughts import __version__

    out = {"python": platform.python_version(), "naturalthoughts": __version__}
    for name in ("pyarrow", "numpy", *names):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


@dataclass
class Manifest:
    """What a stage did: enough to reproduce it and to decide whether it must re-run."""

    stage: str
    config: dict[str, Any]
    inputs: list[dict[str, str]] = field(default_factory=list)  # [{"path", "sha256"}]
    outputs: list[dict[str, Any]] = field(default_factory=list)  # [{"path", "sha256", "rows"}]
    counts: dict[str, Any] = field(default_factory=dict)  # {"in": n, "out": n, "rejected": {reason: n}, ...}
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    versions: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # stage-specific report data (distributions, ...)
    config_hash: str = ""
    created_at: str = ""

    def to_json(self) -> str:
        body = {
            "stage": self.stage,
            "created_at": self.created_at,
            "config_hash": self.config_hash,
            "config": redact(self.config),
            "inputs": self.inputs,
            "outputs": self.outputs,
            "counts": self.counts,
            "timings": self.timings,
            "versions": self.versions,
            "extra": redact(self.extra),
        }
        return scrub(json.dumps(body, indent=2, ensure_ascii=False, default=str))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Manifest":
        p = Path(path)
        if p.is_dir():
            p = p / MANIFEST_FILE
        data = json.loads(p.read_text())
        return cls(**{k: data.get(k, v) for k, v in cls.__dataclass_fields__.items() if k in data})  # type: ignore[misc]


class StageTimer:
    """Collects wall-clock seconds per named phase: ``with timer("embed"): ...``."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._t0 = time.perf_counter()

    def __call__(self, name: str) -> "_Phase":
        return _Phase(self, name)

    def total(self) -> float:
        return time.perf_counter() - self._t0


class _Phase:
    def __init__(self, timer: StageTimer, name: str) -> None:
        self.timer, self.name = timer, name

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timer.timings[self.name] = self.timer.timings.get(self.name, 0.0) + time.perf_counter() - self.t0


def write_parquet(table: pa.Table, path: str | os.PathLike) -> None:
    """Write atomically (temp file + rename) so a crash never leaves a half-written Parquet file behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


class StageOutput:
    """A stage folder being written: rows go to shards as they come, rejects are kept, the manifest comes last.

    Opening clears what an earlier run left (rows in either layout, ``rejects.parquet``, ``_SUCCESS``), so nothing
    stale can be mistaken for new output; ``keep_shards=True`` keeps finished shards for a resume that appends
    after them (``first_shard``). Until :meth:`finish` writes the manifest and ``_SUCCESS``, readers see the
    folder as incomplete.
    """

    def __init__(self, out_dir: str | os.PathLike, *, rows_per_shard: int = SHARD_ROWS, keep_shards: bool = False,
                 first_shard: int = 0, kept: Sequence[Mapping[str, Any]] = (),
                 row_group_bytes: int | None = None) -> None:
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / SUCCESS_FILE).unlink(missing_ok=True)  # an overwrite is incomplete until its marker is rewritten
        (self.out / REJECTS_FILE).unlink(missing_ok=True)
        if not keep_shards:
            clear_data(self.out)
        self.kept = [dict(s) for s in kept]
        self.writer = ShardWriter(self.out, rows_per_shard=rows_per_shard, first_index=first_shard,
                                  **({"row_group_bytes": row_group_bytes} if row_group_bytes else {}))
        self._rejects: list[pa.Table] = []

    @property
    def rows(self) -> int:
        return sum(int(s["rows"]) for s in self.kept) + self.writer.rows

    def write(self, rows: pa.Table | pa.RecordBatch) -> None:
        self.writer.write(rows)

    def reject(self, rows: pa.Table | None) -> None:
        """Rows dropped for a reason (a ``reject_reason`` column); written to ``rejects.parquet`` at the end."""
        if rows is not None and rows.num_rows:
            self._rejects.append(rows)

    def finish(self, *, stage: str, config: Mapping[str, Any], inputs: Iterable[str | os.PathLike] = (),
               counts: Mapping[str, Any] | None = None, timings: Mapping[str, float] | None = None,
               extra: Mapping[str, Any] | None = None, versions: Iterable[str] = (),
               side_files: Iterable[str | os.PathLike] = ()) -> "Manifest":
        """Close the last shard, write ``rejects.parquet``, the manifest and ``_SUCCESS``; return the manifest."""
        outputs = self.kept + self.writer.close()
        rows = sum(int(o["rows"]) for o in outputs)
        if self._rejects:
            rejects = pa.concat_tables(self._rejects, promote_options="default")
            write_parquet(rejects, self.out / REJECTS_FILE)
            outputs.append({"path": REJECTS_FILE, "sha256": hash_file(self.out / REJECTS_FILE), "rows": rejects.num_rows})
        for side in side_files:
            sp = Path(side)
            sp = sp if sp.is_absolute() else self.out / sp
            outputs.append({"path": str(sp.relative_to(self.out)), "sha256": hash_file(sp)})
        counts = dict(counts or {})
        counts.setdefault("out", rows)
        manifest = Manifest(
            stage=stage,
            config=dict(config),
            config_hash=hash_config(config),
            inputs=[{"path": str(p), "sha256": hash_input(p)} for p in inputs],
            outputs=outputs,
            counts=counts,
            timings={k: round(v, 4) for k, v in (timings or {}).items()},
            versions=package_versions(versions),
            extra=dict(extra or {}),
            created_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        )
        tmp = self.out / (MANIFEST_FILE + ".tmp")
        tmp.write_text(manifest.to_json())
        os.replace(tmp, self.out / MANIFEST_FILE)
        (self.out / SUCCESS_FILE).write_text(manifest.config_hash + "\n")
        return manifest

    def abort(self) -> None:
        """Stop without a manifest: finished shards stay (a resume may keep them), the open one is dropped."""
        self.writer.abort()


def write_stage(
    out_dir: str | os.PathLike,
    table: pa.Table,
    *,
    stage: str,
    config: Mapping[str, Any],
    inputs: Iterable[str | os.PathLike] = (),
    counts: Mapping[str, Any] | None = None,
    rejects: pa.Table | None = None,
    timings: Mapping[str, float] | None = None,
    extra: Mapping[str, Any] | None = None,
    versions: Iterable[str] = (),
    side_files: Iterable[str | os.PathLike] = (),
    rows_per_shard: int = SHARD_ROWS,
) -> Manifest:
    """Write a complete stage output folder from a table already in memory and return its manifest.

    ``side_files`` are extra files the stage already wrote into ``out_dir`` (plots, ``.npy`` embeddings, ...);
    they are hashed into the manifest's outputs so lineage covers them too.
    """
    output = StageOutput(out_dir, rows_per_shard=rows_per_shard)
    output.write(table)
    output.reject(rejects)
    return output.finish(stage=stage, config=config, inputs=inputs, counts=counts, timings=timings, extra=extra,
                         versions=versions, side_files=side_files)


def is_complete(out_dir: str | os.PathLike) -> bool:
    out = Path(out_dir)
    return (out / SUCCESS_FILE).exists() and (out / MANIFEST_FILE).exists()


def read_table(path: str | os.PathLike, columns: list[str] | None = None) -> pa.Table:
    """All rows of a stage folder (shards or a legacy ``data.parquet``), a Parquet file or a folder of Parquet files.

    For millions of rows stream instead (:func:`naturalthoughts.core.datafiles.iter_batches`) or ask for a few
    columns. For user files in other formats (JSONL, CSV, HF datasets) use :func:`naturalthoughts.core.io.load_table`.
    """
    p = Path(path)
    if p.is_dir():
        check_complete(p)
    return read_all(p, columns)


def check_complete(folder: Path) -> None:
    """Raise for a stage folder whose write has not finished (rows without the manifest and ``_SUCCESS``)."""
    is_stage = (folder / MANIFEST_FILE).exists() or (folder / DATA_FILE).exists() or (folder / DATA_DIR).is_dir()
    if is_stage and not is_complete(folder):
        raise FileNotFoundError(f"{folder}: stage output is incomplete (no {SUCCESS_FILE}); re-run the stage")


def sum_counts(items: Sequence[Any]) -> Any:
    """Add up manifest counters: numbers add, dicts merge key-wise; anything else is kept when all agree."""
    present = [x for x in items if x is not None]
    if not present:
        return None
    if all(isinstance(x, bool) for x in present):
        return present[0] if len(set(present)) == 1 else present
    if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in present):
        total = sum(present)
        return round(total, 4) if isinstance(total, float) else total
    if all(isinstance(x, Mapping) for x in present):
        keys: list[str] = []
        for x in present:
            keys.extend(k for k in x if k not in keys)
        return {k: sum_counts([x.get(k) for x in present]) for k in keys}
    first = present[0]
    return first if all(x == first for x in present) else present
