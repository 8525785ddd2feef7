"""Verbosity extremes, length counting, and every agreement case of the disagreement annotator."""

from __future__ import annotations

import pyarrow as pa
import pytest
from annotation_fakes import ScriptedBackend

from naturalthoughts.core.modes import NO_THINK_INSTRUCTION
from naturalthoughts.llm.backends.base import BackendSpec
from naturalthoughts.llm.backends.fake import FakeBackend
from naturalthoughts.stages.annotation import AnnotationError, annotate
from naturalthoughts.stages.annotation.answers import (
    as_number,
    choice_letter,
    compare_answers,
    final_answer,
    math_equal,
)
from naturalthoughts.stages.annotation.verbosity import heuristic_verbosity, verbosity_features

EFFICIENT = ("We need x with 2x + 3 = 11. Subtract 3 from both sides: 2x = 8. Divide by 2: x = 4. "
             "Check: 2*4 + 3 = 11. So x = 4.")
RAMBLING = ("Wait, maybe the answer is 5. Hmm, let me think again. Actually, maybe it is 4. "
            "Wait, maybe the answer is 5. Hmm, I'm not sure. Let me think again.\n") * 40
MODERATE = "\n\n".join(
    f"Step {i}: the term {i} contributes {i * i} to the sum, giving a running total of {sum(k * k for k in range(i + 1))}."
    for i in range(1, 30)) + "\n\nWait, let me re-check step 3: 9 is right. Hmm, so the total stands."


def test_verbosity_extremes_and_ordering():
    assert heuristic_verbosity(EFFICIENT) <= 1
    assert heuristic_verbosity(RAMBLING) >= 9
    assert heuristic_verbosity(EFFICIENT) < heuristic_verbosity(MODERATE) < heuristic_verbosity(RAMBLING)
    f = verbosity_features(RAMBLING)
    assert f["repetition"] == 1.0 and f["restarts"] == 1.0 and f["compressibility"] > 0.9


def test_verbosity_annotator_nulls_with_reasons():
    t = pa.table({"reasoning": [EFFICIENT, RAMBLING, "", None, "一二三四五。" * 20000]})
    out, rep = annotate(t, ["verbosity"], progress=False)
    v = out.column("verbosity").to_pylist()
    assert v[0] <= 1 and v[1] >= 9 and v[2] is None and v[3] is None and 0 <= v[4] <= 10
    assert out.column("verbosity_error").to_pylist() == [None, None, "empty_reasoning", "no_reasoning", None]
    assert sum(rep["annotators"]["verbosity"]["histogram"].values()) == 3


def test_length_counts_with_named_tokenizer_and_fallback():
    t = pa.table({
        "reasoning": ["Hello world, this is reasoning.", "", None],
        "response": ["Answer: 4", "x", "y"],
        "teacher_model": ["llamacpp:smollm2-135m", "openai:deepseek-reasoner", None],
    })
    # a teacher whose tokenizer cannot load is an error naming it and the way out, not a silent stand-in
    with pytest.raises(AnnotationError, match=r"teacher 'openai:deepseek-reasoner'.*--tokenizer NAME.*length_fallback"):
        annotate(t, ["length"], progress=False)
    out, rep = annotate(t, ["length"], progress=False, length_fallback="smollm2-135m")
    rows = out.to_pylist()
    assert rows[0]["reasoning_words"] == 5 and 5 <= rows[0]["reasoning_tokens"] <= 10
    assert rows[1]["reasoning_tokens"] == 0 and rows[2]["reasoning_tokens"] is None
    assert [r["length_tokenizer"] for r in rows] == ["smollm2-135m"] * 3  # the stand-in, recorded per row
    assert rep["annotators"]["length"]["fallback_for_teachers"] == ["None", "openai:deepseek-reasoner"]


# ------------------------------------------------------------------------------------------ agreement
@pytest.mark.parametrize("a,b,options,expected", [
    ("After some work, the answer is (B).", "B", 4, (True, "choice")),
    ("Answer: C", "The answer is D.", 4, (False, "choice")),
    ("So the total is \\boxed{1,200}.", "1200", 0, (True, "numeric")),
    ("The answer is 50%", "0.5", 0, (True, "numeric")),
    ("The answer is 3/4", "0.7", 0, (False, "numeric")),
    ("The answer is Paris.", "paris", 0, (True, "exact")),
    ("Therefore \\boxed{\\frac{1}{2}}", "The answer is $0.5$", 0, (True, "math_verify")),
    ("Therefore \\boxed{\\frac{\\sqrt{2}}{2}}", "\\boxed{\\frac{1}{\\sqrt{2}}}", 0, (True, "math_verify")),
    ("Therefore \\boxed{x^2 + 1}", "\\boxed{x^2 - 1}", 0, (False, "math_verify")),
    ("The answer is Paris.", "The capital of France is Paris.", 0, (True, "contains")),
    ("The answer is Paris.", "London", 0, (None, None)),  # free text: left to the judge
])
def test_compare_answers_cases(a, b, options, expected):
    agree, method, _ = compare_answers(a, b, n_options=options)
    assert (agree, method) == expected


def test_answer_helpers():
    assert final_answer("long text " * 20 + "so the final answer is 42.\nThanks") == "42"  # sentence period dropped
    assert final_answer("blah " * 30) is None and final_answer("Paris") == "Paris"
    assert choice_letter("I pick (E) because...", 4) is None and choice_letter("Answer: E", 5) == "E"
    assert as_number("1,234.5") == 1234.5 and as_number("abc") is None
    assert math_equal("x+1", "1+x") is True


def _dis_table():
    return pa.table({
        "question": ["Which is a prime? A. 4 B. 7", "What is 6*7?", "Capital of France?", "Capital of Italy?",
                     "Explain why the sky is blue.", "Empty one"],
        "options": [["4", "7"], None, None, None, None, None],
        "answer": ["B", None, None, None, None, None],
        "reference_answer": [None, "42", "Paris", "Rome", "Rayleigh scattering of sunlight by air molecules, stronger for short wavelengths", None],
        "response": ["The answer is B.", "6*7 = \\boxed{42}", "The answer is Paris.", "The answer is Milan.",
                     "Because of Rayleigh scattering.", ""],
    })


SECOND_ANSWERS = {"prime": "Answer: B", "6*7": "41", "France": "paris", "Italy": "Rome",
                  "sky": "Because blue light scatters more.", "Empty": "whatever"}


def _second(req):
    assert req.messages[-1][1].endswith(NO_THINK_INSTRUCTION) and req.assistant_prefix == ""
    return next(v for k, v in SECOND_ANSWERS.items() if k in req.messages[-1][1])


def _judge(req):
    text = req.messages[1][1]
    if "sky" in text:
        return '{"agree": true, "rationale": "both attribute it to scattering"}'
    return '{"agree": false, "rationale": "different"}'


def test_disagreement_every_case_with_judge():
    out, rep = annotate(_dis_table(), ["disagreement"], judge=ScriptedBackend(_judge, "j"),
                        second=ScriptedBackend(_second, "s"), cache=False, progress=False)
    rows = out.to_pylist()
    assert [r["second_answer"] for r in rows] == list(SECOND_ANSWERS.values())
    assert [r["agree"] for r in rows] == [True, False, True, False, True, None]
    assert [r["agree_method"] for r in rows] == ["choice", "numeric", "exact", "judge", "judge", None]
    assert rows[4]["agree_rationale"] == "both attribute it to scattering"
    # Reference: gold letter; number; short answer exact; short answer mismatch; long reference -> judge.
    assert [r["reference_agree"] for r in rows] == [True, True, True, False, True, None]
    assert rows[5]["disagreement_error"] == "empty_response"
    rep = rep["annotators"]["disagreement"]
    assert rep["agree_methods"] == {"choice": 1, "numeric": 1, "exact": 1, "judge": 2}
    assert rep["prompt"] == "judge-agreement@1"


def test_disagreement_without_judge_marks_undecided_rows():
    out, _ = annotate(_dis_table(), ["disagreement"], second=ScriptedBackend(_second, "s"), cache=False, progress=False)
    rows = out.to_pylist()
    assert [r["agree"] for r in rows][:3] == [True, False, True]
    assert rows[3]["agree"] is None and rows[3]["disagreement_error"] == "needs_judge"
    assert rows[4]["disagreement_error"] == "needs_judge; reference_needs_judge"


def test_disagreement_from_an_existing_column_and_with_the_fake_backend():
    t = _dis_table().append_column("llama_response", pa.array(list(SECOND_ANSWERS.values())))
    out, _ = annotate(t, ["disagreement"], cache=False, progress=False, disagreement_second_column="llama_response")
    assert out.column("agree").to_pylist()[:3] == [True, False, True]
    fake = FakeBackend(BackendSpec(backend="fake", model="second", options={"think": False, "answer": "B"}))
    out, _ = annotate(t.slice(0, 1), ["disagreement"], second=fake, cache=False, progress=False)
    assert out.column("second_answer").to_pylist() == ["Answer: B"] and out.column("agree").to_pylist() == [True]


def test_disagreement_needs_a_second_model_before_any_work():
    from naturalthoughts.stages.annotation import AnnotationError

    with pytest.raises(AnnotationError, match="needs a second model"):
        annotate(_dis_table(), ["disagreement"], cache=False, progress=False)
