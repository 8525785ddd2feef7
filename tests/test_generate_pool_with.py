"""generate --pool-with: existing traces (an `ingest --traces` output) join the generated ones in one stage output."""

from __future__ import annotations

import json

import pytest

from naturalthoughts.core.store import Manifest, read_table
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.generation.pooled import PoolError


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _existing_traces(tmp_path, ids=("ext-1", "ext-2")):
    src = _jsonl(tmp_path / "have.jsonl", [
        {"id": i, "question": f"Old question {i}?", "reasoning": f"Okay, so {i}. Wait, let me check.",
         "response": f"Answer {i}.", "model": "someone-elses-teacher"} for i in ids])
    assert cli_main(["ingest", "--traces", "--in", str(src), "--out", str(tmp_path / "have")]) == 0
    return tmp_path / "have"


def _gen(tmp_path, out, *extra):
    q = _jsonl(tmp_path / "q.jsonl", [{"id": f"q{i}", "question": f"What is {i} + {i}?"} for i in range(3)])
    return cli_main(["generate", "--in", str(q), "--out", str(tmp_path / out), "--backend", "fake", "--model", "fake",
                     "--no-progress", "--cache", str(tmp_path / "c.sqlite"), *extra])


def test_pooled_traces_follow_the_generated_rows_and_are_counted(tmp_path, capsys):
    have = _existing_traces(tmp_path)
    assert _gen(tmp_path, "gen", "--pool-with", str(have)) == 0
    assert f"pooled: 2 existing traces from {have}" in capsys.readouterr().out
    table = read_table(tmp_path / "gen")
    assert table.column("id").to_pylist() == ["q0", "q1", "q2", "ext-1", "ext-2"]
    teachers = table.column("teacher_model").to_pylist()
    assert teachers[3:] == ["someone-elses-teacher"] * 2 and "someone-elses-teacher" not in teachers[:3]
    assert table.column("prompt_version").to_pylist()[3:] == ["imported"] * 2
    m = Manifest.load(tmp_path / "gen")
    assert m.counts["pooled"] == {str(have): 2} and m.counts["out"] == 3
    assert sum(o["rows"] for o in m.outputs if o["path"].startswith("data/")) == 5
    assert len(m.inputs) == 2  # the pooled table's content is hashed as an input: a change makes the stage stale


def test_a_trace_id_already_in_the_pool_is_an_error_naming_the_file(tmp_path, capsys):
    have = _existing_traces(tmp_path)
    assert _gen(tmp_path, "gen", "--pool-with", str(have), "--pool-with", str(have)) == 2
    assert "already in the pool" in capsys.readouterr().err


def test_a_question_file_is_not_a_trace_table(tmp_path):
    from naturalthoughts.stages.generation.pooled import check_pooled

    q = _jsonl(tmp_path / "q.jsonl", [{"id": "a", "question": "Why?"}])
    assert cli_main(["ingest", "--in", str(q), "--out", str(tmp_path / "qs")]) == 0
    with pytest.raises(PoolError, match="ingest --traces"):
        check_pooled([tmp_path / "qs"])


def test_a_pooled_id_that_was_generated_is_an_error_and_the_generated_shards_stay(tmp_path, capsys):
    have = _existing_traces(tmp_path, ids=("q1",))  # q1#0 is also a generated trace
    assert _gen(tmp_path, "gen", "--pool-with", str(have)) == 2
    assert "'q1#0'" in capsys.readouterr().err
    assert list((tmp_path / "gen" / "data").glob("part-*.parquet"))  # finished work is not thrown away
    assert _gen(tmp_path, "gen") == 0 and "requests sent: 0" in capsys.readouterr().out
