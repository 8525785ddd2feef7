"""Traces a user already has, pooled with the ones this run generates (``generate --pool-with TRACES``).

A pool is often part new and part old: traces bought from an API last month, a public release, the bundled
example traces of the quickstart. ``ingest --traces`` turns them into ``TRACE_SCHEMA`` rows; ``--pool-with``
streams those rows into this stage's output after the generated shards, so annotation and selection see one pool
and every later stage stays single-input. Rows keep their own ``teacher_model``/``prompt_version`` (``imported``), so the report and a
selection can still tell them apart.

Memory: one record batch at a time, plus an 8-byte hash per trace id for the duplicate check (a trace id that
is already in the pool is an error naming the file, not a silent drop: two traces with one id would make every
later join by id ambiguous).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import pyarrow as pa

from naturalthoughts.core.datafiles import conform_batch, data_files, dataset_schema, iter_batches
from naturalthoughts.core.schema import TRACE_SCHEMA


class PoolError(ValueError):
    """A pooled input that cannot join the generated traces (missing columns, a trace id seen twice)."""


def _id_hash(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little")


def trace_id_hashes(shard_files: Iterable[Path]) -> set[int]:
    """8-byte hashes of the trace ids already written (only the ``trace_id`` column is read)."""
    files = list(shard_files)
    seen: set[int] = set()
    if files:
        for batch in iter_batches(files, ["trace_id"]):
            seen.update(_id_hash(v) for v in batch.column(0).to_pylist() if v is not None)
    return seen


def check_pooled(paths: Sequence[str | os.PathLike]) -> list[Path]:
    """The pooled inputs, after checking each is a trace table and no trace id occurs twice among them.

    Runs before any request, so a bad ``--pool-with`` fails before generation starts (only ids are read).
    """
    checked = []
    seen: set[int] = set()
    for path in paths:
        files = data_files(path)
        names = set(dataset_schema(files).names) if files else set()
        missing = [c for c in ("id", "trace_id", "question", "response") if c not in names]
        if missing:
            raise PoolError(f"--pool-with {path}: not a trace table (missing column(s) {', '.join(missing)}); "
                            "import existing traces with `naturalthoughts ingest --traces` first")
        _claim_ids(path, files, seen)
        checked.append(Path(path))
    return checked


def _claim_ids(path: str | os.PathLike, files: list[Path], seen: set[int]) -> None:
    rows = 0
    for batch in iter_batches(files, ["trace_id"]):
        for i, trace in enumerate(batch.column(0).to_pylist()):
            h = _id_hash(str(trace))
            if h in seen:
                raise PoolError(f"--pool-with {path}: trace id {trace!r} (row {rows + i}) is already in the "
                                "pool; pooled traces need ids of their own")
            seen.add(h)
        rows += batch.num_rows


def write_pooled(output: Any, paths: Sequence[str | os.PathLike], seen: set[int]) -> dict[str, int]:
    """Stream every row of ``paths`` into ``output`` (a StageOutput) as ``TRACE_SCHEMA``; rows per input."""
    counts: dict[str, int] = {}
    for path in paths:
        files = data_files(path)
        _claim_ids(path, files, seen)  # against the generated rows (the pooled inputs were checked upfront)
        rows = 0
        for batch in iter_batches(files):
            output.write(_as_trace_rows(pa.Table.from_batches([batch])))
            rows += batch.num_rows
        counts[str(path)] = rows
    return counts


def _as_trace_rows(table: pa.Table) -> pa.Table:
    """The trace columns in ``TRACE_SCHEMA`` order and types (absent ones null); other columns are dropped."""
    return pa.Table.from_batches([conform_batch(b, TRACE_SCHEMA) for b in table.to_batches()], schema=TRACE_SCHEMA)
