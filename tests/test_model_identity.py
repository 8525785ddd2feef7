"""Model identity in the row-cache key and the manifests: weights, not paths, decide what a cached row
answers."""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from _distill_helpers import one_torch_thread, trace_rows

from naturalthoughts.cli.common import add_backend_args, backend_spec_from_args
from naturalthoughts.core.store import write_stage
from naturalthoughts.llm.backends import BackendSpec, ChatRequest, Completion, SamplingParams
from naturalthoughts.llm.backends.openai_compat import OpenAIBackend
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.llm.fingerprint import MEMO_FILE, local_fingerprint, model_identity
from naturalthoughts.llm.runner import RunStats, cache_model_key, run_requests


@pytest.fixture(autouse=True)
def _model_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NATURALTHOUGHTS_MODEL_CACHE", str(tmp_path / "models"))


def _rewrite(path: Path, data: bytes) -> None:
    """Replace a file in place, as a re-download or re-conversion would (a new mtime)."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_bytes(data)
    os.utime(path, ns=(before + 10**9, before + 10**9))


class _LocalEcho:
    """A stand-in local backend (name llamacpp) whose model is a file: answers with the file's first bytes."""

    name = "llamacpp"

    def __init__(self, path: Path) -> None:
        self.model_id, self.path, self.sent = str(path), path, 0

    def generate(self, requests, on_result=None):
        out = []
        for i, _ in enumerate(requests):
            self.sent += 1
            text = self.path.read_bytes()[:8].decode()
            c = Completion(text=text, finish_reason="stop", completion_tokens=1)
            out.append(c)
            if on_result:
                on_result(i, c)
        return out

    def close(self) -> None:
        pass


def test_fingerprint_follows_the_bytes_and_is_memoised(tmp_path):
    gguf = tmp_path / "model.gguf"
    _rewrite(gguf, b"weights-A" * 1000)
    first = local_fingerprint(str(gguf))
    memo = json.loads((tmp_path / "models" / MEMO_FILE).read_text())
    assert first.startswith("sha256:") and memo[str(gguf.resolve())]["size"] == 9000
    assert local_fingerprint(str(gguf)) == first
    _rewrite(gguf, b"weights-B" * 1000)  # same path, same size, other weights
    assert local_fingerprint(str(gguf)) != first


def test_a_model_replaced_in_place_is_not_answered_from_the_cache(tmp_path):
    gguf = tmp_path / "teacher.gguf"
    _rewrite(gguf, b"old-weights")
    requests = [ChatRequest.chat([{"role": "user", "content": f"q{i}"}], params=SamplingParams(max_tokens=4))
                for i in range(3)]
    with RequestCache(tmp_path / "cache.sqlite") as cache:
        first = run_requests(_LocalEcho(gguf), requests, cache)
        again, stats = _LocalEcho(gguf), RunStats()
        run_requests(again, requests, cache, stats=stats)
        assert again.sent == 0 and stats.cache_hits == 3  # same weights: every row from the cache
        _rewrite(gguf, b"new-weights")
        fresh, stats = _LocalEcho(gguf), RunStats()
        answers = run_requests(fresh, requests, cache, stats=stats)
    assert fresh.sent == 3 and stats.cache_hits == 0
    assert [c.text for c in first] == ["old-weig"] * 3 and [c.text for c in answers] == ["new-weig"] * 3
    assert stats.models == {f"llamacpp:{gguf}": local_fingerprint(str(gguf))}  # recorded for the manifest


def _models_server(payload: dict) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = json.dumps(payload).encode() if self.path.endswith("/models") else b"{}"
            self.send_response(200 if self.path.endswith("/models") else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_served_model_identity_is_the_servers_word_plus_the_revision():
    server = _models_server({"data": [{"id": "student", "root": "/ckpt/run-7/merged"}]})
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        plain = OpenAIBackend(BackendSpec(backend="openai", model="student", base_url=url))
        assert model_identity(plain) == "served=student|/ckpt/run-7/merged"
        import argparse

        parser = argparse.ArgumentParser()
        add_backend_args(parser)
        args = parser.parse_args(["--backend", "openai", "--model", "student", "--base-url", url,
                                  "--model-revision", "2026-12-01"])
        revised = OpenAIBackend(backend_spec_from_args(args))
        assert model_identity(revised) == "served=student|/ckpt/run-7/merged,rev=2026-12-01"
        assert cache_model_key(revised) != cache_model_key(plain)
    finally:
        server.shutdown()


# ------------------------------------------------------------------------------------------- real student
_one_thread = pytest.fixture(scope="module")(one_torch_thread)


def _sft(folder: Path, rows: list[dict]) -> Path:
    import pyarrow as pa

    from naturalthoughts.stages.distillation.run import run_build_sft

    write_stage(folder / "selected", pa.Table.from_pylist(rows), stage="select", config={})
    run_build_sft(folder / "selected", folder / "sft", "system2", tokenizer="smollm2-135m")
    return folder / "sft"


@pytest.mark.slow
def test_a_student_retrained_into_the_same_folder_gets_new_answers(tmp_path, monkeypatch, _one_thread):
    """train → evaluate → retrain on other data into the same folder → evaluate: nothing from the cache."""
    monkeypatch.delenv("NATURALTHOUGHTS_MODEL_CACHE")  # the converted SmolLM2 is shared between tests
    from naturalthoughts.stages.distillation.train import TrainConfig, train
    from naturalthoughts.stages.evaluation.api import evaluate

    other = [{**r, "reasoning": "Counting on my fingers.", "response": "It is 42."} for r in trace_rows(4)]
    out, cache = tmp_path / "student", tmp_path / "cache.sqlite"
    spec = BackendSpec(backend="transformers", model=str(out), options={"batch_size": 2})

    def train_on(rows: list[dict], name: str):
        return train(TrainConfig(data=str(_sft(tmp_path / name, rows)), out=str(out), student="smollm2-135m",
                                 lora=True, max_steps=2, batch_size=2, learning_rate=1e-3, save_steps=2,
                                 merge=False, resume=True))

    def run_eval(name: str) -> dict:
        return evaluate(spec, "nt-mcq", ["no-think"], limit=2, cache=cache, out_dir=tmp_path / name,
                        params=SamplingParams(max_tokens=6, temperature=0), progress=False)

    first_train = train_on(trace_rows(4), "a")
    first = run_eval("eval-a")
    assert first["run_stats"]["sent"] == 2 and first["model_identity"].startswith("sha256:")
    second_train = train_on(other, "b")
    assert second_train.counts["steps"] == 2 and second_train.extra["resumed_from"] is None  # other data
    assert "SFT data changed" in second_train.extra["resume_note"]
    assert second_train.extra["data_hash"] != first_train.extra["data_hash"]
    second = run_eval("eval-b")
    assert second["run_stats"]["cache_hits"] == 0 and second["run_stats"]["sent"] == 2
    assert second["model_identity"] != first["model_identity"]
    manifest = json.loads((tmp_path / "eval-b" / "manifest.json").read_text())
    assert manifest["config"]["model_identity"] == second["model_identity"]


def test_hub_model_in_the_local_cache_is_named_by_its_commit(tmp_path, monkeypatch):
    hub = tmp_path / "hub"
    commit = "0123456789abcdef0123456789abcdef01234567"
    snapshot = hub / "models--someone--tiny" / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    (hub / "models--someone--tiny" / "refs").mkdir()
    (hub / "models--someone--tiny" / "refs" / "main").write_text(commit)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(hub))  # read at call time
    assert local_fingerprint("someone/tiny") == "hub:0123456789abcdef"
    assert local_fingerprint("someone/absent") is None
