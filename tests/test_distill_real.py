"""Real runs on the embedded SmolLM2-135M-Instruct student: LoRA steps → checkpoint → load → generate."""

from __future__ import annotations

import pytest
from _distill_helpers import make_tiny_student, one_torch_thread, trace_table

from naturalthoughts.core.modes import apply_mode
from naturalthoughts.core.store import write_stage
from naturalthoughts.llm.backends import BackendSpec, ChatRequest, SamplingParams, make_backend
from naturalthoughts.llm.student import ensure_safetensors, load_student
from naturalthoughts.stages.distillation.run import run_build_sft
from naturalthoughts.stages.distillation.train import TrainConfig, train

_one_thread = pytest.fixture(autouse=True, scope="module")(one_torch_thread)


@pytest.mark.slow
def test_lora_run_on_embedded_student_then_serve(tmp_path):
    write_stage(tmp_path / "selected", trace_table(4), stage="select", config={})
    run_build_sft(tmp_path / "selected", tmp_path / "sft", "system2", tokenizer="smollm2-135m")
    out = tmp_path / "student"
    manifest = train(TrainConfig(data=str(tmp_path / "sft"), out=str(out), student="smollm2-135m", lora=True,
                                 max_steps=2, batch_size=2, learning_rate=1e-4, save_steps=2, merge=False))
    assert manifest.counts["steps"] == 2 and manifest.extra["facts"]["student_path"] == str(
        ensure_safetensors("smollm2-135m"))
    assert (out / "checkpoints" / "checkpoint-2" / "adapter_model.safetensors").exists()
    assert (out / "final" / "adapter_config.json").exists()

    backend = make_backend(BackendSpec(backend="transformers", model=str(out), options={"batch_size": 4}))
    user, prefix = apply_mode("What is the capital of France?", "think", 40)
    think = ChatRequest.chat([{"role": "user", "content": user}], assistant_prefix=prefix,
                             params=SamplingParams(max_tokens=6, temperature=0))
    assert backend.render(think).endswith("<|im_start|>assistant\n<think>\n")  # template + forced prefix
    plain = ChatRequest.chat([{"role": "user", "content": "What is the capital of France?"}],
                             params=SamplingParams(max_tokens=12, temperature=0))
    first, second = backend.generate([think, plain])
    assert first.finish_reason == "length" and first.completion_tokens == 6 and first.text
    assert second.text.strip() and second.prompt_tokens > 10 and first.prompt_tokens > second.prompt_tokens
    # a stop string taken from the greedy output cuts it exactly there and reports "stop"
    stop = second.text[5:9]
    cut = backend.generate([ChatRequest.chat(plain.message_dicts(), params=SamplingParams(
        max_tokens=12, temperature=0, stop=(stop,)))])[0]
    assert cut.finish_reason == "stop" and cut.text == second.text[:second.text.index(stop)]


@pytest.mark.slow
def test_batched_generation_matches_one_by_one(tmp_path):
    """Left padding must not change greedy outputs: a batch of different lengths equals separate calls."""
    student = make_tiny_student(tmp_path / "tiny")
    backend = make_backend(BackendSpec(backend="transformers", model=str(student), options={"batch_size": 3}))
    params = SamplingParams(max_tokens=8, temperature=0)
    requests = [ChatRequest.chat([{"role": "user", "content": q}], params=params)
                for q in ("Hi", "What is 2 + 2? Explain briefly.", "Name three primary colours, please.")]
    batched = [c.text for c in backend.generate(requests)]
    single = [backend.generate([r])[0].text for r in requests]
    assert batched == single
    seen = []
    backend.generate(requests, on_result=lambda i, c: seen.append(i))
    assert sorted(seen) == [0, 1, 2]


@pytest.mark.slow
def test_converted_student_reloads_fast_and_is_plain():
    import time

    path = ensure_safetensors("smollm2-135m")
    assert (path / "model.safetensors").exists() and "quantization_config" not in (path / "config.json").read_text()
    t0 = time.perf_counter()
    model, tokenizer = load_student("smollm2-135m")
    assert time.perf_counter() - t0 < 30  # ~2 s idle; generous for a loaded 2-core machine
    assert not getattr(model, "is_quantized", False) and tokenizer.chat_template
