"""evaluation stage: benchmarks × thinking modes × budgets → graded samples, summary, plot.

Python API: :func:`naturalthoughts.stages.evaluation.api.evaluate` and :func:`~naturalthoughts.stages.evaluation.api.grade_responses`
(imported lazily here so ``import naturalthoughts.stages.evaluation`` stays light).
"""

from __future__ import annotations

from typing import Any


def evaluate(*args: Any, **kwargs: Any) -> dict:
    """See :func:`naturalthoughts.stages.evaluation.api.evaluate`."""
    from naturalthoughts.stages.evaluation.api import evaluate as _evaluate

    return _evaluate(*args, **kwargs)


def grade_responses(*args: Any, **kwargs: Any) -> dict:
    """See :func:`naturalthoughts.stages.evaluation.api.grade_responses`."""
    from naturalthoughts.stages.evaluation.api import grade_responses as _grade

    return _grade(*args, **kwargs)


__all__ = ["evaluate", "grade_responses"]
