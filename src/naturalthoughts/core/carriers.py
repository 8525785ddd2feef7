"""Mode carriers: how a thinking mode reaches a model, per model family.

The paper signals a mode with an instruction appended to the question (:mod:`naturalthoughts.core.modes`); hybrid
models since then carry their own switch, different in each family. One table maps (mode, carrier, family) to a
:class:`ModeSignal`, and teacher generation, the annotation's no-think second model, build-sft and evaluation all
ask it, so training and inference cannot drift apart.

=============== ================= ============================================= ==================================
family          carrier           no-think / think                              adaptive
=============== ================= ============================================= ==================================
(any)           ``instruction``   the paper's instruction strings               ``Think carefully before answering.``
qwen3           ``template``      ``enable_thinking=False`` / ``True``          instruction (no native "decide")
qwen3           ``soft-switch``   ``/no_think`` / ``/think`` after the question instruction
deepseek-v3.1   ``template``      ``thinking=False`` / ``True``                 instruction
gpt-oss         ``effort``        ``reasoning_effort="low"`` / ``"high"``       ``"medium"``
openai-api      ``effort``        ``reasoning_effort`` request field, as above  as above
=============== ================= ============================================= ==================================

``auto`` picks from the chat template's own text: a template that reads ``enable_thinking`` is Qwen3-style, one
that reads ``thinking`` (DeepSeek-V3.1), ``reasoning_effort`` is gpt-oss style; anything else gets the
instruction. Adaptive has no native switch in any family (a hybrid model either thinks or does not when told):
it always travels as the paper's instruction, with thinking left on where the family has a flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from naturalthoughts.core.modes import MODES, THINK_PREFIX, apply_mode, instruction

CARRIERS: tuple[str, ...] = ("instruction", "template", "soft-switch", "effort", "auto")
FAMILIES: tuple[str, ...] = ("qwen3", "deepseek-v3.1", "gpt-oss", "openai-api")

# Exact strings of each family's switches (their model cards / chat templates).
SOFT_SWITCH = {"no-think": "/no_think", "think": "/think"}
TEMPLATE_FLAG = {"qwen3": "enable_thinking", "deepseek-v3.1": "thinking"}
EFFORT = {"no-think": "low", "think": "high", "adaptive": "medium"}


@dataclass(frozen=True)
class ModeSignal:
    """Everything a request needs to ask for one mode.

    ``user``: the user message (question plus instruction or soft switch); ``assistant_prefix``: text the
    assistant turn starts with (the forced ``<think>`` of the instruction carrier's think mode);
    ``template_kwargs``: extra chat-template variables (``chat_template_kwargs`` on OpenAI-compatible servers,
    keyword arguments to in-process rendering); ``request_fields``: top-level request fields
    (``reasoning_effort``); ``carrier``/``family``: what was chosen, for manifests.
    """

    user: str
    assistant_prefix: str = ""
    template_kwargs: dict[str, Any] = field(default_factory=dict)
    request_fields: dict[str, Any] = field(default_factory=dict)
    carrier: str = "instruction"
    family: str | None = None

    def describe(self) -> dict[str, Any]:
        return {"carrier": self.carrier, "family": self.family, "template_kwargs": dict(self.template_kwargs),
                "request_fields": dict(self.request_fields)}


def family_from_template(template_text: str | None) -> str | None:
    """The hybrid family a chat template's text belongs to, or None when it has no known switch."""
    if not template_text:
        return None
    if re.search(r"\benable_thinking\b", template_text):
        return "qwen3"
    if re.search(r"\breasoning_effort\b", template_text):
        return "gpt-oss"
    if re.search(r"\bthinking\b\s*(is\s+defined|is\s+not\s+defined|==|\)|%\}|and|or)", template_text):
        return "deepseek-v3.1"
    return None


def resolve_carrier(carrier: str, *, family: str | None = None,
                    template_text: str | None = None) -> tuple[str, str | None]:
    """(carrier, family) after ``auto`` and family detection; a carrier the family cannot carry is an error."""
    if carrier not in CARRIERS:
        raise ValueError(f"unknown mode carrier {carrier!r}; choose one of: {', '.join(CARRIERS)}")
    family = family or family_from_template(template_text)
    if family is not None and family not in FAMILIES:
        raise ValueError(f"unknown model family {family!r}; known: {', '.join(FAMILIES)}")
    if carrier == "auto":
        if family in TEMPLATE_FLAG:
            return "template", family
        if family in ("gpt-oss", "openai-api"):
            return "effort", family
        return "instruction", family
    if carrier == "template" and family not in TEMPLATE_FLAG:
        raise ValueError(f"--mode-carrier template needs a family with a chat-template flag "
                         f"({', '.join(TEMPLATE_FLAG)}); got {family or 'no known family'}")
    if carrier == "soft-switch" and family not in (None, "qwen3"):
        # /think and /no_think are Qwen3's; another family would read them as part of the question.
        raise ValueError(f"--mode-carrier soft-switch is Qwen3's (/think, /no_think); got {family}")
    if carrier == "effort" and family not in ("gpt-oss", "openai-api"):
        raise ValueError(f"--mode-carrier effort needs gpt-oss or openai-api; got {family or 'no known family'}")
    return carrier, family


def mode_signal(question: str, mode: str, *, carrier: str = "instruction", family: str | None = None,
                template_text: str | None = None, words: int | None = None) -> ModeSignal:
    """How to ask ``question`` in ``mode`` through ``carrier`` (see the module table).

    >>> mode_signal("2+2?", "no-think", carrier="template", family="qwen3").template_kwargs
    {'enable_thinking': False}
    >>> mode_signal("2+2?", "think", carrier="soft-switch", family="qwen3").user
    '2+2? /think'
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
    carrier, family = resolve_carrier(carrier, family=family, template_text=template_text)
    if carrier == "instruction" or (mode == "adaptive" and carrier in ("template", "soft-switch")):
        user, prefix = apply_mode(question, mode, words)
        if carrier == "template" and family in TEMPLATE_FLAG:
            # Adaptive: the paper's instruction with the family's thinking left on, so the model may think.
            return ModeSignal(user, prefix, {TEMPLATE_FLAG[family]: True}, {}, carrier, family)
        return ModeSignal(user, prefix, {}, {}, carrier, family)
    if carrier == "soft-switch":
        return ModeSignal(question.rstrip() + " " + SOFT_SWITCH[mode], "", {}, {}, carrier, family)
    if carrier == "template":
        return ModeSignal(question.rstrip(), "", {TEMPLATE_FLAG[family]: mode == "think"}, {}, carrier, family)
    # effort: gpt-oss's template reads reasoning_effort; OpenAI-style APIs take it as a request field.
    if family == "gpt-oss":
        return ModeSignal(question.rstrip(), "", {"reasoning_effort": EFFORT[mode]}, {}, carrier, family)
    return ModeSignal(question.rstrip(), "", {}, {"reasoning_effort": EFFORT[mode]}, carrier, family)


__all__ = ["CARRIERS", "EFFORT", "FAMILIES", "SOFT_SWITCH", "TEMPLATE_FLAG", "ModeSignal", "THINK_PREFIX",
           "family_from_template", "instruction", "mode_signal", "resolve_carrier"]
