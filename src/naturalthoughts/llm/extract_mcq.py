"""Multiple-choice extraction: which option letter a response commits to.

The rules, in order, are listed in :mod:`naturalthoughts.llm.extract`.
"""

from __future__ import annotations

import re

from naturalthoughts.llm.extract_spans import LETTERS, explicit_candidates

_STRIP_MARKUP = re.compile(r"\*\*|__|`|\$|[\"'“”‘’«»]")
_WRAPPER = re.compile(r"^\\(?:text|textbf|mathrm|mathbf|mathit|textit|operatorname)\s*\{(.*)\}$", re.DOTALL)
_LEAD_LETTER = re.compile(r"^\s*(?:(?P<open>[\[(])\s*)?(?P<letter>[A-Za-z])(?:\s*(?P<close>[\])]))?")
_MORE_LETTERS = re.compile(
    r"^\s*(?:,|/|&|\bor\b|\band\b)\s*(?:option\s+)?[\[(]?\s*([A-Za-z])\s*[\])]?(?=$|[\s.,:;!?)\]])", re.IGNORECASE)
_L = r"\(?\**\s*([A-J])\s*\**\)?"  # a capital option letter, maybe bracketed or bold
_END = r"(?=$|[\s.,:;!?)\]*])"
# A letter committed to without an answer marker: "C is the correct answer", "Option B is correct", "Hence, (D)",
# "I'd go with **C**", "corresponds to option G". Read like explicit answers: the last one in the text wins. The
# words match in any case, the letter only in capitals ("statement i is true" names no option).
_STATEMENTS = [
    re.compile(rf"(?<![\w(])(?i:option\s+|choice\s+)?{_L}\s+(?i:is\s+(?:the\s+|definitely\s+|clearly\s+)?"
               r"(?:correct|right|best|true))\b"),
    re.compile(rf"(?i:\b(?:hence|thus|therefore|so)\b),?\s+(?i:option\s+)?\(([A-J])\){_END}"),
    re.compile(rf"\bI(?i:'d|\s+would|'ll|\s+will|'m|\s+am)?\s+(?i:go(?:ing)?\s+with|choose|pick|select|opt\s+for)\s+"
               rf"(?i:option\s+|choice\s+|answer\s+)?{_L}{_END}"),
    re.compile(rf"\bI\s+(?i:think|believe)\s+(?i:it's|it\s+is)\s+{_L}{_END}"),
    re.compile(rf"(?i:\bcorresponds\s+to\s+(?:option|choice|answer))\s+{_L}{_END}"),
    re.compile(r"(?i:\banswer)\s*\(([A-J])\)\s*$"),
]
# An option label opening a line: "A. Paris", "(B) London", "C) Berlin", "- D: Madrid", "**B. London**".
_LABEL_LINE = re.compile(
    r"^[-*•\s]*[\[(]?([A-J])[\])]?(?:[.:)。](?![A-Za-z0-9])|[\])]\s|\s*$|(?=[\u4e00-\u9fff]))(?P<text>.*)$")
_CONCLUDING = re.compile(r"(?:so|thus|hence|therefore|with|is|choose|pick|select|answer|go\s+for)\W*$", re.IGNORECASE)


def unwrap(span: str) -> str:
    """The span without markdown, quotes, ``$``, ``\\text{}``-style wrappers or a leading "option"."""
    span = _STRIP_MARKUP.sub("", span).strip()
    for _ in range(3):  # \text{\textbf{C}}
        m = _WRAPPER.match(span)
        if not m:
            break
        span = m.group(1).strip()
    return re.sub(r"^(?:option|choice)\s+", "", span, flags=re.IGNORECASE)


def _norm(text: str) -> str:
    text = _STRIP_MARKUP.sub("", text).lower()
    text = re.sub(r"\\(?:text|mathrm|textbf)\{([^{}]*)\}", r"\1", text)
    return " ".join(re.sub(r"[^\w.+\-/^=<>%]", " ", text).split()).strip(" .")


def option_by_text(span: str, options: tuple[str, ...]) -> str | None:
    """The letter of the one option whose text equals ``span`` (normalised), else None."""
    target = _norm(span)
    if not target:
        return None
    hits = [LETTERS[i] for i, o in enumerate(options) if _norm(o) == target]
    return hits[0] if len(hits) == 1 else None


def letter_of(span: str, options: tuple[str, ...]) -> tuple[str | None, str]:
    """Read the answer letter at the start of ``span``: (letter, "") or (None, failure rule, or "" if no letter)."""
    span = unwrap(span)
    m = _LEAD_LETTER.match(span)
    if m is None:
        return None, ""
    raw, rest = m.group("letter"), span[m.end() :]
    bracketed = bool(m.group("open") or m.group("close"))
    more = _MORE_LETTERS.match(rest)
    second = more.group(1) if more else ""
    if second and second.upper() in (LETTERS[: len(options)] or LETTERS) and raw.isupper() == second.isupper():
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
    if re.match(r"^[.,;:!?。，](?!\w)", rest) or re.match(r"^[。，]", rest):
        return True
    if not rest[0].isspace():
        return "\u4e00" <= rest[0] <= "\u9fff"  # "B不是 A": CJK text right after the letter
    after = rest.lstrip()
    if after[0] in "([-–—":
        return True
    index = LETTERS.find(raw.upper())  # -1 for letters past J: the caller reports them as out of range
    if 0 <= index < len(options) and _norm(after).startswith(_norm(options[index])) and _norm(options[index]):
        return True
    return raw.isupper() and raw not in "AI" and bool(re.match(r"[a-z]{2,}\b", after))


def _statement_candidates(text: str) -> list[tuple[int, str, str]]:
    return [(m.start(), "answer_statement", m.group(1)) for pattern in _STATEMENTS for m in pattern.finditer(text)]


def extract_letter(response: str, options: tuple[str, ...]) -> tuple[str | None, str]:
    """(letter, rule) of the last explicit answer or statement, else of the fallbacks; (None, rule) when none."""
    candidates = explicit_candidates(response, choices=True) + _statement_candidates(response)
    candidates.sort(key=lambda t: t[0])
    for _, rule, span in reversed(candidates):
        letter, failure = letter_of(span, options)
        if letter:
            return letter, rule
        if failure and rule != "answer_statement":
            return None, failure  # the model's last explicit answer is unusable: never look further back
        by_text = option_by_text(unwrap(span), options)
        if by_text:
            return by_text, rule + "+text"
    return _fallback_letter(response, options)


def _fallback_letter(response: str, options: tuple[str, ...]) -> tuple[str | None, str]:
    """``letter_line``, ``final_paren``, ``option_text``; ``listed_options`` when the response only lists options."""
    valid = LETTERS[: len(options)] if options else LETTERS
    lines = [_STRIP_MARKUP.sub("", ln).strip() for ln in response.splitlines() if ln.strip()]
    labelled = [(i, m) for i, ln in enumerate(lines) if (m := _LABEL_LINE.match(ln))]
    if labelled and labelled[-1][0] == len(lines) - 1 and not labelled[-1][1].group("text").strip():
        # A bare "C" closing the response answers, after a list too, unless it continues the list ("B) …\nC)").
        letter = labelled[-1][1].group(1)
        before = labelled[-2][1].group(1) if len(labelled) > 1 and labelled[-2][0] == len(lines) - 2 else ""
        if before != chr(ord(letter) - 1):
            return (letter, "letter_line") if letter in valid else (None, "letter_out_of_range")
    if len({m.group(1) for _, m in labelled}) > 1:
        # Two or more lines open with different option labels: a list of the options (maybe cut off mid-list),
        # whose last label is no answer (lm-eval and lighteval take it).
        return None, "listed_options"
    if labelled:
        index, m = labelled[-1]
        letter = m.group(1)
        if index == len(lines) - 1 or not m.group("text").strip():
            return (letter, "letter_line") if letter in valid else (None, "letter_out_of_range")
    for line in reversed(lines):
        if re.fullmatch(r"[\[(]?[K-Z][\])]?[.:]?", line):  # a lone letter past the options
            return None, "letter_out_of_range"
    parens = re.findall(r"\(([A-J])\)", response)
    m = re.search(r"\(([A-Z])\)[\s.!*]*$", response)
    if m and (len(set(parens)) == 1 or _CONCLUDING.search(response[: m.start()])):
        return (m.group(1), "final_paren") if m.group(1) in valid else (None, "letter_out_of_range")
    if options and lines:
        last = lines[-1]
        by_text = option_by_text(last, options)
        if by_text:
            return by_text, "option_text"
        norm_last = f" {_norm(last)} "
        contained = [LETTERS[i] for i, o in enumerate(options) if _norm(o) and f" {_norm(o)} " in norm_last]
        if len(contained) == 1:
            return contained[0], "option_text"
    return None, "none"
