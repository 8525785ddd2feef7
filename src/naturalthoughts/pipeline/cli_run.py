"""`naturalthoughts run RECIPE.yaml`: run a whole recipe, re-running only what changed."""

from __future__ import annotations

import argparse
import sys

HELP = "run a recipe (ingest → … → report), re-running only stages whose options or inputs changed"
DESCRIPTION = """Run every stage a recipe names, in pipeline order, into one run folder.

A stage runs when it never finished, when its resolved options changed, or when the content of one of its inputs
changed; otherwise it is skipped and says so. An interrupted run resumes: unfinished stages re-run and every LLM
row already answered comes back from the run's row cache (RUN/cache.sqlite).

examples:
  naturalthoughts run recipes/quickstart.yaml
  naturalthoughts run recipes/quickstart.yaml --from select          # keep ingest..annotate as they are
  naturalthoughts run recipes/quickstart.yaml --force select/random --until build-sft
  naturalthoughts status runs/quickstart
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("recipe", metavar="RECIPE.yaml", help="the recipe file (see recipes/quickstart.yaml)")
    p.add_argument("--run-dir", default=None, metavar="DIR", help="run folder (default: the recipe's run_dir, "
                   "else runs/<name>)")
    p.add_argument("--from", dest="from_stage", default=None, metavar="STAGE",
                   help="start at STAGE: earlier stages are taken as they are (they must have finished once)")
    p.add_argument("--until", dest="until_stage", default=None, metavar="STAGE", help="stop after STAGE")
    p.add_argument("--force", action="append", default=[], metavar="STAGE[/NAME]",
                   help="re-run this stage (or one instance) even if up to date; repeatable")
    p.add_argument("--check", action="store_true", help="validate the recipe against every stage's options and exit")


def main(args: argparse.Namespace) -> int:
    from naturalthoughts.pipeline.plan import plan_recipe
    from naturalthoughts.pipeline.recipe import RecipeError, load_recipe
    from naturalthoughts.pipeline.runner import RunError, run_recipe

    try:
        recipe = load_recipe(args.recipe, run_dir=args.run_dir)
        if args.check:
            plan = plan_recipe(recipe)
            print(f"{args.recipe}: OK ({len(plan.items)} stage instances: {', '.join(p.key for p in plan.items)})")
            return 0
        run_recipe(recipe, from_stage=args.from_stage, until_stage=args.until_stage, force=tuple(args.force))
    except RecipeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: finished stages and LLM rows are kept; re-run the same command to resume",
              file=sys.stderr)
        return 130
    return 0
