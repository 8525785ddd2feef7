"""Answer extraction on a table of hand-written outputs: every rule and every known trap, with expected results."""

from __future__ import annotations

import pytest

from naturalthoughts.llm.extract import extract_answer

OPT4 = ("42", "17", "linear map", "undefined")
OPT10 = tuple(f"option {i}" for i in range(10))

# (output, options, prefilled_think, expected answer, expected rule)
MCQ_CASES = [
    # --- explicit "Answer: X"
    ("Answer: D", OPT4, False, "D", "answer_label"),
    ("The result follows.\nAnswer: B", OPT4, False, "B", "answer_label"),
    ("**Answer:** C", OPT4, False, "C", "answer_label"),
    ("**Answer: C**", OPT4, False, "C", "answer_label"),
    ("Final answer: A", OPT4, False, "A", "answer_label"),
    ("Answer: (B)", OPT4, False, "B", "answer_label"),
    ("Answer: [B]", OPT4, False, "B", "answer_label"),
    ("Answer: C.", OPT4, False, "C", "answer_label"),
    ("Answer: C!", OPT4, False, "C", "answer_label"),
    ("answer: c", OPT4, False, "C", "answer_label"),  # lowercase letter standing alone
    ("ANSWER: d", OPT4, False, "D", "answer_label"),
    ("Answer: (b)", OPT4, False, "B", "answer_label"),
    ("Answer: C) linear map", OPT4, False, "C", "answer_label"),
    ("Answer: C - linear map", OPT4, False, "C", "answer_label"),
    ("Answer: B 17", OPT4, False, "B", "answer_label"),  # letter followed by its own option text
    ("Answer: C because the map is linear", OPT4, False, "C", "answer_label"),
    ("Answer: $C$", OPT4, False, "C", "answer_label"),
    ("Answer: `B`", OPT4, False, "B", "answer_label"),
    ("Answer:\n\nB", OPT4, False, "B", "answer_label"),  # the answer on the next line
    ("Correct answer: A", OPT4, False, "A", "answer_label"),
    ("Answer: Option B", OPT4, False, "B", "answer_label"),
    ("Answer: J", OPT10, False, "J", "answer_label"),  # ten options: J is valid
    ("Answer: A\nOn reflection, Answer: B", OPT4, False, "B", "answer_label"),  # the last explicit answer wins
    # --- "the answer is (X)"
    ("The answer is (B).", OPT4, False, "B", "answer_is"),
    ("So the answer is C", OPT4, False, "C", "answer_is"),
    ("Therefore the correct option is D.", OPT4, False, "D", "answer_is"),
    ("The final answer is: A", OPT4, False, "A", "answer_is"),
    ("the answer is (c).", OPT4, False, "C", "answer_is"),
    ("I think the answer would be B.", OPT4, False, "B", "answer_is"),
    ("The answer is 42.", OPT4, False, "A", "answer_is+text"),  # option text instead of the letter
    ("Answer: linear map", OPT4, False, "C", "answer_label+text"),
    # --- \boxed{X}
    (r"\boxed{B}", OPT4, False, "B", "boxed"),
    (r"The answer is $\boxed{C}$.", OPT4, False, "C", "boxed"),  # boxed comes after the marker: boxed wins
    (r"$\boxed{\text{D}}$", OPT4, False, "D", "boxed"),
    (r"\boxed{\textbf{A}}", OPT4, False, "A", "boxed"),
    (r"\boxed{(B)}", OPT4, False, "B", "boxed"),
    (r"\boxed{B) 17}", OPT4, False, "B", "boxed"),
    (r"\boxed{17}", OPT4, False, "B", "boxed+text"),  # the boxed option text
    ((r"Answer: A" "\n" r"Double-checking: \boxed{C}"), OPT4, False, "C", "boxed"),  # last explicit wins
    # --- traps: LaTeX letters, boxed expressions
    ("Energy is $\\boxed{E = mc^2}$.\nAnswer: D", OPT4, False, "D", "answer_label"),  # NeMo-Skills#1526
    ("Answer: D\nwhere $\\boxed{E = mc^2}$ is used", OPT4, False, "D", "answer_label"),  # boxed expr is no letter
    ("We have $x = \\frac{A}{B}$, so Answer: B", OPT4, False, "B", "answer_label"),
    (r"\boxed{x^2 + 1}", OPT4, False, None, "none"),
    ("Let $A$ be the matrix and $B$ its inverse. Then $AB = I$.", OPT4, False, None, "none"),
    ("Answer: A linear map", OPT4, False, "C", "option_text"),  # English "A", not a letter: option C's text
    ("Answer: A bilinear form", OPT4, False, None, "none"),  # English "A", and no option's text
    ("Answer: I think it is hard", OPT4, False, None, "none"),
    ("Answer: Cu", OPT4, False, None, "none"),  # chemical symbol, not a letter
    ("Answer: x^2", OPT4, False, None, "none"),
    # --- traps: multiple letters, out of range
    ("Answer: A and C", OPT4, False, None, "multiple_letters"),
    ("Answer: B, D", OPT4, False, None, "multiple_letters"),
    ("The answer is B or C.", OPT4, False, None, "multiple_letters"),
    ("Answer: A/B", OPT4, False, None, "multiple_letters"),
    ("Answer: F", OPT4, False, None, "letter_out_of_range"),
    # A letter past J followed by a word (seen from SmolLM2) once crashed the option-text check.
    ("Answer: K is the one", OPT4, False, None, "letter_out_of_range"),
    (r"\boxed{H}", OPT4, False, None, "letter_out_of_range"),
    ("Answer: B, because 17 is prime", OPT4, False, "B", "answer_label"),  # a comma and words, not a letter list
    # --- fallbacks
    ("After checking each option:\nB", OPT4, False, "B", "letter_line"),
    ("Working...\n(C)", OPT4, False, "C", "letter_line"),
    ("**D**", OPT4, False, "D", "letter_line"),
    ("A) 42", OPT4, False, "A", "letter_line"),
    ("Comparing the two, I go with (C).", OPT4, False, "C", "answer_statement"),  # "I go with X" is stated
    ("Comparing the two, the better fit is (C).", OPT4, False, "C", "final_paren"),
    ("17", OPT4, False, "B", "option_text"),
    ("The best description is a linear map", OPT4, False, "C", "option_text"),
    ("Z", OPT4, False, None, "letter_out_of_range"),
    ("I do not know.", OPT4, False, None, "none"),
    # --- think blocks
    ("<think>A looks right... Answer: A</think>\nAnswer: C", OPT4, False, "C", "answer_label"),  # reasoning stripped
    ("<think>Maybe the answer is B. Answer: B", OPT4, False, None, "unclosed_think"),  # never graded from reasoning
    ("The answer is probably B, let me check", OPT4, True, None, "unclosed_think"),  # forced <think>, no close
    ("Checking: B fits.\n</think>\n\nAnswer: B", OPT4, True, "B", "answer_label"),
    ("<think>\nreasoning\n</think>\n\n", OPT4, False, None, "empty"),
    ("", OPT4, False, None, "empty"),
    ("   \n  ", OPT4, False, None, "empty"),
    ("<think></think>Answer: A", OPT4, False, "A", "answer_label"),
    # --- issue 16: other marker phrasings, bold labels, quotes, statements without a marker, option lists
    ("**Answer**: C", OPT4, False, "C", "answer_label"),  # the colon outside the bold
    ("**Final Answer**: B", OPT4, False, "B", "answer_label"),
    ("### Final Answer\n**D**", OPT4, False, "D", "answer_label"),  # a heading, the answer below it
    ("Answer — D", OPT4, False, "D", "answer_label"),
    ("#### C", OPT4, False, "C", "answer_label"),
    ("The final answer to this question is: C.", OPT4, False, "C", "answer_is"),
    ("The answer is for sure D, it can't be A or B", OPT4, False, "D", "answer_is"),
    ("Answer: 'C'", OPT4, False, "C", "answer_label"),
    ('The answer is "B".', OPT4, False, "B", "answer_is"),
    ("Answer: I", OPT10, False, "I", "answer_label"),  # alone after a marker, I is the letter
    ("C is the correct answer.", OPT4, False, "C", "answer_statement"),
    ("Option B is correct.", OPT4, False, "B", "answer_statement"),
    ("The others fail.\nHence, (D) is the only consistent choice.", OPT4, False, "D", "answer_statement"),
    ("All things considered, I'd go with **C**.", OPT4, False, "C", "answer_statement"),
    ("The energy is 70 J, which corresponds to option G.", OPT10, False, "G", "answer_statement"),
    ("The answer is B, since statement i is true.", OPT4, False, "B", "answer_is"),  # "i" names no option
    ("I pick (E) because it fits", OPT4, False, None, "none"),  # a statement out of range is no answer
    ("Reasoning about the map...\nC. linear map", OPT4, False, "C", "letter_line"),  # a line "X. <text>"
    ("D. it can't be A or B", OPT4, False, "D", "letter_line"),
    ("Let's look at each option:\nA. 42\nB. 17\nC. linear map\nD. undefined", OPT4, False, None, "listed_options"),
    ("A) 42 - too small\nB) 17 - prime\nC)", OPT4, False, None, "listed_options"),  # truncated mid-list
    ("Let me consider (A) first. It fails. Then (B)", OPT4, False, None, "none"),  # cut off while going through
    ("B。不是 A", OPT4, False, "B", "letter_line"),
    ("A. 42 - no\nB. 17 - no\nC. linear map - yes\n\n(C)", OPT4, False, "C", "letter_line"),  # a list, then the pick
]


@pytest.mark.parametrize("text, options, prefilled, answer, rule", MCQ_CASES, ids=[f"mcq{i}" for i in range(len(MCQ_CASES))])
def test_mcq_extraction(text, options, prefilled, answer, rule):
    got = extract_answer(text, kind="mcq", options=options, prefilled_think=prefilled)
    assert (got.answer, got.rule) == (answer, rule)


# (output, expected answer, expected rule)
OPEN_CASES = [
    (r"So the area is $\boxed{12}$.", "12", "boxed"),
    (r"\boxed{\frac{1}{2}}", r"\frac{1}{2}", "boxed"),
    (r"\boxed{\left( 3, \frac{\pi}{2} \right)}", r"\left( 3, \frac{\pi}{2} \right)", "boxed"),  # nested braces
    ("Answer: 7", "7", "answer_label"),
    ("The answer is 3/4.", "3/4", "answer_is"),
    (r"First \boxed{3}, but correcting: \boxed{5}", "5", "boxed"),
    ("We get 12 apples, then 15 apples in total.", "15", "last_number"),
    ("It costs 1,250 dollars", "1250", "last_number"),
    ("<think>the answer is 4", None, "unclosed_think"),
    ("no numbers here", None, "none"),
    # --- issue 16: the answer span, not the last number
    (r"Simplifying, we get $\frac{3}{4}$", r"\frac{3}{4}", "math_span"),  # not "4"
    ("The solution set is $[2, 5]$", "[2, 5]", "math_span"),  # not "5"
    ("We have $a = 3$ and $b = 4$, so the hypotenuse is 5.", "5", "last_number"),  # prose after the math
    ("7,425,000", "7,425,000", "short_answer"),
    ("The answer is **42**.", "42", "answer_is"),
    ("Answer: 12 because the two triangles are congruent.", "12", "answer_label"),
    ("Final answer: $x = 3$. We can verify this: $2 \\cdot 3 + 1 = 7$.", "x = 3", "answer_label"),
    ("Final Answer: The final answer is $\\frac{2}{3}$. I hope it is correct.", "\\frac{2}{3}", "answer_is"),
    ("Final Answer: The largest $n$ is 34.", "34", "answer_label"),
    ("**Final Answer**: $\\frac{5}{6}$", "\\frac{5}{6}", "answer_label"),
    ("Natalia sold 48/2 = 24 clips in May.\n#### 72", "72", "answer_label"),
    (r"The solutions are $\boxed{2}$ and $\boxed{3}$.", "2, 3", "boxed_set"),
    (r"So $x = \boxed{-1}$ or $x = \boxed{4}$.", "-1, 4", "boxed_set"),
    (r"\boxed{004}. So \boxed{004} is correct.", "004", "boxed"),  # boxes apart are a restatement, not a set
    ("AZYUK2A", None, "none"),  # a digit inside a word is no number
    ("#### Step 2: expand\nWe get $x^2+1$", "x^2+1", "math_span"),  # a markdown heading is no GSM8K answer
    ("The best option is to substitute. Then $u = 3$.", "u = 3", "math_span"),  # "option is" names a method here
]


@pytest.mark.parametrize("text, answer, rule", OPEN_CASES, ids=[f"open{i}" for i in range(len(OPEN_CASES))])
def test_open_extraction(text, answer, rule):
    got = extract_answer(text, kind="open")
    assert (got.answer, got.rule) == (answer, rule)


def test_table_is_large_enough_and_covers_every_rule():
    assert len(MCQ_CASES) + len(OPEN_CASES) >= 60
    rules = {c[4] for c in MCQ_CASES} | {c[2] for c in OPEN_CASES}
    assert {"answer_label", "answer_is", "boxed", "answer_is+text", "answer_label+text", "letter_line", "final_paren",
            "option_text", "last_number", "unclosed_think", "empty", "multiple_letters", "letter_out_of_range",
            "none", "answer_statement", "listed_options", "math_span", "short_answer", "boxed_set"} <= rules


def test_unparsed_flag_and_reasoning_kept_apart():
    got = extract_answer("<think>Answer: B", kind="mcq", options=OPT4)
    assert got.unparsed and got.answer is None and got.reasoning == "Answer: B"
    ok = extract_answer("<think>hmm</think>Answer: B", kind="mcq", options=OPT4, finish_reason="length")
    assert not ok.unparsed and ok.answer == "B" and "truncated" in ok.flags


def test_separate_reasoning_content_is_not_graded():
    got = extract_answer("Answer: A", kind="mcq", options=OPT4, reasoning_content="I first thought Answer: D")
    assert got.answer == "A" and got.reasoning.startswith("I first thought")
