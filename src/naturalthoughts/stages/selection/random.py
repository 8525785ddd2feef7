"""``random``: a uniform sample without replacement (NaturalThoughts §3.2 "Random"; the paper's strong baseline)."""

from __future__ import annotations

import numpy as np

from naturalthoughts.stages.selection.base import Pool, Ranking, Strategy


def rank_random(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int) -> Ranking:
    return Ranking(order=active[rng.permutation(len(active))])


STRATEGY = Strategy(
    name="random",
    summary="uniform sample without replacement",
    paper="NaturalThoughts §3.2 Random (1k-500k; scales steadily, §5.1)",
    rank=rank_random,
)
