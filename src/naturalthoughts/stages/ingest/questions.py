"""Question pools in, ``QUESTION_SCHEMA`` rows out: each record mapped by :mod:`.columns` (layout detection,
``--map``), then repeated ids, contaminated and duplicate questions dropped and counted by reason, and the
rest written shard by shard."""

from __future__ import annotations

import json
import os
import time
from array import array
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from naturalthoughts.core.io import OnBadRow, RowSink
from naturalthoughts.core.schema import QUESTION_SCHEMA
from naturalthoughts.core.store import Manifest, StageOutput
from naturalthoughts.stages.ingest.columns import QUESTION_TARGETS, check_mapping
from naturalthoughts.stages.ingest.decontam import DEFAULT_NGRAM, NgramIndex
from naturalthoughts.stages.ingest.dedup import NEAR_THRESHOLD, NearDuplicateIndex, hash64, normalise_text
from naturalthoughts.stages.ingest.stream import Locations, RecordStream, RejectLog, RowBatcher, TextSpill

Dedup = Literal["exact", "near", "none"]

# The phases of question ingest; rejects.parquet lists each phase's rejects in this order.
QUESTION_PHASES = ("read", "ids", "contaminated", "dedup")


class RepeatedIds:
    """Keeps the first row per id: a repeat with the same question text is a ``duplicate``; a repeat with a
    different text is a bad row (``duplicate_id``), because two questions cannot share an id.

    State per id: its 8-byte hash, the hash of its normalised question and where it was first seen.
    """

    def __init__(self, sink: RowSink, key: str = "id") -> None:
        self.sink, self.key = sink, key
        self._entry: dict[int, int] = {}
        self._text_hash = array("Q")
        self.where = Locations()

    def admit(self, row: dict[str, Any], file: str, line: int) -> bool:
        text_hash = hash64(normalise_text(row["question"]))
        ident = row[self.key]
        entry = self._entry.get(hash64(ident))
        if entry is None:
            self._entry[hash64(ident)] = self.where.add(file, line)
            self._text_hash.append(text_hash)
            return True
        first_file, first_line = self.where[entry]
        if self._text_hash[entry] == text_hash:
            detail = f"same {self.key} {ident!r} and text as {first_file}:{first_line}"
            self.sink.drop("duplicate", file, line, detail, json.dumps(row, default=str))
        else:
            detail = (f"{self.key} {ident!r} already used at {first_file}:{first_line} by a different "
                      "question (ids must be unique; --map id= derives ids from the text)")
            self.sink.bad("duplicate_id", file, line, self.key, detail, json.dumps(row, default=str))
        return False


def admit_uncontaminated(row: dict[str, Any], file: str, line: int, sink: RowSink, index: NgramIndex) -> bool:
    """False (and the row recorded as ``contaminated``) when the question shares an n-gram with an evaluation
    one."""
    hit = index.match(row["question"])
    if hit is None:
        return True
    sink.drop("contaminated", file, line, f"shares {index.n}-gram {hit.ngram!r} with {hit.file}:{hit.line}",
              json.dumps(row, default=str))
    return False


class Deduplicator:
    """Drops exact and (with ``dedup="near"``) near duplicates of earlier rows, one row at a time.

    Memory per kept row: the 8-byte hash of its normalised text, its location, and (near) its LSH band keys;
    its id and text go to temporary files in ``folder``, read back only to name the kept row of a match.
    """

    def __init__(self, sink: RowSink, dedup: Dedup, near_threshold: float, folder: Path) -> None:
        if dedup not in ("exact", "near", "none"):
            raise ValueError(f"dedup must be 'exact', 'near' or 'none', got {dedup!r}")
        self.sink, self.dedup = sink, dedup
        self._first: dict[int, int] = {}  # normalised-text hash -> entry of the first row with it
        self.where = Locations()
        self._ids = TextSpill(folder) if dedup != "none" else None
        self._texts = TextSpill(folder) if dedup == "near" else None
        self.near = NearDuplicateIndex(self._texts.__getitem__, near_threshold) if self._texts else None

    def admit(self, row: dict[str, Any], file: str, line: int) -> bool:
        if self._ids is None:
            return True
        # Multiple-choice rows are duplicates only with the same options too ("Which is a chemical change?"
        # recurs in ARC with different choices).
        text = row["question"] + "\n" + "\n".join(row.get("options") or [])
        key = hash64(normalise_text(text))
        first = self._first.get(key)
        if first is not None:
            kept_file, kept_line = self.where[first]
            self.sink.drop("duplicate", file, line, f"same normalised text as {self._ids[first]!r} "
                           f"({kept_file}:{kept_line})", json.dumps(row, default=str))
            return False
        entry = self._first[key] = self.where.add(file, line)
        self._ids.append(row["id"])
        if self.near is None or self._texts is None:
            return True
        self._texts.append(text)
        match = self.near.check(entry, text)
        if match is None:
            return True
        kept_file, kept_line = self.where[match.kept_index]
        detail = (f"Jaccard {match.similarity:.3f} (char 5-grams) with {self._ids[match.kept_index]!r} "
                  f"({kept_file}:{kept_line})")
        self.sink.drop("near_duplicate", file, line, detail, json.dumps(row, default=str))
        return False

    def close(self) -> None:
        for spill in (self._ids, self._texts):
            if spill is not None:
                spill.close()


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

    Rows stream through (read, id check, decontamination, dedup, write in batches); only the dedup state stays
    in memory (see :mod:`naturalthoughts.stages.ingest.dedup`).

    Args:
        paths: JSONL/CSV/Parquet files, HF ``datasets`` folders, stage folders or ``hf://`` datasets.
        mapping: schema field -> input column, e.g. ``{"question": "problem", "reference_answer": "answer"}``.
        dedup: ``"exact"`` (normalised text), ``"near"`` (exact, then character 5-gram Jaccard >=
            ``near_threshold``, see :mod:`naturalthoughts.stages.ingest.dedup`) or ``"none"``. Rows repeating
            an id are handled in every mode.
        decontaminate: evaluation question files; a pool question sharing a word ``ngram``-gram with one is
            dropped.
        on_bad_row: ``"fail"`` raises :class:`naturalthoughts.core.io.BadRowError` naming file and line at
            the first bad row; ``"skip"`` records it in ``rejects.parquet`` and the manifest counts.
        write_rejects: write ``rejects.parquet`` (every dropped row with ``reject_reason``, file, line,
            detail).
        source: value of the ``source`` column (default: the input's ``source`` column, else its file name).
        limit: keep only the first ``limit`` questions, in input order, that survive every check above (so the
            output holds exactly ``limit`` clean questions when the input has that many); the rest are counted
            as ``beyond_limit``, not rejected.

    Returns the written :class:`naturalthoughts.core.store.Manifest`; ``counts`` holds ``in``, ``out``,
    ``rejected`` (all reasons), ``skip`` (bad input), ``dropped`` (duplicates, contamination) and, with
    ``limit``, ``beyond_limit``.
    """
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not paths:
        raise ValueError("no input paths")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive number of questions, got {limit}")
    mapping_checked = check_mapping(mapping, QUESTION_TARGETS)
    started = time.perf_counter()
    out = Path(out_dir)
    output = StageOutput(out)
    rejects = RejectLog(out, on_bad_row, QUESTION_PHASES, write_rejects)
    deduplicator = None
    try:
        index = NgramIndex.from_files(list(decontaminate), ngram) if decontaminate else None
        spent = {"read": 0.0, "decontaminate": time.perf_counter() - started, "dedup": 0.0, "write": 0.0}
        reader = RecordStream(rejects["read"], mapping_checked, source)
        repeated = RepeatedIds(rejects["ids"])
        deduplicator = Deduplicator(rejects["dedup"], dedup, near_threshold, out)
        batcher = RowBatcher(output, QUESTION_SCHEMA)
        clean = _admit_rows(reader.rows(paths), repeated, index, deduplicator, rejects, batcher, limit, spent)
        batcher.flush()
        side_files = rejects.write()
    except BaseException:
        output.abort()
        rejects.discard()
        raise
    finally:
        if deduplicator is not None:
            deduplicator.close()
    counts = {"in": reader.rows_in, "out": batcher.written, **rejects.counts()}
    if index is not None and index.unreadable:
        counts["decontaminate_unreadable_lines"] = len(index.unreadable)
    if limit is not None:
        counts["beyond_limit"] = max(0, clean - limit)
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
    return finish_ingest(output, config, [*paths, *decontaminate], counts, spent, started, side_files,
                         extra={"files": reader.per_file, "kind": "questions"}, versions=("datasketch", "datasets"))


def finish_ingest(output: StageOutput, config: dict[str, Any], inputs: list, counts: dict[str, Any],
                  spent: dict[str, float], started: float, side_files: list, *, extra: dict[str, Any],
                  versions: tuple[str, ...]) -> Manifest:
    """Write an ingest folder's manifest (both kinds): the phase timings, without decontamination when none ran."""
    if not config.get("decontaminate"):
        spent.pop("decontaminate", None)
    return output.finish(stage="ingest", config=config, inputs=local_inputs(inputs), counts=counts,
                         timings={**spent, "total": time.perf_counter() - started}, extra=extra,
                         versions=versions, side_files=side_files)


def _admit_rows(rows: Iterable[tuple[dict[str, Any], str, int]], repeated: Any, index: NgramIndex | None,
                deduplicator: Any, rejects: Any, batcher: RowBatcher, limit: int | None,
                spent: dict[str, float]) -> int:
    """Each row through the id check, decontamination and dedup, timed per phase; write the first ``limit``
    clean ones. Returns how many were clean (rows past the limit are still checked to the end, so counts and
    rejects do not depend on it)."""
    clean = 0
    clock = time.perf_counter()
    for row, file, line in rows:
        keep = repeated.admit(row, file, line)
        clock = _charge(spent, "read", clock)
        if keep and index is not None:
            keep = admit_uncontaminated(row, file, line, rejects["contaminated"], index)
            clock = _charge(spent, "decontaminate", clock)
        if keep:
            keep = deduplicator.admit(row, file, line)
            clock = _charge(spent, "dedup", clock)
        if keep:
            clean += 1
            if limit is None or clean <= limit:
                batcher.add(row)
                clock = _charge(spent, "write", clock)
    return clean


def _charge(spent: dict[str, float], phase: str, since: float) -> float:
    """Add the time since ``since`` to ``phase``; the new start time."""
    now = time.perf_counter()
    spent[phase] += now - since
    return now
