"""ingest_traces: s1K, OpenThoughts-style think tags, chat lists, NaturalReasoning responses, provider exports."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from naturalthoughts.core.io import BadRowError
from naturalthoughts.core.schema import TRACE_SCHEMA, question_id
from naturalthoughts.core.store import read_table
from naturalthoughts.stages.ingest import ingest_traces

FIXTURES = Path(__file__).parent / "fixtures"


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_s1k_layout_in_repo_fixture(tmp_path):
    src = FIXTURES / "s1k_layout.jsonl"
    m = ingest_traces(src, tmp_path / "out")
    table = read_table(tmp_path / "out")
    assert table.schema.equals(TRACE_SCHEMA)
    rows = table.to_pylist()
    first = json.loads(src.read_text().splitlines()[0])
    assert rows[0]["reasoning"] == first["gemini_thinking_trajectory"].strip()
    assert rows[0]["response"] == first["gemini_attempt"]
    assert rows[0]["reference_answer"] == "4"  # s1K's solution column
    assert rows[0]["source"] == "naturalthoughts-fixture"  # source_type
    assert {r["teacher_model"] for r in rows} == {"gemini-thinking"}
    assert {r["prompt_version"] for r in rows} == {"imported"}
    assert [r["trace_id"] for r in rows] == [f"{question_id(r['question'])}#0" for r in rows]
    assert [r["qc_flags"] for r in rows] == [[], [], ["empty_response"]]  # flagged, not dropped
    assert m.counts["in"] == 3 and m.counts["out"] == 3 and m.counts["flags"] == {"empty_response": 1}


@pytest.mark.parametrize("name", ["reasoning_dataset.parquet", "reasoning_dataset.jsonl"])
def test_s1k_shared_fixture(tmp_path, shared_data, name):
    src = shared_data / "s1k-gemini-fixture" / name
    if not src.exists():
        pytest.skip(f"{name} not available")
    m = ingest_traces(src, tmp_path / "out", teacher_model="gemini-2.0-flash-thinking")
    rows = read_table(tmp_path / "out").to_pylist()
    assert m.counts["out"] == 5 and m.counts["rejected"] == {}
    assert all(r["reasoning"] and len(r["reasoning"]) > 5000 and r["response"] for r in rows)
    assert {r["teacher_model"] for r in rows} == {"gemini-2.0-flash-thinking"}
    assert rows[0]["reference_answer"] and rows[0]["source"].startswith("AI-MO/")


def test_openthoughts_style_think_tags(tmp_path):
    src = write_jsonl(tmp_path / "ot.jsonl", [
        {"problem": "What is 7 * 8?", "generation": "<think>\n7 * 8 = 56.\n</think>\n\nThe product is 56."},
        {"problem": "Name a noble gas.", "generation": "<think>Helium, neon, argon... all noble gases."},  # truncated
        {"problem": "Is 91 prime?", "generation": "91 = 7 * 13, so it is not prime."},  # no think block
        {"problem": "What is 3^4?", "generation": "<|begin_of_thought|>3^4 = 81<|end_of_thought|>\n\n"
                                                  "<|begin_of_solution|>81<|end_of_solution|>"},
    ])
    m = ingest_traces(src, tmp_path / "out", response_col="generation", teacher_model="deepseek-r1")
    rows = read_table(tmp_path / "out").to_pylist()
    assert (rows[0]["reasoning"], rows[0]["response"], rows[0]["qc_flags"]) == ("7 * 8 = 56.", "The product is 56.", [])
    assert rows[1]["response"] is None and "unclosed_think" in rows[1]["qc_flags"]
    assert rows[2]["reasoning"] is None and rows[2]["qc_flags"] == ["no_think"]
    assert (rows[3]["reasoning"], rows[3]["response"]) == ("3^4 = 81", "81")  # Bespoke/OpenThoughts-114k tokens
    assert m.counts["flags"] == {"no_think": 1, "unclosed_think": 1}


def test_prefilled_think_and_chat_lists(tmp_path):
    src = write_jsonl(tmp_path / "chat.jsonl", [
        {"conversations": [{"from": "system", "value": "Think first."},
                           {"from": "human", "value": "What is the boiling point of water at sea level in Celsius?"},
                           {"from": "gpt", "value": "<think>Standard pressure: 100 C.</think>100 degrees Celsius."}]},
        {"messages": [{"role": "user", "content": "Is zero even?"},
                      {"role": "assistant", "content": "Yes.", "reasoning_content": "0 = 2 * 0, so it is even."}]},
    ])
    ingest_traces(src, tmp_path / "out")
    rows = read_table(tmp_path / "out").to_pylist()
    assert rows[0]["question"].startswith("What is the boiling point") and rows[0]["response"] == "100 degrees Celsius."
    assert rows[1]["reasoning"] == "0 = 2 * 0, so it is even." and rows[1]["response"] == "Yes."
    prefilled = write_jsonl(tmp_path / "distill.jsonl", [{"question": "2+2?", "response": "Add them: 4.</think>4"}])
    ingest_traces(prefilled, tmp_path / "p", prefilled_think=True)
    row = read_table(tmp_path / "p").to_pylist()[0]
    assert (row["reasoning"], row["response"], row["qc_flags"]) == ("Add them: 4.", "4", [])


def test_natural_reasoning_responses_become_samples(tmp_path):
    src = write_jsonl(tmp_path / "nr.jsonl", [
        {"question": "Why does a spinning top stay upright?", "reference_answer": "gyroscopic precession",
         "responses": [{"response": "Angular momentum resists tipping.", "model": "Llama-3.3-70B-Instruct"},
                       {"response": "Because of gyroscopic effects."}]},
        {"question": "What drives ocean tides?", "reference_answer": None,
         "responses": [{"response": "The Moon's gravity, mostly."}]},
    ])
    m = ingest_traces(src, tmp_path / "out")
    rows = read_table(tmp_path / "out").to_pylist()
    assert [r["sample_index"] for r in rows] == [0, 1, 0]
    assert rows[0]["teacher_model"] == "Llama-3.3-70B-Instruct" and rows[1]["teacher_model"] == "unknown"
    assert all(r["qc_flags"] == ["no_think"] and r["reasoning"] is None for r in rows)  # non-reasoning model
    assert rows[0]["reference_answer"] == "gyroscopic precession"
    assert m.counts["questions"] == 2 and m.extra["teacher_models"] == {"Llama-3.3-70B-Instruct": 1, "unknown": 2}


def test_provider_export_and_repeated_questions(tmp_path):
    src = write_jsonl(tmp_path / "export.jsonl", [
        {"id": "q1", "question": "Is 2^10 more than 1000?", "reasoning_content": "2^10 = 1024.", "content": "Yes, 1024.",
         "finish_reason": "stop", "prompt_tokens": 12, "completion_tokens": 9, "model": "deepseek-reasoner"},
        {"id": "q1", "question": "Is 2^10 more than 1000?", "reasoning_content": "1024 > 1000", "content": "Yes.",
         "finish_reason": "length", "model": "deepseek-reasoner"},
    ])
    ingest_traces(src, tmp_path / "out")
    rows = read_table(tmp_path / "out").to_pylist()
    assert [r["trace_id"] for r in rows] == ["q1#0", "q1#1"]
    assert rows[0]["prompt_tokens"] == 12 and rows[0]["completion_tokens"] == 9 and rows[0]["finish_reason"] == "stop"
    assert rows[1]["qc_flags"] == ["truncated"] and rows[0]["teacher_model"] == "deepseek-reasoner"


def test_trace_bad_rows(tmp_path):
    src = write_jsonl(tmp_path / "t.jsonl", [
        {"id": "a", "question": "Q one?", "response": "<think>r</think>ans"},
        {"id": "b", "question": "Q two?", "text": "no trace column here"},
        {"id": "a", "question": "A different question?", "response": "x"},
        {"id": "c", "question": "Q three?", "response": "ok", "sample_index": 0},
        {"id": "c", "question": "Q three?", "response": "again", "sample_index": 0},
    ])
    with pytest.raises(BadRowError, match=r"t.jsonl:2: no trace column found"):
        ingest_traces(src, tmp_path / "out")
    m = ingest_traces(src, tmp_path / "out", on_bad_row="skip")
    assert m.counts["skip"] == {"duplicate_id": 1, "duplicate_trace_id": 1, "missing_trace": 1}
    assert m.counts["in"] == 5 and m.counts["out"] == 2
    rejects = pq.read_table(tmp_path / "out" / "rejects.parquet").to_pylist()
    assert sorted(r["line"] for r in rejects) == [2, 3, 5]
    with pytest.raises(ValueError, match="go together"):
        ingest_traces(src, tmp_path / "o2", reasoning_col="r")


def test_cli_traces_with_explicit_columns(tmp_path, capsys):
    from naturalthoughts.main import main

    src = write_jsonl(tmp_path / "t.jsonl", [
        {"prompt_text": "Why is copper used in wiring?", "thoughts": "High conductivity, ductile, cheap enough.",
         "final": "Because it conducts well and is easy to draw into wire."}])
    code = main(["ingest", "--traces", "--in", str(src), "--out", str(tmp_path / "out"), "--map", "question=prompt_text",
                 "--reasoning-col", "thoughts", "--answer-col", "final", "--teacher-model", "my-teacher"])
    assert code == 0 and "1 rows in, 1 rows out" in capsys.readouterr().out
    row = read_table(tmp_path / "out").to_pylist()[0]
    assert (row["reasoning"], row["teacher_model"], row["prompt_version"]) == (
        "High conductivity, ductile, cheap enough.", "my-teacher", "imported")
    assert main(["ingest", "--in", str(src), "--out", str(tmp_path / "x"), "--reasoning-col", "thoughts"]) == 2
