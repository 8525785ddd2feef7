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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from naturalthoughts.core.io import OnBadRow, Reject, RowSink, iter_records
from naturalthoughts.core.schema import QUESTION_SCHEMA, conform
from naturalthoughts.core.store import Manifest, StageTimer, write_stage
from naturalthoughts.stages.ingest.decontam import DEFAULT_NGRAM, NgramIndex
from naturalthoughts.stages.ingest.dedup import (
    NEAR_THRESHOLD,
    exact_duplicates,
    near_duplicates,
    normalise_text,
)

Dedup = Literal["exact", "near", "none"]

from naturalthoughts.stages.ingest.columns import (
    QUESTION_TARGETS,
    RowProblem,
    check_mapping,
    normalise_question,
    raw_text,
)


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
            # Lines naturalthoughts.core.io could not turn into a record were still input rows.
            unreadable = sum(1 for r in self.sink.rejects[before_rejects:] if r.reason in _IO_REASONS)
            self.rows_in += records + unreadable
            self.per_file.append({"path": file, "rows_in": records + unreadable, "rows_read": len(out) - before_rows})
        return out


# Reasons raised by naturalthoughts.core.io before a record exists (they still count as rows read).
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
            see :mod:`naturalthoughts.stages.ingest.dedup`) or ``"none"``. Rows repeating an id are handled in every mode.
        decontaminate: evaluation question files; a pool question sharing a word ``ngram``-gram with one is dropped.
        on_bad_row: ``"fail"`` raises :class:`naturalthoughts.core.io.BadRowError` naming file and line at the first
            bad row; ``"skip"`` records it in ``rejects.parquet`` and the manifest counts.
        write_rejects: write ``rejects.parquet`` (every dropped row with ``reject_reason``, file, line, detail).
        source: value of the ``source`` column (default: the input's ``source`` column, else its file name).
        limit: keep only the first ``limit`` questions, in input order, that survive every check above (so the
            output holds exactly ``limit`` clean questions when the input has that many); the rest are counted
            as ``beyond_limit``, not rejected.

    Returns the written :class:`naturalthoughts.core.store.Manifest`; ``counts`` holds ``in``, ``out``, ``rejected``
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
