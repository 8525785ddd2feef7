"""Selection reproducibility, token budgets, bad input, the stage folder, the CLI and seeding with real embeddings.

Run: python -m pytest -q tests/test_selection_io.py
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naturalthoughts.core.store import Manifest, hash_file, read_table
from naturalthoughts.stages.selection import SelectionError, run_select, select
from naturalthoughts.stages.selection.synthetic import synthetic_pool

CASES = [
    ("random", {}),
    ("topic-uniform", {}),
    ("strategies", {}),
    ("long", {}),
    ("verbosity-low", {}),
    ("verbosity-med", {}),
    ("verbosity-high", {}),
    ("disagree", {}),
    ("agree", {}),
    ("semantic", {"method": "hdbscan"}),
    ("semantic", {"method": "kmeans", "clusters": 20}),
    ("semantic", {"method": "kmeans", "clusters": 20, "kmeans_pca_dims": 8}),
    ("semantic", {"method": "kcenter"}),
    ("disagree+strategies", {}),
]


@pytest.fixture(scope="module")
def pool() -> pa.Table:
    return synthetic_pool(1500, dim=32, seed=7, null_fraction=0.02, centers=12)


def shuffled(table: pa.Table, seed: int) -> pa.Table:
    return table.take(pa.array(np.random.default_rng(seed).permutation(table.num_rows)))


@pytest.mark.parametrize("strategy,options", CASES, ids=[f"{s}-{o.get('method', '')}{o.get('kmeans_pca_dims', '')}" for s, o in CASES])
def test_same_ids_across_runs_and_row_order(pool, strategy, options):
    first = select(pool, strategy, 120, seed=11, report=False, **options)
    again = select(pool, strategy, 120, seed=11, report=False, **options)
    reordered = select(shuffled(pool, 1), strategy, 120, seed=11, report=False, **options)
    assert first.ids == again.ids == reordered.ids
    assert np.array_equal(first.scores, reordered.scores)
    assert len(set(first.ids)) == 120


def test_other_seed_gives_other_sample(pool):
    assert select(pool, "random", 100, seed=1).ids != select(pool, "random", 100, seed=2).ids


def test_seeded_is_order_independent(pool):
    seeds = np.random.default_rng(0).standard_normal((7, 32))
    a = select(pool, "seeded", 50, seed=3, seed_embeddings=seeds)
    b = select(shuffled(pool, 5), "seeded", 50, seed=3, seed_embeddings=seeds)
    assert a.ids == b.ids and len(a.ids) == 50


# ---------------------------------------------------------------------------------------------- budgets
def test_token_budget_stops_before_exceeding(pool):
    budget = 500_000
    r = select(pool, "long", None, seed=0, budget_tokens=budget)
    rows = pool.take(pa.array(r.indices))
    used = sum(rows.column("reasoning_tokens").to_pylist()) + sum(rows.column("response_tokens").to_pylist())
    assert used == r.counts["selected_trace_tokens"] <= budget
    # the next row of the same ranking would not have fit: a bigger budget by that row's size takes one more
    more = select(pool, "long", None, seed=0, budget_tokens=budget + 40_000)
    assert more.ids[: len(r.ids)] == r.ids and len(more.ids) > len(r.ids)
    # n and budget together: whichever binds first
    assert len(select(pool, "long", 5, seed=0, budget_tokens=budget).ids) == 5


def test_budget_falls_back_to_completion_tokens():
    table = pa.table({"trace_id": [f"t{i}" for i in range(10)], "completion_tokens": [100] * 10})
    r = select(table, "random", None, budget_tokens=450)
    assert len(r.ids) == 4 and r.counts["selected_trace_tokens"] == 400


# -------------------------------------------------------------------------------------------- bad input
def test_missing_column_names_column_and_annotator(pool):
    with pytest.raises(SelectionError, match=r"'reasoning_tokens'.*'length' annotator"):
        select(pool.drop_columns(["reasoning_tokens"]), "long", 10)
    with pytest.raises(SelectionError, match=r"'agree'.*'disagreement' annotator"):
        select(pool.drop_columns(["agree"]), "disagree+random", 10)
    with pytest.raises(SelectionError, match=r"'embedding'.*'embedding' annotator"):
        select(pool.drop_columns(["embedding"]), "semantic", 10)
    with pytest.raises(SelectionError, match="budget_tokens needs token counts"):
        select(pool.drop_columns(["reasoning_tokens", "response_tokens"]), "random", 10, budget_tokens=10)


@pytest.mark.parametrize("n", [0, -3, 2.5])
def test_bad_n(pool, n):
    with pytest.raises(SelectionError, match="positive integer"):
        select(pool, "random", n)


def test_n_larger_than_pool(pool):
    with pytest.raises(SelectionError, match=r"n=2000 .* only 1500"):
        select(pool, "random", 2000)
    r = select(pool, "random", 2000, allow_short=True)
    assert len(r.ids) == 1500


def test_nulls_and_nan_excluded_and_counted(pool):
    r = select(pool, "strategies", 100, seed=0)
    nulls = {c: pool.column(c).null_count for c in ("num_strategies", "num_steps")}
    assert r.counts["excluded"]["null:num_strategies"] == nulls["num_strategies"]
    assert 0 < r.counts["excluded"]["null:num_steps"] <= nulls["num_steps"]  # a row is counted under one reason
    assert r.counts["eligible"] + sum(r.counts["excluded"].values()) == pool.num_rows
    emb = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    emb[2, 1] = np.nan
    table = pa.table({"trace_id": list("abcdef"), "embedding": pa.FixedSizeListArray.from_arrays(pa.array(emb.ravel()), 4),
                      "density": [0.5, float("nan"), 1, 2, 3, 4]})
    r = select(table, "semantic", 3, method="kcenter")
    assert r.counts["excluded"] == {"null:embedding": 1} and "c" not in r.ids


def test_empty_pool_and_unknown_names(pool):
    empty = pool.slice(0, 0)
    with pytest.raises(SelectionError, match="n=5 .* only 0"):
        select(empty, "random", 5)
    assert select(empty, "semantic", 5, allow_short=True).ids == []
    with pytest.raises(SelectionError, match="unknown strategy 'lng'"):
        select(pool, "lng", 5)
    with pytest.raises(SelectionError, match="option.*r_mn"):
        select(pool, "strategies", 5, r_mn=3)
    with pytest.raises(SelectionError, match="not a filter"):
        select(pool, "long+random", 5)
    dup = pa.table({"trace_id": ["a", "a"]})
    with pytest.raises(SelectionError, match="not unique"):
        select(dup, "random", 1)


# ------------------------------------------------------------------------------------- stage folder + CLI
def test_run_select_writes_reproducible_stage(pool, tmp_path):
    src = tmp_path / "annotated.parquet"
    pq.write_table(pool, src)
    m1 = run_select(src, tmp_path / "a", "disagree+strategies", 100, seed=4)
    m2 = run_select(src, tmp_path / "b", "disagree+strategies", 100, seed=4)
    shards_a, shards_b = ([o for o in m.outputs if o["path"].startswith("data/")] for m in (m1, m2))
    assert shards_a == shards_b and all(hash_file(tmp_path / "a" / o["path"]) == o["sha256"] for o in shards_a)
    assert (tmp_path / "a" / "selected_ids.txt").read_bytes() == (tmp_path / "b" / "selected_ids.txt").read_bytes()
    data = read_table(tmp_path / "a")
    ids = (tmp_path / "a" / "selected_ids.txt").read_text().split()
    assert data.column("trace_id").to_pylist() == ids == m1.extra["selected_ids"]
    assert "selection_score" in data.column_names and set(data.column("agree").to_pylist()) == {False}
    assert m1.inputs[0]["sha256"] == hash_file(src) and m1.config["seed"] == 4
    assert m1.config["options"]["strategies"]["r_min"] == 4
    loaded = Manifest.load(tmp_path / "a")
    assert loaded.extra["report"]["subset"]["rows"] == 100 and loaded.counts["selected"] == 100
    assert m2.config_hash == m1.config_hash


def test_cli(pool, tmp_path, capsys):
    from naturalthoughts.main import main

    src = tmp_path / "in.parquet"
    pq.write_table(pool, src)
    out = tmp_path / "sel"
    rc = main(["select", "--in", str(src), "--out", str(out), "--strategy", "long", "--n", "40", "--seed", "2",
               "--length-tau", "2.0"])
    assert rc == 0 and "selected 40 of 1500" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["options"]["long"]["length_tau"] == 2.0
    rc = main(["select", "--in", str(src), "--out", str(tmp_path / "bad"), "--strategy", "long", "--n", "0"])
    assert rc == 2 and "positive integer" in capsys.readouterr().err


# ---------------------------------------------------------------------------------- real embeddings (slow)
@pytest.mark.slow
def test_seeded_with_minilm_embeddings(tmp_path):
    from naturalthoughts.stages.selection.seeded import embed_seed_questions

    questions = [
        "What is the derivative of x squared times sine of x?",
        "How does the Federal Reserve raising interest rates affect inflation?",
        "Which enzyme unwinds the DNA double helix during replication?",
        "What was the main cause of the fall of the Western Roman Empire?",
        "How do you compute the bending moment of a cantilever beam under a point load?",
        "What is the difference between common law and civil law systems?",
    ]
    emb = embed_seed_questions(questions)
    assert emb.shape == (6, 384)
    pool = pa.table({"id": [f"q{i}" for i in range(6)], "trace_id": [f"q{i}#0" for i in range(6)],
                     "embedding": pa.FixedSizeListArray.from_arrays(pa.array(emb.astype(np.float16).ravel()), 384)})
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("Differentiate x^2 sin(x) with the product rule.\nWhat protein unzips DNA strands so they can be copied?\n")
    r = select(pool, "seeded", 2, seeds=str(seeds))
    assert r.ids == ["q0#0", "q2#0"] and r.scores.min() > 0.4


def test_seeded_embeds_seeds_with_the_pool_embedder_from_the_manifest(tmp_path, monkeypatch):
    """select reads the annotate manifest's embedding model, so seeds and pool share one embedding space."""
    from naturalthoughts.stages.selection import seeded
    from naturalthoughts.stages.selection.compose import pool_embedder

    table = synthetic_pool(200, dim=16, seed=3, centers=4)
    stage = tmp_path / "03-annotate"
    stage.mkdir()
    pq.write_table(table, stage / "data.parquet")
    (stage / "manifest.json").write_text(json.dumps({"extra": {"annotators": {"embedding": {"model": "my-embedder"}}}}))
    (stage / "_SUCCESS").write_text("")
    assert pool_embedder(stage) == pool_embedder(stage / "data.parquet") == "my-embedder"
    assert pool_embedder(tmp_path / "elsewhere.parquet") is None

    used = []

    def fake_embed(texts, embedder="all-minilm-l6-v2"):
        used.append(embedder)
        return np.random.default_rng(0).standard_normal((len(texts), 16)).astype(np.float32)

    monkeypatch.setattr(seeded, "embed_seed_questions", fake_embed)
    run_select(stage, tmp_path / "sel", "seeded", 5, seeds=["a seed question", "another one"])
    run_select(stage, tmp_path / "sel2", "seeded", 5, seeds=["a seed question"], embedder="explicit-model")
    assert used == ["my-embedder", "explicit-model"]  # an explicit --embedder wins over the manifest
    manifest = json.loads((tmp_path / "sel" / "manifest.json").read_text())
    assert manifest["config"]["options"]["seeded"]["embedder"] == "my-embedder"


@pytest.mark.parametrize("strategy,needs_embedding", [("long", False), ("semantic", True), ("random", False)])
def test_run_select_reads_only_the_columns_its_chain_needs(pool, tmp_path, monkeypatch, strategy, needs_embedding):
    """From a stage folder, the selection reads keys, its strategies' columns, token counts and the report's
    columns (the embedding only for embedding strategies); the written rows still carry every input column, in
    the input's values."""
    from naturalthoughts.core.store import write_stage
    from naturalthoughts.stages.selection import compose

    write_stage(tmp_path / "in", pool, stage="annotate", config={}, rows_per_shard=400)
    seen: list[list[str]] = []
    real = compose._read_pool

    def spy(path, columns):
        seen.append(list(columns))
        table, vectors = real(path, columns)
        assert "embedding" not in table.column_names  # streamed from the folder instead
        assert (vectors is not None) is ("embedding" in columns)
        return table, vectors

    monkeypatch.setattr(compose, "_read_pool", spy)
    options = {"method": "kmeans", "clusters": 10} if strategy == "semantic" else {}
    run_select(tmp_path / "in", tmp_path / "out", strategy, 50, seed=1, **options)
    assert ("embedding" in seen[0]) is needs_embedding and "trace_id" in seen[0] and "question" not in seen[0]
    out = read_table(tmp_path / "out")
    assert set(pool.column_names) <= set(out.column_names)
    by_key = {r["trace_id"]: r for r in pool.to_pylist()}
    for row in out.to_pylist()[:10]:
        assert {k: v for k, v in row.items() if k != "selection_score"} == by_key[row["trace_id"]]


def _with_unusable_embeddings(pool: pa.Table) -> pa.Table:
    """Rows 5, 50, 500 without an embedding; 6 with a NaN in it; 7 all zeros."""
    emb = pool.column("embedding").combine_chunks()
    values = emb.values.to_numpy(zero_copy_only=False).reshape(len(emb), -1).copy()
    values[6, 3], values[7] = np.nan, 0.0
    mask = np.zeros(len(emb), dtype=bool)
    mask[[5, 50, 500]] = True
    rebuilt = pa.FixedSizeListArray.from_arrays(pa.array(values.ravel()), type=emb.type, mask=pa.array(mask))
    return pool.set_column(pool.schema.get_field_index("embedding"), "embedding", rebuilt)


SEMANTIC_CASES = [("semantic", {"method": "kmeans", "clusters": 20}), ("semantic", {"method": "kcenter"}),
                  ("semantic", {"method": "hdbscan"}), ("semantic", {"method": "kmeans", "clusters": 9, "kmeans_pca_dims": 8})]


@pytest.mark.parametrize("strategy,options", SEMANTIC_CASES, ids=["kmeans", "kcenter", "hdbscan", "kmeans-pca"])
def test_embedding_streamed_from_the_folder_selects_what_the_table_in_memory_selects(pool, tmp_path, monkeypatch,
                                                                                     strategy, options):
    """A stage folder's embedding column is streamed in batches (97 rows here, so blocks span batches and
    shards) instead of held; ids, scores and exclusion counts equal selecting from the whole table in memory."""
    from naturalthoughts.core.store import write_stage
    from naturalthoughts.stages.selection import vectors

    monkeypatch.setattr(vectors, "_STREAM_ROWS", 97)
    pool = _with_unusable_embeddings(pool)
    write_stage(tmp_path / "in", shuffled(pool, 3), stage="annotate", config={}, rows_per_shard=400)
    manifest = run_select(tmp_path / "in", tmp_path / "out", strategy, 120, seed=2, **options)
    expected = select(pool, strategy, 120, seed=2, **options)
    assert manifest.extra["selected_ids"] == expected.ids
    assert manifest.counts["excluded"] == expected.counts["excluded"] and expected.counts["excluded"]["null:embedding"] == 5
    written = read_table(tmp_path / "out")
    assert written.column("selection_score").to_pylist() == pytest.approx(list(expected.scores))
    assert written.column("embedding").to_pylist() == pool.take(pa.array(expected.indices)).column("embedding").to_pylist()


def test_seeded_search_streamed_from_the_folder_equals_in_memory(pool, tmp_path, monkeypatch):
    from naturalthoughts.core.store import write_stage
    from naturalthoughts.stages.selection import vectors

    monkeypatch.setattr(vectors, "_STREAM_ROWS", 97)
    seeds = np.random.default_rng(5).standard_normal((7, 32)).astype(np.float32)
    write_stage(tmp_path / "in", pool, stage="annotate", config={}, rows_per_shard=333)
    manifest = run_select(tmp_path / "in", tmp_path / "out", "seeded", 60, seed=1, seed_embeddings=seeds)
    expected = select(pool, "seeded", 60, seed=1, seed_embeddings=seeds)
    assert manifest.extra["selected_ids"] == expected.ids
