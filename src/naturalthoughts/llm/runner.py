"""Send a batch of requests through a backend with the row cache, a progress bar and run statistics.

Every stage that calls an LLM (generate, the judge annotators, disagreement, evaluate) uses
:func:`run_requests`, so "a re-run after a crash repeats no finished call" holds everywhere.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Sequence

from naturalthoughts.llm.backends.base import Backend, ChatRequest, Completion
from naturalthoughts.llm.cache import RequestCache, request_key, usable
from naturalthoughts.llm.fingerprint import model_identity


@dataclass
class RunStats:
    requests: int = 0
    cache_hits: int = 0
    sent: int = 0
    failed: int = 0
    retries: int = 0  # extra attempts beyond the first, summed over requests
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)  # error kind -> count (final failures only)
    # model key -> identity (weights fingerprint or server report): what answered, recorded in manifests
    models: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        # Microseconds, not milliseconds: a cached or fake-backend call finishes in under 0.5 ms on a fast machine,
        # and a rounded 0.0 would hide the measured throughput (plan.figures_from_run divides by it).
        d["seconds"] = round(self.seconds, 6)
        return d


def model_key(backend: Backend) -> str:
    """``backend:model`` as shown in outputs (:func:`cache_model_key` adds the model's identity)."""
    return f"{backend.name}:{backend.model_id}"


def cache_model_key(backend: Backend) -> str:
    """The model part of a row-cache key: ``backend:model`` plus the weights' fingerprint or the server's id.

    Without the identity a student retrained into the same folder would be answered from the old one's rows.
    """
    identity = model_identity(backend)
    return model_key(backend) + (f"@{identity}" if identity else "")


class Progress:
    """tqdm bar showing rows/s, generated tokens/s and ETA; silent when disabled."""

    def __init__(self, total: int, desc: str, enabled: bool) -> None:
        self.bar = None
        self.tokens = 0
        self.t0 = time.perf_counter()
        if enabled and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="row", dynamic_ncols=True, file=sys.stderr)

    def update(self, c: Completion) -> None:
        self.advance(c.completion_tokens or 0)

    def advance(self, tokens: int, rows: int = 1) -> None:
        self.tokens += tokens
        if self.bar is not None:
            rate = self.tokens / max(time.perf_counter() - self.t0, 1e-9)
            self.bar.set_postfix_str(f"{rate:,.0f} tok/s", refresh=False)
            self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_requests(
    backend: Backend,
    requests: Sequence[ChatRequest],
    cache: RequestCache | None,
    *,
    retry_truncated: bool = False,
    progress: bool | str = False,
    stats: RunStats | None = None,
) -> list[Completion]:
    """Answer ``requests`` in order, reusing cached completions and storing each new one as it arrives.

    ``progress`` may be a description string to show a bar. Failed requests come back with ``error`` set (and
    are not cached as successes); the caller records them as rows.
    """
    stats = stats if stats is not None else RunStats()
    t0 = time.perf_counter()
    mkey = cache_model_key(backend)
    identity = model_identity(backend)
    if identity:
        stats.models[model_key(backend)] = identity
    keys = [request_key(mkey, r) for r in requests]
    stored = cache.get_many(keys) if cache is not None else {}
    results: list[Completion | None] = [None] * len(requests)
    todo: list[int] = []
    for i, (req, key) in enumerate(zip(requests, keys)):
        hit = stored.get(key)
        if hit is not None and usable(hit, req, retry_truncated=retry_truncated):
            results[i] = hit
        else:
            todo.append(i)
    stats.requests += len(requests)
    stats.cache_hits += len(requests) - len(todo)

    bar = Progress(len(todo), progress if isinstance(progress, str) else "generate", bool(progress))

    def on_result(j: int, c: Completion) -> None:
        i = todo[j]
        if c.max_tokens is None:
            c.max_tokens = requests[i].params.max_tokens
        if cache is not None and c.ok:
            cache.put(keys[i], c)
        bar.update(c)

    try:
        if todo:
            fresh = backend.generate([requests[i] for i in todo], on_result=on_result)
            for i, c in zip(todo, fresh):
                if c.max_tokens is None:
                    c.max_tokens = requests[i].params.max_tokens
                results[i] = c
    finally:
        bar.close()

    stats.sent += len(todo)
    for i in todo:
        c = results[i]
        assert c is not None
        stats.retries += max(0, c.attempts - 1)
        if not c.ok:
            stats.failed += 1
            kind = (c.error or "error").split(":", 1)[0]
            stats.errors[kind] = stats.errors.get(kind, 0) + 1
    for c in results:
        assert c is not None
        stats.prompt_tokens += c.prompt_tokens or 0
        stats.completion_tokens += c.completion_tokens or 0
    stats.seconds += time.perf_counter() - t0
    return results  # type: ignore[return-value]
