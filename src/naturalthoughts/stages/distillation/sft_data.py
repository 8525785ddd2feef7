"""Build System-2 / System-1 / mixed SFT data from selected traces (paper §5).

Each output row is one conversation in the Hugging Face / TRL convention,
``messages = [{"role", "content"}, ...]`` (an optional system turn, the user turn, the assistant turn), plus
its ``mode``:

* **System-2** target: ``<think>\\n{reasoning}\\n</think>\\n\\n{response}``
  (:func:`naturalthoughts.llm.think.format_trace`, the R1 layout);
* **System-1** target: ``{response}`` only. With ``s1_think_block="empty"`` it is
  ``<think>\\n\\n</think>\\n\\n{response}`` instead, for student families whose chat template renders an empty
  think block in non-thinking mode (Qwen3's ``enable_thinking=False``); ``"auto"`` (default) picks ``"empty"``
  exactly when the student's chat template mentions ``<think>``, so training matches what that template
  produces at inference.

The user turn is the question with a mode instruction appended (strings from
:mod:`naturalthoughts.core.modes`, the same module evaluation uses). Which instruction an example carries is
the ``instruction_policy``:

* ``"mode"`` (default): System-2 examples carry Think
  (``Think carefully before answering. Use about {K} words``), System-1 examples carry No-Think
  (``Answer directly without thinking``). The System-2 target starts with ``<think>\\n``, which is exactly the
  prefix evaluation forces in Think mode.
* ``"mode+adaptive:P"``: as ``mode``, but a seeded share P of examples carries Adaptive
  (``Think carefully before answering.``) instead, so the model also learns to choose its own mode.
* ``"adaptive"``: every example carries Adaptive. ``"none"``: the bare question (no mode control).

Hybrid students (``mode_carrier`` ``template`` / ``soft-switch`` / ``effort`` / ``auto``) get their mode through
their own switch instead, the one evaluation uses (:mod:`.hybrid`); each row then stores its chat-template
variables in a ``template_kwargs`` column, and when the chat template is known every example's training prompt
is checked against evaluation's inference prompt for its mode (:mod:`.consistency`).

K is the mean word count of the System-2 targets in the output (paper: "the average length of System-2
responses in the training set"), unless ``think_words`` is given; it is recorded in the manifest for
evaluation.

Rows are excluded (never truncated, never silently) and counted by reason: ``missing_response``,
``unclosed_think``, ``truncated`` (the teacher hit its token limit), ``no_reasoning`` (a System-2 example
whose trace has no think block) and ``over_length`` (the assistant target exceeds ``max_tokens`` tokens of the
student's tokenizer).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pyarrow as pa

from naturalthoughts.core import modes
from naturalthoughts.llm.think import THINK_CLOSE, THINK_OPEN, format_trace
from naturalthoughts.stages.distillation.hybrid import SFTCarrier, encode_kwargs
from naturalthoughts.stages.distillation.instructions import INSTRUCTION_POLICIES, InstructionPolicy  # noqa: F401
from naturalthoughts.stages.distillation.mixing import SYSTEM1, SYSTEM2, Mix, assign_modes, parse_mix

DEFAULT_MAX_TOKENS = 16384  # paper §6: max response length 16,384 tokens
DEFAULT_TOKENIZER = "smollm2-135m"  # the embedded default student
WORDS_TOKENIZER = "words"  # whitespace words: no model needed (dry runs, tests)
EMPTY_THINK_BLOCK = f"{THINK_OPEN}\n\n{THINK_CLOSE}\n\n"
S1_THINK_BLOCK_CHOICES = ("auto", "none", "empty")

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


# --------------------------------------------------------------------------------------------- tokens
def token_counter(tokenizer: Any = None) -> tuple[TokenCounter, str, str | None]:
    """(count function, tokenizer name, chat template or None) for ``tokenizer``.

    ``tokenizer`` is ``None`` (the default student's), ``"words"`` (whitespace words, no model), a model
    alias, HF id or path (loaded offline with :func:`naturalthoughts.llm.student.load_tokenizer`), or a loaded
    Hugging Face tokenizer.
    """
    if tokenizer == WORDS_TOKENIZER:
        return (lambda texts: [len(t.split()) for t in texts]), WORDS_TOKENIZER, None
    name = (tokenizer if isinstance(tokenizer, str)
            else getattr(tokenizer, "name_or_path", type(tokenizer).__name__))
    if tokenizer is None or isinstance(tokenizer, str):
        from naturalthoughts.llm.student import load_tokenizer

        name = tokenizer or DEFAULT_TOKENIZER
        tokenizer = load_tokenizer(name)

    def count(texts: Sequence[str]) -> list[int]:
        # Batches keep memory flat on 100k-row sets of 16k-token traces while using the fast tokenizer's
        # threads.
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


def _eligibility(reasoning: str | None, response: str | None, flags: list[str] | None,
                 train_mode: str) -> str | None:
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


def _check_arguments(table: pa.Table, max_tokens: int, s1_think_block: str) -> None:
    for required in ("question", "response"):
        if required not in table.column_names:
            raise ValueError(f"build-sft input lacks column {required!r} "
                             f"(have: {', '.join(table.column_names)}); "
                             "give it the output of `naturalthoughts select` or `generate`")
    if max_tokens <= 0:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    if s1_think_block not in S1_THINK_BLOCK_CHOICES:
        raise ValueError(f"s1_think_block must be one of {S1_THINK_BLOCK_CHOICES}, got {s1_think_block!r}")


def _wants_empty_think(s1_think_block: str, chat_template: str | None, carrier: SFTCarrier = SFTCarrier()) -> bool:
    """Whether System-1 targets get an empty think block (``"auto"``: if the student's template has one).

    Under a hybrid carrier ``"auto"`` means none: the template's own thinking-off rendering supplies the block
    (Qwen3's generation prompt ends with it; DeepSeek-V3.1's with a bare ``</think>``).
    """
    if s1_think_block == "auto" and carrier.hybrid:
        return False
    return s1_think_block == "empty" or (s1_think_block == "auto" and THINK_OPEN in (chat_template or ""))


@dataclass(frozen=True)
class _Traces:
    """The input columns build_sft reads, as Python lists, with the training mode assigned to each row."""

    ids: list[Any]
    trace_ids: list[Any]
    questions: list[Any]
    reasonings: list[Any]
    responses: list[Any]
    flags: list[Any]
    train_modes: list[str]

    @classmethod
    def read(cls, table: pa.Table, train_modes: list[str]) -> "_Traces":
        ids, trace_ids = _column(table, "id"), _column(table, "trace_id")
        return cls(ids=ids, trace_ids=[t if t is not None else i for t, i in zip(trace_ids, ids)],
                   questions=_column(table, "question"), reasonings=_column(table, "reasoning"),
                   responses=_column(table, "response"), flags=_column(table, "qc_flags"),
                   train_modes=train_modes)

    def reject(self, i: int, reason: str, **extra: Any) -> dict[str, Any]:
        return {"id": self.ids[i], "trace_id": self.trace_ids[i], "mode": self.train_modes[i],
                "reject_reason": reason, **extra}


def _eligible_targets(traces: _Traces, empty_think: bool, rejects: list[dict[str, Any]]) -> dict[int, str]:
    """The assistant target of each row that can train, by row index (row order); others go to ``rejects``."""
    targets: dict[int, str] = {}
    for i, train_mode in enumerate(traces.train_modes):
        if not (traces.questions[i] or "").strip():
            reason = "missing_question"
        else:
            reason = _eligibility(traces.reasonings[i], traces.responses[i], traces.flags[i], train_mode)
        if reason:
            rejects.append(traces.reject(i, reason))
            continue
        response = traces.responses[i].strip()
        if train_mode == SYSTEM2:
            targets[i] = format_trace(traces.reasonings[i].strip(), response)
        else:
            targets[i] = (EMPTY_THINK_BLOCK if empty_think else "") + response
    return targets


def _within_length(traces: _Traces, lengths: dict[int, int], max_tokens: int,
                   rejects: list[dict[str, Any]]) -> list[int]:
    """The rows whose target fits ``max_tokens``; longer ones are rejected as ``over_length``, never cut."""
    within = []
    for i, n in lengths.items():
        if n > max_tokens:
            rejects.append(traces.reject(i, "over_length", target_tokens=n))
        else:
            within.append(i)
    return within


def _target_words(traces: _Traces, within: list[int]) -> dict[int, int]:
    return {i: len((traces.reasonings[i] or "").split()) + len(traces.responses[i].split())
            if traces.train_modes[i] == SYSTEM2 else len(traces.responses[i].split()) for i in within}


def _resolve_think_words(think_words: int | None, s2_words: list[int]) -> tuple[int, str]:
    """(K of the Think instruction, where it came from): given, else the mean System-2 target words."""
    if think_words is not None:
        return think_words, "given"
    if s2_words:
        return round(statistics.fmean(s2_words)), "mean_system2_words"
    return modes.DEFAULT_THINK_WORDS, "paper_default"


def _conversation_rows(traces: _Traces, within: list[int], instructions: list[str], targets: dict[int, str],
                       lengths: dict[int, int], words: dict[int, int], think_words: int,
                       system_prompt: str | None, carrier: SFTCarrier = SFTCarrier()) -> dict[str, list[Any]]:
    """The output columns (:data:`SFT_SCHEMA` names, plus ``template_kwargs`` for hybrid carriers) for the kept
    rows; the user turn is evaluation's for the row's mode (:func:`naturalthoughts.llm.mode_prompt.mode_prompt`)."""
    rows: dict[str, list[Any]] = {name: [] for name in carrier.schema(SFT_SCHEMA).names}
    for i, instruction_name in zip(within, instructions):
        prompt, template_kwargs = carrier.user_turn(traces.questions[i].strip(), instruction_name, think_words,
                                                    system_prompt)
        messages = prompt + [{"role": "assistant", "content": targets[i]}]
        for name, value in (("id", traces.ids[i]), ("trace_id", traces.trace_ids[i]),
                            ("mode", traces.train_modes[i]), ("instruction", instruction_name),
                            ("messages", messages),
                            ("target_tokens", lengths[i]), ("target_words", words[i])):
            rows[name].append(value)
        if carrier.hybrid:
            rows["template_kwargs"].append(encode_kwargs(template_kwargs))
    return rows


def _check_prompts(carrier: SFTCarrier, traces: _Traces, within: list[int], rows: dict[str, list[Any]],
                   think_words: int, system_prompt: str | None) -> dict[str, int]:
    """Run the training/inference prompt check on the built rows when it applies (see :mod:`.consistency`)."""
    if not carrier.checks():
        return {"checked": 0, "skipped_no_mode": 0}
    from naturalthoughts.stages.distillation.consistency import (
        check_prompt_consistency,
        rows_to_check,
        template_renderer,
    )

    renderer = template_renderer(carrier.template_text or "", carrier.template_source or "chat template")
    return check_prompt_consistency(rows_to_check(rows, [traces.questions[i].strip() for i in within]),
                                    renderer, carrier.carrier, carrier.family, think_words=think_words,
                                    system_prompt=system_prompt)


def _reject_counts(rejects: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rejects:
        counts[r["reject_reason"]] = counts.get(r["reject_reason"], 0) + 1
    return counts


def _token_stats(rows: dict[str, list[Any]], tokenizer_name: str, max_tokens: int) -> dict[str, Any]:
    tokens, final_modes = rows["target_tokens"], rows["mode"]
    return {
        "tokenizer": tokenizer_name,
        "max_tokens": max_tokens,
        "target": _length_stats(tokens),
        SYSTEM2: _length_stats([t for t, m in zip(tokens, final_modes) if m == SYSTEM2]),
        SYSTEM1: _length_stats([t for t, m in zip(tokens, final_modes) if m == SYSTEM1]),
    }


def _strings_used(think_words: int, k_source: str, empty_think: bool,
                  system_prompt: str | None, carrier: SFTCarrier = SFTCarrier()) -> dict[str, Any]:
    """The exact instruction and target strings, recorded so evaluation prompts the student the same way."""
    return {
        "think_words": think_words,
        "think_words_source": k_source,
        "instructions": {m: modes.instruction(m, think_words) for m in modes.MODES},
        "instruction_separator": modes.INSTRUCTION_SEPARATOR,
        "think_prefix": modes.THINK_PREFIX,
        "system2_target": format_trace("{reasoning}", "{response}"),
        "system1_target": (EMPTY_THINK_BLOCK if empty_think else "") + "{response}",
        "s1_think_block": "empty" if empty_think else "none",
        "system_prompt": system_prompt,
        **carrier.describe(think_words),
    }


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
    mode_carrier: str = "instruction",
    model_family: str | None = None,
    chat_template: str | None = None,
    check_prompts: str = "auto",
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
        s1_think_block: ``"none"``, ``"empty"`` or ``"auto"`` (empty exactly when the chat template uses
            ``<think>``; none under a hybrid carrier, whose template renders the thinking-off turn).
        mode_carrier, model_family: how the student's mode is signalled (:mod:`.hybrid`); default the paper's
            instruction.
        chat_template: a Jinja file with the student's chat template (default: the tokenizer's own).
        check_prompts: ``"auto"`` (check training against inference prompts when a template is known and the
            carrier is hybrid or the template was given), ``"on"`` or ``"off"``; a mismatch raises
            :class:`~naturalthoughts.stages.distillation.consistency.PromptMismatchError`.

    Returns:
        (rows with :data:`SFT_SCHEMA`, stats) where stats holds ``counts``, ``rejects`` (a table), mode
        shares, token statistics and the exact strings used; :func:`run_build_sft` writes them to the
        manifest.
    """
    _check_arguments(table, max_tokens, s1_think_block)
    policy = InstructionPolicy.parse(instruction_policy)
    mix = parse_mix(mix)
    train_modes, mix_notes = assign_modes(table, mode, mix, seed)
    count_tokens, tokenizer_name, tokenizer_template = token_counter(tokenizer)
    carrier = SFTCarrier.resolve(mode_carrier, model_family, chat_template, tokenizer_template, check_prompts)
    empty_think = _wants_empty_think(s1_think_block, carrier.template_text, carrier)
    traces = _Traces.read(table, train_modes)

    rejects: list[dict[str, Any]] = []
    targets = _eligible_targets(traces, empty_think, rejects)
    kept = list(targets)
    lengths = dict(zip(kept, count_tokens([targets[i] for i in kept])))
    within = _within_length(traces, lengths, max_tokens, rejects)

    words = _target_words(traces, within)
    s2_words = [words[i] for i in within if train_modes[i] == SYSTEM2]
    think_words, k_source = _resolve_think_words(think_words, s2_words)
    instructions = policy.choose([train_modes[i] for i in within], seed)
    rows = _conversation_rows(traces, within, instructions, targets, lengths, words, think_words,
                              system_prompt, carrier)
    consistency = _check_prompts(carrier, traces, within, rows, think_words, system_prompt)
    out = pa.Table.from_pydict(rows, schema=carrier.schema(SFT_SCHEMA))

    stats = {
        "counts": {"in": table.num_rows, "out": out.num_rows, "rejected": _reject_counts(rejects),
                   **mix_notes, **carrier.checked_count(consistency)},
        "rejects": pa.Table.from_pylist(rejects, schema=REJECT_SCHEMA),
        "mode_shares": {"assigned": _shares(train_modes), "final": _shares(rows["mode"])},
        "instruction_shares": _shares(instructions),
        "tokens": _token_stats(rows, tokenizer_name, max_tokens),
        "strings": _strings_used(think_words, k_source, empty_think, system_prompt, carrier),
        "config": {"mode": mode, "mix": mix.describe() if mix else None, "seed": seed,
                   "instruction_policy": policy.describe(), "s1_think_block": s1_think_block,
                   **carrier.config()},
        **carrier.manifest_extra(consistency),
    }
    return out, stats



def _shares(labels: Sequence[str]) -> dict[str, Any]:
    total = len(labels)
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    if not total:
        return {}
    return {label: {"n": n, "share": round(n / total, 4)} for label, n in sorted(counts.items())}
