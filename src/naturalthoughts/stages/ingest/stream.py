"""Streaming plumbing of question and trace ingest: bounded-memory reading, reject logs, batched writing.

Ingest reads its inputs record by record and keeps, per row, only what a later row can be checked against
(8-byte hashes, file and line numbers in compact arrays); the rows themselves go to the output shards in
batches and the dropped rows to ``rejects.parquet`` through per-phase spill files. Memory therefore grows by a
few hundred bytes per input row (the dedup state), not by the rows.
"""

from __future__ import annotations

import logging
import os
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from naturalthoughts.core.io import Reject, RowSink, iter_records
from naturalthoughts.core.schema import conform
from naturalthoughts.core.store import REJECTS_FILE, StageOutput
from naturalthoughts.stages.ingest.columns import RowProblem, normalise_question, raw_text

log = logging.getLogger(__name__)
# Columns that mean the file holds traces: read as questions (no --traces), they are left out, with a warning.
TRACE_HINT_COLUMNS = ("reasoning", "reasoning_content", "response", "responses")

# Reasons raised by naturalthoughts.core.io before a record exists (they still count as rows read).
IO_REASONS = frozenset({"bad_encoding", "malformed_json", "not_an_object", "extra_cells"})
REJECT_CHUNK = 1024  # rejects held as Python objects before they are written to the phase's spill file
WRITE_BATCH_ROWS = 1024  # output rows held as Python dicts before they become one Arrow batch


class PhaseSink(RowSink):
    """A :class:`RowSink` for one phase of the stage that counts rejects by reason and spills them to Parquet.

    ``spill`` is the phase's temporary Parquet file (None: count only, as with ``--no-rejects-file``).
    """

    def __init__(self, on_bad_row: str, spill: Path | None) -> None:
        super().__init__(on_bad_row)  # type: ignore[arg-type]
        self.by_reason: dict[str, int] = {}
        self.spill = spill
        self._writer: pq.ParquetWriter | None = None

    def bad(
        self, reason: str, file: str, line: int | None, field: str | None, detail: str, raw: str = ""
    ) -> None:
        super().bad(reason, file, line, field, detail, raw)
        self._added()

    def drop(self, reason: str, file: str, line: int | None, detail: str = "", raw: str = "") -> None:
        super().drop(reason, file, line, detail, raw)
        self._added()

    def _added(self) -> None:
        reason = self.rejects[-1].reason
        self.by_reason[reason] = self.by_reason.get(reason, 0) + 1
        if len(self.rejects) >= REJECT_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rejects and self.spill is not None:
            table = Reject.table(self.rejects)
            if self._writer is None:
                self._writer = pq.ParquetWriter(self.spill, table.schema, compression="zstd")
            self._writer.write_table(table)
        self.rejects = []

    def close(self) -> Path | None:
        """Flush and close the spill file; its path when it holds any rows."""
        self.flush()
        if self._writer is None:
            return None
        self._writer.close()
        self._writer = None
        return self.spill


class RejectLog:
    """Rejects of a stage by phase; ``rejects.parquet`` lists them phase by phase (read, ids, ... in that
    order), each phase in input order, which is the order the stage produced them in before it streamed."""

    def __init__(self, out_dir: Path, on_bad_row: str, phases: Sequence[str], write_rejects: bool) -> None:
        self.out_dir = out_dir
        self.sinks = {
            p: PhaseSink(on_bad_row, out_dir / f".rejects-{p}.parquet.tmp" if write_rejects else None)
            for p in phases
        }
        for phase in phases:  # spills a killed run left behind
            (out_dir / f".rejects-{phase}.parquet.tmp").unlink(missing_ok=True)

    def __getitem__(self, phase: str) -> PhaseSink:
        return self.sinks[phase]

    def counts(self) -> dict[str, Any]:
        """Manifest counts: every rejected row by reason, split into bad input (``skip``) and deliberate
        drops."""
        by_reason: dict[str, int] = {}
        for sink in self.sinks.values():
            for reason, n in sink.by_reason.items():
                by_reason[reason] = by_reason.get(reason, 0) + n
        by_reason = dict(sorted(by_reason.items()))
        deliberate = {"duplicate", "near_duplicate", "contaminated"}
        return {
            "rejected": by_reason,
            "skip": {k: v for k, v in by_reason.items() if k not in deliberate},
            "dropped": {k: v for k, v in by_reason.items() if k in deliberate},
        }

    def write(self) -> list[str]:
        """Join the phase spills into ``rejects.parquet`` (one row group at a time); the side files to
        record."""
        spills = [path for sink in self.sinks.values() if (path := sink.close()) is not None]
        if not spills:
            return []
        final, tmp = self.out_dir / REJECTS_FILE, self.out_dir / (REJECTS_FILE + ".tmp")
        writer: pq.ParquetWriter | None = None
        for path in spills:
            source = pq.ParquetFile(path)
            for g in range(source.num_row_groups):
                group = source.read_row_group(g)
                writer = writer or pq.ParquetWriter(tmp, group.schema, compression="zstd")
                writer.write_table(group)
            path.unlink()
        assert writer is not None
        writer.close()
        os.replace(tmp, final)
        return [REJECTS_FILE]

    def discard(self) -> None:
        """Remove the spill files of a run that failed."""
        for sink in self.sinks.values():
            try:
                sink.close()
            except (OSError, pa.ArrowException):
                pass
            if sink.spill is not None:
                sink.spill.unlink(missing_ok=True)


class Locations:
    """Where rows were first seen, kept as compact arrays: file index and line number per entry."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self._file_index: dict[str, int] = {}
        self._file = array("i")
        self._line = array("q")

    def add(self, file: str, line: int | None) -> int:
        """Record a location; its entry number."""
        index = self._file_index.setdefault(file, len(self.files))
        if index == len(self.files):
            self.files.append(file)
        self._file.append(index)
        self._line.append(-1 if line is None else line)
        return len(self._line) - 1

    def __getitem__(self, entry: int) -> tuple[str, int | None]:
        line = self._line[entry]
        return self.files[self._file[entry]], None if line < 0 else line

    def __len__(self) -> int:
        return len(self._line)


class TextSpill:
    """Append-only texts on disk, fetched back by entry number (8 bytes of memory per entry).

    Near-duplicate checks need the text of earlier kept rows only for the rare LSH candidates, so the texts
    live in a temporary file next to the output instead of in memory.
    """

    def __init__(self, folder: Path) -> None:
        self._file = tempfile.TemporaryFile(dir=folder, prefix=".ingest-texts-")
        self._offsets = array("q", [0])
        self._dirty = False

    def append(self, text: str) -> int:
        data = text.encode("utf-8", "surrogatepass")
        self._file.seek(0, os.SEEK_END)
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))
        self._dirty = True
        return len(self._offsets) - 2

    def __getitem__(self, entry: int) -> str:
        if self._dirty:
            self._file.flush()
            self._dirty = False
        start, end = self._offsets[entry], self._offsets[entry + 1]
        self._file.seek(start)
        return self._file.read(end - start).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._file.close()


class RecordStream:
    """Normalised rows from many files, in order, one at a time; counts rows in per file.

    ``normalise(rec, mapping, default_source)`` builds one row or a list of rows; a :class:`RowProblem` is a
    bad row for ``sink``. ``rows_in`` and ``per_file`` are complete once the stream is exhausted.
    """

    def __init__(
        self,
        sink: PhaseSink,
        mapping: Mapping[str, str],
        source: str | None,
        normalise: Callable[..., Any] = normalise_question,
    ) -> None:
        self.sink, self.mapping, self.source, self.normalise = sink, mapping, source, normalise
        self.rows_in = 0
        self.per_file: list[dict[str, Any]] = []

    def rows(self, paths: Sequence[str | os.PathLike]) -> Iterator[tuple[dict[str, Any], str, int]]:
        from tqdm import tqdm

        for path in paths:
            file = str(path)
            default_source = self.source or Path(file).name
            unreadable_before = sum(self.sink.by_reason.get(r, 0) for r in IO_REASONS)
            records = rows_read = 0
            self._ignored: list[str] = []
            for line, rec in tqdm(
                iter_records(path, self.sink),
                desc=f"read {Path(file).name}",
                unit=" rows",
                disable=None,
                leave=False,
            ):
                records += 1
                if records == 1 and self.normalise is normalise_question:
                    self._ignored = [c for c in TRACE_HINT_COLUMNS if c in rec]
                    if self._ignored:
                        log.warning("%s has %s column(s): ingest keeps only the questions; to import the traces "
                                    "too, run `naturalthoughts ingest --traces`", file, ", ".join(self._ignored))
                try:
                    rows = self.normalise(rec, self.mapping, default_source)
                except RowProblem as p:
                    self.sink.bad(p.reason, file, line, p.field, p.detail, raw_text(rec))
                    continue
                for row in rows if isinstance(rows, list) else [rows]:
                    rows_read += 1
                    yield row, file, line
            # Lines naturalthoughts.core.io could not turn into a record were still input rows.
            unreadable = sum(self.sink.by_reason.get(r, 0) for r in IO_REASONS) - unreadable_before
            self.rows_in += records + unreadable
            entry = {"path": file, "rows_in": records + unreadable, "rows_read": rows_read}
            if self._ignored:
                entry["trace_columns_ignored"] = self._ignored
            self.per_file.append(entry)


class RowBatcher:
    """Collects output rows and writes them to ``output`` as ``schema``-conformed Arrow batches."""

    def __init__(self, output: StageOutput, schema: pa.Schema, batch_rows: int | None = None) -> None:
        self.output, self.schema, self.batch_rows = output, schema, batch_rows or WRITE_BATCH_ROWS
        self._rows: list[dict[str, Any]] = []
        self.written = 0
        output.write(schema.empty_table())  # an output without rows still carries the schema

    def add(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self.output.write(conform(pa.Table.from_pylist(self._rows, schema=self.schema), self.schema))
            self.written += len(self._rows)
            self._rows = []
