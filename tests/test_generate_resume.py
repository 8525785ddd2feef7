"""Crash and resume with real components: SIGKILL a `naturalthoughts generate` subprocess that runs the
in-process llama.cpp backend on the embedded SmolLM2-135M once a shard is finished, run the same command
again, and check every row exactly once, the finished shards untouched and no request repeated for finished
rows (from the row cache and the run statistics in the manifest)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import smollm2_gguf

from naturalthoughts.core.datafiles import sha256_file
from naturalthoughts.core.progress import PROGRESS_FILE
from naturalthoughts.core.store import Manifest, is_complete, read_table
from naturalthoughts.stages.generation.questions import bundled_sample_pool

pytestmark = pytest.mark.slow
SRC = str(Path(__file__).resolve().parents[1] / "src")
QUESTIONS, ROWS_PER_SHARD = 24, 4


def _cache_rows(cache: Path) -> int:
    if not cache.exists():
        return 0
    db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=5)
    try:
        return db.execute("SELECT COUNT(*) FROM completions").fetchone()[0]
    except sqlite3.OperationalError:  # table not created yet
        return 0
    finally:
        db.close()


def _finished_shards(out: Path) -> list[dict]:
    try:  # written atomically (temp file + rename): either the old or the new version, never half
        return json.loads((out / PROGRESS_FILE).read_text())["shards"]
    except FileNotFoundError:
        return []


def _untouched(out: Path) -> dict[str, tuple[str, int, int]]:
    files = sorted((out / "data").glob("*"))
    return {p.name: (sha256_file(p), p.stat().st_ino, p.stat().st_mtime_ns) for p in files}


def test_sigkill_after_a_shard_then_rerun_keeps_it_and_asks_only_for_the_rest(tmp_path):
    pytest.importorskip("llama_cpp")
    smollm2_gguf()
    lines = bundled_sample_pool().read_text().splitlines()[:QUESTIONS]
    qfile = tmp_path / "q.jsonl"
    qfile.write_text("\n".join(lines) + "\n")
    ids = [json.loads(line)["id"] for line in lines]
    cache, out = tmp_path / "c.sqlite", tmp_path / "out"
    cmd = [sys.executable, "-m", "naturalthoughts", "generate", "--in", str(qfile), "--out", str(out),
           "--backend", "llamacpp", "--model", "smollm2-135m", "--max-tokens", "16",
           "--rows-per-shard", str(ROWS_PER_SHARD), "--cache", str(cache), "--no-progress"]
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        # Mid-way through a shard after a finished one: the open shard's answered rows are only in the cache.
        def midway() -> bool:
            done = _finished_shards(out)
            return bool(done) and _cache_rows(cache) - len(done) * ROWS_PER_SHARD >= 2

        while not midway():
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "no shard finished within 120 s"
            time.sleep(0.02)
    finally:
        proc.kill()  # SIGKILL (also after a failed wait: never leave it running)
        proc.wait()
    finished = _finished_shards(out)
    kept_rows = sum(s["rows"] for s in finished)
    before = _untouched(out)
    cached_before = _cache_rows(cache)
    assert not is_complete(out) and 1 <= len(finished) < QUESTIONS // ROWS_PER_SHARD
    assert {f"part-{s['index']:05d}.parquet" for s in finished} <= set(before)
    assert kept_rows < cached_before < QUESTIONS  # some answered rows belong to no finished shard

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr

    traces = read_table(out)
    assert traces.column("trace_id").to_pylist() == [f"{i}#0" for i in ids]  # every row, once, in order
    assert traces.column("error").null_count == QUESTIONS
    after = _untouched(out)
    for s in finished:  # finished shards untouched: same bytes, same file (inode and mtime)
        name = Path(s["path"]).name
        assert after[name] == before[name] and after[name][0] == s["sha256"]
    manifest = Manifest.load(out)
    listed = {o["path"]: o["sha256"] for o in manifest.outputs if o["path"].startswith("data/")}
    assert len(listed) == QUESTIONS // ROWS_PER_SHARD
    assert all(listed[s["path"]] == s["sha256"] for s in finished)

    # No request repeated for finished rows: the kept shards' questions were not even looked up, the rows
    # answered before the kill came from the cache, and only the rest was sent (the cache grew by just that).
    this_run = manifest.extra["resume"]["run_stats_this_run"]
    assert this_run["requests"] == QUESTIONS - kept_rows
    assert this_run["cache_hits"] == cached_before - kept_rows
    assert this_run["sent"] == QUESTIONS - cached_before == _cache_rows(cache) - cached_before
    # The manifest's counts cover every shard, the kept ones included.
    assert manifest.counts["out"] == manifest.counts["requests"] == manifest.counts["in"] == QUESTIONS
    assert manifest.counts["sent"] + manifest.counts["cache_hits"] == QUESTIONS
    assert manifest.extra["resume"]["shards_kept"] == len(finished)
