"""``naturalthoughts build-sft``: System-2 / System-1 / mixed SFT conversations from selected traces."""

from __future__ import annotations

import argparse

HELP = "build System-2 / System-1 / mixed SFT conversations (with mode instructions) from selected traces"
DESCRIPTION = """\
Turn selected teacher traces into chat-format SFT data (messages = [system?, user, assistant] + a mode column).

  system2  target = <think>\\n{reasoning}\\n</think>\\n\\n{response}; the question carries the Think instruction
  system1  target = {response} only; the question carries "Answer directly without thinking"
  mixed    per example, with --mix random:P (System-2 with probability P) or --mix difficulty (System-2 where the
           teacher and a second model disagree, i.e. agree = false; --mix difficulty:COLUMN[OP VALUE] for others)

Think instruction: "Think carefully before answering. Use about {K} words", K = mean words of the System-2
targets unless --think-words is given. Examples longer than --max-tokens (student tokenizer) are excluded, not
truncated, and counted in manifest.json with every other rejected row.

Hybrid students: --mode-carrier template|soft-switch|effort|auto signals the mode through the student's own
switch (Qwen3 enable_thinking or /think, DeepSeek-V3.1 thinking, gpt-oss reasoning_effort) exactly as evaluate
asks; rows then carry their chat-template variables (template_kwargs). With a chat template (--chat-template FILE
or the tokenizer's own) every example's training prompt is checked against the inference prompt of its mode.

example:
  naturalthoughts build-sft --in runs/select --out runs/sft --mode mixed --mix difficulty --tokenizer smollm2-135m
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    from naturalthoughts.cli.common import add_io_args, add_mode_carrier_flags

    add_io_args(p, in_help="selected traces: a stage folder (select/generate/annotate) or a Parquet/JSONL file")
    p.add_argument("--mode", required=True, choices=["system2", "system1", "mixed"], help="training target form")
    p.add_argument("--mix", default=None, metavar="SPEC",
                   help="with --mode mixed: random:P | difficulty | difficulty:COLUMN | difficulty:COLUMN>=VALUE")
    p.add_argument("--max-tokens", type=int, default=16384,
                   help="exclude examples whose assistant turn is longer (student tokens; default 16384 as in the paper)")
    p.add_argument("--tokenizer", default=None, metavar="NAME",
                   help="student tokenizer for lengths: alias, path or hub id (default smollm2-135m); "
                        "'words' counts whitespace words without a model")
    p.add_argument("--think-words", type=int, default=None, metavar="K",
                   help="K in 'Use about K words' (default: mean words of the System-2 targets)")
    p.add_argument("--instruction-policy", default="mode", metavar="POLICY",
                   help="mode (S2 → Think, S1 → No-Think; default) | mode+adaptive:P (a share P carries Adaptive "
                        "instead) | adaptive (all Adaptive) | none (bare question)")
    p.add_argument("--s1-think-block", choices=["auto", "none", "empty"], default="auto",
                   help="System-1 target starts with an empty <think>\\n\\n</think>\\n\\n block: empty | none | "
                        "auto (empty exactly when the student's chat template uses <think>; default)")
    p.add_argument("--system-prompt", default=None, help="optional system turn (default: the template's own)")
    p.add_argument("--seed", type=int, default=0, help="seed for random mixing and the Adaptive share")
    add_mode_carrier_flags(p)
    p.add_argument("--chat-template", default=None, metavar="FILE.jinja",
                   help="the student's chat template (default: its tokenizer's own); pass the same file to train")
    p.add_argument("--check-prompts", choices=["auto", "on", "off"], default="auto",
                   help="compare each example's training prompt with evaluation's inference prompt for its mode: "
                        "auto (when a chat template is known and the carrier is not instruction, or "
                        "--chat-template is given; default) | on | off")


def main(args: argparse.Namespace) -> int:
    from naturalthoughts.stages.distillation.run import run_build_sft

    try:
        manifest = run_build_sft(
            args.input, args.out, args.mode, mix=args.mix, max_tokens=args.max_tokens, tokenizer=args.tokenizer,
            think_words=args.think_words, seed=args.seed, system_prompt=args.system_prompt,
            instruction_policy=args.instruction_policy, s1_think_block=args.s1_think_block,
            mode_carrier=args.mode_carrier, model_family=args.model_family, chat_template=args.chat_template,
            check_prompts=args.check_prompts)
    except (ValueError, FileNotFoundError) as exc:
        print(f"build-sft: error: {exc}")
        return 2
    shares = manifest.extra["mode_shares"]["final"]
    strings = manifest.extra["strings"]
    print(f"build-sft: {manifest.counts['out']} of {manifest.counts['in']} rows → {args.out} "
          f"(rejected: {manifest.counts['rejected'] or 'none'})")
    print("  modes: " + ", ".join(f"{m} {v['n']} ({v['share']:.0%})" for m, v in shares.items()))
    print(f"  Think instruction: {strings['instructions']['think']!r} (K from {strings['think_words_source']})")
    if strings.get("mode_carrier", "instruction") != "instruction":
        print(f"  mode carrier: {strings['mode_carrier']} ({strings['model_family']}), "
              f"template variables {strings['template_kwargs']}")
    if "prompt_checked" in manifest.counts:
        print(f"  prompt consistency: {manifest.counts['prompt_checked']} examples match the inference prompt")
    return 0
