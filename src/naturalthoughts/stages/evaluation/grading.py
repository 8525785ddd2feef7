"""Is an extracted answer correct? Letters compare exactly; open answers go through math-verify."""

from __future__ import annotations

from naturalthoughts.llm import grading as shared
from naturalthoughts.stages.evaluation.items import Item


def grade(item: Item, answer: str | None) -> bool:
    """True when ``answer`` (from :func:`~naturalthoughts.llm.extract.extract_answer`) matches the gold."""
    if answer is None:
        return False
    if item.kind == "mcq":
        return answer == item.gold
    return math_equal(item.gold, answer)


def math_equal(gold: str, answer: str) -> bool:
    """Mathematical equivalence of two answers (``\\frac12`` = ``0.5`` = ``1/2``), by math-verify.

    See :func:`naturalthoughts.llm.grading.math_equal`; an answer math-verify cannot parse is graded wrong here
    (annotation instead leaves it undecided, for a judge).
    """
    return bool(shared.math_equal(gold, answer))
