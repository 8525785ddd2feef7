"""``naturalthoughts annotate``: a thin layer over :func:`naturalthoughts.stages.annotation.run_annotate`."""

from __future__ import annotations

import argparse
import sys

from naturalthoughts.cli.common import (
    add_backend_args,
    add_cache_arg,
    add_io_args,
    add_mode_carrier_flags,
    backend_spec_from_args,
    parse_key_values,
)
from naturalthoughts.executors.options import add_executor_args, executor_options_from_args
from naturalthoughts.llm.backends.base import BackendSpec

HELP = "add domain, strategy, verbosity, length, disagreement and embedding columns to traces"
DESCRIPTION = """\
Annotate traces (a generate/ingest stage folder, Parquet or JSONL) batch by batch. Annotators:
  length        reasoning/response tokens (teacher's tokenizer when known, else SmolLM2's) and words
  domain        13 SuperGPQA disciplines + field: embedding zero-shot (default) or LLM judge
  strategies    meta-reasoning strategies (taxonomy data/taxonomy/strategies-v1.yaml), steps, density:
                lexical cues (default), LLM judge, or both (agreement in the manifest)
  verbosity     0-10: heuristic mapped onto the labels' scale (default) or LLM judge
  difficulty    0-10 cognitive difficulty of the question: uncalibrated proxy or LLM judge (not run by default)
  disagreement  a second model answers in no-think mode; checks, then the judge, decide agreement
  embedding     question embeddings (all-MiniLM-L6-v2 by default)
Every LLM call is cached: re-running after a crash repeats no finished call.

example (no LLM needed):
  naturalthoughts annotate --in runs/traces --out runs/annotated \\
      --annotators length,strategies,domain,verbosity,embedding
example (LLM judges and the paper's disagreement signal, embedded SmolLM2 as judge and second model):
  naturalthoughts annotate --in runs/traces --out runs/annotated --annotators strategies,disagreement \\
      --strategies-method both --judge-backend llamacpp --judge-model smollm2-135m \\
      --second-backend llamacpp --second-model smollm2-135m
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_io_args(p, in_help="traces: a stage folder, .parquet or .jsonl with question/reasoning/response columns")
    p.add_argument("--annotators", default="length,strategies,domain,verbosity,embedding",
                   help="comma-separated (default: length,strategies,domain,verbosity,embedding)")
    p.add_argument("--domain-method", choices=["embedding", "judge"], default=None, help="default: embedding")
    p.add_argument("--strategies-method", choices=["lexical", "judge", "both"], default=None, help="default: lexical")
    p.add_argument("--verbosity-method", choices=["heuristic", "judge"], default=None, help="default: heuristic")
    p.add_argument("--difficulty-method", choices=["proxy", "judge"], default=None, help="default: proxy")
    p.add_argument("--embedding-model", default=None,
                   help="sentence-transformers model/folder or openai:MODEL@URL (default: all-minilm-l6-v2)")
    p.add_argument("--tokenizer", default=None, help="length tokenizer: teacher (default), an alias, a .gguf or an HF tokenizer")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="any annotator option as {annotator}_{option}, repeatable "
                        "(e.g. strategies_taxonomy=my.yaml, embedding_storage=float16, disagreement_second_column=llama_response)")
    p.add_argument("--batch-size", type=int, default=256, help="rows per batch (default 256)")
    p.add_argument("--rows-per-shard", type=_positive_int, default=50_000, metavar="N",
                   help="input rows per output shard, in whole batches (default 50000); a re-run after a crash "
                        "keeps the finished shards")
    p.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                   help="processes for the model-free annotators (length, lexical strategies, heuristic "
                        "verbosity); default: the idle cores; 1: all in this process. The rows do not depend on it")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--allow-failures", action="store_true",
                   help="exit 0 even when LLM calls finally failed (default: exit 1 with the counts)")
    p.add_argument("--judge", default=None, metavar="BACKEND:MODEL[@URL]",
                   help="shorthand for the judge backend and model, e.g. llamacpp:smollm2-135m or "
                        "openai:MODEL@http://127.0.0.1:8080/v1; 'none': no judge (disagreement by rule checks only, "
                        "undecided rows get agree=null)")
    p.add_argument("--second", default=None, metavar="BACKEND:MODEL[@URL]", help="shorthand for the second model, same form")
    add_mode_carrier_flags(p)
    add_cache_arg(p)
    add_backend_args(p, prefix="judge-", title="judge model (LLM-judge methods and disagreement)")
    add_backend_args(p, prefix="second-", title="second, non-reasoning model (disagreement)")
    add_executor_args(p)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def options_from_args(args: argparse.Namespace) -> dict:
    options: dict = {}
    for flag, key in (("domain_method", "domain_method"), ("strategies_method", "strategies_method"),
                      ("verbosity_method", "verbosity_method"), ("difficulty_method", "difficulty_method"),
                      ("embedding_model", "embedding_model"),
                      ("tokenizer", "length_tokenizer")):
        if getattr(args, flag) is not None:
            options[key] = getattr(args, flag)
    # The second model's no-think switch; only a non-default choice becomes an option, so the config (and the
    # resume identity) of runs that never chose one stays as it was.
    if getattr(args, "mode_carrier", "instruction") != "instruction":
        options["disagreement_mode_carrier"] = args.mode_carrier
    if getattr(args, "model_family", None) is not None:
        options["disagreement_model_family"] = args.model_family
    options.update(parse_key_values(args.option, "--option"))
    names = [a.strip() for a in args.annotators.split(",") if a.strip()]
    # Shared embedding model: domain's zero-shot classifier uses the same model as the embedding column.
    if "embedding_model" in options and "domain" in names:
        options.setdefault("domain_model", options["embedding_model"])
    if "embedding" not in names:
        options.pop("embedding_model", None)
    return options


def spec_from_args(args: argparse.Namespace, role: str):
    """``--{role} BACKEND:MODEL[@URL]`` when given (other --{role}-* flags still apply), else the long flags.

    ``--judge none`` means no judge model: disagreement then decides agreement by rule checks only and leaves the
    rest undecided (``needs_judge``), and an annotator method that needs a judge fails before any work.
    """
    short = getattr(args, role)
    if short is not None and short.strip().lower() == "none":
        return None
    spec = backend_spec_from_args(args, f"{role}-")
    if short:
        parsed = BackendSpec.parse(short)
        spec.backend, spec.model, spec.base_url = parsed.backend, parsed.model, parsed.base_url or spec.base_url
    return spec


def main(args: argparse.Namespace) -> int:
    from naturalthoughts.stages.annotation.base import AnnotationError
    from naturalthoughts.stages.annotation.run import run_annotate

    try:
        manifest = run_annotate(
            args.input, args.out, args.annotators,
            judge=spec_from_args(args, "judge"), second=spec_from_args(args, "second"),
            cache=args.cache, progress=not args.no_progress, batch_size=args.batch_size,
            executor=executor_options_from_args(args), workers=args.workers,
            rows_per_shard=args.rows_per_shard, **options_from_args(args),
        )
    except (AnnotationError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = manifest.extra.get("annotators", {})
    for name, entry in report.items():
        errors = sum(entry.get("errors", {}).values())
        print(f"{name:13s} {entry['seconds']:8.2f}s  errors={errors}", file=sys.stderr)
    print(f"wrote {args.out} ({manifest.counts.get('out')} rows)", file=sys.stderr)
    return _failed_calls_status(report, allow=args.allow_failures)


def _failed_calls_status(report: dict, *, allow: bool) -> int:
    """1 when LLM calls finally failed (their rows hold nulls), with the counts, unless ``allow``: then a stage
    of `run` is not marked done, and a re-run asks again only for the failed calls (the rest are cached)."""
    failed = {name: (e.get("llm_calls") or {}) for name, e in report.items() if (e.get("llm_calls") or {}).get("failed")}
    if not failed:
        return 0
    parts = []
    for name, calls in failed.items():
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted((calls.get("errors") or {}).items()))
        parts.append(f"{name}: {calls['failed']} of {calls.get('requests', '?')} calls failed" + (f" ({kinds})" if kinds else ""))
    if allow:
        print("warning: " + "; ".join(parts) + " (--allow-failures: exit 0)", file=sys.stderr)
        return 0
    print("error: " + "; ".join(parts) + ". Their rows hold nulls; run the same command again to retry only the "
          "failed calls, or pass --allow-failures to accept them.", file=sys.stderr)
    return 1
