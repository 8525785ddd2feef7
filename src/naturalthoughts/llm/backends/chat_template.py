"""Render a chat template to prompt text on the client side.

Needed where a server cannot continue a partial assistant turn (llama-cpp-python's server ignores
``continue_final_message``): the :class:`~naturalthoughts.llm.backends.openai_compat.OpenAIBackend` then renders the
prompt itself, appends the ``assistant_prefix`` and calls ``/v1/completions``.

A template reference is one of:

* a model alias or ``.gguf`` path: the template in the GGUF metadata (``tokenizer.chat_template``), with its
  BOS/EOS token texts (read with llama.cpp in ``vocab_only`` mode: no weights are loaded);
* a ``.jinja``/``.j2``/``.txt`` file holding a Hugging Face style Jinja chat template;
* a Hugging Face tokenizer (local folder or hub id): ``tokenizer.apply_chat_template``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Sequence


@dataclass(frozen=True)
class ChatTemplate:
    """A callable ``render(messages, add_generation_prompt=True, **template_kwargs) -> str`` with its origin.

    ``bos``: the BOS token's text as the template writes it ("" when unknown); ``tokenizer_adds_bos``: whether
    the model's tokenizer adds a BOS itself when it encodes a prompt (servers' ``/v1/completions`` do);
    ``text``: the Jinja source when known (what ``--mode-carrier auto`` reads to tell the model family).
    """

    source: str
    render_fn: Callable[..., str]  # (messages, add_generation_prompt, **template_kwargs) -> str
    bos: str = ""
    tokenizer_adds_bos: bool = False
    text: str = ""

    @classmethod
    def from_text(cls, text: str, source: str = "chat template", bos: str = "", eos: str = "") -> "ChatTemplate":
        """A template from its Jinja source, rendered as Hugging Face and llama.cpp render it."""
        return cls(source, _jinja_renderer(text, bos, eos), bos, bool(bos), text)

    def render(self, messages: Sequence[dict[str, str]], add_generation_prompt: bool = True,
               **template_kwargs: Any) -> str:
        """The prompt text; ``template_kwargs`` are extra template variables (``enable_thinking=False``)."""
        return self.render_fn(messages, add_generation_prompt, **template_kwargs)

    def render_for_completion(self, messages: Sequence[dict[str, str]], **template_kwargs: Any) -> str:
        """The prompt text for a completion endpoint: exactly one BOS once the server has encoded it."""
        return single_bos(self.render(messages, True, **template_kwargs), self.bos,
                          tokenizer_adds_bos=self.tokenizer_adds_bos)


def single_bos(prompt: str, bos: str, *, tokenizer_adds_bos: bool) -> str:
    """``prompt`` with its leading BOS texts cut so that, once encoded, it starts with exactly one BOS.

    A Llama-3-style template writes ``{{ bos_token }}`` itself, and the runtime that encodes the prompt
    (llama.cpp, vLLM, a server's ``/v1/completions``) adds another when the model's tokenizer says so: two BOS
    tokens, a prompt the model never saw in training. Repeated leading BOS texts become one; that one goes too
    when the tokenizer adds its own.
    """
    if not bos or not prompt.startswith(bos):
        return prompt
    while prompt.startswith(bos + bos):
        prompt = prompt[len(bos):]
    return prompt[len(bos):] if tokenizer_adds_bos else prompt


def _jinja_renderer(template: str, bos: str, eos: str) -> Callable[..., str]:
    # Same environment as Hugging Face transformers and llama.cpp: sandboxed, trim_blocks/lstrip_blocks.
    import jinja2
    import jinja2.ext
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> None:
        raise ValueError(f"chat template: {message}")

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    compiled = env.from_string(template)

    def render(messages: Sequence[dict[str, str]], add_generation_prompt: bool, **template_kwargs: Any) -> str:
        return compiled.render(messages=list(messages), bos_token=bos, eos_token=eos,
                               add_generation_prompt=add_generation_prompt, raise_exception=raise_exception,
                               **template_kwargs)

    return render


def _gguf_template(path: str) -> tuple[str, str, str, bool]:
    from llama_cpp import Llama

    llm = Llama(model_path=path, vocab_only=True, verbose=False)
    try:
        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ValueError(f"{path}: GGUF has no tokenizer.chat_template")
        eos_id, bos_id = llm.token_eos(), llm.token_bos()
        eos = llm._model.token_get_text(eos_id) if eos_id != -1 else ""
        bos = llm._model.token_get_text(bos_id) if bos_id != -1 else ""
        return template, bos, eos, bos_id != -1 and bool(llm._model.add_bos_token())
    finally:
        llm.close()


@lru_cache(maxsize=16)
def load_chat_template(ref: str, bos_token: str = "", eos_token: str = "") -> ChatTemplate:
    """Load the chat template named by ``ref`` (see the module docstring)."""
    from naturalthoughts.core.models import resolve

    path = resolve(ref)
    if path.endswith(".gguf") and os.path.exists(path):
        template, bos, eos, adds_bos = _gguf_template(path)
        bos = bos_token or bos
        return ChatTemplate(path, _jinja_renderer(template, bos, eos_token or eos), bos, adds_bos, template)
    if path.endswith((".jinja", ".j2", ".txt")) and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # The model behind a bare template is unknown: a BOS passed in is taken as the server's to add.
        return ChatTemplate(path, _jinja_renderer(text, bos_token, eos_token), bos_token, bool(bos_token), text)
    from transformers import AutoTokenizer  # a tokenizer folder or hub id

    tok: Any = AutoTokenizer.from_pretrained(path)

    def render(messages: Sequence[dict[str, str]], add_generation_prompt: bool, **template_kwargs: Any) -> str:
        # apply_chat_template passes extra keyword arguments on to the template as variables.
        return tok.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=add_generation_prompt,
                                       **template_kwargs)

    bos = tok.bos_token or ""
    adds_bos = bool(bos) and tok("a").input_ids[:1] == [tok.bos_token_id]
    text = tok.chat_template if isinstance(tok.chat_template, str) else ""
    return ChatTemplate(path, render, bos, adds_bos, text)
