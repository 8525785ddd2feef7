"""``naturalthoughts merge``: combine the outputs of ``--shard I/N`` runs into one stage folder."""

from __future__ import annotations

import argparse
import sys

HELP = "combine the outputs of --shard I/N runs of one stage into one folder (checks coverage and lineage)"
DESCRIPTION = """\
Combine the shard outputs of one stage run (e.g. `generate --shard 0/4` ... `--shard 3/4`, each on its own machine)
into one stage folder. The merge checks that all N shards are present and none is given twice, that every row id
appears exactly once and sits in its shard, and that the shards share stage, configuration (apart from the
shard) and input; any failure is an error naming the folder or id, and nothing is written.

example:
  naturalthoughts generate --in questions.parquet --out runs/gen-0 --shard 0/2
  naturalthoughts generate --in questions.parquet --out runs/gen-1 --shard 1/2
  naturalthoughts merge --in runs/gen-0 runs/gen-1 --out runs/gen
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--in", dest="inputs", nargs="+", action="extend", required=True, metavar="SHARD_DIR",
                   help="shard output folders (any order; --in may be repeated)")
    p.add_argument("--out", required=True, metavar="DIR", help="merged stage folder (data/ shards + manifest.json)")


def main(args: argparse.Namespace) -> int:
    from naturalthoughts.executors.merge import MergeError, merge_shards

    try:
        manifest = merge_shards(args.inputs, args.out)
    except MergeError as exc:
        print(f"merge failed: {exc}", file=sys.stderr)
        return 2
    shards = manifest.extra["merged_from"]
    print(f"merged {len(shards)} shards of stage {manifest.stage!r}: {manifest.outputs[0]['rows']} rows -> {args.out}")
    return 0
