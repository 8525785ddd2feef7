"""Strategy detection (lexical), step counting and density, on hand-written traces with expected labels."""

from __future__ import annotations

import pyarrow as pa
import pytest

from naturalthoughts.annotation.lexical import LexicalDetector
from naturalthoughts.annotation.steps import count_steps
from naturalthoughts.annotation.strategies import StrategiesAnnotator, agreement_report
from naturalthoughts.annotation.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()

# One trace per strategy: each shows that strategy and, as far as possible, no other.
TRACES = {
    "self_verification": "2 + 3 = 5. Let me verify: 5 - 3 = 2, which checks out.",
    "backtracking": "The area is 12. No, wait, I made a mistake: the side is 4, so the area is 16.",
    "exploring_alternatives": "Use the quadratic formula. Alternatively, factor it as (x-1)(x-2).",
    "subgoal_setting": "First, compute the speed. Then, use it to get the time. Finally, convert to minutes.",
    "working_backwards": "Working backwards from the goal, the last move must leave 3 coins.",
    "analogy": "This is similar to the handshake problem, so the count is n(n-1)/2.",
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
    assert detector.detect("Hmm, THAT’S WRONG, the sum is 7.") == ("backtracking", "expressing_uncertainty")
    assert detector.detect("") == () and detector.detect(None) == ()


def test_engines_agree_on_a_long_mixed_trace():
    text = "\n\n".join(TRACES.values()) * 20
    a = LexicalDetector(TAXONOMY, engine="ahocorasick").detect(text)
    b = LexicalDetector(TAXONOMY, engine="regex").detect(text)
    assert a == b == TAXONOMY.names


def test_step_definition():
    assert count_steps("") == 0 and count_steps(None) == 0
    assert count_steps("One paragraph. Still the same step.") == 1
    assert count_steps("First paragraph.\n\nSecond paragraph.\n  \nThird.") == 3
    # Pivots inside a paragraph start new steps: "Wait", "So", "Alternatively".
    assert count_steps("x is 3. Wait, x is 4. So y is 8. Alternatively, y = 2x.") == 4
    # A pivot word that does not start a sentence is no pivot.
    assert count_steps("I think so too. It is now clear.") == 1


def _batch(texts):
    return pa.table({"reasoning": pa.array(texts, pa.string())})


def test_annotator_columns_density_and_explicit_nulls():
    a = StrategiesAnnotator()
    trace = TRACES["restating_problem"] + "\n\n" + TRACES["self_verification"] + "\n\n" + TRACES["backtracking"] + " So 16."
    out = a.annotate_batch(_batch([trace, "", None, "这是一个中文推理过程，没有英文提示词。" * 3, "x" * 400_000]), None)
    assert out["strategies"][0] == ["self_verification", "backtracking", "restating_problem"]
    assert out["num_strategies"][0] == 3 and out["num_steps"][0] == 4  # 3 paragraphs + the "So" pivot
    assert out["reasoning_density"][0] == pytest.approx(3 / 4)
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
