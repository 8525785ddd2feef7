"""The bundled example traces: contents, a clean ``ingest --traces``, and real annotation and selection on them.

The file (src/naturalthoughts/data/traces/example_traces.jsonl, written by scripts/example_traces/build.py) exists
so the quickstart's annotation and selection show real distributions; the end-to-end test checks that they do:
the lexical detector finds 1 to 8+ distinct strategies, the heuristic verbosity uses several scores, and the
``strategies`` selection lands in the paper's 4 < |S| <= 8 band visibly more often than ``random``.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from importlib import resources

from naturalthoughts.core.store import read_table

DOMAINS = {"Engineering", "Philosophy", "Medicine", "Economics", "Science", "Law", "History", "Education",
           "Management", "Literature and Arts", "Agronomy", "Sociology", "Military Science"}
DATA = resources.files("naturalthoughts") / "data"
TRACES = DATA / "traces" / "example_traces.jsonl"


def _rows() -> list[dict]:
    return [json.loads(line) for line in TRACES.read_text(encoding="utf-8").splitlines()]


def _band_share(counts: list[int]) -> float:
    return sum(4 < n <= 8 for n in counts) / len(counts)


def test_example_traces_contents():
    rows = _rows()
    pool = {json.loads(line)["id"] for line in (DATA / "questions" / "sample_pool.jsonl").read_text().splitlines()}
    assert len(rows) >= 40
    question_ids = [r["question_id"] for r in rows]
    assert len(set(question_ids)) == len(rows) and set(question_ids) <= pool
    # nts-001..nts-052 are the quickstart's generation questions; imported traces must not overlap them
    assert min(int(q.split("-")[1]) for q in question_ids) >= 53
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows) and all(r["id"].startswith("ext-") for r in rows)
    assert {r["domain"] for r in rows} == DOMAINS
    words = [len(r["reasoning"].split()) for r in rows]
    assert min(words) >= 150 and max(words) >= 3000
    assert not any("<think>" in r["reasoning"] or "</think>" in r["response"] for r in rows)
    wrong = sum(not r["intended_correct"] for r in rows)
    assert 0 < wrong < len(rows) / 3  # a few deliberate slips, most answers right
    assert len({r["intended_verbosity"] for r in rows}) >= 6
    assert {r["model"] for r in rows} == {"naturalthoughts-written"}
    assert {r["source"] for r in rows} == {"naturalthoughts-example-traces"}
    assert "traces/example_traces.jsonl" in (DATA / "LICENSE-DATA.md").read_text(encoding="utf-8")


def test_example_traces_ingest_annotate_select(tmp_path):
    from naturalthoughts.main import main

    rows = {r["id"]: r for r in _rows()}
    run = tmp_path / "run"
    assert main(["ingest", "--traces", "--in", str(TRACES), "--out", str(run / "traces")]) == 0
    traces = read_table(run / "traces").to_pylist()
    assert len(traces) == len(rows)
    for t in traces:
        source = rows[t["id"]]
        assert (t["question"], t["reference_answer"], t["reasoning"], t["response"]) == (
            source["question"], source["reference_answer"], source["reasoning"], source["response"])
        assert (t["teacher_model"], t["source"], t["qc_flags"]) == ("naturalthoughts-written",
                                                                    "naturalthoughts-example-traces", [])

    # the model-free annotators; the written traces have no teacher tokenizer, so name the quickstart's
    assert main(["annotate", "--in", str(run / "traces"), "--out", str(run / "annotated"), "--annotators",
                 "length,strategies,verbosity", "--tokenizer", "smollm2-135m", "--no-progress"]) == 0
    annotated = read_table(run / "annotated").to_pylist()
    counts = [r["num_strategies"] for r in annotated]
    assert min(counts) <= 1 and max(counts) >= 8
    assert len({r["verbosity"] for r in annotated}) >= 5
    assert all(r["reasoning_tokens"] > r["reasoning_words"] > 0 for r in annotated)

    selected = {}
    for strategy in ("random", "strategies"):
        out = run / f"select-{strategy}"
        assert main(["select", "--in", str(run / "annotated"), "--out", str(out), "--strategy", strategy,
                     "--n", "16", "--seed", "0"]) == 0
        selected[strategy] = [r["num_strategies"] for r in read_table(out).to_pylist()]
        assert len(selected[strategy]) == 16
    random_counts, diverse_counts = selected["random"], selected["strategies"]
    # measured on the 48-trace file: mean |S| 5.3 vs 6.1, band share 0.50 vs 1.00
    assert statistics.mean(diverse_counts) >= statistics.mean(random_counts) + 0.4
    assert _band_share(diverse_counts) >= _band_share(random_counts) + 0.25
    assert Counter(4 < n <= 8 for n in diverse_counts)[True] >= 14
