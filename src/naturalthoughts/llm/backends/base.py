"""The backend protocol: a batch of chat requests in, one completion per request out.

Teacher generation, LLM-judge annotators, the disagreement model and evaluation of students all go through this
one protocol, so the row cache, retries, QC parsing and progress reporting are written once.

A backend is synchronous at its boundary (``generate(requests) -> completions``); HTTP backends keep their
async concurrency inside. Backends never raise for one failed request: the completion carries ``error`` and
``finish_reason="error"`` so a stage can record the row and carry on.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Protocol, Sequence, runtime_checkable


@dataclass(frozen=True)
class SamplingParams:
    """Decoding settings. Defaults follow the paper's evaluation decoding (temperature 0.6, top-p 0.95)."""

    max_tokens: int = 1024
    temperature: float = 0.6
    top_p: float = 0.95
    seed: int | None = 0
    stop: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["stop"] = list(self.stop)
        return d


def as_pairs(mapping: dict[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    """A dict as sorted ``(name, value)`` pairs: the hashable form :class:`ChatRequest` stores."""
    return tuple(sorted((mapping or {}).items()))


@dataclass(frozen=True)
class ChatRequest:
    """One chat completion request.

    ``assistant_prefix`` is text the assistant turn must start with (a forced ``<think>`` opening, or the
    reasoning so far when a thinking budget closes the block); backends render the chat template with the
    generation prompt and append it, and the completion's ``text`` excludes it.
    ``sample_index`` distinguishes the n samples of one question: it enters the cache key and the seed.
    ``template_kwargs`` are extra chat-template variables (a hybrid model's thinking switch such as
    ``enable_thinking``): OpenAI-compatible servers get them as ``chat_template_kwargs``, in-process backends pass
    them to the template. ``request_fields`` are extra top-level request fields (``reasoning_effort``). Both are
    stored as sorted ``(name, value)`` pairs so the request stays hashable; see
    :func:`naturalthoughts.core.carriers.mode_signal` for where they come from.
    """

    messages: tuple[tuple[str, str], ...]  # ((role, content), ...): hashable, order-preserving
    params: SamplingParams = SamplingParams()
    sample_index: int = 0
    assistant_prefix: str = ""
    template_kwargs: tuple[tuple[str, Any], ...] = ()
    request_fields: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def chat(cls, messages: Sequence[dict[str, str]], **kw: Any) -> "ChatRequest":
        for name in ("template_kwargs", "request_fields"):
            if isinstance(kw.get(name), dict):
                kw[name] = as_pairs(kw[name])
        return cls(messages=tuple((m["role"], m["content"]) for m in messages), **kw)

    def message_dicts(self) -> list[dict[str, str]]:
        return [{"role": r, "content": c} for r, c in self.messages]

    def template_kwargs_dict(self) -> dict[str, Any]:
        return dict(self.template_kwargs)

    def request_fields_dict(self) -> dict[str, Any]:
        return dict(self.request_fields)

    def effective_seed(self) -> int | None:
        """Per-sample seed, so that n samples of one question differ while staying reproducible."""
        return None if self.params.seed is None else self.params.seed + self.sample_index


@dataclass
class Completion:
    """A backend's answer to one request.

    ``text`` is the raw generated text (after ``assistant_prefix``); ``reasoning_content`` is a provider's separate
    reasoning field (DeepSeek API, vLLM reasoning parser) when there is one. Parse both with
    :func:`naturalthoughts.llm.think.parse_trace`.
    """

    text: str | None
    finish_reason: str | None = None  # "stop" | "length" | "error" | provider value
    reasoning_content: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    error: str | None = None
    attempts: int = 1
    max_tokens: int | None = None  # budget this completion was produced under (for --retry-truncated)
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("cached")
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Completion":
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        return cls(**known)


# Called as each completion arrives, with the index of its request in the batch (results may arrive out of order).
ProgressFn = Callable[[int, Completion], None]


@runtime_checkable
class Backend(Protocol):
    """What every backend implements. ``model_id`` names the model in outputs and cache keys.

    Optional: ``keeps_context = True`` on a backend that answers one request at a time and keeps its context
    between requests (llama.cpp); budget forcing then runs each request's phases back to back
    (:mod:`naturalthoughts.llm.budget`).
    """

    name: str
    model_id: str

    def generate(self, requests: Sequence[ChatRequest], on_result: ProgressFn | None = None) -> list[Completion]:
        """Answer every request, in order. ``on_result(i, completion)`` is called as each one arrives."""
        ...

    def close(self) -> None: ...


@dataclass
class BackendSpec:
    """How to build a backend; what the CLI's ``--backend/--model/...`` options and recipes resolve to.

    The API key itself never appears here: only the *name* of the environment variable that holds it.
    """

    backend: str = "llamacpp"
    model: str = "smollm2-135m"
    base_url: str | None = None
    api_key_env: str | None = None
    concurrency: int = 8
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    timeout_s: float = 600.0
    max_retries: int = 6
    options: dict[str, Any] = field(default_factory=dict)  # backend-specific (n_ctx, tensor_parallel_size, ...)
    # The user's name for the weights behind a served model (a hosted API may change them under one name);
    # part of the row-cache key. Local models need none: their weights are fingerprinted.
    revision: str | None = None

    @classmethod
    def parse(cls, text: str, **kw: Any) -> "BackendSpec":
        """``"llamacpp:smollm2-135m"``, ``"openai:deepseek-reasoner@https://api.deepseek.com"`` or a name alone."""
        backend, _, rest = text.partition(":")
        if not rest:
            return cls(backend=backend, **kw)
        model, _, url = rest.partition("@")
        return cls(backend=backend, model=model, base_url=url or kw.pop("base_url", None), **kw)

    def api_key(self) -> str | None:
        """Read the key from the configured environment variable at call time; it is never stored."""
        return os.environ.get(self.api_key_env) if self.api_key_env else None

    def to_config(self) -> dict[str, Any]:
        """Config as recorded in manifests (no secret: only the variable's name)."""
        return asdict(self)

    @property
    def model_key(self) -> str:
        return f"{self.backend}:{self.model}"
