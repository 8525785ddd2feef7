"""build-sft: exact strings per mode, think-block handling, mixing shares, exclusions counted, manifest."""

from __future__ import annotations

import json
import math

import pyarrow as pa
import pytest
from _distill_helpers import trace_rows, trace_table

from naturalthoughts.core import modes
from naturalthoughts.core.store import Manifest, read_table
from naturalthoughts.stages.distillation.mixing import DifficultyMix, RandomMix, parse_mix
from naturalthoughts.stages.distillation.sft_data import EMPTY_THINK_BLOCK, build_sft


class CharTokenizer:
    """One token per character; carries a chat template so the ``auto`` think-block rule can be tested."""

    name_or_path = "chars"

    def __init__(self, chat_template: str | None = None) -> None:
        self.chat_template = chat_template

    def __call__(self, texts, add_special_tokens=False):
        return {"input_ids": [list(range(len(t))) for t in texts]}


def _msgs(out: pa.Table, i: int) -> list[dict]:
    return out.column("messages")[i].as_py()


def test_system2_exact_strings_and_k_from_data():
    rows = trace_rows(2)
    out, stats = build_sft(pa.Table.from_pylist(rows), "system2", tokenizer="words")
    words = [len(r["reasoning"].split()) + len(r["response"].split()) for r in rows]
    k = round(sum(words) / len(words))
    assert stats["strings"]["think_words"] == k and stats["strings"]["think_words_source"] == "mean_system2_words"
    messages = _msgs(out, 0)
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == f"What is 3 + 5?\n\nThink carefully before answering. Use about {k} words"
    assert messages[0]["content"] == modes.apply_mode("What is 3 + 5?", "think", k)[0]  # same strings as evaluation
    assert messages[1]["content"] == "<think>\nI add 3 and 5. 3 plus 5 is 8.\n</think>\n\nThe answer is 8."
    assert messages[1]["content"].startswith(modes.THINK_PREFIX)  # evaluation's forced prefix continues it
    assert out.column("mode").to_pylist() == ["system2", "system2"]
    assert out.column("instruction").to_pylist() == ["think", "think"]
    assert stats["strings"]["instructions"]["think"] == f"Think carefully before answering. Use about {k} words"


def test_system1_answer_only_and_think_block_options():
    table = trace_table(1)
    out, stats = build_sft(table, "system1", tokenizer="words", system_prompt="You are terse.")
    messages = _msgs(out, 0)
    assert messages == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "What is 3 + 5?\n\nAnswer directly without thinking"},
        {"role": "assistant", "content": "The answer is 8."},
    ]
    assert stats["strings"]["s1_think_block"] == "none"
    assert stats["strings"]["think_words_source"] == "paper_default"  # no System-2 example: K = 3500
    empty, _ = build_sft(table, "system1", tokenizer="words", s1_think_block="empty")
    assert _msgs(empty, 0)[-1]["content"] == "<think>\n\n</think>\n\nThe answer is 8."
    # auto: empty block exactly when the student's template knows <think> (Qwen3-style), none otherwise
    qwen_like = CharTokenizer("{% if enable_thinking is false %}<think>\n\n</think>\n\n{% endif %}")
    auto, stats = build_sft(table, "system1", tokenizer=qwen_like)
    assert _msgs(auto, 0)[-1]["content"] == EMPTY_THINK_BLOCK + "The answer is 8."
    plain, _ = build_sft(table, "system1", tokenizer=CharTokenizer("{{ messages }}"))
    assert _msgs(plain, 0)[-1]["content"] == "The answer is 8."


def test_random_mixing_share_within_sampling_error_and_seeded():
    n, p = 2000, 0.3
    table = trace_table(n)
    out, stats = build_sft(table, "mixed", mix="random:0.3", tokenizer="words", seed=7)
    share = out.column("mode").to_pylist().count("system2") / n
    assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / n)  # 4 sigma: fails by chance ~1 in 16k runs
    assert stats["mode_shares"]["final"]["system2"]["n"] == round(share * n)
    again, _ = build_sft(table, "mixed", mix="random:0.3", tokenizer="words", seed=7)
    assert again.column("mode").to_pylist() == out.column("mode").to_pylist()
    other, _ = build_sft(table, "mixed", mix="random:0.3", tokenizer="words", seed=8)
    assert other.column("mode").to_pylist() != out.column("mode").to_pylist()
    # each mode carries its own instruction
    for mode, instruction in zip(out.column("mode").to_pylist(), out.column("instruction").to_pylist()):
        assert instruction == ("think" if mode == "system2" else "no-think")


def test_difficulty_mixing_follows_predicate_and_counts_nulls():
    rows = trace_rows(9)
    rows[4]["agree"] = None
    for i, r in enumerate(rows):
        r["verbosity"] = i
    table = pa.Table.from_pylist(rows)
    out, stats = build_sft(table, "mixed", mix="difficulty", tokenizer="words")
    expected = ["system2" if r["agree"] is False else "system1" for r in rows]  # disagree -> full trace
    assert out.column("mode").to_pylist() == expected
    assert stats["counts"]["difficulty_null"] == 1
    assert stats["config"]["mix"] == {"kind": "difficulty", "predicate": "agree=false"}
    out, _ = build_sft(table, "mixed", mix="difficulty:verbosity>=6", tokenizer="words")
    assert out.column("mode").to_pylist() == ["system2" if i >= 6 else "system1" for i in range(9)]
    with pytest.raises(ValueError, match="needs column 'hardness'"):
        build_sft(table, "mixed", mix="difficulty:hardness", tokenizer="words")


def test_exclusions_counted_by_reason_never_truncated():
    rows = trace_rows(7)
    rows[0]["response"] = "   "
    rows[1]["response"] = None
    rows[2]["qc_flags"] = ["unclosed_think"]
    rows[3]["qc_flags"] = ["truncated"]
    rows[4]["reasoning"] = None  # no think block: cannot be a System-2 example
    rows[5]["reasoning"] = "long " * 200
    out, stats = build_sft(pa.Table.from_pylist(rows), "system2", tokenizer=CharTokenizer(), max_tokens=300)
    assert stats["counts"]["rejected"] == {"missing_response": 2, "unclosed_think": 1, "truncated": 1,
                                           "no_reasoning": 1, "over_length": 1}
    assert out.column("trace_id").to_pylist() == ["q6#0"]
    assert stats["counts"]["in"] == 7 and stats["counts"]["out"] == 1
    rejects = stats["rejects"]
    assert rejects.num_rows == 6
    over = [r for r in rejects.to_pylist() if r["reject_reason"] == "over_length"][0]
    assert over["trace_id"] == "q5#0" and over["target_tokens"] > 300
    # the same row without reasoning is fine as System-1
    out1, stats1 = build_sft(pa.Table.from_pylist(rows), "system1", tokenizer=CharTokenizer(), max_tokens=300)
    assert "q4#0" in out1.column("trace_id").to_pylist() and "no_reasoning" not in stats1["counts"]["rejected"]


def test_instruction_policies():
    table = trace_table(400)
    out, stats = build_sft(table, "system2", tokenizer="words", instruction_policy="mode+adaptive:0.25")
    instructions = out.column("instruction").to_pylist()
    assert set(instructions) == {"think", "adaptive"}
    assert 0.15 < instructions.count("adaptive") / 400 < 0.35
    adaptive_user = [m for m, i in zip(out.column("messages").to_pylist(), instructions) if i == "adaptive"][0][0]
    assert adaptive_user["content"].endswith("\n\nThink carefully before answering.")
    out, _ = build_sft(table.slice(0, 1), "system2", tokenizer="words", instruction_policy="none")
    assert _msgs(out, 0)[0]["content"] == "What is 3 + 5?"
    out, _ = build_sft(table.slice(0, 1), "system1", tokenizer="words", think_words=77, instruction_policy="adaptive")
    assert _msgs(out, 0)[0]["content"].endswith(modes.ADAPTIVE_INSTRUCTION)
    with pytest.raises(ValueError, match="instruction policy"):
        build_sft(table, "system2", tokenizer="words", instruction_policy="sometimes")


def test_mix_spec_parsing_and_mode_errors():
    assert parse_mix("random:0.4") == RandomMix(0.4)
    assert parse_mix("difficulty") == DifficultyMix("agree", "=", False)
    assert parse_mix("difficulty:reference_agree") == DifficultyMix("reference_agree", "=", False)
    assert parse_mix("difficulty:domain=Law") == DifficultyMix("domain", "=", "Law")
    for bad in ("random:x", "random:1.5", "sometimes", "difficulty:a b"):
        with pytest.raises(ValueError):
            parse_mix(bad)
    table = trace_table(3)
    with pytest.raises(ValueError, match="--mode mixed needs --mix"):
        build_sft(table, "mixed", tokenizer="words")
    with pytest.raises(ValueError, match="applies to --mode mixed only"):
        build_sft(table, "system2", mix="random:0.5", tokenizer="words")
    with pytest.raises(ValueError, match="lacks column 'response'"):
        build_sft(table.drop_columns(["response"]), "system1", tokenizer="words")


def test_cli_writes_stage_with_manifest_and_rejects(tmp_path):
    from naturalthoughts.main import main

    rows = trace_rows(10)
    rows[0]["response"] = ""
    src = tmp_path / "selected.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "sft"
    code = main(["build-sft", "--in", str(src), "--out", str(out), "--mode", "mixed", "--mix", "difficulty",
                 "--tokenizer", "words", "--think-words", "120"])
    assert code == 0
    table = read_table(out)
    assert table.num_rows == 9
    manifest = Manifest.load(out)
    assert manifest.counts["rejected"] == {"missing_response": 1}
    assert manifest.extra["strings"]["instructions"]["think"] == "Think carefully before answering. Use about 120 words"
    assert manifest.extra["strings"]["think_words_source"] == "given"
    assert set(manifest.extra["mode_shares"]["final"]) == {"system1", "system2"}
    assert manifest.extra["tokens"]["tokenizer"] == "words"
    assert read_table(out / "rejects.parquet").column("reject_reason").to_pylist() == ["missing_response"]
    assert main(["build-sft", "--in", str(src), "--out", str(out), "--mode", "mixed", "--tokenizer", "words"]) == 2


def test_real_tokenizer_counts_tokens(tmp_path):
    """The default student's tokenizer (converted once from the embedded GGUF) measures the targets."""
    out, stats = build_sft(trace_table(3), "system2", tokenizer="smollm2-135m", max_tokens=20)
    assert stats["tokens"]["tokenizer"] == "smollm2-135m"
    # "<think>\nI add 3 and 5. ..." is longer than 20 SmolLM2 tokens: every example is excluded and counted
    assert out.num_rows == 0 and stats["counts"]["rejected"] == {"over_length": 3}
    out, stats = build_sft(trace_table(3), "system2", tokenizer="smollm2-135m")
    assert 20 < stats["tokens"]["target"]["max"] < 60


@pytest.mark.parametrize("mode, kwargs", [
    ("system2", {}),
    ("system1", {"s1_think_block": "empty"}),
    ("mixed", {"mix": "random:0.5", "instruction_policy": "mode+adaptive:0.3"}),
    ("mixed", {"mix": "difficulty:agree=false", "max_tokens": 30}),
])
def test_streamed_build_sft_equals_the_in_memory_one(tmp_path, mode, kwargs):
    """run_build_sft on a sharded stage folder (two passes, batches of 3 rows over shards of 7) writes exactly the
    rows, rejects and statistics build_sft computes on the whole table."""
    from naturalthoughts.core.store import write_stage
    from naturalthoughts.stages.distillation.run import run_build_sft
    from naturalthoughts.stages.distillation.sft_stream import stream_build_sft

    rows = trace_rows(23)
    for i, r in enumerate(rows):
        r["agree"] = i % 3 == 0
        if i % 5 == 4:
            r["response"] = ""  # missing_response
        if i % 7 == 6:
            r["qc_flags"] = ["truncated"]
        if i % 4 == 1:
            r["reasoning"] = r["reasoning"] + " and more words" * 6  # long: over_length at max_tokens 30
    table = pa.Table.from_pylist(rows)
    write_stage(tmp_path / "in", table, stage="select", config={}, rows_per_shard=7)
    expected, stats = build_sft(table, mode, tokenizer="words", **kwargs)
    manifest = run_build_sft(tmp_path / "in", tmp_path / "out", mode, tokenizer="words", **kwargs)
    assert read_table(tmp_path / "out").to_pylist() == expected.to_pylist()
    rejects = stats.pop("rejects")
    if rejects.num_rows:
        assert read_table(tmp_path / "out" / "rejects.parquet").to_pylist() == rejects.to_pylist()
    assert manifest.counts == stats["counts"]
    for key in ("mode_shares", "instruction_shares", "tokens", "strings"):
        assert manifest.extra[key] == stats[key], key

    from naturalthoughts.core.store import StageOutput

    small = StageOutput(tmp_path / "small", rows_per_shard=5)
    streamed = stream_build_sft(tmp_path / "in", small, mode, tokenizer="words", batch_rows=3, **kwargs)
    small.finish(stage="build-sft", config={})
    assert read_table(tmp_path / "small").to_pylist() == expected.to_pylist()
    assert streamed["counts"] == stats["counts"] and streamed["strings"] == stats["strings"]


def test_streamed_build_sft_holds_only_light_columns_and_names_a_missing_mix_column(tmp_path):
    """Pass 0 keeps a key and the mix's column per row, not the annotation columns; a mix column the input lacks
    is still an error that lists the input's columns (all of them, not only the ones pass 0 read)."""
    from naturalthoughts.core.store import StageOutput, write_stage
    from naturalthoughts.stages.distillation.sft_stream import _light_columns, stream_build_sft
    from naturalthoughts.stages.distillation.mixing import parse_mix

    rows = trace_rows(6)
    for i, r in enumerate(rows):
        r["agree"] = i % 2 == 0
        r["strategies"] = ["verification"] * 50
    write_stage(tmp_path / "in", pa.Table.from_pylist(rows), stage="select", config={}, rows_per_shard=4)
    schema = read_table(tmp_path / "in").schema
    assert _light_columns(schema, parse_mix("difficulty:agree=false")) == ["trace_id", "agree"]
    assert _light_columns(schema, parse_mix("random:0.5")) == ["trace_id"]
    with pytest.raises(ValueError, match=r"needs column 'hard'.*reasoning"):
        stream_build_sft(tmp_path / "in", StageOutput(tmp_path / "out"), "mixed", mix="difficulty:hard",
                         tokenizer="words")
