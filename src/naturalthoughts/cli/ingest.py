"""``naturalthoughts ingest``: a thin CLI over :func:`ingest_questions` and :func:`ingest_traces`."""

from __future__ import annotations

import argparse
import sys

from naturalthoughts.cli.common import add_bad_row_arg

HELP = "read question pools (or existing traces) into the project schema: dedup, decontaminate, reject bad rows"
DESCRIPTION = """\
Read question pools into a stage folder (QUESTION_SCHEMA), or existing teacher traces (--traces) into TRACE_SCHEMA.
Inputs: JSONL, CSV/TSV, Parquet, Hugging Face datasets folders (save_to_disk), stage folders, hf://OWNER/NAME[:SPLIT].
Layouts are recognised by column names (NaturalReasoning, question/answer, problem/answer, ARC and MMLU-Pro MCQ);
--map FIELD=COLUMN overrides. Every dropped row is counted by reason in manifest.json and written to rejects.parquet.

examples:
  # the bundled sample pool, decontaminated against an evaluation file
  naturalthoughts ingest --in src/naturalthoughts/data/questions/sample_pool.jsonl --out runs/pool \\
      --decontaminate math500_test.jsonl
  # the first 52 clean questions of a pool
  naturalthoughts ingest --in src/naturalthoughts/data/questions/sample_pool.jsonl --out runs/pool --limit 52
  # a file whose question column is called "problem" and whose reference is "final"
  naturalthoughts ingest --in pool.csv --out runs/pool --map question=problem --map reference_answer=final
  # import s1K traces (reasoning and answer columns are detected) and OpenThoughts-style think-tag responses
  naturalthoughts ingest --traces --in s1k.parquet --out runs/s1k-traces
  naturalthoughts ingest --traces --in ot.jsonl --out runs/ot --response-col generation --teacher-model deepseek-r1
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--in", dest="inputs", action="append", required=True, metavar="PATH",
                   help="input file or folder; repeat for several (rows are read in the order given)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (data/ shards, manifest.json, rejects.parquet)")
    p.add_argument("--map", dest="mapping", action="append", default=[], metavar="FIELD=COLUMN",
                   help="take a schema field from another column, repeatable: id, question, reference_answer, options, "
                        "answer, source (and teacher_model, sample_index, finish_reason with --traces); "
                        "FIELD= (empty) ignores that field's column, e.g. --map id= derives ids from the text")
    p.add_argument("--source", default=None, help="value for the source column (default: input's source column, else file name)")
    p.add_argument("--dedup", choices=["near", "exact", "none"], default="near",
                   help="near (default): drop exact duplicates, then near duplicates by character 5-gram Jaccard "
                        "similarity; exact: normalised-text duplicates only; none: keep all (repeated ids still apply)")
    p.add_argument("--near-threshold", type=float, default=0.55,
                   help="Jaccard similarity at which a question counts as a near duplicate (default 0.55, "
                        "NaturalReasoning's threshold)")
    p.add_argument("--decontaminate", action="append", default=[], metavar="FILE",
                   help="evaluation question file; pool questions sharing a word n-gram with it are dropped (repeatable)")
    p.add_argument("--ngram", type=int, default=13, help="n-gram size for decontamination (default 13)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="keep the first N questions (input order) left after bad rows, duplicates and contaminated "
                        "ones are dropped; the rest are counted as beyond_limit (questions only)")
    add_bad_row_arg(p)
    p.add_argument("--no-rejects-file", dest="write_rejects", action="store_false",
                   help="count dropped rows in the manifest but do not write rejects.parquet")
    t = p.add_argument_group("trace import (--traces)")
    t.add_argument("--traces", action="store_true", help="import existing teacher traces into TRACE_SCHEMA")
    t.add_argument("--response-col", default=None, metavar="COLUMN", help="full response with <think>…</think> tags")
    t.add_argument("--reasoning-col", default=None, metavar="COLUMN", help="reasoning text (with --answer-col)")
    t.add_argument("--answer-col", default=None, metavar="COLUMN", help="final answer text (with --reasoning-col)")
    t.add_argument("--teacher-model", default=None, help="model id to record (default: a model column or the layout's)")
    t.add_argument("--prefilled-think", action="store_true",
                   help="responses lack the opening <think> (R1-distill chat templates prefill it)")


def _summary(manifest, out: str) -> str:
    c = manifest.counts
    lines = [f"ingest: {c['in']} rows in, {c['out']} rows out -> {out}"]
    for reason, n in c.get("rejected", {}).items():
        lines.append(f"  dropped {n:>7}  {reason}")
    if c.get("beyond_limit"):
        lines.append(f"  beyond --limit {c['beyond_limit']:>7} (not written)")
    if "flags" in c and c["flags"]:
        lines.append("  qc flags: " + ", ".join(f"{k}={v}" for k, v in c["flags"].items()))
    if c.get("rejected") and any(o["path"] == "rejects.parquet" for o in manifest.outputs):
        lines.append(f"  dropped rows with reasons: {out}/rejects.parquet")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    from naturalthoughts.core.io import BadRowError
    from naturalthoughts.stages.ingest.columns import parse_mapping
    from naturalthoughts.stages.ingest.questions import ingest_questions
    from naturalthoughts.stages.ingest.traces import ingest_traces

    try:
        mapping = parse_mapping(args.mapping)
        common = dict(mapping=mapping, decontaminate=args.decontaminate, ngram=args.ngram,
                      on_bad_row=args.on_bad_row, write_rejects=args.write_rejects, source=args.source)
        if args.traces:
            if args.limit is not None:
                print("error: --limit applies to question pools, not --traces", file=sys.stderr)
                return 2
            manifest = ingest_traces(args.inputs, args.out, response_col=args.response_col,
                                     reasoning_col=args.reasoning_col, answer_col=args.answer_col,
                                     teacher_model=args.teacher_model, prefilled_think=args.prefilled_think, **common)
        else:
            if args.response_col or args.reasoning_col or args.answer_col or args.teacher_model:
                print("error: --response-col/--reasoning-col/--answer-col/--teacher-model need --traces", file=sys.stderr)
                return 2
            manifest = ingest_questions(args.inputs, args.out, dedup=args.dedup,
                                        near_threshold=args.near_threshold, limit=args.limit, **common)
    except (BadRowError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(_summary(manifest, args.out))
    return 0
