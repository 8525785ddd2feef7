"""The annotate stage: run annotators over a trace table batch by batch and write the stage folder.

Everything that can fail for the whole run (unknown annotator or option, missing input column, missing judge or
second model, unloadable tokenizer) fails in :func:`annotate` before the first batch. Per-row problems become
nulls plus a reason in the ``*_error`` columns; no row is dropped. Every LLM call goes through
:func:`naturalthoughts.llm.runner.run_requests` with the row cache, so a re-run after a crash repeats
no finished call.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pyarrow as pa

from naturalthoughts.llm.backends import Backend, BackendSpec, make_backend
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.stages.annotation.base import AnnotationError, Annotator, Context
from naturalthoughts.stages.annotation.registry import annotator_class, split_options

if TYPE_CHECKING:
    pass

DEFAULT_BATCH_SIZE = 256


def _names(annotators: str | Iterable[str]) -> list[str]:
    names = [a.strip() for a in (annotators.split(",") if isinstance(annotators, str) else annotators) if a.strip()]
    if not names:
        raise AnnotationError("no annotator named")
    for n in names:
        annotator_class(n)
    return list(dict.fromkeys(names))  # keep order, drop repeats


def _backend(spec: BackendSpec | Backend | None) -> Backend | None:
    if spec is None or not isinstance(spec, BackendSpec):
        return spec
    return make_backend(spec)


def to_arrow(values: list, field: pa.Field) -> pa.Array:
    """One annotator output list as an Arrow array of the declared type (fixed-size lists built in one copy)."""
    if pa.types.is_fixed_size_list(field.type):
        dim = field.type.list_size
        mask = np.array([v is None for v in values], dtype=bool)
        np_type = field.type.value_type.to_pandas_dtype()
        flat = np.zeros((len(values), dim), dtype=np_type)
        for i, v in enumerate(values):
            if v is not None:
                flat[i] = v
        return pa.FixedSizeListArray.from_arrays(pa.array(flat.reshape(-1), type=field.type.value_type), type=field.type,
                                                 mask=pa.array(mask) if mask.any() else None)
    return pa.array(values, type=field.type)


def annotate(
    table: pa.Table,
    annotators: str | Iterable[str],
    *,
    judge: BackendSpec | Backend | None = None,
    second: BackendSpec | Backend | None = None,
    cache: RequestCache | str | os.PathLike | bool | None = None,
    progress: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
    **options: Any,
) -> tuple[pa.Table, dict[str, Any]]:
    """Add the columns of ``annotators`` to ``table``; return the new table and a report for the manifest.

    Args:
        annotators: names from :data:`naturalthoughts.stages.annotation.ANNOTATORS` (list or comma-separated).
        judge: the LLM judge (a spec such as ``BackendSpec.parse("llamacpp:smollm2-135m")``, or a backend), used
            by ``domain_method="judge"``, ``strategies_method="judge"|"both"``, ``verbosity_method="judge"`` and by
            ``disagreement`` for answers no deterministic check decides.
        second: the non-reasoning model answering in no-think mode for ``disagreement``.
        cache: a :class:`RequestCache`, a path, None (the default cache, opened only when an LLM is used) or
            False (no cache).
        options: ``{annotator}_{option}`` settings, e.g. ``domain_method="judge"``,
            ``strategies_taxonomy="my-taxonomy.yaml"``, ``embedding_storage="float16"``, ``length_tokenizer=...``.

    Columns an annotator adds replace same-named columns of ``table`` (re-annotation).
    """
    names = _names(annotators)
    routed = split_options(names, options)
    instances: list[Annotator] = []
    for n in names:
        try:
            instances.append(annotator_class(n)(**routed[n]))
        except ValueError as exc:
            raise AnnotationError(str(exc)) from exc
    needs_llm = any(a.uses_judge() or a.uses_second() for a in instances) or (judge is not None and "disagreement" in names)
    own_cache = False
    if cache is None and needs_llm:
        cache, own_cache = RequestCache(), True
    elif isinstance(cache, (str, os.PathLike)):
        cache, own_cache = RequestCache(cache), True
    elif cache is False:
        cache = None
    ctx = Context(judge=_backend(judge) if needs_llm else None,
                  second=_backend(second) if any(a.uses_second() for a in instances) else None,
                  cache=cache, progress=progress)
    for a in instances:  # every whole-run check before any work
        try:
            a.check(table, ctx)
        except ValueError as exc:
            raise AnnotationError(str(exc)) from exc

    outputs: dict[str, dict[str, list]] = {a.name: {} for a in instances}
    seconds = {a.name: 0.0 for a in instances}
    bar = None
    if progress and table.num_rows:
        from tqdm.auto import tqdm

        bar = tqdm(total=table.num_rows, desc="annotate", unit="row", dynamic_ncols=True)
    try:
        for start in range(0, table.num_rows, batch_size):
            batch = table.slice(start, batch_size)
            ctx.memo.clear()
            for a in instances:
                if bar is not None:
                    bar.set_postfix_str(a.name, refresh=False)
                t0 = time.perf_counter()
                cols = a.annotate_batch(batch, ctx)
                seconds[a.name] += time.perf_counter() - t0
                for col, values in cols.items():
                    if len(values) != batch.num_rows:
                        raise AssertionError(f"annotator {a.name!r} returned {len(values)} values for {col!r}, expected {batch.num_rows}")
                    outputs[a.name].setdefault(col, []).extend(values)
            if bar is not None:
                bar.update(batch.num_rows)
        for a in instances:
            a.finish(ctx)
    finally:
        if bar is not None:
            bar.close()
        if own_cache and cache is not None:
            cache.close()

    report: dict[str, Any] = {"annotators": {}, "rows": table.num_rows}
    result = table
    for a in instances:
        fields = a.output_fields()
        arrays = [to_arrow(outputs[a.name].get(f.name, [None] * table.num_rows), f) for f in fields]
        cols = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
        for f, arr in zip(fields, arrays):
            if f.name in result.column_names:
                result = result.drop_columns([f.name])
            result = result.append_column(f, arr)
        entry = {"columns": [f.name for f in fields], "seconds": round(seconds[a.name], 3),
                 "rows_per_s": round(table.num_rows / seconds[a.name], 1) if seconds[a.name] > 0 else None,
                 "options": a.config(), **a.report(cols)}
        if a.name in ctx.stats:
            entry["llm_calls"] = ctx.stats[a.name].to_dict()
        report["annotators"][a.name] = entry
    for role, backend in (("judge", ctx.judge), ("second", ctx.second)):
        if backend is not None:
            report[role] = f"{backend.name}:{backend.model_id}"
    return result, report
