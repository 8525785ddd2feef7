"""Meta-reasoning strategy cues: the taxonomy (``data/taxonomy/strategies-v1.yaml``) and the lexical detector.

Pure and model-free, so it lives in ``core``: the annotation stage counts strategies with it and the report
highlights the very same matches (:meth:`LexicalDetector.spans`) without importing the annotation stage.
``naturalthoughts.stages.annotation.taxonomy`` and ``.lexical`` re-export these names for existing callers.

Each strategy in the taxonomy lists cue phrases ("let me verify", "alternatively", "case 1" ...). The detector
reports the strategies whose cues occur as whole phrases. It needs no model and runs at thousands of
4,000-token traces per second on one core (see benchmarks/bench_annotate.py), so it is the embedded default and the
cross-check for the LLM judge.

Matching uses an Aho-Corasick automaton (``pyahocorasick``): all cues are found in one pass whatever their
number, and overlapping cues are all reported. Without ``pyahocorasick`` a single compiled alternation regex is
used (a prefix-trie pattern, see :func:`_trie_pattern`); it is slower and, because regex matches never overlap,
may miss a cue that overlaps another (rare; it then usually finds the same strategy elsewhere). Whole-phrase rule:
a cue that starts (ends) with a letter or digit must not be preceded (followed) by one.

Two context rules keep cues from firing on text that is not the model's own move:

* **quotation**: a cue inside double quotes on one line (``"..."`` or ``“...”``, at most 300 characters) is skipped;
  traces quote the question ("Seed is to plant as egg is to ...", "the problem says 'check that ...'");
* **negation**: a cue right after a negation, with at most two words between ("don't need to verify", "without
  checking", "not going back to"), is skipped.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterator, NamedTuple

import yaml

DEFAULT_TAXONOMY = "strategies-v1"


# ---------------------------------------------------------------------------------------------- taxonomy
@dataclass(frozen=True)
class Strategy:
    name: str
    definition: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    name: str
    version: int
    strategies: tuple[Strategy, ...]

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.strategies)

    def prompt_list(self) -> str:
        """``- name: definition`` lines for the judge prompt."""
        return "\n".join(f"- {s.name}: {s.definition}" for s in self.strategies)

    def canonical(self, text: object) -> str | None:
        """The strategy ``text`` names (case, spaces, hyphens insensitive), or None."""
        if not isinstance(text, str):
            return None
        key = "_".join(text.lower().replace("-", " ").replace("/", " ").split())
        return key if key in self.names else None


@lru_cache(maxsize=None)
def load_taxonomy(name_or_path: str = DEFAULT_TAXONOMY) -> Taxonomy:
    """A taxonomy by name (packaged file) or path to a YAML file with the same layout."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files("naturalthoughts").joinpath("data", "taxonomy", f"{name_or_path}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    strategies = []
    for name, body in data["strategies"].items():
        cues = tuple(str(c).lower().strip() for c in body.get("cues") or () if str(c).strip())
        if not body.get("definition"):
            raise ValueError(f"taxonomy {name_or_path}: strategy {name!r} has no definition")
        strategies.append(Strategy(name, body["definition"].strip(), cues))
    return Taxonomy(data.get("name", "strategies"), int(data.get("version", 1)), tuple(strategies))


# ---------------------------------------------------------------------------------------------- matching
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


class CueSpan(NamedTuple):
    """One counted cue: ``text[start:end]`` of the original text is a cue of ``strategy``."""

    start: int
    end: int
    strategy: str


def _original_offsets(text: str, low: str) -> list[int] | None:
    """Map from positions in ``low`` (= ``_fold(text.lower())``) to positions in ``text``; None when equal.

    ``str.lower`` keeps the length except for a few characters ("İ" lowers to two), so spans found in the
    lowercased text are mapped back through this table only when the lengths differ.
    """
    if len(low) == len(text):
        return None
    offsets = []
    for i, ch in enumerate(text):
        offsets.extend([i] * len(ch.lower()))
    offsets.append(len(text))
    return offsets


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
        self._names_by_mask: dict[int, tuple[str, ...]] = {}
        self._longest_cue = max(map(len, cue_masks), default=0)
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

    def _matches(self, low: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, strategy mask) of every cue in ``low`` that passes the whole-phrase and context rules.

        The one place the rules live: detection and highlighting both read it, so what is highlighted is
        exactly what was counted.
        """
        context = _Context(low)
        n = len(low)
        if self.engine == "ahocorasick":
            for last, (length, check_start, check_end, mask) in self._automaton.iter(low):
                start, end = last - length + 1, last + 1
                if check_start and start > 0 and low[start - 1].isalnum():
                    continue
                if check_end and end < n and low[end].isalnum():
                    continue
                if context.skipped(start):
                    continue
                yield start, end, mask
        else:
            for m in self._regex.finditer(low):
                cue, start, end = m.group(0), m.start(), m.end()
                if cue[0].isalnum() and start > 0 and low[start - 1].isalnum():
                    continue
                if cue[-1].isalnum() and end < n and low[end].isalnum():
                    continue
                if context.skipped(start):
                    continue
                yield start, end, self._regex_masks[cue]

    def detect_mask(self, text: str) -> int:
        """Bit i set when strategy i occurs; stops early once every strategy is found."""
        found = 0
        for _, _, mask in self._matches(_fold(text.lower())):
            found |= mask
            if found == self._all:
                break
        return found

    def detect(self, text: str | None) -> tuple[str, ...]:
        """Names of the strategies whose cues occur in ``text`` (taxonomy order); () for empty text."""
        if not text:
            return ()
        mask = self.detect_mask(text)
        return tuple(name for i, name in enumerate(self.names) if mask >> i & 1)

    def spans(self, text: str | None, stop: int | None = None) -> list[CueSpan]:
        """Every counted cue of ``text`` as (start, end, strategy) on the original text, by start.

        A cue listed under two strategies gives one span per strategy; with the Aho-Corasick engine
        overlapping cues are all reported (as they all count). The set of strategies equals :meth:`detect`.
        ``stop``: only cues that start before this position (the context rules still see the whole text).
        """
        if not text:
            return []
        low = _fold(text.lower())
        offsets = _original_offsets(text, low)
        stop = len(text) if stop is None else stop
        # matches come by end (automaton) or by start (regex): past this end none starts before ``stop``
        horizon = stop + self._longest_cue + len(low) - len(text)
        out = []
        for start, end, mask in self._matches(low):
            if end > horizon:
                break
            if offsets is not None:
                start, end = offsets[start], offsets[end]
            if start >= stop:
                continue
            out.extend(CueSpan(start, end, name) for name in self._mask_names(mask))
        out.sort(key=lambda s: (s.start, -s.end))
        return out

    def _mask_names(self, mask: int) -> tuple[str, ...]:
        names = self._names_by_mask.get(mask)
        if names is None:
            names = self._names_by_mask[mask] = tuple(n for i, n in enumerate(self.names) if mask >> i & 1)
        return names
