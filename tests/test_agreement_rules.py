"""Agreement by containment: a short answer inside a sentence agrees, unless the sentence negates, hedges, offers
an alternative to or widens it (issue: "no" vs "Yes, there is no evidence" used to count as agreeing)."""

from __future__ import annotations

import pytest

from naturalthoughts.stages.annotation.answers import compare_answers

# (answer a, answer b, expected agree) — None: undecided, left to the judge (or a mismatch with exact_decides)
NEGATIVE = [
    ("no", "Yes, there is no evidence", None),
    ("not Paris", "Paris", None),
    ("Paris", "It is not Paris", None),
    ("2", "between 2 and 3", None),
    ("Paris", "Paris or Lyon", None),
    ("Paris", "probably Paris", None),
    ("Paris", "maybe Paris, maybe Lyon", None),
    ("oxygen", "oxygen is not the limiting reagent", None),
    ("yes", "it isn't yes", None),
    ("mitochondria", "anything except mitochondria", None),
    ("photosynthesis", "photosynthesis cannot explain it", None),
    ("copper", "roughly copper", None),
]
POSITIVE = [
    ("Paris", "The capital of France is Paris", True),
    ("photosynthesis", "It is photosynthesis in the leaves", True),
    ("oxygen", "The limiting reagent is oxygen", True),
    ("supply and demand", "It follows from supply and demand", True),
    ("Newton's second law", "By Newton's second law, the force doubles", True),
    ("yes", "Yes, the series converges", True),
    ("no", "No, the function is discontinuous at 0", True),
]


@pytest.mark.parametrize("a, b, expected", NEGATIVE + POSITIVE)
def test_containment_table(a, b, expected):
    agree, method, why = compare_answers(a, b)
    assert agree is expected, why
    assert method == ("contains" if expected else None)


@pytest.mark.parametrize("a, b, _", NEGATIVE)
def test_with_exact_decides_a_blocked_containment_is_a_mismatch(a, b, _):
    agree, method, _why = compare_answers(a, b, exact_decides=True)
    assert agree is False and method in ("exact", "math_verify")
