"""Strategy detection (lexical), step counting and density, on hand-written traces with expected labels."""

from __future__ import annotations

import pyarrow as pa
import pytest

from naturalthoughts.stages.annotation.lexical import LexicalDetector
from naturalthoughts.stages.annotation.steps import count_steps
from naturalthoughts.stages.annotation.strategies import StrategiesAnnotator, agreement_report
from naturalthoughts.stages.annotation.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()

# One trace per strategy: each shows that strategy and, as far as possible, no other.
TRACES = {
    "self_verification": "2 + 3 = 5. Let me verify: 5 - 3 = 2, which checks out.",
    "backtracking": "The area is 12. No, wait, I made a mistake: the side is 4, so the area is 16.",
    "exploring_alternatives": "Use the quadratic formula. Alternatively, factor it as (x-1)(x-2).",
    "subgoal_setting": "First, I need the speed. Once I have it, the time follows, and then the minutes.",
    "working_backwards": "Working backwards from the goal, the last move must leave 3 coins.",
    "analogy": "By analogy with the handshake problem, the count is n(n-1)/2.",
    "case_analysis": "Case 1: n is even, so n^2 is even. Case 2: n is odd, so n^2 is odd.",
    "estimation": "A ballpark figure: 300 days times 10 km is about 3,000 km, which seems reasonable.",
    "restating_problem": "The question asks how many apples remain once two are eaten.",
    "summarizing_progress": "So far we know x = 2 and y = 5. To summarize, x + y = 7.",
    "testing_examples": "Try small cases: n = 1 gives 1, n = 2 gives 4, n = 3 gives 9.",
    "recalling_knowledge": "Recall that the sum of the angles of a triangle is 180 degrees.",
    "expressing_uncertainty": "I'm not sure the rate is constant here, it might change over time.",
}


@pytest.mark.parametrize("engine", ["ahocorasick", "regex"])
@pytest.mark.parametrize("strategy", list(TRACES))
def test_each_strategy_is_detected_alone(strategy, engine):
    detector = LexicalDetector(TAXONOMY, engine=engine)
    assert detector.detect(TRACES[strategy]) == (strategy,)


def test_taxonomy_covers_the_issue_list_and_every_strategy_has_a_test_trace():
    for name in ("self_verification", "backtracking", "exploring_alternatives", "subgoal_setting", "working_backwards",
                 "analogy", "case_analysis", "estimation", "restating_problem", "summarizing_progress"):
        assert name in TAXONOMY.names
    assert set(TRACES) == set(TAXONOMY.names)
    assert all(s.definition and s.cues for s in TAXONOMY.strategies)


def test_whole_phrase_rule_and_case_and_apostrophes():
    detector = LexicalDetector(TAXONOMY)
    assert detector.detect("The checkpoint was rechecked.") == ()  # "check" inside words does not fire
    # "Hmm" alone is no longer a cue (taxonomy v2): R1-style traces say it in nearly every paragraph.
    assert detector.detect("Hmm, THAT’S WRONG, the sum is 7.") == ("backtracking",)
    assert detector.detect("") == () and detector.detect(None) == ()


def test_engines_agree_on_a_long_mixed_trace():
    text = "\n\n".join(TRACES.values()) * 20
    a = LexicalDetector(TAXONOMY, engine="ahocorasick").detect(text)
    b = LexicalDetector(TAXONOMY, engine="regex").detect(text)
    assert a == b == TAXONOMY.names


def test_step_definition():
    """A step advances the solution: new content, not a paragraph break or a hesitation (steps.py)."""
    assert count_steps("") == 0 and count_steps(None) == 0
    assert count_steps("One paragraph. Still the same step.") == 1  # any non-empty trace has at least one step
    three = ("The train covers 120 kilometres in two hours, so its speed is 60 kilometres per hour.\n\n"
             "The second leg covers 90 kilometres at that speed, which takes one and a half hours.\n\n"
             "Adding both legs gives three and a half hours of total travelling time.")
    assert count_steps(three) == 3
    # A paragraph break alone is not a step, and neither is a hesitation or a paragraph that repeats old ground.
    assert count_steps(three + "\n\nHmm, let me think.\n\n"
                       "The train covers 120 kilometres in two hours, so the speed is 60 kilometres per hour.") == 3
    # One long block is cut at pivot sentences, so a trace without blank lines still has several steps.
    block = three.replace("\n\n", " Next, ")
    assert count_steps(block) == 1 < count_steps(block.replace(" Next, ", " " + " ".join(["Fine."] * 6) + " Next, "))


def _batch(texts):
    return pa.table({"reasoning": pa.array(texts, pa.string())})


def test_annotator_columns_density_and_explicit_nulls():
    a = StrategiesAnnotator()
    trace = TRACES["restating_problem"] + "\n\n" + TRACES["self_verification"] + "\n\n" + TRACES["backtracking"] + " So 16."
    out = a.annotate_batch(_batch([trace, "", None, "这是一个中文推理过程，没有英文提示词。" * 3, "x" * 400_000]), None)
    assert out["strategies"][0] == ["self_verification", "backtracking", "restating_problem"]
    assert out["num_strategies"][0] == 3 and out["num_steps"][0] == 3  # 3 paragraphs, each with new content
    assert out["reasoning_density"][0] == pytest.approx(1.0)
    assert out["strategies_error"][:4] == [None, "empty_reasoning", "no_reasoning", "non_english_text"]
    assert out["strategies"][1] is None and out["num_steps"][2] is None
    assert out["strategies"][4] == [] and out["num_strategies"][4] == 0  # a 100k-token trace: handled, no cue
    assert set(out["strategies_method"]) == {"lexical"}
    assert a.errors == {"empty_reasoning": 1, "no_reasoning": 1, "non_english_text": 1}


def test_agreement_report_counts_and_kappa():
    rep = agreement_report({"s": [3, 1, 0, 6], "never": [0, 0, 0, 0]})
    assert rep["s"]["rows"] == 10 and rep["s"]["agreement"] == 0.9
    assert rep["s"]["kappa"] == pytest.approx(0.7826, abs=1e-3)
    assert "never" not in rep


def test_unknown_method_and_option_fail_early():
    with pytest.raises(ValueError, match="method must be one of"):
        StrategiesAnnotator(method="magic")
    with pytest.raises(ValueError, match="unknown option"):
        StrategiesAnnotator(methd="lexical")
