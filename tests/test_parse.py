import pytest

from naturalthoughts.llm.think import format_trace, has_repetition_loop, parse_trace


def test_inline_think():
    t = parse_trace("<think>\nLet me add 2 and 2.\n</think>\n\nThe answer is 4.")
    assert t.reasoning == "Let me add 2 and 2."
    assert t.response == "The answer is 4."
    assert t.flags == []


def test_missing_opening_tag_from_prefilled_template():
    t = parse_trace("Let me add.\n</think>\nFour.")
    assert (t.reasoning, t.response, t.flags) == ("Let me add.", "Four.", [])


def test_prefilled_and_unclosed_is_truncated_reasoning():
    t = parse_trace("Let me think about it", prefilled_think=True, finish_reason="length")
    assert t.reasoning == "Let me think about it"
    assert t.response is None
    assert set(t.flags) == {"unclosed_think", "truncated"}


def test_reasoning_content_field():
    t = parse_trace("The answer is 4.", reasoning_content="2 + 2 = 4")
    assert (t.reasoning, t.response, t.flags) == ("2 + 2 = 4", "The answer is 4.", [])


def test_reasoning_content_with_stray_inline_block():
    t = parse_trace("<think>double check</think>Four", reasoning_content="2+2")
    assert t.reasoning == "2+2\n\ndouble check"
    assert t.response == "Four"


def test_no_think_block():
    t = parse_trace("Just the answer: 4")
    assert t.reasoning is None and t.response == "Just the answer: 4"
    assert t.flags == ["no_think"]


def test_unclosed_think_truncated():
    t = parse_trace("<think>step one, step two", finish_reason="length")
    assert t.reasoning == "step one, step two" and t.response is None
    assert set(t.flags) == {"unclosed_think", "truncated"}


def test_empty_response():
    t = parse_trace("<think>all the work</think>   ")
    assert t.response == "" and t.flags == ["empty_response"]


def test_none_text_is_empty_no_think():
    t = parse_trace(None)
    assert set(t.flags) == {"no_think", "empty_response"}


def test_case_insensitive_tags():
    t = parse_trace("<THINK>x</THINK>y")
    assert (t.reasoning, t.response) == ("x", "y")


def test_repetition_loop_flag():
    loop = "I need to compute the value of the integral again and check the bounds carefully. " * 12
    t = parse_trace(f"<think>{loop}</think>42", finish_reason="length")
    assert "repetition_loop" in t.flags
    assert not has_repetition_loop("a normal trace. Wait, let me check. " + " ".join(f"w{i}" for i in range(300)))


@pytest.mark.parametrize("reasoning,response", [("r", "a"), (None, "a")])
def test_format_round_trip(reasoning, response):
    t = parse_trace(format_trace(reasoning, response))
    assert (t.reasoning, t.response) == (reasoning, response)
