"""``--executor ray``: a stage's batch function over Ray Data, one backend per actor.

Flow: the (sharded) input is written as Parquet shards -> ``ray.data.read_parquet`` -> ``map_batches`` over an
actor pool (``--ray-workers`` actors; each builds its backends once and keeps them, e.g. a vLLM engine per GPU with
``--ray-gpus-per-worker 1``, or one endpoint of a ``--base-url`` list for the OpenAI-compatible backend) ->
``write_parquet`` -> the driver reads the output shards back in input order and the stage writes its usual
folder and manifest.

Row cache and worker death: every actor opens the same SQLite row cache (WAL mode lets several processes on a
host write it), and a row is stored the moment its completion arrives. Ray Data restarts a dead actor and retries
its batch (its defaults for actor pools: ``max_restarts=-1, max_task_retries=-1``); the retried batch finds its
finished rows in the cache, so no finished request is sent twice and a failed attempt emits no rows: every row comes out
exactly once. On a multi-node cluster, give ``cache_path`` and ``work_dir`` on a filesystem all nodes share (or
accept per-node caches: correctness holds, only cross-node reuse is lost).

Statistics: each batch writes its :class:`RunStats` to ``work_dir/stats/<batch>.json``, keyed by the batch's
first row key, so a retried batch overwrites instead of double counting; the driver sums them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from naturalthoughts.core.sharding import SHARD_COLUMN
from naturalthoughts.executors.merge import order_like, row_key_column
from naturalthoughts.llm.backends.base import BackendSpec
from naturalthoughts.llm.context import BatchFn, WorkerContext, fault_from_env
from naturalthoughts.llm.runner import RunStats

if TYPE_CHECKING:
    from naturalthoughts.executors.options import ExecutorOptions

log = logging.getLogger(__name__)

RAY_INIT_TIMEOUT_S = 120


class _IndexAllocator:
    """Hands each actor a distinct worker index (endpoint choice), including actors Ray restarts."""

    def __init__(self) -> None:
        self.next_index = 0

    def take(self) -> int:
        index = self.next_index
        self.next_index += 1
        return index


class _StageWorker:
    """A Ray Data actor: owns a :class:`WorkerContext` for its lifetime and applies the batch function."""

    def __init__(self, batch_fn: BatchFn, specs: Mapping[str, BackendSpec], cache_path: str | None,
                 stats_dir: str, allocator: Any, use_cache: bool, fault: tuple[int, str] | None) -> None:
        import ray

        index = ray.get(allocator.take.remote())
        self.batch_fn = batch_fn
        self.stats_dir = Path(stats_dir)
        self.ctx = WorkerContext(specs, cache_path, worker_index=index, progress=False, use_cache=use_cache,
                                 fault=fault)

    def __call__(self, batch: pa.Table) -> pa.Table:
        for stats in self.ctx.all_stats().values():  # per-batch statistics: reset the worker's counters
            stats.__init__()
        self.ctx.reports.clear()
        out = self.batch_fn(batch, self.ctx)
        if batch.num_rows:
            first = str(batch.column(row_key_column(batch))[0].as_py())
            name = hashlib.sha256(first.encode()).hexdigest()[:20] + ".json"
            body = {"stats": {role: s.to_dict() for role, s in self.ctx.all_stats().items()},
                    "reports": self.ctx.reports}
            tmp = self.stats_dir / (name + f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(body))
            os.replace(tmp, self.stats_dir / name)
        return out


def _collect(stats_dir: Path) -> tuple[dict[str, RunStats], list[dict[str, Any]]]:
    """Summed statistics per role and the list of batch reports written by the workers."""
    total: dict[str, RunStats] = {}
    reports: list[dict[str, Any]] = []
    for f in sorted(stats_dir.glob("*.json")):
        body = json.loads(f.read_text())
        reports.extend(body["reports"])
        for role, d in body["stats"].items():
            acc = total.setdefault(role, RunStats())
            for key, value in d.items():
                if key == "errors":
                    for kind, n in value.items():
                        acc.errors[kind] = acc.errors.get(kind, 0) + n
                else:
                    setattr(acc, key, getattr(acc, key) + value)
    return total, reports


def _write_input_shards(table: pa.Table, in_dir: Path, rows_per_file: int) -> int:
    """One Parquet file per batch; returns the number of files."""
    in_dir.mkdir(parents=True, exist_ok=True)
    n = 0
    for n, start in enumerate(range(0, max(table.num_rows, 1), rows_per_file)):
        pq.write_table(table.slice(start, rows_per_file), in_dir / f"part-{n:05d}.parquet")
    return n + 1


def _ensure_ray(options: "ExecutorOptions") -> bool:
    """Connect to or start Ray; True when this call started it (and so must shut it down)."""
    import ray

    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": True, "ignore_reinit_error": True}
    if options.ray_address:
        kwargs["address"] = options.ray_address
    else:
        if options.num_cpus is not None:
            kwargs["num_cpus"] = options.num_cpus
        # Ray's default object store takes 30% of RAM; rows of text need little, and this box is shared.
        kwargs["object_store_memory"] = int(os.environ.get("NATURALTHOUGHTS_RAY_OBJECT_STORE", 256 * 1024**2))
        # A local instance binds to loopback only where Ray allows it (the dashboard is off; see README).
        kwargs["_node_ip_address"] = "127.0.0.1"
    t0 = time.perf_counter()
    ray.init(**kwargs)
    ray.data.DataContext.get_current().enable_progress_bars = False  # one line per batch is noise in logs
    log.info("ray started in %.1fs (%s)", time.perf_counter() - t0, options.ray_address or "local")
    return True


def run_on_ray(
    table: pa.Table,
    batch_fn: BatchFn,
    *,
    specs: Mapping[str, BackendSpec],
    cache_path: str | os.PathLike | None,
    options: "ExecutorOptions",
    work_dir: Path,
    use_cache: bool = True,
) -> tuple[pa.Table, dict[str, RunStats], list[dict[str, Any]]]:
    """Apply ``batch_fn`` to ``table`` on Ray: output rows in input order, summed statistics, batch reports."""
    import ray

    in_dir, out_dir, stats_dir = work_dir / "ray-in", work_dir / "ray-out", work_dir / "ray-stats"
    for d in (in_dir, out_dir, stats_dir):
        shutil.rmtree(d, ignore_errors=True)
    stats_dir.mkdir(parents=True)
    n_files = _write_input_shards(table, in_dir, options.batch_size)
    started = _ensure_ray(options)
    try:
        allocator = ray.remote(num_cpus=0)(_IndexAllocator).remote()
        # One block per batch: blocks are what the actor pool hands out, so this is what spreads work over the
        # workers. read_parquet may coalesce small files into one block (then one actor would do everything).
        ds = ray.data.read_parquet(str(in_dir), schema=table.schema).repartition(n_files)
        resources: dict[str, Any] = {"num_cpus": options.cpus_per_worker}
        if options.gpus_per_worker:
            resources["num_gpus"] = options.gpus_per_worker
        ds = ds.map_batches(
            _StageWorker,
            fn_constructor_kwargs={
                "batch_fn": batch_fn,
                "specs": dict(specs),
                "cache_path": str(cache_path) if cache_path else None,
                "stats_dir": str(stats_dir),
                "allocator": allocator,
                "use_cache": use_cache,
                "fault": fault_from_env(work_dir),
            },
            batch_size=options.batch_size,
            batch_format="pyarrow",
            concurrency=options.workers,
            **resources,
            # Not passed: max_restarts=-1, max_task_retries=-1. They are Ray Data's defaults for actor pools (a
            # dead actor is restarted and its batch retried; the row cache makes the retry exactly-once), and
            # passing them goes through `ray_remote_args`, deprecated since Ray 2.60.
        )
        ds.write_parquet(str(out_dir))
    finally:
        if started:
            ray.shutdown()
    files = sorted(out_dir.glob("*.parquet"))
    if files:
        out = pa.concat_tables([pq.read_table(f) for f in files], promote_options="default")
    else:
        out = pa.table({})
    if out.num_rows:
        # Trace inputs keep their trace order; question inputs their question order (samples stay together).
        key = "trace_id" if "trace_id" in table.column_names and "trace_id" in out.column_names else SHARD_COLUMN
        if key in out.column_names and key in table.column_names:
            out = order_like(out, table.column(key).to_pylist(), column=key)
    stats, reports = _collect(stats_dir)
    return out, stats, reports
