"""Reading the generate stage's input: questions from a stage folder, Parquet, JSONL or CSV (``sample`` = the
bundled pool) into ``QUESTION_SCHEMA``, bad rows named by file, line and field.

:class:`QuestionStream` reads the input as a stream of chunks (Parquet and stage folders one record batch at a
time, JSONL line by line), so the questions never have to be in memory together; the only state that grows
with the input is the duplicate-id check, one 8-byte hash (and the first line) per id, whatever the text size.
"""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa

from naturalthoughts.core.io import Reject, RowSink, iter_records
from naturalthoughts.core.schema import QUESTION_SCHEMA, conform, question_id
from naturalthoughts.core.store import stable_json

SAMPLE_POOL = "sample"  # `--in sample` names the bundled question pool
READ_ALL = 1 << 62  # a chunk size larger than any input: one table


def bundled_sample_pool() -> Path:
    """Path of the bundled 208-question sample pool (``data/questions/sample_pool.jsonl``)."""
    pool = resources.files("naturalthoughts.data").joinpath("questions").joinpath("sample_pool.jsonl")
    return Path(str(pool))


def resolve_input(path: str | os.PathLike) -> Path:
    """``sample`` → the bundled pool; anything else is a path."""
    return bundled_sample_pool() if str(path) == SAMPLE_POOL else Path(path)


def _id_hash(qid: str) -> int:
    # 8 bytes of blake2b: a collision among 10M ids has probability ~3e-6, and ids hash the same in every run.
    digest = hashlib.blake2b(qid.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _is_table_input(p: Path) -> bool:
    """A Parquet file, a stage folder or a folder of Parquet files (not a datasets folder)."""
    if p.is_dir():
        hf_markers = ("dataset_info.json", "state.json", "dataset_dict.json")
        return not any((p / m).exists() for m in hf_markers)
    return p.name.lower().endswith(".parquet")


def _iter_input(p: Path, sink: RowSink) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line, record)`` for every row; Parquet and stage folders stream one record batch at a time."""
    if not str(p).startswith("hf:") and p.exists() and _is_table_input(p):
        from naturalthoughts.core.datafiles import iter_batches
        from naturalthoughts.core.store import check_complete

        if p.is_dir():
            check_complete(p)
        line = 0
        for batch in iter_batches(p):
            for rec in batch.to_pylist():
                line += 1
                yield line, rec
        return
    yield from iter_records(p, sink)


def _records_table(records: list[dict[str, Any]]) -> pa.Table:
    if not records:
        return QUESTION_SCHEMA.empty_table()
    # Union of keys over all rows: Table.from_pylist would take the columns of the first record only.
    keys = list(dict.fromkeys(k for rec in records for k in rec))
    return conform(pa.table({k: [rec.get(k) for rec in records] for k in keys}), QUESTION_SCHEMA)


class QuestionStream:
    """The questions of one input, read in chunks, checked row by row.

    A row without a usable ``question``, with a repeated ``id`` or with ``options`` that are not a list is a
    bad row: with ``on_bad_row="fail"`` a :class:`~naturalthoughts.core.io.BadRowError` names file, line and
    field;
    with ``"skip"`` it is collected in :attr:`rejects`. A row without ``id`` gets
    :func:`~naturalthoughts.core.schema.question_id` of its text. Each call of :meth:`chunks` reads the input
    again from the start (the checks start afresh too).
    """

    def __init__(self, path: str | os.PathLike, on_bad_row: str = "fail") -> None:
        self.path = resolve_input(path)
        self.on_bad_row = on_bad_row
        self.rejects: list[Reject] = []

    def chunks(self, size: int = READ_ALL) -> Iterator[pa.Table]:
        """Tables of at most ``size`` good questions (``QUESTION_SCHEMA``, extra columns kept), in order."""
        if size < 1:
            raise ValueError(f"chunk size must be at least 1, got {size}")
        sink = RowSink(self.on_bad_row)  # type: ignore[arg-type]
        self.rejects = sink.rejects
        seen: dict[int, int] = {}  # id hash -> first line (for the message naming the earlier row)
        records: list[dict[str, Any]] = []
        yielded = False
        for line, rec in _iter_input(self.path, sink):
            rec = self._checked(line, rec, sink, seen)
            if rec is None:
                continue
            records.append(rec)
            if len(records) >= size:
                yield _records_table(records)
                records, yielded = [], True
        if records or not yielded:
            yield _records_table(records)

    def validate(self) -> int:
        """Read the whole input once, only checking it (a bad row raises under ``"fail"``); the count."""
        return sum(t.num_rows for t in self.chunks(4096))

    def _checked(self, line: int, rec: dict[str, Any], sink: RowSink,
                 seen: dict[int, int]) -> dict[str, Any] | None:
        file = str(self.path)
        q = rec.get("question")
        if not isinstance(q, str) or not q.strip():
            reason, detail = (("missing_question", "no question") if q is None
                              else ("empty_question", "empty or not text"))
            sink.bad(reason, file, line, "question", detail, raw=stable_json(rec)[:2000])
            return None
        qid = rec.get("id")
        qid = str(qid) if qid not in (None, "") else question_id(q)
        key = _id_hash(qid)
        if key in seen:
            sink.bad("duplicate_id", file, line, "id", f"id {qid!r} repeats line {seen[key]}",
                     raw=stable_json(rec)[:2000])
            return None
        seen[key] = line
        rec = dict(rec, id=qid)
        if rec.get("source") in (None, ""):
            rec["source"] = self.path.name
        if rec.get("options") is not None and not isinstance(rec["options"], list):
            sink.bad("bad_options", file, line, "options", "options must be a list of strings",
                     raw=stable_json(rec)[:2000])
            return None
        return rec


def load_questions(path: str | os.PathLike, on_bad_row: str = "fail") -> tuple[pa.Table, list[Reject]]:
    """All questions of ``path`` as one table plus the rejects (see :class:`QuestionStream` for the checks).

    For large inputs iterate :meth:`QuestionStream.chunks` instead.
    """
    stream = QuestionStream(path, on_bad_row)
    table = next(iter(stream.chunks(READ_ALL)))
    return table, stream.rejects
