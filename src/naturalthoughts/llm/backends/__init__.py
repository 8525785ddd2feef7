"""Generation backends behind one protocol (see ``base.py``), picked by name from a literal registry.

Each entry is ``"module:Class"`` so that naming a backend imports only its own heavy dependency
(llama.cpp, vllm); ``import naturalthoughts.llm.backends`` stays light.
"""

from __future__ import annotations

import importlib
import logging

from naturalthoughts.llm.backends.base import Backend, BackendSpec, ChatRequest, Completion, SamplingParams

BACKENDS: dict[str, str] = {
    "llamacpp": "naturalthoughts.llm.backends.llamacpp:LlamaCppBackend",  # in-process llama.cpp (embedded default)
    "openai": "naturalthoughts.llm.backends.openai_compat:OpenAIBackend",  # any OpenAI-compatible HTTP endpoint
    "vllm": "naturalthoughts.llm.backends.vllm_offline:VLLMBackend",  # offline vllm.LLM (GPU, optional extra)
    "transformers": "naturalthoughts.llm.backends.transformers_local:TransformersBackend",  # a trained student
    "fake": "naturalthoughts.llm.backends.fake:FakeBackend",  # deterministic, for CPU CI and dry runs
}


log = logging.getLogger(__name__)


def chat_template_text(backend: Backend) -> str:
    """The Jinja source of the chat template ``backend`` renders with; "" when it cannot tell.

    What ``--mode-carrier auto`` reads to tell a hybrid model's family. Backends that know their template
    implement ``chat_template_text()`` (llama.cpp: GGUF metadata or the ``chat_template`` option; openai: that
    option or the server's ``/props``; vllm/transformers: the tokenizer's).
    """
    reader = getattr(backend, "chat_template_text", None)
    if reader is None:
        return ""
    try:
        return reader() or ""
    except Exception as exc:  # auto then falls back to the instruction carrier; say why
        log.warning("cannot read the chat template of %s (%s: %s); --mode-carrier auto falls back to the "
                    "instruction unless --model-family is given", getattr(backend, "model_id", "?"),
                    type(exc).__name__, exc)
        return ""


def make_backend(spec: BackendSpec) -> Backend:
    """Build the backend ``spec`` names; an unknown name is an error that lists the known ones."""
    try:
        target = BACKENDS[spec.backend]
    except KeyError:
        raise ValueError(f"unknown backend {spec.backend!r}; choose one of: {', '.join(BACKENDS)}") from None
    module_name, _, cls_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(spec)


__all__ = ["BACKENDS", "Backend", "BackendSpec", "ChatRequest", "Completion", "SamplingParams", "chat_template_text",
           "make_backend"]
