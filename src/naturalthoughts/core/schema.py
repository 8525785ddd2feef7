"""The one data model that flows through every stage.

Every stage reads and writes Arrow tables with the columns below (Parquet on disk). The schema is explicit so
that Parquet files never drift between shards or runs (datatrove's ParquetWriter warns about inferred schemas
drifting; we avoid the problem by never inferring).

* ``QUESTION_FIELDS``: a question pool (output of ``ingest``).
* ``TRACE_FIELDS``: question fields + one teacher sample (output of ``generate`` or ``ingest --traces``).
* ``ANNOTATION_FIELDS``: nullable columns that annotators add, by annotator name. Selection, distillation and
  reporting read these names, so they are declared here and nowhere else.

Embeddings are the one column whose type depends on data (its dimension); see :func:`embedding_field`.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

import pyarrow as pa

SCHEMA_VERSION = "1"

# --------------------------------------------------------------------------------------------- questions
QUESTION_FIELDS: list[pa.Field] = [
    pa.field("id", pa.string(), nullable=False),  # stable; derived from the question text when absent
    pa.field("question", pa.string(), nullable=False),
    pa.field("reference_answer", pa.string()),  # free-text reference (NaturalReasoning), nullable
    pa.field("options", pa.list_(pa.string())),  # multiple-choice options, nullable
    pa.field("answer", pa.string()),  # gold option letter for multiple choice, nullable
    pa.field("source", pa.string()),  # file or dataset the question came from
]
QUESTION_SCHEMA = pa.schema(QUESTION_FIELDS)

# ------------------------------------------------------------------------------------------------ traces
# QC flags written by generation.parse.parse_trace; a flagged row is kept, never dropped.
QC_FLAGS = ("no_think", "unclosed_think", "truncated", "empty_response", "repetition_loop", "request_failed")

TRACE_ONLY_FIELDS: list[pa.Field] = [
    pa.field("trace_id", pa.string(), nullable=False),  # f"{id}#{sample_index}": the row key of a trace table
    pa.field("sample_index", pa.int32(), nullable=False),
    pa.field("teacher_model", pa.string()),  # "backend:model"
    pa.field("reasoning", pa.string()),  # text inside the think block (null when there was none)
    pa.field("response", pa.string()),  # final answer after the think block
    pa.field("finish_reason", pa.string()),  # "stop" | "length" | "error" | provider value
    pa.field("prompt_tokens", pa.int64()),
    pa.field("completion_tokens", pa.int64()),
    pa.field("gen_params", pa.string()),  # JSON of the sampling parameters used
    pa.field("prompt_version", pa.string()),  # name@version of the prompt template, or "imported"
    pa.field("qc_flags", pa.list_(pa.string())),  # subset of QC_FLAGS
    pa.field("error", pa.string()),  # last error for rows whose request finally failed
]
TRACE_FIELDS: list[pa.Field] = QUESTION_FIELDS + TRACE_ONLY_FIELDS
TRACE_SCHEMA = pa.schema(TRACE_FIELDS)

# ----------------------------------------------------------------------------------------- annotations
# Output columns per annotator. Every column is nullable: a row an annotator could not label keeps a null and
# the reason goes to the matching ``*_error`` column.
ANNOTATION_FIELDS: dict[str, list[pa.Field]] = {
    "length": [
        pa.field("reasoning_tokens", pa.int64()),
        pa.field("response_tokens", pa.int64()),
        pa.field("reasoning_words", pa.int64()),
        pa.field("response_words", pa.int64()),
        pa.field("length_tokenizer", pa.string()),
    ],
    "domain": [
        pa.field("domain", pa.string()),  # one of annotation.labels.DOMAINS (the 13 SuperGPQA disciplines)
        pa.field("topic", pa.string()),  # finer label (SuperGPQA field vocabulary)
        pa.field("domain_method", pa.string()),  # "embedding" | "judge"
        pa.field("domain_error", pa.string()),
    ],
    "strategies": [
        pa.field("strategies", pa.list_(pa.string())),  # distinct strategy names from the taxonomy file
        pa.field("num_strategies", pa.int32()),
        pa.field("num_steps", pa.int32()),
        pa.field("reasoning_density", pa.float32()),  # num_strategies / num_steps
        pa.field("strategies_method", pa.string()),  # "lexical" | "judge"
        pa.field("strategies_error", pa.string()),
    ],
    "verbosity": [
        pa.field("verbosity", pa.int8()),  # 0 (efficient) .. 10 (rambling without progress)
        pa.field("verbosity_method", pa.string()),  # "heuristic" | "judge"
        pa.field("verbosity_error", pa.string()),
    ],
    "difficulty": [
        pa.field("difficulty", pa.int8()),  # 0 (a common fact) .. 10 (research-level knowledge and reasoning)
        pa.field("difficulty_method", pa.string()),  # "proxy" | "judge"
        pa.field("difficulty_error", pa.string()),
    ],
    "disagreement": [
        pa.field("second_answer", pa.string()),  # the non-reasoning model's answer
        pa.field("agree", pa.bool_()),  # teacher vs second model; null when undecidable
        pa.field("agree_method", pa.string()),
        pa.field("agree_rationale", pa.string()),
        pa.field("reference_agree", pa.bool_()),  # teacher vs reference_answer when present
        pa.field("disagreement_error", pa.string()),
    ],
    # "embedding" is added by embedding_field(dim) because its type carries the dimension.
}


def embedding_field(dim: int, dtype: pa.DataType = pa.float32()) -> pa.Field:
    """Fixed-size list column for question embeddings of dimension ``dim``."""
    return pa.field("embedding", pa.list_(dtype, dim))


def schema_with(base: pa.Schema, extra: Iterable[pa.Field]) -> pa.Schema:
    """``base`` plus ``extra`` fields; a field already present is replaced by the new definition."""
    extra = list(extra)
    names = {f.name for f in extra}
    return pa.schema([f for f in base if f.name not in names] + extra)


def conform(table: pa.Table, schema: pa.Schema, *, keep_extra: bool = True) -> pa.Table:
    """Return ``table`` with exactly the columns and types of ``schema`` (missing nullable columns become nulls).

    Extra columns are kept after the schema's columns when ``keep_extra`` (annotations from later stages).
    Raises ``ValueError`` naming the column when a non-nullable column is missing or a cast fails.
    """
    arrays, fields = [], []
    for field in schema:
        if field.name in table.column_names:
            col = table.column(field.name)
            if col.type != field.type:
                try:
                    col = col.cast(field.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                    raise ValueError(f"column {field.name!r}: cannot cast {col.type} to {field.type}: {exc}") from exc
        elif field.nullable:
            col = pa.nulls(table.num_rows, field.type)
        else:
            raise ValueError(f"required column {field.name!r} is missing (have: {', '.join(table.column_names)})")
        arrays.append(col)
        fields.append(field)
    if keep_extra:
        for name in table.column_names:
            if name not in schema.names:
                arrays.append(table.column(name))
                fields.append(table.schema.field(name))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def question_id(text: str) -> str:
    """Stable id for a question without one: the first 16 hex digits of sha256 of its whitespace-normalised text."""
    normalised = " ".join(text.split())
    return "q-" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def trace_id(qid: str, sample_index: int) -> str:
    """Row key of a trace: question id and sample index."""
    return f"{qid}#{sample_index}"
