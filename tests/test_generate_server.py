"""generate against a real llama.cpp OpenAI-compatible server: fault injection and SIGKILL/resume.

A FaultProxy (tests/fault_proxy.py) sits between the client and the server on 127.0.0.1, injects 429s, 500s,
timeouts, empty and malformed 200 bodies, and counts the requests it sees per prompt.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fault_proxy import FaultProxy

from naturalthoughts.core.store import is_complete, read_table
from naturalthoughts.llm.backends.base import BackendSpec, SamplingParams
from naturalthoughts.llm.backends.openai_compat import OpenAIBackend
from naturalthoughts.llm.cache import request_key
from naturalthoughts.llm.runner import cache_model_key
from naturalthoughts.stages.generation.generate import build_requests
from naturalthoughts.stages.generation.prompts import load_template
from naturalthoughts.stages.generation.questions import load_questions
from naturalthoughts.stages.generation.run import run_generate

pytestmark = pytest.mark.slow
SRC = str(Path(__file__).resolve().parents[1] / "src")


def _questions_file(path: Path, k: int) -> Path:
    topics = ["rain", "bridges", "taxes", "vaccines", "rivers", "poems", "soil", "armies", "markets", "schools"]
    path.write_text("".join(json.dumps({"id": f"q{i}", "question": f"In one sentence, why do {topics[i % 10]} "
                                        f"matter? (case {i})"}) + "\n" for i in range(k)))
    return path


def _upstream(base_url: str) -> str:
    return base_url.rsplit("/v1", 1)[0]


def test_faults_are_retried_and_every_row_completes_once(llama_server, tmp_path):
    plan = ["429", "500", "timeout", "empty", "malformed", "429"]
    qfile = _questions_file(tmp_path / "q.jsonl", 5)
    # The injected "timeout" fault sleeps past the client's timeout. On a loaded machine a real generation can
    # also exceed it (the server answers one request at a time); such a request reached the server, was given up
    # by the client and retried, so it is accounted for exactly: forwarded - rows = real timeouts.
    with FaultProxy(_upstream(llama_server), plan, timeout_sleep_s=7) as proxy:
        spec = BackendSpec(backend="openai", model="smollm2-135m", base_url=proxy.base_url, concurrency=2,
                           options={"timeout_s": 6, "backoff_base_s": 0.05, "max_retries": 8})
        manifest = run_generate(qfile, tmp_path / "out", spec, SamplingParams(max_tokens=8), n=1,
                                cache=tmp_path / "c.sqlite", progress=False)
    traces = read_table(tmp_path / "out")
    assert traces.column("trace_id").to_pylist() == [f"q{i}#0" for i in range(5)]  # every row, exactly once
    assert traces.column("error").null_count == 5  # no row failed in the end
    assert all(r for r in traces.column("response").to_pylist())
    assert dict(proxy.injected) == {"429": 2, "500": 1, "timeout": 1, "empty": 1, "malformed": 1}
    assert proxy.upstream_errors == 0
    real_timeouts = proxy.forwarded - 5
    assert sum(proxy.per_prompt.values()) == 5 + len(plan) + real_timeouts
    assert manifest.counts["retries"] == len(plan) + real_timeouts and manifest.counts["failed"] == 0
    assert manifest.counts["sent"] == 5 and manifest.extra["run_stats"]["retries"] == manifest.counts["retries"]


def test_fault_beyond_retry_budget_is_recorded_not_dropped(llama_server, tmp_path):
    qfile = _questions_file(tmp_path / "q.jsonl", 2)
    with FaultProxy(_upstream(llama_server), ["500", "500"]) as proxy:
        spec = BackendSpec(backend="openai", model="smollm2-135m", base_url=proxy.base_url, concurrency=1,
                           options={"backoff_base_s": 0.01, "max_retries": 1})
        manifest = run_generate(qfile, tmp_path / "out", spec, SamplingParams(max_tokens=8), cache=tmp_path / "c.sqlite",
                                progress=False)
    rows = read_table(tmp_path / "out").to_pylist()
    assert [r["trace_id"] for r in rows] == ["q0#0", "q1#0"]
    assert rows[0]["qc_flags"] == ["request_failed"] and rows[0]["error"].startswith("http_500")
    assert rows[1]["error"] is None
    assert manifest.counts["failed"] == 1 and manifest.counts["errors"] == {"http_500": 1}


def _cached_keys(cache: Path) -> set[str]:
    if not cache.exists():
        return set()
    db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=5)
    try:
        return {k for (k,) in db.execute("SELECT key FROM completions")}
    except sqlite3.OperationalError:  # table not created yet
        return set()
    finally:
        db.close()


def test_sigkill_midway_then_rerun_sends_nothing_already_done(llama_server, tmp_path):
    k = 6
    qfile = _questions_file(tmp_path / "q.jsonl", k)
    cache, out = tmp_path / "c.sqlite", tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with FaultProxy(_upstream(llama_server), delay_s=0.2) as proxy:
        cmd = [sys.executable, "-m", "naturalthoughts", "generate", "--in", str(qfile), "--out", str(out),
               "--backend", "openai", "--model", "smollm2-135m", "--base-url", proxy.base_url, "--concurrency", "1",
               "--max-tokens", "8", "--template", "teacher-default", "--cache", str(cache), "--no-progress"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while len(_cached_keys(cache)) < 2:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "no progress within 120 s"
                time.sleep(0.05)
        finally:
            proc.kill()  # SIGKILL midway (or after a failed wait: never leave it running)
            proc.wait()
        time.sleep(0.5)  # let an in-flight request finish at the proxy so its count is settled
        done_before = _cached_keys(cache)
        seen_before = dict(proxy.per_prompt)
        assert 2 <= len(done_before) < k and not is_complete(out)

        rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        seen_after = dict(proxy.per_prompt)

    traces = read_table(out)
    assert traces.column("trace_id").to_pylist() == [f"q{i}#0" for i in range(k)]  # all rows, exactly once
    assert traces.column("error").null_count == k
    questions, _ = load_questions(qfile)
    params = SamplingParams(max_tokens=8, temperature=0.6, top_p=0.95, seed=0)  # the CLI defaults used above
    reqs = build_requests(questions, load_template("teacher-default"), params, 1)
    # the cache keys a served model by its name and what the server reports (the proxy forwards /models)
    served = OpenAIBackend(BackendSpec(backend="openai", model="smollm2-135m", base_url=llama_server))
    mkey = cache_model_key(served)
    finished = [request_key(mkey, r) in done_before for r in reqs]
    assert sum(finished) == len(done_before)
    for req, was_done in zip(reqs, finished):
        prompt = req.messages[-1][1]
        if was_done:  # completed before the kill: the server saw no new request for it
            assert seen_after[prompt] == seen_before[prompt], prompt
        else:
            assert seen_after[prompt] == seen_before.get(prompt, 0) + 1, prompt
    assert f"cache hits: {len(done_before)}" in rerun.stdout
