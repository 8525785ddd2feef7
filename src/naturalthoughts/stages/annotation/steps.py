"""Reasoning steps: the unit the paper's reasoning-density rule counts (strategies per step).

The paper does not say how it counts steps, so we define it, following how the calibration set was labelled
(``data/calibration/README.md``): **a step is a move that advances the solution**; a paragraph break alone is not a
step, and neither is a paragraph that only hesitates ("Hmm, let me think.") or goes over ground already covered
("Wait, let me think again. The months are January, February ...").

The counter measures "advances" as *novelty*: the trace is cut into units (paragraphs; a paragraph longer than
``MAX_SENTENCES_PER_UNIT`` sentences is cut further at pivot sentences, "Wait, ...", "Alternatively, ...", or every
``MAX_SENTENCES_PER_UNIT`` sentences, because some traces are one long block), and a unit is a step when it has at
least ``MIN_CONTENT_WORDS`` content words and at least ``MIN_NOVELTY`` of its distinct content words have not
appeared earlier in the trace. On the 64 labelled traces this tracks the hand counts with Spearman 0.83 (the tune
split) and 0.81 (the holdout split), on about the same scale (median 7 against 6); the old paragraphs-plus-pivots
count had 0.52 / 0.22 and a median of 18 (benchmarks/RESULTS.md, "annotation calibration"). Linear in the text
length.
"""

from __future__ import annotations

import re

PIVOTS: tuple[str, ...] = ("wait", "alternatively", "so", "hmm", "actually", "now", "next", "finally", "therefore",
                           "but wait", "another")
MIN_NOVELTY = 0.5  # share of a unit's distinct content words that must be new for it to count as a step
MIN_CONTENT_WORDS = 5  # shorter units ("Hmm, okay.") never count
MAX_SENTENCES_PER_UNIT = 6

_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_PIVOT_START_RE = re.compile(r"(?:" + "|".join(PIVOTS) + r")\b", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z][a-z']+|\d+")
# Function words and the filler of thinking-out-loud: they never make a unit new.
_STOPWORDS = frozenset("""
the and but for with that this these those are was were been being from its it's i'm not does did have has had
can could would should will just also very really maybe perhaps let let's think wait hmm okay well right yes like
about into more most some any all each other another what which who whom how why when where there here than too
only even still then them they their you your our she his her him one get got make sure see say said thing things
way mean means because since much many such same know need want try trying going actually probably seems seem
""".split())


def _units(text: str) -> list[str]:
    """Paragraphs, with over-long paragraphs cut at pivot sentences or every MAX_SENTENCES_PER_UNIT sentences."""
    units = []
    for paragraph in _PARAGRAPH_RE.split(text):
        if not paragraph.strip():
            continue
        # Every sentence break follows a '.', '!' or '?', so a paragraph with fewer of them than the limit cannot
        # be over-long: counting them is ~20x cheaper than the lookaround split.
        if paragraph.count(".") + paragraph.count("!") + paragraph.count("?") < MAX_SENTENCES_PER_UNIT:
            units.append(paragraph)
            continue
        sentences = _SENTENCE_RE.split(paragraph.strip())
        if len(sentences) <= MAX_SENTENCES_PER_UNIT:
            units.append(paragraph)
            continue
        current: list[str] = []
        for sentence in sentences:
            if current and (len(current) >= MAX_SENTENCES_PER_UNIT or _PIVOT_START_RE.match(sentence)):
                units.append(" ".join(current))
                current = []
            current.append(sentence)
        units.append(" ".join(current))
    return units


def content_words(text: str) -> list[str]:
    """Lowercased words of three or more letters (or numbers) that are not function/filler words."""
    return [w for w in _WORD_RE.findall(text.lower()) if (len(w) > 2 or w.isdigit()) and w not in _STOPWORDS]


_STOPWORDS_BYTES = frozenset(w.encode() for w in _STOPWORDS)
# ASCII units: two byte translations split the words of _WORD_RE. Keeping only [a-z'] gives the letter runs
# (a run is one regex match once its leading apostrophes go, since [a-z']+ extends to the run's end); keeping
# only digits gives the number runs. Words of one or two characters and stopwords then leave by one set
# difference, so no Python loop runs per word.
_LETTERS_ONLY = bytes(c if (97 <= c <= 122 or c == 39) else 32 for c in range(256))
_DIGITS_ONLY = bytes(c if 48 <= c <= 57 else 32 for c in range(256))
_LETTERS_AND_APOSTROPHE = b"abcdefghijklmnopqrstuvwxyz'"
_SHORT_WORDS = frozenset([bytes([a]) for a in _LETTERS_AND_APOSTROPHE]
                         + [bytes([a, b]) for a in _LETTERS_AND_APOSTROPHE for b in _LETTERS_AND_APOSTROPHE])
_NEVER_CONTENT = _SHORT_WORDS | _STOPWORDS_BYTES


def content_word_set(unit: str) -> frozenset[bytes]:
    """The distinct :func:`content_words` of ``unit`` as UTF-8 bytes.

    ASCII units take a fast path (byte translations, split and set operations, all in C): ~6x faster than the
    regex over the unit, with the same words (``tests/test_annotation_fastpaths.py`` checks it against the regex).
    """
    low = unit.lower()
    if not low.isascii():
        return frozenset(w.encode() for w in content_words(low))
    data = b" " + low.encode()
    letters = data.translate(_LETTERS_ONLY)
    while b" '" in letters:  # a run's leading apostrophes are not part of its word ("'tis" -> "tis")
        letters = letters.replace(b" '", b" ")
    return frozenset(set(letters.split()) - _NEVER_CONTENT).union(data.translate(_DIGITS_ONLY).split())


def step_units(text: str | None) -> list[tuple[str, bool]]:
    """Each unit of ``text`` and whether it counts as a step (it advances: enough new content words)."""
    if not text or not text.strip():
        return []
    seen: set[bytes] = set()
    out = []
    for unit in _units(text):
        words = content_word_set(unit)
        is_step = len(words) >= MIN_CONTENT_WORDS and len(words - seen) >= MIN_NOVELTY * len(words)
        seen |= words
        out.append((unit, is_step))
    return out


def count_steps(text: str | None) -> int:
    """Number of reasoning steps in ``text`` (0 for empty text; at least 1 for any non-empty text)."""
    units = step_units(text)
    if not units:
        return 0
    return max(1, sum(1 for _, is_step in units if is_step))
