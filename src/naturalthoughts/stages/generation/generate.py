"""The generate stage: questions in, teacher traces (``TRACE_SCHEMA``) out.

Every request goes through :func:`naturalthoughts.llm.runner.run_requests`, so each completion is in the
row cache the moment it returns: a crashed or interrupted run, started again with the same arguments, sends no
request whose answer is stored and produces every row exactly once. Rows come out in a fixed order (input order ×
sample index) whatever order the backend answered in.

Nothing is dropped: a request that finally fails becomes a row with ``error`` set and the ``request_failed`` QC
flag; odd outputs (no think block, truncated, ...) keep their flags (see :mod:`naturalthoughts.llm.think`).
"""

from __future__ import annotations

import os
from typing import Any

import pyarrow as pa

from naturalthoughts.core.schema import (
    QC_FLAGS,
    QUESTION_SCHEMA,
    TRACE_SCHEMA,
    conform,
    question_id,
    trace_id,
)
from naturalthoughts.core.store import stable_json
from naturalthoughts.llm.backends.base import Backend, BackendSpec, ChatRequest, Completion, SamplingParams
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.llm.runner import RunStats, model_key, run_requests
from naturalthoughts.llm.think import THINK_OPEN, parse_trace
from naturalthoughts.stages.generation.prompts import PromptTemplate, TeacherCarrier, load_template

STAGE = "generate"


def open_cache(cache: Any) -> tuple[RequestCache | None, bool]:
    """(cache, opened_here) for ``None`` (default file), ``False`` (no cache), a path or a RequestCache."""
    if cache is False:
        return None, False
    if isinstance(cache, RequestCache):
        return cache, False
    return RequestCache(cache), True


def build_requests(questions: pa.Table, template: PromptTemplate, params: SamplingParams, n: int,
                   carrier: TeacherCarrier | None = None) -> list[ChatRequest]:
    """The requests of a run, in output order: each question (input order) × sample index 0..n-1.

    ``carrier`` puts a hybrid teacher's thinking switch on each request (default: the template alone).
    """
    carrier = carrier or TeacherCarrier()
    cols = [c for c in ("question", "options") if c in questions.column_names]
    rows = questions.select(cols).to_pylist()
    requests = []
    for row in rows:
        messages, prefix, extra = carrier.apply(template.messages(row), template.assistant_prefix)
        for s in range(n):
            requests.append(ChatRequest.chat([{"role": r, "content": c} for r, c in messages], params=params,
                                             sample_index=s, assistant_prefix=prefix, **extra))
    return requests


def generate_traces(
    questions: pa.Table,
    spec: BackendSpec,
    params: SamplingParams,
    *,
    n: int = 1,
    template: str | PromptTemplate = "teacher-default",
    cache: RequestCache | str | os.PathLike | None | bool = None,
    retry_truncated: bool = False,
    progress: bool | str = True,
    backend: Backend | None = None,
    stats: RunStats | None = None,
    think_budget: int | None = None,
    carrier: TeacherCarrier | None = None,
) -> tuple[pa.Table, RunStats]:
    """Generate ``n`` teacher samples per question and return ``(traces, stats)``.

    Args:
        questions: a table with at least ``question`` (``id`` is derived from the text when absent).
        spec: the teacher backend (ignored for building when ``backend`` is given, but still names the model).
        params: sampling; sample ``i`` uses seed ``params.seed + i``.
        template: a bundled template name, a YAML path or a :class:`PromptTemplate`.
        cache: ``None`` = the default cache file (``$NATURALTHOUGHTS_CACHE``), ``False`` = none, a path or a cache.
        retry_truncated: re-request rows whose stored answer stopped at ``max_tokens`` (``finish_reason`` length),
            e.g. after raising ``params.max_tokens``; every other stored row is reused.
        progress: show a progress bar (rows/s, tokens/s, ETA); a string sets its label.
        backend: an already built backend (reused across calls, or a test double).
        think_budget: stop thinking after this many tokens, close ``</think>`` and force the final answer
            (budget forcing, :mod:`naturalthoughts.llm.budget`); the answer gets ``max_tokens`` minus the
            thinking used (at least 64). For small teachers that would otherwise never close their think block.
        carrier: how a hybrid teacher is asked to think (``--mode-carrier``), resolved; default: the template.

    Returns the traces in ``TRACE_SCHEMA`` (question columns first, extra input columns kept) in input order ×
    sample index, and the run statistics (cache hits, requests sent, retries, failures, tokens).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    tmpl = template if isinstance(template, PromptTemplate) else load_template(template)
    if "id" not in questions.column_names:
        ids = [question_id(q) for q in questions.column("question").to_pylist()]
        questions = questions.append_column("id", pa.array(ids, pa.string()))
    questions = conform(questions, QUESTION_SCHEMA)
    requests = build_requests(questions, tmpl, params, n, carrier)

    stats = stats if stats is not None else RunStats()
    label = progress if isinstance(progress, str) else (STAGE if progress else False)
    completions, teacher, fallbacks = _complete(spec, backend, requests, cache, think_budget, retry_truncated,
                                                label, stats)
    extra_params = {"think_budget": think_budget} if think_budget else {}
    return _trace_table(questions, requests, completions, n=n, teacher=teacher, template=tmpl, params=params,
                        extra_params=extra_params, fallbacks=fallbacks), stats


def _complete(spec: BackendSpec, backend: Backend | None, requests: list[ChatRequest], cache: Any,
              think_budget: int | None, retry_truncated: bool, label: bool | str,
              stats: RunStats) -> tuple[list[Completion], str, list[bool | None] | None]:
    """Every request's completion (from the row cache or the backend), the teacher's model key and, with a
    thinking budget, each row's ``budget_fallback`` (None: no server budget tried)."""
    own_backend = backend is None
    backend = backend if backend is not None else _make_backend(spec)
    store, own_cache = open_cache(cache)
    try:
        fallbacks = None
        if think_budget:
            completions, fallbacks = _generate_with_budget(backend, requests, store, think_budget, label, stats)
        else:
            completions = run_requests(backend, requests, store, retry_truncated=retry_truncated, progress=label,
                                       stats=stats)
        return completions, model_key(backend), fallbacks
    finally:
        if own_cache and store is not None:
            store.close()
        if own_backend:
            backend.close()


_TRACE_COLUMNS = ("trace_id", "sample_index", "teacher_model", "reasoning", "response", "finish_reason",
                  "prompt_tokens", "completion_tokens", "gen_params", "prompt_version", "qc_flags", "error")


def _trace_table(questions: pa.Table, requests: list[ChatRequest], completions: list[Completion], *, n: int,
                 teacher: str, template: PromptTemplate, params: SamplingParams,
                 extra_params: dict[str, Any], fallbacks: list[bool | None] | None = None) -> pa.Table:
    """``TRACE_SCHEMA`` rows: each request's question columns plus its parsed completion, in request order."""
    prefilled = THINK_OPEN in template.assistant_prefix
    cols: dict[str, list[Any]] = {k: [] for k in _TRACE_COLUMNS}
    ids = questions.column("id").to_pylist()
    param_base = {**params.to_dict(), **extra_params}
    gen_json: dict[tuple[Any, ...], str] = {}  # few distinct (seed, max_tokens, fallback): encode each once
    for k, (req, c) in enumerate(zip(requests, completions)):
        if c.ok:
            parsed = parse_trace(c.text, reasoning_content=c.reasoning_content, finish_reason=c.finish_reason,
                                 prefilled_think=prefilled)
            reasoning, response, flags = parsed.reasoning, parsed.response, parsed.flags
        else:
            reasoning, response, flags = None, None, ["request_failed"]
        fallback = fallbacks[k] if fallbacks is not None else None
        gen_key = (req.effective_seed(), c.max_tokens or params.max_tokens, fallback)
        gen = gen_json.get(gen_key)
        if gen is None:
            # budget_fallback only where a server-side budget was tried: other rows read as before.
            extra = {} if fallback is None else {"budget_fallback": fallback}
            gen = gen_json[gen_key] = stable_json(dict(param_base, seed=gen_key[0], max_tokens=gen_key[1], **extra))
        row = (trace_id(ids[k // n], req.sample_index), req.sample_index, teacher, reasoning, response,
               c.finish_reason, c.prompt_tokens, c.completion_tokens, gen, template.prompt_version, flags, c.error)
        for name, value in zip(_TRACE_COLUMNS, row):
            cols[name].append(value)

    base = questions.take(pa.array([k // n for k in range(len(requests))], pa.int64()))
    for f in TRACE_SCHEMA:
        if f.name in cols:
            arr = pa.array(cols[f.name], f.type)
            if f.name in base.column_names:
                base = base.drop_columns([f.name])  # an input that was already a trace table is regenerated
            base = base.append_column(f, arr)
    return conform(base, TRACE_SCHEMA)


def _generate_with_budget(backend: Backend, requests: list[ChatRequest], store: RequestCache | None, think_budget: int,
                          label: bool | str, stats: RunStats) -> tuple[list[Completion], list[bool | None]]:
    """Budget-forced generation (think ≤ ``think_budget`` tokens, then close and answer), as plain completions,
    with each row's ``budget_fallback`` (a server-side budget not kept: :mod:`naturalthoughts.llm.budget`)."""
    from naturalthoughts.llm.budget import ThinkingBudget, generate

    gens = generate(backend, requests, store, budget=ThinkingBudget(max_think=think_budget), progress=label, stats=stats)
    out = []
    for req, g in zip(requests, gens):
        text = g.output[len(req.assistant_prefix):] if g.output.startswith(req.assistant_prefix) else g.output
        out.append(Completion(text=text, finish_reason=g.finish_reason, completion_tokens=g.completion_tokens,
                              error=g.error, max_tokens=req.params.max_tokens, cached=g.cached))
    return out, [g.budget_fallback for g in gens]


def _make_backend(spec: BackendSpec) -> Backend:
    from naturalthoughts.llm.backends import make_backend

    return make_backend(spec)


def budget_fallback_count(traces: pa.Table) -> int:
    """Rows whose server-side thinking budget was not kept, so the forcing redid them."""
    import json

    return sum(1 for g in traces.column("gen_params").to_pylist() if g and json.loads(g).get("budget_fallback"))


def flag_counts(traces: pa.Table) -> dict[str, int]:
    """Rows per QC flag (every known flag listed, zeros included)."""
    counts = dict.fromkeys(QC_FLAGS, 0)
    for flags in traces.column("qc_flags").to_pylist():
        for f in flags or ():
            counts[f] = counts.get(f, 0) + 1
    return counts


