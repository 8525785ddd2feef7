"""Selection at the paper's pool size, and semantic selection against HDBSCAN and apricot.

Part 1 builds a synthetic annotated pool (default 2.8M rows, 384-dim float16 embeddings, realistic length /
strategy / verbosity / agreement distributions: naturalthoughts.stages.selection.synthetic) and times every strategy
selecting 100k rows. Part 2 compares, on a smaller pool, the semantic methods (k-means cluster-balanced,
k-center greedy, density-based = sklearn HDBSCAN after PCA to 32 dims) with apricot's facility location:
time, peak memory and coverage (mean / max distance from a pool point to its nearest selected point, on
unit-normalised embeddings; lower is better).

Each measurement runs in a forked child so its peak RSS (ru_maxrss) is its own; the child starts with the
parent's pool resident, so "peak" includes the pool ("pool RSS" is printed for reference).

    python benchmarks/bench_select.py                      # full run: 2.8M rows, then the 50k comparison
    python benchmarks/bench_select.py --rows 500000        # lighter pool under contention
    python benchmarks/bench_select.py --skip-big --apricot-rows 10000
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue as queue_module
import resource
import subprocess
import sys
import time
import traceback

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

GIB = 1024**3


def _rss_gib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / GIB


def _child(fn, queue):
    try:
        t0, r0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        value = fn()
        seconds = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        queue.put(("ok", seconds, r1.ru_maxrss * 1024 / GIB, (cpu, value)))
    except BaseException as exc:  # report, never hang the parent
        queue.put(("error", 0.0, 0.0, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"))


def measure(fn, timeout: float = 1800):
    """(wall seconds, peak RSS GiB, (CPU seconds, fn's return value)) of ``fn`` run in a forked child.

    CPU seconds (user + sys) are reported next to wall time because the machine is shared: under contention wall
    time grows with other people's load, CPU time much less.
    """
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, queue))
    proc.start()
    deadline = time.monotonic() + timeout
    try:
        while True:  # poll, so a child that dies without reporting (segfault, OOM kill) fails fast, not after timeout
            try:
                status, seconds, peak, value = queue.get(timeout=5)
                break
            except queue_module.Empty:
                if not proc.is_alive() and queue.empty():
                    raise RuntimeError(f"child died without a result (exit code {proc.exitcode})") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no result within {timeout:.0f} s") from None
    finally:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()
    if status != "ok":
        raise RuntimeError(value)
    return seconds, peak, value


BIG_CASES = [
    ("random", {}),
    ("topic-uniform", {}),
    ("strategies", {}),
    ("long", {}),
    ("verbosity-low", {}),
    ("verbosity-med", {}),
    ("verbosity-high", {}),
    ("disagree", {}),
    ("agree", {}),
    ("semantic", {"method": "kmeans"}),
    ("semantic", {"method": "kmeans", "kmeans_pca_dims": 64}),
    ("semantic", {"method": "kcenter"}),
    ("seeded", {"seed_embeddings": "1000 seeds near pool questions"}),
    ("seeded", {"seed_embeddings": "1000 random directions (worst case: shared neighbours)"}),
    ("disagree+strategies", {}),
]


def bench_big(rows: int, n: int, dtype: str, limit_s: float, only: set[str] | None = None) -> list[str]:
    from naturalthoughts.stages.selection import select
    from naturalthoughts.stages.selection.synthetic import synthetic_pool

    t0 = time.perf_counter()
    table = synthetic_pool(rows, dim=384, seed=0, embedding_dtype=dtype, centers=2000)
    build = time.perf_counter() - t0
    pool_rss = _rss_gib()
    seed_rng = np.random.default_rng(1)
    random_seeds = seed_rng.standard_normal((1000, 384)).astype(np.float32)
    # Seeds like a curated set (LIMO, s1K): questions of the pool's own topics, i.e. a pool question's embedding
    # moved by the synthetic pool's own within-topic noise (0.6 per dim before normalising ~ 0.026 after).
    near = table.column("embedding").take(np.sort(seed_rng.choice(rows, 1000, replace=False))).combine_chunks()
    near_seeds = np.asarray(near.flatten().to_numpy(zero_copy_only=False), dtype=np.float32).reshape(1000, 384)
    near_seeds += 0.026 * seed_rng.standard_normal(near_seeds.shape).astype(np.float32)
    out = [f"### Every strategy selecting {n:,} of {rows:,} rows", "",
           f"Pool: {rows:,} rows, 384-dim {dtype} embeddings ({table.nbytes / GIB:.2f} GiB in Arrow), built in {build:.0f} s; "
           f"parent RSS with the pool {pool_rss:.2f} GiB. Targets: <= 60 s each (semantic k-means <= 90 s), peak <= 8 GiB.", "",
           "| strategy | options | selected | wall (s) | CPU (s) | peak RSS (GiB) | wall within target |", "|---|---|---:|---:|---:|---:|---|"]
    print("\n".join(out), flush=True)
    for name, opts in BIG_CASES:
        if only and name not in only:
            continue
        call_opts = dict(opts)
        if name == "seeded":
            call_opts = {"seed_embeddings": random_seeds if "random" in opts["seed_embeddings"] else near_seeds}
        shown = ", ".join(f"{k}={v}" for k, v in opts.items()) or "defaults"

        def run(name=name, call_opts=call_opts):
            r = select(table, name, n, seed=0, **call_opts)
            rep = r.stages[-1].get("report") or {}
            notes = {k: rep[k] for k in ("search_passes", "neighbours_per_seed_searched", "clusters") if k in rep}
            return len(r.ids), notes

        try:
            seconds, peak, (cpu, (selected, notes)) = measure(run)
        except Exception as exc:  # keep going: one failure must not hide the other numbers
            out.append(f"| {name} | {shown} | error | | | | {str(exc).splitlines()[0][:80]} |")
            print(out[-1], flush=True)
            continue
        target = 90 if opts.get("method") == "kmeans" else limit_s
        ok = "yes" if seconds <= target and peak <= 8 else "no"
        if notes:
            shown += " (" + ", ".join(f"{k}={v}" for k, v in notes.items()) + ")"
        out.append(f"| {name} | {shown} | {selected:,} | {seconds:.1f} | {cpu:.1f} | {peak:.2f} | {ok} |")
        print(out[-1], flush=True)
    return out


def _coverage(emb: np.ndarray, picked: np.ndarray) -> tuple[float, float]:
    import faiss

    index = faiss.IndexFlatL2(emb.shape[1])
    index.add(np.ascontiguousarray(emb[picked]))
    d2, _ = index.search(emb, 1)
    d = np.sqrt(np.maximum(d2[:, 0], 0))
    return float(d.mean()), float(d.max())


def bench_compare(rows: int, n: int, with_apricot: bool) -> list[str]:
    from naturalthoughts.stages.selection import select
    from naturalthoughts.stages.selection.synthetic import synthetic_pool

    table = synthetic_pool(rows, dim=384, seed=5, embedding_dtype="float32", centers=200)
    emb = table.column("embedding").combine_chunks().values.to_numpy().reshape(rows, 384).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    cases = {
        "semantic kmeans (sklearn, K=rows/100)": lambda: select(table, "semantic", n, seed=0, method="kmeans", report=False).indices,
        "semantic kcenter (exact greedy)": lambda: select(table, "semantic", n, seed=0, method="kcenter", report=False).indices,
        "semantic hdbscan (sklearn HDBSCAN, PCA 32)": lambda: select(table, "semantic", n, seed=0, method="hdbscan", report=False).indices,
        "random (reference)": lambda: select(table, "random", n, seed=0, report=False).indices,
    }
    if with_apricot:
        def apricot_fl():
            from apricot import FacilityLocationSelection

            # apricot's metric="euclidean" holds the float32 distance matrix and its float64 copy at once (3 x rows^2
            # x 4 bytes: OOM-killed at 24.3 GB for 50k rows on this 24 GiB machine). The same similarity,
            # max(d^2) - d^2, built here block by block straight into float64 is the least memory apricot's dense
            # mode can run in (it converts any input to float64): rows^2 x 8 bytes, 18.6 GiB at 50k.
            sim = np.empty((len(emb), len(emb)), dtype=np.float64)
            for start in range(0, len(emb), 4096):
                np.matmul(emb[start:start + 4096], emb.T, out=sim[start:start + 4096], dtype=np.float64)
            # unit rows: d^2 = 2 - 2 cos, so max(d^2) - d^2 = 2 cos - 2 min(cos)
            lowest = sim.min()
            np.subtract(sim, lowest, out=sim)
            np.multiply(sim, 2.0, out=sim)
            sel = FacilityLocationSelection(n, metric="precomputed", optimizer="lazy", verbose=False)
            sel.fit(sim)
            return np.asarray(sel.ranking)

        cases["apricot FacilityLocation (dense, lazy greedy)"] = apricot_fl
    rows_out = []
    for label, fn in cases.items():
        try:
            seconds, peak, (cpu, picked) = measure(fn)
        except Exception as exc:
            rows_out.append((label, None, None, None, None, None, str(exc).splitlines()[0][:80]))
            continue
        mean_d, max_d = _coverage(emb, np.asarray(picked, dtype=np.int64))
        rows_out.append((label, seconds, cpu, peak, mean_d, max_d, ""))
    ref = next((r for r in rows_out if r[0].startswith("semantic kmeans") and r[1] is not None), None)
    out = [f"### Semantic selection: {n:,} of {rows:,} rows (384-dim, 200 latent topics)", "",
           "| method | wall (s) | CPU (s) | peak RSS (GiB) | CPU / kmeans | memory / kmeans | mean dist to nearest selected | max dist |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for label, seconds, cpu, peak, mean_d, max_d, err in rows_out:
        if seconds is None:
            out.append(f"| {label} | error: {err} | | | | | | |")
            continue
        ratio_t = f"{cpu / max(ref[2], 1e-3):.1f}x" if ref else ""
        ratio_m = f"{peak / ref[3]:.1f}x" if ref else ""
        out.append(f"| {label} | {seconds:.1f} | {cpu:.1f} | {peak:.2f} | {ratio_t} | {ratio_m} | {mean_d:.4f} | {max_d:.4f} |")
    print("\n".join(out) + "\n", flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=2_800_000, help="big pool rows (default 2.8M, the paper's pool)")
    ap.add_argument("--n", type=int, default=100_000, help="rows each strategy selects from the big pool")
    ap.add_argument("--dtype", default="float16", choices=["float16", "float32"], help="embedding storage type")
    ap.add_argument("--limit-s", type=float, default=60.0, help="time target per strategy")
    ap.add_argument("--compare-rows", type=int, default=50_000)
    ap.add_argument("--compare-n", type=int, default=5_000)
    ap.add_argument("--apricot-rows", type=int, default=10_000,
                    help="pool size for the apricot comparison (dense facility location: 7.5 GiB at 25k; at 50k it was OOM-killed at 24 GB)")
    ap.add_argument("--only", default=None, help="comma-separated strategy names to run in the big part (default all)")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--skip-compare", action="store_true")
    args = ap.parse_args()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"Run: `python benchmarks/bench_select.py {' '.join(sys.argv[1:])}`; load before the run: `{load}`; "
          f"{os.cpu_count()} CPUs.\n", flush=True)
    if not args.skip_big:
        bench_big(args.rows, args.n, args.dtype, args.limit_s, set(args.only.split(",")) if args.only else None)
        print(flush=True)
    if not args.skip_compare:
        bench_compare(args.compare_rows, args.compare_n, with_apricot=args.apricot_rows >= args.compare_rows)
        if args.apricot_rows and args.apricot_rows < args.compare_rows:
            bench_compare(args.apricot_rows, max(1, args.compare_n * args.apricot_rows // args.compare_rows), with_apricot=True)
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"Load after the run: `{load}`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
