"""The generate stage's entry point: read questions, generate (here or through a RowMapper), write the folder."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from naturalthoughts.core.io import Reject
from naturalthoughts.core.store import Manifest, StageTimer, write_stage
from naturalthoughts.llm.backends.base import Backend, BackendSpec, SamplingParams
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.llm.runner import RunStats
from naturalthoughts.stages.generation.generate import STAGE, flag_counts, generate_traces
from naturalthoughts.stages.generation.prompts import PromptTemplate, load_template
from naturalthoughts.stages.generation.questions import load_questions, resolve_input

if TYPE_CHECKING:
    from naturalthoughts.llm.context import RowMapper


def run_generate(
    input_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    spec: BackendSpec,
    params: SamplingParams,
    *,
    n: int = 1,
    template: str | PromptTemplate = "teacher-default",
    cache: RequestCache | str | os.PathLike | None | bool = None,
    retry_truncated: bool = False,
    progress: bool | str = True,
    on_bad_row: str = "fail",
    backend: Backend | None = None,
    executor: "RowMapper | None" = None,
    think_budget: int | None = None,
) -> Manifest:
    """Read questions from ``input_path`` (``"sample"`` = bundled pool), generate, write the stage folder.

    The manifest records the backend spec (the API key's variable name only), sampling, template version, counts
    (rows, failures, flags, bad input rows by reason), the run statistics (cache hits, retries, tokens, errors by
    kind) and timings. Returns it; ``manifest.counts["failed"]`` > 0 means some rows carry an error.
    ``executor`` (``--executor/--shard``: an :class:`~naturalthoughts.executors.options.ExecutorOptions` or any
    :class:`~naturalthoughts.llm.context.RowMapper`) runs one shard and/or on Ray.
    """
    timer = StageTimer()
    tmpl = template if isinstance(template, PromptTemplate) else load_template(template)
    source = resolve_input(input_path)
    with timer("read"):
        questions, rejects = load_questions(source, on_bad_row)
    stats = RunStats()
    with timer("generate"):
        plain = executor is None or not executor.spreads
        if plain and "," in (spec.base_url or ""):
            raise ValueError(f"the teacher backend lists several endpoints ({spec.base_url}): spreading over "
                             "several endpoints needs --executor ray")
        if plain:
            traces, stats = generate_traces(questions, spec, params, n=n, template=tmpl, cache=cache,
                                            retry_truncated=retry_truncated, progress=progress, backend=backend,
                                            stats=stats, think_budget=think_budget)
        elif think_budget:
            raise ValueError("think_budget is not supported with --executor/--shard or several endpoints yet")
        else:
            from naturalthoughts.stages.generation.batch import generate_mapped

            questions, traces, stats = generate_mapped(questions, spec, params, n=n, template=tmpl, cache=cache,
                                                       retry_truncated=retry_truncated, progress=progress,
                                                       mapper=executor)
    cache_path = cache.path if isinstance(cache, RequestCache) else (None if cache is False else cache)
    if cache_path is None and cache is not False:
        from naturalthoughts.llm.cache import default_cache_path

        cache_path = default_cache_path()
    config = {
        "backend": spec.to_config(),
        "sampling": params.to_dict(),
        "n": n,
        "template": tmpl.prompt_version,
        "assistant_prefix": tmpl.assistant_prefix,
        "retry_truncated": retry_truncated,
        "think_budget": think_budget,
    }
    if executor is not None and executor.shard is not None:
        config["shard"] = executor.shard.to_config()
        if executor.shard.index != 0:
            rejects = []  # bad input rows belong to no shard: shard 0 records them, so a merge counts them once
    counts = {
        "in": questions.num_rows,
        "requests": len(traces),
        "out": traces.num_rows,
        "failed": stats.failed,
        "flags": flag_counts(traces),
        "cache_hits": stats.cache_hits,
        "sent": stats.sent,
        "retries": stats.retries,
        "errors": dict(stats.errors),
        "prompt_tokens": stats.prompt_tokens,
        "completion_tokens": stats.completion_tokens,
        "rejected": Reject.counts(rejects),
    }
    with timer("write"):
        manifest = write_stage(out_dir, traces, stage=STAGE, config=config, inputs=[source], counts=counts,
                               rejects=Reject.table(rejects) if rejects else None,
                               timings={**timer.timings, "total": timer.total()},
                               extra={"run_stats": stats.to_dict(), "cache": str(cache_path) if cache_path else None,
                                      **({"executor": executor.manifest_extra()} if executor else {})},
                               versions=_backend_versions(spec.backend))
    return manifest


def _backend_versions(backend: str) -> list[str]:
    return {"llamacpp": ["llama_cpp_python"], "openai": ["httpx"], "vllm": ["vllm", "torch"],
            "transformers": ["transformers", "torch"]}.get(backend, [])
