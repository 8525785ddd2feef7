"""`naturalthoughts export`: a selected set or SFT set as JSONL or a Hugging Face datasets folder."""

from __future__ import annotations

import argparse

HELP = "export a stage's rows (a selection, SFT data, ...) as JSONL or a Hugging Face datasets folder"
DESCRIPTION = """Export the rows of a stage folder as data.jsonl (--format jsonl) or as a folder that
datasets.load_from_disk opens (--format hf), with a README.md dataset card when the folder is a selection of a
run. --push-to-hub REPO also uploads it (only when asked; the token comes from the env var named by --token-env).

examples:
  naturalthoughts export --in runs/quickstart/04-select/random --out exports/random --format hf
  naturalthoughts export --in runs/quickstart/05-build-sft/random --out exports/sft --format jsonl
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--in", dest="input", required=True, metavar="STAGE_DIR", help="stage folder or Parquet file")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--format", choices=["jsonl", "hf"], default="hf", help="jsonl: data.jsonl; hf: datasets save_to_disk folder (default)")
    p.add_argument("--columns", default=None, help="comma-separated columns to keep (default: all)")
    p.add_argument("--drop", default="", help="comma-separated columns to leave out (e.g. embedding)")
    p.add_argument("--push-to-hub", default=None, metavar="REPO", help="also push to this Hub dataset repo (hf format)")
    p.add_argument("--public", action="store_true", help="make the pushed repo public (default: private)")
    p.add_argument("--token-env", default="HF_TOKEN", metavar="VAR", help="env var holding the Hub token (default HF_TOKEN)")


def main(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from naturalthoughts.stages.reporting.export import export_stage, push_to_hub

    if args.push_to_hub and args.format != "hf":
        print("error: --push-to-hub needs --format hf", file=sys.stderr)
        return 2
    columns = [c for c in (args.columns or "").split(",") if c] or None
    drop = [c for c in args.drop.split(",") if c]
    try:
        path, schema, rows = export_stage(args.input, args.out, args.format, columns=columns, drop=drop)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    card = _card_for(Path(args.input), schema, args.format)
    if card:
        from naturalthoughts.core.secrets import scrub

        (Path(args.out) / "README.md").write_text(scrub(card), encoding="utf-8")
    print(f"exported {rows} rows ({len(schema.names)} columns) → {path}")
    if args.push_to_hub:
        try:
            url = push_to_hub(args.out, args.push_to_hub, private=not args.public, token_env=args.token_env)
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"pushed → {url}")
    return 0


def _card_for(folder, schema, fmt: str) -> str | None:
    """A dataset card when ``folder`` is a selection inside a run folder (pool = the run's annotate output)."""
    from naturalthoughts.stages.reporting import collect
    from naturalthoughts.stages.reporting.card import dataset_card

    if not folder.is_dir() or folder.parent.name != collect.STAGE_FOLDERS["select"]:
        return None
    run = collect.read_run(folder.parent.parent)
    sel = next((s for s in run.find("select") if s.folder == folder), None)
    if sel is None:
        return None
    from naturalthoughts.core.store import read_table

    sdist = collect.distributions(read_table(folder, columns=[c for c in collect.STAT_COLUMNS if c in schema.names]))
    pool_dirs = run.find("annotate")
    ptable = collect.read_columns(pool_dirs[0].folder) if pool_dirs else None
    pdist = collect.distributions(ptable) if ptable is not None else None
    return dataset_card(sel.name, pool=pdist, selection=sdist, columns=[(f.name, str(f.type)) for f in schema],
                        select_config=(sel.manifest or {}).get("config"),
                        data_files="data.jsonl" if fmt == "jsonl" else None)
