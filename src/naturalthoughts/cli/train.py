"""``naturalthoughts train``: supervised fine-tuning of a student on build-sft data (TRL SFTTrainer)."""

from __future__ import annotations

import argparse

HELP = "fine-tune a student on build-sft data (TRL SFT, assistant-only loss, optional LoRA, packing, resume)"
DESCRIPTION = """\
Supervised fine-tuning with the paper's defaults: AdamW, constant LR 2e-5, weight decay 0.1, loss on the
assistant turn only, epochs by data size (10 for ~1k examples, 6 for ~10k, 8 for >=100k).

Writes OUT/final (model or LoRA adapter + tokenizer), OUT/merged (LoRA merged into plain safetensors, servable
by vLLM), OUT/checkpoints (resume with --resume), OUT/data.parquet (training log) and OUT/manifest.json.

examples:
  naturalthoughts train --data runs/sft --student smollm2-135m --out runs/student --lora --max-steps 50
  accelerate launch --config_file configs/accelerate/fsdp.yaml -m naturalthoughts train \\
      --data runs/sft --student meta-llama/Llama-3.1-8B-Instruct --out runs/llama8b --packing \\
      --attn-implementation flash_attention_2 --bf16
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", "--in", dest="data", required=True, metavar="SFT", help="build-sft output folder or file")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--student", default="smollm2-135m",
                   help="alias (smollm2-135m), .gguf file, model folder or hub id (must be cached when offline)")
    g = p.add_argument_group("optimisation (paper defaults)")
    g.add_argument("--epochs", type=float, default=None, help="default: 10 / 6 / 8 for ~1k / ~10k / >=100k examples")
    g.add_argument("--max-steps", type=int, default=-1, help="stop after N optimizer steps (overrides --epochs)")
    g.add_argument("--lr", type=float, default=2e-5, help="learning rate, constant (default 2e-5)")
    g.add_argument("--weight-decay", type=float, default=0.1, help="AdamW weight decay (default 0.1)")
    g.add_argument("--lr-scheduler", default="constant", help="transformers scheduler name (default constant)")
    g.add_argument("--warmup-steps", type=int, default=0)
    g.add_argument("--batch-size", type=int, default=8, help="per device (default 8)")
    g.add_argument("--grad-accum", type=int, default=1, help="gradient accumulation steps")
    g.add_argument("--max-length", type=int, default=None,
                   help="longest sequence in tokens (default: the longest example; longer ones are left out, "
                        "never truncated)")
    g.add_argument("--packing", action="store_true",
                   help="padding-free best-fit packing (else length-grouped batches); use flash attention on GPUs")
    g.add_argument("--seed", type=int, default=0)
    g = p.add_argument_group("LoRA (peft)")
    g.add_argument("--lora", action="store_true", help="train a LoRA adapter instead of all weights")
    g.add_argument("--lora-r", type=int, default=16)
    g.add_argument("--lora-alpha", type=int, default=32)
    g.add_argument("--lora-dropout", type=float, default=0.05)
    g.add_argument("--lora-targets", default="all-linear", help="all-linear or comma-separated module names")
    g.add_argument("--no-merge", dest="merge", action="store_false", help="LoRA: skip writing OUT/merged")
    g = p.add_argument_group("hardware")
    bf16 = g.add_mutually_exclusive_group()
    bf16.add_argument("--bf16", dest="bf16", action="store_const", const=True, default=None,
                      help="bf16 mixed precision (default: on where the GPU supports it, off on CPU)")
    bf16.add_argument("--no-bf16", dest="bf16", action="store_const", const=False)
    g.add_argument("--no-gradient-checkpointing", dest="gradient_checkpointing", action="store_false",
                   help="faster, more memory (checkpointing is on by default)")
    g.add_argument("--attn-implementation", default=None, help="e.g. flash_attention_2, sdpa, eager")
    g.add_argument("--chat-template", default=None, metavar="FILE.jinja",
                   help="chat template for a student whose tokenizer has none")
    g = p.add_argument_group("checkpoints and logging")
    g.add_argument("--save-steps", type=int, default=200, help="checkpoint every N steps (default 200)")
    g.add_argument("--save-total-limit", type=int, default=2, help="keep the last N checkpoints (default 2)")
    g.add_argument("--logging-steps", type=int, default=1)
    g.add_argument("--resume", action="store_true", help="continue from the last checkpoint in OUT/checkpoints")
    g.add_argument("--report-to", action="append", default=[], help="wandb, tensorboard, ... (repeatable)")


def main(args: argparse.Namespace) -> int:
    from naturalthoughts.llm.student import StudentNotFoundError
    from naturalthoughts.stages.distillation.loss_mask import SFTDataError
    from naturalthoughts.stages.distillation.train import TrainConfig, train

    config = TrainConfig(
        data=args.data, out=args.out, student=args.student, epochs=args.epochs, max_steps=args.max_steps,
        learning_rate=args.lr, weight_decay=args.weight_decay, lr_scheduler=args.lr_scheduler,
        warmup_steps=args.warmup_steps, batch_size=args.batch_size, grad_accum=args.grad_accum,
        max_length=args.max_length, packing=args.packing, lora=args.lora, lora_r=args.lora_r,
        lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout, lora_targets=args.lora_targets,
        bf16=args.bf16, gradient_checkpointing=args.gradient_checkpointing,
        attn_implementation=args.attn_implementation, chat_template=args.chat_template, save_steps=args.save_steps,
        save_total_limit=args.save_total_limit, logging_steps=args.logging_steps, resume=args.resume,
        merge=args.merge, seed=args.seed, report_to=args.report_to)
    try:
        manifest = train(config)
    except (SFTDataError, StudentNotFoundError, FileNotFoundError) as exc:
        print(f"train: error: {exc}")
        return 2
    if manifest is None:  # a non-zero rank under accelerate launch: rank 0 reports
        return 0
    extra = manifest.extra
    loss = (f"loss {extra['first_loss']:.3f} → {extra['last_loss']:.3f}" if extra["first_loss"] is not None
            else "no loss logged")
    print(f"train: {manifest.counts['steps']} steps on {manifest.counts['out']} examples, {loss}; "
          f"model in {extra['merged'] or extra['final']}")
    return 0
