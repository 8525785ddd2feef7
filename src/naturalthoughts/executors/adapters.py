"""Batch functions of the model-calling stages, for :func:`naturalthoughts.executors.stage.run_map_stage`.

Each adapter runs the stage's own Python API on one batch with the worker's backend, row cache and statistics;
the stage logic itself lives in the stage's module. Module-level functions, so Ray can ship them by reference.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from naturalthoughts.backends.base import SamplingParams
from naturalthoughts.executors.context import WorkerContext

TEACHER = "teacher"


def generate_batch(table: pa.Table, ctx: WorkerContext, *, params: SamplingParams, n: int, template: Any,
                   retry_truncated: bool = False) -> pa.Table:
    """Teacher traces for a batch of questions (see :func:`naturalthoughts.generation.generate.generate_traces`)."""
    from naturalthoughts.generation.generate import generate_traces

    cache = ctx.cache()
    traces, _ = generate_traces(table, ctx.spec(TEACHER), params, n=n, template=template,
                                cache=cache if cache is not None else False, retry_truncated=retry_truncated,
                                progress=ctx.progress, backend=ctx.backend(TEACHER), stats=ctx.stats(TEACHER))
    return traces


def annotate_batch(table: pa.Table, ctx: WorkerContext, *, annotators: list[str], options: dict[str, Any],
                   batch_size: int = 256) -> pa.Table:
    """Annotation columns for a batch of traces (see :func:`naturalthoughts.annotation.api.annotate`)."""
    from naturalthoughts.annotation.api import annotate

    cache = ctx.cache()
    result, report = annotate(
        table, annotators,
        judge=ctx.backend("judge") if "judge" in ctx.specs else None,
        second=ctx.backend("second") if "second" in ctx.specs else None,
        cache=cache if cache is not None else False, progress=bool(ctx.progress), batch_size=batch_size, **options)
    ctx.add_report(report)
    return result
