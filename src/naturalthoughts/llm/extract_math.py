"""Open (math) extraction: the span of a response that holds its answer (rules in :mod:`naturalthoughts.llm.extract`).

The span is handed to math-verify by the grader (:func:`naturalthoughts.llm.grading.math_equal`); this module only
decides *which* text is the answer, so that a fraction is never cut to its denominator and an explanation after
the answer is never graded with it.
"""

from __future__ import annotations

import re

from naturalthoughts.llm.extract_spans import boxed_spans, explicit_candidates

# Between two \boxed{} (or $...$) of one answer set: commas, "and"/"or", math delimiters, a short \text{},
# and "x =" style names ("$x = \boxed{-1}$ or $x = \boxed{4}$"). Anything else (a sentence, "Rechecking, the
# answer is") makes the later one a correction, not a second element.
_SET_GLUE = re.compile(
    r"(?:[\s,;$]|\\[()\[\]]|\\q?quad|\\text\{[^{}]{0,30}\}|\band\b|\bor\b|[A-Za-z](?:_\{?\w+\}?)?\s*="
    r"|[A-Za-z]+\s+(?=(?:and|or)\b))*",
    re.IGNORECASE)
_MATH_SPAN = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)",
                        re.DOTALL)
_MARKUP = re.compile(r"\*\*|__|`|\\?[\"“”]")
# CJK prose around an answer ("答案：每份是 2/5 吨"): dropped, the answer kept.
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
# Where the answer after a marker ends: an explanation ("because", "since", "(since ..."), the next sentence,
# or minerva's closing formula.
_ANSWER_END = re.compile(
    r"\s*(?:,?\s+(?:because|since|as|which|so|where|given)\b|\(\s*(?:since|because|as)\b|I hope it is correct"
    r"|\.\s+|[.;]\s*$|\.\s*\n)", re.IGNORECASE)
# "The volume of $ABCDEFGH$ is 120": in a sentence, the answer is what follows its last verb of equality.
_SENTENCE_VERB = re.compile(r"\s(?:is|are|equals|was|would\s+be|=)\s+", re.IGNORECASE)
# A number in prose; "AZYUK2A" holds none, and the 2 of "cm^2" is an exponent.
_NUMBER = re.compile(r"(?<![A-Za-z^\d.,])-?\d+(?:,\d{3})*(?:[.,]\d+)?(?:/\d+)?")
# "$\frac{1}{6}$, about 0.167": a number after the math that only restates it.
_RESTATED = re.compile(r"\b(?:about|approximately|approx|roughly|around|i\.e\.|or)\b|≈|~", re.IGNORECASE)
_WORD = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{3,}")  # a word of prose; LaTeX commands (\frac) are not words
SHORT_ANSWER_CHARS = 40  # a response this short, with no word in it, is itself the answer ("7,425,000", "x = 1/2")


def _content(match: re.Match) -> str:
    return next(g for g in match.groups() if g is not None).strip()


def _grouped(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, bool] | None:
    """The last span and the spans before it that :data:`_SET_GLUE` joins to it: (joined text, several?)."""
    if not spans:
        return None
    group = [spans[-1]]
    for prev in reversed(spans[:-1]):
        if _SET_GLUE.fullmatch(text[prev[1] : group[0][0]]) is None:
            break
        group.insert(0, prev)
    contents = list(dict.fromkeys(c.strip() for _, _, c in group if c.strip()))  # repeated answers count once
    return (", ".join(contents), len(contents) > 1) if contents else None


def boxed_answer(response: str) -> tuple[str, str] | None:
    """The last ``\\boxed{}`` group: (content, "boxed"), or the joined set of adjacent boxes, (set, "boxed_set")."""
    grouped = _grouped(response, boxed_spans(response))
    if grouped is None:
        return None
    return grouped[0], "boxed_set" if grouped[1] else "boxed"


def _math_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), _content(m)) for m in _MATH_SPAN.finditer(text)]


def _clean_marker_span(span: str) -> str:
    """The answer in the text after a marker: its leading math, else the text up to an explanation."""
    span = _CJK.sub(" ", _MARKUP.sub("", span)).strip().strip("'‘’")
    spans = _math_spans(span)
    if spans and not span[: spans[0][0]].strip(" :"):  # "$x = 3$. We verify: $2 \cdot 3 + 1 = 7$"
        leading = [spans[0]]
        for nxt in spans[1:]:
            if _SET_GLUE.fullmatch(span[leading[-1][1] : nxt[0]]) is None:
                break
            leading.append(nxt)
        return _grouped(span, leading)[0]
    end = _ANSWER_END.search(span)
    if end:
        span = span[: end.start()]
    if _WORD.search(_MATH_SPAN.sub(" ", span)):  # a sentence, not a bare answer
        verbs = list(_SENTENCE_VERB.finditer(span))
        if verbs:
            return _clean_marker_span(span[verbs[-1].end() :])
        spans = _math_spans(span)
        if spans:  # "the interval $(0, 1]$"
            return spans[-1][2]
        numbers = _NUMBER.findall(span)
        if numbers:  # "16 square units", "Janeth aura encore 220 $"
            return _plain_number(numbers[0])
    return span.strip().rstrip(".").strip()


def extract_open(response: str) -> tuple[str | None, str]:
    """(answer span, rule) of an open answer; (None, "none") when the response states none."""
    boxed = boxed_answer(response)
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
    return _unmarked_answer(response)


def _unmarked_answer(response: str) -> tuple[str | None, str]:
    """No marker, no box: the last math span, unless prose after it ends on a number; a short bare answer."""
    plain = _CJK.sub(" ", response).strip()
    if len(response) <= SHORT_ANSWER_CHARS and not _WORD.search(plain) and not _math_spans(plain):
        return plain.rstrip("."), "short_answer"
    spans = _math_spans(response)
    after = response[spans[-1][1] :] if spans else response
    numbers = list(_NUMBER.finditer(after))
    if spans and (not numbers or _RESTATED.search(after[: numbers[0].start()])):
        grouped = _grouped(response, spans)
        return grouped[0], "math_span"
    if numbers:
        return _plain_number(numbers[-1].group()), "last_number"
    return None, "none"


def _plain_number(number: str) -> str:
    """``1,250`` -> ``1250`` (thousands), ``2,74`` -> ``2.74`` (a decimal comma: not three digits after it)."""
    if re.search(r",\d{1,2}$|,\d{4,}$", number) and number.count(",") == 1:
        return number.replace(",", ".")
    return number.replace(",", "")
