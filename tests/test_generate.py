"""generate stage: row order, n samples, failed rows kept, --retry-truncated, bad input, CLI exit codes.

These use the deterministic FakeBackend (or a counting wrapper around it); the real-model paths are covered in
tests/test_generate_server.py (llama.cpp server, faults, crash/resume) and tests/test_backends_llamacpp.py.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from naturalthoughts.core.io import BadRowError
from naturalthoughts.core.schema import TRACE_SCHEMA
from naturalthoughts.core.store import Manifest, read_table
from naturalthoughts.llm.backends.base import BackendSpec, Completion, SamplingParams
from naturalthoughts.llm.backends.fake import FakeBackend
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.generation.generate import generate_traces
from naturalthoughts.stages.generation.prompts import available_templates, load_template
from naturalthoughts.stages.generation.questions import load_questions
from naturalthoughts.stages.generation.run import run_generate

FAKE = BackendSpec(backend="fake", model="fake")


def _questions(k: int = 3) -> pa.Table:
    return pa.table({"id": [f"q{i}" for i in range(k)], "question": [f"What is {i} plus {i}?" for i in range(k)]})


class FailingEvery(FakeBackend):
    """FakeBackend whose requests for questions containing ``marker`` fail (as a backend reports failures)."""

    def __init__(self, spec: BackendSpec, marker: str) -> None:
        super().__init__(spec)
        self.marker = marker

    def _complete(self, req):  # type: ignore[override]
        if self.marker in req.messages[-1][1]:
            self.calls += 1
            return Completion(text=None, finish_reason="error", error="http_500: boom", attempts=3)
        return super()._complete(req)


def test_rows_in_input_order_times_samples_with_schema(tmp_path):
    traces, stats = generate_traces(_questions(3), FAKE, SamplingParams(max_tokens=64), n=2,
                                    template="teacher-think", cache=tmp_path / "c.sqlite", progress=False)
    assert traces.schema.names[: len(TRACE_SCHEMA)] == TRACE_SCHEMA.names
    assert traces.column("trace_id").to_pylist() == ["q0#0", "q0#1", "q1#0", "q1#1", "q2#0", "q2#1"]
    assert traces.column("prompt_version").to_pylist() == ["teacher-think@1"] * 6
    assert traces.column("teacher_model").to_pylist() == ["fake:fake"] * 6
    gen = [json.loads(g) for g in traces.column("gen_params").to_pylist()]
    assert [g["seed"] for g in gen] == [0, 1, 0, 1, 0, 1]  # sample i uses seed + i
    assert all(r and "answer is" in r for r in traces.column("reasoning").to_pylist())
    assert stats.requests == 6 and stats.sent == 6 and stats.cache_hits == 0


def test_rerun_is_served_from_cache_without_calls(tmp_path):
    cache = RequestCache(tmp_path / "c.sqlite")
    first, _ = generate_traces(_questions(4), FAKE, SamplingParams(max_tokens=64), cache=cache, progress=False)
    backend = FakeBackend(FAKE)
    again, stats = generate_traces(_questions(4), FAKE, SamplingParams(max_tokens=64), cache=cache,
                                   progress=False, backend=backend)
    assert backend.calls == 0 and stats.cache_hits == 4
    assert again.column("response").to_pylist() == first.column("response").to_pylist()


def test_failed_requests_are_kept_flagged_and_counted(tmp_path):
    backend = FailingEvery(FAKE, marker="1 plus 1")
    traces, stats = generate_traces(_questions(3), FAKE, SamplingParams(max_tokens=64), cache=tmp_path / "c.sqlite",
                                    progress=False, backend=backend)
    rows = traces.to_pylist()
    assert len(rows) == 3
    assert rows[1]["qc_flags"] == ["request_failed"] and rows[1]["error"] == "http_500: boom"
    assert rows[1]["finish_reason"] == "error" and rows[1]["response"] is None
    assert rows[0]["error"] is None and rows[2]["error"] is None
    assert stats.failed == 1 and stats.retries == 2 and stats.errors == {"http_500": 1}
    # the failure is not cached: the next run asks again
    retry_backend = FakeBackend(FAKE)
    _, stats2 = generate_traces(_questions(3), FAKE, SamplingParams(max_tokens=64), cache=tmp_path / "c.sqlite",
                                progress=False, backend=retry_backend)
    assert retry_backend.calls == 1 and stats2.cache_hits == 2 and stats2.failed == 0


def test_retry_truncated_rerequests_only_length_rows_with_larger_budget(tmp_path):
    # FakeBackend truncates at max_tokens words; a question with a long text yields a longer answer.
    qs = pa.table({"id": ["short", "long"],
                   "question": ["Hi?", "Explain " + " ".join(["very"] * 30) + " long things?"]})
    cache = RequestCache(tmp_path / "c.sqlite")
    small = SamplingParams(max_tokens=25)
    first, _ = generate_traces(qs, FAKE, small, template="teacher-default", cache=cache, progress=False)
    assert first.column("finish_reason").to_pylist() == ["stop", "length"]
    assert first.column("qc_flags").to_pylist()[1] == ["unclosed_think", "truncated"] or "truncated" in first.column("qc_flags").to_pylist()[1]

    # same budget, no flag: the truncated row is reused as it is
    backend = FakeBackend(FAKE)
    same, stats = generate_traces(qs, FAKE, small, template="teacher-default", cache=cache, progress=False,
                                  backend=backend)
    assert backend.calls == 0 and stats.cache_hits == 2

    # larger budget + retry_truncated: only the truncated row goes out, under the new max_tokens
    seen: list[int] = []

    class Recording(FakeBackend):
        def _complete(self, req):  # type: ignore[override]
            seen.append(req.params.max_tokens)
            return super()._complete(req)

    big = SamplingParams(max_tokens=200)
    backend = Recording(FAKE)
    redone, stats = generate_traces(qs, FAKE, big, template="teacher-default", cache=cache, progress=False,
                                    backend=backend, retry_truncated=True)
    assert seen == [200] and stats.cache_hits == 1 and stats.sent == 1
    assert redone.column("finish_reason").to_pylist() == ["stop", "stop"]
    assert json.loads(redone.column("gen_params")[1].as_py())["max_tokens"] == 200
    # the finished short row kept its original answer (reused although max_tokens changed)
    assert redone.column("response")[0].as_py() == first.column("response")[0].as_py()


def test_templates_are_versioned_files_and_render_options():
    assert {"teacher-default", "teacher-think", "teacher-mcq"} <= set(available_templates())
    t = load_template("teacher-default")
    assert t.prompt_version == "teacher-default@1" and t.system is None
    msgs = t.messages({"question": "Which is a prime?", "options": ["4", "7"]})
    assert msgs == (("user", "Which is a prime?\n\nA. 4\nB. 7"),)
    think = load_template("teacher-think")
    assert think.assistant_prefix == "<think>\n" and think.messages({"question": "Q"})[0][0] == "system"
    with pytest.raises(ValueError, match="unknown prompt template"):
        load_template("no-such-template")


def _write_jsonl(path, lines):
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_bad_rows_name_file_line_and_field(tmp_path):
    f = _write_jsonl(tmp_path / "q.jsonl", [b'{"question": "ok one"}', b'{"id": "a"}', b'{"question": "  "}',
                                           b'{"id": "d", "question": "x"}', b'{"id": "d", "question": "y"}'])
    with pytest.raises(BadRowError, match=r"q\.jsonl:2: field 'question'"):
        load_questions(f)
    table, rejects = load_questions(f, on_bad_row="skip")
    assert table.column("question").to_pylist() == ["ok one", "x"]
    assert [(r.reason, r.line, r.field) for r in rejects] == [
        ("missing_question", 2, "question"), ("empty_question", 3, "question"), ("duplicate_id", 5, "id")]
    assert table.column("id")[0].as_py().startswith("q-")  # derived from the text


def test_run_generate_writes_stage_with_manifest_counts(tmp_path):
    f = _write_jsonl(tmp_path / "q.jsonl", [b'{"question": "one?"}', b'not json', b'{"question": "two?"}'])
    m = run_generate(f, tmp_path / "out", FAKE, SamplingParams(max_tokens=64), n=2, cache=tmp_path / "c.sqlite",
                     progress=False, on_bad_row="skip")
    assert read_table(tmp_path / "out").num_rows == 4
    assert m.counts["in"] == 2 and m.counts["out"] == 4 and m.counts["failed"] == 0
    assert m.counts["rejected"] == {"malformed_json": 1}
    assert set(m.counts["flags"]) >= {"no_think", "truncated", "request_failed"}
    assert m.config["template"] == "teacher-default@1" and m.config["backend"]["backend"] == "fake"
    assert (tmp_path / "out" / "rejects.parquet").exists()
    assert Manifest.load(tmp_path / "out").extra["run_stats"]["sent"] == 4


def test_cli_summary_and_nonzero_exit_when_rows_fail(tmp_path, capsys):
    f = _write_jsonl(tmp_path / "q.jsonl", [b'{"question": "one?"}', b'{"question": "two?"}'])
    rc = cli_main(["generate", "--in", str(f), "--out", str(tmp_path / "ok"), "--backend", "fake", "--model", "fake",
                   "-n", "2", "--no-progress"])
    out = capsys.readouterr().out
    assert rc == 0 and "4 rows (2 questions x 2)" in out and "cache hits: 0" in out
    # an unreachable endpoint: every row fails after its retries, the rows are still written, exit status 1
    rc = cli_main(["generate", "--in", str(f), "--out", str(tmp_path / "bad"), "--backend", "openai",
                   "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--backend-option", "max_retries=1",
                   "--backend-option", "backoff_base_s=0.01", "--no-progress"])
    captured = capsys.readouterr()
    assert rc == 1 and "2 row(s) failed" in captured.err and "connection_error" in captured.out
    bad = read_table(tmp_path / "bad").to_pylist()
    assert [r["qc_flags"] for r in bad] == [["request_failed"]] * 2
    assert all(r["error"].startswith("connection_error") for r in bad)


def test_api_key_never_reaches_manifest_rows_or_cache(tmp_path, monkeypatch):
    secret = "sk-do-not-leak-4242"
    monkeypatch.setenv("NT_SECRET_KEY", secret)
    f = _write_jsonl(tmp_path / "q.jsonl", [b'{"question": "one?"}'])
    spec = BackendSpec(backend="openai", model="m", base_url="http://127.0.0.1:9/v1", api_key_env="NT_SECRET_KEY",
                       options={"max_retries": 0})
    m = run_generate(f, tmp_path / "out", spec, SamplingParams(max_tokens=8), cache=tmp_path / "c.sqlite",
                     progress=False)
    assert m.counts["failed"] == 1 and m.config["backend"]["api_key_env"] == "NT_SECRET_KEY"
    for path in (p for p in (tmp_path / "out").rglob("*") if p.is_file()):  # shards, manifest, progress
        assert secret.encode() not in path.read_bytes(), path
    assert secret.encode() not in (tmp_path / "c.sqlite").read_bytes()
