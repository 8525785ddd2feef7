"""Open (math) extraction: the span of a response that holds its answer (rules in :mod:`naturalthoughts.llm.extract`).

The span is handed to math-verify by the grader (:func:`naturalthoughts.llm.grading.math_equal`); this module only
decides *which* text is the answer, so that a fraction is never cut to its denominator and an explanation after
the answer is never graded with it.
"""

from __future__ import annotations

import re

from naturalthoughts.llm.extract_spans import boxed_spans, explicit_candidates

# Between two \boxed{} of one answer set: commas, "and"/"or", "$", and "x =" style names ("$x = \boxed{-1}$ or
# $x = \boxed{4}$"). Anything else (a sentence, "Rechecking, the answer is") makes the later box a correction.
_SET_GLUE = re.compile(r"(?:[\s,;$]|\\quad|\\qquad|\\text\{\s*(?:and|or)\s*\}|\band\b|\bor\b|[A-Za-z](?:_\{?\w+\}?)?\s*=)*",
                       re.IGNORECASE)
_MATH_SPAN = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.DOTALL)
_MARKUP = re.compile(r"\*\*|__|`")
# Where the answer after a marker ends: an explanation ("because", "since", "(since ..."), the next sentence,
# or minerva's closing formula.
_ANSWER_END = re.compile(
    r"\s*(?:,?\s+(?:because|since|as|which|so|where|given)\b|\(\s*(?:since|because|as)\b|I hope it is correct"
    r"|\.\s+(?=[A-Z])|[.;]\s*$|\.\s*\n)", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:[.,]\d+)?(?:/\d+)?")
_WORD = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{3,}")  # a word of prose; LaTeX commands (\frac) are not words
SHORT_ANSWER_CHARS = 40  # a response this short, with no word in it, is itself the answer ("7,425,000", "x = 1/2")


def _boxed_answer(response: str) -> tuple[str, str] | None:
    """The last ``\\boxed{}`` group: (content, "boxed"), or the joined set of adjacent boxes, (set, "boxed_set")."""
    spans = boxed_spans(response)
    if not spans:
        return None
    group = [spans[-1]]
    for prev in reversed(spans[:-1]):
        between = response[prev[1] : group[0][0]]
        if _SET_GLUE.fullmatch(between) is None:
            break
        group.insert(0, prev)
    contents = list(dict.fromkeys(c.strip() for _, _, c in group if c.strip()))  # repeated boxes count once
    if len(contents) > 1:
        return ", ".join(contents), "boxed_set"
    return (contents[0], "boxed") if contents else None


def _clean_marker_span(span: str) -> str:
    """The answer in the text after a marker: its first math span, else the text up to an explanation."""
    span = _MARKUP.sub("", span).strip()
    math = _MATH_SPAN.search(span)
    if math and span[: math.start()].strip(" :") == "":
        return next(g for g in math.groups() if g is not None).strip()
    end = _ANSWER_END.search(span)
    if end:
        span = span[: end.start()]
    if math and math.start() < len(span):  # "the interval $(0, 1]$" after the marker: the math is the answer
        return next(g for g in math.groups() if g is not None).strip()
    return span.strip().rstrip(".").strip()


def extract_open(response: str) -> tuple[str | None, str]:
    """(answer span, rule) of an open answer; (None, "none") when the response states none."""
    boxed = _boxed_answer(response)
    candidates = explicit_candidates(response)
    last_marker = next(((p, r, s) for p, r, s in reversed(candidates) if r != "boxed"), None)
    last_box = max((p for p, r, _ in candidates if r == "boxed"), default=-1)
    if boxed and (last_marker is None or last_box > last_marker[0] or "\\boxed" in last_marker[2]):
        return boxed
    if last_marker is not None:
        span = _clean_marker_span(last_marker[2])
        if span:
            return span, last_marker[1]
    if boxed:
        return boxed
    spans = list(_MATH_SPAN.finditer(response))
    if spans:
        return next(g for g in spans[-1].groups() if g is not None).strip(), "math_span"
    if len(response) <= SHORT_ANSWER_CHARS and not _WORD.search(response):
        return response.strip().rstrip("."), "short_answer"
    numbers = _NUMBER.findall(response)
    if numbers:
        return _plain_number(numbers[-1]), "last_number"
    return None, "none"


def _plain_number(number: str) -> str:
    """``1,250`` -> ``1250`` (thousands), ``2,74`` -> ``2.74`` (a decimal comma: not three digits after it)."""
    if re.search(r",\d{1,2}$|,\d{4,}$", number) and number.count(",") == 1:
        return number.replace(",", ".")
    return number.replace(",", "")
