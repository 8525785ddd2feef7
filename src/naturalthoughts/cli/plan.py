"""``naturalthoughts plan``: tokens, GPU-hours, time and cost of a pipeline at a target size."""

from __future__ import annotations

import argparse
import sys

HELP = "estimate tokens, GPU-hours, time and cost for a target pool/selection size (from a run or given figures)"
DESCRIPTION = """\
Print a Markdown table of requests, input/output tokens, GPU-hours, wall-clock time and cost (self-hosted GPU
price and/or API price per million input/output tokens) for generating, annotating and training at a target size.
Per-row figures come from --run (a run folder or stage folder: tokens per trace, prompt tokens, judge calls per
row and throughput measured there), are overridden by the options given, and default to the paper's
(DeepSeek-R1 traces average 4,430 tokens). Every figure's source is listed under the table.

example (the paper's scale; throughput and prices are illustrative):
  naturalthoughts plan --pool 2800000 --traces 500000 --tokens-per-trace 4430 --judge-calls-per-row 3 \\
      --throughput-tokens-per-s 2500 --gpus 32 --gpu-hour-price 3.50 --price-in-per-m 0.55 --price-out-per-m 2.19
  naturalthoughts plan --run runs/quickstart --traces 10000
"""

# option -> PlanInputs field, with its type
_FIGURES = {
    "pool": int, "traces": int, "generate": int, "samples_per_question": int, "prompt_tokens": float,
    "tokens_per_trace": float, "judge_calls_per_row": float, "judge_prompt_tokens": float,
    "judge_output_tokens": float, "throughput_tokens_per_s": float, "judge_throughput_tokens_per_s": float,
    "prefill_speedup": float, "gpus": int, "gpu_hour_price": float, "price_in_per_m": float,
    "price_out_per_m": float, "judge_price_in_per_m": float, "judge_price_out_per_m": float, "epochs": float,
    "train_tokens_per_s_per_gpu": float,
}
_HELP = {
    "pool": "questions in the pool (default 2,800,000: NaturalReasoning)",
    "traces": "traces selected for training (default 500,000)",
    "generate": "questions sent to the teacher (default: --traces; more when selecting after generation)",
    "samples_per_question": "teacher samples per question (default 1)",
    "prompt_tokens": "teacher prompt tokens per request (default 100, or measured)",
    "tokens_per_trace": "generated tokens per trace (default 4,430: DeepSeek-R1, or measured)",
    "judge_calls_per_row": "LLM-judge calls per trace (e.g. 3: domain, strategies, verbosity; default 0 or measured)",
    "judge_prompt_tokens": "input tokens per judge call (default: prompt + trace + 300)",
    "judge_output_tokens": "output tokens per judge call (default 150)",
    "throughput_tokens_per_s": "teacher generated tokens/s per GPU at full batch (or measured)",
    "judge_throughput_tokens_per_s": "judge generated tokens/s per GPU (default: the teacher's)",
    "prefill_speedup": "how many times faster prompt tokens are processed than generated (default 10)",
    "gpus": "GPUs working in parallel (wall-clock = GPU-hours / GPUs; default 1)",
    "gpu_hour_price": "price of one GPU-hour",
    "price_in_per_m": "API price per million input tokens (teacher)",
    "price_out_per_m": "API price per million output tokens (teacher)",
    "judge_price_in_per_m": "judge API price per million input tokens (default: the teacher's)",
    "judge_price_out_per_m": "judge API price per million output tokens (default: the teacher's)",
    "epochs": "training epochs (default 8: the paper's for 100k/500k)",
    "train_tokens_per_s_per_gpu": "training throughput in tokens/s per GPU",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", default=None, metavar="RUN_OR_STAGE_DIR",
                   help="read measured figures from a run folder or a generate/annotate stage folder")
    for name, typ in _FIGURES.items():
        p.add_argument("--" + name.replace("_", "-"), dest=name, type=typ, default=None, help=_HELP[name])


def main(args: argparse.Namespace) -> int:
    from naturalthoughts.stages.reporting.plan import build_inputs, make_plan, render_markdown

    given = {name: getattr(args, name) for name in _FIGURES}
    try:
        inputs, sources = build_inputs(given, args.run)
        plan = make_plan(inputs, sources)
    except (ValueError, FileNotFoundError) as exc:
        print(f"plan: {exc}", file=sys.stderr)
        return 2
    print(render_markdown(plan))
    return 0
