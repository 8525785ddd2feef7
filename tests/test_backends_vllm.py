"""vllm backend: the code path with ``vllm`` stubbed at the narrowest point, plus a real run when vllm imports.

The stub is a module object installed as ``sys.modules["vllm"]`` that provides ``LLM`` and ``SamplingParams`` with
vLLM's call signatures (``LLM(model, **engine_args)``, ``LLM.get_tokenizer()``, ``LLM.generate(prompts,
sampling_params, use_tqdm=...)`` returning ``RequestOutput``-shaped objects). Everything of ours runs for real:
prompt rendering with the assistant prefix, SamplingParams mapping, finish reasons, token counts, chunking,
per-row and per-chunk errors, and the generate stage on top.
"""

from __future__ import annotations

import os
import sys
import types
from dataclasses import dataclass, field

import pyarrow as pa
import pytest

from naturalthoughts.llm.backends import make_backend
from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, SamplingParams
from naturalthoughts.stages.generation.generate import generate_traces


@dataclass
class _SamplingParams:  # vllm.SamplingParams keyword signature (subset we use)
    n: int = 1
    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int | None = 16
    seed: int | None = None
    stop: list[str] | None = None


@dataclass
class _CompletionOutput:
    index: int
    text: str
    token_ids: list[int]
    finish_reason: str | None


@dataclass
class _RequestOutput:
    request_id: str
    prompt: str
    prompt_token_ids: list[int]
    outputs: list[_CompletionOutput] = field(default_factory=list)


class _Tokenizer:
    """Renders ChatML like a HF tokenizer's apply_chat_template."""

    def apply_chat_template(self, messages, tokenize=True, add_generation_prompt=False, **kw):
        assert tokenize is False
        text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
        return text + ("<|im_start|>assistant\n" if add_generation_prompt else "")


class _LLM:
    instances: list["_LLM"] = []

    def __init__(self, model: str, **engine_args) -> None:
        self.model, self.engine_args = model, engine_args
        self.calls: list[tuple[list[str], list[_SamplingParams]]] = []
        _LLM.instances.append(self)

    def get_tokenizer(self):
        return _Tokenizer()

    def generate(self, prompts, sampling_params=None, use_tqdm=True, lora_request=None):
        self.calls.append((list(prompts), list(sampling_params)))
        outs = []
        for k, (prompt, sp) in enumerate(zip(prompts, sampling_params)):
            if "EXPLODE" in prompt:
                raise RuntimeError("CUDA out of memory")
            words = f"thinking about seed {sp.seed} </think> answer".split()
            finish = "length" if sp.max_tokens < len(words) else "stop"
            words = words[: sp.max_tokens]
            outs.append(_RequestOutput(str(k), prompt, list(range(len(prompt.split()))),
                                       [_CompletionOutput(0, " ".join(words), list(range(len(words))), finish)]))
        return outs


@pytest.fixture
def fake_vllm(monkeypatch):
    module = types.ModuleType("vllm")
    module.LLM = _LLM
    module.SamplingParams = _SamplingParams
    monkeypatch.setitem(sys.modules, "vllm", module)
    _LLM.instances.clear()
    return module


def _req(q: str, **kw) -> ChatRequest:
    return ChatRequest.chat([{"role": "user", "content": q}], **kw)


def test_vllm_prompts_params_and_outputs(fake_vllm):
    spec = BackendSpec(backend="vllm", model="/models/teacher", options={"tensor_parallel_size": 8,
                                                                         "data_parallel_size": 2, "chunk_size": 2})
    backend = make_backend(spec)
    assert not _LLM.instances  # lazy: no engine until the first request
    reqs = [_req("a?", params=SamplingParams(max_tokens=50, seed=10), sample_index=1, assistant_prefix="<think>\n"),
            _req("b?", params=SamplingParams(max_tokens=2, temperature=0.0, stop=("</s>",))),
            _req("c?", params=SamplingParams(max_tokens=50, seed=None))]
    seen = []
    out = backend.generate(reqs, on_result=lambda i, c: seen.append(i))
    llm = _LLM.instances[0]
    assert llm.model == "/models/teacher"
    assert llm.engine_args == {"tensor_parallel_size": 8, "data_parallel_size": 2}
    assert len(llm.calls) == 2  # chunk_size=2 -> two LLM.generate calls
    prompts, params = llm.calls[0]
    assert prompts[0] == "<|im_start|>user\na?<|im_end|>\n<|im_start|>assistant\n<think>\n"
    assert params[0].seed == 11 and params[0].max_tokens == 50  # per-request seed = seed + sample_index
    assert params[1].temperature == 0.0 and params[1].stop == ["</s>"]
    assert llm.calls[1][1][0].seed is None
    assert seen == [0, 1, 2]
    assert out[0].finish_reason == "stop" and out[0].text.endswith("answer")
    assert out[0].completion_tokens == 6 and out[0].prompt_tokens == len(prompts[0].split())
    assert out[1].finish_reason == "length" and out[1].completion_tokens == 2 and out[1].ok


def test_vllm_chunk_failure_is_recorded_not_raised(fake_vllm):
    backend = make_backend(BackendSpec(backend="vllm", model="m", options={"chunk_size": 2}))
    out = backend.generate([_req("fine"), _req("EXPLODE"), _req("after")])
    assert [c.ok for c in out] == [False, False, True]
    assert out[0].error == "RuntimeError: CUDA out of memory" and out[0].finish_reason == "error"


def test_vllm_through_generate_stage(fake_vllm, tmp_path):
    qs = pa.table({"id": ["x", "y"], "question": ["Why is the sky blue?", "Why is grass green?"]})
    traces, stats = generate_traces(qs, BackendSpec(backend="vllm", model="m"), SamplingParams(max_tokens=64), n=2,
                                    template="teacher-think", cache=tmp_path / "c.sqlite", progress=False)
    assert traces.column("trace_id").to_pylist() == ["x#0", "x#1", "y#0", "y#1"]
    assert traces.column("teacher_model").to_pylist() == ["vllm:m"] * 4
    assert traces.column("reasoning")[0].as_py() == "thinking about seed 0"
    assert traces.column("response")[1].as_py() == "answer" and stats.sent == 4
    # a re-run answered from the cache never starts the engine
    _LLM.instances.clear()
    _, stats = generate_traces(qs, BackendSpec(backend="vllm", model="m"), SamplingParams(max_tokens=64), n=2,
                               template="teacher-think", cache=tmp_path / "c.sqlite", progress=False)
    assert stats.cache_hits == 4 and not _LLM.instances


@pytest.mark.vllm
@pytest.mark.slow
def test_vllm_real_engine():
    """Runs only where vllm imports (its own venv); model from $NATURALTHOUGHTS_VLLM_MODEL (a local HF folder)."""
    pytest.importorskip("vllm")
    model = os.environ.get("NATURALTHOUGHTS_VLLM_MODEL")
    if not model:
        pytest.skip("set NATURALTHOUGHTS_VLLM_MODEL to a local HF model folder (e.g. SmolLM2-135M-Instruct)")
    backend = make_backend(BackendSpec(backend="vllm", model=model, options={"max_model_len": 1024,
                                                                             "enforce_eager": True}))
    try:
        out = backend.generate([_req("What is 2+2?", params=SamplingParams(max_tokens=16, seed=1)),
                                _req("What is 2+2?", params=SamplingParams(max_tokens=16, seed=1),
                                     assistant_prefix="<think>\n")])
    finally:
        backend.close()
    assert all(c.ok and c.text for c in out), out
    assert all(c.completion_tokens and c.completion_tokens <= 16 and c.prompt_tokens for c in out)
    assert out[0].finish_reason in ("stop", "length")
