"""Import existing teacher traces into ``TRACE_SCHEMA`` so they can be annotated and selected without regenerating.

Layouts recognised without options (first match wins; name columns explicitly to override):

=============================  ==========================================================  =====================
columns                        what they are                                               teacher_model default
=============================  ==========================================================  =====================
gemini_thinking_trajectory +   s1K: bare reasoning trace + final attempt                   gemini-thinking
gemini_attempt
deepseek_thinking_trajectory   s1K-1.1                                                     deepseek-r1
+ deepseek_attempt
deepseek_reasoning +           OpenThoughts metadata config                                deepseek-r1
deepseek_solution
reasoning_content + content    a provider export (DeepSeek API, vLLM reasoning parser)     (model column)
reasoning + response           separate reasoning and answer columns                       (model column)
conversations / messages       chat list (OpenThoughts, ShareGPT): first user turn is the  (model column)
                               question, last assistant turn the full response
responses                      NaturalReasoning: list of ``{"response": ...}``, one trace  (model column)
                               per element
response / generation /        one full response with ``<think>…</think>`` (or             (model column)
completion / output            OpenThoughts' ``<|begin_of_thought|>`` tags)
=============================  ==========================================================  =====================

Full responses go through :func:`naturalthoughts.llm.think.parse_trace`, so imported rows carry the same QC
flags as generated ones; nothing is dropped for a flag. ``prompt_version`` is ``"imported"``.
"""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from naturalthoughts.core.io import OnBadRow, RowSink
from naturalthoughts.core.schema import TRACE_SCHEMA, trace_id
from naturalthoughts.core.store import Manifest, StageOutput
from naturalthoughts.llm.think import parse_trace
from naturalthoughts.stages.ingest.columns import (
    QUESTION_TARGETS,
    RowProblem,
    check_mapping,
    normalise_question,
    raw_text,
)
from naturalthoughts.stages.ingest.decontam import DEFAULT_NGRAM, NgramIndex
from naturalthoughts.stages.ingest.dedup import hash64, normalise_text
from naturalthoughts.stages.ingest.questions import admit_uncontaminated, finish_ingest
from naturalthoughts.stages.ingest.stream import Locations, RecordStream, RejectLog, RowBatcher

# (reasoning column, answer column, teacher model implied by the column names)
SPLIT_LAYOUTS: tuple[tuple[str, str, str | None], ...] = (
    ("gemini_thinking_trajectory", "gemini_attempt", "gemini-thinking"),
    ("deepseek_thinking_trajectory", "deepseek_attempt", "deepseek-r1"),
    ("deepseek_reasoning", "deepseek_solution", "deepseek-r1"),
    ("reasoning_content", "content", None),
    ("reasoning", "response", None),
)
CHAT_COLUMNS = ("conversations", "messages")
RESPONSES_COLUMN = "responses"
FULL_TEXT_COLUMNS = ("response", "generation", "completion", "output", "model_output")
MODEL_COLUMNS = ("teacher_model", "model", "generator")
TRACE_TARGETS = (*QUESTION_TARGETS, "teacher_model", "sample_index", "finish_reason")

# Bespoke-Stratos / OpenThoughts-114k mark reasoning and solution with their own tokens; map them to think
# tags.
_THOUGHT_TAGS = (("<|begin_of_thought|>", "<think>"), ("<|end_of_thought|>", "</think>"),
                 ("<|begin_of_solution|>", ""), ("<|end_of_solution|>", ""))


def normalise_think_tags(text: str) -> str:
    for old, new in _THOUGHT_TAGS:
        if old in text:
            text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class TraceColumns:
    """Where the trace is in a record: ``response`` (full text) or ``reasoning`` + ``answer`` columns."""

    response: str | None = None
    reasoning: str | None = None
    answer: str | None = None

    def __post_init__(self) -> None:
        if self.response and (self.reasoning or self.answer):
            raise ValueError("give either response_col (full text with think tags) or reasoning_col + answer_col")
        if bool(self.reasoning) != bool(self.answer):
            raise ValueError("reasoning_col and answer_col go together (use response_col for a single full-text column)")

    @property
    def explicit(self) -> bool:
        return bool(self.response or self.reasoning)


def _chat_turns(value: Any) -> tuple[str | None, str | None, str | None]:
    """(first user text, last assistant text, assistant reasoning_content) from a chat list."""
    if not isinstance(value, (list, tuple)):
        return None, None, None
    user = assistant = reasoning = None
    for turn in value:
        if not isinstance(turn, Mapping):
            continue
        role = str(turn.get("role", turn.get("from", ""))).lower()
        text = turn.get("content", turn.get("value"))
        if role in ("user", "human") and user is None:
            user = text
        elif role in ("assistant", "gpt", "model"):
            assistant, reasoning = text, turn.get("reasoning_content")
    return user, assistant, reasoning


def _int_or_none(value: Any, column: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RowProblem("bad_type", column, f"expected an integer, got {value!r}") from None


class TraceNormaliser:
    """Turns one record into one or more ``TRACE_SCHEMA`` rows (``sample_index`` filled in later when
    absent)."""

    def __init__(self, columns: TraceColumns, teacher_model: str | None, prefilled_think: bool) -> None:
        self.columns, self.teacher_model, self.prefilled_think = columns, teacher_model, prefilled_think

    def __call__(self, rec: Mapping[str, Any], mapping: Mapping[str, str], default_source: str) -> list[dict[str, Any]]:
        question_mapping = {k: v for k, v in mapping.items() if k in QUESTION_TARGETS}
        samples, layout_model = self._samples(rec)
        if "question" not in question_mapping and not any(c in rec for c in ("question", "problem", "Question", "prompt")):
            user = next((c for c in CHAT_COLUMNS if c in rec), None)
            if user is not None:
                rec = {**rec, "question": _chat_turns(rec[user])[0]}
        base = normalise_question(rec, question_mapping, default_source)
        model = self.teacher_model or self._column(rec, mapping, "teacher_model", MODEL_COLUMNS) or layout_model or "unknown"
        finish = self._column(rec, mapping, "finish_reason", ("finish_reason",))
        index = _int_or_none(self._column(rec, mapping, "sample_index", ("sample_index",)), "sample_index")
        prompt_tokens = _int_or_none(rec.get("prompt_tokens"), "prompt_tokens")
        completion_tokens = _int_or_none(rec.get("completion_tokens"), "completion_tokens")
        rows = []
        for k, (text, reasoning_content, sample_model) in enumerate(samples):
            parsed = parse_trace(normalise_think_tags(text or ""), reasoning_content=reasoning_content or None,
                                 finish_reason=finish, prefilled_think=self.prefilled_think)
            rows.append({
                **base,
                "sample_index": None if index is None else index + k,
                "teacher_model": self.teacher_model or sample_model or model,
                "reasoning": parsed.reasoning,
                "response": parsed.response,
                "finish_reason": finish,
                "prompt_tokens": prompt_tokens if len(samples) == 1 else None,
                "completion_tokens": completion_tokens if len(samples) == 1 else None,
                "gen_params": None,
                "prompt_version": "imported",
                "qc_flags": parsed.flags,
                "error": None,
            })
        return rows

    @staticmethod
    def _column(rec: Mapping[str, Any], mapping: Mapping[str, str], target: str, candidates: Sequence[str]) -> str | None:
        column = mapping.get(target)
        if column:
            if column not in rec:
                raise RowProblem("missing_column", column, f"no column {column!r} (from --map {target}={column})")
            value = rec[column]
        else:
            value = next((rec[c] for c in candidates if c in rec), None)
        return None if value is None or value == "" else str(value)

    def _samples(self, rec: Mapping[str, Any]) -> tuple[list[tuple[str | None, str | None, str | None]], str | None]:
        """[(full text or answer, reasoning_content, per-sample model)], teacher model implied by the
        layout."""
        cols = self.columns

        def need(column: str) -> Any:
            if column not in rec:
                raise RowProblem("missing_column", column, f"no column {column!r}; row has: {', '.join(map(str, rec))}")
            value = rec[column]
            if value is not None and not isinstance(value, str):
                raise RowProblem("bad_type", column, f"expected text, got {type(value).__name__}")
            return value

        if cols.reasoning:
            return [(need(cols.answer), need(cols.reasoning), None)], None
        if cols.response:
            return [(need(cols.response), None, None)], None
        for reasoning_col, answer_col, model in SPLIT_LAYOUTS:
            if reasoning_col in rec and answer_col in rec:
                return [(need(answer_col), need(reasoning_col), None)], model
        for chat_col in CHAT_COLUMNS:
            if chat_col in rec:
                _, assistant, reasoning = _chat_turns(rec[chat_col])
                if assistant is None:
                    raise RowProblem("missing_trace", chat_col, "chat has no assistant turn")
                return [(assistant, reasoning, None)], None
        if RESPONSES_COLUMN in rec:
            value = rec[RESPONSES_COLUMN]
            if not isinstance(value, (list, tuple)) or not value:
                raise RowProblem("missing_trace", RESPONSES_COLUMN, "responses must be a non-empty list")
            samples = []
            for item in value:
                if isinstance(item, Mapping):
                    samples.append((item.get("response"), item.get("reasoning_content"), item.get("model")))
                elif isinstance(item, str):
                    samples.append((item, None, None))
                else:
                    raise RowProblem("bad_type", RESPONSES_COLUMN, f"response entries must be objects or text, got {type(item).__name__}")
            return samples, None
        for column in FULL_TEXT_COLUMNS:
            if column in rec:
                return [(need(column), None, None)], None
        raise RowProblem("missing_trace", None, "no trace column found (looked for "
                         f"{', '.join(a + '+' + b for a, b, _ in SPLIT_LAYOUTS)}, {', '.join(CHAT_COLUMNS)}, "
                         f"{RESPONSES_COLUMN}, {', '.join(FULL_TEXT_COLUMNS)}); name it with --response-col or "
                         "--reasoning-col/--answer-col")


# The phases of trace ingest; rejects.parquet lists each phase's rejects in this order.
TRACE_PHASES = ("read", "ids", "contaminated")


class SampleNumbering:
    """Numbers samples per question in input order where absent; enforces one question text per id and unique
    trace ids.

    State per question: 8-byte hashes of its id and normalised text, its next sample index, where it was first
    seen and whether a row of it was written; per trace: the 8-byte hash of its id and where it came from.
    """

    def __init__(self, sink: RowSink) -> None:
        self.sink = sink
        self._question: dict[int, int] = {}  # id hash -> question entry
        self._text_hash = array("Q")
        self._next_index = array("q")
        self._written = bytearray()
        self.question_where = Locations()
        self._trace: dict[int, int] = {}  # trace id hash -> trace entry
        self.trace_where = Locations()

    def admit(self, row: dict[str, Any], file: str, line: int) -> int | None:
        """The question entry of an admitted row (``sample_index`` and ``trace_id`` set), None for a bad
        row."""
        qid = row["id"]
        text_hash = hash64(normalise_text(row["question"]))
        entry = self._question.get(hash64(qid))
        if entry is None:
            entry = self._question[hash64(qid)] = self.question_where.add(file, line)
            self._text_hash.append(text_hash)
            self._next_index.append(0)
            self._written.append(0)
        elif self._text_hash[entry] != text_hash:
            first_file, first_line = self.question_where[entry]
            detail = (f"id {qid!r} already used at {first_file}:{first_line} by a different question (ids "
                      "must be unique; --map id= derives ids from the text)")
            self.sink.bad("duplicate_id", file, line, "id", detail, raw_text(row))
            return None
        if row["sample_index"] is None:
            row["sample_index"] = self._next_index[entry]
        self._next_index[entry] = max(self._next_index[entry], row["sample_index"] + 1)
        row["trace_id"] = trace_id(qid, row["sample_index"])
        trace_key = hash64(row["trace_id"])
        seen = self._trace.get(trace_key)
        if seen is not None:
            first_file, first_line = self.trace_where[seen]
            detail = f"trace {row['trace_id']!r} already imported from {first_file}:{first_line}"
            self.sink.bad("duplicate_trace_id", file, line, "sample_index", detail, raw_text(row))
            return None
        self._trace[trace_key] = self.trace_where.add(file, line)
        return entry

    def mark_written(self, entry: int) -> None:
        self._written[entry] = 1

    @property
    def questions_written(self) -> int:
        return self._written.count(1)


def _admit_traces(rows: Any, numbering: Any, index: NgramIndex | None, rejects: Any, batcher: Any,
                  spent: dict[str, float], flag_counts: dict[str, int], models: dict[str, int]) -> None:
    """Each trace through sample numbering (repeated ids) and decontamination, timed per phase, then written."""
    clock = time.perf_counter()
    for row, file, line in rows:
        entry = numbering.admit(row, file, line)
        now = time.perf_counter()
        spent["read"], clock = spent["read"] + now - clock, now
        if entry is None:
            continue
        if index is not None:
            keep = admit_uncontaminated(row, file, line, rejects["contaminated"], index)
            now = time.perf_counter()
            spent["decontaminate"], clock = spent["decontaminate"] + now - clock, now
            if not keep:
                continue
        numbering.mark_written(entry)
        for flag in row["qc_flags"]:
            flag_counts[flag] = flag_counts.get(flag, 0) + 1
        models[row["teacher_model"]] = models.get(row["teacher_model"], 0) + 1
        batcher.add(row)
        now = time.perf_counter()
        spent["write"], clock = spent["write"] + now - clock, now


def ingest_traces(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    *,
    response_col: str | None = None,
    reasoning_col: str | None = None,
    answer_col: str | None = None,
    question_col: str | None = None,
    mapping: Mapping[str, str] | None = None,
    teacher_model: str | None = None,
    prefilled_think: bool = False,
    decontaminate: Sequence[str | os.PathLike] = (),
    ngram: int = DEFAULT_NGRAM,
    on_bad_row: OnBadRow = "fail",
    write_rejects: bool = True,
    source: str | None = None,
) -> Manifest:
    """Import existing traces into a ``TRACE_SCHEMA`` stage folder at ``out_dir``.

    Args:
        response_col: one column with the full response (``<think>…</think>answer``), parsed with
            ``parse_trace``.
        reasoning_col, answer_col: separate reasoning and final-answer columns (s1K, provider exports).
        question_col: shorthand for ``mapping={"question": question_col}``.
        mapping: schema field -> input column for the question fields and ``teacher_model``, ``sample_index``,
            ``finish_reason``.
        teacher_model: recorded model id (default: a ``teacher_model``/``model`` column, else implied by the
            layout, else ``"unknown"``).
        prefilled_think: responses lack the opening ``<think>`` (R1-distill templates prefill it).
        decontaminate, ngram, on_bad_row, write_rejects, source: as in :func:`ingest_questions`.

    Several rows (or NaturalReasoning ``responses`` entries) for one question become samples 0, 1, … of it.
    Rows stream through and are written in batches; per row only hashes of its ids stay in memory.
    """
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not paths:
        raise ValueError("no input paths")
    mapping = dict(mapping or {})
    if question_col:
        mapping["question"] = question_col
    columns = TraceColumns(response_col, reasoning_col, answer_col)
    mapping_checked = check_mapping(mapping, TRACE_TARGETS)
    started = time.perf_counter()
    out = Path(out_dir)
    output = StageOutput(out)
    rejects = RejectLog(out, on_bad_row, TRACE_PHASES, write_rejects)
    flag_counts: dict[str, int] = {}
    models: dict[str, int] = {}
    try:
        index = NgramIndex.from_files(list(decontaminate), ngram) if decontaminate else None
        spent = {"read": 0.0, "decontaminate": time.perf_counter() - started, "write": 0.0}
        reader = RecordStream(rejects["read"], mapping_checked, source,
                              TraceNormaliser(columns, teacher_model, prefilled_think))
        numbering = SampleNumbering(rejects["ids"])
        batcher = RowBatcher(output, TRACE_SCHEMA)
        _admit_traces(reader.rows(paths), numbering, index, rejects, batcher, spent, flag_counts, models)
        batcher.flush()
        side_files = rejects.write()
    except BaseException:
        output.abort()
        rejects.discard()
        raise
    counts = {"in": reader.rows_in, "out": batcher.written, "questions": numbering.questions_written,
              "flags": dict(sorted(flag_counts.items())), **rejects.counts()}
    if index is not None and index.unreadable:
        counts["decontaminate_unreadable_lines"] = len(index.unreadable)
    config = {
        "inputs": [str(p) for p in paths],
        "response_col": response_col, "reasoning_col": reasoning_col, "answer_col": answer_col,
        "mapping": mapping, "teacher_model": teacher_model, "prefilled_think": prefilled_think,
        "decontaminate": [str(p) for p in decontaminate], "ngram": ngram, "on_bad_row": on_bad_row,
        "source": source,
    }
    return finish_ingest(output, config, [*paths, *decontaminate], counts, spent, started, side_files,
                         extra={"files": reader.per_file, "kind": "traces", "teacher_models": models},
                         versions=("datasets",))
