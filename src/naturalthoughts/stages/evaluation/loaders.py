"""Upstream benchmark layouts → :class:`Item`, one small function per layout, picked from a literal registry.

Field names are the upstream ones, so a file downloaded from the official release loads as is:

========== ===================================================================================================
layout     fields read
========== ===================================================================================================
gpqa       ``Question``, ``Correct Answer``, ``Incorrect Answer 1..3``, ``High-level domain``, ``Record ID``
           (official CSV, e.g. ``gpqa_diamond.csv``; options are shuffled per question and seed)
mmlu-pro   ``question_id``, ``question``, ``options`` (up to 10), ``answer`` (letter), ``answer_index``,
           ``category``
supergpqa  ``uuid``, ``question``, ``options``, ``answer`` (text), ``answer_letter``, ``discipline``, ``field``,
           ``subfield``, ``difficulty``
math500    ``unique_id``, ``problem``, ``answer``, ``subject``, ``level`` (open answers)
arc        ``id``, ``question``, ``choices`` {``text``, ``label``}, ``answerKey``
mcq        generic multiple choice: ``id`` (optional), ``question``, options as a list ``options`` (JSON list in
           CSV) or columns ``A``..``J``, gold as ``answer`` (letter) or ``answer_index`` (0-based), ``domain``
           (optional), ``shuffle`` (optional bool), ``difficulty`` (optional label)
open       generic open answer: ``id`` (optional), ``question``, ``answer``, ``domain``, ``difficulty``
           (both optional)
========== ===================================================================================================
"""

from __future__ import annotations

import ast
import json
import logging
import os
from typing import Any, Callable

from naturalthoughts.core.io import BadRowError, RowSink, iter_records
from naturalthoughts.core.schema import question_id
from naturalthoughts.stages.evaluation.items import LETTERS, BenchmarkError, Item, check_items

log = logging.getLogger(__name__)

Record = dict[str, Any]


def _text(rec: Record, key: str, where: str, layout: str) -> str:
    if key not in rec:
        raise BenchmarkError(f"{where}: missing column {key!r} (the {layout} layout needs it; columns present: "
                             f"{', '.join(map(str, rec))})")
    value = rec[key]
    if value is None:
        raise BenchmarkError(f"{where}: column {key!r} is empty")
    return str(value).strip()


def _list(value: Any, where: str, key: str) -> list[str]:
    """An options list from JSON/Parquet (a list) or CSV (a JSON or Python-literal string)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            try:
                value = ast.literal_eval(text)  # MMLU-Pro CSV exports write Python list reprs; literal_eval is safe
            except (ValueError, SyntaxError):
                raise BenchmarkError(f"{where}: column {key!r} is not a list of options: {text[:80]!r}") from None
    if hasattr(value, "tolist"):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise BenchmarkError(f"{where}: column {key!r} must be a list of options, got {type(value).__name__}")
    return [str(v).strip() for v in value]


def _letter(value: Any, n_options: int, where: str, key: str) -> str:
    letter = str(value).strip().upper()
    if len(letter) != 1 or letter not in LETTERS:
        raise BenchmarkError(f"{where}: column {key!r} must be one letter A-J, got {value!r}")
    if letter not in LETTERS[:n_options]:
        raise BenchmarkError(f"{where}: gold letter {letter!r} is outside the {n_options} options "
                             f"{LETTERS[0]}-{LETTERS[n_options - 1]}")
    return letter


def _index(value: Any, n_options: int, where: str, key: str) -> int:
    try:
        index = int(value)
    except (TypeError, ValueError):
        raise BenchmarkError(f"{where}: column {key!r} must be an integer, got {value!r}") from None
    if not 0 <= index < n_options:
        raise BenchmarkError(f"{where}: {key}={index} is outside the {n_options} options (0-based)")
    return index


def _difficulty(value: Any) -> str:
    """A difficulty label as text (``""`` when absent); MATH-500's integer levels read ``level N``."""
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas-written files
        return ""
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return f"level {int(value)}"
    return str(value).strip().lower()


def _id(rec: Record, key: str, question: str) -> str:
    value = rec.get(key)
    return str(value).strip() if value not in (None, "") else question_id(question)


def from_gpqa(rec: Record, where: str) -> Item:
    question = _text(rec, "Question", where, "gpqa")
    correct = _text(rec, "Correct Answer", where, "gpqa")
    wrong = [_text(rec, f"Incorrect Answer {i}", where, "gpqa") for i in (1, 2, 3)]
    options = (correct, *wrong)
    empty = [name for name, o in zip(("Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3"), options) if not o]
    if empty:
        raise BenchmarkError(f"{where}: option count mismatch: GPQA rows have 4 options, but {', '.join(empty)} is empty")
    return Item(id=_id(rec, "Record ID", question), question=question, options=options, gold="A",
                domain=str(rec.get("High-level domain") or "").strip(), kind="mcq", shuffle=True,
                meta={"where": where, "subdomain": str(rec.get("Subdomain") or "").strip()})


def from_mmlu_pro(rec: Record, where: str) -> Item:
    question = _text(rec, "question", where, "mmlu-pro")
    if "options" not in rec:
        raise BenchmarkError(f"{where}: missing column 'options' (MMLU-Pro rows carry a list of up to 10 options)")
    options = _list(rec["options"], where, "options")
    while options and options[-1] in ("", "N/A"):  # early MMLU-Pro releases padded short option lists at the end
        options.pop()
    gold = _letter(_text(rec, "answer", where, "mmlu-pro"), len(options), where, "answer")
    if rec.get("answer_index") not in (None, ""):
        index = _index(rec["answer_index"], len(options), where, "answer_index")
        if LETTERS[index] != gold:
            raise BenchmarkError(f"{where}: answer {gold!r} and answer_index {index} ({LETTERS[index]!r}) disagree")
    return Item(id=_id(rec, "question_id", question), question=question, options=tuple(options), gold=gold,
                domain=str(rec.get("category") or "").strip(), kind="mcq",
                meta={"where": where, "src": rec.get("src")})


def from_supergpqa(rec: Record, where: str) -> Item:
    question = _text(rec, "question", where, "supergpqa")
    if "options" not in rec:
        raise BenchmarkError(f"{where}: missing column 'options' (SuperGPQA rows carry a list of options)")
    options = _list(rec["options"], where, "options")
    gold = _letter(_text(rec, "answer_letter", where, "supergpqa"), len(options), where, "answer_letter")
    answer_text = str(rec.get("answer") or "").strip()
    if answer_text and answer_text != options[LETTERS.index(gold)]:
        raise BenchmarkError(f"{where}: answer_letter {gold!r} points at {options[LETTERS.index(gold)][:60]!r}, "
                             f"but answer is {answer_text[:60]!r}")
    meta = {k: rec.get(k) for k in ("field", "subfield", "difficulty")}
    return Item(id=_id(rec, "uuid", question), question=question, options=tuple(options), gold=gold,
                domain=str(rec.get("discipline") or "").strip(), kind="mcq",
                difficulty=_difficulty(rec.get("difficulty")), meta={"where": where, **meta})


def from_math500(rec: Record, where: str) -> Item:
    problem = _text(rec, "problem", where, "math500")
    return Item(id=_id(rec, "unique_id", problem), question=problem, gold=_text(rec, "answer", where, "math500"),
                domain=str(rec.get("subject") or "").strip(), kind="open",
                difficulty=_difficulty(rec.get("level")), meta={"where": where, "level": rec.get("level")})


def from_arc(rec: Record, where: str) -> Item:
    question = _text(rec, "question", where, "arc")
    choices = rec.get("choices")
    if not isinstance(choices, dict) or "text" not in choices or "label" not in choices:
        raise BenchmarkError(f"{where}: column 'choices' must be {{'text': [...], 'label': [...]}}")
    texts, labels = _list(choices["text"], where, "choices.text"), _list(choices["label"], where, "choices.label")
    if len(texts) != len(labels):
        raise BenchmarkError(f"{where}: option count mismatch: {len(texts)} choice texts but {len(labels)} labels")
    key = _text(rec, "answerKey", where, "arc")
    if key not in labels:
        raise BenchmarkError(f"{where}: answerKey {key!r} is not one of the labels {labels}")
    # Some ARC rows label choices 1-4 instead of A-D; we always present letters, so map by position.
    return Item(id=_id(rec, "id", question), question=question, options=tuple(texts), gold=LETTERS[labels.index(key)],
                domain="science", kind="mcq", meta={"where": where})


def _generic_options(rec: Record, where: str) -> list[str]:
    if "options" in rec:
        return _list(rec["options"], where, "options")
    columns = [c for c in LETTERS if c in rec]
    if not columns:
        raise BenchmarkError(f"{where}: missing option columns: give 'options' (a list) or columns A, B, C, ...")
    filled = [c for c in columns if str(rec[c] or "").strip()]
    expected = list(LETTERS[: len(filled)])
    if filled != expected:
        raise BenchmarkError(f"{where}: option count mismatch: options must fill A, B, C, ... without gaps; "
                             f"filled columns are {', '.join(filled)}")
    return [str(rec[c]).strip() for c in filled]


def from_generic_mcq(rec: Record, where: str) -> Item:
    question = _text(rec, "question", where, "mcq")
    options = _generic_options(rec, where)
    declared = rec.get("num_options")
    if declared not in (None, "") and int(declared) != len(options):
        raise BenchmarkError(f"{where}: option count mismatch: num_options={declared} but {len(options)} options given")
    if rec.get("answer") not in (None, ""):
        gold = _letter(rec["answer"], len(options), where, "answer")
        if rec.get("answer_index") not in (None, "") and LETTERS[_index(rec["answer_index"], len(options), where, "answer_index")] != gold:
            raise BenchmarkError(f"{where}: answer {gold!r} and answer_index {rec['answer_index']} disagree")
    elif rec.get("answer_index") not in (None, ""):
        gold = LETTERS[_index(rec["answer_index"], len(options), where, "answer_index")]
    else:
        raise BenchmarkError(f"{where}: missing gold: give 'answer' (a letter) or 'answer_index' (0-based)")
    shuffle = str(rec.get("shuffle", "")).strip().lower() in ("1", "true", "yes")
    return Item(id=_id(rec, "id", question), question=question, options=tuple(options), gold=gold,
                domain=str(rec.get("domain") or "").strip(), kind="mcq", shuffle=shuffle,
                difficulty=_difficulty(rec.get("difficulty")), meta={"where": where})


def from_generic_open(rec: Record, where: str) -> Item:
    question = _text(rec, "question", where, "open")
    return Item(id=_id(rec, "id", question), question=question, gold=_text(rec, "answer", where, "open"),
                domain=str(rec.get("domain") or "").strip(), kind="open",
                difficulty=_difficulty(rec.get("difficulty")), meta={"where": where})


# Literal registry: layout name -> row converter.
LAYOUTS: dict[str, Callable[[Record, str], Item]] = {
    "gpqa": from_gpqa,
    "mmlu-pro": from_mmlu_pro,
    "supergpqa": from_supergpqa,
    "math500": from_math500,
    "arc": from_arc,
    "mcq": from_generic_mcq,
    "open": from_generic_open,
}


def detect_layout(rec: Record, source: str) -> str:
    """Name the layout of a file from the fields of its first row."""
    keys = set(rec)
    if "Correct Answer" in keys or "Incorrect Answer 1" in keys:
        return "gpqa"
    if "answer_letter" in keys and "discipline" in keys:
        return "supergpqa"
    if "options" in keys and "answer_index" in keys and "category" in keys:
        return "mmlu-pro"
    if "problem" in keys and "answer" in keys:
        return "math500"
    if "choices" in keys and "answerKey" in keys:
        return "arc"
    if "question" not in keys:
        raise BenchmarkError(f"{source}: row 1: unknown benchmark layout (columns: {', '.join(map(str, rec))}); "
                             f"see `naturalthoughts evaluate --help` for the accepted layouts")
    if "options" in keys or "A" in keys or "answer_index" in keys:
        return "mcq"
    answer = str(rec.get("answer", "")).strip()
    if len(answer) == 1 and answer.upper() in LETTERS:
        raise BenchmarkError(f"{source}: row 1: missing option columns: the gold answer {answer!r} is a letter, "
                             f"but there is no 'options' list and no A, B, C, ... columns")
    return "open"


def load_file(path: str | os.PathLike, layout: str | None = None) -> tuple[list[Item], dict[str, Any]]:
    """Load and check every row of a benchmark file (or ``hf://`` spec); ``layout`` None detects it.

    Returns ``(items, info)`` with ``info = {"source", "layout", "items", "gold_letters", "warnings"}``.
    """
    source = str(path)
    if layout is not None and layout not in LAYOUTS:
        raise BenchmarkError(f"unknown layout {layout!r}; choose one of: {', '.join(LAYOUTS)}")
    items: list[Item] = []
    convert: Callable[[Record, str], Item] | None = LAYOUTS[layout] if layout else None
    try:
        for line, rec in iter_records(path, RowSink("fail")):
            if convert is None:
                layout = detect_layout(rec, source)
                convert = LAYOUTS[layout]
            items.append(convert(rec, f"{source}:{line}"))
    except BadRowError as exc:
        raise BenchmarkError(str(exc)) from exc
    # Checked as presented under seed 0: GPQA's raw rows all have gold "A" until their options are shuffled.
    info = check_items([it.presented(0) for it in items], source)
    return items, {"source": source, "layout": layout, **info}
