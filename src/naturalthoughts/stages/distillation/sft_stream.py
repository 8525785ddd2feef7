"""``build-sft`` over a stage folder without holding its rows: two streamed passes, the same output as
:func:`~naturalthoughts.stages.distillation.sft_data.build_sft`.

Two passes because two choices depend on every row: the Think instruction's K defaults to the mean words of the
System-2 targets that fit ``max_tokens`` (known only after every target is tokenised), and the instruction policy
draws the Adaptive share over all kept rows. Pass 1 reads the traces batch by batch, tokenises each target once and
keeps per row only its token count, word count and whether it is kept; pass 2 reads them again, rebuilds the
targets (string work only) and writes the conversations shard by shard. Memory holds the light columns (ids,
flags, the difficulty column of a mix) and a few numbers per row, never the reasoning text.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import numpy as np
import pyarrow as pa

from naturalthoughts.core.datafiles import data_files, dataset_schema, iter_batches, read_all
from naturalthoughts.core.store import StageOutput
from naturalthoughts.stages.distillation import sft_data as sft
from naturalthoughts.stages.distillation.hybrid import SFTCarrier
from naturalthoughts.stages.distillation.instructions import InstructionPolicy
from naturalthoughts.stages.distillation.mixing import assign_modes, parse_mix

# What the per-row passes read; the light pass reads every other column (difficulty columns may be any of them).
TEXT_COLUMNS = ("question", "reasoning", "response")
ROW_COLUMNS = ("id", "trace_id", "question", "reasoning", "response", "qc_flags")
BATCH_ROWS = 2048


def _batches(files: list, columns: list[str], batch_rows: int) -> Iterator[tuple[int, pa.Table]]:
    offset = 0
    for batch in iter_batches(files, columns=columns, batch_rows=batch_rows):
        yield offset, pa.Table.from_batches([batch])
        offset += batch.num_rows


def stream_build_sft(input_path: str | os.PathLike, output: StageOutput, mode: str, *, mix: Any = None,
                     max_tokens: int = sft.DEFAULT_MAX_TOKENS, tokenizer: Any = None, think_words: int | None = None,
                     seed: int = 0, system_prompt: str | None = None,
                     instruction_policy: str | InstructionPolicy = "mode", s1_think_block: str = "auto",
                     mode_carrier: str = "instruction", model_family: str | None = None,
                     chat_template: str | None = None, check_prompts: str = "auto",
                     batch_rows: int = BATCH_ROWS) -> dict[str, Any]:
    """Write the SFT rows of a Parquet input or stage folder into ``output``; return build_sft's stats."""
    files = data_files(input_path)
    schema = dataset_schema(files)
    sft._check_arguments(schema.empty_table(), max_tokens, s1_think_block)
    policy = InstructionPolicy.parse(instruction_policy)
    mix = parse_mix(mix)
    light = read_all(files, _light_columns(schema, mix))
    missing = _mix_column(mix) not in (None, *schema.names)  # the mix's error then lists the input's columns
    train_modes, mix_notes = assign_modes(schema.empty_table() if missing else light, mode, mix, seed)
    count_tokens, tokenizer_name, tokenizer_template = sft.token_counter(tokenizer)
    carrier = SFTCarrier.resolve(mode_carrier, model_family, chat_template, tokenizer_template, check_prompts)
    empty_think = sft._wants_empty_think(s1_think_block, carrier.template_text, carrier)
    columns = [c for c in ROW_COLUMNS if c in schema.names]

    lengths, words, rejects = _measure(files, columns, train_modes, count_tokens, empty_think, max_tokens,
                                       batch_rows)
    within = np.flatnonzero(words >= 0)
    s2_words = [int(words[i]) for i in within if train_modes[i] == sft.SYSTEM2]
    think_words, k_source = sft._resolve_think_words(think_words, s2_words)
    instructions = policy.choose([train_modes[i] for i in within], seed)
    instruction_of = dict(zip(within.tolist(), instructions))

    out_tokens: list[int] = []
    out_modes: list[str] = []
    consistency = {"checked": 0, "skipped_no_mode": 0}
    for offset, table in _batches(files, columns, batch_rows):
        traces = sft._Traces.read(table, train_modes[offset:offset + table.num_rows])
        targets = sft._eligible_targets(traces, empty_think, [])
        here = [i for i in range(table.num_rows) if words[offset + i] >= 0]
        rows = sft._conversation_rows(traces, here, [instruction_of[offset + i] for i in here], targets,
                                      {i: int(lengths[offset + i]) for i in here},
                                      {i: int(words[offset + i]) for i in here}, think_words, system_prompt,
                                      carrier)
        for key, n in sft._check_prompts(carrier, traces, here, rows, think_words, system_prompt).items():
            consistency[key] += n
        output.write(pa.Table.from_pydict(rows, schema=carrier.schema(sft.SFT_SCHEMA)))
        out_tokens += rows["target_tokens"]
        out_modes += rows["mode"]
    output.reject(pa.Table.from_pylist(rejects, schema=sft.REJECT_SCHEMA) if rejects else None)
    return {
        "counts": {"in": light.num_rows, "out": len(out_tokens), "rejected": sft._reject_counts(rejects),
                   **mix_notes, **carrier.checked_count(consistency)},
        "mode_shares": {"assigned": sft._shares(train_modes), "final": sft._shares(out_modes)},
        "instruction_shares": sft._shares(instructions),
        "tokens": sft._token_stats({"target_tokens": out_tokens, "mode": out_modes}, tokenizer_name, max_tokens),
        "strings": sft._strings_used(think_words, k_source, empty_think, system_prompt, carrier),
        "config": {"mode": mode, "mix": mix.describe() if mix else None, "seed": seed,
                   "instruction_policy": policy.describe(), "s1_think_block": s1_think_block,
                   **carrier.config()},
        **carrier.manifest_extra(consistency),
    }


def _mix_column(mix: Any) -> str | None:
    return getattr(mix, "column", None)


def _light_columns(schema: pa.Schema, mix: Any) -> list[str]:
    """The columns pass 0 holds for every row: a key (for the row count) and a difficulty mix's column. Not the
    annotation columns (strategy lists, spans, embeddings): at 200k rows those were hundreds of MiB."""
    key = next((c for c in ("trace_id", "id") if c in schema.names), schema.names[0])
    column = _mix_column(mix)
    return [key] + ([column] if column and column in schema.names and column != key else [])


def _measure(files: list, columns: list[str], train_modes: list[str], count_tokens: Any, empty_think: bool,
             max_tokens: int, batch_rows: int) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """Pass 1: per row its target tokens and words (``words`` is -1 for a rejected row), and the rejects
    (eligibility rejects in row order, then over-length ones, as build_sft orders them)."""
    n = len(train_modes)
    lengths = np.full(n, -1, dtype=np.int64)
    words = np.full(n, -1, dtype=np.int64)
    ineligible: list[dict[str, Any]] = []
    too_long: list[dict[str, Any]] = []
    for offset, table in _batches(files, columns, batch_rows):
        traces = sft._Traces.read(table, train_modes[offset:offset + table.num_rows])
        targets = sft._eligible_targets(traces, empty_think, ineligible)
        kept = list(targets)
        batch_lengths = dict(zip(kept, count_tokens([targets[i] for i in kept])))
        within = sft._within_length(traces, batch_lengths, max_tokens, too_long)
        for i, w in sft._target_words(traces, within).items():
            lengths[offset + i] = batch_lengths[i]
            words[offset + i] = w
    return lengths, words, ineligible + too_long
