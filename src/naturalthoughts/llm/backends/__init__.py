"""Generation backends behind one protocol (see ``base.py``), picked by name from a literal registry.

Each entry is ``"module:Class"`` so that naming a backend imports only its own heavy dependency
(llama.cpp, vllm); ``import naturalthoughts.llm.backends`` stays light.
"""

from __future__ import annotations

import importlib

from naturalthoughts.llm.backends.base import Backend, BackendSpec, ChatRequest, Completion, SamplingParams

BACKENDS: dict[str, str] = {
    "llamacpp": "naturalthoughts.llm.backends.llamacpp:LlamaCppBackend",  # in-process llama.cpp (embedded default)
    "openai": "naturalthoughts.llm.backends.openai_compat:OpenAIBackend",  # any OpenAI-compatible HTTP endpoint
    "vllm": "naturalthoughts.llm.backends.vllm_offline:VLLMBackend",  # offline vllm.LLM (GPU, optional extra)
    "transformers": "naturalthoughts.llm.backends.transformers_local:TransformersBackend",  # a trained student
    "fake": "naturalthoughts.llm.backends.fake:FakeBackend",  # deterministic, for CPU CI and dry runs
}


def make_backend(spec: BackendSpec) -> Backend:
    """Build the backend ``spec`` names; an unknown name is an error that lists the known ones."""
    try:
        target = BACKENDS[spec.backend]
    except KeyError:
        raise ValueError(f"unknown backend {spec.backend!r}; choose one of: {', '.join(BACKENDS)}") from None
    module_name, _, cls_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(spec)


__all__ = ["BACKENDS", "Backend", "BackendSpec", "ChatRequest", "Completion", "SamplingParams", "make_backend"]
