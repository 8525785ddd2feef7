"""What every annotator is: declared inputs, declared outputs, options, and a batch function.

An annotator gets a batch of rows (an Arrow table) and returns one Python list per output column. The stage
(:mod:`naturalthoughts.stages.annotation.api`) checks required columns and options before any work starts, runs the
batches, builds the Arrow columns with the types declared in :data:`naturalthoughts.core.schema.ANNOTATION_FIELDS`, and
collects each annotator's :meth:`Annotator.report` (label distributions, error counts) into the manifest.

A row an annotator cannot label keeps nulls in its columns and a short machine-readable reason in the
annotator's ``*_error`` column (``empty_reasoning``, ``non_english_text``, ``judge_invalid_output`` ...): rows are
never dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pyarrow as pa

from naturalthoughts.core.schema import ANNOTATION_FIELDS
from naturalthoughts.llm.backends.base import Backend
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.llm.runner import RunStats


class AnnotationError(ValueError):
    """A problem found before any work starts: unknown annotator, missing column, bad option, missing backend."""


@dataclass
class Context:
    """What annotators share during one run: LLM backends, the row cache, options and cross-annotator memos."""

    judge: Backend | None = None
    second: Backend | None = None
    cache: RequestCache | None = None
    progress: bool = True
    stats: dict[str, RunStats] = field(default_factory=dict)  # LLM call statistics per annotator
    memo: dict[str, Any] = field(default_factory=dict)  # e.g. question embeddings shared by domain + embedding

    def run_stats(self, name: str) -> RunStats:
        return self.stats.setdefault(name, RunStats())


class Annotator:
    """Base class. Subclasses set the class attributes and implement :meth:`annotate_batch`.

    ``OPTIONS`` maps each option this annotator accepts to its default; the stage passes ``options`` filtered to
    these names, so a misspelt option is an error that lists the known ones rather than being ignored.
    """

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()  # input columns that must exist (values may still be null)
    OPTIONS: ClassVar[dict[str, Any]] = {}

    def __init__(self, **options: Any) -> None:
        unknown = set(options) - set(self.OPTIONS)
        if unknown:
            raise AnnotationError(f"annotator {self.name!r}: unknown option(s) {sorted(unknown)}; "
                                  f"known: {', '.join(self.OPTIONS) or 'none'}")
        self.options = {**self.OPTIONS, **options}
        self.errors: Counter[str] = Counter()

    # --------------------------------------------------------------------------------------------- declaration
    def output_fields(self) -> list[pa.Field]:
        """Columns this annotator adds (names and types come from ``schema.ANNOTATION_FIELDS``)."""
        return list(ANNOTATION_FIELDS[self.name])

    def uses_judge(self) -> bool:
        return False

    def uses_second(self) -> bool:
        return False

    def check(self, table: pa.Table, ctx: Context) -> None:
        """Fail before any work when the input or the context cannot serve this annotator."""
        missing = [c for c in self.requires if c not in table.column_names]
        if missing:
            raise AnnotationError(
                f"annotator {self.name!r} needs input column(s) {missing}; the input has: {', '.join(table.column_names)}"
            )
        if self.uses_judge() and ctx.judge is None:
            raise AnnotationError(
                f"annotator {self.name!r} with these options needs a judge model (--judge BACKEND:MODEL, not none)"
            )
        if self.uses_second() and ctx.second is None:
            raise AnnotationError(f"annotator {self.name!r} needs a second model (--second-backend/--second-model)")

    # ----------------------------------------------------------------------------------------------------- work
    def annotate_batch(self, batch: pa.Table, ctx: Context) -> dict[str, list]:
        """One list per output column, each as long as ``batch``."""
        raise NotImplementedError

    def finish(self, ctx: Context) -> None:
        """Called once after the last batch (free models, compute cross-batch statistics)."""

    def report(self, columns: pa.Table) -> dict[str, Any]:
        """Manifest entry for this annotator: method, distributions and error counts over the output columns."""
        return {"errors": dict(sorted(self.errors.items()))}

    def config(self) -> dict[str, Any]:
        """Options as recorded in the manifest."""
        return {k: (str(v) if v is not None and not isinstance(v, (int, float, bool, str, list)) else v)
                for k, v in self.options.items()}

    # ---------------------------------------------------------------------------------------------- helpers
    def error(self, code: str) -> str:
        """Count an error code (for the manifest) and return it (for the ``*_error`` column)."""
        self.errors[code.split(":", 1)[0]] += 1
        return code


def looks_non_english(text: str, sample: int = 2000) -> bool:
    """True when most letters in the first ``sample`` characters are outside the Latin alphabet.

    A cheap script test, not language identification: French or German text passes as "English". It only guards
    methods that depend on English cue words or an English-only embedding model.
    """
    letters = [ch for ch in text[:sample] if ch.isalpha()]
    if len(letters) < 5:
        return False
    latin = sum(1 for ch in letters if ch < "\u0250")  # Basic Latin .. Latin Extended-B
    return latin / len(letters) < 0.5


def column_values(batch: pa.Table, name: str) -> list:
    """A column as a Python list, or all-None when the (optional) column is absent."""
    if name in batch.column_names:
        return batch.column(name).to_pylist()
    return [None] * batch.num_rows


def distribution(values: list, top: int | None = None) -> dict[str, int]:
    """Counts of non-null values, most frequent first (``top`` keeps only the first entries)."""
    counts = Counter(v for v in values if v is not None)
    return {str(k): n for k, n in counts.most_common(top)}


def summary(values: list) -> dict[str, float] | None:
    """Mean, median, p90 and max of the non-null numbers, for the manifest."""
    import numpy as np

    xs = np.array([v for v in values if v is not None], dtype=float)
    if not len(xs):
        return None
    return {"mean": round(float(xs.mean()), 3), "median": float(np.median(xs)),
            "p90": float(np.percentile(xs, 90)), "max": float(xs.max()), "n": int(len(xs))}
