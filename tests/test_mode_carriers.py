"""Mode carriers end to end: real chat templates render each mode, ``auto`` reads them, and the requests the
generate stage and the annotation's no-think second model send carry the family's switch (issue 18).

Templates: ``tests/templates`` (Qwen3, DeepSeek-V3.1, gpt-oss, SmolLM2). Servers: the real llama.cpp server of
``conftest.llama_server`` behind a recording proxy, and, for server-side thinking budgets, a stub server that
honours one (llama.cpp's Python server ignores unknown fields, so it shows the fallback).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from naturalthoughts.core.carriers import family_from_template, mode_signal, resolve_carrier
from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, SamplingParams
from naturalthoughts.llm.backends.chat_template import load_chat_template
from naturalthoughts.llm.cache import request_key

TEMPLATES = Path(__file__).parent / "templates"
Q = "What is 2+2?"


def render(template: str, mode: str, carrier: str, family: str | None = None, *, bos: str = "") -> str:
    """The prompt a backend renders for ``Q`` in ``mode`` through ``carrier``, with the signal's prefix."""
    signal = mode_signal(Q, mode, carrier=carrier, family=family, words=100)
    chat = load_chat_template(str(TEMPLATES / template), bos)
    return chat.render([{"role": "user", "content": signal.user}], True, **signal.template_kwargs) \
        + signal.assistant_prefix


# ---------------------------------------------------------------------------------------- rendered prompts
QWEN_USER = "<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n"


@pytest.mark.parametrize("mode, carrier, expected", [
    ("no-think", "template", QWEN_USER.format(Q) + "<think>\n\n</think>\n\n"),
    ("think", "template", QWEN_USER.format(Q)),
    ("adaptive", "template", QWEN_USER.format(Q + "\n\nThink carefully before answering.")),
    ("no-think", "soft-switch", QWEN_USER.format(Q + " /no_think")),
    ("think", "soft-switch", QWEN_USER.format(Q + " /think")),
    ("no-think", "instruction", QWEN_USER.format(Q + "\n\nAnswer directly without thinking")),
    ("think", "instruction", QWEN_USER.format(Q + "\n\nThink carefully before answering. Use about 100 words")
     + "<think>\n"),
])
def test_qwen3_prompts(mode, carrier, expected):
    assert render("qwen3.jinja", mode, carrier, "qwen3") == expected


def test_qwen3_strips_earlier_thinking_but_keeps_it_after_the_last_question():
    chat = load_chat_template(str(TEMPLATES / "qwen3.jinja"))
    history = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nHello"},
               {"role": "user", "content": Q}]
    assert chat.render(history, True, enable_thinking=False) == (
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n" + QWEN_USER.format(Q)
        + "<think>\n\n</think>\n\n")
    final = [*history, {"role": "assistant", "content": "<think>\nsum\n</think>\n\n4"}]
    assert chat.render(final, False).endswith("<|im_start|>assistant\n<think>\nsum\n</think>\n\n4<|im_end|>\n")


DS_BOS = "<｜begin▁of▁sentence｜>"


@pytest.mark.parametrize("mode, carrier, expected", [
    ("think", "template", f"{DS_BOS}<｜User｜>{Q}<｜Assistant｜><think>"),
    ("no-think", "template", f"{DS_BOS}<｜User｜>{Q}<｜Assistant｜></think>"),
    ("adaptive", "template", f"{DS_BOS}<｜User｜>{Q}\n\nThink carefully before answering.<｜Assistant｜><think>"),
    ("no-think", "instruction", f"{DS_BOS}<｜User｜>{Q}\n\nAnswer directly without thinking<｜Assistant｜></think>"),
])
def test_deepseek_v31_prompts(mode, carrier, expected):
    assert render("deepseek_v31.jinja", mode, carrier, "deepseek-v3.1", bos=DS_BOS) == expected


def gpt_oss_prompt(effort: str, user: str = Q) -> str:
    return ("<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
            f"Knowledge cutoff: 2024-06\n\nReasoning: {effort}\n\n# Valid channels: analysis, commentary, final. "
            f"Channel must be included for every message.<|end|><|start|>user<|message|>{user}<|end|>"
            "<|start|>assistant")


@pytest.mark.parametrize("mode, effort", [("no-think", "low"), ("think", "high"), ("adaptive", "medium")])
def test_gpt_oss_prompts(mode, effort):
    assert render("gpt_oss.jinja", mode, "effort", "gpt-oss") == gpt_oss_prompt(effort)


def test_gpt_oss_defaults_to_medium_and_drops_earlier_analysis():
    chat = load_chat_template(str(TEMPLATES / "gpt_oss.jinja"))
    assert chat.render([{"role": "user", "content": Q}]) == gpt_oss_prompt("medium")
    turns = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "thinking": "greet"},
             {"role": "user", "content": Q}]
    assert "greet" not in chat.render(turns) and "<|channel|>final<|message|>Hello<|end|>" in chat.render(turns)


def test_smollm2_gets_the_instruction():
    expected = ("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                f"<|im_start|>user\n{Q}\n\nAnswer directly without thinking<|im_end|>\n<|im_start|>assistant\n")
    assert render("smollm2.jinja", "no-think", "auto") == expected


def test_smollm2_template_is_the_ggufs_own():
    pytest.importorskip("llama_cpp")
    from conftest import smollm2_gguf

    assert load_chat_template(smollm2_gguf()).text == (TEMPLATES / "smollm2.jinja").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------- auto
@pytest.mark.parametrize("template, family, carrier", [
    ("qwen3.jinja", "qwen3", "template"), ("deepseek_v31.jinja", "deepseek-v3.1", "template"),
    ("gpt_oss.jinja", "gpt-oss", "effort"), ("smollm2.jinja", None, "instruction"),
])
def test_auto_reads_each_template(template, family, carrier):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    assert family_from_template(text) == family
    assert resolve_carrier("auto", template_text=text) == (carrier, family)


def test_carriers_a_family_cannot_carry_are_errors():
    for carrier, family in (("soft-switch", "deepseek-v3.1"), ("template", "gpt-oss"), ("effort", "qwen3"),
                            ("template", None)):
        with pytest.raises(ValueError, match="--mode-carrier"):
            resolve_carrier(carrier, family=family)


def test_backends_report_their_template_text():
    from naturalthoughts.llm.backends import chat_template_text, make_backend

    qwen = str(TEMPLATES / "qwen3.jinja")
    for spec in (BackendSpec(backend="llamacpp", options={"chat_template": qwen}),
                 BackendSpec(backend="openai", base_url="http://127.0.0.1:9/v1", options={"chat_template": qwen}),
                 BackendSpec(backend="fake", options={"chat_template": qwen})):
        backend = make_backend(spec)  # no model is loaded to read a template
        assert family_from_template(chat_template_text(backend)) == "qwen3", spec.backend
    # An unreachable server without the option: nothing to read, so auto falls back to the instruction.
    assert chat_template_text(make_backend(BackendSpec(backend="openai", base_url="http://127.0.0.1:9/v1",
                                                       options={"timeout_s": 1}))) == ""


def test_llamacpp_reads_the_gguf_template_and_renders_the_switch():
    pytest.importorskip("llama_cpp")
    from naturalthoughts.llm.backends.llamacpp import LlamaCppBackend

    assert family_from_template(LlamaCppBackend(BackendSpec()).chat_template_text()) is None  # SmolLM2: none
    qwen = LlamaCppBackend(BackendSpec(options={"chat_template": str(TEMPLATES / "qwen3.jinja"), "n_ctx": 256}))
    try:
        req = ChatRequest.chat([{"role": "user", "content": Q}], template_kwargs={"enable_thinking": False})
        assert qwen.render_prompt(req).endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")
        assert qwen.render_prompt(ChatRequest.chat([{"role": "user", "content": Q}])).endswith("assistant\n")
    finally:
        qwen.close()


def test_generate_auto_resolves_from_the_teachers_template_and_records_it(tmp_path):
    from naturalthoughts.core.store import Manifest
    from naturalthoughts.stages.generation.run import run_generate

    qwen = BackendSpec(backend="fake", model="fake", options={"chat_template": str(TEMPLATES / "qwen3.jinja")})
    manifest = run_generate(_questions(tmp_path / "q.jsonl"), tmp_path / "auto", qwen, SamplingParams(max_tokens=64),
                            mode_carrier="auto", cache=False, progress=False)
    recorded = Manifest.load(tmp_path / "auto").config["mode_carrier"]
    assert recorded == manifest.config["mode_carrier"] == {
        "carrier": "template", "family": "qwen3", "template_kwargs": {"enable_thinking": True},
        "request_fields": {}, "mode": "think", "requested": "auto"}
    plain = BackendSpec(backend="fake", model="fake", options={"chat_template": str(TEMPLATES / "smollm2.jinja")})
    run_generate(_questions(tmp_path / "q.jsonl"), tmp_path / "plain", plain, SamplingParams(max_tokens=64),
                 mode_carrier="auto", cache=False, progress=False)
    assert Manifest.load(tmp_path / "plain").config["mode_carrier"]["carrier"] == "instruction"


def test_teacher_requests_carry_the_switch_after_the_options():
    import pyarrow as pa

    from naturalthoughts.llm.backends.fake import FakeBackend
    from naturalthoughts.stages.generation.generate import build_requests
    from naturalthoughts.stages.generation.prompts import TeacherCarrier, load_template

    rows = pa.table({"question": ["Pick one."], "options": [["yes", "no"]]})
    tmpl, params = load_template("teacher-default"), SamplingParams()
    (soft,) = build_requests(rows, tmpl, params, 1, TeacherCarrier("soft-switch", "qwen3"))
    assert soft.messages == (("user", "Pick one.\n\nA. yes\nB. no /think"),) and not soft.template_kwargs
    (plain,) = build_requests(rows, tmpl, params, 1)
    assert plain == build_requests(rows, tmpl, params, 1, TeacherCarrier())[0]
    assert plain.messages == (("user", "Pick one.\n\nA. yes\nB. no"),)
    # The fake backend acts as a hybrid model would: thinking switched off, no think block.
    fake = FakeBackend(BackendSpec(backend="fake"))
    (off,) = build_requests(rows, tmpl, params, 1, TeacherCarrier("template", "qwen3", mode="no-think"))
    assert "<think>" not in fake.generate([off])[0].text and "<think>" in fake.generate([plain])[0].text


# ------------------------------------------------------------------------------------------- cache keys
def test_cache_keys_differ_between_modes_and_stay_for_the_instruction_carrier():
    params = SamplingParams(max_tokens=16)
    keys = {}
    for mode in ("no-think", "think"):
        for carrier, family in (("instruction", None), ("template", "qwen3"), ("effort", "openai-api")):
            s = mode_signal(Q, mode, carrier=carrier, family=family)
            req = ChatRequest.chat([{"role": "user", "content": s.user}], params=params,
                                   assistant_prefix=s.assistant_prefix, template_kwargs=s.template_kwargs,
                                   request_fields=s.request_fields)
            keys[mode, carrier] = request_key("openai:m", req)
    assert len(set(keys.values())) == len(keys)
    from naturalthoughts.core.modes import apply_mode

    user, prefix = apply_mode(Q, "no-think")  # how requests were built before carriers existed
    old = ChatRequest(messages=(("user", user),), params=params, assistant_prefix=prefix)
    assert keys["no-think", "instruction"] == request_key("openai:m", old)


# ------------------------------------------------------------------------- what reaches a real server
class RecordingProxy:
    """Forwards every request to ``upstream`` (scheme://host:port) and keeps each POST's path and JSON body."""

    def __init__(self, upstream: str) -> None:
        import http.client
        from urllib.parse import urlsplit

        up = urlsplit(upstream)
        self.bodies: list[tuple[str, dict]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _relay(self, body: bytes | None) -> None:
                conn = http.client.HTTPConnection(up.hostname, up.port, timeout=300)
                try:
                    conn.request(self.command, self.path, body=body, headers={"Content-Type": "application/json"})
                    resp = conn.getresponse()
                    payload = resp.read()
                finally:
                    conn.close()
                self.send_response(resp.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._relay(None)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.bodies.append((self.path, json.loads(body or b"{}")))
                self._relay(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def generation_bodies(self) -> list[dict]:
        return [b for path, b in self.bodies if path.endswith(("/chat/completions", "/completions"))]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recording(llama_server):
    proxy = RecordingProxy(llama_server.rsplit("/v1", 1)[0])
    yield proxy
    proxy.close()


def _questions(path: Path, k: int = 2) -> Path:
    path.write_text("".join(json.dumps({"id": f"q{i}", "question": f"What is {i}+{i}?"}) + "\n" for i in range(k)))
    return path


@pytest.mark.slow
def test_generate_sends_the_template_switch(recording, tmp_path):
    from naturalthoughts.core.store import Manifest
    from naturalthoughts.main import main

    argv = ["generate", "--in", str(_questions(tmp_path / "q.jsonl")), "--backend", "openai", "--model",
            "smollm2-135m", "--base-url", recording.base_url, "--max-tokens", "8", "--template", "teacher-default",
            "--cache", str(tmp_path / "c.sqlite"), "--no-progress"]
    assert main([*argv, "--out", str(tmp_path / "plain")]) == 0
    plain = recording.generation_bodies()
    assert len(plain) == 2 and all("chat_template_kwargs" not in b for b in plain)
    recording.bodies.clear()
    assert main([*argv, "--out", str(tmp_path / "qwen"), "--mode-carrier", "template", "--model-family", "qwen3"]) == 0
    sent = recording.generation_bodies()
    assert [b["chat_template_kwargs"] for b in sent] == [{"enable_thinking": True}] * 2  # the teacher thinks
    def questions(bodies: list[dict]) -> list[str]:  # in any order: requests run concurrently
        return sorted(b["messages"][-1]["content"] for b in bodies)

    assert questions(sent) == questions(plain) == ["What is 0+0?", "What is 1+1?"]  # same text, no instruction
    config = Manifest.load(tmp_path / "qwen").config
    assert config["mode_carrier"]["carrier"] == "template" and config["mode_carrier"]["family"] == "qwen3"
    assert "mode_carrier" not in Manifest.load(tmp_path / "plain").config


@pytest.mark.slow
def test_annotation_second_model_sends_no_think_switches(recording, tmp_path):
    from naturalthoughts.main import main

    traces = tmp_path / "t.jsonl"
    traces.write_text(json.dumps({"id": "q0", "question": "What is 2+2?", "reasoning": "add", "response": "4"}) + "\n")
    base = ["annotate", "--in", str(traces), "--annotators", "disagreement", "--judge", "none",
            "--second-backend", "openai", "--second-model", "smollm2-135m", "--second-base-url", recording.base_url,
            "--option", "disagreement_second_max_tokens=8", "--cache", str(tmp_path / "c.sqlite"), "--no-progress"]
    for out, flags, check in (
        ("qwen", ["--mode-carrier", "template", "--model-family", "qwen3"],
         lambda b: b["chat_template_kwargs"] == {"enable_thinking": False} and "reasoning_effort" not in b),
        ("oai", ["--mode-carrier", "effort", "--model-family", "openai-api"],
         lambda b: b["reasoning_effort"] == "low" and "chat_template_kwargs" not in b),
    ):
        recording.bodies.clear()
        main([*base, "--out", str(tmp_path / out), *flags])
        (body,) = recording.generation_bodies()
        assert check(body), body
        assert body["messages"] == [{"role": "user", "content": "What is 2+2?"}]  # no instruction appended


# ------------------------------------------------------------------------- server-side thinking budgets
class BudgetStub:
    """An OpenAI-compatible stub that keeps a thinking budget: it thinks ``think_words`` words, at most the
    request's ``thinking_token_budget``, in ``reasoning_content``; ``/tokenize`` splits on whitespace."""

    def __init__(self, think_words: int = 30) -> None:
        self.bodies: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if self.path == "/tokenize":
                    text = body["content"] if "content" in body else body.get("prompt", "")
                    reply = {"tokens": list(range(len(text.split())))}
                else:
                    stub.bodies.append(body)
                    words = min(think_words, int(body.get("thinking_token_budget", think_words)))
                    message = {"role": "assistant", "reasoning_content": " ".join(["hmm"] * words), "content": "4"}
                    reply = {"choices": [{"message": message, "finish_reason": "stop"}],
                             "usage": {"prompt_tokens": 5, "completion_tokens": words + 1}}
                payload = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_server_that_keeps_the_budget_needs_no_forcing(tmp_path):
    from naturalthoughts.llm.budget import ThinkingBudget, generate
    from naturalthoughts.llm.backends.openai_compat import OpenAIBackend

    stub = BudgetStub(think_words=30)
    try:
        backend = OpenAIBackend(BackendSpec(backend="openai", model="m", base_url=stub.base_url,
                                            options={"think_budget_field": "thinking_token_budget"}))
        req = ChatRequest.chat([{"role": "user", "content": Q}], params=SamplingParams(max_tokens=64))
        (g,) = generate(backend, [req], None, budget=ThinkingBudget(max_think=10))
        assert g.budget_fallback is False and g.think_tokens == 10 and g.phases == 1
        assert [b["thinking_token_budget"] for b in stub.bodies] == [10]  # one request, budget as a field
        stub.bodies.clear()
        # The same stub told a budget it ignores (another field name) overthinks: the forcing redoes it.
        ignored = OpenAIBackend(BackendSpec(backend="openai", model="m", base_url=stub.base_url,
                                            options={"think_budget_field": "thinking_budget"}))
        (g,) = generate(ignored, [req], None, budget=ThinkingBudget(max_think=10))
        assert g.budget_fallback is True and len(stub.bodies) > 1
    finally:
        stub.close()


@pytest.mark.slow
def test_llama_server_ignores_a_budget_field_so_generate_falls_back_and_counts_it(recording, tmp_path):
    from naturalthoughts.core.store import Manifest, read_table
    from naturalthoughts.stages.generation.run import run_generate

    spec = BackendSpec(backend="openai", model="smollm2-135m", base_url=recording.base_url,
                       options={"think_budget_field": "thinking_budget_tokens", "chat_template": "smollm2-135m"})
    manifest = run_generate(_questions(tmp_path / "q.jsonl"), tmp_path / "out", spec,
                            SamplingParams(max_tokens=40, temperature=0.0), template="teacher-think",
                            cache=tmp_path / "c.sqlite", progress=False, think_budget=4)
    first = recording.generation_bodies()[:2]
    assert [b["thinking_budget_tokens"] for b in first] == [4, 4]  # asked the server first
    assert any("thinking_budget_tokens" not in b for b in recording.generation_bodies())  # then forced
    assert manifest.counts["budget_fallback"] == 2
    assert Manifest.load(tmp_path / "out").counts["budget_fallback"] == 2
    gen = [json.loads(g) for g in read_table(tmp_path / "out").column("gen_params").to_pylist()]
    assert [g["budget_fallback"] for g in gen] == [True, True]
