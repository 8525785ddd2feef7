"""Is an open answer mathematically equal to the gold? Shared by evaluation's grader and annotation's agreement.

:func:`math_equal` hands both sides to ``math-verify`` (LaTeX and plain-expression parsing to sympy, with set,
interval, relation and tolerance handling: the grader lighteval and open-r1 use for MATH-500, so our scores stay
comparable). It is given the *answer span* the extractor chose (:mod:`naturalthoughts.llm.extract_math`), never a
whole response, so math-verify's own "last expression in the text" search cannot pick an intermediate result.
"""

from __future__ import annotations

import logging
import re
import threading

from naturalthoughts.llm.extract_math import boxed_answer

log = logging.getLogger(__name__)

# A span is wrapped in $...$ for math-verify's LaTeX parser ("1, 2" is a set, "[2, 5]" an interval), except a
# number with thousands separators or prose ("7,425,000", "16 square units"): those go to its expression parser
# as they are (wrapped, "7,425,000" would read as a set of three).
# "1000,99" / "1,22" (two or more digits after one comma) is a decimal comma; "1,2" stays a set, as in LaTeX.
_PLAIN_NUMBER = re.compile(r"^[-+]?\$?(?:\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+|,\d{2,})?)\$?$")
_LATEX_WORDS = re.compile(r"\\text\s*\{[^{}]*\}|\\[a-zA-Z]+\*?(?:\s*\{[a-zA-Z*]*\})?")  # \frac, \begin{pmatrix}
_UPRIGHT_CONSTANT = re.compile(r"\\(?:mathrm|operatorname|text)\s*\{\s*([ei])\s*\}")
_PROSE_WORD = re.compile(r"(?<![{a-zA-Z])[a-zA-Z]{3,}")
_DELIMITED = re.compile(r"^\s*(?:\$|\\\(|\\\[)|\\boxed")
PARSE_TIMEOUT_S = 5


def squash(text: str) -> str:
    """Whitespace- and wrapper-free form of an answer, for an exact comparison before any parsing."""
    text = re.sub(r"\\(?:left|right|displaystyle|,|!|;)", "", text)
    text = text.replace("$", "").replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    return "".join(text.split()).rstrip(".")


def _timeout() -> int | None:
    # math-verify's timeouts use SIGALRM, which only works in the main thread.
    return PARSE_TIMEOUT_S if threading.current_thread() is threading.main_thread() else None


def parse_math(text: str) -> list:
    """math-verify's parse of one answer span: wrapped in ``$`` when it is bare LaTeX, plain text otherwise.

    Returns [] when nothing parses (or math-verify is not installed).
    """
    try:
        from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse
    except ImportError:
        return []
    configs = [LatexExtractionConfig(boxed_match_priority=0), ExprExtractionConfig()]
    # Upright constants: math-verify drops \mathrm{...} as a unit, which turns "1 - \frac{1}{\mathrm{e}}" into 1.
    text = _UPRIGHT_CONSTANT.sub(r"\1", text.strip())
    attempts = [text]
    if not _DELIMITED.search(text):
        wrapped = f"${text}$"
        plain_first = _PLAIN_NUMBER.match(text) or _PROSE_WORD.search(_LATEX_WORDS.sub(" ", text))
        attempts = [text, wrapped] if plain_first else [wrapped, text]
    for attempt in attempts:
        try:
            parsed = parse(attempt, configs, parsing_timeout=_timeout())
        except Exception as exc:  # noqa: BLE001 - math-verify raises on exotic LaTeX: that span is just unparsed
            log.debug("math-verify could not parse %r: %s", attempt, exc)
            parsed = []
        if parsed:
            return parsed
    return []


def gold_answer(gold: str) -> str:
    """The answer of a gold that is a worked solution (MATH's ``solution`` field): its last ``\\boxed{}`` group."""
    if "\\boxed" not in gold and "\\fbox" not in gold:
        return gold
    boxed = boxed_answer(gold)
    return boxed[0] if boxed else gold


def math_equal(gold: str, answer: str) -> bool | None:
    """Whether ``answer`` equals ``gold`` (``\\frac12`` = ``0.5`` = ``1/2``); None when either side cannot be parsed.

    An exact match after :func:`squash` decides first, for text answers math-verify cannot parse.
    """
    if squash(gold) == squash(answer):
        return True
    gold_parsed, answer_parsed = parse_math(gold_answer(gold)), parse_math(answer)
    if not gold_parsed or not answer_parsed:
        return None
    from math_verify import verify

    try:
        # allow_set_relation_comp: a gold interval "x \in [-2, 7]" equals the answer "-2 \le x \le 7".
        return bool(verify(gold_parsed, answer_parsed, allow_set_relation_comp=True, timeout_seconds=_timeout()))
    except Exception as exc:  # noqa: BLE001 - a sympy failure means "undecided", never a crash
        log.debug("math-verify failed on %r vs %r: %s", gold, answer, exc)
        return None
