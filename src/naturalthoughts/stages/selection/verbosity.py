"""``verbosity-low`` / ``verbosity-med`` / ``verbosity-high`` (NaturalThoughts §3.2 verbosity, scores 0-10).

Sampled without replacement by score: *low* takes all rows with score 0, then 1, 2, ...; *high* starts at 10 and
goes down; *med* takes rows with score exactly 5. Within a score the order is random. When fewer than N rows have
score 5, *med* falls back (``med_fallback=True``, the default) to the scores nearest 5 (4 and 6 together, then
3 and 7, ...) and reports how many came from the fallback; with ``med_fallback=False`` it returns only score 5
(and fails unless short results are allowed). ``selection_score`` is the row's verbosity score.
"""

from __future__ import annotations

import numpy as np

from naturalthoughts.stages.selection.base import Pool, Ranking, Strategy


def _rank_by_key(pool: Pool, active: np.ndarray, rng: np.random.Generator, key_fn) -> tuple[np.ndarray, np.ndarray]:
    v = pool.numeric("verbosity")[active]
    order = np.lexsort((rng.random(len(active)), key_fn(v)))
    return order, v


def rank_low(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int) -> Ranking:
    order, v = _rank_by_key(pool, active, rng, lambda v: v)
    return Ranking(order=active[order], scores=v[order])


def rank_high(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int) -> Ranking:
    order, v = _rank_by_key(pool, active, rng, lambda v: -v)
    return Ranking(order=active[order], scores=v[order])


def rank_med(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int, med_fallback: bool = True,
             med_score: int = 5) -> Ranking:
    order, v = _rank_by_key(pool, active, rng, lambda v: np.abs(v - med_score))
    if not med_fallback:
        order = order[v[order] == med_score]
    taken = order[:limit]
    report = {"exact_score_rows": int((v == med_score).sum()), "fallback_rows": int((v[taken] != med_score).sum())}
    return Ranking(order=active[order], scores=v[order], report=report)


def filter_med(pool: Pool, active: np.ndarray, med_score: int = 5) -> np.ndarray:
    return pool.numeric("verbosity")[active] == med_score


_COMMON = dict(columns=("verbosity",), paper="NaturalThoughts §3.2 verbosity (Med best on average, §5.1)")
LOW = Strategy(name="verbosity-low", summary="verbosity 0 first, then higher scores", rank=rank_low, **_COMMON)
MED = Strategy(name="verbosity-med", summary="verbosity exactly 5; nearest scores as documented fallback", rank=rank_med,
               filter=filter_med, options={"med_fallback": True, "med_score": 5}, **_COMMON)
HIGH = Strategy(name="verbosity-high", summary="verbosity 10 first, then lower scores", rank=rank_high, **_COMMON)
