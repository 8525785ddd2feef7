"""The ``naturalthoughts`` command: a thin layer over the Python API, one subcommand per stage.

Each stage's CLI module defines ``HELP`` (one line), ``add_arguments(parser)`` and ``main(args) -> int``, and
imports its heavy libraries inside ``main`` so ``naturalthoughts --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# Literal registry, in pipeline order: the whole CLI surface on one screen.
COMMANDS: dict[str, str] = {
    "ingest": "naturalthoughts.ingest.cli",
    "generate": "naturalthoughts.generation.cli",
    "annotate": "naturalthoughts.annotation.cli",
    "select": "naturalthoughts.selection.cli",
    "build-sft": "naturalthoughts.distillation.cli_build",
    "train": "naturalthoughts.distillation.cli_train",
    "evaluate": "naturalthoughts.evaluation.cli",
    "run": "naturalthoughts.pipeline.cli_run",
    "status": "naturalthoughts.pipeline.cli_status",
    "report": "naturalthoughts.reporting.cli",
    "export": "naturalthoughts.reporting.cli_export",
    "merge": "naturalthoughts.executors.cli_merge",
    "plan": "naturalthoughts.executors.cli_plan",
}


def build_parser() -> argparse.ArgumentParser:
    from naturalthoughts import __version__

    parser = argparse.ArgumentParser(
        prog="naturalthoughts",
        description="Build reasoning-distillation data and students: ingest a question pool, generate teacher "
        "traces, annotate, select, build System-1/System-2 SFT data, train, evaluate and report "
        "(NaturalThoughts, arXiv 2507.01921). `naturalthoughts run recipes/quickstart.yaml` runs it all.",
    )
    parser.add_argument("--version", action="version", version=f"naturalthoughts {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # stage not built in this checkout yet
                continue
            raise
        p = sub.add_parser(name, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(p)
        p.set_defaults(_main=module.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "_main", None):
        parser.print_help()
        return 2
    try:
        return int(args._main(args) or 0)
    except KeyboardInterrupt:
        print("interrupted: finished rows are in the cache; re-run the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
