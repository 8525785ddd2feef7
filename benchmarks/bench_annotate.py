"""Annotation speed: lexical strategy detector, embeddings vs raw sentence-transformers, a 1,000-row default run.

    python benchmarks/bench_annotate.py [--traces 2000] [--rows 1000]

Prints a Markdown block for benchmarks/RESULTS.md (section ``annotate``). Ratios are measured within this run;
absolute numbers depend on the load, which is printed (other processes share the cores).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402

NEUTRAL = [
    "We substitute the value into the expression and simplify the terms.",
    "The numerator becomes a product of two linear factors.",
    "Multiplying both sides by the denominator removes the fraction.",
    "This gives a quadratic equation in the unknown variable.",
    "The coefficient of the middle term is negative here.",
    "Adding the two equations eliminates the second variable.",
    "The integral of the remaining term is elementary.",
    "Each term of the series is smaller than the previous one.",
]
CUES = ["Wait, that's not right.", "Let me verify this.", "Alternatively, use the formula.", "So far we have two terms.",
        "Case 1: the root is positive.", "Recall that the sum is fixed."]


def make_trace(rng: random.Random, target_chars: int) -> str:
    """An R1-like trace: mostly neutral sentences, a few strategy cues spread through it (no early exit)."""
    paragraphs, size = [], 0
    while size < target_chars:
        sentences = [rng.choice(NEUTRAL) for _ in range(rng.randint(2, 5))]
        if rng.random() < 0.15:
            sentences.insert(rng.randrange(len(sentences)), rng.choice(CUES))
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def best_of(fn, repeats: int = 3, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeats):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return min(times)


def cpu_and_wall(fn, repeats: int = 3) -> tuple[float, float]:
    """Best CPU seconds of this process and best wall seconds: on a shared machine the CPU time is what one
    core fully ours would take (the detector is single-threaded pure Python + C)."""
    cpu, wall = [], []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), min(wall)


def bench_lexical(n_traces: int) -> list[str]:
    from naturalthoughts.stages.annotation.length import load_tokenizer
    from naturalthoughts.stages.annotation.lexical import LexicalDetector
    from naturalthoughts.stages.annotation.steps import count_steps
    from naturalthoughts.stages.annotation.taxonomy import load_taxonomy

    rng = random.Random(0)
    count = load_tokenizer("smollm2-135m")
    probe = make_trace(rng, 16_000)
    chars = int(16_000 * 4000 / count(probe))  # scale to 4,000 SmolLM2 tokens
    traces = [make_trace(rng, chars) for _ in range(200)]
    tokens = np.mean([count(t) for t in traces[:20]])
    traces = (traces * (n_traces // len(traces) + 1))[:n_traces]
    taxonomy = load_taxonomy()
    lines = [f"Lexical strategy detection, {n_traces} traces of ~{tokens:,.0f} SmolLM2 tokens ({chars:,} chars), "
             "single-threaded; traces per CPU-second is the one-core rate, wall includes waiting for a shared core:", "",
             "| what | traces per CPU-second | traces/s wall |", "|---|---:|---:|"]
    for engine in ("ahocorasick", "regex"):
        det = LexicalDetector(taxonomy, engine=engine)
        cpu, wall = cpu_and_wall(lambda: [det.detect(t) for t in traces])
        lines.append(f"| detector, {engine} | {n_traces / cpu:,.0f} | {n_traces / wall:,.0f} |")
    cpu, wall = cpu_and_wall(lambda: [count_steps(t) for t in traces])
    lines.append(f"| step counting | {n_traces / cpu:,.0f} | {n_traces / wall:,.0f} |")
    det = LexicalDetector(taxonomy)
    cpu, wall = cpu_and_wall(lambda: [(det.detect(t), count_steps(t)) for t in traces])
    lines.append(f"| detector + steps (the `strategies` annotator's work) | {n_traces / cpu:,.0f} | {n_traces / wall:,.0f} |")
    return lines


def bench_embedding(n_texts: int) -> list[str]:
    import torch
    from annotation_fakes import synthetic_traces

    from naturalthoughts.llm.embed import auto_threads, bf16_supported, embed_texts, load_embedder

    texts = [r["question"] for r in synthetic_traces(n_texts, seed=1)]
    model = load_embedder()
    embed_texts(texts[:32])  # warm-up
    threads = auto_threads()
    use_bf16 = bf16_supported()

    def raw(bf16: bool):
        torch.set_num_threads(threads)
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            return model.encode(texts, batch_size=64)

    ours_cpu, raw_cpu, ours_wall, raw_wall = [], [], [], []
    for _ in range(5):  # interleaved, so load changes hit both alike
        c, w = cpu_and_wall(lambda: embed_texts(texts, threads=threads), 1)
        ours_cpu.append(c); ours_wall.append(w)  # noqa: E702
        c, w = cpu_and_wall(lambda: raw(use_bf16), 1)
        raw_cpu.append(c); raw_wall.append(w)  # noqa: E702
    fp32_cpu, _ = cpu_and_wall(lambda: embed_texts(texts, dtype="float32", threads=threads), 2)
    bf16_cpu, _ = cpu_and_wall(lambda: embed_texts(texts, dtype="bfloat16", threads=threads), 2)
    cos = (embed_texts(texts, dtype="float32") * embed_texts(texts, dtype="bfloat16")).sum(1)
    return [f"Embeddings, all-MiniLM-L6-v2, {n_texts} questions, batch 64, {threads} torch thread(s), "
            f"compute dtype {'bfloat16' if use_bf16 else 'float32'} (auto); best of 5 interleaved runs:", "",
            "| what | texts per CPU-second | texts/s wall |", "|---|---:|---:|",
            f"| `embed_texts` | {n_texts / min(ours_cpu):,.0f} | {n_texts / min(ours_wall):,.0f} |",
            f"| raw `SentenceTransformer.encode`, same settings | {n_texts / min(raw_cpu):,.0f} | {n_texts / min(raw_wall):,.0f} |",
            f"| **ratio embed_texts / raw** | **{min(raw_cpu) / min(ours_cpu):.2f}** | {min(raw_wall) / min(ours_wall):.2f} |",
            f"| float32 | {n_texts / fp32_cpu:,.0f} | |",
            f"| bfloat16 autocast | {n_texts / bf16_cpu:,.0f} ({fp32_cpu / bf16_cpu:.2f}x float32; min cosine to float32 {cos.min():.5f}) | |"]


def bench_annotate(rows: int, tmp: Path) -> list[str]:
    import pyarrow.parquet as pq
    from annotation_fakes import synthetic_traces

    from naturalthoughts.stages.annotation import run_annotate

    path = tmp / "traces.parquet"
    pq.write_table(pa.Table.from_pylist(synthetic_traces(rows)), path)
    t0 = time.perf_counter()
    manifest = run_annotate(path, tmp / "out", "length,strategies,domain,verbosity,embedding", progress=False)
    wall = time.perf_counter() - t0
    lines = [f"`run_annotate` on {rows} synthetic traces (~500 tokens each) with length,strategies,domain,verbosity,embedding "
             f"(embedded defaults, no LLM), fresh process state except the loaded models:", "",
             "| phase | seconds |", "|---|---:|"]
    for name, sec in manifest.timings.items():
        lines.append(f"| {name} | {sec:.2f} |")
    lines.append(f"| **wall, including reading and writing** | **{wall:.2f}** |")
    return lines


def main() -> None:
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--traces", type=int, default=2000)
    ap.add_argument("--texts", type=int, default=1000)
    ap.add_argument("--rows", type=int, default=1000)
    args = ap.parse_args()
    load = os.getloadavg()
    out = ["### annotate", "", f"Load average at start: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
           f"on {os.cpu_count()} cores (other helpers' jobs share them).", ""]
    with tempfile.TemporaryDirectory() as tmp:
        # The 1,000-row run goes first so that its time includes loading the models, as a user's first run would.
        out += bench_annotate(args.rows, Path(tmp)) + [""]
    out += bench_lexical(args.traces) + [""]
    out += bench_embedding(args.texts) + [""]
    load = os.getloadavg()
    out.append(f"Load average at end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
