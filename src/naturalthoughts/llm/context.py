"""What a stage's batch function gets from an executor: its backends, the row cache and run statistics.

This module is the contract between stages and executors, so neither imports the other: a stage hands a batch
function and a :class:`RowMapper` (any object with ``spreads``, ``select``, ``map`` and ``manifest_extra``, e.g.
:class:`naturalthoughts.executors.options.ExecutorOptions`) and gets a :class:`MapResult` back.

A *batch function* has the signature ``fn(table: pa.Table, ctx: WorkerContext) -> pa.Table``: rows in, rows out,
calling models only through ``ctx.backend(role)`` and ``run_requests(..., ctx.cache(), stats=ctx.stats(role))``.
It must be a module-level function (or a ``functools.partial`` of one with plain-data arguments) so that Ray can
ship it to workers. The same function runs unchanged in this process (local executor) or in each Ray actor.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol

import pyarrow as pa

from naturalthoughts.core.sharding import Shard
from naturalthoughts.llm.backends.base import Backend, BackendSpec, ChatRequest, Completion, ProgressFn
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.llm.runner import RunStats

log = logging.getLogger(__name__)


def split_endpoints(base_url: str | None) -> list[str]:
    """``"http://a/v1,http://b/v1"`` -> both URLs; one URL or None stays a list of one (or empty)."""
    if not base_url:
        return []
    return [u.strip() for u in base_url.split(",") if u.strip()]

# Test hook (the worker-death test): after this many completed rows, one worker process exits abruptly
# (``os._exit``), once per marker file. Completed rows are already in the row cache when it dies.
FAULT_EXIT_AFTER_ROWS_ENV = "NATURALTHOUGHTS_FAULT_EXIT_AFTER_ROWS"
FAULT_MARKER_ENV = "NATURALTHOUGHTS_FAULT_MARKER"


class WorkerContext:
    """Backends (built lazily, one per role), the row cache and per-role :class:`RunStats` of one worker.

    ``specs`` maps a role (``"teacher"``, ``"judge"``, ``"second"``, ...) to its :class:`BackendSpec`. A spec whose
    ``base_url`` lists several endpoints (comma-separated) gets endpoint ``worker_index mod len(endpoints)``, so a
    pool of workers spreads over a pool of servers.
    """

    def __init__(
        self,
        specs: Mapping[str, BackendSpec],
        cache_path: str | os.PathLike | None,
        *,
        worker_index: int = 0,
        progress: bool | str = False,
        use_cache: bool = True,
        fault: tuple[int, str] | None = None,
    ) -> None:
        self.specs = {role: self._pick_endpoint(spec, worker_index) for role, spec in specs.items()}
        self.cache_path = Path(cache_path) if cache_path else None
        self.worker_index = worker_index
        self.progress = progress
        self.use_cache = use_cache
        self._fault = fault  # (rows, marker path)
        self._rows_done = 0
        self._backends: dict[str, Backend] = {}
        self._cache: RequestCache | None = None
        self._stats: dict[str, RunStats] = {}
        self.reports: list[dict[str, Any]] = []  # per-batch stage reports (e.g. annotate's), merged by the driver

    @staticmethod
    def _pick_endpoint(spec: BackendSpec, worker_index: int) -> BackendSpec:
        endpoints = split_endpoints(spec.base_url)
        if len(endpoints) <= 1:
            return spec
        return replace(spec, base_url=endpoints[worker_index % len(endpoints)])

    def spec(self, role: str = "teacher") -> BackendSpec:
        try:
            return self.specs[role]
        except KeyError:
            raise KeyError(f"no backend for role {role!r} (have: {', '.join(self.specs) or 'none'})") from None

    def backend(self, role: str = "teacher") -> Backend:
        """This worker's backend for ``role``, built on first use and kept for the worker's lifetime."""
        if role not in self._backends:
            from naturalthoughts.llm.backends import make_backend

            backend = make_backend(self.spec(role))
            self._backends[role] = _FaultyBackend(backend, self) if self._fault else backend
        return self._backends[role]

    def cache(self) -> RequestCache | None:
        """The shared SQLite row cache (WAL mode: several worker processes on one host may write it at once)."""
        if not self.use_cache:
            return None
        if self._cache is None:
            self._cache = RequestCache(self.cache_path)
        return self._cache

    def stats(self, role: str = "teacher") -> RunStats:
        return self._stats.setdefault(role, RunStats())

    def all_stats(self) -> dict[str, RunStats]:
        return dict(self._stats)

    def add_report(self, report: dict[str, Any]) -> None:
        """Keep a batch's report for the manifest (the driver merges the reports of all batches)."""
        self.reports.append(report)

    def _row_done(self) -> None:
        if not self._fault:
            return
        self._rows_done += 1
        rows, marker = self._fault
        if self._rows_done >= rows:
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return  # another worker (or an earlier life of this one) already died once
            os.write(fd, f"worker {self.worker_index} pid {os.getpid()} exits after {self._rows_done} rows\n".encode())
            os.close(fd)
            log.warning("fault hook: worker %d exits after %d rows", self.worker_index, self._rows_done)
            os._exit(17)

    def close(self) -> None:
        for backend in self._backends.values():
            try:
                backend.close()
            except Exception:  # closing is best effort; the worker is going away
                log.debug("backend close failed", exc_info=True)
        self._backends.clear()
        if self._cache is not None:
            self._cache.close()
            self._cache = None


class _FaultyBackend:
    """Wraps a backend so the fault hook fires after a row's completion has reached the cache."""

    def __init__(self, inner: Backend, ctx: WorkerContext) -> None:
        self._inner, self._ctx = inner, ctx
        self.name, self.model_id = inner.name, inner.model_id

    def generate(self, requests: list[ChatRequest], on_result: ProgressFn | None = None) -> list[Completion]:
        def relay(i: int, c: Completion) -> None:
            if on_result is not None:
                on_result(i, c)  # run_requests stores the row in the cache here
            self._ctx._row_done()

        return self._inner.generate(requests, on_result=relay)

    def close(self) -> None:
        self._inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


BatchFn = Callable[[pa.Table, WorkerContext], pa.Table]


def fault_from_env(marker_dir: str | os.PathLike) -> tuple[int, str] | None:
    """The fault hook's setting, read in the driver (workers may not inherit its environment).

    ``NATURALTHOUGHTS_FAULT_MARKER`` names the marker file (default: ``marker_dir/fault-injected.txt``); the
    worker that dies writes it first, so a test can check that a death really happened.
    """
    raw = os.environ.get(FAULT_EXIT_AFTER_ROWS_ENV)
    if not raw:
        return None
    marker = os.environ.get(FAULT_MARKER_ENV) or str(Path(marker_dir) / "fault-injected.txt")
    return int(raw), marker


@dataclass
class MapResult:
    """The stage's output rows (in input order), statistics per backend role, and what to record in the manifest."""

    table: pa.Table
    stats: dict[str, RunStats] = field(default_factory=dict)
    rows_in: int = 0  # rows of the input after sharding
    executor: dict[str, Any] = field(default_factory=dict)
    reports: list[dict[str, Any]] = field(default_factory=list)  # what the batch function passed to add_report


@dataclass
class FolderMapResult:
    """A mapping written straight into a stage folder: its shards (manifest entries, row order), statistics."""

    shards: list[dict[str, Any]]
    stats: dict[str, RunStats] = field(default_factory=dict)
    rows_in: int = 0
    executor: dict[str, Any] = field(default_factory=dict)
    reports: list[dict[str, Any]] = field(default_factory=list)


class RowMapper(Protocol):
    """Where a stage's batch function runs: this process, one shard, or Ray actors (``naturalthoughts.executors``).

    None of this changes the output rows, only where they are computed.
    """

    shard: Shard | None

    @property
    def spreads(self) -> bool:
        """True when the rows go through :meth:`map` (a shard or another process), False for a plain local run."""
        ...

    def select(self, table: pa.Table) -> pa.Table:
        """The rows of ``table`` this run handles (its shard), in input order."""
        ...

    def map(self, table: pa.Table, batch_fn: BatchFn, *, specs: Mapping[str, BackendSpec],
            cache_path: str | os.PathLike | None, use_cache: bool, progress: bool | str) -> MapResult:
        """Apply ``batch_fn`` to the rows :meth:`select` keeps; rows come back in input order."""
        ...

    def map_to_folder(self, source: pa.Table | str | os.PathLike, batch_fn: BatchFn, out_dir: str | os.PathLike, *,
                      specs: Mapping[str, BackendSpec], cache_path: str | os.PathLike | None, use_cache: bool,
                      progress: bool | str, slice_rows: int, resume: Mapping[str, Any] | None = None) -> FolderMapResult:
        """Apply ``batch_fn`` and write the output as ``out_dir``'s shards, one per input slice (no rows returned).

        ``resume``: the run's identity; where the executor can (Ray), finished slices of an earlier run with the
        same identity are kept instead of done again.
        """
        ...

    def manifest_extra(self) -> dict[str, Any]:
        """What the stage records under ``extra.executor``."""
        ...
