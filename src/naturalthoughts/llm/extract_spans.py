"""Where a response states its answer: explicit markers and ``\\boxed{}`` spans, shared by both answer kinds.

:func:`explicit_candidates` lists every explicit answer in text order as ``(position, rule, text after it)``;
the extractors (:mod:`~naturalthoughts.llm.extract_mcq`, :mod:`~naturalthoughts.llm.extract_math`) read them from
the last one back.
"""

from __future__ import annotations

import re
import string

LETTERS = string.ascii_uppercase[:10]  # MMLU-Pro has up to 10 options (A..J); no benchmark here goes further

_ANSWER_WORD = r"(?:answer|réponse|respuesta|antwort|答案)"
# "Answer: X", "**Answer**: X" (colon outside the bold), "Final answer (D): X", "Answer — X", "Correct option: X".
_ANSWER_LABEL = re.compile(
    rf"(?:(?:final\s+|correct\s+)?{_ANSWER_WORD}|(?:correct|my|final)\s+(?:option|choice)|\bfinal)"
    r"\s*(?:\([^)\n]{0,20}\)\s*)?(?:\*\*|__)?"
    r"\s*(?:[:：]|\s[-–—]\s|—)",
    re.IGNORECASE)
# "The answer is (X)", "the final answer to this question is: X", "the answer is for sure X", "the right choice is X".
_IS = (r"(?:\s+here)?\s+(?:is|would\s+be|should\s+be|must\s+be|=|est|es|ist)"
       r"(?:\s+(?:therefore|thus|clearly|definitely|probably|likely|indeed|then|for\s+sure|simply))?"
       r"\s*(?:[:：]\s*)?")
_ANSWER_IS = re.compile(rf"{_ANSWER_WORD}(?:\s+(?:to|for)\s+(?:this|the)\s+(?:question|problem))?{_IS}",
                        re.IGNORECASE)
# Multiple choice only: in an open answer "the best option is to substitute" names a method, not the answer.
_CHOICE_IS = re.compile(rf"(?:option|choice|response){_IS}", re.IGNORECASE)
# A heading or bold label alone on its line ("### Final Answer", "**Final Answer**"): the answer is on the next line.
_ANSWER_HEADING = re.compile(
    rf"^[ \t]*(?:#+[ \t]*|\*\*|__)?(?:final[ \t]+)?{_ANSWER_WORD}(?:\*\*|__)?[ \t]*[:：]?[ \t]*(?:\*\*|__)?[ \t]*$",
    re.IGNORECASE | re.MULTILINE)
# GSM8K's "#### 72": a short answer, not a markdown heading ("#### Step 2: expand").
_HASHES = re.compile(r"^[ \t]*####[ \t]*(?=\S)(?=[^\n]{1,20}$)(?![A-Za-z]{3})", re.MULTILINE)
_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")


def boxed_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every ``\\boxed{...}``, nested braces balanced (regex cannot do that)."""
    out = []
    for m in _BOXED.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            out.append((m.start(), i, text[m.end() : i - 1]))
    return out


def _rest_of_line(text: str, end: int) -> str:
    """The text after a marker up to the end of its line, or the next non-empty line when the marker ends one."""
    rest = text[end:].split("\n", 1)[0]
    if not rest.strip(" *_#"):
        following = [ln for ln in text[end:].split("\n") if ln.strip(" *_#")]
        rest = following[0] if following else ""
    return rest


def explicit_candidates(text: str, *, choices: bool = False) -> list[tuple[int, str, str]]:
    """(position, rule, answer text) of every explicit answer, in text order.

    Rules: ``answer_label`` (``Answer: X``, a heading ``Final Answer`` with X below, ``#### X``), ``answer_is``
    (``the answer is X``; with ``choices`` also ``the correct option is X``), ``boxed`` (``\\boxed{X}``, its
    content).
    """
    found = []
    patterns = [("answer_label", _ANSWER_LABEL), ("answer_is", _ANSWER_IS), ("answer_label", _ANSWER_HEADING),
                ("answer_label", _HASHES)] + ([("answer_is", _CHOICE_IS)] if choices else [])
    for rule, pattern in patterns:
        for m in pattern.finditer(text):
            found.append((m.start(), rule, _rest_of_line(text, m.end())))
    found += [(start, "boxed", content) for start, _, content in boxed_spans(text)]
    found.sort(key=lambda t: t[0])
    # One marker may match two patterns ("Answer:" is a label and, as a heading, ends its line): keep one per place.
    unique: dict[int, tuple[int, str, str]] = {}
    for cand in found:
        unique.setdefault(cand[0], cand)
    return list(unique.values())
