"""Time `naturalthoughts run recipes/quickstart.yaml` from a cold run folder and print a Markdown block.

    python benchmarks/bench_quickstart.py                  # fresh run in benchmarks/out/quickstart (about 10 min)
    python benchmarks/bench_quickstart.py --summarize RUN  # only tabulate an existing run's stage times

Prints the wall time of the whole command, each stage instance's time (from the runner's state files), the
machine's load average before and after (other programs on the same cores make every number pessimistic), the
CPU share (user + system seconds of the whole process tree / wall / cores), the peak RSS of the largest single
process, the machine-speed figure (llama.cpp decode tokens/s of the embedded SmolLM2, 200 greedy tokens, measured
in the same session right after the run: speed here varies ~2x between days) and the time of a second,
all-skipped run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def decode_speed(tokens: int = 200) -> float:
    """llama.cpp decode tokens/s of SmolLM2-135M (the quickstart's teacher) on this machine, now."""
    from llama_cpp import Llama

    from naturalthoughts.core.models import resolve

    llm = Llama(model_path=resolve("smollm2-135m"), n_ctx=512, verbose=False)
    llm("Warm up.", max_tokens=8, temperature=0.0)
    t0 = time.perf_counter()
    # End-of-text is banned so every run decodes exactly ``tokens`` tokens, whatever the model would say.
    out = llm("Explain why the sky is blue, step by step.", max_tokens=tokens, temperature=0.0,
              logit_bias={llm.token_eos(): -1000.0})
    seconds = time.perf_counter() - t0
    return out["usage"]["completion_tokens"] / seconds


def stage_table(run: Path) -> list[str]:
    from naturalthoughts.stages.reporting.collect import _recipe_keys

    resolved = run / "recipe.resolved.yaml"
    wanted = _recipe_keys(resolved.read_text()) if resolved.exists() else None
    lines = ["| stage | seconds | rows |", "|---|---:|---:|"]
    total = 0.0
    for state_file in sorted((run / ".runner").glob("*.json"), key=lambda p: json.loads(p.read_text()).get("started_at", "")):
        state = json.loads(state_file.read_text())
        if wanted is not None and state["key"] not in wanted:
            continue  # an instance of an earlier version of the recipe
        seconds = float(state.get("seconds") or 0)
        total += seconds
        lines.append(f"| {state['key']} | {seconds:.1f} | {state.get('rows') if state.get('rows') is not None else ''} |")
    lines.append(f"| **sum of stages** | **{total:.1f}** | |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", default=str(ROOT / "benchmarks" / "out" / "quickstart"))
    parser.add_argument("--summarize", default=None, metavar="RUN", help="tabulate an existing run; run nothing")
    parser.add_argument("--warm-models", action="store_true",
                        help="reuse the converted student in ~/.cache/naturalthoughts/core/models (default: convert it "
                             "again in a fresh folder, as on a new machine)")
    args = parser.parse_args()
    if args.summarize:
        print("\n".join(stage_table(Path(args.summarize))))
        return 0
    run = Path(args.run_dir)
    shutil.rmtree(run, ignore_errors=True)
    cmd = [sys.executable, "-m", "naturalthoughts", "run", "recipes/quickstart.yaml", "--run-dir", str(run)]
    env = dict(os.environ)
    if not args.warm_models:  # a fresh machine converts the GGUF student to safetensors once (~35 s)
        env["NATURALTHOUGHTS_MODEL_CACHE"] = tempfile.mkdtemp(prefix="nt-bench-models-")
    before = load()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    after = load()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every finished descendant that was waited for
    cpu_share = (usage.ru_utime + usage.ru_stime) / wall / (os.cpu_count() or 1)
    peak_rss_mib = usage.ru_maxrss / 1024  # Linux: KiB; the largest single process, not the sum
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        return proc.returncode
    t1 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True, env=env)
    rerun = time.perf_counter() - t1
    last = [line for line in proc.stdout.splitlines() if line.strip()][-1]
    speed = decode_speed()
    print(f"`naturalthoughts run recipes/quickstart.yaml`, cold run folder, {os.cpu_count()} CPU cores, no GPU, no network.\n")
    print(f"- wall time: **{wall / 60:.1f} min** ({wall:.0f} s); load average before {before}, after {after}")
    print(f"- machine speed: llama.cpp decodes SmolLM2-135M at **{speed:.0f} tokens/s** (200 greedy tokens, right after)")
    print(f"- CPU share: {cpu_share:.0%} of {os.cpu_count()} cores; peak RSS of the largest process {peak_rss_mib:,.0f} MiB")
    print(f"- second run (everything up to date, all stages skipped): {rerun:.1f} s")
    print(f"- last line printed: `{last}`")
    print(f"- student conversion cache: {'warm' if args.warm_models else 'cold (converted during the run)'}\n")
    print("\n".join(stage_table(run)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
