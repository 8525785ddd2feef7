"""Executor options shared by every stage that calls models row by row (generate, annotate, embedding).

``--executor local`` (default) runs in this process; ``--executor ray [--ray-address ADDR]`` spreads batches over
Ray actors; ``--shard I/N`` runs one deterministic slice of the input with either executor.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from naturalthoughts.core.sharding import Shard
from naturalthoughts.executors.settings import EXECUTORS, ExecutorSettings

if TYPE_CHECKING:
    import pyarrow as pa

    from naturalthoughts.llm.backends.base import BackendSpec
    from naturalthoughts.llm.context import BatchFn, FolderMapResult, MapResult


@dataclass(frozen=True)
class ExecutorOptions(ExecutorSettings):
    """:class:`ExecutorSettings` plus the RowMapper methods a stage calls (``spreads``, ``select``, ``map``,
    ``map_to_folder``, ``manifest_extra``)."""

    # The RowMapper protocol (naturalthoughts.llm.context): what a stage calls, so it never imports an executor.
    @property
    def spreads(self) -> bool:
        return self.executor != "local" or self.shard is not None

    def select(self, table: "pa.Table") -> "pa.Table":
        from naturalthoughts.core.sharding import select_shard

        return select_shard(table, self.shard)

    def map(self, table: "pa.Table", batch_fn: "BatchFn", *, specs: "Mapping[str, BackendSpec]",
            cache_path: str | os.PathLike | None, use_cache: bool, progress: bool | str) -> "MapResult":
        from naturalthoughts.executors.stage import run_map_stage

        return run_map_stage(table, batch_fn, specs=specs, cache_path=cache_path, options=self, progress=progress,
                             use_cache=use_cache)

    def map_to_folder(self, source: "pa.Table | str | os.PathLike", batch_fn: "BatchFn", out_dir: str | os.PathLike, *,
                      specs: "Mapping[str, BackendSpec]", cache_path: str | os.PathLike | None, use_cache: bool,
                      progress: bool | str, slice_rows: int, resume: "Mapping | None" = None) -> "FolderMapResult":
        from naturalthoughts.executors.stage import run_map_to_folder

        return run_map_to_folder(source, batch_fn, out_dir, specs=specs, options=self, cache_path=cache_path,
                                 progress=progress, use_cache=use_cache, slice_rows=slice_rows, resume=resume)

def add_executor_args(p: argparse.ArgumentParser) -> None:
    """Add ``--executor``, ``--ray-address``, ``--ray-workers``, ``--ray-batch-size``, ... and ``--shard``."""
    g = p.add_argument_group("execution (scale-out)")
    g.add_argument("--executor", choices=EXECUTORS, default="local",
                   help="local: this process (default); ray: Ray Data map_batches over --ray-workers actors, "
                        "each with its own backend (one endpoint each from a --base-url list)")
    g.add_argument("--ray-address", default=None, metavar="ADDR",
                   help="Ray cluster to join ('auto', 'ray://HOST:10001'); default: start a local Ray instance")
    g.add_argument("--ray-workers", type=int, default=2, metavar="N", help="Ray actors (default 2)")
    g.add_argument("--ray-batch-size", type=int, default=None, metavar="ROWS",
                   help="rows per Ray slice, one output shard each; a slice whose worker died is retried (finished "
                        "rows come from the cache). Default: about 16 slices per worker, 32 to 4,096 rows")
    g.add_argument("--ray-cpus-per-worker", type=float, default=None, metavar="N",
                   help="CPUs reserved per actor (default: 1, or an equal share of the cluster's CPUs when the "
                        "workers would not fit otherwise)")
    g.add_argument("--ray-gpus-per-worker", type=float, default=0.0, metavar="N",
                   help="GPUs per actor (1 = one vLLM engine per GPU; use tensor_parallel_size for bigger models)")
    g.add_argument("--shard", default=None, metavar="I/N",
                   help="run only shard I of N (0-based; rows split by a hash of their id); "
                        "combine the N outputs with `naturalthoughts merge`")


def executor_options_from_args(args: argparse.Namespace) -> ExecutorOptions:
    try:
        return ExecutorOptions(
            executor=getattr(args, "executor", "local"),
            shard=Shard.parse(args.shard) if getattr(args, "shard", None) else None,
            ray_address=getattr(args, "ray_address", None),
            workers=getattr(args, "ray_workers", 2),
            batch_size=getattr(args, "ray_batch_size", None),
            cpus_per_worker=getattr(args, "ray_cpus_per_worker", None),
            gpus_per_worker=getattr(args, "ray_gpus_per_worker", 0.0),
        )
    except ValueError as exc:
        raise SystemExit(str(exc)) from None


