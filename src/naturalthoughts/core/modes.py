"""Thinking-mode control strings, shared by SFT data building and evaluation so they can never drift apart.

The paper appends an instruction to the end of the question (PAPER.md §5.2):

========== ====================================================== ==========================
mode       instruction appended to the question                   assistant turn starts with
========== ====================================================== ==========================
no-think   ``Answer directly without thinking``                    nothing
think      ``Think carefully before answering. Use about {K} words`` ``<think>`` (forced trace)
adaptive   ``Think carefully before answering.``                   nothing (the model decides)
========== ====================================================== ==========================

K defaults to 3500, "the average length of System-2 responses in the training set"; build-sft computes it from
its own data and records it so evaluation can use the same number.
"""

from __future__ import annotations

from typing import Literal

Mode = Literal["no-think", "think", "adaptive"]
MODES: tuple[str, ...] = ("no-think", "think", "adaptive")

NO_THINK_INSTRUCTION = "Answer directly without thinking"
THINK_INSTRUCTION = "Think carefully before answering. Use about {K} words"
ADAPTIVE_INSTRUCTION = "Think carefully before answering."
DEFAULT_THINK_WORDS = 3500
THINK_PREFIX = "<think>\n"
# Separator between the question and the appended instruction. The paper says only "appended to the end of the
# question"; a blank line keeps the instruction visually apart from multiple-choice option lists.
INSTRUCTION_SEPARATOR = "\n\n"


def instruction(mode: str, words: int | None = None) -> str:
    """The exact instruction string for ``mode`` (``words`` is K for think mode)."""
    if mode == "no-think":
        return NO_THINK_INSTRUCTION
    if mode == "think":
        return THINK_INSTRUCTION.format(K=int(words if words is not None else DEFAULT_THINK_WORDS))
    if mode == "adaptive":
        return ADAPTIVE_INSTRUCTION
    raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")


def apply_mode(question: str, mode: str, words: int | None = None) -> tuple[str, str]:
    """(user message, assistant prefix) for ``question`` asked in ``mode``.

    >>> apply_mode("What is 2+2?", "no-think")
    ('What is 2+2?\\n\\nAnswer directly without thinking', '')
    >>> apply_mode("What is 2+2?", "think", 100)[1]
    '<think>\\n'
    """
    text = question.rstrip() + INSTRUCTION_SEPARATOR + instruction(mode, words)
    return text, THINK_PREFIX if mode == "think" else ""
