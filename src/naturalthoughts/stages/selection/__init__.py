"""Selection stage: which teacher traces to distil (NaturalThoughts §3.2).

``select(table, "disagree+strategies", 10_000, seed=0)`` returns a :class:`SelectionResult`;
``run_select(input, out_dir, strategy, n, ...)`` writes the stage folder. Strategies live in
:data:`naturalthoughts.stages.selection.registry.STRATEGIES`.
"""

from naturalthoughts.stages.selection.base import SelectionError
from naturalthoughts.stages.selection.compose import SelectionResult, parse_chain, run_select, select
from naturalthoughts.stages.selection.registry import STRATEGIES

__all__ = ["STRATEGIES", "SelectionError", "SelectionResult", "parse_chain", "run_select", "select"]
