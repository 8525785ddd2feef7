"""``seeded``: nearest pool questions of curated seed questions (the paper's NT-NN-LIMO / NT-NN-S1K idea).

The seed questions are embedded with the same embedder as the pool (default all-MiniLM-L6-v2, shipped offline),
then each seed's k nearest pool questions by cosine similarity are taken rank by rank: every seed's nearest
question first, then every seed's second nearest, and so on, skipping questions already taken, until N. A pool
question with several traces contributes one of them (chosen at random). ``k`` caps the neighbours per seed
(default: as many as needed to reach N). ``selection_score`` is the cosine similarity to the seed that chose it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from naturalthoughts.stages.selection.base import Pool, Ranking, SelectionError, Strategy, compute_threads

_SCORES_PER_BLOCK = 1 << 26  # 256 MB of float32 scores per block


def read_seed_questions(path: str | os.PathLike) -> list[str]:
    """Questions from a .txt file (one per line) or any file naturalthoughts.core.io reads (field ``question``)."""
    p = Path(path)
    if p.suffix == ".txt":
        return [line.strip() for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    from naturalthoughts.core.io import iter_records

    out = []
    for line, rec in iter_records(p):
        text = rec.get("question") or rec.get("problem") or rec.get("prompt")
        if not isinstance(text, str) or not text.strip():
            raise SelectionError(f"{p}:{line}: field 'question': seed row has no question text")
        out.append(text)
    return out


def embed_seed_questions(texts: Sequence[str], embedder: str = "all-minilm-l6-v2") -> np.ndarray:
    """Embed with the project's embedding API when present, else sentence-transformers on the same model."""
    try:
        from naturalthoughts.llm.embed import embed_texts
    except ImportError:
        embed_texts = None
    if embed_texts is not None:
        return np.asarray(embed_texts(list(texts), model=embedder), dtype=np.float32)
    from sentence_transformers import SentenceTransformer

    from naturalthoughts.core.models import resolve

    model = SentenceTransformer(resolve(embedder), device="cpu")
    return np.asarray(model.encode(list(texts), batch_size=64, normalize_embeddings=True), dtype=np.float32)


def _block_sizes(queries: int, k: int) -> list[int]:
    """Rows per block: the first block (>= k rows) gives every query its first k candidates; blocks then double, so
    each adds about k more above the running threshold, up to a (rows x queries) score matrix of 64 Mi floats."""
    largest = max(k, _SCORES_PER_BLOCK // max(queries, 1))
    size = max(k, min(2048, largest))
    sizes = [size]
    while size < largest:
        size = min(2 * size, largest)
        sizes.append(size)
    return sizes


def nearest(pool: Pool, candidates: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k (similarity, index into ``candidates``) per query by inner product, best first.

    One float32 matrix product per block of candidates (read in stored order), keeping only the scores at or above
    each query's running k-th best. Hand-written rather than a faiss IndexFlatIP search, which took 5.3 s per 262k
    candidates at k=400 here (its heaps, and the OpenBLAS 0.3.15 inside the faiss-cpu wheel); the product is 1.3 s.
    Ties at the threshold are kept and broken on the lower candidate index at the end, so results do not depend
    on the block order.
    """
    k = min(k, len(candidates))
    nq = len(queries)
    if k == 0 or nq == 0:
        return np.zeros((nq, 0), dtype=np.float32), np.zeros((nq, 0), dtype=np.int64)
    q_t = np.ascontiguousarray(queries.T, dtype=np.float32)
    threshold = np.full(nq, -np.inf, dtype=np.float32)
    kept = (np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.int64))  # (query, score, candidate)
    pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    pending_rows = 0

    def prune() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        qs, ss, cs = (np.concatenate([kept[j]] + [p[j] for p in pending]) for j in range(3))
        order = np.lexsort((cs, -ss, qs))
        qs, ss, cs = qs[order], ss[order], cs[order]
        rank = np.arange(len(qs)) - np.searchsorted(qs, qs, side="left")
        top = rank < k
        full = np.flatnonzero(rank == k - 1)
        threshold[qs[full]] = ss[full]
        return qs[top], ss[top], cs[top]

    sizes = _block_sizes(nq, k)
    # Reused buffers: a new 250 MB score matrix and its mask per block cost more in page faults than the compare.
    score_buf = np.empty((min(sizes[-1], len(candidates)), nq), dtype=np.float32)
    above_buf = np.empty(score_buf.shape, dtype=bool)
    for which, x in pool.embedding_blocks(candidates, sizes):
        scores = np.matmul(x, q_t, out=score_buf[:len(x)])
        above = np.greater_equal(scores, threshold, out=above_buf[:len(x)])
        # Few scores beat their query's running threshold once the first blocks are in (~25k of 67M per block):
        # flatnonzero over the whole mask is one fast pass (0.018 s per block here), where np.nonzero's 2-d path
        # took 0.23 s and gathering the rows with any hit first 0.094 s (7 of 78 s at 2.8M x 1000 seeds).
        flat = np.flatnonzero(above)
        rows, cols = np.divmod(flat, nq)
        pending.append((cols.astype(np.int64), scores[rows, cols], which[rows]))
        pending_rows += len(rows)
        if pending_rows >= max(len(kept[0]), nq * k):  # amortise the sort: prune once the new rows match the kept
            kept, pending, pending_rows = prune(), [], 0
    kept = prune()
    return kept[1].reshape(nq, k), kept[2].reshape(nq, k)


def _first_of_each(codes: np.ndarray) -> np.ndarray:
    """Ascending positions of the first occurrence of each code (codes >= -1): ``np.unique(return_index=True)``'s
    positions, sorted, in O(n) instead of a stable sort (2.9 s at 2.8M rows here)."""
    first = np.full(int(codes.max(initial=-1)) + 2, -1, dtype=np.int64)
    positions = np.arange(len(codes), dtype=np.int64)
    # Repeated indices in an assignment leave the last value written (numpy's documented rule), so writing in
    # reverse leaves each code's first position.
    first[codes[::-1] + 1] = positions[::-1]
    return np.sort(first[first >= 0])


def rank_seeded(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int, seeds: object = None,
                seed_embeddings: np.ndarray | None = None, k: int | None = None,
                embedder: str = "all-minilm-l6-v2") -> Ranking:
    if seed_embeddings is None:
        if seeds is None:
            raise SelectionError("strategy 'seeded' needs seed questions: --seed-questions FILE (or seeds=[...] / seed_embeddings=)")
        texts = read_seed_questions(seeds) if isinstance(seeds, (str, os.PathLike)) else [str(t) for t in seeds]
        if not texts:
            raise SelectionError(f"strategy 'seeded': the seed list {seeds!r} is empty")
        seed_embeddings = embed_seed_questions(texts, embedder)
    with compute_threads():
        return _rank_seeded(pool, active, rng, limit, np.ascontiguousarray(seed_embeddings, dtype=np.float32), k, embedder)


def _rank_seeded(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int, q: np.ndarray, k: int | None,
                 embedder: str) -> Ranking:
    if q.ndim != 2 or q.shape[1] != pool.dim:
        raise SelectionError(f"strategy 'seeded': seed embeddings have shape {q.shape}, the pool's 'embedding' column has "
                             f"dimension {pool.dim}; embed seeds with the pool's embedder (embedder={embedder!r})")
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)  # never scale the caller's array
    # one trace per question: a random trace of each question id represents it
    codes = pool.group_codes("id")
    shuffled = active[rng.permutation(len(active))]
    reps = shuffled[_first_of_each(codes[shuffled])]
    k_search = min(len(reps), k or max(1, math.ceil(limit / len(q)) * 4))  # x4: neighbours of nearby seeds overlap
    passes = 0
    while True:
        sims, idx = nearest(pool, reps, q, k_search)
        passes += 1
        flat_idx, flat_sim = idx.T.reshape(-1), sims.T.reshape(-1)  # rank-major: all seeds' 1st, then 2nd, ...
        _, first_seen = np.unique(flat_idx, return_index=True)
        keep = np.sort(first_seen)
        if len(keep) >= limit or k_search >= len(reps) or k is not None:
            break
        # Too few distinct questions: seeds share neighbours. Every pass scans the whole pool, so grow k by the
        # shortfall measured in this pass (plus a margin) rather than doubling, to need one more pass, not several.
        grow = max(2.0, 1.25 * limit / max(len(keep), 1))
        k_search = min(len(reps), math.ceil(k_search * grow))
    report = {"seeds": int(len(q)), "neighbours_per_seed_searched": int(k_search), "candidate_questions": int(len(reps)),
              "duplicate_neighbours_skipped": int(len(flat_idx) - len(keep)), "search_passes": passes}
    return Ranking(order=reps[flat_idx[keep]], scores=flat_sim[keep].astype(np.float64), report=report)


STRATEGY = Strategy(
    name="seeded",
    summary="k nearest pool questions of each seed question (cosine), deduplicated, rank by rank up to N",
    paper="NaturalThoughts §5.1 NT-NN-LIMO / NT-NN-S1K (seeded by curated questions)",
    columns=("embedding", "id"),
    rank=rank_seeded,
    options={"seeds": None, "seed_embeddings": None, "k": None, "embedder": "all-minilm-l6-v2"},
)
