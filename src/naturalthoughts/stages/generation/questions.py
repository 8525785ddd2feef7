"""Reading the generate stage's input: questions from a stage folder, Parquet, JSONL or CSV (``sample`` = the
bundled pool) into ``QUESTION_SCHEMA``, bad rows named by file, line and field.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa

from naturalthoughts.core.io import Reject, RowSink, iter_records
from naturalthoughts.core.schema import QUESTION_SCHEMA, conform, question_id
from naturalthoughts.core.store import stable_json

SAMPLE_POOL = "sample"  # `--in sample` names the bundled question pool


def bundled_sample_pool() -> Path:
    """Path of the bundled 208-question sample pool (``data/questions/sample_pool.jsonl``)."""
    return Path(str(resources.files("naturalthoughts.data").joinpath("questions").joinpath("sample_pool.jsonl")))


def resolve_input(path: str | os.PathLike) -> Path:
    """``sample`` → the bundled pool; anything else is a path."""
    return bundled_sample_pool() if str(path) == SAMPLE_POOL else Path(path)


def load_questions(path: str | os.PathLike, on_bad_row: str = "fail") -> tuple[pa.Table, list[Reject]]:
    """Read questions from a stage folder, Parquet, JSONL or CSV into ``QUESTION_SCHEMA`` (extra columns kept).

    A row without a usable ``question`` or with a repeated ``id`` is a bad row: with ``on_bad_row="fail"`` a
    :class:`~naturalthoughts.core.io.BadRowError` names file, line and field; with ``"skip"`` it is returned as a reject.
    A row without ``id`` gets :func:`~naturalthoughts.core.schema.question_id` of its text.
    """
    p = resolve_input(path)
    sink = RowSink(on_bad_row)  # type: ignore[arg-type]
    file = str(p)
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line, rec in iter_records(p, sink):
        q = rec.get("question")
        if not isinstance(q, str) or not q.strip():
            reason, detail = ("missing_question", "no question") if q is None else ("empty_question", "empty or not text")
            sink.bad(reason, file, line, "question", detail, raw=stable_json(rec)[:2000])
            continue
        qid = rec.get("id")
        qid = str(qid) if qid not in (None, "") else question_id(q)
        if qid in seen:
            sink.bad("duplicate_id", file, line, "id", f"id {qid!r} repeats line {seen[qid]}", raw=stable_json(rec)[:2000])
            continue
        seen[qid] = line
        rec = dict(rec, id=qid)
        if rec.get("source") in (None, ""):
            rec["source"] = p.name
        if rec.get("options") is not None and not isinstance(rec["options"], list):
            sink.bad("bad_options", file, line, "options", "options must be a list of strings", raw=stable_json(rec)[:2000])
            continue
        records.append(rec)
    if records:
        # Union of keys over all rows: Table.from_pylist would take the columns of the first record only.
        keys = list(dict.fromkeys(k for rec in records for k in rec))
        table = pa.table({k: [rec.get(k) for rec in records] for k in keys})
    else:
        table = QUESTION_SCHEMA.empty_table()
    return conform(table, QUESTION_SCHEMA), sink.rejects
