"""Cost plan: tokens, GPU-hours, wall-clock time and money for a pipeline at a target size.

A plan multiplies per-row figures (tokens per trace, prompt tokens, judge calls per row, throughput) by the target
counts. Each figure comes from, in order of precedence: a value given on the command line, a run's measured
statistics (generate and annotate manifests and data), or the paper's default (DeepSeek-R1 traces average 4,430
tokens, PAPER.md §2). The output names the source of every figure, so a reader can check the arithmetic.

Model (deliberately simple, stated in the output):

* generate: ``requests = generate × samples``; input tokens = requests × prompt tokens; output tokens = requests ×
  tokens per trace.
* annotate (LLM judges): calls = requests × judge calls per row; each call reads the trace plus instructions and
  writes a short verdict.
* train: tokens = traces × (prompt + trace tokens) × epochs.
* GPU seconds = output tokens / decode throughput + input tokens / (decode throughput × prefill speed-up), per GPU;
  wall-clock = GPU-hours / GPUs. API cost = input M tokens × input price + output M tokens × output price.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PAPER_TOKENS_PER_TRACE = 4430  # DeepSeek-R1 on 1k NaturalReasoning questions (PAPER.md §2)
PAPER_POOL = 2_800_000
PAPER_TRACES = 500_000
PAPER_EPOCHS_500K = 8  # PAPER.md §6


@dataclass(frozen=True)
class PlanInputs:
    """Target sizes and per-row figures. ``None`` means "not known": dependent columns print "—"."""

    pool: int = PAPER_POOL
    traces: int = PAPER_TRACES  # selected traces the student trains on
    generate: int | None = None  # questions sent to the teacher (default: traces; larger when selecting after)
    samples_per_question: int = 1
    prompt_tokens: float = 100.0  # ~55-word question (PAPER.md §2) + prompt template
    tokens_per_trace: float = PAPER_TOKENS_PER_TRACE
    judge_calls_per_row: float = 0.0
    judge_prompt_tokens: float | None = None  # default: prompt + trace + 300 instruction tokens
    judge_output_tokens: float = 150.0
    throughput_tokens_per_s: float | None = None  # teacher: generated tokens/s per GPU (batch aggregate)
    judge_throughput_tokens_per_s: float | None = None  # default: the teacher's
    prefill_speedup: float = 10.0  # prompt tokens are processed this many times faster than generated ones
    gpus: int = 1
    gpu_hour_price: float | None = None
    price_in_per_m: float | None = None  # API price per million input tokens (teacher)
    price_out_per_m: float | None = None
    judge_price_in_per_m: float | None = None  # default: the teacher's prices
    judge_price_out_per_m: float | None = None
    epochs: float = PAPER_EPOCHS_500K
    train_tokens_per_s_per_gpu: float | None = None

    @property
    def generate_count(self) -> int:
        return self.generate if self.generate is not None else self.traces


@dataclass
class PlanRow:
    step: str
    requests: float
    input_tokens: float
    output_tokens: float
    gpu_hours: float | None
    wall_hours: float | None
    gpu_cost: float | None
    api_cost: float | None


@dataclass
class Plan:
    inputs: PlanInputs
    rows: list[PlanRow]
    sources: dict[str, str] = field(default_factory=dict)  # figure -> where it came from
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> PlanRow:
        def add(values: list[float | None]) -> float | None:
            return None if any(v is None for v in values) else sum(v for v in values if v is not None)

        llm_rows = [r for r in self.rows if not r.step.startswith("train")]  # training has no API price
        return PlanRow("total", sum(r.requests for r in self.rows), sum(r.input_tokens for r in self.rows),
                       sum(r.output_tokens for r in self.rows), add([r.gpu_hours for r in self.rows]),
                       add([r.wall_hours for r in self.rows]), add([r.gpu_cost for r in self.rows]),
                       add([r.api_cost for r in llm_rows]))


def _gpu_hours(input_tokens: float, output_tokens: float, throughput: float | None, prefill_speedup: float) -> float | None:
    if not throughput:
        return None
    return (output_tokens / throughput + input_tokens / (throughput * prefill_speedup)) / 3600.0


def _api_cost(input_tokens: float, output_tokens: float, price_in: float | None, price_out: float | None) -> float | None:
    if price_in is None or price_out is None:
        return None
    return input_tokens / 1e6 * price_in + output_tokens / 1e6 * price_out


def make_plan(inp: PlanInputs, sources: dict[str, str] | None = None) -> Plan:
    """Compute the plan's rows (generate, annotate when there are judge calls, train)."""
    if inp.generate_count < inp.traces:
        raise ValueError(f"cannot select {inp.traces:,} traces from {inp.generate_count:,} generated ones")
    if inp.generate_count > inp.pool:
        raise ValueError(f"{inp.generate_count:,} generations exceed the pool of {inp.pool:,} questions")
    requests = float(inp.generate_count * inp.samples_per_question)
    rows: list[PlanRow] = []

    def row(step: str, n: float, tin: float, tout: float, gpu_h: float | None, api: float | None) -> PlanRow:
        wall = gpu_h / inp.gpus if gpu_h is not None else None
        cost = gpu_h * inp.gpu_hour_price if gpu_h is not None and inp.gpu_hour_price is not None else None
        return PlanRow(step, n, tin, tout, gpu_h, wall, cost, api)

    tin, tout = requests * inp.prompt_tokens, requests * inp.tokens_per_trace
    rows.append(row("generate (teacher)", requests, tin, tout,
                    _gpu_hours(tin, tout, inp.throughput_tokens_per_s, inp.prefill_speedup),
                    _api_cost(tin, tout, inp.price_in_per_m, inp.price_out_per_m)))
    if inp.judge_calls_per_row:
        calls = requests * inp.judge_calls_per_row
        per_call_in = (inp.judge_prompt_tokens if inp.judge_prompt_tokens is not None
                       else inp.prompt_tokens + inp.tokens_per_trace + 300)
        jin, jout = calls * per_call_in, calls * inp.judge_output_tokens
        thr = inp.judge_throughput_tokens_per_s or inp.throughput_tokens_per_s
        rows.append(row("annotate (LLM judges)", calls, jin, jout, _gpu_hours(jin, jout, thr, inp.prefill_speedup),
                        _api_cost(jin, jout, inp.judge_price_in_per_m if inp.judge_price_in_per_m is not None else inp.price_in_per_m,
                                  inp.judge_price_out_per_m if inp.judge_price_out_per_m is not None else inp.price_out_per_m)))
    train_tokens = inp.traces * (inp.prompt_tokens + inp.tokens_per_trace) * inp.epochs
    train_h = train_tokens / inp.train_tokens_per_s_per_gpu / 3600.0 if inp.train_tokens_per_s_per_gpu else None
    rows.append(row(f"train ({inp.epochs:g} epochs)", float(inp.traces), train_tokens, 0.0, train_h, None))
    plan = Plan(inp, rows, dict(sources or {}))
    plan.notes.append(f"{inp.generate_count:,} of {inp.pool:,} pool questions sent to the teacher "
                      f"(× {inp.samples_per_question} sample(s)); {inp.traces:,} traces selected for training")
    if inp.throughput_tokens_per_s is None:
        plan.notes.append("no throughput given or measured: GPU-hours and time left blank (--throughput-tokens-per-s)")
    return plan


# ------------------------------------------------------------------------------------------ from a run
def _stage_dirs(run: Path) -> dict[str, Path]:
    """The newest stage folder of each stage under ``run`` (or ``run`` itself when it is a stage folder)."""
    from naturalthoughts.core.store import MANIFEST_FILE, Manifest

    candidates = [run] if (run / MANIFEST_FILE).exists() else []
    if not candidates:
        candidates = sorted({p.parent for depth in ("*", "*/*", "*/*/*") for p in run.glob(f"{depth}/{MANIFEST_FILE}")},
                            key=lambda p: (p / MANIFEST_FILE).stat().st_mtime)
    found: dict[str, Path] = {}
    for d in candidates:
        try:
            found[Manifest.load(d).stage] = d  # later (newer) folders win
        except (OSError, ValueError, TypeError):
            continue
    return found


def figures_from_run(run: str | os.PathLike) -> tuple[dict[str, float], dict[str, str]]:
    """Per-row figures measured in a run: tokens per trace, prompt tokens, throughput, judge calls per row.

    Reads a generate folder's data (``prompt_tokens``/``completion_tokens`` columns) and run statistics, and an
    annotate folder's LLM-call statistics. Returns ``(figures, sources)``; figures it cannot measure are absent.
    """
    from naturalthoughts.core.store import Manifest, read_table

    run = Path(run)
    if not run.exists():
        raise FileNotFoundError(f"{run}: no such run or stage folder")
    stages = _stage_dirs(run)
    if not stages:
        raise FileNotFoundError(f"{run}: no stage folder (manifest.json) found")
    figures: dict[str, float] = {}
    sources: dict[str, str] = {}
    gen = stages.get("generate")
    if gen is not None:
        t = read_table(gen, columns=["prompt_tokens", "completion_tokens", "error"])
        ok = t.filter(t.column("error").is_null()) if t.num_rows else t
        prompt = [v for v in ok.column("prompt_tokens").to_pylist() if v is not None]
        completion = [v for v in ok.column("completion_tokens").to_pylist() if v is not None]
        if completion:
            figures["tokens_per_trace"] = sum(completion) / len(completion)
            sources["tokens_per_trace"] = f"measured: {gen} ({len(completion)} traces)"
        if prompt:
            figures["prompt_tokens"] = sum(prompt) / len(prompt)
            sources["prompt_tokens"] = f"measured: {gen}"
        stats = Manifest.load(gen).extra.get("run_stats") or {}
        if stats.get("sent") and stats.get("seconds") and not stats.get("cache_hits"):
            figures["throughput_tokens_per_s"] = stats["completion_tokens"] / stats["seconds"]
            sources["throughput_tokens_per_s"] = f"measured: {gen} (this run's hardware and model)"
    ann = stages.get("annotate")
    if ann is not None:
        m = Manifest.load(ann)
        rows = m.counts.get("in") or m.counts.get("out") or 0
        calls = prompt_t = out_t = 0
        for entry in (m.extra.get("annotators") or {}).values():
            llm = entry.get("llm_calls") or {}
            calls += llm.get("requests", 0)
            prompt_t += llm.get("prompt_tokens", 0)
            out_t += llm.get("completion_tokens", 0)
        if rows:
            figures["judge_calls_per_row"] = calls / rows
            sources["judge_calls_per_row"] = f"measured: {ann} ({calls} calls / {rows} rows)"
        if calls:
            figures["judge_prompt_tokens"] = prompt_t / calls
            figures["judge_output_tokens"] = out_t / calls
            sources["judge_prompt_tokens"] = sources["judge_output_tokens"] = f"measured: {ann}"
    return figures, sources


def build_inputs(given: dict[str, Any], run: str | os.PathLike | None = None) -> tuple[PlanInputs, dict[str, str]]:
    """Figures given (non-None values win) over a run's measurements over the defaults, with their sources."""
    measured, sources = figures_from_run(run) if run else ({}, {})
    names = {f.name for f in fields(PlanInputs)}
    unknown = set(given) - names
    if unknown:
        raise ValueError(f"unknown plan figures: {', '.join(sorted(unknown))}")
    inp = replace(PlanInputs(), **{k: v for k, v in measured.items() if k in names})
    chosen = {k: v for k, v in given.items() if v is not None}
    inp = replace(inp, **chosen)
    for k in chosen:
        sources[k] = "given"
    for k in ("tokens_per_trace", "prompt_tokens"):
        if k not in sources:
            sources[k] = "paper: DeepSeek-R1 average, PAPER.md §2" if k == "tokens_per_trace" else "default: 55-word question + template"
    if "pool" not in sources:
        sources["pool"] = "paper: NaturalReasoning (PAPER.md §2)"
    if "traces" not in sources:
        sources["traces"] = "paper's largest selection"
    if "epochs" not in sources:
        sources["epochs"] = "paper: epochs at 100k/500k, PAPER.md §6"
    return inp, sources


# ----------------------------------------------------------------------------------------- rendering
def human(n: float | None) -> str:
    """12_345_678 -> '12.3 M' (k, M, B, T)."""
    if n is None:
        return "—"
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= div:
            return f"{n / div:,.{3 if div >= 1e9 else 1}f} {unit}"
    return f"{n:,.0f}"


def money(x: float | None) -> str:
    return "—" if x is None else f"${x:,.0f}" if x >= 1000 else f"${x:,.2f}"


def duration(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours >= 48:
        return f"{hours / 24:,.1f} d"
    if hours >= 1:
        return f"{hours:,.1f} h"
    return f"{hours * 60:,.1f} min"


def render_markdown(plan: Plan) -> str:
    """The plan as a Markdown table, then the figures used and their sources."""
    inp = plan.inputs
    lines = [
        f"| step | requests | input tokens | output tokens | GPU-hours | time on {inp.gpus} GPU{'s' if inp.gpus != 1 else ''} "
        f"| GPU cost | API cost |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*plan.rows, plan.total]:
        name = f"**{r.step}**" if r.step == "total" else r.step
        gpu_h = "—" if r.gpu_hours is None else f"{r.gpu_hours:,.1f}"
        lines.append(f"| {name} | {human(r.requests)} | {human(r.input_tokens)} | {human(r.output_tokens)} | {gpu_h} "
                     f"| {duration(r.wall_hours)} | {money(r.gpu_cost)} | {money(r.api_cost)} |")
    lines += ["", "Figures used:"]
    shown = [
        ("pool", f"{inp.pool:,} questions"), ("traces", f"{inp.traces:,} selected traces"),
        ("generate", f"{inp.generate_count:,} questions to the teacher × {inp.samples_per_question}"),
        ("tokens_per_trace", f"{inp.tokens_per_trace:,.0f} tokens per trace"),
        ("prompt_tokens", f"{inp.prompt_tokens:,.0f} prompt tokens per request"),
        ("judge_calls_per_row", f"{inp.judge_calls_per_row:g} judge calls per trace"),
        ("throughput_tokens_per_s", "—" if inp.throughput_tokens_per_s is None
         else f"{inp.throughput_tokens_per_s:,.0f} generated tokens/s per GPU (prefill {inp.prefill_speedup:g}× faster)"),
        ("gpu_hour_price", "—" if inp.gpu_hour_price is None else f"${inp.gpu_hour_price:g} per GPU-hour"),
        ("price_in_per_m", "—" if inp.price_in_per_m is None
         else f"API ${inp.price_in_per_m:g} / ${inp.price_out_per_m:g} per M input / output tokens"),
        ("epochs", f"{inp.epochs:g} epochs"),
        ("train_tokens_per_s_per_gpu", "—" if inp.train_tokens_per_s_per_gpu is None
         else f"{inp.train_tokens_per_s_per_gpu:,.0f} training tokens/s per GPU"),
    ]
    for key, text in shown:
        if text == "—":
            continue
        src = plan.sources.get(key, "default")
        lines.append(f"- {text} ({src})")
    lines += [f"- {n}" for n in plan.notes]
    return "\n".join(lines)

