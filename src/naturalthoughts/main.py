"""The ``naturalthoughts`` command: the stage commands of :mod:`naturalthoughts.cli` plus ``run`` and ``status``.

The top of the house: it may import every layer; nothing imports it (``__main__`` aside).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from naturalthoughts.core import arrowmem

arrowmem.configure()  # before anything loads pyarrow: mimalloc reads it once  # noqa: E402

from naturalthoughts.cli import STAGE_COMMANDS
from naturalthoughts.core.console import configure_console

# The stage commands plus the recipe runner's, in the order `--help` lists them.
COMMANDS: dict[str, str] = {
    **{k: v for k, v in STAGE_COMMANDS.items() if k not in ("report", "export", "merge", "plan")},
    "run": "naturalthoughts.pipeline.cli_run",
    "status": "naturalthoughts.pipeline.cli_status",
    **{k: STAGE_COMMANDS[k] for k in ("report", "export", "merge", "plan")},
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
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="debug logging, every warning (also dependencies' deprecations) and the raw "
                        "training log lines; stages a `run` starts are verbose too")
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
    configure_console(args.verbose)
    if not getattr(args, "_main", None):
        parser.print_help()
        return 2
    _keep_secrets_out(args)
    cache = getattr(args, "cache", None)
    if isinstance(cache, str) and cache.endswith("/"):  # a cache folder (FolderCache): one SQLite file per process
        Path(cache).mkdir(parents=True, exist_ok=True)
    try:
        return int(args._main(args) or 0)
    except KeyboardInterrupt:
        print("interrupted: finished rows are in the cache; re-run the same command to resume", file=sys.stderr)
        return 130


def _keep_secrets_out(args: argparse.Namespace) -> None:
    """Register this command's secrets (:mod:`naturalthoughts.core.secrets`) and scrub them from its logs."""
    from naturalthoughts.core.secrets import (
        register_from_environment,
        register_secrets,
        scrub,
        secrets_in_options,
    )

    register_from_environment()
    register_secrets(secrets_in_options({k: v for k, v in vars(args).items() if not k.startswith("_")}))

    class _Scrub(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            message = record.getMessage()
            cleaned = scrub(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
            return True

    for handler in logging.getLogger().handlers:
        handler.addFilter(_Scrub())


if __name__ == "__main__":
    sys.exit(main())
