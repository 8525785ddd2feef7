"""The generate stage's batch function and its run through a :class:`~naturalthoughts.llm.context.RowMapper`.

``run_generate`` calls :func:`generate_mapped` when it was given a mapper that spreads the rows (``--executor ray``
or ``--shard I/N``); everything else about the stage (reading input, config, counts, manifest) stays in
:mod:`naturalthoughts.stages.generation.generate`. A module-level function, so Ray can ship it by reference.
"""

from __future__ import annotations

import functools
from typing import Any

import pyarrow as pa

from naturalthoughts.llm.backends.base import BackendSpec, SamplingParams
from naturalthoughts.llm.cache import cache_setting
from naturalthoughts.llm.context import FolderMapResult, RowMapper, WorkerContext
from naturalthoughts.llm.runner import RunStats

TEACHER = "teacher"


def generate_batch(table: pa.Table, ctx: WorkerContext, *, params: SamplingParams, n: int, template: Any,
                   retry_truncated: bool = False, carrier: Any = None) -> pa.Table:
    """Teacher traces for a batch of questions (see :func:`naturalthoughts.stages.generation.generate.generate_traces`)."""
    from naturalthoughts.stages.generation.generate import generate_traces

    cache = ctx.cache()
    traces, _ = generate_traces(table, ctx.spec(TEACHER), params, n=n, template=template,
                                cache=cache if cache is not None else False, retry_truncated=retry_truncated,
                                progress=ctx.progress, backend=ctx.backend(TEACHER), stats=ctx.stats(TEACHER),
                                carrier=carrier)
    return traces


def generate_mapped(questions: pa.Table, spec: BackendSpec, params: SamplingParams, *, n: int, template: Any,
                    cache: Any, retry_truncated: bool, progress: bool | str, mapper: RowMapper
                    ) -> tuple[pa.Table, pa.Table, RunStats]:
    """``generate_traces`` per batch through ``mapper``: (questions of the shard, traces, teacher statistics)."""
    cache_path, use_cache = cache_setting(cache)
    fn = functools.partial(generate_batch, params=params, n=n, template=template, retry_truncated=retry_truncated)
    result = mapper.map(questions, fn, specs={TEACHER: spec}, cache_path=cache_path, use_cache=use_cache,
                        progress=("generate" if progress is True else progress))
    return mapper.select(questions), result.table, result.stats.get(TEACHER, RunStats())


def generate_mapped_to_folder(questions: pa.Table, out_dir: Any, spec: BackendSpec, params: SamplingParams, *,
                              n: int, template: Any, cache: Any, retry_truncated: bool, progress: bool | str,
                              mapper: RowMapper, slice_rows: int, carrier: Any = None,
                              resume: Any = None) -> FolderMapResult:
    """``generate_traces`` per slice through ``mapper``, each slice's traces written as a shard of ``out_dir``
    by whoever computed them (the Ray workers): no trace passes through this process."""
    cache_path, use_cache = cache_setting(cache)
    fn = functools.partial(generate_batch, params=params, n=n, template=template, retry_truncated=retry_truncated,
                           carrier=carrier)
    return mapper.map_to_folder(questions, fn, out_dir, specs={TEACHER: spec}, cache_path=cache_path,
                                use_cache=use_cache, progress=("generate" if progress is True else progress),
                                slice_rows=slice_rows, resume=resume)
