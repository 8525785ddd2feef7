"""Failures stop the run: `evaluate` exits non-zero when requests finally failed, `run` leaves it not done,
and a re-run retries only the failed requests (the rest come from the row cache).

The model is a small OpenAI-compatible stub on 127.0.0.1 that answers "Answer: A" and, while told to, fails
the first N requests with a 500 (the backend's retries are off, so they fail for good).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from naturalthoughts.main import main
from naturalthoughts.pipeline.decide import read_state
from naturalthoughts.pipeline.plan import plan_recipe
from naturalthoughts.pipeline.recipe import parse_recipe
from naturalthoughts.pipeline.runner import RunError, run_recipe


class _Stub:
    def __init__(self) -> None:
        self.fail_next = 0
        self.received: list[str] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self._send(200, {"data": [{"id": "stub"}]})

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with stub.lock:
                    stub.received.append(body["messages"][-1]["content"])
                    fail = stub.fail_next > 0
                    stub.fail_next -= fail
                if fail:
                    self._send(500, {"error": "injected"})
                    return
                self._send(200, {"choices": [{"message": {"content": "Answer: A"}, "finish_reason": "stop"}],
                                 "usage": {"prompt_tokens": 10, "completion_tokens": 2}})

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"


@pytest.fixture
def stub():
    s = _Stub()
    yield s
    s.server.shutdown()


def _eval_argv(url: str) -> list[str]:
    return ["evaluate", "--backend", "openai", "--model", "stub", "--base-url", url, "--benchmark", "nt-mcq",
            "--limit", "4", "--mode", "no-think", "--max-tokens", "16", "--backend-option", "max_retries=0"]


def test_evaluate_exits_nonzero_on_failed_requests_unless_allowed(stub, tmp_path, capsys):
    stub.fail_next = 1
    assert main(_eval_argv(stub.url) + ["--out", str(tmp_path / "a")]) == 1
    assert "1 of 4 samples failed (http_500: 1)" in capsys.readouterr().err
    stub.fail_next = 1
    assert main(_eval_argv(stub.url) + ["--out", str(tmp_path / "b"), "--allow-failures",
                                             "--cache", str(tmp_path / "other.sqlite")]) == 0
    assert "warning: 1 of 4 samples failed" in capsys.readouterr().err


def test_run_leaves_a_failed_evaluate_not_done_and_retries_only_the_failed(stub, tmp_path, monkeypatch):
    monkeypatch.delenv("NATURALTHOUGHTS_RUN_IN_PROCESS", raising=False)  # a process of its own, as by default
    recipe = parse_recipe({"name": "fail", "stages": {"evaluate": {
        "backend": "openai", "model": "stub", "base_url": stub.url, "benchmark": "nt-mcq", "limit": 4,
        "mode": "no-think", "max_tokens": 16, "backend_option": ["max_retries=0"]}}},
        run_dir=tmp_path / "run")
    stub.fail_next = 2
    with pytest.raises(RunError, match="evaluate failed .* exited with status 1"):
        run_recipe(recipe, echo=lambda line: None)
    state = read_state(plan_recipe(recipe).by_key()["evaluate"])
    assert state["status"] == "failed" and state["exit_status"] == 1 and len(stub.received) == 4
    assert "2 of 4 samples failed (http_500: 2)" in "".join(state["stderr_tail"])
    stub.received.clear()
    summary = run_recipe(recipe, echo=lambda line: None)
    assert summary.ran == ["evaluate"] and len(stub.received) == 2  # only the two that failed
    assert read_state(plan_recipe(recipe).by_key()["evaluate"])["status"] == "done"


def test_annotate_exits_nonzero_on_failed_calls_and_a_rerun_asks_only_for_them(stub, tmp_path, capsys):
    """The second model of `disagreement` fails twice for good: annotate exits 1 naming the counts; the same
    command again sends exactly the two failed calls and exits 0."""
    import pyarrow as pa

    from naturalthoughts.core.store import read_table, write_stage

    rows = [{"id": f"q{i}", "trace_id": f"q{i}#0", "question": f"Which option is right for case {i}?",
             "options": ["yes", "no"], "reasoning": "Thinking.", "response": "Answer: A", "reference_answer": None}
            for i in range(5)]
    write_stage(tmp_path / "traces", pa.Table.from_pylist(rows), stage="generate", config={})
    argv = ["annotate", "--in", str(tmp_path / "traces"), "--out", str(tmp_path / "ann"), "--annotators",
            "disagreement", "--judge", "none", "--second", f"openai:stub@{stub.url}", "--second-backend-option",
            "max_retries=0", "--cache", str(tmp_path / "c.sqlite"), "--no-progress"]
    stub.fail_next = 2
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "disagreement: 2 of 5 calls failed (http_500: 2)" in err and "--allow-failures" in err
    assert len(stub.received) == 5
    stub.received.clear()
    assert main(argv) == 0
    assert len(stub.received) == 2  # only the two that failed
    assert read_table(tmp_path / "ann").column("agree").null_count == 0
