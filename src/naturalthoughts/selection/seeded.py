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

from naturalthoughts.selection.base import Pool, Ranking, SelectionError, Strategy, compute_threads

_CHUNK = 262_144


def read_seed_questions(path: str | os.PathLike) -> list[str]:
    """Questions from a .txt file (one per line) or any file naturalthoughts.io reads (field ``question``)."""
    p = Path(path)
    if p.suffix == ".txt":
        return [line.strip() for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    from naturalthoughts.io import iter_records

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
        from naturalthoughts.annotation.embedding import embed_texts
    except ImportError:
        embed_texts = None
    if embed_texts is not None:
        return np.asarray(embed_texts(list(texts), model=embedder), dtype=np.float32)
    from sentence_transformers import SentenceTransformer

    from naturalthoughts.models import resolve

    model = SentenceTransformer(resolve(embedder), device="cpu")
    return np.asarray(model.encode(list(texts), batch_size=64, normalize_embeddings=True), dtype=np.float32)


def nearest(pool: Pool, candidates: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (similarity, candidate index) per query by inner product, over the candidates in chunks.

    Chunked flat faiss indexes keep memory bounded (2.8M x 384 float32 would be 4.3 GB at once); ties break on the
    lower candidate index so results do not depend on chunk boundaries.
    """
    import faiss

    best_s = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(candidates), _CHUNK):
        x = pool.embeddings(candidates[start:start + _CHUNK])
        index = faiss.IndexFlatIP(x.shape[1])
        index.add(x)
        s, i = index.search(queries, min(k, len(x)))
        s = np.concatenate([best_s, s], axis=1)
        i = np.concatenate([best_i, i + start], axis=1)
        keep = np.lexsort((i, -s), axis=1)[:, :k] if s.shape[1] > k else np.lexsort((i, -s), axis=1)
        best_s, best_i = np.take_along_axis(s, keep, 1), np.take_along_axis(i, keep, 1)
    return best_s, best_i


def rank_seeded(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int, seeds: object = None,
                seed_embeddings: np.ndarray | None = None, k: int | None = None,
                embedder: str = "all-minilm-l6-v2") -> Ranking:
    if seed_embeddings is None:
        if seeds is None:
            raise SelectionError("strategy 'seeded' needs seed questions: --seeds FILE (or seeds=[...] / seed_embeddings=)")
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
    codes, _ = pool.codes("id")
    shuffled = active[rng.permutation(len(active))]
    _, first = np.unique(codes[shuffled], return_index=True)
    reps = shuffled[np.sort(first)]
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
