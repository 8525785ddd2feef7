"""Exact and near-duplicate detection for question pools.

*Exact* duplicates share the same normalised text (:func:`normalise_text`: Unicode NFKC, case-folded, every
run of non-alphanumeric characters turned into one space), so "What is 2+2?" and "what is 2 + 2 ?" are one
question.

*Near* duplicates are measured by the **Jaccard similarity of the sets of character 5-grams** of the
normalised text. Character shingles suit questions (NaturalReasoning's average 55 words): a changed word or an
inserted clause costs a few shingles, not a whole word n-gram window. Candidates come from MinHash LSH
(``datasketch``: 128 permutations, banded 0.15 below the threshold), and every candidate pair is then checked
with the exact Jaccard of the two shingle sets, so a reported pair always really meets the threshold (LSH only
decides which pairs get checked; it can miss a borderline pair, it never invents one). NaturalReasoning
deduplicated at a similarity of 0.55; their measure is not published, so 0.55 here is the same number on a
documented measure, not a reproduction.

The first occurrence (input order) is kept; a later row is dropped in favour of the earliest kept row it
matches.

Both checks stream (one row at a time against the earlier ones) with compact state: exact keys are 8-byte
hashes of the normalised text (:func:`hash64`), the LSH buckets live in sorted NumPy arrays
(:class:`BandTable`, 12 bytes per band per kept row instead of a Python set per bucket), and the kept texts
that candidates are verified against are fetched through a callback, so ingest keeps them in a temporary file
instead of in memory.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

NEAR_THRESHOLD = 0.55  # NaturalReasoning's similarity threshold (PAPER.md §2)
SHINGLE_CHARS = 5
NUM_PERM = 128


def normalise_text(text: str) -> str:
    """Text used for exact-duplicate keys and n-grams: NFKC, case-folded, punctuation and spacing
    collapsed."""
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


def hash64(text: str) -> int:
    """Stable 64-bit digest of ``text``: the exact-duplicate key of a normalised text (8 bytes instead of the
    text; a false match needs a 64-bit collision, ~1e-7 for a whole 2.8M-row pool)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def exact_duplicates(texts: Iterable[str]) -> list[Match]:
    """Rows whose normalised text equals that of an earlier row."""
    first: dict[int, int] = {}
    out = []
    for i, text in enumerate(texts):
        key = hash64(normalise_text(text))
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
    index = NearDuplicateIndex(texts.__getitem__, threshold, shingle_chars=shingle_chars, num_perm=num_perm)
    out: list[Match] = []
    for i, text in enumerate(texts):
        if i in skip:
            continue
        match = index.check(i, text)
        if match is not None:
            out.append(match)
    return out


class NearDuplicateIndex:
    """Streaming near-duplicate detection: rows are checked one at a time against the earlier kept rows.

    The state is the LSH band table (:class:`BandTable`, 12 bytes per band per kept row); texts of earlier
    rows are fetched with ``text_of(key)`` only for LSH candidates, so they can live on disk.
    """

    def __init__(self, text_of: Callable[[int], str], threshold: float = NEAR_THRESHOLD, *,
                 shingle_chars: int = SHINGLE_CHARS, num_perm: int = NUM_PERM) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], got {threshold}")
        try:
            from datasketch import MinHash
            from datasketch.lsh import _optimal_param
        except ImportError as exc:  # pragma: no cover - datasketch is a core dependency
            raise ImportError("near-duplicate detection needs `datasketch` (pip install datasketch), "
                              "or use --dedup exact") from exc
        self.text_of, self.threshold = text_of, threshold
        self.shingle_chars, self.num_perm = shingle_chars, num_perm
        # LSH only proposes candidates (each is verified exactly below), so it is banded 0.15 below the
        # threshold: banded at the threshold itself it missed ~5% of true pairs near 0.55 against brute force,
        # at -0.15 none, for no measurable extra time. datasketch cannot band above ~0.9 with 128
        # permutations. The bands are datasketch MinHashLSH's own choice for that threshold (its default
        # weights), so the candidates are the ones its in-memory index proposed; only the storage differs
        # (sorted arrays instead of a set per bucket, which cost several KB per row).
        bands, rows = _optimal_param(max(0.05, min(threshold, 0.9) - 0.15), num_perm, 0.5, 0.5)
        self.band_ranges = [(b * rows, (b + 1) * rows) for b in range(bands)]
        self.table = BandTable()
        self._minhash = MinHash
        # crc32 (C, stable across runs) instead of datasketch's default Python sha1 wrapper, and permutations
        # drawn once: together these were ~60% of the time per row.
        self._permutations = MinHash(num_perm=num_perm, seed=1, scheme="affine32").permutations

    def check(self, key: int, text: str) -> Match | None:
        """The best earlier kept row ``text`` nearly duplicates, or None (then ``text`` is kept under
        ``key``)."""
        sh = shingles(text, self.shingle_chars)
        mh = self._minhash(num_perm=self.num_perm, seed=1, hashfunc=zlib.crc32,
                           permutations=self._permutations, scheme="affine32")
        mh.update_batch([s.encode("utf-8") for s in sh])
        swapped = mh.hashvalues.byteswap()
        band_keys = [_band_key(swapped[a:b].tobytes()) for a, b in self.band_ranges]
        best: tuple[float, int] | None = None
        for j in self.table.query(band_keys):
            # Kept rows' shingles are recomputed on demand rather than stored: candidates are rare, and
            # storing a set per row would cost ~15 KB per question.
            sim = jaccard(sh, shingles(self.text_of(j), self.shingle_chars))
            if sim >= self.threshold and (best is None or (sim, -j) > (best[0], -best[1])):
                best = (sim, j)
        if best is not None:
            return Match(key, best[1], round(best[0], 4))
        self.table.insert(band_keys, key)
        return None


class BandTable:
    """LSH buckets: 64-bit band key -> row keys, as sorted NumPy runs plus a small dict of recent inserts.

    A bucket per band per row as a Python set (datasketch's in-memory storage) costs ~300 bytes; here an entry
    is 12 bytes (uint64 key + uint32 row). Recent inserts sit in a dict until ``buffer_entries`` of them, then
    become a sorted run; runs of similar size are merged (a log-structured merge), so a lookup searches O(log
    n) runs.
    """

    def __init__(self, buffer_entries: int = 1 << 16) -> None:
        self.buffer_entries = buffer_entries
        self._recent: dict[int, list[int]] = {}
        self._recent_entries = 0
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def insert(self, band_keys: list[int], row: int) -> None:
        for k in band_keys:
            self._recent.setdefault(k, []).append(row)
        self._recent_entries += len(band_keys)
        if self._recent_entries >= self.buffer_entries:
            self._flush()

    def query(self, band_keys: list[int]) -> set[int]:
        """Rows sharing at least one band key."""
        out: set[int] = set()
        for k in band_keys:
            hit = self._recent.get(k)
            if hit:
                out.update(hit)
        if self._runs:
            wanted = np.asarray(band_keys, dtype=np.uint64)
            for keys, rows in self._runs:
                lo = np.searchsorted(keys, wanted, side="left")
                hi = np.searchsorted(keys, wanted, side="right")
                for a, b in zip(lo.tolist(), hi.tolist()):
                    if b > a:
                        out.update(rows[a:b].tolist())
        return out

    def _flush(self) -> None:
        n = self._recent_entries
        keys = np.fromiter((k for k, rows in self._recent.items() for _ in rows), dtype=np.uint64, count=n)
        rows = np.fromiter((r for rows in self._recent.values() for r in rows), dtype=np.uint32, count=n)
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], rows[order]))
        self._recent, self._recent_entries = {}, 0
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            newer = self._runs.pop()
            self._runs.append(_merge_runs(self._runs.pop(), newer))


def _merge_runs(older: tuple[np.ndarray, np.ndarray], newer: tuple[np.ndarray, np.ndarray]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Merge two sorted runs in place of a re-sort: the merge needs ~2x the runs' memory, an argsort ~4x."""
    (k_old, r_old), (k_new, r_new) = older, newer
    slots = np.searchsorted(k_old, k_new, side="right") + np.arange(len(k_new))
    keys = np.empty(len(k_old) + len(k_new), dtype=np.uint64)
    rows = np.empty(len(keys), dtype=np.uint32)
    keys[slots], rows[slots] = k_new, r_new
    rest = np.ones(len(keys), dtype=bool)
    rest[slots] = False
    keys[rest], rows[rest] = k_old, r_old
    return keys, rows


def _band_key(band: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(band, digest_size=8).digest(), "little")
