"""Selection at the paper's pool size with the text on disk: ``run_select`` on a sharded stage folder.

Builds the synthetic annotated pool of ``bench_select.py`` (default 2.8M rows, 384-dim float16 embeddings) and
gives every row a ~2,000-character reasoning text (sentences drawn from a fixed bank, so the Parquet stays small
enough for this disk), writes it as a stage folder (``data/part-*.parquet``), then for every strategy measures in a
forked child, side by side in one run:

* ``select(table)`` on the text-free pool held in memory (what bench_select.py measures), and
* ``run_select(folder, out)`` from disk: reads the pool without its text columns, selects, and writes the selected
  rows (their text read back from the row groups that hold them) as a stage folder.

Targets (issue 14): every strategy ≤ 60 s (semantic k-means ≤ 90 s) from disk, peak RSS ≤ 8 GiB.

    python benchmarks/bench_select_disk.py                    # 2.8M rows, 100k selected
    python benchmarks/bench_select_disk.py --rows 200000 --n 10000 --only random,long
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_select import BIG_CASES, GIB, _rss_gib, measure  # noqa: E402

SENTENCES = [
    "Let me restate the problem: we need the quantity that stays fixed while the rest changes.",
    "Wait, that assumes the load is uniform, which the question does not say.",
    "Alternatively, I could model it as a sum of independent contributions and add them up.",
    "So the first term dominates when the ratio is large, and the correction is second order.",
    "Let me check this against the limiting case where everything is at rest.",
    "Hmm, the units do not match yet, so a factor is missing somewhere.",
    "Breaking it into cases: either the constraint binds or it does not.",
    "If it binds, the multiplier is positive and the boundary solution applies.",
    "Actually, I made a sign error earlier; the force points the other way.",
    "Now the pieces fit together and the expression simplifies nicely.",
    "Therefore the answer follows from combining the two results above.",
    "To verify, substitute the values back and see whether both equations hold.",
]


def build_pool(rows: int, folder: Path, chars: int = 2000, chunk: int = 100_000):
    """The pool table (text-free, kept for the in-memory runs) and its stage folder with reasoning text on disk."""
    import pyarrow as pa

    from naturalthoughts.core.store import StageOutput
    from naturalthoughts.stages.selection.synthetic import synthetic_pool

    table = synthetic_pool(rows, dim=384, seed=0, embedding_dtype="float16", centers=2000)
    bank = np.array(SENTENCES, dtype=object)
    per_text = max(1, chars // int(np.mean([len(s) for s in SENTENCES])))
    rng = np.random.default_rng(7)
    output = StageOutput(folder)
    for start in range(0, rows, chunk):
        part = table.slice(start, chunk)
        picks = rng.integers(0, len(bank), (part.num_rows, per_text))
        texts = [" ".join(bank[p]) for p in picks]
        output.write(part.append_column("reasoning", pa.array(texts, pa.string()))
                     .append_column("response", pa.array(["The answer is 42."] * part.num_rows)))
    output.finish(stage="annotate", config={"synthetic": rows},
                  extra={"annotators": {"embedding": {"model": "all-minilm-l6-v2"}}})
    return table


def seeds_for(table, rows: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    random_seeds = rng.standard_normal((1000, 384)).astype(np.float32)
    near = table.column("embedding").take(np.sort(rng.choice(rows, 1000, replace=False))).combine_chunks()
    near_seeds = np.asarray(near.flatten().to_numpy(zero_copy_only=False), dtype=np.float32).reshape(1000, 384)
    near_seeds += 0.026 * rng.standard_normal(near_seeds.shape).astype(np.float32)
    return random_seeds, near_seeds


def _case_options(name: str, opts: dict, seeds: tuple[np.ndarray, np.ndarray]) -> dict:
    if name == "seeded":
        return {"seed_embeddings": seeds[0] if "random" in opts["seed_embeddings"] else seeds[1]}
    return dict(opts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=2_800_000)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--chars", type=int, default=2000, help="reasoning characters per row")
    ap.add_argument("--only", default=None, help="comma-separated strategy names (default all)")
    ap.add_argument("--work", default=None, help="folder for the pool (default: a temporary folder, removed)")
    ap.add_argument("--memory-cases", default="random,semantic",
                    help="strategies also timed on the text-free pool in memory, in the same run (comma list)")
    args = ap.parse_args()
    from naturalthoughts.stages.selection import run_select, select

    only = set(args.only.split(",")) if args.only else None
    work = Path(args.work or tempfile.mkdtemp(prefix="nt-select-disk-"))
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    t0 = time.perf_counter()
    table = build_pool(args.rows, work / "pool", args.chars)  # rebuilt each run: the seeds need the table
    build = time.perf_counter() - t0
    disk = sum(f.stat().st_size for f in (work / "pool").rglob("*")) / GIB
    seeds = seeds_for(table, args.rows)
    print(f"Run: `python benchmarks/bench_select_disk.py {' '.join(sys.argv[1:])}`; load before: `{load}`; "
          f"{os.cpu_count()} CPUs.\n\nPool: {args.rows:,} rows, 384-dim float16 embeddings, {args.chars:,}-character "
          f"reasoning per row; built and written in {build:.0f} s; {disk:.2f} GiB on disk. Each case in a forked "
          f"child; 'memory' = the text-free pool held in memory (bench_select.py), 'disk' = run_select from the stage "
          f"folder, writing the selected rows with their text.\n", flush=True)
    memory_only = set(args.memory_cases.split(",")) if args.memory_cases else set()
    cases = [(name, opts) for name, opts in BIG_CASES if not only or name in only]
    print(f"parent RSS with the pool in memory: {_rss_gib():.2f} GiB", flush=True)
    memory: dict[int, tuple] = {}
    for i, (name, opts) in enumerate(cases):
        if name in memory_only:
            call = _case_options(name, opts, seeds)
            memory[i] = measure(lambda pool=table: len(select(pool, name, args.n, seed=0, **call).ids))
            print(f"memory {name} {opts}: {memory[i][0]:.1f} s, peak {memory[i][1]:.2f} GiB", flush=True)
    del table
    gc.collect()
    print(f"parent RSS without the pool: {_rss_gib():.2f} GiB\n", flush=True)
    print("| strategy | options | disk: wall (s) | disk: CPU (s) | disk: peak (GiB) | selected | within target | "
          "memory (same run): wall (s), peak (GiB) |", "|---|---|---:|---:|---:|---:|---|---|", sep="\n", flush=True)
    for i, (name, opts) in enumerate(cases):
        call = _case_options(name, opts, seeds)
        out = work / f"sel-{i}"
        d = measure(lambda: run_select(work / "pool", out, name, args.n, seed=0, **call).counts.get("selected"))
        shutil.rmtree(out, ignore_errors=True)
        target = 90 if opts.get("method") == "kmeans" else 60
        ok = "yes" if d[0] <= target and d[1] <= 8 else "no"
        shown = ", ".join(f"{k}={v}" for k, v in opts.items()) or "defaults"
        mem = f"{memory[i][0]:.1f}, {memory[i][1]:.2f}" if i in memory else ""
        print(f"| {name} | {shown} | {d[0]:.1f} | {d[2][0]:.1f} | {d[1]:.2f} | {d[2][1]:,} | {ok} | {mem} |",
              flush=True)
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"\nLoad after the run: `{load}`.")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
