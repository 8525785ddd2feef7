"""``verbosity``: the paper's 0-10 scale (0: very efficient, no rambling; 10: excessive rambling, no progress).

Columns: ``verbosity`` (int 0-10), ``verbosity_method``, ``verbosity_error``.

Methods (option ``method``):

* ``heuristic`` (default, no LLM). **An approximation** of the judge's scale, built from three signals of
  "rambling without progress" that can be measured without understanding the text:

  - *repetition*: the share of sentences that repeat an earlier sentence (after lowercasing and dropping
    punctuation); saturates at 40 %;
  - *restarts*: the share of sentences that open with a restart/hesitation cue ("wait", "hmm", "actually",
    "let me think again", "start over", "no,", "i'm not sure" …); saturates at 25 %;
  - *compressibility*: zlib's compressed/original size; English reasoning compresses to ~0.4 of its size and
    looping text far below; the signal rises from 0.42 down to 0.12 (only for texts of ≥ 1,000 characters,
    where the ratio is meaningful).

  raw = 0.4·repetition + 0.3·restarts + 0.3·compressibility, in [0, 1]. The raw value ranks traces like a careful
  reader does (Spearman 0.84 on the tune split, 0.81 on the holdout split of the calibration set), but on its own
  scale: ``round(10 × raw)`` used only scores 0-6, 30 % of rows at 1, and ``verbosity-med`` (score 5) was nearly
  empty. The score is therefore ``raw`` mapped through a **monotone (isotonic) fit to the hand labels**
  (``data/calibration/verbosity-map.json``, fitted with scikit-learn's ``IsotonicRegression`` on the tune split
  by :func:`naturalthoughts.stages.annotation.calibration.fit_verbosity_map`), so its distribution spreads over
  0-10 like the labels'. It does not know whether a detour made progress; use the judge for anything finer.
* ``judge``: an LLM rates each chunk (``judge_chunk_chars``) with the paper's scale definitions; the row's
  score is the rounded mean of its chunks.
"""

from __future__ import annotations

import json
import re
import zlib
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pyarrow as pa

from naturalthoughts.stages.annotation.base import Annotator, Context, column_values, distribution
from naturalthoughts.stages.annotation.judge import judge_in_chunks, load_prompt

METHODS = ("heuristic", "judge")

# Sentence ends: the end mark is consumed with the space after it (it is punctuation, which normalising drops
# anyway); without a lookbehind the split is ~1.4x faster.
_SENTENCE_RE = re.compile(r"[.!?。！？]\s+|\n+")
_NON_WORD_RE = re.compile(r"[\W_]+")
_RESTART_CUES = (
    r"^(?:wait|hmm+|actually|no,|no wait|but wait|oh wait|let me (?:think|try) again|let me start over|start over|"
    r"let me re|i'?m not sure|i'?m confused|maybe|or maybe|hold on)\b"
)
_RESTART_RE = re.compile(_RESTART_CUES)
_RESTART_LINE_RE = re.compile(b"\n" + _RESTART_CUES[1:].encode())  # a cue at the start of a line
# ASCII texts are normalised with bytes.translate (every non-alphanumeric byte but the newline to a space) and a
# few replaces over the whole text: the same sentences as the per-sentence regex, ~8x faster; other texts go
# sentence by sentence (ASCII sentences translated, the others through the regex).
_ASCII_NON_WORD_TO_SPACE = bytes(c if (chr(c).isalnum() or c == 10) else 32 for c in range(128)) + bytes(range(128, 256))
# The ASCII whitespace of a str regex's \s but the newline, as spaces: then "[.!?]\s+" breaks are ". ", "! ",
# "? " and newlines (a mark before a newline only adds a space next to the break, which normalising drops).
_ASCII_SPACE_BUT_NEWLINE = bytes(32 if chr(c).isspace() and c != 10 else c for c in range(128)) + bytes(range(128, 256))


def normalized_sentences(text: str) -> tuple[list[bytes], int]:
    """The non-empty sentences of ``text`` lowercased, punctuation runs as one space (UTF-8 bytes, so ASCII and
    other sentences compare alike), and how many of them open with a restart cue."""
    low = text.lower()
    if not low.isascii():
        return _normalized_sentences_regex(low)
    # Every newline is inside a sentence break, so breaks become newlines and each line is one sentence.
    data = low.encode().translate(_ASCII_SPACE_BUT_NEWLINE)
    data = data.replace(b". ", b"\n").replace(b"! ", b"\n").replace(b"? ", b"\n").translate(_ASCII_NON_WORD_TO_SPACE)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    data = data.replace(b" \n", b"\n").replace(b"\n ", b"\n").strip(b" ")
    keys = [k for k in data.split(b"\n") if k]
    return keys, len(_RESTART_LINE_RE.findall(b"\n" + b"\n".join(keys)))


def _normalized_sentences_regex(low: str) -> tuple[list[bytes], int]:
    """:func:`normalized_sentences` of a lowercased text that is not all ASCII, sentence by sentence."""
    keys: list[bytes] = []
    restarts = 0
    for piece in _SENTENCE_RE.split(low):
        if piece.isascii():  # no newline inside a sentence, so the table's kept newline never shows
            key = b" ".join(piece.encode().translate(_ASCII_NON_WORD_TO_SPACE).split())
            restarted = key and _RESTART_LINE_RE.match(b"\n" + key)
        else:
            words = _NON_WORD_RE.sub(" ", piece).strip()
            key, restarted = words.encode(), words and _RESTART_RE.match(words)
        if key:
            keys.append(key)
            restarts += bool(restarted)
    return keys, restarts


def verbosity_features(text: str) -> dict[str, float]:
    """The heuristic's three signals, each in [0, 1] (see the module docstring)."""
    sentences, restarts = normalized_sentences(text)
    if not sentences:
        return {"repetition": 0.0, "restarts": 0.0, "compressibility": 0.0}
    repeated = len(sentences) - len(set(sentences))
    compressibility = 0.0
    data = text.encode("utf-8")
    if len(data) >= 1000:
        ratio = len(zlib.compress(data, 6)) / len(data)
        compressibility = min(1.0, max(0.0, (0.42 - ratio) / 0.30))
    return {
        "repetition": min(1.0, repeated / len(sentences) / 0.40),
        "restarts": min(1.0, restarts / len(sentences) / 0.25),
        "compressibility": compressibility,
    }


def raw_verbosity(text: str) -> float:
    """The heuristic's signals combined into one number in [0, 1] (higher: more rambling)."""
    f = verbosity_features(text)
    return 0.4 * f["repetition"] + 0.3 * f["restarts"] + 0.3 * f["compressibility"]


@cache
def verbosity_map(name: str = "verbosity-map") -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(raw knots, score knots) of the packaged monotone map from :func:`raw_verbosity` to the 0-10 label scale."""
    data = json.loads(resources.files("naturalthoughts").joinpath("data", "calibration", f"{name}.json").read_text(encoding="utf-8"))
    return tuple(float(x) for x in data["raw"]), tuple(float(y) for y in data["score"])


def heuristic_verbosity(text: str) -> int:
    """0-10 estimate of rambling without progress (an approximation of the LLM judge's scale, see module doc)."""
    raw, score = verbosity_map()
    return int(min(10, max(0, round(float(np.interp(raw_verbosity(text), raw, score))))))


def _validate(obj: dict) -> tuple[int | None, str | None]:
    value = obj.get("verbosity", obj.get("score"))
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        return None, f'expected {{"verbosity": integer 0-10}}, got {value!r}'
    return value, None


class VerbosityAnnotator(Annotator):
    name = "verbosity"
    requires = ("reasoning",)
    OPTIONS = {
        "method": "heuristic",  # heuristic | judge
        "prompt": "judge-verbosity",
        "judge_chunk_chars": 6000,
        "judge_max_chunks": 16,
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if self.options["method"] not in METHODS:
            raise ValueError(f"verbosity method must be one of {METHODS}, not {self.options['method']!r}")
        self.judge_prompt = load_prompt(self.options["prompt"]) if self.uses_judge() else None

    def uses_judge(self) -> bool:
        return self.options["method"] == "judge"

    def annotate_batch(self, batch: pa.Table, ctx: Context) -> dict[str, list]:
        texts = column_values(batch, "reasoning")
        n = len(texts)
        scores: list[int | None] = [None] * n
        errors: list[str | None] = [None] * n
        for i, t in enumerate(texts):
            if t is None:
                errors[i] = self.error("no_reasoning")
            elif not t.strip():
                errors[i] = self.error("empty_reasoning")
        if self.options["method"] == "heuristic":
            for i, t in enumerate(texts):
                if errors[i] is None:
                    scores[i] = heuristic_verbosity(t)
        else:
            self._judge(texts, column_values(batch, "question"), scores, errors, ctx)
        return {"verbosity": scores, "verbosity_method": [self.options["method"]] * n, "verbosity_error": errors}

    def _judge(self, texts: list, questions: list, scores: list, errors: list, ctx: Context) -> None:
        assert self.judge_prompt is not None and ctx.judge is not None
        per_row = judge_in_chunks(
            ctx, texts, errors, chunk_chars=int(self.options["judge_chunk_chars"]),
            max_chunks=int(self.options["judge_max_chunks"]),
            make_request=lambda i, chunk, k, count: self.judge_prompt.request(
                question=(questions[i] or "")[:2000], reasoning=chunk, chunk_index=str(k), chunk_count=str(count)),
            validate=_validate, error=self.error, stats_name=self.name, progress="verbosity judge")
        for i, values in per_row.items():
            if errors[i] is None:
                scores[i] = int(round(sum(values) / len(values)))

    def report(self, columns: pa.Table) -> dict[str, Any]:
        hist = distribution(columns.column("verbosity").to_pylist())
        return {
            "method": self.options["method"],
            "prompt": self.judge_prompt.ref if self.judge_prompt else None,
            "histogram": {str(k): hist.get(str(k), 0) for k in range(11)},
            "errors": dict(sorted(self.errors.items())),
        }
