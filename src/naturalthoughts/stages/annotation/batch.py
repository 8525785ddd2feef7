"""The annotate stage's batch function and its run through a :class:`~naturalthoughts.llm.context.RowMapper`.

``run_annotate`` calls :func:`annotate_mapped` when given a mapper that spreads the rows (``--executor ray``
or ``--shard I/N``): the same annotators per batch, each batch's report merged into one for the manifest.
:func:`merge_counts` and :func:`merge_entry` also merge the worker pool's counters (``pool.py``).
"""

from __future__ import annotations

import functools
from typing import Any, Iterable, Mapping

import pyarrow as pa

from naturalthoughts.core.store import sum_counts
from naturalthoughts.llm.backends.base import BackendSpec
from naturalthoughts.llm.cache import cache_setting
from naturalthoughts.llm.context import RowMapper, WorkerContext
from naturalthoughts.stages.annotation.registry import annotator_class, split_options


def annotate_batch(table: pa.Table, ctx: WorkerContext, *, annotators: list[str], options: dict[str, Any],
                   batch_size: int = 256) -> pa.Table:
    """Annotation columns for a batch of traces (:func:`~naturalthoughts.stages.annotation.api.annotate`)."""
    from naturalthoughts.stages.annotation.api import annotate

    cache = ctx.cache()
    result, report = annotate(
        table, annotators,
        judge=ctx.backend("judge") if "judge" in ctx.specs else None,
        second=ctx.backend("second") if "second" in ctx.specs else None,
        cache=cache if cache is not None else False, progress=bool(ctx.progress), batch_size=batch_size,
        **options)
    ctx.add_report(report)
    return result


def _is_empty(value: Any) -> bool:
    return value is None or value == 0 or value == {} or value == [] or value == ""


def merge_counts(items: list[Any]) -> Any:
    """Add up report counters from several batches or workers.

    Numbers add and dicts merge key-wise (:func:`~naturalthoughts.core.store.sum_counts`); lists that differ
    (e.g. the teachers counted with the fallback tokenizer) become their sorted union, equal ones stay.
    """
    present = [x for x in items if x is not None]
    if present and all(isinstance(x, Mapping) for x in present):
        keys: list[str] = []
        for x in present:
            keys.extend(k for k in x if k not in keys)
        return {k: merge_counts([x.get(k) for x in present]) for k in keys}
    if present and all(isinstance(x, list) for x in present) and any(x != present[0] for x in present):
        try:
            return sorted({v for x in present for v in x})
        except TypeError:  # unhashable or unorderable items: keep them as they agree or not
            pass
    return sum_counts(present)


def merge_entry(counted: dict[str, Any], fresh: dict[str, Any]) -> dict[str, Any]:
    """An annotator's entry from counters summed over batches and a ``fresh`` report over all its output rows.

    Fresh values (distributions over every row) win, except where the fresh annotator saw no batch itself and
    so reports an empty counter that the batches filled.
    """
    entry = dict(counted)
    for key, value in fresh.items():
        if not (_is_empty(value) and not _is_empty(counted.get(key))):
            entry[key] = value
    return entry


def merge_annotate_reports(result: pa.Table, names: list[str], options: dict[str, Any],
                           batch_reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One annotate report for the whole output from the reports of its batches.

    Distributions and summaries are recomputed over all rows by each annotator's own ``report``; counters that
    only the batches saw (error counts, rows per tokenizer, agreement methods, LLM calls, seconds) are summed.
    """
    summed = merge_counts(batch_reports) or {}
    routed = split_options(names, options)
    merged: dict[str, Any] = {"annotators": {}, "rows": result.num_rows, "batches": len(batch_reports)}
    for name in names:
        batch_entry = (summed.get("annotators") or {}).get(name) or {}
        columns = batch_entry.get("columns") or []
        fresh = annotator_class(name)(**routed[name]).report(result.select(columns)) if columns else {}
        entry = merge_entry(batch_entry, fresh)
        entry["columns"] = columns
        seconds = batch_entry.get("seconds") or 0
        entry["rows_per_s"] = round(result.num_rows / seconds, 1) if seconds else None
        merged["annotators"][name] = entry
    for role in ("judge", "second"):
        if role in summed:
            merged[role] = summed[role]
    return merged


def annotate_mapped(table: pa.Table, annotators: str | Iterable[str], *, judge: Any, second: Any, cache: Any,
                        progress: bool, batch_size: int, mapper: RowMapper, **options: Any
                        ) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    """``annotate`` per batch through ``mapper``: (traces of the shard, annotated traces, merged report)."""
    from naturalthoughts.stages.annotation.api import _names, annotate

    names = _names(annotators)
    for role, spec in (("judge", judge), ("second", second)):
        on_ray = mapper.spreads and getattr(mapper, "executor", None) == "ray"
        if spec is not None and not isinstance(spec, BackendSpec) and on_ray:
            raise ValueError(f"--executor ray needs a BackendSpec for the {role} model, not a built backend")
    # Whole-run checks (unknown option, missing column, ...) here, before any worker starts; builds no model.
    annotate(table.slice(0, 0), names, judge=judge, second=second, cache=False, progress=False, **options)
    specs = {role: spec for role, spec in (("judge", judge), ("second", second))
             if isinstance(spec, BackendSpec)}
    cache_path, use_cache = cache_setting(cache)
    # Ray batches (--ray-batch-size) are the unit of work and retry; inside, annotate's batch size applies.
    fn = functools.partial(annotate_batch, annotators=names, options=dict(options), batch_size=batch_size)
    result = mapper.map(table, fn, specs=specs, cache_path=cache_path, use_cache=use_cache, progress=progress)
    report = merge_annotate_reports(result.table, names, dict(options), result.reports)
    return mapper.select(table), result.table, report
