"""train: loss mask on the assistant turn only, a tiny model whose loss falls, packing, resume, bad input."""

from __future__ import annotations

import pyarrow as pa
import pytest
from _distill_helpers import make_tiny_student, one_torch_thread, trace_table

from naturalthoughts.core.store import read_table, write_stage
from naturalthoughts.llm.student import StudentNotFoundError, load_tokenizer
from naturalthoughts.stages.distillation.loss_mask import SFTDataError, loss_mask_preview, mask_check_rows
from naturalthoughts.stages.distillation.run import run_build_sft
from naturalthoughts.stages.distillation.train import (
    TrainConfig,
    build_trainer,
    epochs_for_size,
    load_conversations,
    train,
)

_one_thread = pytest.fixture(autouse=True, scope="module")(one_torch_thread)


@pytest.fixture(scope="module")
def tiny_student(tmp_path_factory):
    return make_tiny_student(tmp_path_factory.mktemp("tiny-student"))


@pytest.fixture(scope="module")
def sft_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    write_stage(folder / "selected", trace_table(24), stage="select", config={})
    run_build_sft(folder / "selected", folder / "sft", "mixed", mix="random:0.5", tokenizer="smollm2-135m")
    return folder / "sft"


def test_chat_template_round_trip_mask_covers_exactly_the_assistant_turn(sft_dir):
    tokenizer = load_tokenizer("smollm2-135m")
    examples, _ = load_conversations(sft_dir)
    example = next(e for e in examples if e["completion"][0]["content"].startswith("<think>"))
    answer = example["completion"][0]["content"]
    ids, mask = loss_mask_preview(tokenizer, example)
    text = tokenizer.decode(ids)
    assert text.endswith(answer + "<|im_end|>\n")  # the rendered System-2 example ends with the answer
    trained = tokenizer.decode([t for t, m in zip(ids, mask) if m])
    untrained = tokenizer.decode([t for t, m in zip(ids, mask) if not m])
    assert trained == answer + "<|im_end|>\n"  # the answer and the end-of-turn token: the model learns to stop
    assert untrained.endswith("<|im_start|>assistant\n") and example["prompt"][-1]["content"] in untrained


def test_trl_builds_the_same_labels(tiny_student, sft_dir, tmp_path):
    """The labels TRL actually trains on equal the preview: prompt tokens are -100, assistant tokens are kept."""
    trainer, facts = build_trainer(TrainConfig(data=str(sft_dir), out=str(tmp_path), student=str(tiny_student),
                                               max_steps=1))
    tokenizer = trainer.processing_class
    examples, _ = load_conversations(sft_dir)
    by_ids = {tuple(loss_mask_preview(tokenizer, e)[0]): e for e in examples}
    row = trainer.train_dataset[0]
    ids, mask = loss_mask_preview(tokenizer, by_ids[tuple(row["input_ids"])])
    assert [label != -100 for label in row["labels"]] == [bool(m) for m in mask]
    assert facts["epochs"] == 10 and facts["trained_examples"] == 24 and facts["over_length"] == 0


def test_tiny_model_loss_falls_then_resumes(tiny_student, sft_dir, tmp_path):
    out = tmp_path / "run"
    config = TrainConfig(data=str(sft_dir), out=str(out), student=str(tiny_student), max_steps=8, batch_size=2,
                         learning_rate=1e-2, save_steps=8, gradient_checkpointing=False)
    manifest = train(config)
    log = read_table(out).to_pylist()
    assert len(log) == 8 and log[-1]["tokens_per_s"] > 0
    first, last = sum(r["loss"] for r in log[:3]) / 3, sum(r["loss"] for r in log[-3:]) / 3
    assert last < 0.75 * first, (first, last)  # measured: 10.8 -> 4.6 (lr 1e-2 memorises fast)
    assert (out / "final" / "model.safetensors").exists() and (out / "checkpoints" / "checkpoint-8").is_dir()
    assert manifest.counts["steps"] == 8 and manifest.config["weight_decay"] == 0.1
    info = (out / "final" / "naturalthoughts-student.json").read_text()
    assert "Think carefully before answering. Use about" in info  # the SFT strings travel with the student
    # resume continues from the last checkpoint instead of starting again
    config.max_steps, config.resume = 9, True
    resumed = train(config)
    assert resumed.extra["resumed_from"].endswith("checkpoint-8") and resumed.counts["steps"] == 9


def test_packing_is_padding_free_and_trains(tiny_student, sft_dir, tmp_path):
    trainer, facts = build_trainer(TrainConfig(data=str(sft_dir), out=str(tmp_path), student=str(tiny_student),
                                               packing=True, max_length=256, max_steps=2, batch_size=2,
                                               gradient_checkpointing=False))
    batch = next(iter(trainer.get_train_dataloader()))
    assert "attention_mask" not in batch and batch["input_ids"].shape[0] == 1  # one flat padding-free row
    assert int((batch["position_ids"][0] == 0).sum()) > 2  # several examples share it
    assert trainer.train().global_step == 2


def test_paper_epochs_by_size():
    assert [epochs_for_size(n) for n in (800, 1000, 10_000, 100_000, 500_000)] == [10, 10, 6, 8, 8]


def _sft_file(tmp_path, messages_per_row):
    path = tmp_path / "bad.parquet"
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([{"trace_id": f"t{i}", "messages": m} for i, m in enumerate(messages_per_row)]),
                   path)
    return str(path)


def test_bad_input_fails_before_training(tiny_student, sft_dir, tmp_path):
    user = {"role": "user", "content": "hi"}
    no_assistant = _sft_file(tmp_path, [[user, {"role": "assistant", "content": "ok"}], [user]])
    with pytest.raises(SFTDataError, match=r"row 1 \(trace_id t1\): no assistant turn"):
        build_trainer(TrainConfig(data=no_assistant, out=str(tmp_path / "o"), student=str(tiny_student)))
    empty = _sft_file(tmp_path, [[user, {"role": "assistant", "content": "  "}]])
    with pytest.raises(SFTDataError, match="assistant turn is empty"):
        build_trainer(TrainConfig(data=empty, out=str(tmp_path / "o"), student=str(tiny_student)))
    with pytest.raises(StudentNotFoundError, match="cannot be found offline"):
        build_trainer(TrainConfig(data=str(sft_dir), out=str(tmp_path / "o"), student="no-such-org/no-such-model"))
    with pytest.raises(StudentNotFoundError, match="no such model folder"):
        build_trainer(TrainConfig(data=str(sft_dir), out=str(tmp_path / "o"), student=str(tmp_path / "missing")))
    no_template = make_tiny_student(tmp_path / "no-template", chat_template=False)
    with pytest.raises(SFTDataError, match="has no chat template"):
        build_trainer(TrainConfig(data=str(sft_dir), out=str(tmp_path / "o"), student=str(no_template)))
    no_messages = tmp_path / "plain.parquet"
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["x"]}), no_messages)
    with pytest.raises(SFTDataError, match="needs a 'messages' column"):
        build_trainer(TrainConfig(data=str(no_messages), out=str(tmp_path / "o"), student=str(tiny_student)))
    assert not (tmp_path / "o" / "checkpoints").exists()


def test_cli_reports_bad_student(sft_dir, tmp_path, capsys):
    from naturalthoughts.main import main

    assert main(["train", "--data", str(sft_dir), "--out", str(tmp_path / "o"), "--student", "no-such/model"]) == 2
    assert "cannot be found offline" in capsys.readouterr().out


def test_mask_is_checked_on_every_shape_not_only_row_0():
    """System-1 and System-2 targets, with and without a system turn, each render differently: the first of each
    shape is checked, plus rows spread over the data."""
    def ex(system, think):
        prompt = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": "q"}]
        return {"prompt": prompt, "completion": [{"role": "assistant", "content": ("<think>x</think> " if think else "") + "a"}]}

    examples = [ex(None, True)] * 50 + [ex(None, False)] * 30 + [ex("Be brief.", True)] * 20
    rows = mask_check_rows(examples, spread=3)
    assert {0, 50, 80} <= set(rows) and 99 in rows and len(rows) <= 6
