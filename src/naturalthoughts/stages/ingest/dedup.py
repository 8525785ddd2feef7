"""Exact and near-duplicate detection for question pools.

*Exact* duplicates share the same normalised text (:func:`normalise_text`: Unicode NFKC, case-folded, every run of
non-alphanumeric characters turned into one space), so "What is 2+2?" and "what is 2 + 2 ?" are one question.

*Near* duplicates are measured by the **Jaccard similarity of the sets of character 5-grams** of the normalised
text. Character shingles suit questions (NaturalReasoning's average 55 words): a changed word or an inserted clause
costs a few shingles, not a whole word n-gram window. Candidates come from MinHash LSH (``datasketch``: 128
permutations, banded 0.15 below the threshold), and every candidate pair is then checked with the exact Jaccard of the two
shingle sets, so a reported pair always really meets the threshold (LSH only decides which pairs get checked; it can
miss a borderline pair, it never invents one). NaturalReasoning deduplicated at a similarity of 0.55; their measure is
not published, so 0.55 here is the same number on a documented measure, not a reproduction.

The first occurrence (input order) is kept; a later row is dropped in favour of the earliest kept row it matches.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass

NEAR_THRESHOLD = 0.55  # NaturalReasoning's similarity threshold (PAPER.md §2)
SHINGLE_CHARS = 5
NUM_PERM = 128

def normalise_text(text: str) -> str:
    """Text used for exact-duplicate keys and n-grams: NFKC, case-folded, punctuation and spacing collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    # Keep non-Latin letters: \w after NFKC covers them, the ASCII class alone would erase CJK text entirely.
    return " ".join(re.findall(r"\w+", text))


def shingles(text: str, k: int = SHINGLE_CHARS) -> set[str]:
    """Character ``k``-grams of the normalised text (the whole text when it is shorter than ``k``)."""
    norm = normalise_text(text)
    if len(norm) <= k:
        return {norm}
    return {norm[i : i + k] for i in range(len(norm) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Match:
    """Row ``index`` duplicates the earlier kept row ``kept_index`` (similarity 1.0 for exact duplicates)."""

    index: int
    kept_index: int
    similarity: float


def exact_duplicates(texts: list[str]) -> list[Match]:
    """Rows whose normalised text equals that of an earlier row."""
    first: dict[str, int] = {}
    out = []
    for i, text in enumerate(texts):
        key = normalise_text(text)
        if key in first:
            out.append(Match(i, first[key], 1.0))
        else:
            first[key] = i
    return out


def near_duplicates(
    texts: list[str],
    threshold: float = NEAR_THRESHOLD,
    *,
    shingle_chars: int = SHINGLE_CHARS,
    num_perm: int = NUM_PERM,
    skip: set[int] | frozenset[int] = frozenset(),
) -> list[Match]:
    """Rows whose shingle-set Jaccard similarity with an earlier kept row is at least ``threshold``.

    ``skip`` holds indices already dropped for another reason (they are neither matched nor matched against).
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"near-duplicate threshold must be in (0, 1], got {threshold}")
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError as exc:  # pragma: no cover - datasketch is a core dependency
        raise ImportError("near-duplicate detection needs `datasketch` (pip install datasketch), "
                          "or use --dedup exact") from exc

    # LSH only proposes candidates (each is verified exactly below), so it is banded 0.15 below the threshold:
    # banded at the threshold itself it missed ~5% of true pairs near 0.55 against brute force, at -0.15 none, for
    # no measurable extra time. datasketch cannot band above ~0.9 with 128 permutations.
    # Band keys are hashed to 8 bytes (datasketch keeps the raw r*8-byte slices otherwise): the LSH tables are the
    # memory bound of this step at NaturalReasoning scale (1M+ rows).
    lsh = MinHashLSH(threshold=max(0.05, min(threshold, 0.9) - 0.15), num_perm=num_perm, hashfunc=_band_key)
    # crc32 (C, stable across runs) instead of datasketch's default Python sha1 wrapper, and permutations drawn
    # once: together these were ~60% of the time per row.
    permutations = MinHash(num_perm=num_perm, seed=1, scheme="affine32").permutations
    out: list[Match] = []
    for i, text in enumerate(texts):
        if i in skip:
            continue
        sh = shingles(text, shingle_chars)
        mh = MinHash(num_perm=num_perm, seed=1, hashfunc=zlib.crc32, permutations=permutations,
                     scheme="affine32")
        mh.update_batch([s.encode("utf-8") for s in sh])
        best: tuple[float, int] | None = None
        for j in lsh.query(mh):
            # Kept rows' shingles are recomputed on demand rather than stored: candidates are rare, and storing a
            # set per row would cost ~15 KB per question.
            sim = jaccard(sh, shingles(texts[j], shingle_chars))
            if sim >= threshold and (best is None or (sim, -j) > (best[0], -best[1])):
                best = (sim, j)
        if best is not None:
            out.append(Match(i, best[1], round(best[0], 4)))
            continue
        lsh.insert(i, mh, check_duplication=False)
    return out


def _band_key(band: bytes) -> bytes:
    return hashlib.blake2b(band, digest_size=8).digest()
