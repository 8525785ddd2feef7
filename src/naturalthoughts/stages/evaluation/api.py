"""``evaluate``: benchmark × modes × budgets × seeds → graded samples, summary, plot, stage folder.

Also ``grade_responses``: the same extraction, grading and summary for outputs produced elsewhere.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from naturalthoughts.core.modes import MODES
from naturalthoughts.core.store import StageTimer, write_stage
from naturalthoughts.llm.backends.base import Backend, BackendSpec, ChatRequest, SamplingParams
from naturalthoughts.llm.budget import Generation, ThinkingBudget, generate
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.llm.extract import Extraction, extract_answer
from naturalthoughts.llm.fingerprint import model_identity
from naturalthoughts.llm.runner import RunStats
from naturalthoughts.stages.evaluation import report
from naturalthoughts.stages.evaluation.benchmarks import LoadedBenchmark, load_benchmark
from naturalthoughts.stages.evaluation.grading import grade
from naturalthoughts.stages.evaluation.items import LETTERS, BenchmarkError, Item, degenerate_gold
from naturalthoughts.stages.evaluation.prompts import Asking

log = logging.getLogger(__name__)

STAGE = "evaluate"


@dataclass(frozen=True)
class Condition:
    """One point of a sweep: a mode, optionally with a thinking budget."""

    mode: str
    budget: ThinkingBudget | None = None
    words: int | None = None

    @property
    def label(self) -> str:
        return self.mode + (f"@{self.budget.label()}" if self.budget else "")


def sweep(modes: Sequence[str], budgets: Sequence[int | ThinkingBudget | None] = (None,), *,
          min_think: int | None = None, words: int | None = None) -> list[Condition]:
    """Conditions for ``modes`` × ``budgets``; budgets apply to the thinking modes only (no-think runs once).

    A budget is a token count B (with ``min_think`` as T) or a full :class:`ThinkingBudget`.
    """
    for mode in modes:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from: {', '.join(MODES)}")
    out = []
    for mode in modes:
        for b in ([None] if mode == "no-think" else list(budgets) or [None]):
            if isinstance(b, ThinkingBudget) or b is None:
                budget = b
            else:
                budget = ThinkingBudget(int(b), min_think=min_think)
            cond = Condition(mode, budget, words if mode == "think" else None)
            if cond not in out:
                out.append(cond)
    return out


def _open_cache(cache: RequestCache | str | os.PathLike | bool | None) -> RequestCache | None:
    if cache is False:
        return None
    if isinstance(cache, RequestCache):
        return cache
    return RequestCache(None if cache in (None, True) else cache)


def grade_sample(item: Item, output: str, *, mode: str | None, finish_reason: str | None = None,
                 reasoning_content: str | None = None, error: str | None = None) -> tuple[Extraction, bool]:
    """Extract and grade one raw output. A think-mode output is read as if ``<think>`` were prefilled."""
    if error is not None:
        return Extraction(None, "error"), False
    ext = extract_answer(output, kind=item.kind, options=item.options, reasoning_content=reasoning_content,
                         finish_reason=finish_reason, prefilled_think=mode == "think")
    return ext, grade(item, ext.answer)


def _token_split(ext: Extraction, total: int) -> tuple[int, int]:
    """(reasoning, answer) tokens estimated from the character shares of the two parts."""
    reasoning, response = len(ext.reasoning or ""), len(ext.response or "")
    if reasoning + response == 0:
        return 0, total
    think = round(total * reasoning / (reasoning + response))
    return think, total - think


def _row(item: Item, seed: int, cond: Condition | None, mode: str | None, condition: str, prompt: str,
         prefix: str, output: str, ext: Extraction, correct: bool, gen: Generation | None,
         finish_reason: str | None = None, error: str | None = None,
         tokens: int | None = None) -> dict[str, Any]:
    total = gen.completion_tokens if gen else (tokens or 0)
    if gen is not None and gen.think_tokens is not None:
        think, answer, estimated = gen.think_tokens, gen.answer_tokens or 0, False
    else:
        (think, answer), estimated = _token_split(ext, total), True
    return {
        "question_id": item.id, "seed": seed, "condition": condition, "mode": mode,
        "budget": cond.budget.max_think if cond and cond.budget else None,
        "min_think": cond.budget.min_think if cond and cond.budget else None,
        "words": cond.words if cond else None, "domain": item.domain, "kind": item.kind,
        "options": list(item.options), "gold": item.gold, "prompt": prompt, "assistant_prefix": prefix,
        "output": output, "extracted": ext.answer, "rule": ext.rule, "correct": bool(correct),
        "unparsed": ext.unparsed, "flags": list(ext.flags), "reasoning_tokens": think,
        "answer_tokens": answer,
        "completion_tokens": total, "tokens_estimated": estimated,
        "finish_reason": gen.finish_reason if gen else finish_reason, "error": gen.error if gen else error,
        "phases": gen.phases if gen else 0, "waits": gen.waits if gen else 0,
        "forced_close": gen.forced_close if gen else False,
        "thought": report.wrote_reasoning(ext.reasoning), "difficulty": item.difficulty or None,
    }


def _budget_list(budget: int | ThinkingBudget | Sequence[int | ThinkingBudget | None] | None
                 ) -> list[int | ThinkingBudget | None]:
    if budget is None:
        return [None]
    return [budget] if isinstance(budget, (int, ThinkingBudget)) else list(budget)


def _condition_requests(loaded: LoadedBenchmark, cond: Condition, *, seeds: int, base_seed: int,
                        params: SamplingParams, asking: Asking = Asking(),
                        ) -> tuple[list[ChatRequest], list[tuple[Item, int, str, str]]]:
    """One chat request per (seed, item) for ``cond``, with what grading needs to know about each.

    The messages, template variables, request fields and assistant prefix come from the shared mode prompt
    (:func:`naturalthoughts.llm.mode_prompt.mode_prompt`), the one build-sft trains the student with.
    """
    requests, meta = [], []
    for k in range(seeds):
        for item in loaded.items:
            shown = item.presented(base_seed + k)
            prompt = asking.prompt(shown, cond.mode, cond.words)
            requests.append(prompt.request(params=params, sample_index=k))
            meta.append((shown, base_seed + k, prompt.user, prompt.assistant_prefix))
    return requests, meta


def _run_condition(backend: Backend, loaded: LoadedBenchmark, cond: Condition, *, seeds: int, base_seed: int,
                   params: SamplingParams, req_cache: RequestCache | None, stats: RunStats, timer: StageTimer,
                   progress: bool, asking: Asking = Asking()) -> list[dict[str, Any]]:
    """Generate and grade every (seed, item) sample of one condition."""
    requests, meta = _condition_requests(loaded, cond, seeds=seeds, base_seed=base_seed, params=params,
                                         asking=asking)
    budget = cond.budget
    if budget is not None and budget.max_think == 0:
        requests, meta, budget = *_closed_at_once(requests, meta), None
    with timer(f"generate {cond.label}"):
        gens = generate(backend, requests, req_cache, budget=budget,
                        progress=f"evaluate {cond.label}" if progress else False, stats=stats)
    rows = []
    for (shown, seed, prompt, prefix), gen in zip(meta, gens):
        ext, ok = grade_sample(shown, gen.output, mode=cond.mode, finish_reason=gen.finish_reason,
                               reasoning_content=gen.reasoning_content, error=gen.error)
        rows.append(_row(shown, seed, cond, cond.mode, cond.label, prompt, prefix, gen.output, ext, ok, gen))
    return rows


# Budget 0: the think block is opened and closed before the model writes anything, so the answer comes with no
# thinking ("no-think by forcing"), whatever the mode's instruction says. Sent once; there is nothing to force.
EMPTY_THINK = "<think>\n\n</think>\n\n"


def _closed_at_once(requests: list[ChatRequest], meta: list[tuple[Item, int, str, str]]
                    ) -> tuple[list[ChatRequest], list[tuple[Item, int, str, str]]]:
    """The requests of a budget-0 condition: the assistant turn starts with an empty, closed think block."""
    return ([replace(r, assistant_prefix=EMPTY_THINK) for r in requests],
            [(shown, seed, prompt, EMPTY_THINK) for shown, seed, prompt, _ in meta])


def _warn_degenerate_gold_per_seed(header: dict[str, Any], loaded: LoadedBenchmark, *, seeds: int,
                                   base_seed: int) -> None:
    """Shuffled benchmarks present other gold letters under other seeds: check those too."""
    for k in range(1, seeds):
        warning = degenerate_gold([it.presented(base_seed + k) for it in loaded.items])
        if warning and warning not in header["warnings"]:
            log.warning("!!! %s (seed %d): %s !!!", loaded.name, base_seed + k, warning)
            header["warnings"] = [*header["warnings"], f"seed {base_seed + k}: {warning}"]


def evaluate(
    spec: BackendSpec | None,
    benchmark: str,
    modes: Sequence[str] = ("no-think", "think", "adaptive"),
    *,
    words: int | None = None,
    budget: int | ThinkingBudget | Sequence[int | ThinkingBudget | None] | None = None,
    min_think: int | None = None,
    seeds: int = 1,
    limit: int | None = None,
    params: SamplingParams | None = None,
    cache: RequestCache | str | os.PathLike | bool | None = None,
    out_dir: str | os.PathLike | None = None,
    backend: Backend | None = None,
    progress: bool = True,
    system_prompt: str | None = None,
    defaults_from: dict[str, Any] | None = None,
    mode_carrier: str = "instruction",
    model_family: str | None = None,
    chat_template_text: str | None = None,
) -> dict[str, Any]:
    """Evaluate a model on a benchmark in each mode (× each budget) over ``seeds`` seeds; return the summary.

    Args:
        spec: which backend and model (``BackendSpec.parse("llamacpp:smollm2-135m")``); ignored when an
            already-built ``backend`` is given (a loaded model reused across calls).
        benchmark: a registered name (``nt-mcq``, ``gpqa-diamond``, ``mmlu-pro``, ``supergpqa``,
            ``math-500``), ``NAME:PATH`` or a file path (see
            :mod:`naturalthoughts.stages.evaluation.benchmarks`).
        modes: any of ``no-think``, ``think``, ``adaptive`` (:mod:`naturalthoughts.core.modes`).
        words: K in the think instruction ("Use about K words"; default 3500).
        budget: thinking budget(s) in tokens; several values sweep; 0 closes the think block before the model
            writes anything (no thinking, by forcing). ``min_think``: "Wait" extension below T.
        seeds: repeats with seeds ``params.seed + i`` (the sample index); shuffled benchmarks (GPQA) also get
            a fresh option order per seed.
        params: decoding (default temperature 0.6, top-p 0.95, max_tokens 1024).
        cache: a RequestCache, a path, None for the default cache, False for none. Re-runs resume from it.
        out_dir: when given, write the stage folder: data.parquet, samples.jsonl, summary.json, summary.md,
            accuracy_vs_tokens.png, frontier.png (accuracy vs tokens, Pareto points marked), manifest.json.
        system_prompt: a system turn before every question (a student trained with one is asked with it).
        defaults_from: which of these settings came from the student's training record (recorded as is).
        mode_carrier, model_family: how the mode reaches the model (:mod:`naturalthoughts.core.carriers`;
            default the paper's appended instruction); ``auto`` reads the family from ``chat_template_text``,
            else from the backend's own chat template.

    The summary's ``failed`` counts samples whose request finally failed (graded wrong); the CLI exits
    non-zero on them unless ``--allow-failures``.
    """
    from naturalthoughts.llm.backends import make_backend

    timer = StageTimer()
    params = params or SamplingParams()
    budgets = _budget_list(budget)
    conditions = sweep(modes, budgets, min_think=min_think, words=words)
    with timer("load"):
        loaded = load_benchmark(benchmark, limit=limit)
    own_backend = backend is None
    if backend is None:
        if spec is None:
            raise ValueError("evaluate needs a BackendSpec or a backend")
        backend = make_backend(spec)
    stats = RunStats()
    base_seed = params.seed or 0
    try:
        asking = _asking(backend, mode_carrier, model_family, system_prompt, chat_template_text)
        rows = _run_conditions(backend, loaded, conditions, cache, seeds=seeds, base_seed=base_seed, params=params,
                               stats=stats, timer=timer, progress=progress, asking=asking)
    finally:
        if own_backend:
            backend.close()
    header = _header(loaded, model=f"{backend.name}:{backend.model_id}", seeds=seeds, base_seed=base_seed)
    _warn_degenerate_gold_per_seed(header, loaded, seeds=seeds, base_seed=base_seed)
    header["run_stats"] = stats.to_dict()
    header["model_identity"] = model_identity(backend)
    header["system_prompt"] = system_prompt
    header["failed"] = sum(r["error"] is not None for r in rows)
    summary = report.summarize(rows, header)
    config = {"backend": spec.to_config() if spec else {"name": backend.name, "model": backend.model_id},
              "model_identity": header["model_identity"], "system_prompt": system_prompt,
              "defaults_from_student": defaults_from, **asking.describe(),
              "benchmark": benchmark, "modes": list(modes), "words": words,
              "budget": [b.__dict__ if isinstance(b, ThinkingBudget) else b for b in budgets],
              "min_think": min_think, "seeds": seeds, "limit": limit, "params": params.to_dict()}
    if out_dir is not None:
        write_outputs(out_dir, rows, summary, config=config, loaded=loaded, timer=timer)
    return summary


def _asking(backend: Backend, carrier: str, family: str | None, system_prompt: str | None,
            template_text: str | None) -> Asking:
    """How this run asks: ``auto`` without a family reads the backend's chat template (its family's switch)."""
    if carrier == "auto" and family is None and template_text is None:
        from naturalthoughts.llm.backends import chat_template_text

        template_text = chat_template_text(backend) or None
    return Asking(carrier, family, system_prompt, template_text).resolved()


def _run_conditions(backend: Backend, loaded: LoadedBenchmark, conditions: list, cache: Any, *, seeds: int,
                    base_seed: int, params: SamplingParams, stats: RunStats, timer: StageTimer, progress: bool,
                    asking: Asking) -> list[dict[str, Any]]:
    """Every condition's graded samples, through one row cache (opened here unless one was given)."""
    req_cache = _open_cache(cache)
    rows: list[dict[str, Any]] = []
    try:
        for cond in conditions:
            rows += _run_condition(backend, loaded, cond, seeds=seeds, base_seed=base_seed, params=params,
                                   req_cache=req_cache, stats=stats, timer=timer, progress=progress,
                                   asking=asking)
    finally:
        if req_cache is not None and not isinstance(cache, RequestCache):
            req_cache.close()  # opened here from a path or the default location
    return rows


def _header(loaded: LoadedBenchmark, *, model: str, seeds: int, base_seed: int) -> dict[str, Any]:
    return {"benchmark": loaded.name, "source": loaded.source, "model": model, "items": len(loaded.items),
            "seeds": seeds, "base_seed": base_seed, "layout": loaded.info.get("layout"),
            "gold_letters": loaded.info.get("gold_letters", {}), "warnings": loaded.info.get("warnings", [])}


def write_outputs(out_dir: str | os.PathLike, rows: list[dict[str, Any]], summary: dict[str, Any], *,
                  config: dict[str, Any], loaded: LoadedBenchmark, timer: StageTimer,
                  inputs: Sequence[str | os.PathLike] = ()) -> None:
    """Write the stage folder (rows as data.parquet and samples.jsonl, summary JSON/MD, plot, manifest)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with timer("report"):
        report.write_samples_jsonl(rows, out / report.SAMPLES_FILE)
        (out / report.SUMMARY_JSON).write_text(json.dumps(summary, indent=2, ensure_ascii=False))
        (out / report.SUMMARY_MD).write_text(report.markdown(summary))
        report.plot(summary, out / report.PLOT_FILE)
        report.frontier_plot(summary, out / report.FRONTIER_FILE)
    counts = {"in": len(loaded.items), "samples": len(rows),
              "unparsed": sum(r["unparsed"] for r in rows),
              "errors": sum(r["error"] is not None for r in rows)}
    write_stage(out, report.samples_table(rows), stage=STAGE, config=config,
                inputs=([loaded.path] if loaded.path else []) + list(inputs), counts=counts,
                timings=timer.timings,
                extra={"summary": summary}, versions=("math-verify", "matplotlib", "llama_cpp_python"),
                side_files=[report.SAMPLES_FILE, report.SUMMARY_JSON, report.SUMMARY_MD, report.PLOT_FILE,
                           report.FRONTIER_FILE])
    log.info("evaluate: wrote %s\n%s", out, report.markdown(summary))


# ----------------------------------------------------------------------------- grading outside outputs

_ID_KEYS = ("question_id", "id")
_OUTPUT_KEYS = ("output", "raw_output", "response", "completion")


def grade_responses(
    benchmark: str,
    responses: str | os.PathLike,
    *,
    mode: str | None = None,
    limit: int | None = None,
    out_dir: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Grade outputs produced elsewhere: one record per line with a question id and the raw output.

    Fields: ``question_id`` (or ``id``), ``output`` (or ``raw_output`` / ``response`` / ``completion``), and
    optionally ``seed`` (default 0; picks the option order of shuffled benchmarks), ``options`` (the option
    list the model saw, for shuffled benchmarks; the gold is found by its text), ``mode`` (``think`` reads the
    output as if ``<think>`` were prefilled), ``condition`` (groups rows in the summary),
    ``reasoning_content``, ``finish_reason``, ``completion_tokens``.
    """
    from naturalthoughts.core.io import RowSink, iter_records

    timer = StageTimer()
    with timer("load"):
        loaded = load_benchmark(benchmark, limit=limit)
    by_id = {it.id: it for it in loaded.items}
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, int, str]] = set()
    with timer("grade"):
        for line, rec in iter_records(responses, RowSink("fail")):
            where = f"{responses}:{line}"
            qid = next((str(rec[k]) for k in _ID_KEYS if rec.get(k) not in (None, "")), None)
            key = next((k for k in _OUTPUT_KEYS if k in rec), None)
            if qid is None or key is None:
                raise BenchmarkError(f"{where}: a response needs a question id ({'/'.join(_ID_KEYS)}) "
                                     f"and the raw output ({'/'.join(_OUTPUT_KEYS)}); "
                                     f"got columns {', '.join(rec)}")
            if qid not in by_id:
                if limit is not None:
                    continue
                raise BenchmarkError(f"{where}: question id {qid!r} is not in benchmark {loaded.name}")
            row_mode = rec.get("mode") or mode
            seed = int(rec.get("seed") or 0)
            condition = str(rec.get("condition") or row_mode or "responses")
            if (qid, seed, condition) in seen:
                raise BenchmarkError(f"{where}: duplicate response for question {qid!r}, seed {seed}, "
                                     f"condition {condition!r}")
            seen.add((qid, seed, condition))
            item = _as_seen(by_id[qid], seed, rec.get("options"), where)
            output = str(rec[key] or "")
            ext, ok = grade_sample(item, output, mode=row_mode, finish_reason=rec.get("finish_reason"),
                                   reasoning_content=rec.get("reasoning_content"))
            tokens = rec.get("completion_tokens")
            rows.append(_row(item, seed, None, row_mode, condition, "", "", output, ext, ok, None,
                             finish_reason=rec.get("finish_reason"), tokens=int(tokens) if tokens else 0))
    if not rows:
        raise BenchmarkError(f"{responses}: no responses")
    answered = {r["question_id"] for r in rows}
    header = _header(loaded, model=f"responses:{Path(str(responses)).name}",
                     seeds=len({r['seed'] for r in rows}), base_seed=0)
    header["missing_responses"] = [it.id for it in loaded.items if it.id not in answered]
    summary = report.summarize(rows, header)
    if out_dir is not None:
        config = {"benchmark": benchmark, "responses": str(responses), "mode": mode, "limit": limit}
        write_outputs(out_dir, rows, summary, config=config, loaded=loaded, timer=timer, inputs=[responses])
    return summary


def _as_seen(item: Item, seed: int, options: Any, where: str) -> Item:
    if item.kind != "mcq":
        return item
    if options is None:
        return item.presented(seed)
    if isinstance(options, str):
        options = json.loads(options)
    options = tuple(str(o).strip() for o in options)
    if sorted(options) != sorted(item.options):
        raise BenchmarkError(f"{where}: 'options' are not a permutation of the benchmark's options "
                             f"for {item.id!r}")
    gold_text = item.options[LETTERS.index(item.gold)]
    return replace(item, options=options, gold=LETTERS[options.index(gold_text)], shuffle=False)


__all__ = ["Condition", "evaluate", "grade_responses", "grade_sample", "sweep"]
