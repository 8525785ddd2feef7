"""build-sft for hybrid students: which carrier signals each example's mode, and what each row stores for it.

Under the paper's ``instruction`` carrier the user turn carries the mode instruction and rows are what they
always were. Under a hybrid model's own switch (``template``: Qwen3 ``enable_thinking``, DeepSeek-V3.1
``thinking``; ``soft-switch``: Qwen3 ``/think`` ``/no_think``; ``effort``: gpt-oss ``reasoning_effort``) the user
turn is what :func:`naturalthoughts.llm.mode_prompt.mode_prompt` gives evaluation for the same mode, and each row
stores the chat-template variables of its mode in a ``template_kwargs`` column (JSON text, e.g.
``{"enable_thinking": false}``): rendering the conversation with them is what the student sees, so a System-1
example renders as the template renders a thinking-off turn (Qwen3: ``<think>\\n\\n</think>\\n\\n`` closes the
generation prompt) and a System-2 example as a thinking-on one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from naturalthoughts.core import modes
from naturalthoughts.core.carriers import resolve_carrier
from naturalthoughts.llm.mode_prompt import mode_prompt

TEMPLATE_KWARGS_COLUMN = "template_kwargs"
CHECK_CHOICES = ("auto", "on", "off")


@dataclass(frozen=True)
class SFTCarrier:
    """The resolved carrier of one build-sft run and the student's chat template (text and where it came from)."""

    carrier: str = "instruction"
    family: str | None = None
    template_text: str | None = None
    template_source: str | None = None  # a --chat-template file, "tokenizer", or None
    check: str = "auto"

    @classmethod
    def resolve(cls, mode_carrier: str = "instruction", model_family: str | None = None,
                chat_template: str | None = None, tokenizer_template: str | None = None,
                check: str = "auto") -> "SFTCarrier":
        """``chat_template`` (a Jinja file) wins over the tokenizer's own template; ``auto`` reads its text."""
        if check not in CHECK_CHOICES:
            raise ValueError(f"check_prompts must be one of {CHECK_CHOICES}, got {check!r}")
        if not isinstance(tokenizer_template, str):  # none, or a tokenizer's dict of named templates
            tokenizer_template = None
        text, source = tokenizer_template, "tokenizer" if tokenizer_template else None
        if chat_template:
            path = Path(chat_template)
            if not path.is_file():
                raise FileNotFoundError(f"--chat-template {chat_template}: no such file")
            text, source = path.read_text(encoding="utf-8"), str(path)
        carrier, family = resolve_carrier(mode_carrier, family=model_family, template_text=text)
        if carrier == "effort" and family != "gpt-oss":
            raise ValueError(f"--mode-carrier effort with family {family}: the effort travels as a request field "
                             "of an API, which a trained student cannot read; train a gpt-oss-style student "
                             "(--model-family gpt-oss, whose template reads reasoning_effort) instead")
        if check == "on" and not text:
            raise ValueError("the prompt consistency check needs a chat template: pass --chat-template FILE or a "
                             "--tokenizer that has one")
        return cls(carrier, family, text, source, check)

    @property
    def hybrid(self) -> bool:
        return self.carrier != "instruction"

    def checks(self) -> bool:
        """Whether build-sft compares training and inference prompts: by default (``auto``) when a chat template
        is known and either the mode travels through it or it was given explicitly with ``--chat-template``."""
        if self.check == "off" or not self.template_text:
            return False
        return self.check == "on" or self.hybrid or self.template_source not in (None, "tokenizer")

    def schema(self, base: pa.Schema) -> pa.Schema:
        """The SFT row schema: the instruction carrier's rows are unchanged; hybrid rows add template_kwargs."""
        return base.append(pa.field(TEMPLATE_KWARGS_COLUMN, pa.string())) if self.hybrid else base

    def user_turn(self, question: str, instruction_name: str, think_words: int,
                  system_prompt: str | None) -> tuple[list[dict[str, str]], dict[str, Any]]:
        """(system? + user messages, template variables) of one example; ``none`` is the bare question."""
        if instruction_name == "none":
            messages = ([{"role": "system", "content": system_prompt}] if system_prompt else []) + [
                {"role": "user", "content": question}]
            return messages, {}
        prompt = mode_prompt(question, instruction_name, carrier=self.carrier, family=self.family,
                             words=think_words, system_prompt=system_prompt)
        return prompt.message_dicts(), prompt.template_kwargs

    def config(self) -> dict[str, Any]:
        """The manifest config entries (none under the instruction carrier without a check: as before)."""
        if not self.hybrid and not self.checks():
            return {}
        return {"mode_carrier": self.carrier, "model_family": self.family, "chat_template": self.template_source,
                "check_prompts": self.check}

    def checked_count(self, consistency: dict[str, int]) -> dict[str, int]:
        """Counts gain ``prompt_checked`` when the check ran."""
        return {"prompt_checked": consistency["checked"]} if self.checks() else {}

    def manifest_extra(self, consistency: dict[str, int]) -> dict[str, Any]:
        return {"prompt_consistency": {**consistency, "template": self.template_source}} if self.checks() else {}

    def describe(self, think_words: int) -> dict[str, Any]:
        """What ``_strings_used`` records so evaluation asks the student through the same carrier."""
        kwargs = {m: mode_prompt("?", m, carrier=self.carrier, family=self.family,
                                 words=think_words).template_kwargs for m in modes.MODES}
        return {"mode_carrier": self.carrier, "model_family": self.family, "template_kwargs": kwargs,
                "chat_template": self.template_source}


def encode_kwargs(kwargs: dict[str, Any]) -> str:
    return json.dumps(kwargs, sort_keys=True)


def decode_kwargs(value: Any) -> dict[str, Any]:
    """A row's template variables (JSON text in the column; a dict or None passes through)."""
    if value is None or value == "":
        return {}
    return dict(value) if isinstance(value, dict) else json.loads(value)


def with_template_kwargs(examples: list[dict[str, Any]], table: pa.Table) -> list[dict[str, Any]]:
    """Training examples (prompt/completion dicts, in ``table``'s row order) with each row's template variables
    as ``chat_template_kwargs``, the per-example field TRL's SFTTrainer passes to the chat template; examples
    of instruction-carrier data (no ``template_kwargs`` column) are returned as they are."""
    if TEMPLATE_KWARGS_COLUMN not in table.column_names:
        return examples
    values = table.column(TEMPLATE_KWARGS_COLUMN).to_pylist()
    return [{**ex, "chat_template_kwargs": decode_kwargs(v)} for ex, v in zip(examples, values)]


__all__ = ["CHECK_CHOICES", "SFTCarrier", "TEMPLATE_KWARGS_COLUMN", "decode_kwargs", "encode_kwargs",
           "with_template_kwargs"]
