"""Instruction policies of ``build-sft``: which mode instruction each training example carries.

See :mod:`naturalthoughts.stages.distillation.sft_data` for what each policy means for the training data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from naturalthoughts.stages.distillation.mixing import SYSTEM2

INSTRUCTION_POLICIES = ("mode", "mode+adaptive:P", "adaptive", "none")


@dataclass(frozen=True)
class InstructionPolicy:
    """Which mode instruction each training example carries (see :mod:`.sft_data`)."""

    kind: str = "mode"  # "mode" | "adaptive" | "none"
    adaptive_share: float = 0.0  # with kind "mode": share of examples that carry Adaptive instead

    @classmethod
    def parse(cls, spec: "str | InstructionPolicy") -> "InstructionPolicy":
        if isinstance(spec, InstructionPolicy):
            return spec
        if spec in ("mode", "adaptive", "none"):
            return cls(spec)
        head, _, share = spec.partition(":")
        if head == "mode+adaptive":
            try:
                p = float(share)
            except ValueError:
                p = -1.0
            if 0.0 <= p <= 1.0:
                return cls("mode", p)
        raise ValueError(f"unknown instruction policy {spec!r}; "
                         f"choose one of: {', '.join(INSTRUCTION_POLICIES)}")

    def choose(self, train_modes: Sequence[str], seed: int) -> list[str]:
        """Each example's instruction: a :data:`~naturalthoughts.core.modes.MODES` entry or ``"none"``."""
        if self.kind in ("adaptive", "none"):
            return [self.kind] * len(train_modes)
        # A separate stream from the mixing draws: adding an Adaptive share never changes which rows are S2.
        adaptive = np.random.default_rng([seed, 1]).random(len(train_modes)) < self.adaptive_share
        return ["adaptive" if a else ("think" if m == SYSTEM2 else "no-think")
                for m, a in zip(train_modes, adaptive)]

    def describe(self) -> str:
        if self.kind == "mode" and self.adaptive_share:
            return f"mode+adaptive:{self.adaptive_share:g}"
        return self.kind


__all__ = ["INSTRUCTION_POLICIES", "InstructionPolicy"]
