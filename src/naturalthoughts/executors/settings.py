"""Where a stage's rows run, as plain data: ``--executor``, ``--shard`` and the Ray flags.

Kept apart from :mod:`.options` (which adds the :class:`~naturalthoughts.llm.context.RowMapper` methods that call
:mod:`.stage`) so that :mod:`.stage` and :mod:`.ray_executor` can read the settings without importing back the
module that imports them: no import circle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from naturalthoughts.core.sharding import Shard

EXECUTORS = ("local", "ray")
AUTO_SLICE_MIN_ROWS = 32
AUTO_SLICE_MAX_ROWS = 4096


@dataclass(frozen=True)
class ExecutorSettings:
    """How a stage's rows are executed. None of this changes the output rows, only where they are computed."""

    executor: str = "local"
    shard: Shard | None = None
    ray_address: str | None = None  # None: start a local Ray instance; "auto" or "ray://host:10001": join a cluster
    workers: int = 2  # Ray actors, each owning its own backend
    batch_size: int | None = None  # rows per Ray slice (the unit of retry, one shard each); None: rows_per_slice
    cpus_per_worker: float | None = None  # None: 1, or an equal share of the CPUs when fewer than workers
    gpus_per_worker: float = 0.0  # 1 for a vLLM engine per GPU
    num_cpus: int | None = None  # only for a Ray instance started here (None: all cores)

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise ValueError(f"unknown executor {self.executor!r}; choose one of: {', '.join(EXECUTORS)}")
        if self.workers < 1:
            raise ValueError(f"--ray-workers must be at least 1, got {self.workers}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"--ray-batch-size must be at least 1, got {self.batch_size}")

    def rows_per_slice(self, rows: int) -> int:
        """Rows per slice for an input of ``rows``: ``batch_size`` when given, else automatic.

        Automatic: about 16 slices per worker, so a dead worker costs a sixteenth of its share and the progress
        bar moves, but at least 32 rows (small inputs slice as finely as before) and at most 4,096 (a 1M-row
        stage makes ~250 shards, not the 31,000 that 32-row slices made).
        """
        if self.batch_size is not None:
            return self.batch_size
        return int(min(AUTO_SLICE_MAX_ROWS, max(AUTO_SLICE_MIN_ROWS, -(-rows // (16 * self.workers)))))

    def manifest_extra(self) -> dict[str, Any]:
        """What a stage records under ``extra.executor`` (kept out of the config: it does not change the rows)."""
        d = asdict(self)
        d["shard"] = str(self.shard) if self.shard else None
        if self.executor == "local":
            return {"executor": "local", "shard": d["shard"]}
        return d
