"""Run a stage's batch function over its input with the chosen executor and shard.

Stages never call this directly: they express their per-row work as a batch function (see
:mod:`naturalthoughts.llm.context`) and hand it to the :class:`~naturalthoughts.llm.context.RowMapper` they were
given (:class:`~naturalthoughts.executors.options.ExecutorOptions`, whose ``map`` comes here); sharding, the local
and Ray executors, endpoint spreading and statistics come from here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

import pyarrow as pa

from naturalthoughts.core.sharding import select_shard
from naturalthoughts.executors.settings import ExecutorSettings
from naturalthoughts.llm.backends.base import BackendSpec
from naturalthoughts.llm.cache import default_cache_path
from naturalthoughts.llm.context import BatchFn, FolderMapResult, MapResult, WorkerContext, split_endpoints


def run_map_stage(
    table: pa.Table,
    batch_fn: BatchFn,
    *,
    specs: Mapping[str, BackendSpec],
    cache_path: str | os.PathLike | None = None,
    options: ExecutorSettings,
    progress: bool | str = False,
    use_cache: bool = True,
    work_dir: str | os.PathLike | None = None,
) -> MapResult:
    """Apply ``batch_fn`` to the rows of ``table`` that belong to ``options.shard``.

    ``specs`` are the backends by role; ``cache_path`` the row cache every worker shares. With the Ray executor,
    ``work_dir`` holds the Parquet shards in and out (a temporary folder by default; use a path every node can
    read when joining a multi-node cluster).
    """
    table = select_shard(table, options.shard)
    # Resolve the cache here: Ray workers do not see this process's environment (NATURALTHOUGHTS_CACHE).
    cache_path = Path(cache_path) if cache_path else default_cache_path()
    if options.executor == "local" or table.num_rows == 0:  # nothing to spread: no cluster start
        many = {role: s.base_url for role, s in specs.items() if len(split_endpoints(s.base_url)) > 1}
        if many and options.executor == "local":
            role, urls = next(iter(many.items()))
            raise ValueError(f"{role} backend lists {len(split_endpoints(urls))} endpoints ({urls}): "
                             f"spreading over several endpoints needs --executor ray")
        ctx = WorkerContext(specs, cache_path, progress=progress, use_cache=use_cache)
        try:
            out = batch_fn(table, ctx)
        finally:
            ctx.close()
        return MapResult(out, ctx.all_stats(), table.num_rows, options.manifest_extra(), list(ctx.reports))

    from naturalthoughts.executors.ray_executor import run_on_ray

    if work_dir is None:
        with tempfile.TemporaryDirectory(prefix="naturalthoughts-ray-") as tmp:
            out, stats, reports = run_on_ray(table, batch_fn, specs=specs, cache_path=cache_path, options=options,
                                             work_dir=Path(tmp), use_cache=use_cache)
    else:
        out, stats, reports = run_on_ray(table, batch_fn, specs=specs, cache_path=cache_path, options=options,
                                         work_dir=Path(work_dir), use_cache=use_cache)
    return MapResult(out, stats, table.num_rows, options.manifest_extra(), reports)


def run_map_to_folder(
    source: pa.Table | str | os.PathLike,
    batch_fn: BatchFn,
    out_dir: str | os.PathLike,
    *,
    specs: Mapping[str, BackendSpec],
    options: ExecutorSettings,
    cache_path: str | os.PathLike | None = None,
    progress: bool | str = False,
    use_cache: bool = True,
    slice_rows: int = 1000,
    work_dir: str | os.PathLike | None = None,
    resume: Mapping[str, Any] | None = None,
) -> FolderMapResult:
    """Apply ``batch_fn`` to ``source`` (a stage folder, Parquet file or table) and write its output as shards of
    ``out_dir`` (``data/part-*.parquet``, one per input slice, in input order) without holding all rows.

    Local: slices of ``slice_rows`` input rows stream through one :class:`WorkerContext` in this process. Ray: the
    workers read their slices (``--ray-batch-size`` rows) and write the shards themselves; only shard names,
    row counts and sha256s come back. ``--shard I/N`` keeps the rows of that shard in either case. ``resume`` (the
    run's identity): on Ray, the finished slices of an earlier run with that identity are kept (the local path
    here, used for ``--shard`` alone, starts afresh).
    """
    cache_path = Path(cache_path) if cache_path else default_cache_path()
    if options.executor != "ray":
        _check_one_endpoint(specs)
        return _local_to_folder(source, batch_fn, Path(out_dir), specs=specs, options=options, cache_path=cache_path,
                                progress=progress, use_cache=use_cache, slice_rows=slice_rows)
    from naturalthoughts.executors.ray_executor import run_on_ray_to_folder

    with tempfile.TemporaryDirectory(prefix="naturalthoughts-ray-") as tmp:
        shards, stats, reports, rows_in = run_on_ray_to_folder(
            source, batch_fn, out_dir, specs=specs, cache_path=cache_path, options=options,
            work_dir=Path(work_dir) if work_dir else Path(tmp), use_cache=use_cache, resume=resume)
    return FolderMapResult(shards, stats, rows_in, options.manifest_extra(), reports)


def _check_one_endpoint(specs: Mapping[str, BackendSpec]) -> None:
    many = {role: s.base_url for role, s in specs.items() if len(split_endpoints(s.base_url)) > 1}
    if many:
        role, urls = next(iter(many.items()))
        raise ValueError(f"{role} backend lists {len(split_endpoints(urls))} endpoints ({urls}): "
                         f"spreading over several endpoints needs --executor ray")


def _local_to_folder(source: pa.Table | str | os.PathLike, batch_fn: BatchFn, out_dir: Path, *,
                     specs: Mapping[str, BackendSpec], options: ExecutorSettings, cache_path: Path,
                     progress: bool | str, use_cache: bool, slice_rows: int) -> FolderMapResult:
    from naturalthoughts.core.datafiles import ShardWriter, iter_batches

    if isinstance(source, pa.Table):
        batches = (source.slice(s, slice_rows) for s in range(0, max(source.num_rows, 1), slice_rows))
    else:
        batches = (pa.Table.from_batches([b]) for b in iter_batches(source, batch_rows=slice_rows))
    writer = ShardWriter(out_dir, rows_per_shard=1 << 62)  # one shard per slice: cut explicitly below
    ctx = WorkerContext(specs, cache_path, progress=progress, use_cache=use_cache)
    rows_in = 0
    try:
        for batch in batches:
            batch = select_shard(batch, options.shard)
            rows_in += batch.num_rows
            writer.write(batch_fn(batch, ctx))
            writer.cut()  # a slice is a shard, as on Ray
    except BaseException:
        writer.abort()
        raise
    finally:
        ctx.close()
    return FolderMapResult(writer.close(), ctx.all_stats(), rows_in, options.manifest_extra(), list(ctx.reports))
