"""`naturalthoughts status RUN`: what a run folder holds, stage by stage."""

from __future__ import annotations

import argparse
import sys

HELP = "show each stage of a run: done / stale / pending / failed, rows, time"
DESCRIPTION = """Show each stage instance of a run folder written by `naturalthoughts run`.

done: finished and current; stale: finished, but its options or inputs changed since (the next run re-runs it);
pending: never finished (or interrupted); failed: the last attempt failed (the reason is shown).

example:
  naturalthoughts status runs/quickstart
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("run", metavar="RUN", help="run folder (holds recipe.resolved.yaml)")
    p.add_argument("--recipe", default=None, help="compare against this recipe instead of the run's resolved one "
                   "(shows what a run of that recipe would re-run)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def main(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from naturalthoughts.pipeline.decide import run_status
    from naturalthoughts.pipeline.plan import RESOLVED_FILE, plan_recipe
    from naturalthoughts.pipeline.recipe import RecipeError, load_recipe

    run_dir = Path(args.run)
    recipe_path = Path(args.recipe) if args.recipe else run_dir / RESOLVED_FILE
    if not recipe_path.exists():
        print(f"error: {recipe_path} not found: is {run_dir} a run folder written by `naturalthoughts run`?",
              file=sys.stderr)
        return 2
    try:
        plan = plan_recipe(load_recipe(recipe_path, run_dir=run_dir))
    except RecipeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = run_status(plan)
    if args.json:
        print(json.dumps([{**r.__dict__, "folder": str(r.folder)} for r in rows], indent=2))
        return 0
    print(f"run {run_dir.resolve()}")
    width = max(len(r.key) for r in rows)
    print(f"  {'stage':<{width}}  {'status':<8} {'rows':>7} {'time':>8}  note")
    for r in rows:
        rows_s = "" if r.rows is None else str(r.rows)
        time_s = "" if r.seconds is None else f"{r.seconds:.1f}s"
        note = "; ".join(r.reasons) if r.status != "done" else (r.finished_at or "")
        print(f"  {r.key:<{width}}  {r.status:<8} {rows_s:>7} {time_s:>8}  {note}")
    return 0
