"""One benchmark question, whatever its source, and the checks every loaded benchmark passes.

Loaders turn upstream layouts (GPQA's CSV, MMLU-Pro, SuperGPQA, MATH-500, user files) into :class:`Item`; the
rest of evaluation never sees an upstream field name.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Literal

from naturalthoughts.llm.extract import LETTERS

log = logging.getLogger(__name__)

MIN_OPTIONS, MAX_OPTIONS = 2, len(LETTERS)

# The degenerate-gold rule from the brief: one letter holding >= 60% of golds, with >= 4 options, over >= 50
# items. The evalchemy GPQA bug (every gold "D") would have tripped it on the first run.
DEGENERATE_SHARE = 0.60
DEGENERATE_MIN_OPTIONS = 4
DEGENERATE_MIN_ITEMS = 50


class BenchmarkError(ValueError):
    """A benchmark file that cannot be evaluated; the message names the file and, where known, the row."""


@dataclass(frozen=True)
class Item:
    """A question as evaluation sees it.

    ``kind`` is ``"mcq"`` (``options`` non-empty, ``gold`` a letter) or ``"open"`` (no options, ``gold`` the
    reference answer, graded with math-verify). ``shuffle`` asks for the options to be permuted per seed
    (GPQA ships the correct answer in a fixed column, so its presentation order is ours to choose).
    ``difficulty`` is the benchmark's own label when it has one (SuperGPQA easy/middle/hard, MATH-500
    ``level N``, a ``difficulty`` column of a generic file, nt-mcq's hand labels), else ``""``.
    """

    id: str
    question: str
    gold: str
    options: tuple[str, ...] = ()
    domain: str = ""
    kind: Literal["mcq", "open"] = "mcq"
    shuffle: bool = False
    difficulty: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.options)]

    def presented(self, seed: int) -> "Item":
        """The item as shown under ``seed``: shuffled options (when ``shuffle``) with the gold letter tracked."""
        if not self.shuffle or self.kind != "mcq":
            return self
        order = shuffled_order(self.id, seed, len(self.options))
        options = tuple(self.options[i] for i in order)
        gold_index = order.index(LETTERS.index(self.gold))
        return replace(self, options=options, gold=LETTERS[gold_index], shuffle=False)


def shuffled_order(item_id: str, seed: int, n: int) -> list[int]:
    """A permutation of ``range(n)`` that depends only on (item id, seed).

    A private ``random.Random`` seeded from a hash of both, never the global RNG: re-seeding a shared RNG per
    question with the same seed gives every question the same permutation, which is how one harness ended up
    with gold "D" for all of GPQA-Diamond (evalchemy#155). Hashing (not ``hash()``) keeps it stable across runs.
    """
    digest = hashlib.sha256(f"{item_id}\x1f{seed}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    order = list(range(n))
    rng.shuffle(order)
    return order


def gold_distribution(items: Iterable[Item]) -> dict[str, int]:
    """Count of gold letters over the multiple-choice items, in letter order."""
    counts = Counter(it.gold for it in items if it.kind == "mcq")
    return {letter: counts[letter] for letter in LETTERS if counts[letter]}


def degenerate_gold(items: list[Item]) -> str | None:
    """A warning text when one letter dominates the golds (see ``DEGENERATE_*``), else None."""
    mcq = [it for it in items if it.kind == "mcq" and len(it.options) >= DEGENERATE_MIN_OPTIONS]
    if len(mcq) < DEGENERATE_MIN_ITEMS:
        return None
    letter, count = Counter(it.gold for it in mcq).most_common(1)[0]
    share = count / len(mcq)
    if share >= DEGENERATE_SHARE:
        return (f"gold letter {letter!r} is the answer to {count}/{len(mcq)} ({share:.0%}) questions: the loader or "
                f"the file is probably broken (a correct benchmark spreads gold letters over the options)")
    return None


def check_items(items: list[Item], source: str) -> dict[str, Any]:
    """Validate a loaded benchmark and report its gold-letter distribution.

    Raises :class:`BenchmarkError` for duplicate ids, bad option counts and gold letters outside the options;
    logs a loud warning for a degenerate gold distribution. Returns ``{"items", "gold_letters", "warnings"}``.
    """
    if not items:
        raise BenchmarkError(f"{source}: no questions loaded")
    seen: dict[str, int] = {}
    for row, it in enumerate(items, start=1):
        where = it.meta.get("where") or f"{source}: row {row}"
        if it.id in seen:
            raise BenchmarkError(f"{where}: duplicate question id {it.id!r} (first seen at row {seen[it.id]})")
        seen[it.id] = row
        if not it.question.strip():
            raise BenchmarkError(f"{where}: empty question (id {it.id!r})")
        if it.kind == "mcq":
            if not MIN_OPTIONS <= len(it.options) <= MAX_OPTIONS:
                raise BenchmarkError(f"{where}: {len(it.options)} options (id {it.id!r}); expected {MIN_OPTIONS} to {MAX_OPTIONS}")
            if it.gold not in it.letters:
                raise BenchmarkError(f"{where}: gold letter {it.gold!r} is outside the options {it.letters[0]}-{it.letters[-1]} (id {it.id!r})")
            if any(not str(o).strip() for o in it.options):
                raise BenchmarkError(f"{where}: an empty option (id {it.id!r})")
        elif not it.gold.strip():
            raise BenchmarkError(f"{where}: empty reference answer (id {it.id!r})")
    dist = gold_distribution(items)
    warnings = []
    warning = degenerate_gold(items)
    if warning:
        warnings.append(warning)
        log.warning("!!! %s: %s !!!", source, warning)
    if dist:
        log.info("%s: %d questions, gold letters %s", source, len(items), " ".join(f"{k}={v}" for k, v in dist.items()))
    return {"items": len(items), "gold_letters": dist, "warnings": warnings}
