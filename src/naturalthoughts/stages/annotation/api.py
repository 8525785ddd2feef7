"""The annotate stage: run annotators over a trace table batch by batch and write the stage folder.

Everything that can fail for the whole run (unknown annotator or option, missing input column, missing
judge or second model, unloadable tokenizer) fails in :meth:`AnnotationSession.check` before the first
batch. Per-row problems become nulls plus a reason in the ``*_error`` columns; no row is dropped. Every LLM
call goes through :func:`naturalthoughts.llm.runner.run_requests` with the row cache, so a re-run after a
crash repeats no finished call.
"""

from __future__ import annotations

import os
import time
from typing import Any, Iterable

import numpy as np
import pyarrow as pa

from naturalthoughts.llm.backends import Backend, BackendSpec, make_backend
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.stages.annotation.base import AnnotationError, Annotator, Context
from naturalthoughts.stages.annotation.registry import annotator_class, split_options

DEFAULT_BATCH_SIZE = 256


def _names(annotators: str | Iterable[str]) -> list[str]:
    given = annotators.split(",") if isinstance(annotators, str) else annotators
    names = [a.strip() for a in given if a.strip()]
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
    """One annotator output list as an Arrow array of the declared type (fixed-size lists in one copy)."""
    if pa.types.is_fixed_size_list(field.type):
        dim = field.type.list_size
        mask = np.array([v is None for v in values], dtype=bool)
        np_type = field.type.value_type.to_pandas_dtype()
        flat = np.zeros((len(values), dim), dtype=np_type)
        for i, v in enumerate(values):
            if v is not None:
                flat[i] = v
        values_array = pa.array(flat.reshape(-1), type=field.type.value_type)
        return pa.FixedSizeListArray.from_arrays(values_array, type=field.type,
                                                 mask=pa.array(mask) if mask.any() else None)
    return pa.array(values, type=field.type)


class AnnotationSession:
    """Annotators built once, checked once against the input's columns, then applied batch by batch.

    :func:`annotate` runs one over a table in memory; ``run_annotate`` streams a stage folder through one and
    hands some annotators to worker processes (:mod:`naturalthoughts.stages.annotation.pool`). Use it as a
    context manager: leaving it runs every annotator's ``finish`` hook and closes the cache it opened.
    """

    def __init__(self, annotators: str | Iterable[str], *, judge: BackendSpec | Backend | None = None,
                 second: BackendSpec | Backend | None = None,
                 cache: RequestCache | str | os.PathLike | bool | None = None, progress: bool = True,
                 **options: Any) -> None:
        self.names = _names(annotators)
        self.routed = split_options(self.names, options)
        self.instances: list[Annotator] = []
        for n in self.names:
            try:
                self.instances.append(annotator_class(n)(**self.routed[n]))
            except ValueError as exc:
                raise AnnotationError(str(exc)) from exc
        needs_llm = any(a.uses_judge() or a.uses_second() for a in self.instances) or (
            judge is not None and "disagreement" in self.names)
        self._own_cache = False
        if cache is None and needs_llm:
            cache, self._own_cache = RequestCache(), True
        elif isinstance(cache, (str, os.PathLike)):
            cache, self._own_cache = RequestCache(cache), True
        elif cache is False:
            cache = None
        self.ctx = Context(judge=_backend(judge) if needs_llm else None,
                           second=_backend(second) if any(a.uses_second() for a in self.instances) else None,
                           cache=cache, progress=progress)
        self.seconds = {a.name: 0.0 for a in self.instances}

    def __enter__(self) -> "AnnotationSession":
        return self

    def __exit__(self, exc_type: Any, *exc: object) -> None:
        try:
            if exc_type is None:
                for a in self.instances:
                    a.finish(self.ctx)
        finally:
            if self._own_cache and self.ctx.cache is not None:
                self.ctx.cache.close()

    def check(self, table: pa.Table) -> None:
        """Every whole-run check (columns, judge, options that load files) against ``table``'s columns."""
        for a in self.instances:
            try:
                a.check(table, self.ctx)
            except ValueError as exc:
                raise AnnotationError(str(exc)) from exc

    def annotate_batch(self, batch: pa.Table, only: Iterable[Annotator] | None = None,
                       bar: Any = None) -> dict[str, pa.Table]:
        """Each annotator's output columns for ``batch`` (an Arrow table per annotator, declared types)."""
        self.ctx.memo.clear()
        out: dict[str, pa.Table] = {}
        for a in self.instances if only is None else only:
            if bar is not None:
                bar.set_postfix_str(a.name, refresh=False)
            t0 = time.perf_counter()
            out[a.name] = annotator_columns(a, batch, self.ctx)
            self.seconds[a.name] += time.perf_counter() - t0
        return out

    def entry(self, a: Annotator, columns: pa.Table, rows: int,
              seconds: float | None = None) -> dict[str, Any]:
        """The manifest entry of annotator ``a`` given its output ``columns`` over all ``rows``."""
        seconds = self.seconds[a.name] if seconds is None else seconds
        entry = {"columns": [f.name for f in a.output_fields()], "seconds": round(seconds, 3),
                 "rows_per_s": round(rows / seconds, 1) if seconds > 0 else None,
                 "options": a.config(), **a.report(columns)}
        if a.name in self.ctx.stats:
            entry["llm_calls"] = self.ctx.stats[a.name].to_dict()
        return entry

    def roles(self) -> dict[str, str]:
        """``judge``/``second`` → "backend:model" for the models this run used."""
        used = (("judge", self.ctx.judge), ("second", self.ctx.second))
        return {role: f"{b.name}:{b.model_id}" for role, b in used if b is not None}


def annotator_columns(a: Annotator, batch: pa.Table, ctx: Context) -> pa.Table:
    """Run one annotator on one batch; its output columns as a table of the declared types."""
    cols = a.annotate_batch(batch, ctx)
    for col, values in cols.items():
        if len(values) != batch.num_rows:
            raise AssertionError(f"annotator {a.name!r} returned {len(values)} values for {col!r}, "
                                 f"expected {batch.num_rows}")
    fields = a.output_fields()
    arrays = [to_arrow(cols.get(f.name, [None] * batch.num_rows), f) for f in fields]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def attach_columns(batch: pa.Table, outputs: dict[str, pa.Table], names: Iterable[str]) -> pa.Table:
    """``batch`` plus every annotator's columns in annotator order; same-named input columns are replaced."""
    result = batch
    for name in names:
        for f, column in zip(outputs[name].schema, outputs[name].columns):
            if f.name in result.column_names:
                result = result.drop_columns([f.name])
            result = result.append_column(f, column)
    return result


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
        judge: the LLM judge (a spec such as ``BackendSpec.parse("llamacpp:smollm2-135m")``, or a backend),
            used by ``domain_method="judge"``, ``strategies_method="judge"|"both"``,
            ``verbosity_method="judge"`` and by ``disagreement`` for answers no deterministic check decides.
        second: the non-reasoning model answering in no-think mode for ``disagreement``.
        cache: a :class:`RequestCache`, a path, None (the default cache, opened only when an LLM is used) or
            False (no cache).
        options: ``{annotator}_{option}`` settings, e.g. ``domain_method="judge"``,
            ``strategies_taxonomy="my-taxonomy.yaml"``, ``embedding_storage="float16"``,
            ``length_tokenizer=...``.

    Columns an annotator adds replace same-named columns of ``table`` (re-annotation).
    """
    bar = None
    with AnnotationSession(annotators, judge=judge, second=second, cache=cache, progress=progress,
                           **options) as session:
        session.check(table)  # every whole-run check before any work
        pieces: dict[str, list[pa.Table]] = {a.name: [] for a in session.instances}
        if progress and table.num_rows:
            from tqdm.auto import tqdm

            bar = tqdm(total=table.num_rows, desc="annotate", unit="row", dynamic_ncols=True)
        try:
            for start in range(0, table.num_rows, batch_size):
                batch = table.slice(start, batch_size)
                for name, cols in session.annotate_batch(batch, bar=bar).items():
                    pieces[name].append(cols)
                if bar is not None:
                    bar.update(batch.num_rows)
        finally:
            if bar is not None:
                bar.close()
    outputs = {a.name: pa.concat_tables(pieces[a.name]) if pieces[a.name] else empty_columns(a)
               for a in session.instances}
    report: dict[str, Any] = {"annotators": {}, "rows": table.num_rows}
    for a in session.instances:
        report["annotators"][a.name] = session.entry(a, outputs[a.name], table.num_rows)
    report.update(session.roles())
    return attach_columns(table, outputs, session.names), report


def empty_columns(a: Annotator) -> pa.Table:
    """An annotator's output columns with no rows."""
    return pa.schema(a.output_fields()).empty_table()
