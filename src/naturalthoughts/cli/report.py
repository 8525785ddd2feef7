"""`naturalthoughts report RUN`: the HTML report and dataset cards of a run folder."""

from __future__ import annotations

import argparse

HELP = "write a self-contained HTML report and a dataset card per selection for a run folder"
DESCRIPTION = """Write RUN/08-report/report.html (plots embedded, opens offline) and cards/<selection>.md
(Hugging Face dataset-card layout) from the stage folders and manifests of a run. Reads only what is on disk:
a run that stopped early still gets a report of what it has.

example:
  naturalthoughts report runs/quickstart
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("run", metavar="RUN", help="run folder written by `naturalthoughts run`")
    p.add_argument("--out", default=None, metavar="DIR", help="output folder (default: RUN/08-report)")
    p.add_argument("--title", default=None, help="report title (default: from the recipe name)")
    p.add_argument("--browser-rows", type=int, default=2000, metavar="N",
                   help="traces embedded in each selection's trace browser (default 2000; 0: no browser)")


def main(args: argparse.Namespace) -> int:
    from pathlib import Path

    from naturalthoughts.core.store import write_stage
    from naturalthoughts.stages.reporting.report import build_report

    run = Path(args.run)
    if not run.is_dir():
        raise SystemExit(f"report: {run} is not a folder")
    result = build_report(run, args.out, title=args.title, browser_rows=args.browser_rows)
    out = result.html.parent.resolve()
    import pyarrow as pa

    table = pa.table({"selection": list(result.cards), "card": [str(p.resolve().relative_to(out)) for p in result.cards.values()]})
    side = [out / "report.html", out / "report.json", *(p.resolve() for p in result.cards.values())]
    write_stage(out, table, stage="report", config={"title": args.title, "browser_rows": args.browser_rows}, counts={"notes": len(result.notes)},
                side_files=side)
    for note in result.notes:
        print(f"report note: {note}")
    print(f"report: {result.html}")
    for name, path in result.cards.items():
        print(f"dataset card ({name}): {path}")
    return 0
