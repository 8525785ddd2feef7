"""Benchmark the generate stage; prints a Markdown block for benchmarks/RESULTS.md (section `generate`).

1. Throughput of the ``openai`` backend (through ``run_requests`` with a fresh row cache, as the stage runs it)
   against a real local llama.cpp server, as a ratio to a bare ``httpx`` async loop sending the same requests at
   the same concurrency. Runs alternate (bare, ours, bare, ours, ...) so load from other processes hits both
   alike; greedy decoding makes both generate the same tokens. Target: ratio >= 0.95.
2. Cache-hit re-run speed: 10,000 rows already in the cache, answered through ``generate_traces`` (request
   building, cache keys, SQLite look-up, trace parsing, Arrow table). Target: >= 20,000 rows/s.

    python benchmarks/bench_generate.py [--prompts 12] [--max-tokens 16] [--concurrency 4] [--rounds 6]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pyarrow as pa  # noqa: E402

from naturalthoughts.core.models import resolve  # noqa: E402
from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, Completion, SamplingParams  # noqa: E402
from naturalthoughts.llm.backends.fake import FakeBackend  # noqa: E402
from naturalthoughts.llm.backends.openai_compat import OpenAIBackend  # noqa: E402
from naturalthoughts.llm.cache import RequestCache, request_key  # noqa: E402
from naturalthoughts.llm.runner import RunStats, run_requests  # noqa: E402
from naturalthoughts.stages.generation.generate import build_requests, generate_traces  # noqa: E402
from naturalthoughts.stages.generation.prompts import load_template  # noqa: E402


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", resolve("smollm2-135m"),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(480):
        try:
            with urllib.request.urlopen(url + "/models", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise RuntimeError("llama_cpp.server did not start")


def make_requests(k: int, max_tokens: int) -> list[ChatRequest]:
    params = SamplingParams(max_tokens=max_tokens, temperature=0.0, top_p=1.0, seed=0)
    return [ChatRequest.chat([{"role": "user", "content": f"Explain briefly why topic number {i} matters."}],
                             params=params) for i in range(k)]


async def bare_loop(url: str, requests: list[ChatRequest], concurrency: int) -> int:
    """The reference: plain httpx, a semaphore, the same JSON bodies. Returns completion tokens."""
    import httpx

    sem = asyncio.Semaphore(concurrency)
    tokens = 0
    async with httpx.AsyncClient(timeout=600, limits=httpx.Limits(max_connections=concurrency)) as client:

        async def one(req: ChatRequest) -> None:
            nonlocal tokens
            p = req.params
            body = {"model": "smollm2-135m", "messages": req.message_dicts(), "max_tokens": p.max_tokens,
                    "temperature": p.temperature, "top_p": p.top_p, "seed": p.seed}
            async with sem:
                r = await client.post(url + "/chat/completions", json=body)
                tokens += r.json()["usage"]["completion_tokens"]

        await asyncio.gather(*(one(r) for r in requests))
    return tokens


def ours(url: str, requests: list[ChatRequest], concurrency: int, cache_dir: str, round_no: int) -> int:
    backend = OpenAIBackend(BackendSpec(backend="openai", model="smollm2-135m", base_url=url, concurrency=concurrency))
    stats = RunStats()
    with RequestCache(os.path.join(cache_dir, f"bench-{round_no}.sqlite")) as cache:
        out = run_requests(backend, requests, cache, stats=stats)
    assert all(c.ok for c in out) and stats.sent == len(requests)
    return stats.completion_tokens


def bench_throughput(args: argparse.Namespace) -> list[str]:
    proc, url = start_server()
    try:
        reqs = make_requests(args.prompts, args.max_tokens)
        asyncio.run(bare_loop(url, reqs[:2], 1))  # warm-up
        t_bare = t_ours = 0.0
        tok_bare = tok_ours = 0
        round_ratios = []
        with tempfile.TemporaryDirectory() as d:
            for r in range(args.rounds):
                # alternate which arm goes first, so load drift on this shared machine cancels out
                arms = ["bare", "ours"] if r % 2 == 0 else ["ours", "bare"]
                took = {}
                for arm in arms:
                    t0 = time.perf_counter()
                    if arm == "bare":
                        tok_bare += asyncio.run(bare_loop(url, reqs, args.concurrency))
                    else:
                        tok_ours += ours(url, reqs, args.concurrency, d, r)
                    took[arm] = time.perf_counter() - t0
                t_bare += took["bare"]
                t_ours += took["ours"]
                round_ratios.append(took["bare"] / took["ours"])
    finally:
        proc.kill()
        proc.wait()
    n = args.prompts * args.rounds
    ratio = (n / t_ours) / (n / t_bare)
    return [
        f"| openai backend vs bare httpx loop (llama.cpp server, SmolLM2-135M, {args.prompts} prompts x "
        f"{args.rounds} rounds, max_tokens {args.max_tokens}, concurrency {args.concurrency}) | "
        f"bare {n / t_bare:.2f} rows/s ({tok_bare / t_bare:.0f} tok/s); ours {n / t_ours:.2f} rows/s "
        f"({tok_ours / t_ours:.0f} tok/s); same tokens: {tok_bare == tok_ours} | **ratio {ratio:.3f}** (target >= 0.95); "
        f"per round: {', '.join(f'{x:.2f}' for x in round_ratios)} |",
    ]


def bench_cache_hits(rows: int) -> list[str]:
    import random

    rng = random.Random(0)
    vocab = [f"{stem}{i}" for stem in ("load", "span", "wind", "mass", "check", "wait") for i in range(80)]
    vocab += "the a of to and we so is it this that then if but not because therefore".split() * 6

    def para(words: int) -> str:
        return " ".join(rng.choice(vocab) for _ in range(words))

    # ~300-word reasoning + ~60-word answer, varied per row (no repetition loop), like a short teacher trace
    texts = [f"<think>\n{para(300)}\n</think>\n\n{para(60)}" for _ in range(50)]
    qs = pa.table({"id": [f"q{i}" for i in range(rows)],
                   "question": [f"Question {i}: why does the {i}th bridge sway in the wind?" for i in range(rows)]})
    spec = BackendSpec(backend="fake", model="fake")
    params = SamplingParams(max_tokens=1024)
    template = load_template("teacher-default")
    with tempfile.TemporaryDirectory() as d:
        cache = RequestCache(os.path.join(d, "c.sqlite"))
        reqs = build_requests(qs, template, params, 1)
        cache.put_many((request_key("fake:fake", r), Completion(text=texts[i % len(texts)], finish_reason="stop",
                                                                prompt_tokens=20, completion_tokens=450, max_tokens=1024))
                       for i, r in enumerate(reqs))
        backend = FakeBackend(spec)
        # warm-up on 10 rows: one-off imports (pyarrow pulls in pandas lazily) are start-up, not per-row cost
        generate_traces(qs.slice(0, 10), spec, params, template=template, cache=cache, progress=False, backend=backend)
        t0, c0 = time.perf_counter(), time.process_time()
        stats = RunStats()
        run_requests(backend, reqs, cache, stats=stats)
        t_runner, c_runner = time.perf_counter() - t0, time.process_time() - c0
        assert stats.cache_hits == rows and backend.calls == 0
        t0, c0 = time.perf_counter(), time.process_time()
        traces, stats = generate_traces(qs, spec, params, template=template, cache=cache, progress=False,
                                        backend=backend)
        t_stage, c_stage = time.perf_counter() - t0, time.process_time() - c0
        assert traces.num_rows == rows and stats.cache_hits == rows and backend.calls == 0
        cache.close()
    return [
        f"| cache-hit re-run, run_requests only ({rows:,} cached rows) | {rows / t_runner:,.0f} rows/s wall, "
        f"{rows / c_runner:,.0f} rows/s per CPU-second | target >= 20,000 rows/s |",
        f"| cache-hit re-run, whole generate_traces ({rows:,} rows of ~360 words: keys, look-up, parse + QC, Arrow) | "
        f"{rows / t_stage:,.0f} rows/s wall, {rows / c_stage:,.0f} rows/s per CPU-second | target >= 20,000 rows/s |",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prompts", type=int, default=12)
    ap.add_argument("--max-tokens", type=int, default=16)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--cache-rows", type=int, default=10_000)
    ap.add_argument("--skip-server", action="store_true")
    args = ap.parse_args()
    load_before = os.getloadavg()
    lines = ["| measurement | result | note |", "|---|---|---|"]
    lines += bench_cache_hits(args.cache_rows)
    if not args.skip_server:
        lines += bench_throughput(args)
    load_after = os.getloadavg()
    print(f"`python benchmarks/bench_generate.py` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} CPU cores shared with other jobs; load average before {load_before[0]:.2f}, "
          f"after {load_after[0]:.2f})\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
