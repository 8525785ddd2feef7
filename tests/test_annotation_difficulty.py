"""The ``difficulty`` annotator (issue 17): the proxy's ordering on constructed questions, the judge path through a
scripted backend, the schema columns, and its use as a filter by the ``strategies`` selection."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from annotation_fakes import ScriptedBackend

from naturalthoughts.core.schema import ANNOTATION_FIELDS
from naturalthoughts.stages.annotation import annotate
from naturalthoughts.stages.annotation.difficulty import _validate, difficulty_features, proxy_difficulty
from naturalthoughts.stages.annotation.judge import load_prompt, parse_reply
from naturalthoughts.stages.selection import select

EASY = "What is 2 + 3?"
HARD = ("A thermodynamically reversible Carnot engine operates between reservoirs whose temperatures fluctuate "
        "stochastically; derive the expected efficiency, discuss the entropy production of the irreversible "
        "variant, and explain under which approximations the Curzon-Ahlborn efficiency is recovered.")


def test_proxy_orders_easy_below_hard_and_stays_in_range():
    short_trace, long_trace = "2 + 3 = 5.", " ".join(["The entropy term changes sign here."] * 900)
    assert proxy_difficulty(EASY) <= 2 < proxy_difficulty(HARD)
    assert proxy_difficulty(EASY, short_trace) < proxy_difficulty(HARD, long_trace) <= 10
    # With a trace, longer thinking on the same question means a higher score (the demand signal).
    assert proxy_difficulty(HARD, short_trace) < proxy_difficulty(HARD, long_trace)
    for f in difficulty_features(HARD, long_trace).values():
        assert 0.0 <= f <= 1.0
    assert proxy_difficulty("") == 0


def test_judge_prompt_and_validator():
    prompt = load_prompt("judge-difficulty")
    assert prompt.ref == "judge-difficulty@1" and "{question}" in prompt.user
    assert parse_reply('{"difficulty": 7', _validate) == (7, None)  # prefill + reply cut at the stop "}"
    assert _validate({"difficulty": "4"}) == (4, None) and _validate({"difficulty": 10.0}) == (10, None)
    for bad in (11, -1, "hard", None, True, 3.5):
        assert _validate({"difficulty": bad})[0] is None


def _questions() -> pa.Table:
    return pa.table({"question": [EASY, HARD, "", None], "reasoning": ["5.", "Long thought. " * 300, "x", None]})


def test_annotator_columns_proxy_and_judge():
    assert [f.name for f in ANNOTATION_FIELDS["difficulty"]] == ["difficulty", "difficulty_method", "difficulty_error"]
    out, rep = annotate(_questions(), ["difficulty"], progress=False)
    scores = out.column("difficulty").to_pylist()
    assert scores[0] < scores[1] and scores[2:] == [None, None]
    assert out.column("difficulty_error").to_pylist() == [None, None, "empty_question", "empty_question"]
    assert rep["annotators"]["difficulty"]["method"] == "proxy"
    judge = ScriptedBackend(lambda req: "3" if EASY in req.messages[-1][1] else "8")  # replies continue the prefill
    out, rep = annotate(_questions(), ["difficulty"], judge=judge, cache=False, progress=False, difficulty_method="judge")
    assert out.column("difficulty").to_pylist() == [3, 8, None, None]
    assert out.column("difficulty_method").to_pylist() == ["judge"] * 4


def test_strategies_selection_filters_by_difficulty():
    k = np.full(100, 6)
    difficulty = np.r_[np.full(50, 2), np.full(50, 7)]
    pool = pa.table({"id": [f"q{i:03d}" for i in range(100)], "num_strategies": k, "num_steps": k,
                     "difficulty": difficulty})
    r = select(pool, "strategies", 50, seed=0, min_difficulty=5)
    assert set(pool.column("difficulty").take(pa.array(r.indices)).to_pylist()) == {7}
    assert r.stages[-1]["report"]["pool_below_min_difficulty"] == 50
    with pytest.raises(Exception, match="difficulty"):  # the column is required only when the filter is asked for
        select(pool.drop_columns(["difficulty"]), "strategies", 10, seed=0, min_difficulty=5)
    assert len(select(pool.drop_columns(["difficulty"]), "strategies", 10, seed=0).ids) == 10
