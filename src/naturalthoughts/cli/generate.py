"""``naturalthoughts generate``: a thin CLI over :func:`naturalthoughts.stages.generation.generate.run_generate`."""

from __future__ import annotations

import argparse
import sys

from naturalthoughts.cli.common import (
    add_backend_args,
    add_bad_row_arg,
    add_cache_arg,
    add_io_args,
    add_mode_carrier_flags,
    add_sampling_args,
    backend_spec_from_args,
    sampling_from_args,
)
from naturalthoughts.executors.options import add_executor_args, executor_options_from_args

HELP = "generate teacher reasoning traces (<think>…</think> + answer) for a question pool"
DESCRIPTION = """\
Generate teacher traces for every question: -n samples each, parsed into reasoning / response with QC flags
(no_think, unclosed_think, truncated, empty_response, repetition_loop, request_failed). Every answer is cached the
moment it returns: re-running the same command after a crash or Ctrl-C sends only the missing requests.
Rows whose request finally failed are kept with their error, and the command then exits with status 1.

examples:
  naturalthoughts generate --in sample --out runs/traces --max-tokens 256
  naturalthoughts generate --in questions.parquet --out runs/r1 --backend openai --model deepseek-reasoner \\
      --base-url https://api.deepseek.com --api-key-env DEEPSEEK_API_KEY --concurrency 32 --max-tokens 16384
  naturalthoughts generate --in runs/r1 --out runs/r1b --max-tokens 32768 --retry-truncated ...
"""

# Models without a thinking mode get the template that asks for, and forces, a <think> block.
_NON_REASONING_DEFAULTS = {"smollm2-135m", "smollm2", "gemma3-270m"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_io_args(p, in_help="questions: a stage folder, .parquet, .jsonl or .csv with a `question` column, "
                           "or `sample` for the bundled 208-question pool")
    add_backend_args(p, title="teacher backend")
    add_sampling_args(p)
    p.add_argument("--template", default=None, metavar="NAME|PATH",
                   help="teacher prompt template: teacher-default (reasoning models), teacher-think (forces <think>), "
                        "teacher-mcq, or a YAML file (default: teacher-think for the embedded SmolLM2/Gemma models, "
                        "teacher-default otherwise)")
    p.add_argument("--retry-truncated", action="store_true",
                   help="re-request only rows whose cached answer hit --max-tokens (finish_reason length); "
                        "use with a larger --max-tokens")
    p.add_argument("--think-budget", type=int, default=None, metavar="B",
                   help="stop thinking after B tokens, close </think> and force the final answer (budget forcing, "
                        "as evaluate --think-budget); for small teachers that never close their think block. "
                        "With --backend-option think_budget_field=NAME (vLLM thinking_token_budget, llama.cpp "
                        "thinking_budget_tokens, Qwen API thinking_budget) the server is asked to keep B; rows whose "
                        "counted thinking exceeds B by over 5%% are forced instead and counted as budget_fallback")
    p.add_argument("--rows-per-shard", type=int, default=None, metavar="ROWS",
                   help="trace rows per output shard data/part-NNNNN.parquet (whole questions; default "
                        "1000): each shard is written when its rows are done, and a re-run after a crash "
                        "keeps the finished shards and generates only the rest")
    add_mode_carrier_flags(p)
    p.add_argument("--pool-with", dest="pool_with", action="append", default=[], metavar="TRACES",
                   help=("existing traces to pool with the generated ones (an `ingest --traces` output; "
                         "repeatable): their rows follow the generated shards in this stage's output"))
    add_cache_arg(p)
    p.add_argument("--no-cache", action="store_true", help="do not read or write the row cache")
    add_bad_row_arg(p)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_executor_args(p)


def default_template(backend: str, model: str) -> str:
    from naturalthoughts.core.models import canonical

    if backend in ("llamacpp", "fake") and canonical(model) in _NON_REASONING_DEFAULTS | {"fake"}:
        return "teacher-think"
    return "teacher-default"


def main(args: argparse.Namespace) -> int:
    from naturalthoughts.stages.generation.run import run_generate

    spec = backend_spec_from_args(args)
    params = sampling_from_args(args)
    template = args.template or default_template(spec.backend, spec.model)
    cache = False if args.no_cache else args.cache
    layout = {} if args.rows_per_shard is None else {"rows_per_shard": args.rows_per_shard}
    from naturalthoughts.stages.generation.pooled import PoolError

    try:
        manifest = run_generate(args.input, args.out, spec, params, n=args.n, template=template, cache=cache,
                                retry_truncated=args.retry_truncated, progress=not args.no_progress,
                                on_bad_row=args.on_bad_row, executor=executor_options_from_args(args),
                                think_budget=args.think_budget, mode_carrier=args.mode_carrier,
                                model_family=args.model_family, pool_with=args.pool_with, **layout)
    except PoolError as exc:
        print(f"generate: error: {exc}", file=sys.stderr)
        return 2
    c = manifest.counts
    flags = ", ".join(f"{k}={v}" for k, v in c["flags"].items() if v) or "none"
    rejected = sum(c["rejected"].values())
    print(f"generate: {c['out']} rows ({c['in']} questions x {args.n}) -> {args.out}")
    for path, rows in (c.get("pooled") or {}).items():
        print(f"  pooled: {rows} existing traces from {path}")
    print(f"  tokens: {c['prompt_tokens']:,} prompt, {c['completion_tokens']:,} completion")
    print(f"  cache hits: {c['cache_hits']}, requests sent: {c['sent']}, retries: {c['retries']}, "
          f"failed: {c['failed']}" + (f" {c['errors']}" if c["errors"] else ""))
    print(f"  qc flags: {flags}")
    if rejected:
        print(f"  bad input rows skipped: {rejected} {c['rejected']} (see {args.out}/rejects.parquet)")
    if c["failed"]:
        print(f"generate: {c['failed']} row(s) failed; re-run the same command to retry only those", file=sys.stderr)
        return 1
    return 0
