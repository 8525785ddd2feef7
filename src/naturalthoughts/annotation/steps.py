"""Reasoning steps: the unit the paper's reasoning-density rule counts (strategies per step).

The paper does not say how it counts steps, so we define it. A **step** is

* a paragraph (text between blank lines), and additionally
* every sentence inside a paragraph that opens with a *pivot* word: a word that, in long chain-of-thought
  traces, starts a new move rather than continuing the current one ("Wait, …", "Alternatively, …", "So …",
  "Hmm, …", "Actually, …", "Now …", "Next, …", "Finally, …", "Therefore …", "But wait …").

R1-style traces put most moves in their own paragraph; the pivot rule catches the ones written as one block.
Counting is linear in the text length (two compiled regexes).
"""

from __future__ import annotations

import re

PIVOTS: tuple[str, ...] = ("wait", "alternatively", "so", "hmm", "actually", "now", "next", "finally", "therefore",
                           "but wait")
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n")
_PIVOT_RE = re.compile(r"(?<=[.!?])\s+(?:" + "|".join(PIVOTS) + r")\b", re.IGNORECASE)


def count_steps(text: str | None) -> int:
    """Number of reasoning steps in ``text`` (0 for empty text)."""
    if not text or not text.strip():
        return 0
    steps = 0
    for paragraph in _PARAGRAPH_RE.split(text):
        if paragraph.strip():
            steps += 1 + len(_PIVOT_RE.findall(paragraph))
    return steps
