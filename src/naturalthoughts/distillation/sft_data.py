"""Build System-2 / System-1 / mixed SFT data from selected traces (paper §5).

Each output row is one conversation in the Hugging Face / TRL convention, ``messages = [{"role", "content"}, ...]``
(an optional system turn, the user turn, the assistant turn), plus its ``mode``:

* **System-2** target: ``<think>\\n{reasoning}\\n</think>\\n\\n{response}``
  (:func:`naturalthoughts.generation.parse.format_trace`, the R1 layout);
* **System-1** target: ``{response}`` only. With ``s1_think_block="empty"`` it is ``<think>\\n\\n</think>\\n\\n{response}``
  instead, for student families whose chat template renders an empty think block in non-thinking mode (Qwen3's
  ``enable_thinking=False``); ``"auto"`` (default) picks ``"empty"`` exactly when the student's chat template
  mentions ``<think>``, so training matches what that template produces at inference.

The user turn is the question with a mode instruction appended (strings from :mod:`naturalthoughts.modes`, the
same module evaluation uses). Which instruction an example carries is the ``instruction_policy``:

* ``"mode"`` (default): System-2 examples carry Think (``Think carefully before answering. Use about {K} words``),
  System-1 examples carry No-Think (``Answer directly without thinking``). The System-2 target starts with
  ``<think>\\n``, which is exactly the prefix evaluation forces in Think mode.
* ``"mode+adaptive:P"``: as ``mode``, but a seeded share P of examples carries Adaptive
  (``Think carefully before answering.``) instead, so the model also learns to choose its own mode.
* ``"adaptive"``: every example carries Adaptive. ``"none"``: the bare question (no mode control).

K is the mean word count of the System-2 targets in the output (paper: "the average length of System-2 responses
in the training set"), unless ``think_words`` is given; it is recorded in the manifest for evaluation.

Rows are excluded (never truncated, never silently) and counted by reason: ``missing_response``,
``unclosed_think``, ``truncated`` (the teacher hit its token limit), ``no_reasoning`` (a System-2 example whose
trace has no think block) and ``over_length`` (the assistant target exceeds ``max_tokens`` tokens of the
student's tokenizer).
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pyarrow as pa

from naturalthoughts import modes
from naturalthoughts.distillation.mixing import SYSTEM1, SYSTEM2, Mix, assign_modes, parse_mix
from naturalthoughts.generation.parse import THINK_CLOSE, THINK_OPEN, format_trace

DEFAULT_MAX_TOKENS = 16384  # paper §6: max response length 16,384 tokens
DEFAULT_TOKENIZER = "smollm2-135m"  # the embedded default student
WORDS_TOKENIZER = "words"  # whitespace words: no model needed (dry runs, tests)
EMPTY_THINK_BLOCK = f"{THINK_OPEN}\n\n{THINK_CLOSE}\n\n"
S1_THINK_BLOCK_CHOICES = ("auto", "none", "empty")
INSTRUCTION_POLICIES = ("mode", "mode+adaptive:P", "adaptive", "none")

MESSAGE_TYPE = pa.struct([pa.field("role", pa.string()), pa.field("content", pa.string())])
SFT_SCHEMA = pa.schema([
    pa.field("id", pa.string()),
    pa.field("trace_id", pa.string()),
    pa.field("mode", pa.string()),  # "system1" | "system2"
    pa.field("instruction", pa.string()),  # "think" | "no-think" | "adaptive" | "none"
    pa.field("messages", pa.list_(MESSAGE_TYPE)),
    pa.field("target_tokens", pa.int64()),  # assistant turn, student tokenizer
    pa.field("target_words", pa.int64()),
])
REJECT_SCHEMA = pa.schema([
    pa.field("id", pa.string()), pa.field("trace_id", pa.string()), pa.field("mode", pa.string()),
    pa.field("reject_reason", pa.string()), pa.field("target_tokens", pa.int64()),
])
TokenCounter = Callable[[Sequence[str]], list[int]]


@dataclass(frozen=True)
class InstructionPolicy:
    """Which mode instruction each training example carries (see the module docstring)."""

    kind: str = "mode"  # "mode" | "adaptive" | "none"
    adaptive_share: float = 0.0  # with kind "mode": share of examples that carry Adaptive instead

    @classmethod
    def parse(cls, spec: "str | InstructionPolicy") -> "InstructionPolicy":
        if isinstance(spec, InstructionPolicy):
            return spec
        if spec in ("mode", "adaptive", "none"):
            return cls(spec)
        head, _, share = spec.partition(":")
        if head == "mode+adaptive":
            try:
                p = float(share)
            except ValueError:
                p = -1.0
            if 0.0 <= p <= 1.0:
                return cls("mode", p)
        raise ValueError(f"unknown instruction policy {spec!r}; choose one of: {', '.join(INSTRUCTION_POLICIES)}")

    def choose(self, train_modes: Sequence[str], seed: int) -> list[str]:
        """The instruction name (a :data:`naturalthoughts.modes.MODES` entry or ``"none"``) for every example."""
        if self.kind in ("adaptive", "none"):
            return [self.kind] * len(train_modes)
        # A separate stream from the mixing draws, so adding an Adaptive share never changes which rows are S2.
        adaptive = np.random.default_rng([seed, 1]).random(len(train_modes)) < self.adaptive_share
        return ["adaptive" if a else ("think" if m == SYSTEM2 else "no-think") for m, a in zip(train_modes, adaptive)]

    def describe(self) -> str:
        return f"mode+adaptive:{self.adaptive_share:g}" if self.kind == "mode" and self.adaptive_share else self.kind


# --------------------------------------------------------------------------------------------- tokens
def token_counter(tokenizer: Any = None) -> tuple[TokenCounter, str, str | None]:
    """(count function, tokenizer name, chat template or None) for ``tokenizer``.

    ``tokenizer`` is ``None`` (the default student's), ``"words"`` (whitespace words, no model), a model alias,
    HF id or path (loaded offline with :func:`naturalthoughts.distillation.student.load_tokenizer`), or a loaded
    Hugging Face tokenizer.
    """
    if tokenizer == WORDS_TOKENIZER:
        return (lambda texts: [len(t.split()) for t in texts]), WORDS_TOKENIZER, None
    name = tokenizer if isinstance(tokenizer, str) else getattr(tokenizer, "name_or_path", type(tokenizer).__name__)
    if tokenizer is None or isinstance(tokenizer, str):
        from naturalthoughts.distillation.student import load_tokenizer

        name = tokenizer or DEFAULT_TOKENIZER
        tokenizer = load_tokenizer(name)

    def count(texts: Sequence[str]) -> list[int]:
        # Batches keep memory flat on 100k-row sets of 16k-token traces while using the fast tokenizer's threads.
        out: list[int] = []
        for start in range(0, len(texts), 256):
            ids = tokenizer(list(texts[start:start + 256]), add_special_tokens=False)["input_ids"]
            out.extend(len(x) for x in ids)
        return out

    return count, str(name), getattr(tokenizer, "chat_template", None)


def _length_stats(values: Sequence[int]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    arr = np.asarray(values)
    return {"n": int(arr.size), "total": int(arr.sum()), "mean": round(float(arr.mean()), 1),
            "p50": float(np.percentile(arr, 50)), "p90": float(np.percentile(arr, 90)), "max": int(arr.max())}


# --------------------------------------------------------------------------------------------- builder
def _column(table: pa.Table, name: str) -> list[Any]:
    return table.column(name).to_pylist() if name in table.column_names else [None] * table.num_rows


def _eligibility(reasoning: str | None, response: str | None, flags: list[str] | None, train_mode: str) -> str | None:
    """The reject reason for one row, or None when it can train in ``train_mode``."""
    flags = flags or []
    if "unclosed_think" in flags:
        return "unclosed_think"
    if "truncated" in flags:
        return "truncated"  # the paper trains on complete responses only
    if response is None or not response.strip():
        return "missing_response"
    if train_mode == SYSTEM2 and not (reasoning or "").strip():
        return "no_reasoning"
    return None


def build_sft(
    table: pa.Table,
    mode: str,
    *,
    mix: str | Mix | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    tokenizer: Any = None,
    think_words: int | None = None,
    seed: int = 0,
    system_prompt: str | None = None,
    instruction_policy: str | InstructionPolicy = "mode",
    s1_think_block: str = "auto",
) -> tuple[pa.Table, dict[str, Any]]:
    """SFT conversations from a trace table (``question``, ``reasoning``, ``response`` and the QC columns).

    Args:
        table: selected traces (``naturalthoughts select`` output or any table with those columns).
        mode: ``"system2"``, ``"system1"`` or ``"mixed"`` (then ``mix`` is required).
        mix: ``"random:P"``, ``"difficulty[:COLUMN[OP VALUE]]"`` or a mix object (see :mod:`.mixing`).
        max_tokens: examples whose assistant target is longer are excluded (not truncated) and counted.
        tokenizer: the student's tokenizer for the length check (see :func:`token_counter`).
        think_words: K of the Think instruction; default: mean words of the System-2 targets kept.
        seed: seeds random mixing and the Adaptive share.
        system_prompt: an optional system turn; None keeps the student template's default.
        instruction_policy: see the module docstring.
        s1_think_block: ``"none"``, ``"empty"`` or ``"auto"`` (empty exactly when the chat template uses ``<think>``).

    Returns:
        (rows with :data:`SFT_SCHEMA`, stats) where stats holds ``counts``, ``rejects`` (a table), mode shares,
        token statistics and the exact strings used; :func:`run_build_sft` writes them to the manifest.
    """
    for required in ("question", "response"):
        if required not in table.column_names:
            raise ValueError(f"build-sft input lacks column {required!r} (have: {', '.join(table.column_names)}); "
                             "give it the output of `naturalthoughts select` or `generate`")
    if max_tokens <= 0:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    if s1_think_block not in S1_THINK_BLOCK_CHOICES:
        raise ValueError(f"s1_think_block must be one of {S1_THINK_BLOCK_CHOICES}, got {s1_think_block!r}")
    policy = InstructionPolicy.parse(instruction_policy)
    mix = parse_mix(mix)
    train_modes, mix_notes = assign_modes(table, mode, mix, seed)
    count_tokens, tokenizer_name, chat_template = token_counter(tokenizer)
    empty_think = s1_think_block == "empty" or (s1_think_block == "auto" and THINK_OPEN in (chat_template or ""))

    ids, trace_ids = _column(table, "id"), _column(table, "trace_id")
    questions, reasonings = _column(table, "question"), _column(table, "reasoning")
    responses, flags = _column(table, "response"), _column(table, "qc_flags")
    trace_ids = [t if t is not None else i for t, i in zip(trace_ids, ids)]

    rejects: list[dict[str, Any]] = []
    kept: list[int] = []
    targets: dict[int, str] = {}
    for i in range(table.num_rows):
        if not (questions[i] or "").strip():
            reason = "missing_question"
        else:
            reason = _eligibility(reasonings[i], responses[i], flags[i], train_modes[i])
        if reason:
            rejects.append({"id": ids[i], "trace_id": trace_ids[i], "mode": train_modes[i], "reject_reason": reason})
            continue
        response = responses[i].strip()
        if train_modes[i] == SYSTEM2:
            targets[i] = format_trace(reasonings[i].strip(), response)
        else:
            targets[i] = (EMPTY_THINK_BLOCK if empty_think else "") + response
        kept.append(i)

    lengths = dict(zip(kept, count_tokens([targets[i] for i in kept])))
    within = []
    for i in kept:
        if lengths[i] > max_tokens:
            rejects.append({"id": ids[i], "trace_id": trace_ids[i], "mode": train_modes[i],
                            "reject_reason": "over_length", "target_tokens": lengths[i]})
        else:
            within.append(i)

    words = {i: len((reasonings[i] or "").split()) + len(responses[i].split()) if train_modes[i] == SYSTEM2
             else len(responses[i].split()) for i in within}
    s2_words = [words[i] for i in within if train_modes[i] == SYSTEM2]
    k_source = "given" if think_words is not None else ("mean_system2_words" if s2_words else "paper_default")
    if think_words is None:
        think_words = round(statistics.fmean(s2_words)) if s2_words else modes.DEFAULT_THINK_WORDS
    instructions = policy.choose([train_modes[i] for i in within], seed)

    rows: dict[str, list[Any]] = {name: [] for name in SFT_SCHEMA.names}
    for i, instruction_name in zip(within, instructions):
        question = questions[i].strip()
        user = question if instruction_name == "none" else modes.apply_mode(question, instruction_name, think_words)[0]
        messages = ([{"role": "system", "content": system_prompt}] if system_prompt else []) + [
            {"role": "user", "content": user}, {"role": "assistant", "content": targets[i]}]
        for name, value in (("id", ids[i]), ("trace_id", trace_ids[i]), ("mode", train_modes[i]),
                            ("instruction", instruction_name), ("messages", messages),
                            ("target_tokens", lengths[i]), ("target_words", words[i])):
            rows[name].append(value)
    out = pa.Table.from_pydict(rows, schema=SFT_SCHEMA)

    reject_counts: dict[str, int] = {}
    for r in rejects:
        reject_counts[r["reject_reason"]] = reject_counts.get(r["reject_reason"], 0) + 1
    final_modes = rows["mode"]
    stats = {
        "counts": {"in": table.num_rows, "out": out.num_rows, "rejected": reject_counts, **mix_notes},
        "rejects": pa.Table.from_pylist(rejects, schema=REJECT_SCHEMA),
        "mode_shares": {
            "assigned": _shares(train_modes),
            "final": _shares(final_modes),
        },
        "instruction_shares": _shares(instructions),
        "tokens": {
            "tokenizer": tokenizer_name,
            "max_tokens": max_tokens,
            "target": _length_stats(rows["target_tokens"]),
            SYSTEM2: _length_stats([t for t, m in zip(rows["target_tokens"], final_modes) if m == SYSTEM2]),
            SYSTEM1: _length_stats([t for t, m in zip(rows["target_tokens"], final_modes) if m == SYSTEM1]),
        },
        "strings": {
            "think_words": think_words,
            "think_words_source": k_source,
            "instructions": {m: modes.instruction(m, think_words) for m in modes.MODES},
            "instruction_separator": modes.INSTRUCTION_SEPARATOR,
            "think_prefix": modes.THINK_PREFIX,
            "system2_target": format_trace("{reasoning}", "{response}"),
            "system1_target": (EMPTY_THINK_BLOCK if empty_think else "") + "{response}",
            "s1_think_block": "empty" if empty_think else "none",
            "system_prompt": system_prompt,
        },
        "config": {"mode": mode, "mix": mix.describe() if mix else None, "seed": seed,
                   "instruction_policy": policy.describe(), "s1_think_block": s1_think_block},
    }
    return out, stats


def _shares(labels: Sequence[str]) -> dict[str, Any]:
    total = len(labels)
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return {label: {"n": n, "share": round(n / total, 4)} for label, n in sorted(counts.items())} if total else {}


def run_build_sft(input_path: str | os.PathLike, out_dir: str | os.PathLike, mode: str, **kwargs: Any):
    """Read ``input_path`` (a stage folder or Parquet/JSONL file), build SFT data, write a stage folder.

    Keyword arguments are those of :func:`build_sft`; returns the written :class:`~naturalthoughts.store.Manifest`.
    """
    from naturalthoughts.io import load_table
    from naturalthoughts.store import StageTimer, write_stage

    timer = StageTimer()
    with timer("read"):
        table = load_table(input_path)
    with timer("build"):
        out, stats = build_sft(table, mode, **kwargs)
    rejects = stats.pop("rejects")
    config = {**stats.pop("config"), "max_tokens": kwargs.get("max_tokens", DEFAULT_MAX_TOKENS),
              "tokenizer": stats["tokens"]["tokenizer"], "think_words": kwargs.get("think_words"),
              "system_prompt": kwargs.get("system_prompt")}
    return write_stage(out_dir, out, stage="build-sft", config=config, inputs=[input_path],
                       counts=stats.pop("counts"), rejects=rejects if rejects.num_rows else None,
                       timings=timer.timings, extra=stats, versions=("transformers",))
