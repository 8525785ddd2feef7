"""Decontamination of a question pool against evaluation questions by word n-gram overlap.

A pool question is *contaminated* when it shares any word ``n``-gram (default 13, as NaturalReasoning did) with an
evaluation question, both taken through :func:`naturalthoughts.stages.ingest.dedup.normalise_text`. An evaluation question
shorter than ``n`` words has no n-gram, so it matches only a pool question with the same normalised text: matching
its shorter word sequence anywhere would flag unrelated questions on phrases like "what is the value of x".

The index stores 64-bit hashes of the n-grams (8 bytes each, not the n-gram strings), which keeps a large
evaluation set (e.g. SuperGPQA's 26k questions ≈ 2M n-grams) well under 100 MB.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from naturalthoughts.stages.ingest.dedup import normalise_text

DEFAULT_NGRAM = 13

# Columns that hold the question text in evaluation files (MATH-500 uses "problem", GPQA "Question").
EVAL_QUESTION_COLUMNS = ("question", "problem", "Question", "prompt", "input")

log = logging.getLogger(__name__)


def _gram_hash(words: tuple[str, ...]) -> int:
    # Python's hash() is salted per process; a stable digest keeps results identical across runs and workers.
    return int.from_bytes(hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest(), "little")


def word_ngrams(text: str, n: int) -> list[tuple[str, ...]]:
    words = normalise_text(text).split()
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


@dataclass(frozen=True)
class EvalHit:
    """Where a contaminating evaluation question came from."""

    file: str
    line: int
    ngram: str  # the shared n-gram (or the whole short question)


class NgramIndex:
    """Word n-grams of a set of evaluation questions, queried one pool question at a time."""

    unreadable: list[str]  # "file:line: why" of evaluation lines that could not be read (set by from_files)

    def __init__(self, n: int = DEFAULT_NGRAM) -> None:
        if n < 1:
            raise ValueError(f"n-gram size must be >= 1, got {n}")
        self.n = n
        self._grams: dict[int, tuple[str, int]] = {}  # hash -> (file, line) of the first eval question with it
        self._short: dict[str, tuple[str, int]] = {}  # normalised short eval question -> (file, line)
        self.questions = 0

    def add(self, text: str, file: str, line: int) -> None:
        self.questions += 1
        grams = word_ngrams(text, self.n)
        if not grams:
            norm = normalise_text(text)
            if norm:
                self._short.setdefault(norm, (file, line))
            return
        for g in grams:
            self._grams.setdefault(_gram_hash(g), (file, line))

    def match(self, text: str) -> EvalHit | None:
        """The first evaluation question sharing an n-gram with ``text``, or None."""
        grams = word_ngrams(text, self.n)
        for g in grams:
            where = self._grams.get(_gram_hash(g))
            if where is not None:
                return EvalHit(where[0], where[1], " ".join(g))
        norm = normalise_text(text)
        where = self._short.get(norm)
        if where is not None:
            return EvalHit(where[0], where[1], norm)
        return None

    @classmethod
    def from_files(cls, paths: list[str | os.PathLike], n: int = DEFAULT_NGRAM) -> "NgramIndex":
        """Index the question column of each evaluation file (any format :func:`naturalthoughts.core.io.iter_records` reads)."""
        from naturalthoughts.core.io import RowSink, iter_records

        index = cls(n)
        sink = RowSink("skip")
        for path in paths:
            found_column = None
            # Evaluation files are read leniently: a bad line there must not block ingest of the pool. It is
            # not silent either: the lines are kept in ``unreadable``, logged, and counted in the manifest.
            for line, rec in iter_records(path, sink):
                column = found_column or next((c for c in EVAL_QUESTION_COLUMNS if c in rec), None)
                if column is None:
                    raise ValueError(f"{path}:{line}: no question column in evaluation file "
                                     f"(looked for {', '.join(EVAL_QUESTION_COLUMNS)}; have {', '.join(rec)})")
                found_column = column
                text = rec.get(column)
                if isinstance(text, str) and text.strip():
                    index.add(text, str(Path(path)), line)
        index.unreadable = [f"{r.file}:{r.line}: {r.detail}" for r in sink.rejects]
        if index.unreadable:
            log.warning("decontamination skipped %d unreadable line(s) of the evaluation file(s), first %s; their "
                        "questions are not checked", len(index.unreadable), index.unreadable[0])
        return index
