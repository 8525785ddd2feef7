"""Fast lexical detection of meta-reasoning strategies: one pass over the lowercased trace.

Each strategy in the taxonomy lists cue phrases ("let me verify", "alternatively", "case 1" ...). The detector
reports the strategies whose cues occur as whole phrases. It needs no model and runs at thousands of
4,000-token traces per second on one core (see benchmarks/bench_annotate.py), so it is the embedded default and the
cross-check for the LLM judge.

Matching uses an Aho-Corasick automaton (``pyahocorasick``): all cues are found in one pass whatever their
number, and overlapping cues are all reported. Without ``pyahocorasick`` a single compiled alternation regex is
used; it is about three times slower and, because regex matches never overlap, may miss a cue that overlaps a
longer one (rare; it then usually finds the same strategy elsewhere). Whole-phrase rule: a cue that starts
(ends) with a letter or digit must not be preceded (followed) by one.
"""

from __future__ import annotations

import re

from naturalthoughts.annotation.taxonomy import Taxonomy

# Typographic apostrophes are folded so "that’s wrong" matches the cue "that's wrong".
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'"})


class LexicalDetector:
    """``detect(text) -> tuple of strategy names`` (taxonomy order) for one taxonomy."""

    def __init__(self, taxonomy: Taxonomy, *, engine: str = "auto") -> None:
        self.taxonomy = taxonomy
        self.names = taxonomy.names
        cue_masks: dict[str, int] = {}
        for i, s in enumerate(taxonomy.strategies):
            for cue in s.cues:
                key = cue.translate(_FOLD)
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
            parts = []
            self._regex_masks = {}
            for cue, mask in sorted(cue_masks.items(), key=lambda kv: -len(kv[0])):
                pre = r"(?<![^\W_])" if cue[0].isalnum() else ""  # not preceded by a letter or digit
                post = r"(?![^\W_])" if cue[-1].isalnum() else ""
                parts.append(pre + re.escape(cue) + post)
                self._regex_masks[cue] = mask
            self._regex = re.compile("|".join(parts))
        else:
            raise ValueError(f"unknown lexical engine {engine!r}; choose auto, ahocorasick or regex")

    def detect_mask(self, text: str) -> int:
        """Bit i set when strategy i occurs; stops early once every strategy is found."""
        low = text.lower().translate(_FOLD)
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
                found |= mask
                if found == self._all:
                    break
        else:
            for m in self._regex.finditer(low):
                found |= self._regex_masks[m.group(0)]
                if found == self._all:
                    break
        return found

    def detect(self, text: str | None) -> tuple[str, ...]:
        if not text:
            return ()
        mask = self.detect_mask(text)
        return tuple(name for i, name in enumerate(self.names) if mask >> i & 1)
