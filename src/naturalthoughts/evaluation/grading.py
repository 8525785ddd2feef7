"""Is an extracted answer correct? Letters compare exactly; open answers go through math-verify."""

from __future__ import annotations

import logging
import re

from naturalthoughts.evaluation.items import Item

log = logging.getLogger(__name__)


def grade(item: Item, answer: str | None) -> bool:
    """True when ``answer`` (from :func:`~naturalthoughts.evaluation.extract.extract_answer`) matches the gold."""
    if answer is None:
        return False
    if item.kind == "mcq":
        return answer == item.gold
    return math_equal(item.gold, answer)


def _as_latex(text: str) -> str:
    text = text.strip()
    if text.startswith("$") or "\\boxed" in text:
        return text
    return f"${text}$"


def math_equal(gold: str, answer: str) -> bool:
    """Mathematical equivalence of two answers (``\\frac12`` = ``0.5`` = ``1/2``), by math-verify.

    math-verify parses LaTeX to sympy and compares with tolerances; it is the grader open-r1 and lighteval use
    for MATH-500, so scores stay comparable. An exact match after whitespace normalisation is accepted first,
    for answers math-verify cannot parse (text answers such as ``\\text{(C)}`` or interval notation quirks).
    """
    if _squash(gold) == _squash(answer):
        return True
    from math_verify import parse, verify

    try:
        gold_parsed = parse(_as_latex(gold))
        answer_parsed = parse(_as_latex(answer))
        if not gold_parsed or not answer_parsed:
            return False
        return bool(verify(gold_parsed, answer_parsed))
    except Exception as exc:  # math-verify raises on exotic LaTeX; such an answer is simply not verified
        log.debug("math-verify failed on %r vs %r: %s", gold, answer, exc)
        return False


def _squash(text: str) -> str:
    text = re.sub(r"\\(?:left|right|displaystyle|,|!|;)", "", text)
    text = text.replace("$", "").replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    return "".join(text.split()).rstrip(".")
