"""Question pools in, ``QUESTION_SCHEMA`` rows out: layout detection, column mapping, dedup and decontamination.

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
import os
import string
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from naturalthoughts.io import OnBadRow, Reject, RowSink, iter_records
from naturalthoughts.schema import QUESTION_SCHEMA, conform, question_id
from naturalthoughts.store import Manifest, StageTimer, write_stage

from naturalthoughts.ingest.dedup import NEAR_THRESHOLD, exact_duplicates, near_duplicates, normalise_text
from naturalthoughts.ingest.decontam import DEFAULT_NGRAM, NgramIndex

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


class QuestionReader:
    """Reads question rows from many files, enforcing id uniqueness; bad rows go to ``sink``."""

    def __init__(self, sink: RowSink, mapping: Mapping[str, str] | None = None, source: str | None = None,
                 allowed_targets: Sequence[str] = QUESTION_TARGETS) -> None:
        self.sink = sink
        self.mapping = check_mapping(mapping, allowed_targets)
        self.source = source
        self.rows_in = 0
        self.per_file: list[dict[str, Any]] = []

    def read(self, paths: Sequence[str | os.PathLike], normalise=None) -> list[tuple[dict[str, Any], str, int]]:
        """(row, file, line) for every usable record; ``normalise(rec, mapping, default_source)`` builds a row."""
        from tqdm import tqdm

        normalise = normalise or normalise_question
        out: list[tuple[dict[str, Any], str, int]] = []
        for path in paths:
            file = str(path)
            default_source = self.source or Path(file).name
            before_rejects, before_rows = len(self.sink.rejects), len(out)
            records = 0
            for line, rec in tqdm(iter_records(path, self.sink), desc=f"read {Path(file).name}", unit=" rows",
                                  disable=None, leave=False):
                records += 1
                try:
                    rows = normalise(rec, self.mapping, default_source)
                except RowProblem as p:
                    self.sink.bad(p.reason, file, line, p.field, p.detail, raw_text(rec))
                    continue
                for row in rows if isinstance(rows, list) else [rows]:
                    out.append((row, file, line))
            # Lines naturalthoughts.io could not turn into a record were still input rows.
            unreadable = sum(1 for r in self.sink.rejects[before_rejects:] if r.reason in _IO_REASONS)
            self.rows_in += records + unreadable
            self.per_file.append({"path": file, "rows_in": records + unreadable, "rows_read": len(out) - before_rows})
        return out


# Reasons raised by naturalthoughts.io before a record exists (they still count as rows read).
_IO_REASONS = {"bad_encoding", "malformed_json", "not_an_object", "extra_cells"}


def drop_repeated_ids(rows: list[tuple[dict[str, Any], str, int]], sink: RowSink, key: str = "id") -> list[tuple[dict[str, Any], str, int]]:
    """Keep the first row per ``key``: a repeat with the same question text is a ``duplicate``; a repeat with a
    different text is a bad row (``duplicate_id``), because two questions cannot share an id."""
    seen: dict[str, tuple[str, str, int]] = {}
    kept = []
    for row, file, line in rows:
        norm = normalise_text(row["question"])
        prev = seen.get(row[key])
        if prev is None:
            seen[row[key]] = (norm, file, line)
            kept.append((row, file, line))
        elif prev[0] == norm:
            sink.drop("duplicate", file, line, f"same {key} {row[key]!r} and text as {prev[1]}:{prev[2]}", json.dumps(row, default=str))
        else:
            sink.bad("duplicate_id", file, line, key, f"{key} {row[key]!r} already used at {prev[1]}:{prev[2]} by a "
                     f"different question (ids must be unique; --map id= derives ids from the text)",
                     json.dumps(row, default=str))
    return kept


def drop_contaminated(rows: list[tuple[dict[str, Any], str, int]], sink: RowSink, index: NgramIndex) -> list[tuple[dict[str, Any], str, int]]:
    kept = []
    for row, file, line in rows:
        hit = index.match(row["question"])
        if hit is None:
            kept.append((row, file, line))
        else:
            sink.drop("contaminated", file, line, f"shares {index.n}-gram {hit.ngram!r} with {hit.file}:{hit.line}",
                      json.dumps(row, default=str))
    return kept


def drop_duplicates(rows: list[tuple[dict[str, Any], str, int]], sink: RowSink, dedup: Dedup, near_threshold: float) -> list[tuple[dict[str, Any], str, int]]:
    if dedup not in ("exact", "near", "none"):
        raise ValueError(f"dedup must be 'exact', 'near' or 'none', got {dedup!r}")
    if dedup == "none":
        return rows
    # Multiple-choice rows are duplicates only with the same options too ("Which is a chemical change?" recurs in
    # ARC with different choices).
    texts = [row["question"] + "\n" + "\n".join(row.get("options") or []) for row, _, _ in rows]
    dropped: dict[int, tuple[str, str]] = {}
    for m in exact_duplicates(texts):
        kept_row, kf, kl = rows[m.kept_index]
        dropped[m.index] = ("duplicate", f"same normalised text as {kept_row['id']!r} ({kf}:{kl})")
    if dedup == "near":
        for m in near_duplicates(texts, near_threshold, skip=set(dropped)):
            kept_row, kf, kl = rows[m.kept_index]
            dropped[m.index] = ("near_duplicate", f"Jaccard {m.similarity:.3f} (char 5-grams) with {kept_row['id']!r} ({kf}:{kl})")
    kept = []
    for i, (row, file, line) in enumerate(rows):
        if i in dropped:
            reason, detail = dropped[i]
            sink.drop(reason, file, line, detail, json.dumps(row, default=str))
        else:
            kept.append((row, file, line))
    return kept


def reject_counts(sink: RowSink) -> dict[str, Any]:
    """Manifest counts: every rejected row by reason, split into bad input (``skip``) and deliberate drops."""
    by_reason = Reject.counts(sink.rejects)
    deliberate = {"duplicate", "near_duplicate", "contaminated"}
    return {
        "rejected": by_reason,
        "skip": {k: v for k, v in by_reason.items() if k not in deliberate},
        "dropped": {k: v for k, v in by_reason.items() if k in deliberate},
    }


def local_inputs(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Inputs that can be hashed into the manifest (hub datasets are recorded in the config only)."""
    return [str(p) for p in paths if not str(p).startswith("hf://")]


def ingest_questions(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    *,
    mapping: Mapping[str, str] | None = None,
    dedup: Dedup = "near",
    near_threshold: float = NEAR_THRESHOLD,
    decontaminate: Sequence[str | os.PathLike] = (),
    ngram: int = DEFAULT_NGRAM,
    on_bad_row: OnBadRow = "fail",
    write_rejects: bool = True,
    source: str | None = None,
    limit: int | None = None,
) -> Manifest:
    """Read question pools, normalise them to ``QUESTION_SCHEMA`` and write a stage folder at ``out_dir``.

    Args:
        paths: JSONL/CSV/Parquet files, HF ``datasets`` folders, stage folders or ``hf://`` datasets.
        mapping: schema field -> input column, e.g. ``{"question": "problem", "reference_answer": "answer"}``.
        dedup: ``"exact"`` (normalised text), ``"near"`` (exact, then character 5-gram Jaccard >= ``near_threshold``,
            see :mod:`naturalthoughts.ingest.dedup`) or ``"none"``. Rows repeating an id are handled in every mode.
        decontaminate: evaluation question files; a pool question sharing a word ``ngram``-gram with one is dropped.
        on_bad_row: ``"fail"`` raises :class:`naturalthoughts.io.BadRowError` naming file and line at the first
            bad row; ``"skip"`` records it in ``rejects.parquet`` and the manifest counts.
        write_rejects: write ``rejects.parquet`` (every dropped row with ``reject_reason``, file, line, detail).
        source: value of the ``source`` column (default: the input's ``source`` column, else its file name).
        limit: keep only the first ``limit`` questions, in input order, that survive every check above (so the
            output holds exactly ``limit`` clean questions when the input has that many); the rest are counted
            as ``beyond_limit``, not rejected.

    Returns the written :class:`naturalthoughts.store.Manifest`; ``counts`` holds ``in``, ``out``, ``rejected``
    (all reasons), ``skip`` (bad input), ``dropped`` (duplicates, contamination) and, with ``limit``,
    ``beyond_limit``.
    """
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not paths:
        raise ValueError("no input paths")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive number of questions, got {limit}")
    timer = StageTimer()
    sink = RowSink(on_bad_row)
    reader = QuestionReader(sink, mapping, source)
    with timer("read"):
        rows = reader.read(paths)
        rows = drop_repeated_ids(rows, sink)
    if decontaminate:
        with timer("decontaminate"):
            index = NgramIndex.from_files(list(decontaminate), ngram)
            rows = drop_contaminated(rows, sink, index)
    with timer("dedup"):
        rows = drop_duplicates(rows, sink, dedup, near_threshold)
    beyond_limit: int | None = None
    if limit is not None:
        beyond_limit, rows = max(0, len(rows) - limit), rows[:limit]
    table = conform(pa.Table.from_pylist([r for r, _, _ in rows], schema=QUESTION_SCHEMA), QUESTION_SCHEMA)
    counts = {"in": reader.rows_in, "out": table.num_rows, **reject_counts(sink)}
    if beyond_limit is not None:
        counts["beyond_limit"] = beyond_limit
    config = {
        "inputs": [str(p) for p in paths],
        "mapping": dict(mapping or {}),
        "dedup": dedup,
        "near_threshold": near_threshold if dedup == "near" else None,
        "near_measure": "jaccard_char5_minhash_lsh" if dedup == "near" else None,
        "decontaminate": [str(p) for p in decontaminate],
        "ngram": ngram,
        "on_bad_row": on_bad_row,
        "source": source,
        "limit": limit,
    }
    return write_stage(
        out_dir, table, stage="ingest", config=config,
        inputs=local_inputs([*paths, *decontaminate]), counts=counts,
        rejects=Reject.table(sink.rejects) if write_rejects and sink.rejects else None,
        timings={**timer.timings, "total": timer.total()},
        extra={"files": reader.per_file, "kind": "questions"},
        versions=("datasketch", "datasets"),
    )
