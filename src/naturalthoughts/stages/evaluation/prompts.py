"""The evaluation prompt: question, lettered options, answer-format line, then the mode signal.

The paper does not give its prompt format (PAPER.md §7). We ask for an explicit final line so that extraction
can prefer it (``Answer: X`` for multiple choice, ``\\boxed{}`` for open answers, the formats math-verify and the
MMLU-Pro / GPQA harnesses expect), and signal the mode last, exactly as build-sft does for training examples:
both go through :func:`naturalthoughts.llm.mode_prompt.mode_prompt` (the paper's appended instruction by default,
or a hybrid model's own switch, see :mod:`naturalthoughts.core.carriers`).
"""

from __future__ import annotations

from dataclasses import dataclass

from naturalthoughts.core.carriers import resolve_carrier
from naturalthoughts.llm.mode_prompt import ModePrompt, mode_prompt
from naturalthoughts.stages.evaluation.items import LETTERS, Item

MCQ_FORMAT = 'End your response with a line of the form "Answer: X", where X is the letter of the correct option.'
OPEN_FORMAT = "Put your final answer within \\boxed{}."


def question_text(item: Item) -> str:
    """The question as the model sees it, before the mode instruction (options lettered A, B, C, ...)."""
    if item.kind == "mcq":
        options = "\n".join(f"{LETTERS[i]}) {text}" for i, text in enumerate(item.options))
        return f"{item.question.strip()}\n\n{options}\n\n{MCQ_FORMAT}"
    return f"{item.question.strip()}\n\n{OPEN_FORMAT}"


def build_mode_prompt(item: Item, mode: str, words: int | None = None, *, carrier: str = "instruction",
                      family: str | None = None, template_text: str | None = None,
                      system_prompt: str | None = None) -> ModePrompt:
    """Everything the request for ``item`` in ``mode`` carries (``item`` already presented for a seed)."""
    return mode_prompt(question_text(item), mode, carrier=carrier, family=family, template_text=template_text,
                       words=words, system_prompt=system_prompt)


@dataclass(frozen=True)
class Asking:
    """How every question of a run is asked: the mode carrier, the model family, the system turn.

    ``template_text`` is the model's chat template, read only by ``carrier="auto"`` to pick the family.
    """

    carrier: str = "instruction"
    family: str | None = None
    system_prompt: str | None = None
    template_text: str | None = None

    def resolved(self) -> "Asking":
        """The same with ``auto`` and the family settled (an impossible carrier/family pair fails here)."""
        carrier, family = resolve_carrier(self.carrier, family=self.family, template_text=self.template_text)
        return Asking(carrier, family, self.system_prompt, self.template_text)

    def prompt(self, item: Item, mode: str, words: int | None = None) -> ModePrompt:
        return build_mode_prompt(item, mode, words, carrier=self.carrier, family=self.family,
                                 template_text=self.template_text, system_prompt=self.system_prompt)

    def describe(self) -> dict[str, str | None]:
        return {"mode_carrier": self.carrier, "model_family": self.family}


def build_prompt(item: Item, mode: str, words: int | None = None) -> tuple[str, str]:
    """(user message, assistant prefix) for ``item`` asked in ``mode`` under the paper's instruction carrier."""
    prompt = build_mode_prompt(item, mode, words)
    return prompt.user, prompt.assistant_prefix
