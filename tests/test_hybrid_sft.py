"""Hybrid students: build-sft rows rendered through the student's own thinking switch, the training/inference
prompt consistency check, and evaluate asking through the same carrier (real chat templates from
tests/templates/, the real Jinja renderer, the fake backend for one quick evaluation run)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pytest
from _distill_helpers import trace_rows, trace_table

from naturalthoughts.core.store import Manifest, read_table
from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, SamplingParams
from naturalthoughts.llm.backends.chat_template import load_chat_template
from naturalthoughts.llm.mode_prompt import mode_prompt, render_inference_prompt
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.distillation.consistency import (
    PromptMismatchError,
    check_prompt_consistency,
    rows_to_check,
)
from naturalthoughts.stages.distillation.sft_data import build_sft
from naturalthoughts.stages.evaluation.api import Condition, _condition_requests, evaluate
from naturalthoughts.stages.evaluation.benchmarks import load_benchmark
from naturalthoughts.stages.evaluation.prompts import Asking, question_text

TEMPLATES = Path(__file__).parent / "templates"
QWEN3, DEEPSEEK, GPT_OSS, SMOLLM2 = (str(TEMPLATES / f) for f in
                                     ("qwen3.jinja", "deepseek_v31.jinja", "gpt_oss.jinja", "smollm2.jinja"))
USER = "<|im_start|>user\nWhat is 3 + 5?<|im_end|>\n"


def _rendered(out: pa.Table, template: str, i: int = 0) -> str:
    """Row ``i`` rendered as training renders it: the conversation with the row's template variables."""
    row = out.slice(i, 1).to_pylist()[0]
    return load_chat_template(template).render(row["messages"], False, **json.loads(row["template_kwargs"]))


def _rows(out: pa.Table, table: pa.Table) -> list[dict]:
    by_id = {r["id"]: r["question"] for r in table.to_pylist()}
    cols = out.to_pydict()
    return list(rows_to_check(cols, [by_id[i] for i in cols["id"]]))


# ----------------------------------------------------------------------------- build-sft rows


def test_qwen3_template_carrier_renders_thinking_off_and_on_turns():
    table = trace_table(1)
    s1, stats1 = build_sft(table, "system1", tokenizer="words", mode_carrier="template", chat_template=QWEN3)
    s2, stats2 = build_sft(table, "system2", tokenizer="words", mode_carrier="template", chat_template=QWEN3)
    # The mode travels as the template flag, not as an instruction in the user turn.
    assert s1.column("messages")[0].as_py()[0] == {"role": "user", "content": "What is 3 + 5?"}
    assert s1.column("template_kwargs").to_pylist() == ['{"enable_thinking": false}']
    assert s2.column("template_kwargs").to_pylist() == ['{"enable_thinking": true}']
    # System-1: exactly Qwen3's thinking-off turn (the empty think block), System-2: the thinking-on one.
    assert _rendered(s1, QWEN3) == USER + "<|im_start|>assistant\n<think>\n\n</think>\n\nThe answer is 8.<|im_end|>\n"
    assert _rendered(s2, QWEN3) == (USER + "<|im_start|>assistant\n<think>\nI add 3 and 5. 3 plus 5 is 8.\n</think>"
                                    "\n\nThe answer is 8.<|im_end|>\n")
    # ...and the inference prompt of each mode is exactly where the trained continuation starts.
    template = load_chat_template(QWEN3)
    off = render_inference_prompt(template, mode_prompt("What is 3 + 5?", "no-think", carrier="template",
                                                        family="qwen3"))
    assert off == USER + "<|im_start|>assistant\n<think>\n\n</think>\n\n"
    assert _rendered(s1, QWEN3) == off + "The answer is 8.<|im_end|>\n"
    for stats in (stats1, stats2):
        assert stats["counts"]["prompt_checked"] == 1
        assert stats["prompt_consistency"] == {"checked": 1, "skipped_no_mode": 0, "template": QWEN3}
    strings = stats1["strings"]
    assert (strings["mode_carrier"], strings["model_family"]) == ("template", "qwen3")
    assert strings["template_kwargs"] == {"no-think": {"enable_thinking": False}, "think": {"enable_thinking": True},
                                          "adaptive": {"enable_thinking": True}}


def test_auto_soft_switch_and_effort_carriers_across_families():
    table = trace_table(6)
    # auto reads the family from the template's text: Qwen3 -> template carrier.
    out, stats = build_sft(table, "mixed", mix="random:0.5", tokenizer="words", mode_carrier="auto",
                           chat_template=QWEN3, seed=1)
    assert stats["strings"]["mode_carrier"] == "template" and stats["counts"]["prompt_checked"] == 6
    soft, stats = build_sft(table, "system1", tokenizer="words", mode_carrier="soft-switch", model_family="qwen3",
                            chat_template=QWEN3)
    assert soft.column("messages")[0].as_py()[0]["content"] == "What is 3 + 5? /no_think"
    assert stats["counts"]["prompt_checked"] == 6
    effort, stats = build_sft(table, "system1", tokenizer="words", mode_carrier="effort", chat_template=GPT_OSS)
    assert effort.column("template_kwargs")[0].as_py() == '{"reasoning_effort": "low"}'
    assert "\nReasoning: low\n" in _rendered(effort, GPT_OSS)
    assert stats["counts"]["prompt_checked"] == 6
    # DeepSeek-V3.1's thinking-off turn is a bare </think>: System-1 trains as exactly that.
    ds, stats = build_sft(table, "system1", tokenizer="words", mode_carrier="template", chat_template=DEEPSEEK)
    assert _rendered(ds, DEEPSEEK) == "<｜User｜>What is 3 + 5?<｜Assistant｜></think>The answer is 8.<｜end▁of▁sentence｜>"
    # SmolLM2 has no switch: auto keeps the paper's instruction and rows stay as they were.
    plain, stats = build_sft(table, "system1", tokenizer="words", mode_carrier="auto", chat_template=SMOLLM2)
    assert "template_kwargs" not in plain.column_names and stats["strings"]["mode_carrier"] == "instruction"
    with pytest.raises(ValueError, match="request field"):
        build_sft(table, "system1", tokenizer="words", mode_carrier="effort", model_family="openai-api")
    with pytest.raises(ValueError, match="needs a family"):
        build_sft(table, "system1", tokenizer="words", mode_carrier="template", chat_template=SMOLLM2)


# ----------------------------------------------------------------------------- the consistency check


def test_check_fails_on_a_qwen3_template_whose_no_think_block_differs(tmp_path):
    # The generation prompt closes an empty block one way, the rendered assistant turn another: a student
    # trained on these rows would be asked with a prompt it never saw.
    text = Path(QWEN3).read_text()
    assert text.count("{{- '<think>\\n\\n</think>\\n\\n' }}") == 1
    variant = tmp_path / "qwen3_variant.jinja"
    variant.write_text(text.replace("{{- '<think>\\n\\n</think>\\n\\n' }}", "{{- '<think>\\n</think>\\n\\n' }}"))
    with pytest.raises(PromptMismatchError) as err:
        build_sft(trace_table(3), "system1", tokenizer="words", mode_carrier="template", chat_template=str(variant))
    message = str(err.value)
    assert "row q0 (mode system1, instruction no-think, carrier template)" in message
    at = len(USER + "<|im_start|>assistant\n<think>\n")
    assert f"at character {at}, after " in message
    assert "training '\\n</think>\\n\\nThe answer is 8.<|im_end|>\\n' vs inference '</think>\\n\\n'" in message
    # The same rows pass with the real template and fail against the variant when checked on their own.
    table = trace_table(3)
    out, _ = build_sft(table, "system1", tokenizer="words", mode_carrier="template", chat_template=QWEN3)
    rows = _rows(out, table)
    assert check_prompt_consistency(rows, load_chat_template(QWEN3), "template", "qwen3") == {
        "checked": 3, "skipped_no_mode": 0}
    with pytest.raises(PromptMismatchError, match="row q0 "):
        check_prompt_consistency(rows, load_chat_template(str(variant)), "template", "qwen3")


def test_check_fails_on_a_system_prompt_evaluation_would_not_send():
    table = trace_table(2)
    out, _ = build_sft(table, "mixed", mix="random:0.5", tokenizer="words", mode_carrier="template",
                       chat_template=QWEN3, system_prompt="You are terse.", seed=2)
    rows = _rows(out, table)
    template = load_chat_template(QWEN3)
    assert check_prompt_consistency(rows, template, "template", "qwen3", system_prompt="You are terse.")["checked"] == 2
    with pytest.raises(PromptMismatchError) as err:
        check_prompt_consistency(rows, template, "template", "qwen3", system_prompt=None)
    assert str(err.value).startswith("row q0 (mode system2, instruction think, carrier template): the training "
                                     "prompt differs from the inference prompt at character 12, after "
                                     "'<|im_start|>': training 'system\\nYou are terse.")
    # Rows trained with thinking on but checked as System-1's no-think mode: the flag itself differs.
    rows[0] = {**rows[0], "instruction": "no-think", "template_kwargs": '{"enable_thinking": true}'}
    with pytest.raises(PromptMismatchError, match="row q0 .*instruction no-think"):
        check_prompt_consistency(rows, template, "template", "qwen3", system_prompt="You are terse.")


def test_check_catches_a_template_that_drops_the_reasoning_it_should_train():
    # DeepSeek-V3.1's template renders every assistant turn after a bare </think>, dropping the trace: a
    # System-2 example cannot train through it, and build-sft says so instead of training the wrong thing.
    with pytest.raises(PromptMismatchError, match=r"row q0 \(mode system2, instruction think.*character \d+"):
        build_sft(trace_table(2), "system2", tokenizer="words", mode_carrier="template", chat_template=DEEPSEEK)
    out, stats = build_sft(trace_table(2), "system2", tokenizer="words", mode_carrier="template",
                           chat_template=DEEPSEEK, check_prompts="off")
    assert out.num_rows == 2 and "prompt_checked" not in stats["counts"]


# ----------------------------------------------------------------------------- instruction carrier unchanged

# Digests of build-sft's rows computed with the code before mode carriers existed (same inputs as below).
BEFORE = ("a83c799bf6cd8f66b68e7417ea3947d757b7fc2df633bf0b2919b7053b9d9f3c",
          "254663a5dee737399a901c221e821ee754de3341b34e87253d2daf0340d47f3c")


def _digest(out: pa.Table) -> str:
    return hashlib.sha256((json.dumps(out.to_pylist(), sort_keys=True) + str(out.schema)).encode()).hexdigest()


def test_instruction_carrier_rows_are_byte_identical_to_before():
    rows = trace_rows(40)
    rows[3]["response"] = ""
    table = pa.Table.from_pylist(rows)
    mixed = dict(mix="random:0.5", tokenizer="words", seed=3, system_prompt="You are terse.",
                 instruction_policy="mode+adaptive:0.25")
    a, stats = build_sft(table, "mixed", **mixed)
    b, _ = build_sft(table, "system1", tokenizer="words", s1_think_block="empty")
    assert (_digest(a), _digest(b)) == BEFORE
    assert "prompt_checked" not in stats["counts"] and "mode_carrier" not in stats["config"]
    # With the student's template given, the same rows are checked (and still the same rows).
    checked, stats = build_sft(table, "mixed", chat_template=SMOLLM2, **mixed)
    assert _digest(checked) == BEFORE[0] and stats["counts"]["prompt_checked"] == a.num_rows


def test_build_sft_cli_streams_hybrid_rows_and_records_the_carrier(tmp_path):
    src = tmp_path / "traces.parquet"
    import pyarrow.parquet as pq

    pq.write_table(trace_table(5), src)
    assert cli_main(["build-sft", "--in", str(src), "--out", str(tmp_path / "sft"), "--mode", "mixed",
                     "--mix", "random:0.5", "--tokenizer", "words", "--mode-carrier", "template",
                     "--chat-template", QWEN3]) == 0
    manifest = Manifest.load(tmp_path / "sft")
    assert manifest.counts["prompt_checked"] == 5
    assert manifest.extra["strings"]["mode_carrier"] == "template"
    assert manifest.config["mode_carrier"] == "template" and manifest.config["model_family"] == "qwen3"
    out = read_table(tmp_path / "sft")
    expect = {"system1": '{"enable_thinking": false}', "system2": '{"enable_thinking": true}'}
    assert [expect[m] for m in out.column("mode").to_pylist()] == out.column("template_kwargs").to_pylist()
    assert cli_main(["build-sft", "--in", str(src), "--out", str(tmp_path / "bad"), "--mode", "system2",
                     "--tokenizer", "words", "--mode-carrier", "template", "--chat-template", DEEPSEEK]) == 2


# ----------------------------------------------------------------------------- evaluate


def test_evaluate_requests_carry_each_modes_template_kwargs():
    loaded = load_benchmark("nt-mcq", limit=2)
    asking = Asking("template", "qwen3").resolved()
    got = {}
    for mode in ("no-think", "think", "adaptive"):
        requests, meta = _condition_requests(loaded, Condition(mode, words=50 if mode == "think" else None),
                                             seeds=1, base_seed=0, params=SamplingParams(), asking=asking)
        got[mode] = {r.template_kwargs for r in requests}
        shown = loaded.items[0].presented(0)
        assert requests[0].messages[-1][1] == meta[0][2]
        if mode != "adaptive":  # the flag carries the mode: no instruction, no forced prefix
            assert requests[0].messages[-1][1] == question_text(shown)
            assert requests[0].assistant_prefix == ""
    assert got == {"no-think": {(("enable_thinking", False),)}, "think": {(("enable_thinking", True),)},
                   "adaptive": {(("enable_thinking", True),)}}
    # The instruction carrier's requests (and so their cache keys) are exactly those of before.
    [old], _ = _condition_requests(load_benchmark("nt-mcq", limit=1), Condition("think", words=50), seeds=1,
                                   base_seed=0, params=SamplingParams(), asking=Asking(system_prompt="Be brief."))
    shown = load_benchmark("nt-mcq", limit=1).items[0].presented(0)
    assert old == ChatRequest.chat(
        [{"role": "system", "content": "Be brief."},
         {"role": "user",
          "content": question_text(shown) + "\n\nThink carefully before answering. Use about 50 words"}],
        params=SamplingParams(), sample_index=0, assistant_prefix="<think>\n")


def test_evaluate_run_through_the_template_carrier(tmp_path):
    spec = BackendSpec(backend="fake", model="fake", options={"chat_template": QWEN3})
    summary = evaluate(spec, "nt-mcq", ("no-think", "think"), limit=3, cache=False, out_dir=tmp_path / "eval",
                       progress=False, mode_carrier="auto")
    rows = read_table(tmp_path / "eval").to_pylist()
    by_mode = {m: [r for r in rows if r["mode"] == m] for m in ("no-think", "think")}
    # The fake engine thinks unless the template flag switches thinking off, as a hybrid model does.
    assert all("<think>" not in r["output"] for r in by_mode["no-think"]) and len(by_mode["no-think"]) == 3
    assert all("<think>" in r["output"] for r in by_mode["think"]) and len(by_mode["think"]) == 3
    assert all("Think carefully" not in r["prompt"] for r in rows)
    config = Manifest.load(tmp_path / "eval").config
    assert (config["mode_carrier"], config["model_family"]) == ("template", "qwen3")
    assert summary["items"] == 3


def test_evaluate_cli_defaults_to_the_carrier_the_student_was_trained_with(tmp_path):
    final = tmp_path / "student" / "final"
    final.mkdir(parents=True)
    (final / "config.json").write_text("{}")
    (final / "naturalthoughts-student.json").write_text(json.dumps({"student": "smollm2-135m", "sft_strings": {
        "think_words": 40, "mode_carrier": "template", "model_family": "qwen3"}}))
    argv = ["evaluate", "--backend", "fake", "--model", str(tmp_path / "student"), "--benchmark", "nt-mcq",
            "--limit", "2", "--mode", "no-think"]
    assert cli_main([*argv, "--out", str(tmp_path / "eval")]) == 0
    config = Manifest.load(tmp_path / "eval").config
    assert (config["mode_carrier"], config["model_family"]) == ("template", "qwen3")
    assert config["defaults_from_student"] == {"think_words": 40, "mode_carrier": "template",
                                               "model_family": "qwen3"}
    samples = [json.loads(line) for line in (tmp_path / "eval" / "samples.jsonl").read_text().splitlines()]
    assert all("<think>" not in s["output"] and "Answer directly" not in s["prompt"] for s in samples)
    # Given on the command line, the carrier wins over the student's record.
    assert cli_main([*argv, "--mode-carrier", "instruction", "--out", str(tmp_path / "given")]) == 0
    given = Manifest.load(tmp_path / "given").config
    assert given["mode_carrier"] == "instruction" and "mode_carrier" not in given["defaults_from_student"]


def test_training_masks_hybrid_rows_with_their_template_kwargs(tmp_path):
    # The trainer's side: TRL renders each example with its ``chat_template_kwargs``; the loss preview (the same
    # rendering) then trains System-1 on the answer alone, the empty think block being part of the prompt, as
    # at inference. A real tokenizer (SmolLM2's) carrying the Qwen3 template.
    from naturalthoughts.llm.student import load_tokenizer
    from naturalthoughts.stages.distillation.hybrid import with_template_kwargs
    from naturalthoughts.stages.distillation.loss_mask import loss_mask_preview
    from naturalthoughts.stages.distillation.run import run_build_sft
    from naturalthoughts.stages.distillation.train import load_conversations

    src = tmp_path / "traces.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in trace_rows(1)))
    run_build_sft(src, tmp_path / "sft", "system1", tokenizer="words", mode_carrier="template", chat_template=QWEN3)
    [example], _ = load_conversations(tmp_path / "sft")  # what train hands TRL: the row's switch included
    assert example["chat_template_kwargs"] == {"enable_thinking": False}
    assert with_template_kwargs([example], read_table(tmp_path / "sft")) == [example]
    tokenizer = load_tokenizer("smollm2-135m")
    tokenizer.chat_template = Path(QWEN3).read_text()

    def trained(ex):
        ids, mask = loss_mask_preview(tokenizer, ex)
        return tokenizer.decode([t for t, m in zip(ids, mask) if m])

    # SmolLM2's pre-tokenizer splits the "\n\n" before a word apart from the one ending the prompt, so the loss
    # starts at that boundary token (a Qwen3 tokenizer keeps newline runs whole); no think text is trained.
    assert trained(example).lstrip("\n") == "The answer is 8.<|im_end|>\n"
    without = {k: v for k, v in example.items() if k != "chat_template_kwargs"}
    assert trained(without) == "<think>\n\n</think>\n\nThe answer is 8.<|im_end|>\n"  # what the flag changes
