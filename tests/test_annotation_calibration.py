"""Issue 17: the calibration set, the re-tuned lexical rules, and the verbosity map, each on constructed traces.

The agreement numbers themselves need the labelled traces' text, which the package does not ship (the source
repository states no licence); ``test_agreement_with_the_labels`` runs when a snapshot of the source is found
(``NATURALTHOUGHTS_CALIBRATION_SOURCE``, else the fetch mirror path) and is skipped otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from naturalthoughts.stages.annotation.calibration import (
    distribution_checks,
    load_labels,
    spearman,
    strategy_agreement,
)
from naturalthoughts.stages.annotation.lexical import LexicalDetector
from naturalthoughts.stages.annotation.taxonomy import load_taxonomy
from naturalthoughts.stages.annotation.verbosity import heuristic_verbosity, raw_verbosity, verbosity_map

TAXONOMY = load_taxonomy()
ENGINES = ["ahocorasick", "regex"]


# ---------------------------------------------------------------------------------------------- the set
def test_calibration_set_is_large_enough_and_labels_are_valid():
    records = load_labels()
    assert len(records) >= 60 and len({r.id for r in records}) == len(records)
    assert {r.split for r in records} == {"tune", "holdout"}
    assert sum(r.split == "holdout" for r in records) >= 20
    for r in records:
        assert set(r.strategies) <= set(TAXONOMY.names) and r.strategies  # taxonomy names, taxonomy order
        assert list(r.strategies) == [n for n in TAXONOMY.names if n in r.strategies]
        assert r.num_steps >= 1 and 0 <= r.verbosity <= 10 and 0 <= r.difficulty <= 10
        assert r.question_source and {"path", "index"} <= set(r.question_source)
        assert {"repo", "commit", "path", "index", "field", "sha256"} <= set(r.source) and len(r.source["sha256"]) == 64
    # The labels themselves meet the spread the issue asks of the annotators.
    checks = distribution_checks([len(r.strategies) for r in records], [r.num_steps for r in records],
                                 [r.verbosity for r in records])
    assert checks["verbosity_distinct"] >= 5 and checks["verbosity_max_share"] <= 0.4
    assert 0.25 <= checks["share_in_band"] <= 0.75


def test_metric_helpers():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))
    agreement = strategy_agreement([("a",), ("a", "b"), ()], [("a",), ("b",), ("b",)], ["a", "b"])
    assert agreement["a"] == {"labelled": 2, "predicted": 1, "precision": 1.0, "recall": 0.5}
    assert agreement["b"] == {"labelled": 1, "predicted": 2, "precision": 0.5, "recall": 1.0}
    checks = distribution_checks([5, 3, 9, 6], [4, 4, 4, 8], [0, 5, 5, 10])
    assert checks["share_in_band"] == 0.5 and checks["share_low_density"] == 0.5
    assert checks["verbosity_distinct"] == 3 and checks["verbosity_max_share"] == 0.5


# ------------------------------------------------------------------------------------- lexical rules
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text, strategy", [
    ("Wait, no, the side is 4.", "backtracking"),
    ("Hmm, that doesn't seem right, the area should be larger.", "backtracking"),
    ("Let me double-check the sum before moving on.", "self_verification"),
    ("Let me make sure the units agree.", "self_verification"),
    ("Another angle: count the complement instead.", "exploring_alternatives"),
    ("There are two possibilities: the number is even or odd.", "case_analysis"),
    ("I remember the ideal gas law relates pressure and volume.", "recalling_knowledge"),
    ("I'm a bit confused about which axis is meant.", "expressing_uncertainty"),
    ("Let me read it again: the man rode in on Friday.", "restating_problem"),
    ("Putting that together, the pressure rises with temperature.", "summarizing_progress"),
])
def test_cues_for_how_reasoning_models_write(text, strategy, engine):
    assert strategy in LexicalDetector(TAXONOMY, engine=engine).detect(text)


@pytest.mark.parametrize("engine", ENGINES)
def test_generic_openers_no_longer_fire(engine):
    detector = LexicalDetector(TAXONOMY, engine=engine)
    # Every R1 trace says these; none of them is a strategy on its own.
    assert detector.detect("Hmm. First, the speed is 60. Then, for example, the time is 2 hours. That makes sense.") == ()
    assert detector.detect("This analogy compares a seed to a plant.") == ()  # the question's word, not the move


@pytest.mark.parametrize("engine", ENGINES)
def test_negated_cues_are_skipped(engine):
    detector = LexicalDetector(TAXONOMY, engine=engine)
    assert detector.detect("I don't need to double-check this one.") == ()
    assert detector.detect("We can answer without checking each case.") == ()
    assert detector.detect("There is no need to verify that.") == ()
    assert detector.detect("Now let me double-check this one.") == ("self_verification",)


@pytest.mark.parametrize("engine", ENGINES)
def test_quoted_cues_are_skipped(engine):
    detector = LexicalDetector(TAXONOMY, engine=engine)
    assert detector.detect('The riddle: "Alternatively, what gets bigger when you take away from it?"') == ()
    assert detector.detect("It reads \u201cLet me double-check the sum\u201d on the card.") == ()
    # Outside the quotes the same cue fires; an unclosed quote does not swallow the rest of the trace.
    assert detector.detect('It says "x". Alternatively, use y.') == ("exploring_alternatives",)
    assert detector.detect('A 5" pipe. Alternatively, a 6 inch one.') == ("exploring_alternatives",)


# ------------------------------------------------------------------------------------------ verbosity
def test_verbosity_map_is_monotone_and_spans_the_scale():
    raw, score = verbosity_map()
    assert list(raw) == sorted(raw) and list(score) == sorted(score)
    assert score[0] <= 1 and score[-1] >= 9


def _graded_traces() -> list[str]:
    # A terse trace that never repeats itself (random words do not compress), then more and more looping.
    rng = np.random.default_rng(0)
    words = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=rng.integers(3, 9))) for _ in range(600)]
    terse = " ".join(" ".join(words[i:i + 10]).capitalize() + "." for i in range(0, 600, 10))
    loop = "Wait, maybe it is the months. Hmm, let me think again. Actually, I am not sure."
    return [terse + " " + " ".join([loop] * repeats) for repeats in (0, 1, 2, 3, 4, 5, 6, 8, 12)]


def test_verbosity_rises_with_rambling_and_uses_the_whole_scale():
    traces = _graded_traces()
    raws = [raw_verbosity(t) for t in traces]
    scores = [heuristic_verbosity(t) for t in traces]
    assert raws == sorted(raws) and scores == sorted(scores)
    assert scores[0] <= 1 and scores[-1] >= 9 and len(set(scores)) >= 5
    assert all(isinstance(s, int) and 0 <= s <= 10 for s in scores)


# ------------------------------------------------------------------------- agreement with the labels
def test_agreement_on_the_project_written_traces():
    """Runs everywhere (texts included); a regression fixture written knowing the cues, not an evaluation."""
    from naturalthoughts.stages.annotation.calibration import PROJECT_WRITTEN, default_annotate, evaluate, load_texts

    records = load_labels(PROJECT_WRITTEN)
    assert len(records) == 12 and all(r.text for r in records)
    annotate, names = default_annotate()
    report = evaluate(records, load_texts(records), annotate, names)
    assert report["spearman_num_strategies"] >= 0.6 and report["mean_abs_error_num_strategies"] <= 0.5
    assert report["spearman_num_steps"] >= 0.6 and report["spearman_verbosity"] >= 0.6


def _source_dir() -> Path | None:
    candidates = [os.environ.get("NATURALTHOUGHTS_CALIBRATION_SOURCE", ""),
                  "/work/.mirror/cvenhoff+steering-thinking-llms/repo"]
    return next((Path(c) for c in candidates if c and Path(c).exists()), None)


def test_agreement_with_the_labels():
    """The issue's targets, on the holdout split (not used for tuning) and on all 64 traces."""
    source = _source_dir()
    if source is None:
        pytest.skip("no snapshot of cvenhoff/steering-thinking-llms (set NATURALTHOUGHTS_CALIBRATION_SOURCE)")
    from naturalthoughts.stages.annotation.calibration import default_annotate, evaluate, load_texts

    records = load_labels()
    texts = load_texts(records, source)
    annotate, names = default_annotate()
    for split in ("holdout", "all"):
        rows = [r for r in records if split == "all" or r.split == split]
        report = evaluate(rows, texts, annotate, names)
        assert report["spearman_num_strategies"] >= 0.7
        assert report["spearman_num_steps"] >= 0.7
        assert report["spearman_verbosity"] >= 0.6
        assert 0.25 <= report["predicted"]["share_in_band"] <= 0.75
        assert report["predicted"]["verbosity_distinct"] >= 5
    from naturalthoughts.stages.annotation.calibration import evaluate_difficulty, load_questions

    questions = load_questions(records, source)
    assert questions["svtl-qwen-32b-q00"] == "What's the probability of getting no pairs when dealt 5 cards?"
    assert evaluate_difficulty(records, texts, questions)["all"]["spearman_with_trace"] >= 0.5
