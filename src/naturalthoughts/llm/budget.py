"""Generation for evaluation, with an optional thinking budget (budget forcing, as in s1).

Built on the backend protocol only (``assistant_prefix`` + ``stop``), so it works the same on llama.cpp, an
OpenAI-compatible server, vLLM and transformers, and never depends on engine internals: s1's forcing broke on a
vLLM upgrade (simplescaling/s1#134) because it patched logits; prefix continuation cannot break that way.

Without a budget a request is sent once. With a budget ``B``:

1. **Think.** Generate with ``max_tokens=B`` and ``stop=["</think>"]``.
2. **Wait** (``min_think`` T, optional). If thinking ended on its own before T tokens, continue from
   ``prefix + thinking + "\\nWait"`` within what is left of B, up to ``max_waits`` times.
3. **Answer.** If a think block was opened, close it, whether it ended naturally or hit B:
   continue from ``prefix + thinking + "\\n</think>\\n\\n"`` with the answer budget
   (``max_tokens`` minus the thinking used, at least ``min_answer_tokens``).

Every phase is a :class:`ChatRequest` through :func:`run_requests`, so all phases are cached and resume.

**Server-side budgets.** A server that caps thinking itself saves the extra phases. A backend whose
``think_budget_field`` is set (openai backend option ``think_budget_field=NAME``, see
:data:`SERVER_BUDGET_FIELDS`) gets each request once with ``NAME: B`` as a top-level field and the whole
``max_tokens``. Servers and templates differ in what they honour (and some ignore unknown fields silently), so
the thinking actually spent is counted (``backend.count_tokens``) and checked against ``B`` plus
``server_budget_tolerance`` (5 %); a request that fails the check, or whose thinking cannot be counted, is redone
with the forcing above and marked ``Generation.budget_fallback``. ``min_think`` ("Wait") always uses the forcing.

Phases run batch by batch (every request's thinking, then every answer) so that batching engines see full
batches, except on a backend that answers one request at a time and keeps its context between requests
(``backend.keeps_context``, llama.cpp): there each request's phases run back to back, so that an answer phase
continues from the thinking already in the context instead of reading prompt and thinking again.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Any, Sequence

from naturalthoughts.llm.backends.base import Backend, ChatRequest, Completion, as_pairs
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.llm.runner import Progress, RunStats, run_requests
from naturalthoughts.llm.think import THINK_CLOSE, THINK_OPEN

log = logging.getLogger(__name__)

# Request fields that carry a thinking budget, per server (what ``think_budget_field`` may name):
SERVER_BUDGET_FIELDS = {
    "vllm": "thinking_token_budget",  # vLLM >= 0.2x with --reasoning-config (v1/sample/thinking_budget_state)
    "llama.cpp": "thinking_budget_tokens",  # llama-server per request; --reasoning-budget N server-wide
    "qwen-api": "thinking_budget",  # Alibaba Cloud Model Studio (DashScope) for Qwen3 thinking models
}
DEFAULT_SERVER_BUDGET_TOLERANCE = 0.05

_CLOSE = re.compile(re.escape(THINK_CLOSE), re.IGNORECASE)
_OPEN = re.compile(re.escape(THINK_OPEN), re.IGNORECASE)


@dataclass(frozen=True)
class ThinkingBudget:
    """Budget forcing settings: ``max_think`` B tokens of thinking, optional ``min_think`` T with "Wait"."""

    max_think: int
    min_think: int | None = None
    max_waits: int = 2
    wait_text: str = "Wait"
    min_answer_tokens: int = 64

    def label(self) -> str:
        return f"B={self.max_think}" + (f",T={self.min_think}" if self.min_think else "")


@dataclass
class Generation:
    """One evaluated sample's output: the whole assistant turn (prefix included) and its token accounting."""

    output: str
    finish_reason: str | None
    error: str | None = None
    completion_tokens: int = 0
    think_tokens: int | None = None  # exact when budget phases separated thinking from the answer
    answer_tokens: int | None = None
    phases: int = 1
    waits: int = 0
    forced_close: bool = False
    cached: bool = False
    reasoning_content: str | None = None  # a provider's separate reasoning field (single-phase requests only)
    # Server-side budget (backend.think_budget_field): None when not tried, False when the server kept to it,
    # True when its thinking exceeded the budget (or could not be counted) and the forcing redid the request.
    budget_fallback: bool | None = None


def generate(
    backend: Backend,
    requests: Sequence[ChatRequest],
    cache: RequestCache | None,
    *,
    budget: ThinkingBudget | None = None,
    progress: bool | str = False,
    stats: RunStats | None = None,
) -> list[Generation]:
    """Answer every request, applying ``budget`` when given (see the module docstring)."""
    stats = stats if stats is not None else RunStats()
    if budget is None:
        done = run_requests(backend, requests, cache, progress=progress, stats=stats)
        return [_single(req, c) for req, c in zip(requests, done)]
    if getattr(backend, "think_budget_field", None) and not budget.min_think:
        return _server_budget(backend, list(requests), cache, budget, progress, stats)
    return _forced(backend, requests, cache, budget, progress, stats)


def _forced(backend: Backend, requests: Sequence[ChatRequest], cache: RequestCache | None,
            budget: ThinkingBudget, progress: bool | str, stats: RunStats) -> list[Generation]:
    if getattr(backend, "keeps_context", False) and len(requests) > 1:
        return _one_by_one(backend, list(requests), cache, budget, progress, stats)
    return _with_budget(backend, list(requests), cache, budget, progress, stats)


def thinking_part(assistant_turn: str, reasoning_content: str | None = None) -> str:
    """The thinking of one assistant turn: a provider's separate reasoning field, else the ``<think>`` block's
    content (to its end when it was never closed); "" for a turn that did not think."""
    if reasoning_content:
        return reasoning_content
    opened = _OPEN.search(assistant_turn)
    if opened is None:
        return ""
    closed = _CLOSE.search(assistant_turn, opened.end())
    return assistant_turn[opened.end(): closed.start() if closed else len(assistant_turn)]


def _server_budget(backend: Any, requests: list[ChatRequest], cache: RequestCache | None, budget: ThinkingBudget,
                   progress: bool | str, stats: RunStats) -> list[Generation]:
    """One request each with the server's budget field; the forcing redoes those whose thinking ran over."""
    name = backend.think_budget_field
    tolerance = float(getattr(backend, "server_budget_tolerance", DEFAULT_SERVER_BUDGET_TOLERANCE))
    limit = budget.max_think * (1 + tolerance)
    asked = [replace(r, request_fields=as_pairs({**r.request_fields_dict(), name: budget.max_think}))
             for r in requests]
    done = run_requests(backend, asked, cache, progress=progress, stats=stats)
    out: list[Generation | None] = []
    redo: list[int] = []
    for i, (req, c) in enumerate(zip(asked, done)):
        g = _single(req, c)
        if not c.ok:
            out.append(g)  # a failed request is an error row either way, not a broken budget
            continue
        thinking = thinking_part(g.output, c.reasoning_content)
        try:
            spent = len(backend.count_tokens(thinking)) if thinking else 0
        except Exception as exc:  # no way to check the server: trust the forcing instead
            log.warning("cannot count the thinking tokens of a %s=%d answer (%s: %s); forcing the budget",
                        name, budget.max_think, type(exc).__name__, exc)
            spent = None
        if spent is not None and spent <= limit:
            g.think_tokens, g.answer_tokens, g.budget_fallback = spent, max(g.completion_tokens - spent, 0), False
            out.append(g)
        else:
            log.debug("server budget not kept (%s thinking tokens > %.0f): forcing", spent, limit)
            out.append(None)
            redo.append(i)
    if redo:
        forced = _forced(backend, [requests[i] for i in redo], cache, budget, progress, stats)
        for i, g in zip(redo, forced):
            g.budget_fallback = True
            out[i] = g
    return out  # type: ignore[return-value]


def _one_by_one(backend: Backend, requests: list[ChatRequest], cache: RequestCache | None,
                budget: ThinkingBudget, progress: bool | str, stats: RunStats) -> list[Generation]:
    """Each request's phases back to back (see the module docstring): with SmolLM2 in llama.cpp the answer
    phase then reads ~5 new tokens instead of ~200 (prompt processing runs at ~185 tokens/s here)."""
    bar = Progress(len(requests), progress if isinstance(progress, str) else "generate", bool(progress))
    out: list[Generation] = []
    try:
        for req in requests:
            (g,) = _with_budget(backend, [req], cache, budget, False, stats)
            out.append(g)
            bar.advance(0 if g.cached else g.completion_tokens)
    finally:
        bar.close()
    return out


def _single(req: ChatRequest, c: Completion) -> Generation:
    return Generation(output=req.assistant_prefix + (c.text or ""), finish_reason=c.finish_reason, error=c.error,
                      completion_tokens=c.completion_tokens or 0, cached=c.cached,
                      reasoning_content=c.reasoning_content)


@dataclass
class _State:
    req: ChatRequest
    text: str  # assistant turn so far, prefix included
    think_tokens: int = 0
    answer_tokens: int = 0
    phases: int = 0
    waits: int = 0
    forced_close: bool = False
    finish: str | None = None
    error: str | None = None
    cached: bool = True
    done: bool = False
    needs_close: bool = False  # thinking ended (naturally or at the budget) and the answer phase must close it


def _thinking_open(text: str) -> bool:
    opens = list(_OPEN.finditer(text))
    return bool(opens) and not _CLOSE.search(text, opens[-1].end())


def _with_budget(backend: Backend, requests: list[ChatRequest], cache: RequestCache | None,
                 budget: ThinkingBudget, progress: bool | str, stats: RunStats) -> list[Generation]:
    states = [_State(req=r, text=r.assistant_prefix) for r in requests]
    desc = progress if isinstance(progress, str) else "evaluate"

    # Thinking, then "Wait" extensions of thinking that ended before min_think.
    pending = list(range(len(states)))
    for round_ in range(budget.max_waits + 1):
        if not pending:
            break
        batch = []
        for i in pending:
            s = states[i]
            stop = tuple(dict.fromkeys((*s.req.params.stop, THINK_CLOSE)))
            p = replace(s.req.params, max_tokens=max(budget.max_think - s.think_tokens, 1), stop=stop)
            batch.append(replace(s.req, params=p, assistant_prefix=s.text))
        label = f"{desc} {'wait' if round_ else 'think'}" if progress else False
        results = run_requests(backend, batch, cache, progress=label, stats=stats)
        pending = [i for i, c in zip(pending, results) if _after_think(states[i], c, budget, first=round_ == 0)]

    # Close the think block and force the answer.
    todo = [i for i, s in enumerate(states) if not s.done]
    batch = []
    for i in todo:
        s = states[i]
        if s.needs_close:
            s.text = s.text.rstrip() + "\n" + THINK_CLOSE + "\n\n"
        answer_max = max(s.req.params.max_tokens - s.think_tokens - s.answer_tokens, budget.min_answer_tokens)
        batch.append(replace(s.req, params=replace(s.req.params, max_tokens=answer_max), assistant_prefix=s.text))
    label = f"{desc} answer" if progress else False
    results = run_requests(backend, batch, cache, progress=label, stats=stats) if batch else []
    for i, c in zip(todo, results):
        s = states[i]
        s.phases += 1
        s.cached &= c.cached
        if not c.ok:
            s.error, s.finish = c.error, "error"
            continue
        s.text += c.text or ""
        s.answer_tokens += c.completion_tokens or 0
        s.finish = c.finish_reason

    return [
        Generation(output=s.text, finish_reason=s.finish, error=s.error,
                   completion_tokens=s.think_tokens + s.answer_tokens, think_tokens=s.think_tokens,
                   answer_tokens=s.answer_tokens, phases=s.phases, waits=s.waits, forced_close=s.forced_close,
                   cached=s.cached)
        for s in states
    ]


def _after_think(s: _State, c: Completion, budget: ThinkingBudget, *, first: bool) -> bool:
    """Fold one thinking completion into ``s``; True when it gets a "Wait" extension (another thinking round)."""
    s.phases += 1
    s.cached &= c.cached
    if not c.ok:
        s.error, s.finish, s.done = c.error, "error", True
        return False
    text = c.text or ""
    tokens = c.completion_tokens or 0
    close = _CLOSE.search(text)
    if first and close is None and not _thinking_open(s.text + text):
        # No think block: a no-think answer, or an adaptive model that chose to answer directly.
        s.text += text
        s.answer_tokens += tokens
        s.finish = c.finish_reason
        s.done = c.finish_reason != "length"  # a direct answer cut off at B continues in the answer phase
        return False
    s.think_tokens += tokens
    if close is not None and text[close.end() :].strip():
        # The backend ignored the stop string and answered already: keep the whole turn as it is.
        s.text += text
        s.finish, s.done = c.finish_reason, True
        return False
    s.text += text[: close.start()] if close is not None else text
    s.needs_close = True
    ended_naturally = close is not None or c.finish_reason != "length"
    if not ended_naturally:
        s.forced_close = True
        return False
    if budget.min_think and s.think_tokens < min(budget.min_think, budget.max_think) and s.waits < budget.max_waits:
        s.text = s.text.rstrip() + "\n" + budget.wait_text
        s.waits += 1
        return True
    return False
