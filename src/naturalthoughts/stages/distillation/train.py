"""Supervised fine-tuning of a student on ``build-sft`` conversations with TRL's ``SFTTrainer``.

Defaults follow the paper (§6): AdamW, constant learning rate 2e-5, weight decay 0.1, loss on the response
only, epochs by data size (10 for ~1k examples, 6 for ~10k, 8 for >=100k). Everything is overridable.

Loss masking: TRL's ``assistant_only_loss`` needs ``{% generation %}`` markers in the chat template, which
most templates (SmolLM2's included) lack and TRL can only patch in for the families it knows. We instead hand
TRL the *prompt-completion* form of each conversation (prompt = system + user turns, completion = the
assistant turn): TRL then masks everything up to where the rendered prompt (with the generation prompt)
ends, for any template. :func:`loss_mask_preview` shows exactly which tokens carry loss, and training refuses
to start if the mask of a checked example (the first of each shape, and rows spread over the data) does not
start at the assistant turn.

Output folder::

    OUT/checkpoints/checkpoint-N/   resumable Trainer checkpoints (--resume continues from the last one)
    OUT/final/                      the trained model (full fine-tune) or the LoRA adapter, with tokenizer
    OUT/merged/                     LoRA only: base + adapter merged into plain safetensors (serve with vLLM)
    OUT/data.parquet                the training log (step, epoch, loss, learning rate, tokens, tokens/s)
    OUT/manifest.json, _SUCCESS     config, input hash, counts, timings (naturalthoughts.core.store)
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import pyarrow as pa

from naturalthoughts.stages.distillation.hybrid import with_template_kwargs
from naturalthoughts.stages.distillation.loss_mask import SFTDataError, check_mask, mask_check_rows

log = logging.getLogger(__name__)

ROLES = ("system", "user", "assistant")
STUDENT_INFO_FILE = "naturalthoughts-student.json"  # in OUT/final and OUT/merged: how the student was trained


@dataclass
class TrainConfig:
    """Everything ``naturalthoughts train`` needs; the CLI fills it from flags, recipes from YAML."""

    data: str  # build-sft output folder or a Parquet/JSONL file with a ``messages`` column
    out: str
    student: str = "smollm2-135m"  # alias, .gguf file, model folder or hub id (cached)
    epochs: float | None = None  # None: by data size, as in the paper (see epochs_for_size)
    max_steps: int = -1  # > 0 overrides epochs (smoke tests, benchmarks)
    learning_rate: float = 2e-5
    weight_decay: float = 0.1
    lr_scheduler: str = "constant"
    warmup_steps: int = 0
    batch_size: int = 8  # per device
    grad_accum: int = 1
    max_length: int | None = None  # None: the longest example (nothing is ever truncated)
    packing: bool = False  # padding-free best-fit packing; else length-grouped batches
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_targets: str = "all-linear"
    bf16: bool | None = None  # None: on where the GPU supports it, off on CPU
    gradient_checkpointing: bool = True
    attn_implementation: str | None = None  # e.g. flash_attention_2 on GPUs (best with --packing)
    chat_template: str | None = None  # Jinja file for students whose tokenizer has none
    save_steps: int = 200
    save_total_limit: int = 2
    logging_steps: int = 1
    resume: bool = False
    merge: bool = True  # LoRA: also write OUT/merged
    seed: int = 0
    report_to: list[str] = field(default_factory=list)  # e.g. ["wandb"], ["tensorboard"]
    # passed to SFTConfig as is (deepspeed, fsdp, ...)
    extra_args: dict[str, Any] = field(default_factory=dict)


def epochs_for_size(n_examples: int) -> int:
    """Epochs as in the paper: 10 for ~1k examples, 6 for ~10k, 8 for 100k and more.

    Sizes between the paper's points take the nearer one on a log scale (boundaries at ~3.2k and ~32k).
    """
    if n_examples <= 3162:
        return 10
    if n_examples <= 31623:
        return 6
    return 8


# ---------------------------------------------------------------------------------------------- data
def load_conversations(path: str | os.PathLike) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of SFT data as ``{"prompt": [...], "completion": [assistant turn]}`` plus their ids.

    Raises :class:`SFTDataError` naming the row for: no ``messages`` column, a message that is not
    ``{role, content}``, an unknown role, no user turn, no final assistant turn, an empty assistant turn.
    """
    from naturalthoughts.core.io import load_table

    table = load_table(path)
    if "messages" not in table.column_names:
        raise SFTDataError(f"{path}: SFT data needs a 'messages' column "
                           f"(have: {', '.join(table.column_names)}); "
                           "build it with `naturalthoughts build-sft`")
    if table.num_rows == 0:
        raise SFTDataError(f"{path}: SFT data has no rows")
    ids = (table.column("trace_id").to_pylist() if "trace_id" in table.column_names
           else [str(i) for i in range(table.num_rows)])
    rows = []
    for i, (row_id, messages) in enumerate(zip(ids, table.column("messages").to_pylist())):
        where = f"{path}: row {i} (trace_id {row_id})"
        rows.append(_split_conversation(messages, where))
    # Hybrid-template data carries each row's thinking switch; TRL passes it to the chat template per example.
    return with_template_kwargs(rows, table), [str(x) for x in ids]


def _split_conversation(messages: Any, where: str) -> dict[str, Any]:
    if not isinstance(messages, list) or not messages:
        raise SFTDataError(f"{where}: field 'messages' is empty or not a list of {{role, content}}")
    for j, m in enumerate(messages):
        if not isinstance(m, dict) or not isinstance(m.get("content"), str) or m.get("role") not in ROLES:
            raise SFTDataError(f"{where}: messages[{j}] must be {{role: {'|'.join(ROLES)}, content: str}}, "
                               f"got {m!r}")
    if messages[-1]["role"] != "assistant":
        raise SFTDataError(f"{where}: no assistant turn at the end of 'messages' (roles: "
                           f"{[m['role'] for m in messages]}); nothing to train on")
    if not messages[-1]["content"].strip():
        raise SFTDataError(f"{where}: the assistant turn is empty "
                           "(an empty answer teaches the student to stop)")
    prompt = [{"role": m["role"], "content": m["content"]} for m in messages[:-1]]
    if not any(m["role"] == "user" for m in prompt):
        raise SFTDataError(f"{where}: no user turn before the assistant turn")
    return {"prompt": prompt, "completion": [{"role": "assistant", "content": messages[-1]["content"]}]}


def require_chat_template(tokenizer: Any, student: str, chat_template: str | None = None) -> None:
    """Install ``chat_template`` (a Jinja file) if given; refuse a tokenizer that still has none."""
    if chat_template:
        tokenizer.chat_template = Path(chat_template).read_text()
    if not getattr(tokenizer, "chat_template", None):
        raise SFTDataError(
            f"the tokenizer of student {student!r} has no chat template, so conversations cannot be rendered "
            "the way the student will see them at inference; use an instruct/chat model or pass "
            "--chat-template FILE.jinja"
        )


# ---------------------------------------------------------------------------------------------- training
def _device_defaults(config: TrainConfig) -> dict[str, Any]:
    import torch

    cuda = torch.cuda.is_available()
    bf16 = config.bf16 if config.bf16 is not None else bool(cuda and torch.cuda.is_bf16_supported())
    return {"use_cpu": not cuda, "bf16": bf16}


def _examples_within_length(tokenizer: Any, examples: list[dict[str, Any]],
                            max_length: int | None) -> tuple[list[int], list[int], int]:
    """(kept indices, rendered length of every example, the effective max length); None: the longest example.

    Longer examples are excluded, never truncated: a cut trace teaches an answer without its reasoning.
    """
    lengths = [len(tokenizer.apply_chat_template(ex["prompt"] + ex["completion"], tokenize=True, return_dict=True,
                                                 **ex.get("chat_template_kwargs", {}))["input_ids"])
               for ex in examples]
    max_length = max_length or max(lengths)
    keep = [i for i, n in enumerate(lengths) if n <= max_length]
    over_length = len(examples) - len(keep)
    if over_length:
        log.warning("%d examples longer than --max-length %d tokens are left out", over_length, max_length)
    if not keep:
        raise SFTDataError(f"every example is longer than --max-length {max_length}")
    return keep, lengths, max_length


def _load_student_model(config: TrainConfig, student_path: Path, device: dict[str, Any]):
    import torch
    from transformers import AutoModelForCausalLM

    # Full fine-tuning keeps fp32 master weights and runs bf16 under autocast: at the paper's LR of 2e-5 an
    # AdamW update is ~1e-3 of a typical weight, below bf16's resolution (2^-8), so pure-bf16 weights would
    # silently stop learning. A LoRA base is frozen, so it may sit in bf16 on the GPU (half the memory).
    lora_bf16_base = config.lora and device["bf16"] and not device["use_cpu"]
    model_kwargs: dict[str, Any] = {"dtype": torch.bfloat16 if lora_bf16_base else torch.float32}
    if config.attn_implementation:
        model_kwargs["attn_implementation"] = config.attn_implementation
    return AutoModelForCausalLM.from_pretrained(student_path, **model_kwargs)


def _lora_config(config: TrainConfig):
    """The PEFT LoRA config, or None for a full fine-tune."""
    if not config.lora:
        return None
    from peft import LoraConfig

    targets = config.lora_targets if config.lora_targets == "all-linear" else config.lora_targets.split(",")
    return LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=targets, task_type="CAUSAL_LM")


def _sft_config(config: TrainConfig, *, epochs: float, max_length: int, device: dict[str, Any]):
    from trl import SFTConfig

    return SFTConfig(
        output_dir=str(Path(config.out) / "checkpoints"),
        num_train_epochs=epochs,
        max_steps=config.max_steps,
        learning_rate=config.learning_rate,
        weight_decay=config.weight_decay,
        optim="adamw_torch",
        lr_scheduler_type=config.lr_scheduler,
        warmup_steps=config.warmup_steps,
        per_device_train_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accum,
        max_length=max_length,
        packing=config.packing,
        packing_strategy="bfd",
        train_sampling_strategy="random" if config.packing else "group_by_length",
        completion_only_loss=True,
        gradient_checkpointing=config.gradient_checkpointing,
        bf16=device["bf16"],
        use_cpu=device["use_cpu"],
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        logging_steps=config.logging_steps,
        include_num_input_tokens_seen="non_padding",
        seed=config.seed,
        report_to=config.report_to or "none",
        dataloader_num_workers=0,
        **config.extra_args,
    )


def build_trainer(config: TrainConfig, *, callbacks: Sequence[Any] = ()):
    """A ready ``SFTTrainer`` for ``config`` (validated data, loaded student), plus facts for the manifest."""
    from datasets import Dataset
    from trl import SFTTrainer

    from naturalthoughts.llm.student import ensure_safetensors, load_tokenizer

    examples, ids = load_conversations(config.data)  # data errors first: no model load for a bad file
    student_path = ensure_safetensors(config.student)  # StudentNotFoundError before any heavy work
    tokenizer = load_tokenizer(str(student_path))
    require_chat_template(tokenizer, config.student, config.chat_template)
    for i in mask_check_rows(examples):
        check_mask(tokenizer, examples[i], f"{config.data}: row {i} (trace_id {ids[i]})")

    keep, lengths, max_length = _examples_within_length(tokenizer, examples, config.max_length)
    dataset = Dataset.from_list([examples[i] for i in keep])
    epochs = config.epochs if config.epochs is not None else epochs_for_size(len(keep))

    device = _device_defaults(config)
    model = _load_student_model(config, student_path, device)
    args = _sft_config(config, epochs=epochs, max_length=max_length, device=device)
    trainer = SFTTrainer(model=model, args=args, train_dataset=dataset, processing_class=tokenizer,
                         peft_config=_lora_config(config), callbacks=list(callbacks))
    facts = {"examples": len(examples), "trained_examples": len(keep),
             "over_length": len(examples) - len(keep), "epochs": epochs, "max_length": max_length,
             "student_path": str(student_path),
             "example_tokens": sum(lengths[i] for i in keep), **device}
    return trainer, facts


class ThroughputCallback:
    """Adds tokens/s (non-padding input tokens per wall second) to every log line; keeps the log for OUT/.

    It also owns the console's training bar (:class:`~naturalthoughts.core.console.TrainingBar`: step/total,
    loss, tokens/s, ETA on rank 0), which replaces transformers' dict-per-step printer (see :func:`train`).
    """

    def __init__(self) -> None:
        from transformers import TrainerCallback

        from naturalthoughts.core.console import TrainingBar

        # Built lazily so importing this module does not import transformers.
        self.records: list[dict[str, Any]] = []
        self._t0 = self._tokens0 = None
        self.bar = TrainingBar("train")
        outer = self

        class _Callback(TrainerCallback):
            def on_train_begin(self, args, state, control, **kw):
                outer._t0, outer._tokens0 = time.perf_counter(), state.num_input_tokens_seen
                if state.is_world_process_zero:
                    outer.bar.start(state.max_steps, done=state.global_step)

            def on_step_end(self, args, state, control, **kw):
                outer.bar.step(state.global_step)

            def on_train_end(self, args, state, control, **kw):
                outer.bar.close()

            def on_log(self, args, state, control, logs=None, **kw):
                if logs is None or "loss" not in logs or outer._t0 is None:
                    return
                elapsed = time.perf_counter() - outer._t0
                tokens = state.num_input_tokens_seen - (outer._tokens0 or 0)
                logs["tokens_per_s"] = round(tokens / elapsed, 1) if elapsed > 0 else 0.0
                outer.records.append({"step": state.global_step, "epoch": float(state.epoch or 0),
                                      "loss": float(logs["loss"]),
                                      "learning_rate": float(logs.get("learning_rate", 0)),
                                      "tokens": int(state.num_input_tokens_seen),
                                      "tokens_per_s": logs["tokens_per_s"],
                                      "elapsed_s": round(elapsed, 2)})
                outer.bar.log(logs, logs["tokens_per_s"])

        self.callback = _Callback()


def train(config: TrainConfig):
    """Train a student; write ``OUT/final`` (+ ``OUT/merged`` for LoRA), the log and a manifest.

    With ``config.resume`` training continues from the last checkpoint in ``OUT/checkpoints`` (a fresh start
    when there is none). Returns the :class:`~naturalthoughts.core.store.Manifest` (None on non-zero ranks of
    a distributed run, where rank 0 writes the outputs).
    """
    from naturalthoughts.core.store import StageTimer, write_stage
    from naturalthoughts.stages.distillation.resume import (
        checkpoint_to_resume,
        signature_callback,
        training_signature,
    )

    timer = StageTimer()
    throughput = ThroughputCallback()
    signature = training_signature(config)
    with timer("prepare"):
        trainer, facts = build_trainer(config, callbacks=[throughput.callback, signature_callback(signature)])
    _replace_log_printers(trainer)
    # Our callback must see each log first, so tokens/s is in the logs every other callback (wandb, ...) gets.
    handler = trainer.callback_handler
    handler.callbacks.insert(0, handler.callbacks.pop(handler.callbacks.index(throughput.callback)))

    out = Path(config.out)
    checkpoint_dir = out / "checkpoints"
    last, resume_note = checkpoint_to_resume(checkpoint_dir, signature) if config.resume else (None, None)
    if resume_note:
        log.warning("--resume: %s", resume_note)
        print(f"train --resume: {resume_note}", flush=True)
    with timer("train"):
        result = trainer.train(resume_from_checkpoint=last)
    with timer("save"):
        final = out / "final"
        trainer.save_model(str(final))  # every rank: FSDP/ZeRO-3 gather the weights collectively
    if not trainer.is_world_process_zero():
        return None  # under accelerate launch, rank 0 alone writes the rest
    with timer("save"):
        trainer.processing_class.save_pretrained(str(final))
        merged = None
        if config.lora and config.merge:
            from naturalthoughts.llm.student import merge_lora

            merged = merge_lora(final, out / "merged")
        info = _student_info(config, facts)
        for folder in filter(None, (final, merged)):
            (Path(folder) / STUDENT_INFO_FILE).write_text(json.dumps(info, indent=2))

    records = throughput.records
    table = pa.Table.from_pylist(records, schema=pa.schema([
        ("step", pa.int64()), ("epoch", pa.float64()), ("loss", pa.float64()),
        ("learning_rate", pa.float64()),
        ("tokens", pa.int64()), ("tokens_per_s", pa.float64()), ("elapsed_s", pa.float64())]))
    metrics = dict(result.metrics)
    counts = {"in": facts["examples"], "out": facts["trained_examples"],
              "rejected": {"over_length": facts["over_length"]} if facts["over_length"] else {},
              "steps": int(trainer.state.global_step), "tokens": int(trainer.state.num_input_tokens_seen)}
    extra = {"facts": facts, "metrics": metrics, "resumed_from": last, "resume_note": resume_note,
             "data_hash": signature["data_hash"], "model_identity": signature["options"]["student_identity"],
             "first_loss": records[0]["loss"] if records else None,
             "last_loss": records[-1]["loss"] if records else None,
             "final": str(final), "merged": str(merged) if merged else None}
    config_dict = asdict(config)
    return write_stage(out, table, stage="train", config=config_dict, inputs=[config.data], counts=counts,
                       timings=timer.timings, extra=extra, versions=("torch", "transformers", "trl", "peft"))


def _replace_log_printers(trainer: Any) -> None:
    """Drop transformers' console printers (a raw dict per logging step); our training bar replaces them."""
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    for printer in (PrinterCallback, ProgressCallback):
        trainer.remove_callback(printer)


def _student_info(config: TrainConfig, facts: dict[str, Any]) -> dict[str, Any]:
    """What evaluation must reproduce: the mode strings (and K) the data was built with; the base student."""
    from naturalthoughts.core.store import Manifest

    strings = None
    data = Path(config.data)
    if data.is_dir() and (data / "manifest.json").exists():
        strings = Manifest.load(data).extra.get("strings")
    return {"student": config.student, "student_path": facts["student_path"], "lora": config.lora,
            "sft_strings": strings, "epochs": facts["epochs"], "max_length": facts["max_length"]}


def estimate_steps(n_examples: int, config: TrainConfig) -> int:
    """Optimizer steps for ``n_examples`` without packing (for progress estimates and docs)."""
    epochs = config.epochs if config.epochs is not None else epochs_for_size(n_examples)
    return math.ceil(n_examples / (config.batch_size * config.grad_accum)) * math.ceil(epochs)
