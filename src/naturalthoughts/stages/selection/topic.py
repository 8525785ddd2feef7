"""``topic-uniform``: the same quota for every domain (NaturalThoughts §3.2 topic diversity: ~850 per domain).

Domains too small for the equal quota give all their rows and the shortfall is split evenly over the others
(water-filling); the report lists each domain's equal quota, availability, selection and how much was moved.
"""

from __future__ import annotations

import numpy as np

from naturalthoughts.stages.selection.base import Pool, Ranking, Strategy, balanced_quotas, round_robin


def rank_topic_uniform(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int, by: str = "domain") -> Ranking:
    codes, labels = pool.codes(by)
    groups = codes[active]
    order_local = round_robin(groups, rng)
    sizes = np.bincount(groups, minlength=len(labels))
    take = min(limit, len(active))
    quotas = balanced_quotas(sizes, take)
    present = np.flatnonzero(sizes > 0)
    equal_share = take / max(len(present), 1)
    short = {labels[g]: int(sizes[g]) for g in present if sizes[g] < equal_share}
    report = {
        "by": by,
        "groups": int(len(present)),
        "equal_quota": round(equal_share, 2),
        "quota_by_group": {labels[g]: int(quotas[g]) for g in present},
        "available_by_group": {labels[g]: int(sizes[g]) for g in present},
        "short_groups": short,  # label -> rows it had (less than the equal quota)
        "redistributed": int(round(sum(equal_share - v for v in short.values()))),
    }
    return Ranking(order=active[order_local], groups=groups[order_local], group_sizes=sizes, report=report)


STRATEGY = Strategy(
    name="topic-uniform",
    summary="equal quota per domain; short domains' quota redistributed (water-filling) and reported",
    paper="NaturalThoughts §3.2 topic diversity (~850 per domain; hurt vs random, §5.1)",
    rank=rank_topic_uniform,
    options={"by": "domain"},
    column_options=lambda o: (o.get("by", "domain"),),
)
