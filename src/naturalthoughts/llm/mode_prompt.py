"""The prompt for one question in one thinking mode: messages, template variables, request fields, prefix.

Evaluation asks a model with it and ``build-sft`` builds training conversations with it, so that a student is
asked at inference exactly the way it was trained (:func:`render_inference_prompt` is the text the model sees;
``naturalthoughts.stages.distillation.consistency`` compares it with each training example). Which switch
carries the mode (the paper's instruction, a chat-template flag, a soft switch, a reasoning effort) comes from
:func:`naturalthoughts.core.carriers.mode_signal`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

from naturalthoughts.core.carriers import ModeSignal, mode_signal
from naturalthoughts.llm.backends.base import ChatRequest, SamplingParams


class Renderer(Protocol):
    """A chat template: ``render(messages, add_generation_prompt, **template_kwargs) -> str``."""

    def render(self, messages: Sequence[dict[str, str]], add_generation_prompt: bool = True,
               **template_kwargs: Any) -> str: ...


@dataclass(frozen=True)
class ModePrompt:
    """What a request for one (question, mode) carries; ``signal`` is the carrier table's answer."""

    messages: tuple[dict[str, str], ...]
    signal: ModeSignal
    mode: str
    template_kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def user(self) -> str:
        return self.signal.user

    @property
    def assistant_prefix(self) -> str:
        return self.signal.assistant_prefix

    @property
    def request_fields(self) -> dict[str, Any]:
        return dict(self.signal.request_fields)

    def message_dicts(self) -> list[dict[str, str]]:
        return [dict(m) for m in self.messages]

    def request(self, *, params: SamplingParams, sample_index: int = 0) -> ChatRequest:
        """The chat request; under the instruction carrier it is the request (and cache key) of before."""
        return ChatRequest.chat(self.message_dicts(), params=params, sample_index=sample_index,
                                assistant_prefix=self.assistant_prefix,
                                template_kwargs=dict(self.template_kwargs),
                                request_fields=self.request_fields)


def mode_prompt(question: str, mode: str, *, carrier: str = "instruction", family: str | None = None,
                template_text: str | None = None, words: int | None = None,
                system_prompt: str | None = None) -> ModePrompt:
    """The prompt for ``question`` asked in ``mode`` through ``carrier`` (see :mod:`naturalthoughts.core.carriers`).

    ``system_prompt`` becomes a system turn before the user turn (none when empty); ``words`` is the K of the
    think instruction.

    >>> p = mode_prompt("2+2?", "no-think", carrier="template", family="qwen3", system_prompt="Be brief.")
    >>> [m["role"] for m in p.messages], p.template_kwargs
    (['system', 'user'], {'enable_thinking': False})
    """
    signal = mode_signal(question, mode, carrier=carrier, family=family, template_text=template_text,
                         words=words)
    messages = ([{"role": "system", "content": system_prompt}] if system_prompt else []) + [
        {"role": "user", "content": signal.user}]
    return ModePrompt(tuple(messages), signal, mode, dict(signal.template_kwargs))


def render(template: Renderer, messages: Sequence[dict[str, str]], add_generation_prompt: bool,
           template_kwargs: dict[str, Any] | None = None) -> str:
    """``template`` rendered with ``template_kwargs``; a renderer without keyword support gets none (and must
    need none: a mode switch silently dropped would make training and inference prompts differ)."""
    kwargs = dict(template_kwargs or {})
    if kwargs and not _takes_kwargs(template.render):
        raise TypeError(f"chat template renderer {template!r} cannot take template variables {sorted(kwargs)}")
    return template.render(list(messages), add_generation_prompt, **kwargs)


def render_inference_prompt(template: Renderer, prompt: ModePrompt) -> str:
    """The text the model continues: the rendered prompt with the generation prompt, then the assistant prefix."""
    return render(template, prompt.message_dicts(), True, prompt.template_kwargs) + prompt.assistant_prefix


def _takes_kwargs(fn: Any) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


__all__ = ["ModePrompt", "Renderer", "mode_prompt", "render", "render_inference_prompt"]
