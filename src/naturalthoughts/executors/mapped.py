"""The generate and annotate stages through :func:`naturalthoughts.executors.stage.run_map_stage`.

``run_generate`` and ``run_annotate`` call these when ``--executor ray`` or ``--shard I/N`` is given; everything
else about the stage (reading input, config, counts, manifest) stays in the stage's own module.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable

import pyarrow as pa

from naturalthoughts.backends.base import BackendSpec
from naturalthoughts.executors.adapters import TEACHER, annotate_batch, generate_batch
from naturalthoughts.executors.merge import sum_counts
from naturalthoughts.executors.options import ExecutorOptions
from naturalthoughts.executors.sharding import select_shard
from naturalthoughts.executors.stage import cache_setting, run_map_stage
from naturalthoughts.generation.runner import RunStats


def run_generate_mapped(questions: pa.Table, spec: BackendSpec, params: Any, *, n: int, template: Any, cache: Any,
                        retry_truncated: bool, progress: bool | str, executor: ExecutorOptions
                        ) -> tuple[pa.Table, pa.Table, RunStats]:
    """``generate_traces`` per batch: (questions of the shard, traces, teacher statistics)."""
    cache_path, use_cache = cache_setting(cache)
    fn = functools.partial(generate_batch, params=params, n=n, template=template, retry_truncated=retry_truncated)
    result = run_map_stage(questions, fn, specs={TEACHER: spec}, cache_path=cache_path, options=executor,
                           progress=("generate" if progress is True else progress), use_cache=use_cache)
    return select_shard(questions, executor.shard), result.table, result.stats.get(TEACHER, RunStats())


def _is_empty(value: Any) -> bool:
    return value is None or value == 0 or value == {} or value == [] or value == ""


def merge_annotate_reports(result: pa.Table, names: list[str], options: dict[str, Any],
                           batch_reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One annotate report for the whole output from the reports of its batches.

    Distributions and summaries are recomputed over all rows by each annotator's own ``report``; counters that
    only the batches saw (error counts, rows per tokenizer, agreement methods, LLM calls, seconds) are summed.
    """
    from naturalthoughts.annotation.registry import annotator_class, split_options

    summed = sum_counts(batch_reports) or {}
    routed = split_options(names, options)
    merged: dict[str, Any] = {"annotators": {}, "rows": result.num_rows, "batches": len(batch_reports)}
    for name in names:
        batch_entry = (summed.get("annotators") or {}).get(name) or {}
        columns = batch_entry.get("columns") or []
        fresh = annotator_class(name)(**routed[name]).report(result.select(columns)) if columns else {}
        entry = dict(batch_entry)
        for key, value in fresh.items():
            if not (_is_empty(value) and not _is_empty(batch_entry.get(key))):
                entry[key] = value
        entry["columns"] = columns
        seconds = batch_entry.get("seconds") or 0
        entry["rows_per_s"] = round(result.num_rows / seconds, 1) if seconds else None
        merged["annotators"][name] = entry
    for role in ("judge", "second"):
        if role in summed:
            merged[role] = summed[role]
    return merged


def run_annotate_mapped(table: pa.Table, annotators: str | Iterable[str], *, judge: Any, second: Any, cache: Any,
                        progress: bool, batch_size: int, executor: ExecutorOptions, **options: Any
                        ) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    """``annotate`` per batch: (traces of the shard, annotated traces, merged report)."""
    from naturalthoughts.annotation.api import _names, annotate

    names = _names(annotators)
    for role, spec in (("judge", judge), ("second", second)):
        if spec is not None and not isinstance(spec, BackendSpec) and executor.executor == "ray":
            raise ValueError(f"--executor ray needs a BackendSpec for the {role} model, not a built backend")
    # Whole-run checks (unknown option, missing column, ...) here, before any worker starts; builds no model.
    annotate(table.slice(0, 0), names, judge=judge, second=second, cache=False, progress=False, **options)
    specs = {role: spec for role, spec in (("judge", judge), ("second", second)) if isinstance(spec, BackendSpec)}
    cache_path, use_cache = cache_setting(cache)
    # Ray batches (--ray-batch-size) are the unit of work and retry; within one, annotate's own batch size applies.
    fn = functools.partial(annotate_batch, annotators=names, options=dict(options), batch_size=batch_size)
    result = run_map_stage(table, fn, specs=specs, cache_path=cache_path, options=executor,
                           progress=progress, use_cache=use_cache)
    report = merge_annotate_reports(result.table, names, dict(options), result.reports)
    return select_shard(table, executor.shard), result.table, report
