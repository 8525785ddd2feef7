"""Resume by shard for ``annotate``: shard ``i`` holds input batches ``i*k .. i*k+k-1``, recorded when complete.

A run killed mid-way and started again with the same config and input keeps its finished shards untouched
(same bytes, same sha256) and does not annotate their rows again: their input batches are read (to keep the
position) and only their row counts and first and last keys are compared with the record. The bookkeeping is
:class:`naturalthoughts.core.progress.ShardProgress`, shared with ``generate``.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Iterator, Mapping

import pyarrow as pa

from naturalthoughts.core.progress import ShardProgress
from naturalthoughts.core.store import StageOutput

DEFAULT_ROWS_PER_SHARD = 50_000


def _key(table: pa.Table) -> str:
    return "trace_id" if "trace_id" in table.column_names else "id"


class ResumableOutput:
    """A :class:`StageOutput` whose shards are cut every ``batches_per_shard`` input batches and recorded."""

    def __init__(self, out_dir: str | os.PathLike, identity: Mapping[str, Any], batches_per_shard: int,
                 failed_calls: Callable[[], int] = lambda: 0) -> None:
        """``failed_calls``: LLM calls that finally failed so far. A shard with such rows (nulls a re-run must
        fill) is written but not recorded, and neither is any later one: the record stays a clean prefix."""
        self.progress = ShardProgress(out_dir, identity)  # clears the folder when the identity changed
        self._failed_calls, self._failed_before, self._tainted = failed_calls, failed_calls(), False
        self.kept = self.progress.manifest_outputs()
        self.output = StageOutput(out_dir, rows_per_shard=1 << 62, keep_shards=True, first_shard=len(self.kept),
                                  kept=self.kept)
        self.batches_per_shard = max(1, batches_per_shard)
        self._reset()

    def _reset(self) -> None:
        self._batches, self._rows, self._first, self._last = 0, 0, None, None

    @property
    def kept_rows(self) -> int:
        return sum(int(s["rows"]) for s in self.kept)

    def skip_kept(self, batches: Iterable[pa.Table]) -> Iterator[pa.Table]:
        """The input batches after those of the kept shards (which are consumed and checked, not annotated)."""
        it = iter(batches)
        for index in range(len(self.kept)):
            rows, first, last = 0, None, None
            for _ in range(self.batches_per_shard):
                batch = next(it, None)
                if batch is None:
                    break
                keys = batch.column(_key(batch))
                first = keys[0].as_py() if first is None else first
                last, rows = keys[-1].as_py(), rows + batch.num_rows
            if self.progress.finished_span(index, rows, first, last) is None:
                raise RuntimeError(f"{self.progress.out}: finished shard {index} was made from other input rows "
                                   "than this input has there; remove the folder and run again")
        yield from it

    def write(self, source_batch: pa.Table, annotated: pa.Table) -> None:
        """Append one annotated input batch; every ``batches_per_shard`` batches close and record a shard."""
        self.output.write(annotated)
        if source_batch.num_rows:
            keys = source_batch.column(_key(source_batch))
            self._first = keys[0].as_py() if self._first is None else self._first
            self._last = keys[-1].as_py()
        self._rows += source_batch.num_rows
        self._batches += 1
        if self._batches == self.batches_per_shard:
            self.cut()

    def cut(self) -> None:
        """Close the shard being written (if it has rows) and record it in the progress file."""
        if self._rows:
            self.output.writer.cut()
            failed = self._failed_calls()
            self._tainted = self._tainted or failed != self._failed_before
            self._failed_before = failed
            if not self._tainted:
                shard = self.output.writer.shards[-1]
                self.progress.record_span(len(self.progress.shards), shard, self._rows, self._first, self._last,
                                          {"rows": self._rows}, {})
        self._reset()
