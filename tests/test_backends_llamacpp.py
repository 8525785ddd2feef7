"""In-process llamacpp backend with the real embedded SmolLM2-135M GGUF."""

from __future__ import annotations

import pyarrow as pa
import pytest
from conftest import smollm2_gguf

from naturalthoughts.llm.backends import make_backend
from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, SamplingParams
from naturalthoughts.stages.generation.generate import generate_traces

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def backend():
    pytest.importorskip("llama_cpp")
    smollm2_gguf()
    b = make_backend(BackendSpec(backend="llamacpp", model="smollm2-135m", options={"n_ctx": 512}))
    yield b
    b.close()


def _req(q: str, **kw) -> ChatRequest:
    return ChatRequest.chat([{"role": "user", "content": q}], **kw)


def test_llamacpp_chat_prefix_seed_and_counts(backend):
    reqs = [_req("What is the capital of France?", params=SamplingParams(max_tokens=8, seed=3)),
            _req("What is the capital of France?", params=SamplingParams(max_tokens=8, seed=3)),
            _req("What is the capital of France?", params=SamplingParams(max_tokens=8, seed=3),
                 assistant_prefix="<think>\n"),
            _req("Count from one to twenty.", params=SamplingParams(max_tokens=5, temperature=0.0))]
    arrived = []
    out = backend.generate(reqs, on_result=lambda i, c: arrived.append(i))
    assert arrived == [0, 1, 2, 3]
    assert all(c.ok and c.text for c in out), out
    assert out[0].text == out[1].text  # same seed, same sample
    assert out[3].finish_reason == "length" and out[3].completion_tokens == 5
    assert out[0].prompt_tokens and out[2].prompt_tokens > out[0].prompt_tokens  # the prefix is in the prompt
    prompt = backend.render_prompt(reqs[2])
    assert prompt.startswith("<|im_start|>system") and prompt.endswith("<|im_start|>assistant\n<think>\n")


def test_llamacpp_overlong_prompt_is_an_error_row_not_an_exception(backend):
    out = backend.generate([_req("word " * 2000, params=SamplingParams(max_tokens=4)),
                            _req("Hi", params=SamplingParams(max_tokens=4))])
    assert not out[0].ok and out[0].finish_reason == "error" and "ValueError" in out[0].error
    assert out[1].ok


def test_llamacpp_through_generate_stage(backend, tmp_path):
    qs = pa.table({"question": ["Why is the sky blue?", "Why do leaves fall?"]})
    traces, stats = generate_traces(qs, backend.spec, SamplingParams(max_tokens=8), n=2, template="teacher-think",
                                    cache=tmp_path / "c.sqlite", progress=False, backend=backend)
    assert traces.num_rows == 4 and stats.sent == 4
    assert traces.column("teacher_model").to_pylist() == ["llamacpp:smollm2-135m"] * 4
    assert traces.column("error").null_count == 4
    # forced "<think>\n" prefix: every row has reasoning; 8 tokens rarely close the block, which is flagged
    for r in traces.to_pylist():
        assert r["reasoning"] is not None
        if r["finish_reason"] == "length":
            assert "truncated" in r["qc_flags"]


def test_budget_answer_phase_continues_the_thinking_context_and_rows_do_not_depend_on_order(backend):
    from naturalthoughts.llm.budget import ThinkingBudget, generate

    questions = ["Why is the sky blue?", "Why do leaves fall in autumn?", "Why does ice float on water?"]
    reqs = [_req(q, params=SamplingParams(max_tokens=48, temperature=0.6, seed=11), assistant_prefix="<think>\n")
            for q in questions]
    budget = ThinkingBudget(max_think=24, min_answer_tokens=16)
    before = backend.reused_prompt_tokens
    forward = generate(backend, reqs, None, budget=budget)
    reused = backend.reused_prompt_tokens - before
    # every answer phase kept at least the prompt and the thinking in the context (~24 tokens of thinking each)
    assert reused >= 3 * 24, reused
    backward = generate(backend, reqs[::-1], None, budget=budget)[::-1]
    assert [g.output for g in forward] == [g.output for g in backward]
    assert all(g.think_tokens and g.phases == 2 and "</think>" in g.output for g in forward)


def test_reuse_context_false_always_starts_afresh():
    pytest.importorskip("llama_cpp")
    smollm2_gguf()
    from naturalthoughts.llm.budget import ThinkingBudget, generate

    fresh = make_backend(BackendSpec(backend="llamacpp", model="smollm2-135m",
                                     options={"n_ctx": 512, "reuse_context": False}))
    try:
        req = _req("Why is the sky blue?", params=SamplingParams(max_tokens=40, seed=5), assistant_prefix="<think>\n")
        (g,) = generate(fresh, [req, req], None, budget=ThinkingBudget(max_think=16, min_answer_tokens=8))[:1]
        assert g.phases == 2 and fresh.reused_prompt_tokens == 0
    finally:
        fresh.close()


def test_a_request_sharing_only_a_prompt_prefix_starts_afresh(backend):
    plain = _req("Why do cats purr?", params=SamplingParams(max_tokens=12, seed=2))
    thinking = _req("Why do cats purr?", params=SamplingParams(max_tokens=12, seed=2), assistant_prefix="<think>\n")
    (alone,) = backend.generate([thinking])
    before = backend.reused_prompt_tokens
    _, after_plain = backend.generate([plain, thinking])  # its prompt extends the plain prompt, not its answer
    assert backend.reused_prompt_tokens == before and after_plain.text == alone.text
