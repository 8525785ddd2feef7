"""Answer extraction: from a model's raw output to one answer, and the name of the rule that found it.

Order of work, each step recorded in :attr:`Extraction.rule`:

1. Strip the reasoning with :func:`~naturalthoughts.generation.parse.parse_trace`. An output whose think block
   never closed is ``unparsed`` (rule ``unclosed_think``): it is counted wrong and reported on its own, and never
   graded from the reasoning (the half-finished trace would otherwise be mined for a letter; lm-eval#3382).
   An empty final answer is rule ``empty``.
2. Explicit answers, the **last** one in the text wins whatever its kind:

   * ``answer_label``: ``Answer: X`` / ``Final answer: X`` (rest of the line);
   * ``answer_is``: ``the answer is (X)`` / ``the correct option is X``;
   * ``boxed``: ``\\boxed{X}`` (``\\text{X}``, ``(X)`` inside allowed).

   For multiple choice, the text after the marker must *start* with an option letter (``C``, ``(c)``,
   ``**C**``, ``C) 42``) or equal an option's text (rule ``<rule>+text``). A ``\\boxed{E = mc^2}`` is
   therefore no letter, and an ``Answer: D`` after it gives D (NeMo-Skills#1526). ``A`` and ``I`` followed by
   more words are English, not letters (``Answer: A linear map``), unless the words are that option's text.
3. Fallbacks, only when no explicit answer matched (multiple choice): ``letter_line`` (the last line that is only
   a letter, like ``(B)``), ``final_paren`` (a ``(X)`` ending the text), ``option_text`` (the last line equals
   an option's text, or contains exactly one option's text). Open answers fall back to ``last_number``.

Letters are validated against the option count: ``Answer: F`` with four options gives no answer (rule
``letter_out_of_range``); ``Answer: A and C`` gives none (rule ``multiple_letters``). Rule ``none``: nothing found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from naturalthoughts.evaluation.items import LETTERS
from naturalthoughts.generation.parse import parse_trace

UNPARSED_RULES = ("unclosed_think",)


@dataclass(frozen=True)
class Extraction:
    answer: str | None  # a letter (multiple choice) or answer text (open); None when nothing usable was found
    rule: str  # which rule fired (see the module docstring)
    response: str | None = None  # the final answer part of the output (after the think block)
    reasoning: str | None = None
    flags: tuple[str, ...] = ()  # parse_trace QC flags (truncated, no_think, repetition_loop, ...)

    @property
    def unparsed(self) -> bool:
        return self.rule in UNPARSED_RULES


# Markers of an explicit answer; the answer text is what follows, up to the end of the line.
_ANSWER_LABEL = re.compile(r"(?:final\s+|correct\s+)?answer\s*(?:\([^)\n]{0,20}\)\s*)?[:：]", re.IGNORECASE)
_ANSWER_IS = re.compile(
    r"(?:answer|option|choice)\s+(?:is|would\s+be|should\s+be|must\s+be|=)\s*(?:[:：]\s*)?", re.IGNORECASE)
_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_WRAPPER = re.compile(r"^\\(?:text|textbf|mathrm|mathbf|mathit|textit|operatorname)\s*\{(.*)\}$", re.DOTALL)
_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:/\d+)?")


def extract_answer(
    text: str | None,
    *,
    kind: str = "mcq",
    options: tuple[str, ...] | list[str] = (),
    reasoning_content: str | None = None,
    finish_reason: str | None = None,
    prefilled_think: bool = False,
) -> Extraction:
    """Extract the final answer of ``text`` (see the module docstring for the rules, in order)."""
    parsed = parse_trace(text, reasoning_content=reasoning_content, finish_reason=finish_reason,
                         prefilled_think=prefilled_think)
    flags = tuple(parsed.flags)
    if parsed.response is None:
        return Extraction(None, "unclosed_think", None, parsed.reasoning, flags)
    response = parsed.response.strip()
    if not response:
        return Extraction(None, "empty", response, parsed.reasoning, flags)
    if kind == "mcq":
        answer, rule = _extract_letter(response, tuple(options))
    else:
        answer, rule = _extract_open(response)
    return Extraction(answer, rule, response, parsed.reasoning, flags)


# ----------------------------------------------------------------------------- explicit candidates


def _boxed_spans(text: str) -> list[tuple[int, str]]:
    """(position, content) of every ``\\boxed{...}``, with nested braces balanced (regex cannot do that)."""
    out = []
    for m in _BOXED.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            out.append((m.start(), text[m.end() : i - 1]))
    return out


def _explicit_candidates(text: str) -> list[tuple[int, str, str]]:
    """(position, rule, answer text) of every explicit answer, in text order."""
    found = []
    for rule, pattern in (("answer_label", _ANSWER_LABEL), ("answer_is", _ANSWER_IS)):
        for m in pattern.finditer(text):
            rest = text[m.end() :].split("\n", 1)[0]
            if not rest.strip() and m.end() < len(text):  # "Answer:\n\nC": the answer on the next non-empty line
                following = [ln for ln in text[m.end() :].split("\n") if ln.strip()]
                rest = following[0] if following else ""
            found.append((m.start(), rule, rest))
    found += [(pos, "boxed", content) for pos, content in _boxed_spans(text)]
    return sorted(found, key=lambda t: t[0])


# ----------------------------------------------------------------------------- multiple choice

_STRIP_MARKUP = re.compile(r"\*\*|__|`|\$")
_LEAD_LETTER = re.compile(r"^\s*(?:(?P<open>[\[(])\s*)?(?P<letter>[A-Za-z])(?:\s*(?P<close>[\])]))?")
_MORE_LETTERS = re.compile(r"^\s*(?:,|/|&|\bor\b|\band\b)\s*(?:option\s+)?[\[(]?\s*([A-Za-z])\s*[\])]?(?=$|[\s.,:;!?)\]])",
                           re.IGNORECASE)


def _unwrap(span: str) -> str:
    span = _STRIP_MARKUP.sub("", span).strip()
    for _ in range(3):  # \text{\textbf{C}}
        m = _WRAPPER.match(span)
        if not m:
            break
        span = m.group(1).strip()
    span = re.sub(r"^(?:option|choice)\s+", "", span, flags=re.IGNORECASE)
    return span


def _norm(text: str) -> str:
    text = _STRIP_MARKUP.sub("", text).lower()
    text = re.sub(r"\\(?:text|mathrm|textbf)\{([^{}]*)\}", r"\1", text)
    return " ".join(re.sub(r"[^\w.+\-/^=<>%]", " ", text).split()).strip(" .")


def _option_by_text(span: str, options: tuple[str, ...]) -> str | None:
    target = _norm(span)
    if not target:
        return None
    hits = [LETTERS[i] for i, o in enumerate(options) if _norm(o) == target]
    return hits[0] if len(hits) == 1 else None


def _letters_of(span: str, options: tuple[str, ...]) -> tuple[str | None, str]:
    """Read the answer letter at the start of ``span``: (letter, "") or (None, failure rule, or "" if no letter)."""
    span = _unwrap(span)
    m = _LEAD_LETTER.match(span)
    if m is None:
        return None, ""
    raw, rest = m.group("letter"), span[m.end() :]
    bracketed = bool(m.group("open") or m.group("close"))
    more = _MORE_LETTERS.match(rest)
    if more and more.group(1).upper() in (LETTERS[: len(options)] or LETTERS) and raw.isupper() == more.group(1).isupper():
        return None, "multiple_letters"
    if not (bracketed or _letter_ends(raw, rest, options)):
        return None, ""
    letter = raw.upper()
    if letter not in (LETTERS[: len(options)] if options else LETTERS):
        return None, "letter_out_of_range"
    return letter, ""


def _letter_ends(raw: str, rest: str, options: tuple[str, ...]) -> bool:
    """Whether a letter followed by ``rest`` is an answer letter rather than the start of a word or expression.

    Accepted: ``C``, ``C.``, ``C, because``, ``C - 42``, ``C (42)``, ``C because`` (not for ``A``/``I``, which
    are English words) and ``C`` followed by its own option text. Rejected: ``Cu``, ``E = mc^2``, ``x^2``,
    ``A linear map``, and a lowercase letter followed by anything but punctuation.
    """
    if not rest.strip():
        return True
    if re.match(r"^[.,;:!?](?!\w)", rest):
        return True
    if not rest[0].isspace():
        return False
    after = rest.lstrip()
    if after[0] in "([-–—":
        return True
    index = LETTERS.find(raw.upper())  # -1 for letters past J: the caller reports them as out of range
    if 0 <= index < len(options) and _norm(after).startswith(_norm(options[index])) and _norm(options[index]):
        return True
    return raw.isupper() and raw not in "AI" and bool(re.match(r"[a-z]{2,}\b", after))


def _extract_letter(response: str, options: tuple[str, ...]) -> tuple[str | None, str]:
    for _, rule, span in reversed(_explicit_candidates(response)):
        letter, failure = _letters_of(span, options)
        if letter:
            return letter, rule
        if failure:
            return None, failure  # the model's last explicit answer is unusable: never look further back
        by_text = _option_by_text(_unwrap(span), options)
        if by_text:
            return by_text, rule + "+text"
    return _fallback_letter(response, options)


_LETTER_LINE = re.compile(r"[\[(]?([A-Z])[\])]?[.:]?|[\[(]?([A-Z])[\])][.:]?\s+\S.*")


def _fallback_letter(response: str, options: tuple[str, ...]) -> tuple[str | None, str]:
    valid = LETTERS[: len(options)] if options else LETTERS
    lines = [_STRIP_MARKUP.sub("", ln).strip() for ln in response.splitlines() if ln.strip()]
    for line in reversed(lines):
        m = _LETTER_LINE.fullmatch(line)  # "C", "(C)", "C.", or "C) 42"
        if m:
            letter = m.group(1) or m.group(2)
            return (letter, "letter_line") if letter in valid else (None, "letter_out_of_range")
    m = re.search(r"\(([A-Z])\)[\s.!*]*$", response)
    if m:
        return (m.group(1), "final_paren") if m.group(1) in valid else (None, "letter_out_of_range")
    if options and lines:
        last = lines[-1]
        by_text = _option_by_text(last, options)
        if by_text:
            return by_text, "option_text"
        norm_last = f" {_norm(last)} "
        contained = [LETTERS[i] for i, o in enumerate(options) if _norm(o) and f" {_norm(o)} " in norm_last]
        if len(contained) == 1:
            return contained[0], "option_text"
    return None, "none"


# ----------------------------------------------------------------------------- open answers


def _extract_open(response: str) -> tuple[str | None, str]:
    candidates = _explicit_candidates(response)
    for _, rule, span in reversed(candidates):
        span = span.strip()
        if rule != "boxed":
            # "Answer: $\boxed{5}$" was already found as boxed; here keep the line minus trailing punctuation.
            span = span.rstrip(" .")
        if span:
            return span, rule
    numbers = _NUMBER.findall(response)
    if numbers:
        return numbers[-1].replace(",", ""), "last_number"
    return None, "none"
