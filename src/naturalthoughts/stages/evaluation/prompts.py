"""The evaluation prompt: question, lettered options, answer-format line, then the mode instruction.

The paper does not give its prompt format (PAPER.md §7). We ask for an explicit final line so that extraction
can prefer it (``Answer: X`` for multiple choice, ``\\boxed{}`` for open answers, the formats math-verify and the
MMLU-Pro / GPQA harnesses expect), and append the mode instruction last, exactly as build-sft does for training
examples (:func:`naturalthoughts.core.modes.apply_mode`).
"""

from __future__ import annotations

from naturalthoughts.core.modes import apply_mode
from naturalthoughts.stages.evaluation.items import LETTERS, Item

MCQ_FORMAT = 'End your response with a line of the form "Answer: X", where X is the letter of the correct option.'
OPEN_FORMAT = "Put your final answer within \\boxed{}."


def question_text(item: Item) -> str:
    """The question as the model sees it, before the mode instruction (options lettered A, B, C, ...)."""
    if item.kind == "mcq":
        options = "\n".join(f"{LETTERS[i]}) {text}" for i, text in enumerate(item.options))
        return f"{item.question.strip()}\n\n{options}\n\n{MCQ_FORMAT}"
    return f"{item.question.strip()}\n\n{OPEN_FORMAT}"


def build_prompt(item: Item, mode: str, words: int | None = None) -> tuple[str, str]:
    """(user message, assistant prefix) for ``item`` asked in ``mode`` (``item`` already presented for a seed)."""
    return apply_mode(question_text(item), mode, words)
