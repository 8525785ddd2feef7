"""Ray without a funnel: the driver's peak memory does not grow with the rows, and the output equals the local one.

For each size (default 20k and 200k traces with ~2,000-character reasoning), in a fresh child process per run:
the ``strategies`` annotator's batch function through ``ExecutorOptions(executor="ray", workers=2)
.map_to_folder`` on a local 2-CPU Ray instance started by the run (the workers read their slices of the input
folder and write the output shards themselves), and the same through the local executor. Reported: wall time,
the driver's peak RSS (``VmHWM`` of the child that runs the driver, Ray's own processes excluded) and whether
the Ray output equals the local output row for row (ids, order, values).

    python benchmarks/bench_ray_driver.py
    python benchmarks/bench_ray_driver.py --sizes 2000,20000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_select_disk import SENTENCES  # noqa: E402


def make_traces(rows: int, folder: Path, chars: int = 2000, chunk: int = 20_000) -> None:
    import numpy as np
    import pyarrow as pa

    from naturalthoughts.core.store import StageOutput

    rng = np.random.default_rng(rows)
    bank = np.array(SENTENCES, dtype=object)
    per_text = max(1, chars // 80)
    out = StageOutput(folder)
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        ids = [f"q{i:07d}" for i in range(start, start + n)]
        texts = [" ".join(bank[p]) for p in rng.integers(0, len(bank), (n, per_text))]
        out.write(pa.table({"id": ids, "trace_id": [f"{i}#0" for i in ids], "question": ["Why?"] * n,
                            "reasoning": texts, "response": ["The answer is 42."] * n}))
    out.finish(stage="generate", config={"synthetic": rows})


def child(executor: str, folder: str, out: str, batch: int) -> None:
    """Run one mapping as the driver; print wall seconds and peak RSS as JSON."""
    import functools

    from naturalthoughts.executors.options import ExecutorOptions
    from naturalthoughts.stages.annotation.batch import annotate_batch

    fn = functools.partial(annotate_batch, annotators=["strategies"], options={}, batch_size=256)
    options = ExecutorOptions(executor=executor, workers=2, batch_size=batch, num_cpus=2)
    t0 = time.perf_counter()
    result = options.map_to_folder(Path(folder), fn, Path(out), specs={}, cache_path=None, use_cache=False,
                                   progress=False, slice_rows=batch)
    seconds = time.perf_counter() - t0
    # VmHWM, not ru_maxrss: after fork + exec, ru_maxrss keeps the parent's peak (the parent builds the input,
    # so it grows with the rows), which made local and Ray drivers look alike and grow with the input size.
    peak = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:")) / 1024**2
    print(json.dumps({"seconds": seconds, "peak_gib": peak, "shards": result.shards}))


def run_child(executor: str, folder: Path, out: Path, batch: int) -> dict:
    cmd = [sys.executable, __file__, "--child", executor, str(folder), str(out), str(batch)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3000)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def same_rows(a: dict, a_dir: Path, b: dict, b_dir: Path) -> bool:
    from naturalthoughts.core.datafiles import iter_batches

    cols = ["trace_id", "strategies", "num_strategies", "num_steps"]
    left = iter_batches([a_dir / s["path"] for s in a["shards"]], columns=cols, batch_rows=5000)
    right = iter_batches([b_dir / s["path"] for s in b["shards"]], columns=cols, batch_rows=5000)
    import pyarrow as pa

    return pa.Table.from_batches(list(left)).equals(pa.Table.from_batches(list(right)))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="20000,200000")
    ap.add_argument("--batch", type=int, default=2000, help="rows per slice (one output shard each)")
    args = ap.parse_args()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"Run: `python benchmarks/bench_ray_driver.py {' '.join(sys.argv[1:])}`; load before: `{load}`; "
          f"{os.cpu_count()} CPUs; slices of {args.batch} rows.\n")
    lines = ["| rows | executor | wall (s) | rows/s | driver peak RSS (GiB) | output = local |", "|---:|---|---:|---:|---:|---|"]
    peaks: dict[tuple[int, str], float] = {}
    with tempfile.TemporaryDirectory(prefix="nt-ray-driver-") as tmp:
        for rows in [int(s) for s in args.sizes.split(",")]:
            folder = Path(tmp) / f"in-{rows}"
            make_traces(rows, folder)
            local = run_child("local", folder, Path(tmp) / f"local-{rows}", args.batch)
            ray = run_child("ray", folder, Path(tmp) / f"ray-{rows}", args.batch)
            equal = same_rows(local, Path(tmp) / f"local-{rows}", ray, Path(tmp) / f"ray-{rows}")
            for name, r in (("local", local), ("ray", ray)):
                peaks[(rows, name)] = r["peak_gib"]
                lines.append(f"| {rows:,} | {name} | {r['seconds']:.1f} | {rows / r['seconds']:,.0f} | "
                             f"{r['peak_gib']:.2f} | {'yes' if equal else 'NO'} |")
                print(lines[-1], flush=True)
    sizes = sorted({r for r, _ in peaks})
    print("\n".join(lines))
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        print(f"\nDriver peak RSS {hi:,} / {lo:,} rows: ray {peaks[(hi, 'ray')] / peaks[(lo, 'ray')]:.2f}x, "
              f"local {peaks[(hi, 'local')] / peaks[(lo, 'local')]:.2f}x (target for ray <= 1.3x).")
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"Load after the run: `{load}`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
