"""LLM-judge annotators: parsing of recorded malformed judge outputs, the repair retry, caching and resume, and
each judge annotator end to end through a scripted backend (the real-model runs are in
tests/test_annotation_real_models.py)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from annotation_fakes import ScriptedBackend

from naturalthoughts.llm.backends.base import ChatRequest
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.stages.annotation import annotate
from naturalthoughts.stages.annotation.disagreement import _validate as validate_agreement
from naturalthoughts.stages.annotation.domain import DomainAnnotator
from naturalthoughts.stages.annotation.judge import (
    JUDGE_INVALID,
    chunk_text,
    extract_json,
    load_prompt,
    parse_reply,
    run_judge,
)
from naturalthoughts.stages.annotation.strategies import StrategiesAnnotator
from naturalthoughts.stages.annotation.verbosity import _validate as validate_verbosity

# Replies recorded from small instruction models (SmolLM2-135M, Qwen2.5-0.5B) asked for JSON, plus hand-made edge cases.
RECORDED_DOMAIN_REPLIES = [
    ('```json\n{"domain": "Science", "topic": "Mathematics"}\n```', ("Science", "Mathematics"), None),
    ('Sure! Here is the classification:\n{"domain": "science", "topic": "mathematics"}\nHope this helps!', ("Science", "Mathematics"), None),
    ("{'domain': 'Science', 'topic': 'Mathematics'}", ("Science", "Mathematics"), None),
    ('{"domain": "Science", "topic": "Mathematics",}', ("Science", "Mathematics"), None),
    ('Reply with only: {"domain": "<discipline>", "topic": "<field>"}\n{"domain": "Law", "topic": "Law"}', ("Law", "Law"), None),
    ('<think>It is about integrals.</think>\n{"domain": "Science", "topic": "Mathematics"}', ("Science", "Mathematics"), None),
    ('{"domain": "Literature & Arts", "topic": "Musicology"}', ("Literature and Arts", "Musicology"), None),
    ('{"domain": "Science", "topic": "Mining Engineering"}', ("Science", None), None),  # topic of another domain
    ('The question is about Science.', None, "no JSON object"),
    ('{"domain": "Astrology", "topic": "Horoscopes"}', None, "not one of the 13"),
    ('{"domain": "Science", "topic": "Math', ("Science", None), None),  # cut by max_tokens: closed, topic unknown
    # SmolLM2-135M-Instruct, asked without a forced prefix (recorded 14:50 UTC):
    ('The answer is: {"domain": "Disciplines and their fields", "topic": "7 times 6"}', None, "not one of the 13"),
    # The same model with the prompt's prefill '{"domain": "' continuing the object, then the stop string "}":
    ('{"domain": "Science", "topic": "Mathematics"', ("Science", "Mathematics"), None),
    ("", None, "no JSON object"),
    ('{"classification": {"domain": "Science"}}', None, "not one of the 13"),
]


@pytest.mark.parametrize("reply,expected,why", RECORDED_DOMAIN_REPLIES)
def test_domain_judge_parsing_on_recorded_replies(reply, expected, why):
    value, reason = parse_reply(reply, DomainAnnotator(method="judge")._validate)
    assert value == expected
    assert (reason is None) if why is None else (why in reason)


def test_strategy_verbosity_agreement_validators_on_recorded_replies():
    a = StrategiesAnnotator(method="judge")
    v = a._validate
    assert v(extract_json('{"strategies": ["self-verification", "Backtracking"]}')) == (("self_verification", "backtracking"), None)
    assert v(extract_json('{"strategies": "case analysis, analogy"}')) == (("analogy", "case_analysis"), None)
    assert v(extract_json('{"strategies": []}')) == ((), None)
    assert v(extract_json('{"strategies": ["self_verification", "divine inspiration"]}')) == (("self_verification",), None)
    assert a.unknown_judge_labels["divine inspiration"] == 1
    assert v(extract_json('{"strategies": ["magic"]}'))[0] is None
    assert v(extract_json('{"steps": 4}'))[0] is None
    # Recorded SmolLM2-135M-Instruct replies (no forced prefix): a bullet list echoing the definitions, and prose.
    smollm_strategies = ("The reasoning is:\n\n- self_verification: Checks an intermediate or final result by re-deriving "
                         "it, substituting it back or testing it against the conditions.\n- backtracking: Abandons or")
    assert parse_reply(smollm_strategies, v) == (None, "the reply contained no JSON object")
    assert parse_reply("The answer is 42.", validate_verbosity)[0] is None
    assert parse_reply('{"verbosity": 3', validate_verbosity) == (3, None)  # prefill + reply cut at the stop "}"
    assert validate_verbosity({"verbosity": 7}) == (7, None)
    assert validate_verbosity({"verbosity": "3"}) == (3, None)
    assert validate_verbosity({"verbosity": 10.0}) == (10, None)
    for bad in (11, -1, 7.5, "high", True, None):
        assert validate_verbosity({"verbosity": bad})[0] is None
    assert validate_agreement(extract_json('{"agree": True, "rationale": "both say 4"}')) == ((True, "both say 4"), None)
    assert validate_agreement({"agree": "no"}) == ((False, ""), None)
    assert validate_agreement({"agree": "maybe"})[0] is None
    # SmolLM2-135M with the '{"agree": ' prefill, cut by max_tokens inside its rationale:
    assert parse_reply('{"agree": 1, "rationale": "The answer is 42. The answer is 4', validate_agreement) == ((True, "The answer is 42. The answer is 4"), None)
    assert parse_reply('{"verbosity": 0-10', validate_verbosity)[0] is None


def test_repair_turn_fixes_one_invalid_reply_and_gives_up_after_one_retry(tmp_path):
    def reply(req: ChatRequest) -> str:
        q = req.messages[1][1]
        repaired = len(req.messages) > 2
        if "always-bad" in q:
            return "I think it is science."
        if "bad-once" in q and not repaired:
            return "Science!"
        return '{"domain": "Science", "topic": "Physics"}'

    backend = ScriptedBackend(reply)
    prompt = load_prompt("judge-domain")
    validate = DomainAnnotator(method="judge")._validate
    reqs = [prompt.request(label_list="...", question=q) for q in ("good", "bad-once", "always-bad")]
    with RequestCache(tmp_path / "c.sqlite") as cache:
        results = run_judge(backend, reqs, validate, cache=cache)
        assert [r.value for r in results] == [("Science", "Physics"), ("Science", "Physics"), None]
        assert results[2].error == JUDGE_INVALID and "not one of the 13" in results[2].why
        assert backend.calls == 5  # 3 first replies + 2 repairs
        again = run_judge(backend, reqs, validate, cache=cache)
        assert [r.value for r in again] == [r.value for r in results]
        assert backend.calls == 5  # a re-run repeats no call: replies, invalid ones and repairs included, are cached


def _traces(n: int) -> pa.Table:
    return pa.table({
        "question": [f"Question {i}: what is {i} + {i}?" for i in range(n)],
        "reasoning": [f"The question asks for {i}+{i}. Let me verify: {2 * i}." for i in range(n)],
        "response": [f"The answer is {2 * i}." for i in range(n)],
    })


def test_judge_run_resumes_after_a_crash_without_repeating_finished_calls(tmp_path):
    reply = lambda req: '{"verbosity": 2}'  # noqa: E731
    cache_path = tmp_path / "c.sqlite"
    crashing = ScriptedBackend(reply, crash_after=7)
    with pytest.raises(KeyboardInterrupt):
        annotate(_traces(20), ["verbosity"], judge=crashing, cache=cache_path, progress=False, verbosity_method="judge")
    assert crashing.calls == 7
    resumed = ScriptedBackend(reply)
    out, rep = annotate(_traces(20), ["verbosity"], judge=resumed, cache=cache_path, progress=False, verbosity_method="judge")
    assert resumed.calls == 13  # the 7 finished calls came from the cache
    assert out.column("verbosity").to_pylist() == [2] * 20
    assert rep["annotators"]["verbosity"]["llm_calls"]["cache_hits"] == 7
    assert rep["judge"] == "scripted:judge"


def test_domain_judge_end_to_end_with_invalid_rows_as_explicit_errors():
    def reply(req):
        q = req.messages[1][1]
        if "contract" in q:
            return '{"domain": "Law", "topic": "Law"}'
        if "poem" in q:
            return '{"domain": "Literature and Arts", "topic": "Origami"}'
        return "no idea"

    t = pa.table({"question": ["Is a verbal contract binding?", "Who wrote this poem?", "???", ""]})
    out, rep = annotate(t, ["domain"], judge=ScriptedBackend(reply), cache=False, progress=False, domain_method="judge")
    assert out.column("domain").to_pylist() == ["Law", "Literature and Arts", None, None]
    assert out.column("topic").to_pylist() == ["Law", None, None, None]
    assert out.column("domain_error").to_pylist() == [None, "topic_not_in_label_set", JUDGE_INVALID, "empty_question"]
    assert rep["annotators"]["domain"]["errors"] == {"empty_question": 1, JUDGE_INVALID: 1, "topic_not_in_label_set": 1}
    assert rep["annotators"]["domain"]["prompt"] == "judge-domain@1"


def test_strategies_both_methods_report_agreement_and_long_traces_are_chunked():
    seen_chunks = []

    def reply(req):
        text = req.messages[1][1].split('"""')[1]  # the reasoning chunk, not the strategy list
        seen_chunks.append(text)
        found = [name for cue, name in (("verify", "self_verification"), ("backtrack", "backtracking")) if cue in text.lower()]
        return json.dumps({"strategies": found})

    long_trace = ("Let me verify the sum again. " * 300) + "\n\n" + ("I was wrong, backtrack: " * 10)
    t = pa.table({"reasoning": ["Let me verify: 2+2=4.", "Alternatively, guess.", long_trace]})
    out, rep = annotate(t, ["strategies"], judge=ScriptedBackend(reply), cache=False, progress=False,
                        strategies_method="both", strategies_judge_chunk_chars=2000)
    assert out.column("strategies").to_pylist()[0] == ["self_verification"]
    assert out.column("strategies").to_pylist()[1] == []
    assert out.column("strategies").to_pylist()[2] == ["self_verification", "backtracking"]  # union over chunks
    assert len(seen_chunks) == 2 + len(chunk_text(long_trace, 2000)) and len(chunk_text(long_trace, 2000)) > 3
    agreement = rep["annotators"]["strategies"]["agreement"]
    assert agreement["self_verification"] == {"rows": 3, "agreement": 1.0, "kappa": 1.0, "both": 2, "lexical_only": 0, "judge_only": 0}
    assert agreement["exploring_alternatives"]["lexical_only"] == 1
    assert set(out.column("strategies_method").to_pylist()) == {"judge"}


def test_too_long_for_judge_is_an_explicit_error():
    t = pa.table({"reasoning": ["word " * 100_000]})
    out, _ = annotate(t, ["verbosity"], judge=ScriptedBackend(lambda r: '{"verbosity": 1}'), cache=False,
                      progress=False, verbosity_method="judge")
    assert out.column("verbosity").to_pylist() == [None]
    assert out.column("verbosity_error").to_pylist()[0].startswith("too_long_for_judge")


def test_chunking_is_contiguous_and_bounded():
    text = "\n\n".join(f"Paragraph {i}. " + "words " * (i * 7 % 50) for i in range(200))
    chunks = chunk_text(text, 500)
    assert "".join(chunks) == text and all(len(c) <= 500 for c in chunks)
    assert chunk_text("short", 500) == ["short"]
