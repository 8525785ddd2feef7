"""The stage commands of ``naturalthoughts``: one module per subcommand, over the stages' Python API.

Each module defines ``HELP`` (one line), ``add_arguments(parser)`` and ``main(args) -> int``, and imports its heavy
libraries inside ``main`` so ``naturalthoughts --help`` stays fast. :mod:`naturalthoughts.pipeline` turns recipe
options into these commands' flags; :mod:`naturalthoughts.main` adds ``run`` and ``status`` on top.
"""

# Literal registry, in pipeline order: every stage command on one screen.
STAGE_COMMANDS: dict[str, str] = {
    "ingest": "naturalthoughts.cli.ingest",
    "generate": "naturalthoughts.cli.generate",
    "annotate": "naturalthoughts.cli.annotate",
    "select": "naturalthoughts.cli.select",
    "build-sft": "naturalthoughts.cli.build_sft",
    "train": "naturalthoughts.cli.train",
    "evaluate": "naturalthoughts.cli.evaluate",
    "report": "naturalthoughts.cli.report",
    "export": "naturalthoughts.cli.export",
    "merge": "naturalthoughts.cli.merge",
    "plan": "naturalthoughts.cli.plan",
}
