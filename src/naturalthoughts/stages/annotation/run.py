"""The annotate stage's entry point: read traces, annotate (here or through a RowMapper), write the folder."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, Iterable

from naturalthoughts.core.store import Manifest, write_stage
from naturalthoughts.llm.backends import Backend, BackendSpec
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.stages.annotation.api import DEFAULT_BATCH_SIZE, _names, annotate

if TYPE_CHECKING:
    from naturalthoughts.llm.context import RowMapper


def run_annotate(
    input_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    annotators: str | Iterable[str],
    *,
    judge: BackendSpec | Backend | None = None,
    second: BackendSpec | Backend | None = None,
    cache: RequestCache | str | os.PathLike | bool | None = None,
    progress: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
    executor: "RowMapper | None" = None,
    **options: Any,
) -> Manifest:
    """Annotate a trace file or stage folder and write ``out_dir`` (data.parquet + manifest.json + _SUCCESS).

    The manifest records per-annotator timings, label distributions and error counts, the judge and second
    models, the tokenizer, the embedding model and dimension, and strategy agreement when both methods ran.
    """
    from naturalthoughts.core.io import load_table

    t0 = time.perf_counter()
    table = load_table(input_path)
    t_read = time.perf_counter() - t0
    if executor is not None and executor.spreads:
        # --executor ray / --shard I/N (a RowMapper from naturalthoughts.executors): same annotators, spread or sliced
        from naturalthoughts.stages.annotation.batch import annotate_mapped

        table, result, report = annotate_mapped(table, annotators, judge=judge, second=second, cache=cache,
                                                progress=progress, batch_size=batch_size, mapper=executor, **options)
    else:
        result, report = annotate(table, annotators, judge=judge, second=second, cache=cache, progress=progress,
                                  batch_size=batch_size, **options)
    timings = {"read": t_read, **{name: entry["seconds"] for name, entry in report["annotators"].items()}}
    timings["total"] = time.perf_counter() - t0
    spec_config = lambda s: s.to_config() if isinstance(s, BackendSpec) else (None if s is None else f"{s.name}:{s.model_id}")  # noqa: E731
    config = {"annotators": _names(annotators), "options": {k: str(v) if isinstance(v, os.PathLike) else v for k, v in options.items()},
              "judge": spec_config(judge), "second": spec_config(second), "batch_size": batch_size}
    if executor is not None:
        report["executor"] = executor.manifest_extra()
        if executor.shard is not None:
            config["shard"] = executor.shard.to_config()
    errors = {name: entry.get("errors", {}) for name, entry in report["annotators"].items()}
    return write_stage(out_dir, result, stage="annotate", config=config, inputs=[input_path],
                       counts={"in": table.num_rows, "out": result.num_rows, "row_errors": errors},
                       timings=timings, extra=report, versions=["sentence-transformers", "llama_cpp_python", "torch"])
