"""Run a stage's batch function over its input with the chosen executor and shard.

This is the one integration point for stages: ``generate`` and ``annotate`` express their per-row work as a
batch function (see :mod:`naturalthoughts.executors.context`) and call :func:`run_map_stage`; sharding, the local
and Ray executors, endpoint spreading and statistics come from here.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pyarrow as pa

from naturalthoughts.backends.base import BackendSpec
from naturalthoughts.executors.context import BatchFn, WorkerContext
from naturalthoughts.executors.options import ExecutorOptions, split_endpoints
from naturalthoughts.executors.sharding import select_shard
from naturalthoughts.generation.cache import default_cache_path
from naturalthoughts.generation.runner import RunStats


@dataclass
class MapResult:
    """The stage's output rows (in input order), statistics per backend role, and what to record in the manifest."""

    table: pa.Table
    stats: dict[str, RunStats] = field(default_factory=dict)
    rows_in: int = 0  # rows of the input after sharding
    executor: dict[str, Any] = field(default_factory=dict)
    reports: list[dict[str, Any]] = field(default_factory=list)  # what the batch function passed to add_report


def run_map_stage(
    table: pa.Table,
    batch_fn: BatchFn,
    *,
    specs: Mapping[str, BackendSpec],
    cache_path: str | os.PathLike | None = None,
    options: ExecutorOptions = ExecutorOptions(),
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


def cache_setting(cache: Any) -> tuple[Path | None, bool]:
    """``(cache_path, use_cache)`` for a stage's ``cache`` argument: None (default file), False, a path or a cache."""
    from naturalthoughts.generation.cache import RequestCache

    if cache is False:
        return None, False
    if isinstance(cache, RequestCache):
        return cache.path, True
    return (Path(cache) if cache else default_cache_path()), True

