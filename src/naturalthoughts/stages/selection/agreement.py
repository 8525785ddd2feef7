"""``disagree`` / ``agree``: difficulty by model agreement (NaturalThoughts §3.2 "Models Disagree/Agree").

The ``disagreement`` annotator's ``agree`` column says whether the reasoning teacher and a model without long
CoT reached the same answer; rows where it is null (undecidable) are excluded and counted. As the last stage of
a chain these sample uniformly from the matching rows; earlier in a chain they filter (``disagree+strategies``).
"""

from __future__ import annotations

import numpy as np

from naturalthoughts.stages.selection.base import Pool, Ranking, Strategy


def _filter(want: bool):
    def keep(pool: Pool, active: np.ndarray) -> np.ndarray:
        return pool.numeric("agree")[active] == (1.0 if want else 0.0)
    return keep


def _rank(want: bool):
    keep = _filter(want)

    def rank(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int) -> Ranking:
        matching = active[keep(pool, active)]
        order = matching[rng.permutation(len(matching))]
        # uniform among the matching rows: inclusion probability = selected / matching
        return Ranking(order=order, groups=np.zeros(len(order), dtype=np.int64), group_sizes=np.array([len(order)]),
                       report={"matching_rows": int(len(matching))})
    return rank


DISAGREE = Strategy(name="disagree", summary="rows where the two models disagree (uniform among them)",
                    paper="NaturalThoughts §3.2 Models Disagree (best at 10k/100k, §5.1)", columns=("agree",),
                    rank=_rank(False), filter=_filter(False))
AGREE = Strategy(name="agree", summary="rows where the two models agree (uniform among them)",
                 paper="NaturalThoughts §3.2 Models Agree", columns=("agree",), rank=_rank(True), filter=_filter(True))
