"""``strategies``: reasoning-strategy diversity (NaturalThoughts §3.2; the best diversity strategy in §5.1).

The paper *downsamples* two kinds of rows and keeps the rest:

* out of band: |S| <= R_min or |S| > R_max distinct strategies (R_min = 4, R_max = 8, so 5-8 is preferred);
* low reasoning density: fewer distinct strategies than reasoning steps (num_strategies < num_steps), scaled by
  ``min_density`` (a row is low-density when num_strategies < min_density * num_steps; 1.0 is the paper's rule).

The paper does not give the downsampling rates. They are parameters here: a row is kept per pass with
probability ``out_of_band_rate`` (default 0.1) if out of band, times ``low_density_rate`` (default 0.5) if low
density, 1.0 otherwise; passes repeat until N (as for ``long``), so preferred rows come first and downsampled
rows fill in only when the preferred ones run out. ``selection_score`` is that per-pass probability.
"""

from __future__ import annotations

import numpy as np

from naturalthoughts.selection.base import Pool, Ranking, Strategy, acceptance_passes


def strategy_probability(num_strategies: np.ndarray, num_steps: np.ndarray, *, r_min: int = 4, r_max: int = 8,
                         out_of_band_rate: float = 0.1, low_density_rate: float = 0.5,
                         min_density: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(per-pass keep probability, out-of-band mask, low-density mask) per row."""
    if r_min >= r_max:
        raise ValueError(f"strategies: need r_min < r_max (got {r_min}, {r_max})")
    for name, rate in (("out_of_band_rate", out_of_band_rate), ("low_density_rate", low_density_rate)):
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"strategies: {name} must be in [0, 1], got {rate}")
    out_of_band = (num_strategies <= r_min) | (num_strategies > r_max)
    low_density = num_strategies < min_density * num_steps
    p = np.where(out_of_band, out_of_band_rate, 1.0) * np.where(low_density, low_density_rate, 1.0)
    return p, out_of_band, low_density


def rank_strategies(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int, r_min: int = 4,
                    r_max: int = 8, out_of_band_rate: float = 0.1, low_density_rate: float = 0.5,
                    min_density: float = 1.0) -> Ranking:
    k = pool.numeric("num_strategies")[active]
    steps = pool.numeric("num_steps")[active]
    p, out_of_band, low_density = strategy_probability(k, steps, r_min=r_min, r_max=r_max, out_of_band_rate=out_of_band_rate,
                                                       low_density_rate=low_density_rate, min_density=min_density)
    order, _ = acceptance_passes(p, rng)
    taken = order[:limit]
    report = {
        "pool_in_band_dense": int((~out_of_band & ~low_density).sum()),
        "pool_out_of_band": int(out_of_band.sum()),
        "pool_low_density": int(low_density.sum()),
        "selected_out_of_band": int(out_of_band[taken].sum()),
        "selected_low_density": int(low_density[taken].sum()),
    }
    return Ranking(order=active[order], scores=p[order], report=report)


STRATEGY = Strategy(
    name="strategies",
    summary="prefer R_min < |S| <= R_max distinct strategies and dense reasoning; downsample the rest",
    paper="NaturalThoughts §3.2 reasoning-strategy diversity: R_min=4, R_max=8, low density = |S| < steps",
    columns=("num_strategies", "num_steps"),
    rank=rank_strategies,
    options={"r_min": 4, "r_max": 8, "out_of_band_rate": 0.1, "low_density_rate": 0.5, "min_density": 1.0},
)
