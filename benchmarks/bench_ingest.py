"""Ingest throughput: read + normalise + exact/near dedup + 13-gram decontamination on a synthetic pool.

    python benchmarks/bench_ingest.py [--rows 20000]

The pool is random sentences over a 5,000-word vocabulary with 5% planted near duplicates (one word changed) and
1% planted exact duplicates, so the dedup counts can be checked against what was planted. Prints a Markdown block.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

from naturalthoughts.stages.ingest import ingest_questions


def make_pool(path: Path, rows: int, seed: int = 0) -> tuple[int, int]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(5000)]
    questions, near, exact = [], 0, 0
    for _ in range(rows):
        r = rng.random()
        if questions and r < 0.05:
            words = rng.choice(questions).split()
            words[rng.randrange(len(words))] = rng.choice(vocab)
            questions.append(" ".join(words))
            near += 1
        elif questions and r < 0.06:
            questions.append(rng.choice(questions).upper())
            exact += 1
        else:
            questions.append(" ".join(rng.choice(vocab) for _ in range(rng.randint(30, 80))) + "?")
    with open(path, "w") as f:
        for q in questions:
            f.write(json.dumps({"question": q, "reference_answer": "x"}) + "\n")
    return near, exact


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pool = tmp / "pool.jsonl"
        near, exact = make_pool(pool, args.rows)
        evaluation = tmp / "eval.jsonl"
        lines = pool.read_text().splitlines()
        with open(evaluation, "w") as f:  # 1,000 evaluation questions; 100 of them copied from the pool
            for i in range(1000):
                q = json.loads(lines[i * 7])["question"] if i < 100 else " ".join(f"e{i}x{j}" for j in range(40))
                f.write(json.dumps({"question": q}) + "\n")
        results = []
        for dedup in ("none", "exact", "near"):
            t0 = time.perf_counter()
            m = ingest_questions(pool, tmp / f"out-{dedup}", dedup=dedup, decontaminate=[evaluation])
            dt = time.perf_counter() - t0
            results.append((dedup, dt, m.counts))
    load = os.getloadavg()[0]
    print(f"### ingest ({args.rows:,} synthetic questions, 30-80 words; planted {near} near and ~{exact} exact "
          f"duplicates; 1,000 eval questions; load average {load:.1f} on {os.cpu_count()} cores)\n")
    print("| dedup | seconds | rows/s | out | dropped |")
    print("|---|---:|---:|---:|---|")
    for dedup, dt, c in results:
        print(f"| {dedup} | {dt:.1f} | {args.rows / dt:,.0f} | {c['out']:,} | {json.dumps(c['dropped'])} |")


if __name__ == "__main__":
    main()
