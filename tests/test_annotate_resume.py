"""Crash and resume for `annotate`: SIGKILL a `naturalthoughts annotate` subprocess (the real annotators, the
SmolLM2 tokenizer for length) once a shard is finished, run the same command again, and check every row exactly
once in input order, the finished shards untouched (same sha256, inode, mtime) and their rows not annotated
again (the manifest's resume record)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from naturalthoughts.core.datafiles import sha256_file
from naturalthoughts.core.progress import PROGRESS_FILE
from naturalthoughts.core.store import Manifest, is_complete, read_table, write_stage

pytestmark = pytest.mark.slow
SRC = str(Path(__file__).resolve().parents[1] / "src")
ROWS, BATCH, PER_SHARD = 1200, 40, 120

PARAGRAPHS = [
    "Let me restate the problem: the beam carries a load at its middle and we want the deflection.",
    "Wait, I should check the units first, since the modulus is given in gigapascals.",
    "Alternatively, I could use energy methods and compare the two answers.",
    "So the deflection is PL^3 / 48EI, which gives about 2 mm here.",
    "Let me verify: doubling the length multiplies it by eight, as expected.",
]


def _traces(folder: Path) -> list[str]:
    ids = [f"q{i:05d}" for i in range(ROWS)]
    text = ["\n\n".join(PARAGRAPHS[(i + k) % len(PARAGRAPHS)] for k in range(3 + i % 4)) for i in range(ROWS)]
    table = pa.table({"id": ids, "trace_id": [f"{i}#0" for i in ids], "question": ["How far does it bend?"] * ROWS,
                      "reasoning": text, "response": ["About 2 mm."] * ROWS})
    write_stage(folder, table, stage="generate", config={}, rows_per_shard=500)
    return [f"{i}#0" for i in ids]


def _finished(out: Path) -> list[dict]:
    try:
        return json.loads((out / PROGRESS_FILE).read_text())["shards"]
    except FileNotFoundError:
        return []


def _untouched(out: Path, names: list[str]) -> dict[str, tuple]:
    return {n: (sha256_file(out / n), (out / n).stat().st_ino, (out / n).stat().st_mtime_ns) for n in names}


def test_sigkill_mid_annotate_then_rerun_keeps_finished_shards(tmp_path):
    trace_ids = _traces(tmp_path / "traces")
    out = tmp_path / "ann"
    cmd = [sys.executable, "-m", "naturalthoughts", "annotate", "--in", str(tmp_path / "traces"), "--out", str(out),
           "--annotators", "length,strategies,verbosity", "--tokenizer", "smollm2-135m", "--batch-size", str(BATCH),
           "--rows-per-shard", str(PER_SHARD), "--workers", "1", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 240
    try:
        while len(_finished(out)) < 2:
            assert proc.poll() is None, proc.stdout.read().decode()[-3000:]
            assert time.monotonic() < deadline, "no shard finished within 240 s"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    done = _finished(out)
    assert 2 <= len(done) < ROWS // PER_SHARD and not is_complete(out)
    before = _untouched(out, [e["path"] for e in done])

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-3000:]
    assert _untouched(out, list(before)) == before  # the finished shards were not rewritten
    table = read_table(out, columns=["trace_id", "num_strategies", "reasoning_tokens"])
    assert table.column("trace_id").to_pylist() == trace_ids  # every row exactly once, in input order
    assert table.column("reasoning_tokens").null_count == 0
    resume = Manifest.load(out).extra["resume"]
    assert resume["shards_kept"] >= len(done) and resume["rows_kept"] == len(done) * PER_SHARD
    assert resume["rows_annotated_this_run"] == ROWS - resume["rows_kept"]

    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)  # all finished: nothing to do
    assert again.returncode == 0 and Manifest.load(out).extra["resume"]["rows_annotated_this_run"] == 0
    assert read_table(out, columns=["trace_id"]).column("trace_id").to_pylist() == trace_ids
