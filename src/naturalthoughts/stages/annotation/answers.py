"""Deciding, without an LLM where possible, whether two answers to one question agree.

:func:`compare_answers` tries, in order:

1. ``choice``: multiple-choice questions (options given): the option letters both answers commit to;
2. ``numeric``: both final answers are single numbers (``1,234.5``, ``3/4``, ``50%``): equal within 1e-6 relative;
3. ``exact``: normalised final answers are equal (lowercase, LaTeX wrappers/punctuation/articles dropped);
   ``contains``: the shorter normalised answer (at most 4 words, e.g. "paris") occurs as a whole phrase in the
   other ("capital of france is paris"): teachers answer in sentences, references in words. Never when the rest
   of the longer answer negates, hedges or widens it: "no" vs "yes, there is no evidence", "paris" vs "not
   paris", "2" vs "between 2 and 3", "paris" vs "paris or lyon" stay undecided (see :data:`CONTAINS_BLOCKERS`);
4. ``math_verify``: both look mathematical (``\\boxed``, ``$…$``, LaTeX commands): the ``math-verify`` package
   decides symbolic equivalence (``1/2`` vs ``0.5``, ``\\frac{\\sqrt 2}{2}`` vs ``\\sin(\\pi/4)``).

It returns ``(None, None, why)`` when none of these decides: the caller then asks an LLM judge. Both the letters and
the final answers come from the evaluation extractor (:func:`naturalthoughts.llm.extract.extract_answer`), so
annotation and ``evaluate`` read an answer the same way: the *final answer* is the extractor's explicit answer
(the last ``\\boxed{}`` group, "the answer is", "Answer:", cut before any explanation); for a short response
(≤ 12 words) without one it is the whole response. The extractor's guesses from shape (last number, last ``$…$``)
are not used here: a wrong guess would count as agreement, where a judge can still decide.
"""

from __future__ import annotations

import re

from naturalthoughts.llm.extract import LETTERS, extract_answer
from naturalthoughts.llm.extract_spans import boxed_spans
from naturalthoughts.llm.grading import math_equal as _shared_math_equal

_NUMBER_RE = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:/\d+(?:\.\d+)?)?%?$")
_MATHY_RE = re.compile(r"\\boxed|\$|\\frac|\\sqrt|\\pi|\^|\\cdot|\\times|\\left")
SHORT_WORDS = 12
CONTAINS_WORDS = 4
# Words that, outside the contained phrase, change what the longer answer says about it: a negation, a hedge, an
# alternative or a range, or an answer of the opposite polarity. Containment is then no evidence of agreement.
CONTAINS_BLOCKERS = frozenset({
    "not", "no", "never", "neither", "nor", "none", "nothing", "without", "cannot", "false", "true", "yes",
    "maybe", "perhaps", "possibly", "probably", "likely", "unlikely", "might", "may", "could", "unclear",
    "uncertain", "either", "or", "between", "range", "approximately", "roughly", "around", "about", "except",
    "unless", "instead", "rather",
})


def boxed_contents(text: str) -> list[str]:
    """Contents of every ``\\boxed{...}`` (nested braces balanced)."""
    return [content for _, _, content in boxed_spans(text)]


def final_answer(text: str | None) -> str | None:
    """The final answer of a response (see the module docstring), or None when there is none to extract."""
    if not text or not text.strip():
        return None
    extraction = extract_answer(text, kind="open")
    if extraction.explicit and extraction.answer:
        return extraction.answer
    if extraction.response and len(extraction.response.split()) <= SHORT_WORDS:
        return extraction.response.strip()
    return None


def choice_letter(text: str | None, n_options: int) -> str | None:
    """The option letter a response commits to (its last explicit one), restricted to the first ``n_options``.

    None for no letter, a letter outside the options, or several letters ("A and C").
    """
    if not text:
        return None
    options = ("",) * max(1, min(n_options, len(LETTERS)))  # only the count matters: option texts are unknown here
    return extract_answer(text, kind="mcq", options=options).answer


def normalize_answer(text: str) -> str:
    """Lowercase; drop LaTeX wrappers (``\\text{}``, ``$``), articles, trailing punctuation; collapse spaces."""
    s = text.strip().lower()
    s = re.sub(r"\\(?:text|mathrm|textbf|mathbf)\{([^{}]*)\}", r"\1", s)
    # An escaped currency sign (R1 writes \boxed{\$13,700}) is dropped whole, not left behind as a backslash.
    s = s.replace("\\$", "").replace("$", "").replace("\\,", "").replace("\\!", "").replace("\\%", "%")
    s = re.sub(r"\b(?:the|a|an)\b", " ", s)
    s = re.sub(r"[\s.;:!,]+$", "", s)
    return " ".join(s.split())


def as_number(text: str) -> float | None:
    s = normalize_answer(text).replace(" ", "")
    if not s or not _NUMBER_RE.match(s) or not any(ch.isdigit() for ch in s):
        return None
    percent = s.endswith("%")
    s = s.rstrip("%").replace(",", "")
    try:
        if "/" in s:
            num, den = s.split("/")
            value = float(num) / float(den)
        else:
            value = float(s)
    except (ValueError, ZeroDivisionError):
        return None
    return value / 100 if percent else value


def math_equal(a: str, b: str) -> bool | None:
    """Symbolic equivalence with ``math-verify``; None when it is not installed or cannot parse both sides."""
    return _shared_math_equal(a, b)


def _containment_blocker(rest: str) -> str | None:
    """The first word of ``rest`` (the longer answer minus the contained phrase) that blocks containment."""
    for word in re.findall(r"[a-z]+(?:'[a-z]+)?", rest):
        if word in CONTAINS_BLOCKERS or word.endswith("n't"):
            return word
    return None


def compare_answers(a: str | None, b: str | None, *, n_options: int = 0,
                    exact_decides: bool = False) -> tuple[bool | None, str | None, str]:
    """``(agree, method, rationale)``; ``agree`` is None when no deterministic check decides.

    ``exact_decides``: a normalised mismatch that no other check resolves counts as disagreement (for short
    reference answers); by default it is left undecided, for a judge.
    """
    if not a or not b or not a.strip() or not b.strip():
        return None, None, "an answer is empty"
    if n_options:
        la, lb = choice_letter(a, n_options), choice_letter(b, n_options)
        if la and lb:
            return la == lb, "choice", f"options {la} and {lb}"
    fa, fb = final_answer(a), final_answer(b)
    if fa is None or fb is None:
        return None, None, "no extractable final answer"
    na, nb = as_number(fa), as_number(fb)
    if na is not None and nb is not None:
        same = abs(na - nb) <= 1e-6 * max(1.0, abs(na), abs(nb))
        return same, "numeric", f"numbers {fa!r} and {fb!r}"
    ca, cb = normalize_answer(fa), normalize_answer(fb)
    if ca == cb:
        return True, "exact", f"normalised answers equal: {ca[:80]!r}"
    short, longer = sorted((ca, cb), key=len)
    found = re.search(rf"(?<!\w){re.escape(short)}(?!\w)", longer) if short else None
    if found and len(short.split()) <= CONTAINS_WORDS:
        blocker = _containment_blocker(longer[:found.start()] + " " + longer[found.end():])
        if blocker is None:
            return True, "contains", f"{short!r} occurs in {longer[:80]!r}"
        if not exact_decides:
            return None, None, f"{short!r} occurs in {longer[:60]!r} but next to {blocker!r}: undecided"
    if _MATHY_RE.search(fa) or _MATHY_RE.search(fb) or (na is not None) != (nb is not None):
        eq = math_equal(fa, fb)
        if eq is not None:
            return eq, "math_verify", f"math-verify on {fa[:60]!r} and {fb[:60]!r}"
    if exact_decides:
        return False, "exact", f"normalised answers differ: {fa[:60]!r} vs {fb[:60]!r}"
    return None, None, f"undecided: {fa[:60]!r} vs {fb[:60]!r}"
