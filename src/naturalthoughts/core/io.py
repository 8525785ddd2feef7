"""Reading user files row by row, with errors that name the file, the line and the field.

Accepted inputs: JSON Lines (``.jsonl``/``.json`` with one object per line), CSV/TSV, Parquet, a Hugging Face
``datasets`` folder saved with ``save_to_disk``, a stage output folder, and
``hf://OWNER/NAME[@CONFIG][:SPLIT]`` (loaded with ``datasets.load_dataset`` when the hub is reachable).

Bad rows either stop the run (``on_bad_row="fail"``, the default: a :class:`BadRowError` naming file, line and
field) or are skipped and collected as :class:`Reject` records that the stage counts by reason in its manifest
and writes to its rejects file. Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal

import pyarrow as pa

OnBadRow = Literal["fail", "skip"]


class BadRowError(ValueError):
    """A row that cannot be used, located precisely."""

    def __init__(self, file: str, line: int | None, field: str | None, reason: str) -> None:
        self.file, self.line, self.field, self.reason = file, line, field, reason
        where = f"{file}:{line}" if line is not None else file
        what = f" field {field!r}:" if field else ""
        super().__init__(f"{where}:{what} {reason}")


@dataclass
class Reject:
    """A row dropped on purpose (bad input, duplicate, contamination, ...) and why."""

    reason: str  # short machine-readable code, e.g. "malformed_json", "duplicate", "contaminated"
    file: str
    line: int | None
    field: str | None = None
    detail: str = ""
    raw: str = ""  # the row as text (truncated), so a user can find and fix it

    @staticmethod
    def table(rejects: list["Reject"]) -> pa.Table:
        return pa.table(
            {
                "reject_reason": pa.array([r.reason for r in rejects], pa.string()),
                "file": pa.array([r.file for r in rejects], pa.string()),
                "line": pa.array([r.line for r in rejects], pa.int64()),
                "field": pa.array([r.field for r in rejects], pa.string()),
                "detail": pa.array([r.detail for r in rejects], pa.string()),
                "raw": pa.array([r.raw[:2000] for r in rejects], pa.string()),
            }
        )

    @staticmethod
    def counts(rejects: list["Reject"]) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in rejects:
            out[r.reason] = out.get(r.reason, 0) + 1
        return dict(sorted(out.items()))


class RowSink:
    """Collects rejects under the chosen policy: raise on the first one (``fail``) or keep going
    (``skip``)."""

    def __init__(self, on_bad_row: OnBadRow = "fail") -> None:
        if on_bad_row not in ("fail", "skip"):
            raise ValueError(f"on_bad_row must be 'fail' or 'skip', not {on_bad_row!r}")
        self.on_bad_row = on_bad_row
        self.rejects: list[Reject] = []

    def bad(self, reason: str, file: str, line: int | None, field: str | None, detail: str, raw: str = "") -> None:
        if self.on_bad_row == "fail":
            raise BadRowError(file, line, field, f"{detail} (use --on-bad-row skip to skip such rows)")
        self.rejects.append(Reject(reason, file, line, field, detail, raw))

    def drop(self, reason: str, file: str, line: int | None, detail: str = "", raw: str = "") -> None:
        """A deliberate drop (duplicate, contamination): always recorded, never an error."""
        self.rejects.append(Reject(reason, file, line, None, detail, raw))


def _is_hf_dataset_dir(p: Path) -> bool:
    return p.is_dir() and ((p / "dataset_info.json").exists() or (p / "state.json").exists() or (p / "dataset_dict.json").exists())


def iter_records(path: str | os.PathLike, sink: RowSink | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, record)`` for every readable row of ``path``.

    Line numbers are 1-based physical lines for JSONL, data rows + 1 (header is line 1) for CSV, and 1-based
    row positions for Parquet and datasets.
    """
    sink = sink or RowSink("fail")
    text = str(path)
    if text.startswith("hf://"):
        yield from _iter_hub(text[5:])
        return
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file or folder")
    name = p.name.lower()
    if _is_hf_dataset_dir(p):
        yield from _iter_datasets_dir(p)
    elif p.is_dir() or name.endswith(".parquet"):
        yield from _iter_parquet(p)
    elif name.endswith((".csv", ".tsv")):
        yield from _iter_csv(p, sink, delimiter="\t" if name.endswith(".tsv") else ",")
    elif name.endswith((".jsonl", ".json", ".ndjson", ".jsonl.gz")):
        yield from _iter_jsonl(p, sink)
    else:
        raise ValueError(f"{p}: unknown input format (expected .jsonl, .json, .csv, .tsv, .parquet or a datasets folder)")


def _iter_jsonl(p: Path, sink: RowSink) -> Iterator[tuple[int, dict[str, Any]]]:
    import gzip

    opener = gzip.open if p.name.endswith(".gz") else open
    with opener(p, "rb") as f:
        first = f.read(1)
        f.seek(0)
        if first == b"[":  # a JSON array file rather than JSON Lines
            yield from _iter_json_array(p, f, sink)
            return
        for line_no, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                sink.bad("bad_encoding", str(p), line_no, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})", repr(raw[:200]))
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                sink.bad("malformed_json", str(p), line_no, None, f"malformed JSON: {exc.msg} at column {exc.colno}", line)
                continue
            if not isinstance(rec, dict):
                sink.bad("not_an_object", str(p), line_no, None, f"expected a JSON object, got {type(rec).__name__}", line)
                continue
            yield line_no, rec


def _iter_json_array(p: Path, f: Any, sink: RowSink, chunk_chars: int = 1 << 20) -> Iterator[tuple[int, dict[str, Any]]]:
    """The elements of a file holding one JSON array, one at a time (numbered from 1), never the whole file.

    Hand-written because the standard library has no incremental parser (``ijson`` would be a dependency for
    one input kind): ``JSONDecoder.raw_decode`` parses one element from a text buffer that is refilled as needed.
    """
    import io

    text = io.TextIOWrapper(f, encoding="utf-8")
    decoder = json.JSONDecoder()
    buf, pos, eof, index = "", 0, False, 0

    def more() -> bool:
        nonlocal buf, pos, eof
        piece = text.read(chunk_chars)
        eof = not piece
        buf, pos = buf[pos:] + piece, 0
        return not eof

    def skip(chars: str) -> str:
        """Skip whitespace and any of ``chars``; the next character (empty at the end of the file)."""
        nonlocal pos
        while True:
            while pos < len(buf) and (buf[pos].isspace() or buf[pos] in chars):
                pos += 1
            if pos < len(buf) or not more():
                return buf[pos:pos + 1]

    skip("[")  # the opening bracket (checked by the caller)
    while True:
        nxt = skip(",")
        if nxt in ("]", ""):
            return
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if not eof and more():
                    continue
                raise ValueError(f"{p}: malformed JSON array at element {index + 1}: {exc.msg}") from None
            if end == len(buf) and not eof and more():  # a number may go on in the next piece
                continue
            break
        pos, index = end, index + 1
        if isinstance(value, dict):
            yield index, value
        else:
            sink.bad("not_an_object", str(p), index, None, f"expected a JSON object, got {type(value).__name__}",
                     json.dumps(value)[:200])


def _iter_csv(p: Path, sink: RowSink, delimiter: str) -> Iterator[tuple[int, dict[str, Any]]]:
    # surrogateescape keeps undecodable bytes as lone surrogates, so one bad row is reported (or skipped) by
    # its own line instead of the whole file failing to decode.
    with open(p, encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        # The file is read a line at a time; each physical line is split again the way str.splitlines splits
        # (also at \v, \f, \x1c-\x1e, \x85, U+2028/9), which is how the whole text was split before streaming,
        # so line numbers and rows stay the same.
        lines = (piece for physical in f for piece in physical.splitlines(keepends=True))
        yield from _csv_records(p, sink, csv.DictReader(lines, delimiter=delimiter))


def _csv_records(p: Path, sink: RowSink, reader: csv.DictReader) -> Iterator[tuple[int, dict[str, Any]]]:
    for rec in reader:
        line_no = reader.line_num
        if None in rec:  # more cells than header columns
            sink.bad("extra_cells", str(p), line_no, None, f"{len(rec[None])} more cells than header columns", str(rec))
            continue
        bad_field = next((k for k, v in rec.items() if isinstance(v, str) and not _is_utf8(v)), None)
        if bad_field is not None:
            sink.bad("bad_encoding", str(p), line_no, bad_field, "not valid UTF-8; re-save the file as UTF-8",
                     repr(rec[bad_field].encode("utf-8", "surrogateescape")[:200]))
            continue
        yield line_no, rec


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _iter_parquet(p: Path, batch_rows: int = 1024) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a Parquet file or stage folder, read a record batch at a time (never the whole file)."""
    from naturalthoughts.core.datafiles import iter_batches

    if p.is_dir():
        from naturalthoughts.core.store import check_complete

        check_complete(p)
    line = 0
    for batch in iter_batches(p, batch_rows=batch_rows):
        for rec in batch.to_pylist():
            line += 1
            yield line, rec


def _iter_datasets_dir(p: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    import datasets  # optional dependency, only for this input kind

    ds = datasets.load_from_disk(str(p))
    if isinstance(ds, datasets.DatasetDict):
        split = "train" if "train" in ds else next(iter(ds))
        ds = ds[split]
    for i, rec in enumerate(ds, start=1):
        yield i, rec


def _iter_hub(spec: str) -> Iterator[tuple[int, dict[str, Any]]]:
    import datasets

    name, _, split = spec.partition(":")
    name, _, config = name.partition("@")
    ds = datasets.load_dataset(name, config or None, split=split or "train", streaming=True)
    for i, rec in enumerate(ds, start=1):
        yield i, rec


def load_table(path: str | os.PathLike) -> pa.Table:
    """Read any accepted input into an Arrow table without validation (stage outputs keep their schema)."""
    p = Path(str(path))
    if not str(path).startswith("hf://") and (p.is_dir() and not _is_hf_dataset_dir(p) or p.suffix == ".parquet"):
        from naturalthoughts.core.store import read_table

        return read_table(p)
    return pa.Table.from_pylist([rec for _, rec in iter_records(path)])
