"""The bundled sample pool: size, unique ids, all 13 domains, correct layout, and a clean ingest."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

from naturalthoughts.core.store import read_table
from naturalthoughts.stages.ingest import ingest_questions

# The paper's 13 domains (SuperGPQA disciplines).
DOMAINS = {"Engineering", "Philosophy", "Medicine", "Economics", "Science", "Law", "History", "Education",
           "Management", "Literature and Arts", "Agronomy", "Sociology", "Military Science"}


def _pool_files():
    base = resources.files("naturalthoughts") / "data" / "questions"
    return base / "sample_pool.jsonl", base / "sample_pool_domains.json"


def test_sample_pool_contents():
    pool, domains_file = _pool_files()
    rows = [json.loads(line) for line in pool.read_text(encoding="utf-8").splitlines()]
    domains = json.loads(domains_file.read_text(encoding="utf-8"))
    assert len(rows) >= 200
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids) and set(domains) == set(ids)
    counts = Counter(domains.values())
    assert set(counts) == DOMAINS and min(counts.values()) >= 15
    assert set(Counter(domains[i] for i in ids[:13]).values()) == {1}  # interleaved: any 13-row prefix covers all
    assert {r["source"] for r in rows} == {"naturalthoughts-sample"}
    assert all(len(r["question"].split()) >= 12 for r in rows)  # self-contained questions, not fragments
    with_reference = [r for r in rows if r["reference_answer"]]
    assert 0.5 < len(with_reference) / len(rows) < 0.9  # short reference "where natural", like NaturalReasoning
    assert "CC BY 4.0" in (resources.files("naturalthoughts") / "data" / "LICENSE-DATA.md").read_text()


def test_sample_pool_ingests_with_zero_rejects(tmp_path):
    pool, _ = _pool_files()
    m = ingest_questions(str(pool), tmp_path / "out")  # default near-dedup at 0.55
    assert m.counts["rejected"] == {} and m.counts["out"] == m.counts["in"] >= 200
    table = read_table(tmp_path / "out")
    assert table.column("id").to_pylist()[0] == "nts-001"
