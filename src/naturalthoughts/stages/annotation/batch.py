"""The annotate stage's batch function and its run through a :class:`~naturalthoughts.llm.context.RowMapper`.

``run_annotate`` calls :func:`annotate_mapped_to_folder` when given a mapper that spreads the rows (``--executor
ray`` or ``--shard I/N``): the same annotators per slice, each slice written as a shard by its worker, each
slice's report merged into one for the manifest.
:func:`merge_counts` and :func:`merge_entry` also merge the worker pool's counters (``pool.py``).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
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


# Reports that need no column values (the embedding entry records model, dim and dtypes): never read back.
REPORTS_WITHOUT_VALUES = ("embedding",)


def merge_annotate_reports(result: pa.Table, names: list[str], options: dict[str, Any],
                           batch_reports: list[dict[str, Any]], rows: int | None = None) -> dict[str, Any]:
    """One annotate report for the whole output from the reports of its batches.

    Distributions and summaries are recomputed over all rows by each annotator's own ``report`` from
    ``result`` (the output's annotation columns; the embedding vectors need not be there); counters that only
    the batches saw (error counts, rows per tokenizer, agreement methods, LLM calls, seconds) are summed.
    """
    summed = merge_counts(batch_reports) or {}
    routed = split_options(names, options)
    rows = result.num_rows if rows is None else rows
    merged: dict[str, Any] = {"annotators": {}, "rows": rows, "batches": len(batch_reports)}
    for name in names:
        batch_entry = (summed.get("annotators") or {}).get(name) or {}
        columns = batch_entry.get("columns") or []
        annotator = annotator_class(name)(**routed[name])
        if name in REPORTS_WITHOUT_VALUES:
            fresh = annotator.report(pa.schema(annotator.output_fields()).empty_table())
        else:
            fresh = annotator.report(result.select(columns)) if columns else {}
        entry = merge_entry(batch_entry, fresh)
        entry["columns"] = columns
        seconds = batch_entry.get("seconds") or 0
        entry["rows_per_s"] = round(rows / seconds, 1) if seconds else None
        merged["annotators"][name] = entry
    for role in ("judge", "second"):
        if role in summed:
            merged[role] = summed[role]
    return merged


def annotate_mapped_to_folder(source: pa.Table | str | os.PathLike, probe: pa.Table, out_dir: str | os.PathLike,
                              annotators: str | Iterable[str], *, judge: Any, second: Any, cache: Any,
                              progress: bool, batch_size: int, mapper: RowMapper, resume: Any = None,
                              **options: Any) -> tuple[list[dict[str, Any]], dict[str, Any], int]:
    """``annotate`` per slice through ``mapper``, each slice written as a shard of ``out_dir`` by whoever
    annotated it (the Ray workers read their slices from ``source`` themselves): (shards, merged report, input
    rows of this ``--shard``). Only the annotation columns are read back here, for the report."""
    from naturalthoughts.core.datafiles import read_all
    from naturalthoughts.stages.annotation.api import _names, annotate

    names = _names(annotators)
    for role, spec in (("judge", judge), ("second", second)):
        on_ray = mapper.spreads and getattr(mapper, "executor", None) == "ray"
        if spec is not None and not isinstance(spec, BackendSpec) and on_ray:
            raise ValueError(f"--executor ray needs a BackendSpec for the {role} model, not a built backend")
    # Whole-run checks (unknown option, missing column, ...) here, before any worker starts; builds no model.
    annotate(probe.slice(0, 0), names, judge=judge, second=second, cache=False, progress=False, **options)
    specs = {role: spec for role, spec in (("judge", judge), ("second", second))
             if isinstance(spec, BackendSpec)}
    cache_path, use_cache = cache_setting(cache)
    # Slices (--ray-batch-size rows) are the unit of work and retry; inside, annotate's batch size applies.
    fn = functools.partial(annotate_batch, annotators=names, options=dict(options), batch_size=batch_size)
    result = mapper.map_to_folder(source, fn, out_dir, specs=specs, cache_path=cache_path, use_cache=use_cache,
                                  progress=progress, slice_rows=batch_size, resume=resume)
    summed = merge_counts(result.reports) or {}
    wanted = [c for name in names if name not in REPORTS_WITHOUT_VALUES
              for c in ((summed.get("annotators") or {}).get(name) or {}).get("columns") or []]
    files = [Path(out_dir) / s["path"] for s in result.shards]
    columns = read_all(files, list(dict.fromkeys(wanted))) if wanted and files else pa.table({})
    rows = sum(int(s["rows"]) for s in result.shards)
    report = merge_annotate_reports(columns, names, dict(options), result.reports, rows=rows)
    return result.shards, report, result.rows_in
