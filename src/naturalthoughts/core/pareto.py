"""The accuracy-for-tokens efficiency frontier, shared by evaluation (its own plot) and the run report.

A setting (mode × thinking budget) is *Pareto-efficient* when no other setting reaches at least its accuracy
with at most its mean tokens while being strictly better in one of the two. Consequences, on purpose:

* two settings with identical (tokens, accuracy) are both efficient (neither beats the other);
* at equal tokens only the most accurate is efficient; at equal accuracy only the cheapest;
* a point without a number (no accuracy or no token count) is never efficient and never dominates.

Kept in ``core`` because both the evaluation and the reporting stage need it and no stage imports another.
"""

from __future__ import annotations

from typing import Sequence


def dominates(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether ``a`` = (tokens, accuracy) is at least as good as ``b`` in both and strictly better in one."""
    return a[0] <= b[0] and a[1] >= b[1] and (a[0] < b[0] or a[1] > b[1])


def pareto_mask(points: Sequence[tuple[float | None, float | None]]) -> list[bool]:
    """For each (mean tokens, accuracy) point, whether it lies on the efficient frontier (see the module doc)."""
    known = [(float(t), float(a)) if t is not None and a is not None else None for t, a in points]
    return [p is not None and not any(q is not None and dominates(q, p) for q in known) for p in known]


def frontier_steps(points: Sequence[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """x, y of the step line through the efficient points: flat until the next, cheapest-first."""
    ordered = sorted(set(points))
    return [p[0] for p in ordered], [p[1] for p in ordered]


__all__ = ["dominates", "frontier_steps", "pareto_mask"]
