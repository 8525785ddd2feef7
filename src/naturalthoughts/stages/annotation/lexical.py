"""Fast lexical detection of meta-reasoning strategies: one pass over the lowercased trace.

Each strategy in the taxonomy lists cue phrases ("let me verify", "alternatively", "case 1" ...). The detector
reports the strategies whose cues occur as whole phrases. It needs no model and runs at thousands of
4,000-token traces per second on one core (see benchmarks/bench_annotate.py), so it is the embedded default and the
cross-check for the LLM judge.

Matching uses an Aho-Corasick automaton (``pyahocorasick``): all cues are found in one pass whatever their
number, and overlapping cues are all reported. Without ``pyahocorasick`` a single compiled alternation regex is
used (a prefix-trie pattern, see :func:`_trie_pattern`); it is slower and, because regex matches never overlap,
may miss a cue that overlaps another (rare; it then usually finds the same strategy elsewhere). Whole-phrase rule: a cue that starts
(ends) with a letter or digit must not be preceded (followed) by one.

Two context rules keep cues from firing on text that is not the model's own move:

* **quotation**: a cue inside double quotes on one line (``"..."`` or ``“...”``, at most 300 characters) is skipped;
  traces quote the question ("Seed is to plant as egg is to ...", "the problem says 'check that ...'");
* **negation**: a cue right after a negation, with at most two words between ("don't need to verify", "without
  checking", "not going back to"), is skipped.
"""

from __future__ import annotations

import bisect
import re

from naturalthoughts.stages.annotation.taxonomy import Taxonomy


# Typographic apostrophes are folded so "that’s wrong" matches the cue "that's wrong" (str.replace, not
# str.translate: translate does a dict lookup per character and was the detector's bottleneck).
def _fold(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


def _trie_pattern(words: list[str]) -> str:
    """One regex for many literals, factored as a prefix trie (``check|checking`` -> ``check(?:ing)?``).

    Python's ``re`` tries alternatives one by one at every position; a flat alternation of ~280 cues ran at
    2 traces/s, the trie form lets each position fail on its first character. Longer continuations are tried
    before a cue ends, so the longest cue at a position wins. Word boundaries are checked per match.
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            return "(?:" + "|".join(branches) + ")?" if branches else ""
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return build(trie)


_QUOTE_RE = re.compile(r'"[^"\n]{1,300}"|\u201c[^\u201d\n]{1,300}\u201d')
# A negation, then at most two words, then the end of the window (the cue starts right after it).
_NEGATION_RE = re.compile(r"(?:\bnot|\bno need|n't|\bnever|\bwithout)\s+(?:[a-z']+\s+){0,2}$")
_NEGATION_WINDOW = 32  # characters before a cue that the negation rule looks at


class _Context:
    """Quotation spans of one lowercased text, and the negation test, for :meth:`LexicalDetector.detect_mask`."""

    def __init__(self, low: str) -> None:
        self.low = low
        spans = [m.span() for m in _QUOTE_RE.finditer(low)] if '"' in low or "\u201c" in low else []
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def skipped(self, start: int) -> bool:
        """True when a cue starting at ``start`` is quoted or negated."""
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and start < self.ends[i]:
            return True
        return bool(_NEGATION_RE.search(self.low, max(0, start - _NEGATION_WINDOW), start))


class LexicalDetector:
    """``detect(text) -> tuple of strategy names`` (taxonomy order) for one taxonomy."""

    def __init__(self, taxonomy: Taxonomy, *, engine: str = "auto") -> None:
        self.taxonomy = taxonomy
        self.names = taxonomy.names
        cue_masks: dict[str, int] = {}
        for i, s in enumerate(taxonomy.strategies):
            for cue in s.cues:
                key = _fold(cue)
                cue_masks[key] = cue_masks.get(key, 0) | (1 << i)
        self._all = (1 << len(self.names)) - 1
        if engine == "auto":
            try:
                import ahocorasick  # noqa: F401

                engine = "ahocorasick"
            except ImportError:
                engine = "regex"
        self.engine = engine
        if engine == "ahocorasick":
            import ahocorasick

            self._automaton = ahocorasick.Automaton()
            for cue, mask in cue_masks.items():
                self._automaton.add_word(cue, (len(cue), cue[0].isalnum(), cue[-1].isalnum(), mask))
            self._automaton.make_automaton()
        elif engine == "regex":
            self._regex_masks = cue_masks
            self._regex = re.compile(_trie_pattern(list(cue_masks)))
        else:
            raise ValueError(f"unknown lexical engine {engine!r}; choose auto, ahocorasick or regex")

    def detect_mask(self, text: str) -> int:
        """Bit i set when strategy i occurs; stops early once every strategy is found."""
        low = _fold(text.lower())
        context = _Context(low)
        found = 0
        if self.engine == "ahocorasick":
            n = len(low)
            for end, (length, check_start, check_end, mask) in self._automaton.iter(low):
                if found & mask == mask:
                    continue
                start = end - length + 1
                if check_start and start > 0 and low[start - 1].isalnum():
                    continue
                if check_end and end + 1 < n and low[end + 1].isalnum():
                    continue
                if context.skipped(start):
                    continue
                found |= mask
                if found == self._all:
                    break
        else:
            n = len(low)
            for m in self._regex.finditer(low):
                cue, start, end = m.group(0), m.start(), m.end()
                if cue[0].isalnum() and start > 0 and low[start - 1].isalnum():
                    continue
                if cue[-1].isalnum() and end < n and low[end].isalnum():
                    continue
                if context.skipped(start):
                    continue
                found |= self._regex_masks[cue]
                if found == self._all:
                    break
        return found

    def detect(self, text: str | None) -> tuple[str, ...]:
        """Names of the strategies whose cues occur in ``text`` (taxonomy order); () for empty text."""
        if not text:
            return ()
        mask = self.detect_mask(text)
        return tuple(name for i, name in enumerate(self.names) if mask >> i & 1)
