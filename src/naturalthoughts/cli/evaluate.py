"""``naturalthoughts evaluate``: a thin layer over :func:`naturalthoughts.stages.evaluation.api.evaluate`."""

from __future__ import annotations

import argparse
import sys

from naturalthoughts.cli.common import (
    add_backend_args,
    add_cache_arg,
    add_deprecated_alias,
    add_mode_carrier_flags,
    add_sampling_args,
)

HELP = "evaluate a model on GPQA-Diamond / MMLU-Pro / SuperGPQA / MATH-500 / nt-mcq in no-think, think, adaptive modes"
DESCRIPTION = """\
Evaluate a model in the paper's thinking modes, optionally under thinking budgets, over several seeds.

  naturalthoughts evaluate --model llamacpp:smollm2-135m --benchmark nt-mcq \\
      --mode no-think,think --think-budget 256,1024 --num-seeds 3 --out runs/eval

--model BACKEND:MODEL[@URL] picks the backend too: llamacpp:smollm2-135m, openai:NAME@http://127.0.0.1:8000/v1,
vllm:HF_ID, transformers:PATH (or use --backend and --model separately).

Benchmarks: nt-mcq (embedded, 48 questions), gpqa-diamond, mmlu-pro, supergpqa, math-500 (hub when
reachable), NAME:PATH for a local copy of an official release (e.g. gpqa-diamond:gpqa_diamond.csv), or any
JSONL/CSV/Parquet file (generic layouts: question + options/A..J + answer letter, or question + answer).

Outputs in --out: samples.jsonl and data.parquet (one row per question x seed x condition), summary.json,
summary.md (accuracy mean ± std over seeds, think rate, unparsed rate, mean thinking/answer tokens, Pareto
marks, per-domain and per-difficulty results), accuracy_vs_tokens.png, frontier.png (accuracy vs total tokens
over every mode x budget, Pareto-efficient points marked), manifest.json. Re-running the same command
resumes from the row cache.
--responses FILE grades outputs produced elsewhere (question_id + output per line) without generating.
"""


def _int_list(text: str) -> list[int | None]:
    """``256,1024,none``: token budgets; ``none``/``off`` is an unbudgeted run, ``0`` closes thinking at once."""
    out: list[int | None] = []
    for part in text.split(","):
        part = part.strip().lower()
        if part in ("none", "off"):
            out.append(None)
        elif part:
            out.append(int(part))
    return out


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--benchmark", default="nt-mcq", metavar="NAME_OR_FILE",
                   help="nt-mcq (default), gpqa-diamond, mmlu-pro, supergpqa, math-500, NAME:PATH or a file")
    p.add_argument("--mode", default="no-think,think,adaptive",
                   help="comma-separated modes: no-think, think, adaptive (default: all three)")
    words = p.add_argument("--think-words", dest="words", type=int, default=None, metavar="K",
                           help="K in the think instruction 'Use about K words' (default: the K a trained "
                                "student was trained with, else 3500, the paper's value)")
    add_deprecated_alias(p, "--words", words)
    # --budgets is the spelling of the sweep (--budgets 0,512,1024); both take a comma list.
    budget = p.add_argument("--think-budget", "--budgets", dest="budget", type=_int_list, default=None,
                            metavar="TOKENS[,TOKENS...]",
                            help="thinking budget(s) in tokens: stop thinking at B, close </think>, force the answer; "
                                 "several values sweep (think and adaptive; no-think runs once); 0 closes the think "
                                 "block before the model writes (no thinking, by forcing); 'none' adds an "
                                 "unbudgeted run")
    add_deprecated_alias(p, "--budget", budget)
    p.add_argument("--min-think", type=int, default=None, metavar="T",
                   help="with --think-budget: when thinking ends before T tokens, append 'Wait' and continue (s1)")
    seeds = p.add_argument("--num-seeds", dest="seeds", type=int, default=1, metavar="N",
                           help="repeats with seeds seed..seed+N-1 (default 1)")
    add_deprecated_alias(p, "--seeds", seeds)
    p.add_argument("--limit", type=int, default=None, help="first N questions only")
    p.add_argument("--responses", default=None, metavar="FILE",
                   help="grade these outputs (question_id + output per line) instead of generating")
    p.add_argument("--system-prompt", default=None, metavar="TEXT",
                   help="system turn before every question (default: the one a trained student was "
                        "trained with)")
    p.add_argument("--allow-failures", action="store_true",
                   help="exit 0 even when requests finally failed (they count as wrong answers); by default "
                        "the command exits 1 so that `run` retries them")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    add_backend_args(p)
    # The brief's short form: --model llamacpp:smollm2-135m / openai:MODEL@URL / transformers:PATH.
    add_sampling_args(p, max_tokens=1024, with_n=False)
    add_cache_arg(p)
    add_mode_carrier_flags(p)
    # None = not given: a trained student is then asked through the carrier it was trained with.
    p.set_defaults(mode_carrier=None)


def spec_from_args(args: argparse.Namespace):
    from naturalthoughts.cli.common import backend_spec_from_args
    from naturalthoughts.llm.backends.base import BackendSpec

    spec = backend_spec_from_args(args)
    if ":" in spec.model and spec.model.split(":", 1)[0] in _backend_names():
        parsed = BackendSpec.parse(spec.model)
        spec.backend, spec.model = parsed.backend, parsed.model
        spec.base_url = parsed.base_url or spec.base_url
    return spec


def _backend_names() -> list[str]:
    from naturalthoughts.llm.backends import BACKENDS

    return list(BACKENDS)


def main(args: argparse.Namespace) -> int:
    from naturalthoughts.cli.common import sampling_from_args
    from naturalthoughts.stages.evaluation.api import evaluate, grade_responses
    from naturalthoughts.stages.evaluation.items import BenchmarkError
    from naturalthoughts.stages.evaluation.report import markdown

    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    try:
        if args.responses:
            summary = grade_responses(args.benchmark, args.responses, mode=modes[0] if len(modes) == 1 else None,
                                      limit=args.limit, out_dir=args.out)
        else:
            spec = spec_from_args(args)
            words, system_prompt, taken = student_defaults(spec.model, args.words, args.system_prompt)
            carrier, family, taken_carrier = carrier_defaults(spec.model, args.mode_carrier, args.model_family)
            taken.update(taken_carrier)
            summary = evaluate(spec, args.benchmark, modes, words=words, budget=args.budget,
                               min_think=args.min_think, seeds=args.seeds, limit=args.limit,
                               params=sampling_from_args(args), cache=args.cache, out_dir=args.out,
                               system_prompt=system_prompt, defaults_from=taken or None,
                               mode_carrier=carrier, model_family=family)
    except (BenchmarkError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(markdown(summary))
    failed = summary.get("failed") or 0
    if failed:
        errors = (summary.get("run_stats") or {}).get("errors") or {}
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
        samples = sum(c["samples"] for c in summary["conditions"])
        advice = "" if args.allow_failures else ("Re-run to retry only them (the rest come from the row "
                                                 "cache), or pass --allow-failures to accept them.")
        print(f"{'warning' if args.allow_failures else 'error'}: {failed} of {samples} samples failed "
              f"({kinds or 'see samples.jsonl'}); they count as wrong answers. {advice}", file=sys.stderr)
        if not args.allow_failures:
            return 1
    return 0


def student_defaults(model: str, words: int | None,
                     system_prompt: str | None) -> tuple[int | None, str | None, dict]:
    """K and the system prompt a trained student was trained with, unless given; printed when taken.

    Returns (K, system prompt, what was taken from the student's ``naturalthoughts-student.json``).
    """
    from naturalthoughts.llm.student import trained_with

    strings = ((trained_with(model) or {}).get("sft_strings")) or {}
    taken: dict = {}
    if words is None and strings.get("think_words"):
        words = taken["think_words"] = int(strings["think_words"])
        print(f"evaluate: K = {words} ('Use about {words} words'), as the student was trained with",
              file=sys.stderr)
    if system_prompt is None and strings.get("system_prompt"):
        system_prompt = taken["system_prompt"] = strings["system_prompt"]
        print(f"evaluate: system prompt {system_prompt!r}, as the student was trained with", file=sys.stderr)
    return words, system_prompt, taken


def carrier_defaults(model: str, carrier: str | None, family: str | None) -> tuple[str, str | None, dict]:
    """The mode carrier and model family: as given, else as the student was trained (build-sft's strings), else
    the paper's instruction. Returns (carrier, family, what was taken from the student)."""
    from naturalthoughts.llm.student import trained_with

    strings = ((trained_with(model) or {}).get("sft_strings")) or {}
    taken: dict = {}
    if carrier is None and strings.get("mode_carrier"):
        carrier = taken["mode_carrier"] = strings["mode_carrier"]
        if family is None and strings.get("model_family"):
            family = taken["model_family"] = strings["model_family"]
        if carrier != "instruction":
            print(f"evaluate: mode carrier {carrier} ({family}), as the student was trained with", file=sys.stderr)
    return carrier or "instruction", family, taken

