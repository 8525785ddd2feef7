"""``long``: difficulty by reasoning length (NaturalThoughts §3.2 "Long").

Each row is kept with probability p = min(1, (l / C)^τ), l its reasoning length in tokens (C = 5000, τ = 2.5,
the paper's values); passes repeat over the rows not yet kept until N are chosen. Rows with l = 0 have p = 0 and
are never chosen. A row's ``selection_score`` is its per-pass probability p.
"""

from __future__ import annotations

import numpy as np

from naturalthoughts.stages.selection.base import Pool, Ranking, Strategy, acceptance_passes


def long_probability(length: np.ndarray, c: float = 5000.0, tau: float = 2.5) -> np.ndarray:
    """p = min(1, (l / C)^τ) per row."""
    if c <= 0 or tau < 0:
        raise ValueError(f"long: need length_c > 0 and length_tau >= 0 (got {c}, {tau})")
    return np.minimum(1.0, (np.maximum(np.asarray(length, dtype=np.float64), 0.0) / c) ** tau)


def rank_long(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int,
              length_c: float = 5000.0, length_tau: float = 2.5) -> Ranking:
    p = long_probability(pool.numeric("reasoning_tokens")[active], length_c, length_tau)
    order, passes = acceptance_passes(p, rng)
    taken = order[:limit]
    report = {
        "passes_needed": int(passes[taken].max()) if len(taken) else 0,
        "zero_probability_rows": int((p == 0).sum()),
        "mean_p_pool": float(p.mean()) if len(p) else 0.0,
    }
    return Ranking(order=active[order], scores=p[order], report=report)


STRATEGY = Strategy(
    name="long",
    summary="keep each row with p = min(1, (l/C)^tau), repeated passes until N",
    paper="NaturalThoughts §3.2 Long: C=5000, tau=2.5",
    columns=("reasoning_tokens",),
    rank=rank_long,
    options={"length_c": 5000.0, "length_tau": 2.5},
)
