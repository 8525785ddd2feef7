"""One input record -> one ``QUESTION_SCHEMA`` row: layout detection and column mapping (ingest's per-row part).

Layouts recognised without a mapping (first matching column wins):

* NaturalReasoning: ``question``, ``reference_answer`` (``responses`` is ignored here; import it as traces with
  ``ingest_traces``);
* plain question/answer files: ``question`` or ``problem`` with ``answer``/``final_answer``/``solution``
  (GSM8K's ``"… #### 18"`` answers keep the part after ``####``);
* multiple choice: ``options`` as a list (MMLU-Pro), ``choices`` as ``{text: [...], label: [...]}`` (ARC) or a list,
  or one column per letter ``A``, ``B``, …; gold as ``answerKey``/``answer`` (letter, option label or option text)
  or ``answer_index``/integer ``answer``. Gold answers are stored as letters A, B, C, … in option order.

Any field can be taken from another column with ``mapping={"question": "problem"}`` (CLI ``--map
question=problem``); ``--map id=`` ignores an id column so ids are derived from the text.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from naturalthoughts.core.schema import question_id

Dedup = Literal["exact", "near", "none"]

# Candidate source columns per schema field, in priority order.
ID_COLUMNS = ("id", "question_id", "unique_id", "qid", "uid", "_id")
QUESTION_COLUMNS = ("question", "problem", "Question", "prompt", "query", "instruction")
REFERENCE_COLUMNS = ("reference_answer", "answer", "final_answer", "solution", "target")
OPTION_COLUMNS = ("options", "choices")
GOLD_COLUMNS = ("answerKey", "answer", "answer_index", "correct_answer", "label")
SOURCE_COLUMNS = ("source", "source_type", "dataset")
QUESTION_TARGETS = ("id", "question", "reference_answer", "options", "answer", "source")
LETTERS = string.ascii_uppercase


def raw_text(rec: Mapping[str, Any]) -> str:
    """The row as JSON text for rejects files (truncated by :meth:`Reject.table`)."""
    return json.dumps(rec, ensure_ascii=False, default=str)[:2000]


def check_mapping(mapping: Mapping[str, str] | None, allowed: Sequence[str]) -> dict[str, str]:
    mapping = dict(mapping or {})
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise ValueError(f"unknown mapping target(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")
    return mapping


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["question=problem", "id="]`` -> ``{"question": "problem", "id": ""}`` (CLI ``--map``)."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--map expects FIELD=COLUMN, got {item!r}")
        out[key.strip()] = value.strip()
    return out


class RowProblem(Exception):
    """A reason to reject one row: (reason code, field, human detail)."""

    def __init__(self, reason: str, field: str | None, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.field, self.detail = reason, field, detail


def pick(rec: Mapping[str, Any], target: str, candidates: Sequence[str], mapping: Mapping[str, str]) -> tuple[str | None, Any]:
    """(column, value) for a schema field: the mapped column, else the first candidate column present."""
    if target in mapping:
        column = mapping[target]
        if column == "":  # explicitly ignored
            return None, None
        if column not in rec:
            raise RowProblem("missing_column", column, f"no column {column!r} (from --map {target}={column}); "
                                                       f"row has: {', '.join(map(str, rec))}")
        return column, rec[column]
    for column in candidates:
        if column in rec:
            return column, rec[column]
    return None, None


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas-written CSV/Parquet
        return None
    text = value if isinstance(value, str) else str(value)
    text = text.strip()
    return text or None


def _gsm8k_final(text: str) -> str:
    # GSM8K answers are a worked solution ending in "#### 18"; the reference answer is the number after it.
    head, sep, tail = text.rpartition("\n#### ")
    return tail.strip() if sep and tail.strip() else text


def _options(rec: Mapping[str, Any], mapping: Mapping[str, str]) -> tuple[list[str] | None, list[str] | None]:
    """(options, labels) where labels are ARC-style option labels (may be "1".."4"), or (None, None)."""
    column, value = pick(rec, "options", OPTION_COLUMNS, mapping)
    if value is None:
        if column is None and "options" not in mapping and "A" in rec and "B" in rec:
            # One column per letter (GPQA/MMLU CSV exports): A, B, C, ... until the first missing letter.
            letters = [c for c in LETTERS if c in rec]
            letters = letters[: next((i for i, c in enumerate(letters) if c != LETTERS[i]), len(letters))]
            texts = [_text_or_none(rec[c]) for c in letters]
            texts = texts[: next((i for i, t in enumerate(texts) if t is None), len(texts))]  # blank cells end the list
            return (texts, None) if len(texts) >= 2 else (None, None)
        return None, None
    if isinstance(value, str) and not value.strip():
        return None, None
    if isinstance(value, str):
        try:  # options serialised as a JSON list in a CSV cell
            value = json.loads(value)
        except json.JSONDecodeError:
            raise RowProblem("bad_options", column, "options must be a list (or a JSON list in a CSV cell)") from None
    if isinstance(value, Mapping):
        texts, labels = value.get("text"), value.get("label")
        if not isinstance(texts, (list, tuple)):
            raise RowProblem("bad_options", column, "choices must be a list or {text: [...], label: [...]}")
        labels = [str(x) for x in labels] if isinstance(labels, (list, tuple)) else None
        if labels is not None and len(labels) != len(texts):
            raise RowProblem("bad_options", column, f"{len(texts)} option texts but {len(labels)} labels")
        return [str(t) for t in texts], labels
    if isinstance(value, (list, tuple)):
        if not value:
            return None, None
        return [str(t) for t in value], None
    raise RowProblem("bad_options", column, f"options must be a list, got {type(value).__name__}")


def _gold_letter(column: str | None, value: Any, options: list[str], labels: list[str] | None) -> str | None:
    if _text_or_none(value) is None:  # null, blank or NaN
        return None
    n = len(options)
    index: int | None = None
    if isinstance(value, bool):
        raise RowProblem("bad_answer", column, f"answer must be a letter, label, index or option text, got {value!r}")
    if isinstance(value, int) or (column == "answer_index" and str(value).strip().lstrip("-").isdigit()):
        index = int(value)
    else:
        text = str(value).strip()
        if labels is not None and text in labels:
            index = labels.index(text)
        elif len(text) == 1 and text.upper() in LETTERS:
            index = LETTERS.index(text.upper())
        elif text.strip("()").upper() in LETTERS[:n] and len(text.strip("()")) == 1:
            index = LETTERS.index(text.strip("()").upper())
        elif text in options:
            index = options.index(text)
    if index is None or not 0 <= index < n:
        raise RowProblem("bad_answer", column, f"gold answer {value!r} is not one of the {n} options "
                                               f"(expected a letter A-{LETTERS[n - 1]}, a label, an index or an option text)")
    return LETTERS[index]


def normalise_question(rec: Mapping[str, Any], mapping: Mapping[str, str], default_source: str) -> dict[str, Any]:
    """One input record as a ``QUESTION_SCHEMA`` row; raises :class:`RowProblem` for a row that cannot be used."""
    qcol, qval = pick(rec, "question", QUESTION_COLUMNS, mapping)
    if qcol is None:
        raise RowProblem("missing_question", None, f"no question column (looked for {', '.join(QUESTION_COLUMNS)}; "
                                                   f"row has: {', '.join(map(str, rec))}; map one with --map question=COLUMN)")
    if qval is None:
        raise RowProblem("missing_question", qcol, "question is null")
    if not isinstance(qval, str):
        raise RowProblem("bad_type", qcol, f"question must be text, got {type(qval).__name__}")
    if not qval.strip():
        raise RowProblem("empty_question", qcol, "question is empty")
    question = qval.strip()

    options, labels = _options(rec, mapping)
    gold = None
    reference = None
    if options:
        gcol, gval = pick(rec, "answer", GOLD_COLUMNS, mapping)
        gold = _gold_letter(gcol, gval, options, labels)
        _, rval = pick(rec, "reference_answer", ("reference_answer",), mapping)
        reference = _text_or_none(rval)
    else:
        rcol, rval = pick(rec, "reference_answer", REFERENCE_COLUMNS, mapping)
        if isinstance(rval, (list, dict)):
            raise RowProblem("bad_type", rcol, f"reference answer must be text, got {type(rval).__name__}")
        reference = _text_or_none(rval)
        if reference is not None:
            reference = _gsm8k_final(reference)

    icol, ival = pick(rec, "id", ID_COLUMNS, mapping)
    qid = _text_or_none(ival) if icol is not None else None
    _, sval = pick(rec, "source", SOURCE_COLUMNS, mapping)
    source = _text_or_none(sval) or default_source
    return {
        "id": qid or question_id(question),
        "question": question,
        "reference_answer": reference,
        "options": options,
        "answer": gold,
        "source": source,
    }
