"""Every selection strategy, by the name used on the CLI and in recipes (literal registry: one screen)."""

from __future__ import annotations

from naturalthoughts.stages.selection import (
    agreement,
    long,
    random,
    seeded,
    semantic,
    strategies,
    topic,
    verbosity,
)
from naturalthoughts.stages.selection.base import Strategy

STRATEGIES: dict[str, Strategy] = {
    "random": random.STRATEGY,
    "topic-uniform": topic.STRATEGY,
    "semantic": semantic.STRATEGY,
    "strategies": strategies.STRATEGY,
    "long": long.STRATEGY,
    "verbosity-low": verbosity.LOW,
    "verbosity-med": verbosity.MED,
    "verbosity-high": verbosity.HIGH,
    "disagree": agreement.DISAGREE,
    "agree": agreement.AGREE,
    "seeded": seeded.STRATEGY,
}
