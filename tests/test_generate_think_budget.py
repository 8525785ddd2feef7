"""`generate --think-budget B`: budget forcing for teachers that never close their think block (the quickstart's
SmolLM2-135M), through the same cached, resumable path as plain generation."""

from __future__ import annotations

import json

from naturalthoughts.core.store import read_table
from naturalthoughts.main import main


def test_think_budget_closes_every_trace_and_resumes_from_cache(tmp_path, capsys):
    pool = tmp_path / "q.jsonl"
    pool.write_text("".join(json.dumps({"id": f"q{i}", "question": f"Why is {i} interesting? Explain."}) + "\n" for i in range(6)))
    args = ["generate", "--in", str(pool), "--out", str(tmp_path / "gen"), "--backend", "fake", "--max-tokens", "64",
            "--think-budget", "6", "--cache", str(tmp_path / "c.sqlite"), "--no-progress"]
    assert main(args) == 0
    rows = read_table(tmp_path / "gen").to_pylist()
    assert len(rows) == 6
    for r in rows:
        assert r["reasoning"] and r["response"] and "unclosed_think" not in r["qc_flags"]
        assert json.loads(r["gen_params"])["think_budget"] == 6
        assert len(r["reasoning"].split()) <= 6  # the fake backend counts words as tokens
    manifest = json.loads((tmp_path / "gen" / "manifest.json").read_text())
    assert manifest["config"]["think_budget"] == 6 and manifest["counts"]["sent"] == 12  # think + answer phases
    # A new folder: every request (both phases) comes from the row cache.
    again = [a if a != str(tmp_path / "gen") else str(tmp_path / "gen2") for a in args]
    assert main(again) == 0
    manifest = json.loads((tmp_path / "gen2" / "manifest.json").read_text())
    assert manifest["counts"]["sent"] == 0 and manifest["counts"]["cache_hits"] == 12
    # The same folder: its finished shard is kept, nothing is asked at all; the counts still cover that shard.
    assert main(args) == 0
    manifest = json.loads((tmp_path / "gen" / "manifest.json").read_text())
    assert manifest["counts"]["sent"] == 12
    assert manifest["extra"]["resume"]["run_stats_this_run"]["requests"] == 0
