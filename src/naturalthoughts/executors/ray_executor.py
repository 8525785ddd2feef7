"""``--executor ray``: a stage's batch function over Ray Data, one backend per actor, no funnel through the driver.

Flow: the driver cuts the input into slices of ``--ray-batch-size`` rows from the Parquet footers alone
(:func:`~naturalthoughts.core.rowaccess.plan_slices`; an in-memory input is first written as Parquet files) and
hands Ray only these small descriptors. Each actor (``--ray-workers`` of them; each builds its backends once, e.g.
a vLLM engine per GPU with ``--ray-gpus-per-worker 1``, or one endpoint of a ``--base-url`` list) reads its slice
from the row groups that hold it, applies the batch function and writes the result itself as shard
``data/part-<slice>.parquet`` of the output folder (temp file + rename), returning only the shard's rows and
sha256. The driver lists the shards in slice order, so rows come out in input order, and writes the manifest;
row data never passes through it. No Ray read task is needed, so two 1-CPU actors on a 2-CPU machine cannot
starve one (the old read_parquet -> map_batches -> write_parquet flow waited forever there with default flags).

Row cache and worker death: every actor opens the same SQLite row cache (WAL mode lets several processes on a
host write it) — or, for a cache folder on storage several hosts share, a file of its own (see
:class:`~naturalthoughts.llm.cache.FolderCache`) — and a row is stored the moment its completion arrives. Ray
Data restarts a dead actor and retries its slice (its defaults for actor pools: ``max_restarts=-1,
max_task_retries=-1``); the retry finds the finished rows in the cache and rewrites the same shard, so no finished
request is sent twice and every row comes out exactly once.

Statistics: each slice writes its :class:`RunStats` to ``work_dir/ray-stats/<slice>.json``, so a retried slice
overwrites instead of double counting; the driver sums them.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any, Mapping

import pyarrow as pa
import pyarrow.parquet as pq
import pyarrow.parquet as pq

from naturalthoughts.core.datafiles import data_files, read_all, sha256_file, shard_name
from naturalthoughts.core.rowaccess import plan_slices, read_slice
from naturalthoughts.core.sharding import Shard, select_shard
from naturalthoughts.executors.settings import ExecutorSettings
from naturalthoughts.executors.slice_progress import identity_key, kept_slices, record_slice, slice_places
from naturalthoughts.llm.backends.base import BackendSpec
from naturalthoughts.llm.context import BatchFn, WorkerContext, fault_from_env
from naturalthoughts.llm.runner import RunStats

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
    """A Ray Data actor: owns a :class:`WorkerContext` for its lifetime; reads, maps and writes one slice a call."""

    def __init__(self, batch_fn: BatchFn, specs: Mapping[str, BackendSpec], cache_path: str | None,
                 stats_dir: str, out_dir: str, allocator: Any, use_cache: bool, fault: tuple[int, str] | None,
                 shard: tuple[int, int] | None, resume_key: str | None = None) -> None:
        import ray

        index = ray.get(allocator.take.remote())
        self.batch_fn = batch_fn
        self.stats_dir, self.out_dir = Path(stats_dir), Path(out_dir)
        self.shard = Shard(*shard) if shard else None
        self.resume_key = resume_key
        self.ctx = WorkerContext(specs, cache_path, worker_index=index, progress=False, use_cache=use_cache,
                                 fault=fault)

    def __call__(self, descriptors: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, list[Any]] = {"index": [], "path": [], "rows": [], "sha256": [], "rows_in": []}
        for i in range(len(descriptors["index"])):
            index = int(descriptors["index"][i])
            rows = read_slice(str(descriptors["file"][i]), int(descriptors["offset"][i]), int(descriptors["rows"][i]))
            rows = select_shard(rows, self.shard)
            shard = self._map_one(index, rows, {"start": int(descriptors["start"][i]),
                                                "rows": int(descriptors["rows"][i])})
            for key in out:
                out[key].append(shard[key])
        return out

    def _map_one(self, index: int, rows: pa.Table, place: dict[str, int]) -> dict[str, Any]:
        for stats in self.ctx.all_stats().values():  # per-slice statistics: reset the worker's counters
            stats.__init__()
        self.ctx.reports.clear()
        result = self.batch_fn(rows, self.ctx)
        name = shard_name(index)
        final = self.out_dir / name
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(final.name + f".{os.getpid()}.tmp")
        pq.write_table(result, tmp, compression="zstd")
        os.replace(tmp, final)
        body = {"stats": {role: s.to_dict() for role, s in self.ctx.all_stats().items()}, "reports": self.ctx.reports}
        stats_tmp = self.stats_dir / f"{index:06d}.json.{os.getpid()}.tmp"
        stats_tmp.write_text(json.dumps(body))
        os.replace(stats_tmp, self.stats_dir / f"{index:06d}.json")
        entry = {"index": index, "path": name, "rows": result.num_rows, "sha256": sha256_file(final),
                 "rows_in": rows.num_rows}
        if self.resume_key:  # last: a record exists only for a shard that is whole and in place
            record_slice(self.out_dir, self.resume_key, index, place, entry, rows.num_rows, body)
        return entry


def _collect(stats_dir: Path) -> tuple[dict[str, RunStats], list[dict[str, Any]]]:
    """Summed statistics per role and the list of slice reports written by the workers, in slice order."""
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
                elif isinstance(value, dict):  # e.g. model identities: the same in every slice
                    getattr(acc, key).update(value)
                else:
                    setattr(acc, key, getattr(acc, key) + value)
    return total, reports


def _write_input_files(table: pa.Table, in_dir: Path, rows_per_file: int) -> list[Path]:
    """An in-memory input as Parquet files of ``rows_per_file`` rows (the workers read their slices from them)."""
    in_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for n, start in enumerate(range(0, max(table.num_rows, 1), rows_per_file)):
        files.append(in_dir / f"part-{n:05d}.parquet")
        pq.write_table(table.slice(start, rows_per_file), files[-1])
    return files


def _ensure_ray(options: ExecutorSettings) -> bool:
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


def default_cpus_per_worker(options: ExecutorSettings) -> float:
    """CPUs Ray reserves per actor when ``--ray-cpus-per-worker`` is not given: one, or an equal share of a
    local instance's CPUs when the workers would otherwise not all fit (2 workers on 1 CPU get 0.5 each)."""
    if options.cpus_per_worker is not None:
        return options.cpus_per_worker
    import ray

    cpus = float(ray.cluster_resources().get("CPU", 1.0))
    return min(1.0, cpus / max(options.workers, 1))


def run_on_ray_to_folder(
    source: pa.Table | str | os.PathLike | list[Path],
    batch_fn: BatchFn,
    out_dir: str | os.PathLike,
    *,
    specs: Mapping[str, BackendSpec],
    cache_path: str | os.PathLike | None,
    options: ExecutorSettings,
    work_dir: Path,
    use_cache: bool = True,
    resume: Mapping[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, RunStats], list[dict[str, Any]], int]:
    """Apply ``batch_fn`` on Ray; workers write ``out_dir/data/part-*.parquet`` themselves.

    ``source``: a stage folder or Parquet file(s) (read by the workers), or a table (written to ``work_dir``
    first). ``resume``: the run's identity (config and input hashes); then the finished slices of an earlier run
    with the same identity and slicing are kept and not sent to Ray (:mod:`~naturalthoughts.executors.slice_progress`).
    Returns (shard entries in row order for the manifest, summed statistics, slice reports, input rows of this
    shard).
    """
    in_dir, stats_dir = work_dir / "ray-in", work_dir / "ray-stats"
    for d in (in_dir, stats_dir):
        shutil.rmtree(d, ignore_errors=True)
    stats_dir.mkdir(parents=True)
    if isinstance(source, pa.Table):
        rows_per_slice = options.rows_per_slice(source.num_rows)
        files = _write_input_files(source, in_dir, rows_per_slice)
    else:
        files = [Path(f) for f in source] if isinstance(source, list) else data_files(source)
        rows_per_slice = options.rows_per_slice(sum(pq.ParquetFile(f).metadata.num_rows for f in files))
    slices = plan_slices(files, rows_per_slice)
    if not slices:  # no rows at all: one empty slice keeps the output's schema
        slices = [{"index": 0, "file": str(files[0]), "offset": 0, "rows": 0}]
    places = slice_places(slices)
    for s, place in zip(slices, places):
        s["start"] = place["start"]
    shard = (options.shard.index, options.shard.count) if options.shard else None
    key = identity_key({**resume, "rows_per_slice": rows_per_slice, "shard": shard}) if resume else None
    kept = kept_slices(Path(out_dir), key, places) if key else {}
    for index, record in kept.items():  # their statistics count in the manifest like the new slices'
        (stats_dir / f"{index:06d}.json").write_text(json.dumps(record["stats"]))
    todo = [s for s in slices if s["index"] not in kept]
    written = [{"index": i, "path": r["path"], "rows": r["rows"], "sha256": r["sha256"], "rows_in": r["rows_in"]}
               for i, r in kept.items()]
    if todo:
        written += _run_slices(todo, batch_fn, out_dir, specs=specs, cache_path=cache_path, options=options,
                               work_dir=work_dir, stats_dir=stats_dir, use_cache=use_cache, shard=shard,
                               resume_key=key)
    written.sort(key=lambda r: int(r["index"]))
    shards = [{"path": str(r["path"]), "rows": int(r["rows"]), "sha256": str(r["sha256"])} for r in written]
    stats, reports = _collect(stats_dir)
    return shards, stats, reports, sum(int(r["rows_in"]) for r in written)


def _run_slices(slices: list[dict[str, Any]], batch_fn: BatchFn, out_dir: str | os.PathLike, *,
                specs: Mapping[str, BackendSpec], cache_path: str | os.PathLike | None, options: ExecutorSettings,
                work_dir: Path, stats_dir: Path, use_cache: bool, shard: tuple[int, int] | None,
                resume_key: str | None) -> list[dict[str, Any]]:
    """The Ray Data job over ``slices``: one actor pool; each call maps and writes one slice."""
    import ray

    started = _ensure_ray(options)
    try:
        allocator = ray.remote(num_cpus=0)(_IndexAllocator).remote()
        resources: dict[str, Any] = {"num_cpus": default_cpus_per_worker(options)}
        if options.gpus_per_worker:
            resources["num_gpus"] = options.gpus_per_worker
        ds = ray.data.from_items(slices, override_num_blocks=len(slices)).map_batches(
            _StageWorker,
            fn_constructor_kwargs={
                "batch_fn": batch_fn,
                "specs": dict(specs),
                "cache_path": str(cache_path) if cache_path else None,
                "stats_dir": str(stats_dir),
                "out_dir": str(out_dir),
                "allocator": allocator,
                "use_cache": use_cache,
                "fault": fault_from_env(work_dir),
                "shard": shard,
                "resume_key": resume_key,
            },
            batch_size=1,  # one slice per call: the unit of work and of retry
            batch_format="numpy",
            concurrency=max(1, min(options.workers, len(slices))),  # no idle actor for a short resume
            **resources,
            # Not passed: max_restarts=-1, max_task_retries=-1. They are Ray Data's defaults for actor pools (a
            # dead actor is restarted and its slice retried; the row cache makes the retry exactly-once), and
            # passing them goes through `ray_remote_args`, deprecated since Ray 2.60.
        )
        return list(ds.take_all())
    finally:
        if started:
            ray.shutdown()


def run_on_ray(
    table: pa.Table,
    batch_fn: BatchFn,
    *,
    specs: Mapping[str, BackendSpec],
    cache_path: str | os.PathLike | None,
    options: ExecutorSettings,
    work_dir: Path,
    use_cache: bool = True,
) -> tuple[pa.Table, dict[str, RunStats], list[dict[str, Any]]]:
    """Apply ``batch_fn`` to a table on Ray and return the output rows as one table (input order).

    The in-memory form of :func:`run_on_ray_to_folder` for callers that want a table back; stages that write a
    folder should use that instead, so that rows never pass through this process.
    """
    out_dir = work_dir / "ray-out"
    shutil.rmtree(out_dir, ignore_errors=True)
    shards, stats, reports, _ = run_on_ray_to_folder(table, batch_fn, out_dir, specs=specs, cache_path=cache_path,
                                                     options=options, work_dir=work_dir, use_cache=use_cache)
    out = read_all([out_dir / s["path"] for s in shards]) if shards else pa.table({})
    return out, stats, reports
