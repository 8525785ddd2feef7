"""The generate stage's entry point: stream the questions, generate and write shard by shard, resume by shard.

In this process (no executor, or ``--shard I/N`` with the local executor) the questions are read as a stream
and cut into chunks of ``rows_per_shard // n`` questions. Chunk ``i``'s requests go through
:func:`~naturalthoughts.stages.generation.generate.generate_traces` (each completion is in the row cache the
moment it arrives) and its rows (input order × sample index) become shard ``data/part-{i:05d}.parquet``,
renamed into place when complete and recorded in ``_progress.json``
(:mod:`naturalthoughts.core.progress`).
A run killed mid-way and started again with the same config and input keeps its finished shards untouched,
sends no request (not even a cache lookup) for their questions and continues with the first unfinished chunk.
Memory holds one chunk's questions and traces, plus an 8-byte hash per question id for the duplicate check.

With ``--executor ray`` the selected questions go to the executor as one table and the workers write the trace
shards into the stage folder themselves, one per Ray slice (``--ray-batch-size`` questions), so no trace passes
through this process; there is no resume by shard on that path (the row cache still answers every finished
request, so a re-run sends nothing twice).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

import pyarrow as pa

from naturalthoughts.core.datafiles import ShardWriter
from naturalthoughts.core.io import Reject
from naturalthoughts.core.progress import ShardProgress, clear_stage_folder, clear_stage_markers
from naturalthoughts.core.schema import QC_FLAGS, TRACE_SCHEMA
from naturalthoughts.core.store import Manifest, StageOutput, StageTimer, hash_config, hash_input, sum_counts
from naturalthoughts.llm.backends.base import Backend, BackendSpec, SamplingParams
from naturalthoughts.llm.cache import RequestCache, cache_setting
from naturalthoughts.llm.runner import RunStats
from naturalthoughts.stages.generation.generate import (
    STAGE,
    budget_fallback_count,
    flag_counts,
    generate_traces,
    open_cache,
)
from naturalthoughts.stages.generation.pooled import check_pooled, trace_id_hashes, write_pooled
from naturalthoughts.stages.generation.prompts import PromptTemplate, TeacherCarrier, load_template
from naturalthoughts.stages.generation.questions import QuestionStream, load_questions, resolve_input

if TYPE_CHECKING:
    from naturalthoughts.llm.context import RowMapper

DEFAULT_ROWS_PER_SHARD = 1000  # trace rows per output shard: a resume redoes at most this many rows


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
    rows_per_shard: int = DEFAULT_ROWS_PER_SHARD,
    mode_carrier: str = "instruction",
    model_family: str | None = None,
    pool_with: Sequence[str | os.PathLike] = (),
) -> Manifest:
    """Read questions from ``input_path`` (``"sample"`` = bundled pool), generate, write the stage folder.

    The manifest records the backend spec (the API key's variable name only), sampling, template version,
    counts over all shards, resumed ones included (rows, failures, flags, bad input rows by reason, cache
    hits, requests sent, tokens, errors by kind) and timings. Returns it; ``manifest.counts["failed"]`` > 0
    means some rows carry an error. ``executor`` (``--executor/--shard``: an
    :class:`~naturalthoughts.executors.options.ExecutorOptions` or any
    :class:`~naturalthoughts.llm.context.RowMapper`) runs one shard and/or on Ray. ``rows_per_shard``: trace
    rows per output shard (rounded down to whole questions, at least one question), the unit of resume.
    ``mode_carrier``/``model_family``: how a hybrid teacher is asked to think (:class:`TeacherCarrier`);
    ``auto`` reads the teacher's chat template. Any carrier but the default ``instruction`` is recorded in the
    config as ``mode_carrier`` (the default's config, and so its resume identity, stays as before).
    ``pool_with``: existing trace tables (``ingest --traces`` outputs) whose rows are written after the
    generated shards (:mod:`~naturalthoughts.stages.generation.pooled`); counted per input as ``pooled``.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if rows_per_shard < 1:
        raise ValueError(f"rows_per_shard must be at least 1, got {rows_per_shard}")
    tmpl = template if isinstance(template, PromptTemplate) else load_template(template)
    source = resolve_input(input_path)
    in_process = executor is None or not executor.spreads or getattr(executor, "executor", None) == "local"
    if in_process and "," in (spec.base_url or ""):
        raise ValueError(f"the teacher backend lists several endpoints ({spec.base_url}): spreading over "
                         "several endpoints needs --executor ray")
    if not in_process and think_budget:
        raise ValueError("think_budget is not supported with --executor ray or several endpoints yet")
    config: dict[str, Any] = {
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
    carrier = resolve_teacher_carrier(mode_carrier, model_family, spec, backend)
    if mode_carrier != "instruction":
        config["mode_carrier"] = {**carrier.describe(), "requested": mode_carrier}
    job = _Job(source, Path(out_dir), spec, params, n, tmpl, cache, retry_truncated, progress, on_bad_row,
               backend, executor, think_budget, rows_per_shard, config, carrier)
    if pool_with:
        job.pool_with = [str(p) for p in check_pooled(pool_with)]
        config["pool_with"] = [Path(p).name for p in job.pool_with]  # contents are hashed as inputs
    return job.run_in_process() if in_process else job.run_mapped()


class _Job:
    """One generate run's settings and its two ways to execute (here shard by shard, or through a mapper)."""

    def __init__(self, source: Path, out: Path, spec: BackendSpec, params: SamplingParams, n: int,
                 tmpl: PromptTemplate, cache: Any, retry_truncated: bool, progress: bool | str,
                 on_bad_row: str, backend: Backend | None, executor: "RowMapper | None",
                 think_budget: int | None, rows_per_shard: int, config: dict[str, Any],
                 carrier: TeacherCarrier | None = None) -> None:
        self.source, self.out, self.spec, self.params, self.n, self.tmpl = source, out, spec, params, n, tmpl
        self.cache, self.retry_truncated, self.progress = cache, retry_truncated, progress
        self.on_bad_row, self.backend, self.executor = on_bad_row, backend, executor
        self.think_budget, self.config = think_budget, config
        self.rows_per_shard = rows_per_shard
        self.carrier = carrier or TeacherCarrier()
        self.pool_with: list[str] = []
        # A server-side thinking budget is checked per row; rows the forcing had to redo are counted.
        self.server_budget = bool(think_budget and spec.options.get("think_budget_field"))
        self.questions_per_shard = max(1, rows_per_shard // n)
        self.timer = StageTimer()

    def run_in_process(self) -> Manifest:
        identity = {"config_hash": hash_config(self.config), "input_sha256": hash_input(self.source),
                    "questions_per_shard": self.questions_per_shard}
        stream = QuestionStream(self.source, self.on_bad_row)
        if self.on_bad_row == "fail":
            with self.timer("read"):
                stream.validate()  # a bad row stops the run before any request and before the folder changes
        shards = ShardProgress(self.out, identity)
        kept_at_start = len(shards.shards)
        sharded = self.executor is not None and self.executor.shard is not None
        select = self.executor.select if sharded else None
        chunks = _timed(_rechunk(stream.chunks(self.questions_per_shard), self.questions_per_shard, select),
                        self.timer, "read")
        this_run: list[dict[str, Any]] = []  # run statistics of the shards written now
        store, own_cache = open_cache(self.cache)
        teacher = _LazyBackend(self.spec, self.backend)
        try:
            for index, chunk in enumerate(chunks):
                if shards.finished(index, chunk) is None:
                    self._generate_shard(index, chunk, shards, teacher, store, this_run)
        finally:
            teacher.close()
            if own_cache and store is not None:
                store.close()
        resume = {"shards_kept": kept_at_start, "shards_written": len(shards.shards) - kept_at_start,
                  "questions_per_shard": self.questions_per_shard,
                  "run_stats_this_run": sum_counts([RunStats().to_dict(), *this_run])}
        return self._finish(shards.manifest_outputs(), [e["counts"] for e in shards.shards],
                            [e["run_stats"] for e in shards.shards], stream.rejects, resume=resume)

    def _generate_shard(self, index: int, chunk: pa.Table, shards: ShardProgress, teacher: "_LazyBackend",
                        store: RequestCache | None, this_run: list[dict[str, Any]]) -> None:
        stats = RunStats()
        label = self.progress if isinstance(self.progress, str) else (self.progress and f"{STAGE} {index}")
        with self.timer("generate"):
            traces, stats = generate_traces(chunk, self.spec, self.params, n=self.n, template=self.tmpl,
                                            cache=store if store is not None else False,
                                            retry_truncated=self.retry_truncated, progress=label,
                                            backend=teacher.get(), stats=stats,
                                            think_budget=self.think_budget, carrier=self.carrier)
        with self.timer("write"):
            writer = ShardWriter(self.out, rows_per_shard=max(1, traces.num_rows), first_index=index)
            writer.write(traces)
            (entry,) = writer.close()
            counts = {"in": chunk.num_rows, "out": traces.num_rows, "flags": flag_counts(traces)}
            if self.server_budget:
                counts["budget_fallback"] = budget_fallback_count(traces)
            shards.record(index, entry, chunk, counts, stats.to_dict())
        this_run.append(stats.to_dict())

    def run_mapped(self) -> Manifest:
        """The Ray path: the selected questions go to the workers, which write the trace shards themselves."""
        from naturalthoughts.core.datafiles import read_all
        from naturalthoughts.stages.generation.batch import TEACHER, generate_mapped_to_folder

        assert self.executor is not None
        with self.timer("read"):
            questions, rejects = load_questions(self.source, self.on_bad_row)
        resume = None
        if getattr(self.executor, "executor", None) == "ray":  # keeps the finished slices of an identical run
            resume = {"config_hash": hash_config(self.config), "input_sha256": hash_input(self.source)}
            clear_stage_markers(self.out)
        else:
            clear_stage_folder(self.out)
        with self.timer("generate"):
            result = generate_mapped_to_folder(questions, self.out, self.spec, self.params, n=self.n,
                                               template=self.tmpl, cache=self.cache,
                                               retry_truncated=self.retry_truncated, progress=self.progress,
                                               mapper=self.executor,
                                               slice_rows=max(1, self.rows_per_shard // self.n),
                                               carrier=self.carrier, resume=resume)
        flags = read_all([self.out / s["path"] for s in result.shards], ["qc_flags"])
        counts = {"in": result.rows_in, "out": flags.num_rows, "flags": flag_counts(flags)}
        stats = result.stats.get(TEACHER, RunStats())
        return self._finish(result.shards, [counts], [stats.to_dict()], rejects, resume=None)

    def _finish(self, outputs: list[dict[str, Any]], shard_counts: list[dict[str, Any]],
                shard_stats: list[dict[str, Any]], rejects: list[Reject],
                resume: dict[str, Any] | None) -> Manifest:
        executor = self.executor
        if executor is not None and executor.shard is not None and executor.shard.index != 0:
            rejects = []  # bad input rows belong to no --shard: shard 0 records them for the merge
        zero_counts = {"in": 0, "out": 0, "flags": dict.fromkeys(QC_FLAGS, 0)}
        totals = sum_counts([zero_counts, *shard_counts])
        stats = sum_counts([RunStats().to_dict(), *shard_stats])
        counts = {
            "in": totals["in"],
            "requests": stats["requests"],
            "out": totals["out"],
            "failed": stats["failed"],
            "flags": totals["flags"],
            "cache_hits": stats["cache_hits"],
            "sent": stats["sent"],
            "retries": stats["retries"],
            "errors": dict(stats["errors"] or {}),
            "prompt_tokens": stats["prompt_tokens"],
            "completion_tokens": stats["completion_tokens"],
            "rejected": Reject.counts(rejects),
        }
        if self.server_budget:  # rows whose server-side budget was not kept and were forced instead
            counts["budget_fallback"] = totals.get("budget_fallback") or 0
        cache_path, use_cache = cache_setting(self.cache)
        extra = {"run_stats": stats, "cache": str(cache_path) if use_cache else None,
                 **({"executor": executor.manifest_extra()} if executor is not None else {}),
                 "rows_per_shard": self.rows_per_shard, **({"resume": resume} if resume is not None else {})}
        with self.timer("write"):
            output = StageOutput(self.out, keep_shards=True, first_shard=len(outputs), kept=outputs)
            if self.pool_with:
                seen = trace_id_hashes(self.out / o["path"] for o in outputs)
                counts["pooled"] = write_pooled(output, self.pool_with, seen)
            elif not outputs:
                output.write(TRACE_SCHEMA.empty_table())
            output.reject(Reject.table(rejects) if rejects else None)
            return output.finish(stage=STAGE, config=self.config, inputs=[self.source, *self.pool_with],
                                 counts=counts,
                                 timings={**self.timer.timings, "total": self.timer.total()}, extra=extra,
                                 versions=_backend_versions(self.spec.backend))


def resolve_teacher_carrier(carrier: str, family: str | None, spec: BackendSpec,
                            backend: Backend | None = None, mode: str = "think") -> TeacherCarrier:
    """``--mode-carrier``/``--model-family`` resolved (``auto`` reads the teacher's chat template)."""
    from naturalthoughts.core.carriers import resolve_carrier

    text = None
    if carrier == "auto" and family is None:
        from naturalthoughts.llm.backends import chat_template_text, make_backend

        teacher = backend if backend is not None else make_backend(spec)  # backends load their model lazily
        try:
            text = chat_template_text(teacher)
        finally:
            if backend is None:
                teacher.close()
    resolved, family = resolve_carrier(carrier, family=family, template_text=text)
    return TeacherCarrier(resolved, family, mode)


class _LazyBackend:
    """The teacher, built on first use: a re-run whose shards are all finished never loads the model."""

    def __init__(self, spec: BackendSpec, given: Backend | None) -> None:
        self.spec, self.backend, self.own = spec, given, given is None

    def get(self) -> Backend:
        if self.backend is None:
            from naturalthoughts.llm.backends import make_backend

            self.backend = make_backend(self.spec)
        return self.backend

    def close(self) -> None:
        if self.own and self.backend is not None:
            self.backend.close()


def _rechunk(tables: Iterable[pa.Table], size: int,
             select: Callable[[pa.Table], pa.Table] | None = None) -> Iterator[pa.Table]:
    """Non-empty tables of ``size`` rows (the last may be shorter), after ``select`` (``--shard``)."""
    pending: list[pa.Table] = []
    rows = 0
    for table in tables:
        table = select(table) if select is not None else table
        if table.num_rows == 0:
            continue
        if select is None and not pending and table.num_rows <= size:
            yield table  # the stream already cuts chunks of `size`: pass them through without a copy
            continue
        pending.append(table)
        rows += table.num_rows
        while rows >= size:
            whole = pa.concat_tables(pending, promote_options="permissive")
            yield whole.slice(0, size)
            rest = whole.slice(size)
            pending, rows = ([rest] if rest.num_rows else []), rest.num_rows
    if rows:
        yield pa.concat_tables(pending, promote_options="permissive")


def _timed(items: Iterator[Any], timer: StageTimer, phase: str) -> Iterator[Any]:
    """``items`` with the time spent producing each one added to ``timer``'s ``phase``."""
    while True:
        t0 = time.perf_counter()
        try:
            item = next(items)
        except StopIteration:
            return
        finally:
            timer.timings[phase] = timer.timings.get(phase, 0.0) + time.perf_counter() - t0
        yield item




def _backend_versions(backend: str) -> list[str]:
    return {"llamacpp": ["llama_cpp_python"], "openai": ["httpx"], "vllm": ["vllm", "torch"],
            "transformers": ["transformers", "torch"]}.get(backend, [])
