"""Training throughput on CPU: padding-free packing vs padded batches on the same SFT data.

Trains the embedded SmolLM2-135M-Instruct student (LoRA, fp32, one torch thread) for a few steps in each
batching mode and reports real (non-padding) training tokens per second and the share of non-padding tokens in
what the model actually processes. All modes run in one process, one after the other, so the ratio is fair even
when other jobs load the machine; the `uptime` load is printed with the absolute numbers.

    python benchmarks/bench_train.py [--steps 4] [--examples 96]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def make_sft(folder: Path, n: int) -> Path:
    """Mixed System-1/System-2 data with a realistic spread of lengths (short answers, longer traces)."""
    import pyarrow as pa

    from naturalthoughts.core.store import write_stage
    from naturalthoughts.stages.distillation.run import run_build_sft

    rng = random.Random(0)
    filler = "Let me check this step again and make sure the reasoning holds before I answer .".split()
    rows = []
    for i in range(n):
        a, b = rng.randint(1, 99), rng.randint(1, 99)
        steps = " ".join(rng.choice(filler) for _ in range(rng.randint(10, 220)))
        rows.append({"id": f"q{i}", "trace_id": f"q{i}#0", "question": f"What is {a} + {b}? Show your work.",
                     "reasoning": f"We need {a} + {b}. {steps} So {a} + {b} = {a + b}.",
                     "response": f"{a} + {b} = {a + b}. The answer is {a + b}.", "qc_flags": []})
    write_stage(folder / "selected", pa.Table.from_pylist(rows), stage="select", config={})
    run_build_sft(folder / "selected", folder / "sft", "mixed", mix="random:0.5", tokenizer="smollm2-135m")
    return folder / "sft"


def measure(sft: Path, out: Path, steps: int, *, packing: bool, grouped: bool) -> dict:
    from naturalthoughts.stages.distillation.train import TrainConfig, build_trainer

    config = TrainConfig(data=str(sft), out=str(out), student="smollm2-135m", lora=True, max_steps=steps,
                         batch_size=8 if not packing else 2, max_length=512 if packing else None,
                         packing=packing, gradient_checkpointing=False, save_steps=10_000, learning_rate=1e-4)
    trainer, _ = build_trainer(config)
    if not packing and not grouped:
        trainer.args.train_sampling_strategy = "random"
    real = total = 0
    for k, batch in enumerate(trainer.get_train_dataloader()):  # the same seeded order train() will use
        if k == steps:
            break
        total += batch["input_ids"].numel()
        real += int(batch["attention_mask"].sum()) if "attention_mask" in batch else batch["input_ids"].numel()
    t0 = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - t0
    return {"real_tokens": real, "total_tokens": total, "seconds": seconds,
            "tokens_per_s": real / seconds, "non_padding_share": real / total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--examples", type=int, default=96)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)  # see tests/_distill_helpers.py: 2 threads on a shared 2-core box spin-wait
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sft = make_sft(tmp, args.examples)
        results = {
            "padded, random batches": measure(sft, tmp / "a", args.steps, packing=False, grouped=False),
            "padded, length-grouped": measure(sft, tmp / "b", args.steps, packing=False, grouped=True),
            "packed (padding-free, bfd)": measure(sft, tmp / "c", args.steps, packing=True, grouped=False),
        }
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    base = results["padded, random batches"]["tokens_per_s"]
    print("### Training throughput: packing vs padding (SmolLM2-135M-Instruct, LoRA r=16, fp32, CPU, 1 thread)\n")
    print(f"{args.examples} mixed System-1/System-2 examples, {args.steps} optimizer steps per mode, one process. "
          f"Load during the run: `{load}`.\n")
    print("| batching | real tokens | real tokens/s | vs padded | non-padding share |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['real_tokens']} | {r['tokens_per_s']:.1f} | {r['tokens_per_s'] / base:.2f}x | "
              f"{r['non_padding_share']:.3f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
