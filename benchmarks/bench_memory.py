"""Memory flat in rows: peak RSS and rows/s of each stage's CLI on R1-sized traces at two pool sizes.

    python benchmarks/bench_memory.py [--sizes 20000,200000] [--work /tmp/nt-bench-memory] [--stage-timeout
    600]
                                      [--results benchmarks/RESULTS.md] [--keep]
                                      [--stages ingest,annotate,select,merge,build-sft]

``merge`` (not in the default stages) splits the select input into two ``--shard I/2`` folders (not measured)
and measures ``merge`` combining them. ``--stages select`` measures only the two select stages, on the warm-up's 1,000 annotated rows repeated (new
ids) to each size: a few minutes instead of an hour.

For each size it writes synthetic existing traces (~17k characters of reasoning in paragraphs with strategy
cue phrases, ~600 characters of answer) as one JSONL file, then runs, each as its own subprocess so each peak
is its
own:

    ingest --traces                                              (the JSONL)
    annotate --annotators length,strategies,verbosity --tokenizer smollm2-135m   (ingest's folder)
    [prep, not measured: the annotated rows + a float16 384-dim random unit ``embedding`` column]
    select --strategy long --n N/10                              (prepped folder)
    select --strategy semantic --method kmeans --n N/10          (prepped folder; kmeans at both sizes, since
                                                                  ``auto`` switches method at 100k rows)
    build-sft --mode system2                                     (annotate's folder, all N rows)

Peak RSS is sampled (psutil, every 0.1 s) over the stage's whole process tree, so worker pools count; the
largest single process's peak is recorded beside it (not ``wait4``'s ru_maxrss, which on Linux starts from the
parent's peak at fork). A stage that passes
``--stage-timeout`` is stopped: its peak so far and the rows it had written (finished shards) are reported.
When annotate cannot finish a size, the later stages of that size get the annotated rows of the smaller size
repeated with new ids (said in the table). The machine-speed figure is the rows/s of ``ingest --traces`` over
a fixed 5,000-row file, run first. Appends a Markdown section to RESULTS.md (``--results``) and prints it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from naturalthoughts.core.datafiles import DATA_DIR, count_rows, iter_batches  # noqa: E402
from naturalthoughts.core.store import StageOutput  # noqa: E402

SUBJECTS = ("the quadratic|the integral|the sum of the series|the second derivative|the matrix|"
            "the remaining term|the probability|the boundary condition|the expected value|the angle|"
            "the denominator|the recurrence|the eigenvalue|the residue|the total energy|the limit").split("|")
VERBS = ("simplifies to|is bounded by|reduces to|can be rewritten as|depends only on|cancels against|"
         "is symmetric in|grows like|matches|is equal to").split("|")
OBJECTS = ("a product of two linear factors|the value found in the previous step|a geometric series|"
           "zero at both endpoints|the square of the radius|a constant times n|the original expression|"
           "half of the first estimate|the determinant of the system|a telescoping difference"
           ).split("|")
# Cue phrases the lexical strategies annotator looks for (verification, backtracking, alternatives, ...).
CUES = ("Wait, that doesn't look right, let me recheck the sign.|Let me verify this by substituting back.|"
        "Alternatively, we could use the symmetry of the problem.|So the answer is the smaller root.|"
        "Hmm, maybe I made an arithmetic slip earlier.|Let me double-check the boundary case.|"
        "Case 1: the parameter is positive.|Recall that the sum of the roots is fixed.|"
        "Another approach is to compute the complement.|Let's break this into smaller steps.|"
        "First, I'll restate what is given.|To summarise what we have so far, two terms remain.").split("|")
TRACE_CHARS = 17_000
RSS_LIMIT_GIB = 6  # a stage is stopped above this (summed over its processes): the machine is shared
PARAGRAPHS = 2000


def paragraph_bank(seed: int = 0) -> list[str]:
    """Prewritten paragraphs of 1,600 neutral derivation sentences, about one in five with a cue phrase."""
    rng = np.random.default_rng(seed)
    sentences = [f"{s.capitalize()} {v} {o}." for s in SUBJECTS for v in VERBS for o in OBJECTS]
    bank = []
    for _ in range(PARAGRAPHS):
        picked = [sentences[i] for i in rng.integers(0, len(sentences), rng.integers(3, 7))]
        if rng.random() < 0.2:
            picked.insert(int(rng.integers(0, len(picked))), CUES[int(rng.integers(0, len(CUES)))])
        bank.append(" ".join(picked))
    return bank


def write_traces(path: Path, rows: int, seed: int) -> None:
    """``rows`` provider-export records (``reasoning_content`` + ``content``), ~17k characters of reasoning
    each."""
    bank = paragraph_bank()
    lengths = np.array([len(p) + 2 for p in bank])
    per_trace = int(TRACE_CHARS / lengths.mean() * 1.5) + 1
    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="utf-8") as f:
        for start in range(0, rows, 1000):
            n = min(1000, rows - start)
            picks = rng.integers(0, len(bank), (n, per_trace))
            cut = (np.cumsum(lengths[picks], axis=1) < TRACE_CHARS).sum(axis=1) + 1
            lines = []
            for k in range(n):
                i = start + k
                reasoning = "\n\n".join(bank[j] for j in picks[k, : cut[k]])
                answer = " ".join(bank[j] for j in picks[k, :2]) + f" So the answer is {i % 97}."
                lines.append(
                    json.dumps(
                        {
                            "question": f"Problem {i}: show that {SUBJECTS[i % 16]} {VERBS[i % 10]} "
                            f"{OBJECTS[i % 10]} when n = {i}.",
                            "reasoning_content": reasoning,
                            "content": answer,
                            "model": "deepseek-r1",
                        }
                    )
                )
            f.write("\n".join(lines) + "\n")


class PeakSampler(threading.Thread):
    """Samples the RSS summed over a process and its descendants; ``peak`` is the largest sum seen. Past
    ``limit`` bytes the process group is killed (``over_limit``): the machine is shared."""

    def __init__(self, pid: int, limit: float, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process, self.every, self.peak, self.stop = psutil.Process(pid), every, 0, threading.Event()
        self.limit, self.over_limit = limit, False
        self.largest = 0  # the largest single process seen

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                procs = [self.process, *self.process.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        rss = p.memory_info().rss
                    except psutil.Error:
                        continue
                    total += rss
                    self.largest = max(self.largest, rss)
                self.peak = max(self.peak, total)
                if total > self.limit and not self.over_limit:
                    self.over_limit = True
                    os.killpg(self.process.pid, 9)
            except (psutil.Error, ProcessLookupError):
                return
            self.stop.wait(self.every)


def run_stage(name: str, args: list[str], out: Path, rows_in: int, timeout: float, log: Path) -> dict:
    """Run one CLI as a subprocess; its wall time, peak RSS (tree, sampled; largest process, wait4) and
    rows."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "naturalthoughts", *args]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT / "src")}
    with open(log, "w") as logf:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        sampler = PeakSampler(proc.pid, RSS_LIMIT_GIB * 2**30)
        sampler.start()
        timed_out = False
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                timed_out = True
                os.killpg(proc.pid, 9)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        sampler.stop.set()
        sampler.join()
    rc = os.waitstatus_to_exitcode(status)
    result = {
        "stage": name,
        "rows_in": rows_in,
        "wall_s": round(wall, 1),
        "rc": rc,
        "timed_out": timed_out,
        "over_rss_limit": sampler.over_limit,
        # Sampled, not wait4's ru_maxrss: Linux carries the parent's peak over fork into the child's.
        "peak_tree_mib": round(sampler.peak / 2**20),
        "peak_proc_mib": round(sampler.largest / 2**20),
        "cmd": " ".join(args),
    }
    if rc == 0:
        result["rows_out"] = count_rows(out)
        result["rows_per_s"] = round(rows_in / wall, 1)
    else:
        shards = sorted((out / DATA_DIR).glob("part-*.parquet")) if (out / DATA_DIR).is_dir() else []
        import pyarrow.parquet as pq

        done = sum(pq.ParquetFile(s).metadata.num_rows for s in shards)
        result["rows_done"] = done
        result["rows_per_s"] = round(done / wall, 1) if done else None
        result["log_tail"] = log.read_text()[-600:]
    print(json.dumps({k: v for k, v in result.items() if k != "log_tail"}), flush=True)
    return result


def add_embeddings(src: Path, dst: Path, *, repeat_to: int | None = None, seed: int = 0) -> int:
    """Copy ``src``'s rows into a stage folder with a float16 384-dim random unit ``embedding`` column.

    ``repeat_to``: repeat the rows (new ``id``/``trace_id`` per copy) until that many, standing in for an
    annotate run that could not finish at that size.
    """
    rng = np.random.default_rng(seed)
    output = StageOutput(dst)
    rows = copy = 0
    target = repeat_to or count_rows(src)
    while rows < target:
        for batch in iter_batches(src):
            batch = batch.slice(0, min(batch.num_rows, target - rows))
            if batch.num_rows == 0:
                break
            vectors = rng.standard_normal((batch.num_rows, 384)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            table = pa.Table.from_batches([batch])
            if copy:
                for column in ("id", "trace_id"):
                    values = pa.compute.binary_join_element_wise(table.column(column), f"~{copy}", "")
                    table = table.set_column(table.schema.get_field_index(column), column, values)
            embedding = pa.FixedSizeListArray.from_arrays(pa.array(vectors.astype(np.float16).ravel()), 384)
            output.write(table.append_column("embedding", embedding))
            rows += batch.num_rows
        copy += 1
    output.finish(stage="annotate", config={"bench_prep": str(src), "embedding": "random unit float16 384"})
    return rows


def split_into_shards(src: Path, dst: Path, count: int) -> list[Path]:
    """``src``'s rows as the outputs of ``--shard I/count`` runs over ``src`` (rows by the hash of their id, in
    input order, manifests naming the shard and ``src`` as the input), for ``merge`` to combine."""
    from naturalthoughts.core.sharding import shard_indices

    outputs = [StageOutput(dst / f"s{i}") for i in range(count)]
    for batch in iter_batches(src):
        owner = shard_indices(batch.column("id").to_pylist(), count)
        for i, output in enumerate(outputs):
            output.write(batch.filter(pa.array(owner == i)))
    for i, output in enumerate(outputs):
        output.finish(stage="annotate", config={"bench_prep": str(src), "shard": {"index": i, "count": count}},
                      inputs=[src])
    return [dst / f"s{i}" for i in range(count)]


def run_size(rows: int, work: Path, timeout: float, ingest_timeout: float, fallback: Path,
             data: Path | None, stages: set[str] = frozenset({"ingest", "annotate", "select", "build-sft"})) -> list[dict]:
    """All stages at one size; ``fallback`` is the largest annotate output that finished so far; generated
    inputs are kept in ``data`` for the next run (else deleted after ingest). ``stages`` without ingest and
    annotate: the later stages get ``fallback``'s rows repeated to ``rows`` (said in the table)."""
    folder = work / f"n{rows}"
    folder.mkdir(parents=True, exist_ok=True)
    if not {"ingest", "annotate"} & stages:
        return _later_stages(rows, folder, fallback, f"input: annotated rows of {fallback.parent.name} repeated to "
                             f"{rows:,}", stages, timeout)
    traces = (data or folder) / f"traces-{rows}.jsonl"
    if not traces.exists():
        t0 = time.perf_counter()
        write_traces(traces.with_suffix(".tmp"), rows, seed=rows)
        traces.with_suffix(".tmp").rename(traces)
        size = traces.stat().st_size / 2**30
        print(f"[{rows}] wrote {traces} ({size:.2f} GiB) in {time.perf_counter() - t0:.0f} s", flush=True)
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    results = []

    def stage(name: str, args: list[str], out: Path, rows_in: int) -> dict:
        limit = ingest_timeout if name.startswith("ingest") else timeout
        r = run_stage(name, [*args, "--out", str(out)], out, rows_in, limit, logs / f"{name}.log")
        r["size"] = rows
        results.append(r)
        return r

    ingest = stage("ingest --traces", ["ingest", "--traces", "--in", str(traces)], folder / "ingest", rows)
    if data is None:
        traces.unlink()  # 3.4 GB at 200k rows; the ingest folder holds the same rows compressed
    if ingest["rc"] != 0:
        return results
    annotated = folder / "annotate"
    ann = stage(
        "annotate",
        [
            "annotate",
            "--in",
            str(folder / "ingest"),
            "--annotators",
            "length,strategies,verbosity", "--tokenizer", "smollm2-135m",
            "--no-progress",
        ],
        annotated,
        rows,
    )
    note = ""
    if ann["rc"] != 0:
        annotated, note = fallback, f"input: annotated rows of {fallback.parent.name} repeated to {rows:,}"
    return results + _later_stages(rows, folder, annotated, note, stages, timeout)


def _later_stages(rows: int, folder: Path, annotated: Path, note: str, stages: set[str], timeout: float) -> list[dict]:
    """select long, select semantic and build-sft on ``annotated`` (repeated to ``rows`` when ``note``)."""
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    results = []

    def stage(name: str, args: list[str], out: Path, rows_in: int) -> dict:
        r = run_stage(name, [*args, "--out", str(out)], out, rows_in, timeout, logs / f"{name}.log")
        r["size"] = rows
        results.append(r)
        return r

    prepped = folder / "annotated-emb"
    add_embeddings(annotated, prepped, repeat_to=rows if note else None)
    n = str(max(1, rows // 10))
    for name, args in () if "select" not in stages else (
        ("select long", ["--strategy", "long"]),
        ("select semantic", ["--strategy", "semantic", "--method", "kmeans"]),
    ):
        r = stage(
            name, ["select", "--in", str(prepped), "--n", n, *args], folder / name.replace(" ", "-"), rows
        )
        r["input"] = note
    if "merge" in stages:
        shards = split_into_shards(prepped, folder / "shards", 2)
        r = stage("merge (2 shards)", ["merge", "--in", *map(str, shards)], folder / "merged", rows)
        r["input"] = note
    if "build-sft" not in stages:
        return results
    sft_in = annotated if not note else prepped
    r = stage(
        "build-sft --mode system2",
        ["build-sft", "--in", str(sft_in), "--mode", "system2"],
        folder / "sft",
        rows,
    )
    r["input"] = note
    return results


def machine_speed(work: Path, timeout: float) -> tuple[dict, dict]:
    """``ingest --traces`` rows/s over a fixed 5,000-row file (the yardstick for the absolute numbers), and an
    annotate run over its first 1,000 rows: the annotated rows later stages fall back on when annotate cannot
    finish a size within the stage timeout."""
    folder = work / "warmup"
    folder.mkdir(parents=True, exist_ok=True)
    write_traces(folder / "traces.jsonl", 5000, seed=5)
    warmup = run_stage(
        "warm-up ingest",
        ["ingest", "--traces", "--in", str(folder / "traces.jsonl"), "--out", str(folder / "out")],
        folder / "out",
        5000,
        timeout,
        folder / "log",
    )
    with open(folder / "traces.jsonl") as f, open(folder / "seed.jsonl", "w") as g:
        g.writelines(line for _, line in zip(range(1000), f))
    seed = folder / "seed"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "naturalthoughts",
            "ingest",
            "--traces",
            "--in",
            str(folder / "seed.jsonl"),
            "--out",
            str(seed),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    annotate = run_stage(
        "seed annotate",
        [
            "annotate",
            "--in",
            str(seed),
            "--annotators",
            "length,strategies,verbosity", "--tokenizer", "smollm2-135m",
            "--no-progress",
            "--out",
            str(folder / "annotate"),
        ],
        folder / "annotate",
        1000,
        timeout,
        folder / "annotate.log",
    )
    return warmup, annotate


def markdown(results: list[dict], warmup: dict, seed_annotate: dict, sizes: list[int]) -> str:
    small, large = sizes[0], sizes[-1]
    load = os.getloadavg()
    lines = [
        "",
        f"### Memory flat in rows (`benchmarks/bench_memory.py`, {dt.date.today().isoformat()})",
        "",
        f"Synthetic existing traces (~{TRACE_CHARS // 1000}k characters of reasoning with strategy "
        f"cue phrases) at {small:,} and {large:,} rows, each stage's CLI as its own process. Peak RSS "
        "summed over the process tree (sampled every 0.1 s; the largest single process in brackets); "
        "rows/s = input rows / wall time including start-up. Machine speed: the 5,000-row warm-up ingest "
        f"ran at {warmup.get('rows_per_s')} rows/s ({warmup['wall_s']} s), annotate over 1,000 of those "
        f"rows at {seed_annotate.get('rows_per_s')} rows/s; load average at the end {load[0]:.1f} on "
        f"{os.cpu_count()} cores (other jobs share them, so absolute rates are noisy). A stage that passed "
        "its timeout was stopped: its peak is the peak until then.",
        "",
        f"| stage | peak MiB @{small // 1000}k | peak MiB @{large // 1000}k | ratio | "
        f"rows/s @{small // 1000}k | rows/s @{large // 1000}k | ≤1.3× and ≤3 GiB | note |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    names = list(dict.fromkeys(r["stage"] for r in results))
    for name in names:
        by = {r["size"]: r for r in results if r["stage"] == name}
        a, b = by.get(small), by.get(large)

        def cell(r: dict | None) -> str:
            return "—" if r is None else f"{r['peak_tree_mib']} ({r['peak_proc_mib']})"

        def rate(r: dict | None) -> str:
            if r is None:
                return "—"
            if r["rc"] != 0:
                state = ("timed out" if r["timed_out"] else f"stopped at {RSS_LIMIT_GIB} GiB RSS"
                         if r.get("over_rss_limit") else f"failed rc={r['rc']}")
                return f"{state} after {r['wall_s']} s ({r.get('rows_done', 0):,} rows in finished shards)"
            return f"{r['rows_per_s']}"

        ratio = ok = ""
        if a and b:
            ratio_value = b["peak_tree_mib"] / max(1, a["peak_tree_mib"])
            ratio = f"{ratio_value:.2f}"
            finished = a["rc"] == 0 and b["rc"] == 0
            ok = ("yes" if ratio_value <= 1.3 and b["peak_tree_mib"] <= 3072 else "**no**") + (
                "" if finished else " (unfinished)"
            )
        note = "; ".join(sorted({r.get("input", "") for r in by.values() if r.get("input")}))
        lines.append(
            f"| `{name}` | {cell(a)} | {cell(b)} | {ratio} | {rate(a)} | {rate(b)} | {ok} | {note} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,200000")
    ap.add_argument("--work", type=Path, default=Path("/tmp/nt-bench-memory"))
    ap.add_argument("--stage-timeout", type=float, default=600, help="seconds a stage may run (default 600)")
    ap.add_argument("--small-timeout", type=float, default=None, help="stage timeout at the smallest size")
    ap.add_argument(
        "--ingest-timeout", type=float, default=None, help="timeout for ingest (default: the stage's)"
    )
    ap.add_argument("--results", type=Path, default=None, help="append the Markdown section to this file")
    ap.add_argument("--keep", action="store_true", help="keep the stage folders under --work")
    ap.add_argument("--stages", default="ingest,annotate,select,build-sft",
                    help="stages to measure (comma list); without ingest and annotate, the later stages get the "
                         "warm-up's 1,000 annotated rows repeated to each size")
    ap.add_argument("--data", type=Path, default=None,
                    help="keep the generated JSONL inputs here between runs (default: deleted after use)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    free = shutil.disk_usage(args.work.parent).free
    need = sizes[-1] * (TRACE_CHARS + 2000) * 2.2  # the JSONL, then ingest + annotate folders (zstd)
    if free < need:
        print(
            f"need ~{need / 2**30:.1f} GiB free under {args.work.parent}, have {free / 2**30:.1f}",
            file=sys.stderr,
        )
        return 1
    args.work.mkdir(parents=True, exist_ok=True)
    if args.data:
        args.data.mkdir(parents=True, exist_ok=True)
    warmup, seed_annotate = machine_speed(args.work, args.stage_timeout)
    if seed_annotate["rc"] != 0:
        print(f"annotate failed on 1,000 rows: {seed_annotate.get('log_tail')}", file=sys.stderr)
        return 1
    results: list[dict] = []
    fallback = args.work / "warmup" / "annotate"
    try:
        for i, rows in enumerate(sizes):
            timeout = args.small_timeout if i == 0 and args.small_timeout else args.stage_timeout
            results += run_size(rows, args.work, timeout, args.ingest_timeout or timeout, fallback, args.data,
                                set(args.stages.split(",")))
            if (args.work / f"n{rows}" / "annotate" / "_SUCCESS").exists():
                fallback = args.work / f"n{rows}" / "annotate"
    finally:
        (args.work / "results.json").write_text(json.dumps({"warmup": warmup, "results": results}, indent=1))
        text = markdown(results, warmup, seed_annotate, sizes)
        print(text)
        if args.results:
            with open(args.results, "a", encoding="utf-8") as f:
                f.write(text)
        if not args.keep:
            for rows in sizes:
                shutil.rmtree(args.work / f"n{rows}", ignore_errors=True)
            shutil.rmtree(args.work / "warmup", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
