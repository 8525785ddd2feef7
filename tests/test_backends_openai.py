"""openai backend: request bodies, response parsing (reasoning_content / inline think), rate limiting, and the
real llama.cpp server (plain chat, forced assistant prefix via /v1/completions, API key handling)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from fault_proxy import FaultProxy

from naturalthoughts.llm.backends import make_backend
from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, SamplingParams
from naturalthoughts.llm.backends.openai_compat import OpenAIBackend, TokenBucket, _Retryable
from naturalthoughts.llm.think import parse_trace


def _req(q: str, **kw) -> ChatRequest:
    return ChatRequest.chat([{"role": "user", "content": q}], **kw)


def _chat_body(message: dict, finish="stop") -> bytes:
    return json.dumps({"choices": [{"index": 0, "message": message, "finish_reason": finish}],
                       "usage": {"prompt_tokens": 7, "completion_tokens": 9}}).encode()


def test_parse_reasoning_content_and_inline_think():
    # DeepSeek API / vLLM reasoning parser: separate field
    c = OpenAIBackend._parse("/chat/completions", _chat_body({"content": "42", "reasoning_content": "6*7=42"}))
    assert (c.text, c.reasoning_content, c.prompt_tokens, c.completion_tokens) == ("42", "6*7=42", 7, 9)
    assert parse_trace(c.text, reasoning_content=c.reasoning_content).reasoning == "6*7=42"
    # newer vLLM calls the field `reasoning`
    assert OpenAIBackend._parse("/chat/completions", _chat_body({"content": "x", "reasoning": "r"})).reasoning_content == "r"
    # inline think stays in the text for parse_trace
    c = OpenAIBackend._parse("/chat/completions", _chat_body({"content": "<think>hm</think>ok"}, finish="length"))
    assert c.text == "<think>hm</think>ok" and c.finish_reason == "length"
    # truncated inside reasoning: content null but reasoning present is a valid answer
    c = OpenAIBackend._parse("/chat/completions", _chat_body({"content": None, "reasoning_content": "so far"}, "length"))
    assert c.text is None and c.reasoning_content == "so far"
    c = OpenAIBackend._parse("/completions", json.dumps({"choices": [{"text": "t", "finish_reason": "stop"}]}).encode())
    assert c.text == "t" and c.prompt_tokens is None


@pytest.mark.parametrize("raw", [b"", b"   ", b'{"choices": []}', b'{"choices": [{"mess', b'{"choices": [{"message": {}}]}',
                                 b"<html>bad gateway</html>"])
def test_empty_or_malformed_200_is_retryable(raw):
    with pytest.raises(_Retryable) as err:
        OpenAIBackend._parse("/chat/completions", raw)
    assert err.value.kind in ("empty_response_body", "malformed_response_body")


def test_request_bodies_for_each_prefix_mode():
    req = _req("q?", params=SamplingParams(max_tokens=5, seed=3, stop=("END",)), sample_index=2,
               assistant_prefix="<think>\n")
    b = OpenAIBackend(BackendSpec(backend="openai", model="m", base_url="http://h:1",
                                  options={"extra_body": {"top_k": 20}}))
    assert b.base_url == "http://h:1/v1" and b.prefix_mode == "continue"
    path, body = b._body(req, "continue")
    assert path == "/chat/completions" and body["seed"] == 5 and body["stop"] == ["END"] and body["top_k"] == 20
    assert body["messages"][-1] == {"role": "assistant", "content": "<think>\n"}
    assert body["continue_final_message"] is True and body["add_generation_prompt"] is False
    _, body = b._body(req, "prefix")
    assert body["messages"][-1]["prefix"] is True and "continue_final_message" not in body
    _, plain = b._body(_req("q?"), "continue")
    assert plain["messages"] == [{"role": "user", "content": "q?"}] and "continue_final_message" not in plain
    with pytest.raises(ValueError, match="chat_template"):
        OpenAIBackend(BackendSpec(backend="openai", model="m", base_url="http://h", options={"prefix_mode": "completions"}))
    with pytest.raises(ValueError, match="base URL"):
        OpenAIBackend(BackendSpec(backend="openai", model="m"))


def test_token_bucket_paces_requests():
    async def run() -> float:
        bucket = TokenBucket(per_minute=1200)  # 20/s, capacity 20
        t0 = time.monotonic()
        for _ in range(40):
            await bucket.acquire(1)
        return time.monotonic() - t0

    elapsed = asyncio.run(run())
    assert 0.9 <= elapsed < 3.0


def test_missing_api_key_fails_rows_without_request(monkeypatch):
    monkeypatch.delenv("NT_TEST_KEY", raising=False)
    b = make_backend(BackendSpec(backend="openai", model="m", base_url="http://127.0.0.1:9/v1", api_key_env="NT_TEST_KEY"))
    out = b.generate([_req("q")])
    assert out[0].error.startswith("missing_api_key") and "NT_TEST_KEY" in out[0].error and out[0].attempts == 1


# ------------------------------------------------------------------------------------ real llama.cpp server
@pytest.mark.slow
def test_real_server_chat_and_forced_prefix(llama_server, monkeypatch):
    monkeypatch.setenv("NT_TEST_KEY", "sk-test-secret-123")
    with FaultProxy(llama_server.rsplit("/v1", 1)[0]) as proxy:
        spec = BackendSpec(backend="openai", model="smollm2-135m", base_url=proxy.base_url, api_key_env="NT_TEST_KEY",
                           concurrency=2, options={"chat_template": "smollm2-135m"})
        backend = make_backend(spec)
        assert backend.prefix_mode == "completions"  # llama.cpp's server ignores continue_final_message
        reqs = [_req("What is the capital of France?", params=SamplingParams(max_tokens=16, seed=1)),
                _req("What is the capital of France?", params=SamplingParams(max_tokens=16, seed=1),
                     assistant_prefix="<think>\n"),
                _req("Count to three.", params=SamplingParams(max_tokens=4, temperature=0.0))]
        arrived = []
        out = backend.generate(reqs, on_result=lambda i, c: arrived.append(i))
    assert sorted(arrived) == [0, 1, 2]
    assert all(c.ok and c.text and c.attempts == 1 for c in out), out
    assert all(c.prompt_tokens and c.prompt_tokens > 10 for c in out)
    assert out[2].finish_reason == "length" and out[2].completion_tokens == 4
    assert not out[1].text.startswith("<think>")  # the prefix is part of the prompt, not of the completion
    assert proxy.authorization == ["Bearer sk-test-secret-123"] * 3
