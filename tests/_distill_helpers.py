"""Shared builders for the distillation tests (plain functions; each test module wraps them in fixtures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa


def trace_rows(n: int, *, agree_every: int = 3) -> list[dict[str, Any]]:
    """Hand-written addition traces: short, exact and easy for a tiny model to memorise."""
    rows = []
    for i in range(n):
        a, b = 3 + i % 7, 5 + i % 4
        rows.append({
            "id": f"q{i}", "trace_id": f"q{i}#0", "question": f"What is {a} + {b}?",
            "reasoning": f"I add {a} and {b}. {a} plus {b} is {a + b}.",
            "response": f"The answer is {a + b}.", "qc_flags": [], "agree": i % agree_every != 0,
        })
    return rows


def trace_table(n: int, **kw: Any) -> pa.Table:
    return pa.Table.from_pylist(trace_rows(n, **kw))


def make_tiny_student(folder: Path, *, chat_template: bool = True) -> Path:
    """A randomly initialised 2-layer Llama (hidden 64) with SmolLM2's tokenizer and chat template."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from naturalthoughts.llm.student import load_tokenizer

    tokenizer = load_tokenizer("smollm2-135m")
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024, tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    if not chat_template:
        tokenizer.chat_template = None
    tokenizer.save_pretrained(folder)
    if not chat_template:
        (folder / "chat_template.jinja").unlink(missing_ok=True)
    return folder


def one_torch_thread():
    """Generator for a fixture: run torch on one thread, then restore.

    The test machine's 2 cores are shared with other jobs; under that load two OpenMP threads spin-wait for each
    other and a step costs ~8x the CPU time of one thread (measured: 6.2 s vs 0.8 s CPU for 24 tokens of
    SmolLM2 generation at load average 26).
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
