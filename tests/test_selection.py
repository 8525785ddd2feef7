"""Each selection strategy against its definition, on constructed pools where the right answer is known.

Run: python -m pytest -q tests/test_selection.py
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from naturalthoughts.stages.selection import select
from naturalthoughts.stages.selection.base import SelectionError, acceptance_passes, balanced_quotas, round_robin
from naturalthoughts.stages.selection.long import long_probability
from naturalthoughts.stages.selection.strategies import resolve_band, resolve_min_density, strategy_probability


def make_pool(rows: int, **columns) -> pa.Table:
    """Traces q{i}#0 with the given annotation columns (lists/arrays; None entries become nulls)."""
    data = {"id": [f"q{i:05d}" for i in range(rows)], "trace_id": [f"q{i:05d}#0" for i in range(rows)]}
    data.update({k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in columns.items()})
    return pa.table(data)


def with_embeddings(table: pa.Table, emb: np.ndarray) -> pa.Table:
    arr = pa.FixedSizeListArray.from_arrays(pa.array(emb.astype(np.float32).reshape(-1)), emb.shape[1])
    return table.append_column("embedding", arr)


def selected_values(table: pa.Table, result, column: str) -> list:
    return table.column(column).take(pa.array(result.indices)).to_pylist()


# ------------------------------------------------------------------------------------------------- random
def test_random_is_uniform_over_seeds():
    pool = make_pool(100)
    hits = np.zeros(100)
    for seed in range(300):
        r = select(pool, "random", 25, seed=seed, report=False)
        assert len(set(r.ids)) == 25
        hits[r.indices] += 1
        assert np.allclose(r.scores, 0.25)
    freq = hits / 300
    sd = np.sqrt(0.25 * 0.75 / 300)
    assert np.abs(freq - 0.25).max() < 5 * sd


# --------------------------------------------------------------------------------------------------- long
def test_long_probability_formula_matches_paper_values():
    p = long_probability(np.array([0, 1000, 2500, 4000, 5000, 9000]))
    assert p[0] == 0.0
    assert p[1] == pytest.approx((1000 / 5000) ** 2.5) and round(p[1], 3) == 0.018
    assert round(p[2], 3) == 0.177 and round(p[3], 3) == 0.572
    assert p[4] == 1.0 and p[5] == 1.0  # clipped at 1


def test_acceptance_passes_are_geometric():
    rng = np.random.default_rng(0)
    p = np.full(200_000, 0.3)
    order, passes = acceptance_passes(p, rng)
    assert abs((passes == 1).mean() - 0.3) < 0.005  # first-pass keep rate is p
    assert abs(passes.mean() - 1 / 0.3) < 0.03  # pass of first keep ~ Geometric(p)
    assert np.all(np.diff(passes[order]) >= 0)  # earlier passes come first


def test_long_inclusion_follows_formula_within_sampling_error():
    lengths = np.repeat([1000, 2500, 4000, 5000, 8000], 2000)
    pool = make_pool(len(lengths), reasoning_tokens=lengths)
    p = long_probability(np.array([1000, 2500, 4000, 5000, 8000]))
    n, seeds = 500, 20
    counts = np.zeros(5)
    for seed in range(seeds):
        r = select(pool, "long", n, seed=seed, report=False)
        counts += np.bincount(np.searchsorted([1000, 2500, 4000, 5000, 8000], lengths[r.indices]), minlength=5)
        assert np.allclose(r.scores, long_probability(lengths[r.indices]))
    # the first pass keeps ~sum(2000 p) > n rows, so N are drawn uniformly among them: inclusion ∝ p
    expected = seeds * n * p / p.sum()
    assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected) + 2), (counts, expected)


def test_long_repeats_passes_until_n_and_never_takes_zero_length():
    lengths = np.r_[np.full(300, 1000), np.zeros(20, dtype=int)]
    pool = make_pool(len(lengths), reasoning_tokens=lengths)
    r = select(pool, "long", 280, seed=3)  # p=0.018: one pass would keep ~5 rows
    assert len(r.ids) == 280 and lengths[r.indices].min() == 1000
    assert r.stages[-1]["report"]["passes_needed"] > 1
    with pytest.raises(ValueError, match="can rank only 300"):
        select(pool, "long", 310, seed=3)


# --------------------------------------------------------------------------------------------- strategies
def test_strategy_band_boundaries():
    k = np.arange(1, 13)
    p, out_of_band, low = strategy_probability(k, k)  # steps == strategies: dense
    assert not low.any()
    assert out_of_band.tolist() == [True] * 4 + [False] * 4 + [True] * 4  # <=4 and >8 are out of band
    assert p.tolist() == [0.1] * 4 + [1.0] * 4 + [0.1] * 4
    p, _, low = strategy_probability(np.array([6, 6]), np.array([6, 7]))
    assert low.tolist() == [False, True] and p.tolist() == [1.0, 0.5]  # fewer strategies than steps


def test_strategies_selects_band_first_and_options_move_the_band():
    k = np.tile(np.arange(1, 13), 50)
    pool = make_pool(len(k), num_strategies=k, num_steps=k)
    r = select(pool, "strategies", 200, seed=0, out_of_band_rate=0.0)  # exactly the 5..8 band
    got = np.array(selected_values(pool, r, "num_strategies"))
    assert len(got) == 200 and got.min() == 5 and got.max() == 8
    r = select(pool, "strategies", 150, seed=0, out_of_band_rate=0.0, r_min=2, r_max=5)
    got = np.array(selected_values(pool, r, "num_strategies"))
    assert set(got) == {3, 4, 5}
    # default rates: preferred rows dominate, downsampled ones appear at their lower rate
    r = select(pool, "strategies", 200, seed=0)
    got = np.array(selected_values(pool, r, "num_strategies"))
    in_band = ((got > 4) & (got <= 8)).mean()
    assert 0.6 < in_band < 0.9  # first pass keeps 200 in-band and ~40 out-of-band rows


def test_strategies_downsamples_low_density():
    k = np.full(400, 6)
    steps = np.r_[np.full(200, 6), np.full(200, 12)]  # second half: fewer strategies than steps
    pool = make_pool(400, num_strategies=k, num_steps=steps)
    r = select(pool, "strategies", 200, seed=1, low_density_rate=0.0)
    assert set(selected_values(pool, r, "num_steps")) == {6}


def test_quantile_band_gives_the_documented_r_min_r_max():
    k = np.arange(1, 101)  # 1..100: the 25 % quantile (method lower) is 25, the 75 % one (method higher) 76
    assert resolve_band(k, "quantiles:0.25,0.75") == (25, 76)
    assert resolve_band(k, "fixed", 4, 8) == (4, 8)
    assert resolve_band(np.full(10, 3), "quantiles:0.2,0.8") == (3, 4)  # a constant pool still gets a band
    for bad in ("quantiles:0.8,0.2", "quantiles:0.5", "quantiles:a,b", "quantiles:0.1,1.5", "percentiles:0.1,0.9"):
        with pytest.raises(SelectionError):
            resolve_band(k, bad)


def test_strategies_reports_the_band_it_used():
    # A lexical-scale pool: counts 1..6, so the paper's 5..8 band holds only the tail (5, 6).
    k = np.tile(np.arange(1, 7), 100)
    pool = make_pool(len(k), num_strategies=k, num_steps=k)
    fixed = select(pool, "strategies", 100, seed=0, out_of_band_rate=0.0)
    assert fixed.stages[-1]["report"]["r_band"] == "fixed"
    assert (fixed.stages[-1]["report"]["r_min"], fixed.stages[-1]["report"]["r_max"]) == (4, 8)
    assert set(selected_values(pool, fixed, "num_strategies")) == {5, 6}
    quant = select(pool, "strategies", 200, seed=0, out_of_band_rate=0.0, r_band="quantiles:0.25,0.75")
    rep = quant.stages[-1]["report"]
    assert rep["r_band"] == "quantiles:0.25,0.75" and (rep["r_min"], rep["r_max"]) == (2, 5)
    assert set(selected_values(pool, quant, "num_strategies")) == {3, 4, 5}  # the middle of the pool
    assert quant.params["options"]["strategies"]["r_band"] == "quantiles:0.25,0.75"


def test_cli_r_band_is_recorded_in_the_manifest(tmp_path, capsys):
    import json

    import pyarrow.parquet as pq

    from naturalthoughts.main import main

    k = np.tile(np.arange(1, 7), 50)
    src = tmp_path / "in.parquet"
    pq.write_table(make_pool(len(k), num_strategies=k, num_steps=k), src)
    rc = main(["select", "--in", str(src), "--out", str(tmp_path / "sel"), "--strategy", "strategies", "--n", "40",
               "--r-band", "quantiles:0.25,0.75", "--min-density", "quantile:0.3"])
    assert rc == 0 and "selected 40 of 300" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "sel" / "manifest.json").read_text())
    assert manifest["config"]["options"]["strategies"]["r_band"] == "quantiles:0.25,0.75"
    report = manifest["extra"]["stages"][-1]["report"]
    assert (report["r_band"], report["r_min"], report["r_max"]) == ("quantiles:0.25,0.75", 2, 5)
    assert report["density_rule"] == "quantile:0.3"
    rc = main(["select", "--in", str(src), "--out", str(tmp_path / "bad"), "--strategy", "strategies", "--n", "40",
               "--r-band", "quantiles:0.9,0.1"])
    assert rc == 2 and "LO < HI" in capsys.readouterr().err


def test_density_quantile_flags_the_least_dense_rows():
    k = np.full(400, 4)
    steps = np.r_[np.full(300, 5), np.full(100, 20)]  # every row has fewer strategies than steps
    assert resolve_min_density(k, steps, 1.0) == 1.0 and resolve_min_density(k, steps, "0.5") == 0.5
    assert resolve_min_density(k, steps, "quantile:0.5") == pytest.approx(0.8)
    pool = make_pool(400, num_strategies=k, num_steps=steps)
    literal = select(pool, "strategies", 10, seed=0, r_min=3, r_max=5)
    assert literal.stages[-1]["report"]["pool_low_density"] == 400  # the paper's rule flags everyone
    quant = select(pool, "strategies", 300, seed=0, r_min=3, r_max=5, min_density="quantile:0.5", low_density_rate=0.0)
    rep = quant.stages[-1]["report"]
    assert rep["density_rule"] == "quantile:0.5" and rep["min_density"] == pytest.approx(0.8)
    assert rep["pool_low_density"] == 100 and set(selected_values(pool, quant, "num_steps")) == {5}
    with pytest.raises(SelectionError):
        resolve_min_density(k, steps, "quantile:2")


def test_density_auto_uses_the_quantile_rule_for_lexical_counts_and_the_papers_rule_for_the_judge():
    k = np.full(400, 4)
    steps = np.r_[np.full(300, 5), np.full(100, 20)]  # every row has fewer strategies than steps
    lexical = make_pool(400, num_strategies=k, num_steps=steps, strategies_method=["lexical"] * 400)
    rep = select(lexical, "strategies", 10, seed=0, r_min=3, r_max=5).stages[-1]["report"]
    assert (rep["density_setting"], rep["density_rule"]) == ("auto", "quantile:0.25")
    assert rep["pool_low_density"] == 100  # the least dense quarter, not everyone
    judged = make_pool(400, num_strategies=k, num_steps=steps, strategies_method=["judge"] * 400)
    rep = select(judged, "strategies", 10, seed=0, r_min=3, r_max=5).stages[-1]["report"]
    assert (rep["density_setting"], rep["density_rule"], rep["pool_low_density"]) == ("auto", "fixed", 400)
    explicit = select(lexical, "strategies", 10, seed=0, r_min=3, r_max=5, min_density=1.0).stages[-1]["report"]
    assert explicit["pool_low_density"] == 400  # an explicit value always wins


# ------------------------------------------------------------------------------------------------- topic
def test_topic_uniform_redistributes_short_domains():
    domains = ["A"] * 1000 + ["B"] * 1000 + ["C"] * 30 + ["D"] * 10
    pool = make_pool(len(domains), domain=domains)
    r = select(pool, "topic-uniform", 400, seed=0)
    got = dict(zip(*np.unique(selected_values(pool, r, "domain"), return_counts=True)))
    assert got == {"A": 180, "B": 180, "C": 30, "D": 10}
    rep = r.stages[-1]["report"]
    assert rep["equal_quota"] == 100 and rep["short_groups"] == {"C": 30, "D": 10} and rep["redistributed"] == 160
    assert r.report["subset"]["domain"] == {"A": 180, "B": 180, "C": 30, "D": 10}
    # inclusion probability per domain is the score
    scores = dict(zip(selected_values(pool, r, "domain"), r.scores))
    assert scores["C"] == 1.0 and scores["A"] == pytest.approx(0.18)


def test_balanced_quotas_and_round_robin_agree():
    sizes = np.array([50, 3, 20, 7])
    assert balanced_quotas(sizes, 40).tolist() == [15, 3, 15, 7]
    groups = np.repeat(np.arange(4), sizes)
    order = round_robin(groups, np.random.default_rng(0))
    assert sorted(order.tolist()) == list(range(80))
    assert np.bincount(groups[order[:40]], minlength=4).tolist() == [15, 3, 15, 7]


# --------------------------------------------------------------------------------------------- verbosity
def test_verbosity_orderings():
    v = np.tile(np.arange(11), 20)
    pool = make_pool(len(v), verbosity=v)
    low = np.array(selected_values(pool, select(pool, "verbosity-low", 50, seed=0), "verbosity"))
    assert sorted(low.tolist()) == [0] * 20 + [1] * 20 + [2] * 10
    high = np.array(selected_values(pool, select(pool, "verbosity-high", 50, seed=0), "verbosity"))
    assert sorted(high.tolist()) == [8] * 10 + [9] * 20 + [10] * 20
    med = select(pool, "verbosity-med", 20, seed=0)
    assert set(selected_values(pool, med, "verbosity")) == {5} and med.stages[-1]["report"]["fallback_rows"] == 0


def test_verbosity_med_fallback_is_nearest_scores():
    v = np.r_[np.full(10, 5), np.full(10, 4), np.full(10, 6), np.full(10, 3), np.full(10, 9)]
    pool = make_pool(len(v), verbosity=v)
    r = select(pool, "verbosity-med", 35, seed=0)
    got = np.array(selected_values(pool, r, "verbosity"))
    assert (got == 5).sum() == 10 and set(got[got != 5]) <= {3, 4, 6} and (got == 3).sum() == 5
    assert r.stages[-1]["report"]["fallback_rows"] == 25
    with pytest.raises(ValueError, match="can rank only 10"):
        select(pool, "verbosity-med", 35, seed=0, med_fallback=False)


# ------------------------------------------------------------------------------------------- agreement
def test_disagree_and_agree_exclude_undecided():
    agree = [True, False, None] * 30
    pool = make_pool(90, agree=agree)
    r = select(pool, "disagree", 30, seed=0)
    assert set(selected_values(pool, r, "agree")) == {False}
    assert r.counts["excluded"] == {"null:agree": 30} and np.allclose(r.scores, 1.0)
    r = select(pool, "agree", 10, seed=0)
    assert set(selected_values(pool, r, "agree")) == {True}
    with pytest.raises(ValueError, match="can rank only 30"):
        select(pool, "disagree", 31, seed=0)


def test_chain_disagree_then_strategies():
    rng = np.random.default_rng(0)
    k = rng.integers(1, 13, 600)
    pool = make_pool(600, agree=(rng.random(600) < 0.5).tolist(), num_strategies=k, num_steps=k)
    r = select(pool, "disagree+strategies", 50, seed=0, out_of_band_rate=0.0)
    assert set(selected_values(pool, r, "agree")) == {False}
    assert set(selected_values(pool, r, "num_strategies")) <= {5, 6, 7, 8}
    assert [s["role"] for s in r.stages] == ["filter", "sample"]
    assert select(pool, "disagree,strategies", 50, seed=0, out_of_band_rate=0.0).ids == r.ids
    assert r.counts["excluded"]["filtered:disagree"] == int((np.array(pool.column("agree").to_pylist()) == True).sum())  # noqa: E712
    # a sampler with a count narrows the pool for the next stage
    pool = pool.append_column("reasoning_tokens", pa.array(rng.integers(100, 9000, 600)))
    pool = pool.append_column("verbosity", pa.array(rng.integers(0, 11, 600), pa.int8()))
    r = select(pool, "long:100+verbosity-low", 10, seed=0)
    assert r.stages[0]["rows_out"] == 100 and len(r.ids) == 10


# ----------------------------------------------------------------------------------------------- semantic
def _clustered(sizes, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.eye(dim)[: len(sizes)] * 10
    labels = np.repeat(np.arange(len(sizes)), sizes)
    emb = centres[labels] + rng.standard_normal((len(labels), dim)) * 0.5
    return with_embeddings(make_pool(len(labels), cluster=labels), emb), labels


@pytest.mark.parametrize("method", ["kmeans", "hdbscan", "kcenter"])
def test_semantic_balances_clusters(method):
    pool, labels = _clustered([400, 100, 50, 30, 20])
    opts = {"clusters": 5} if method == "kmeans" else {}
    r = select(pool, "semantic", 100, seed=0, method=method, **opts)
    counts = np.bincount(labels[r.indices], minlength=5)
    if method == "kcenter":
        assert len(set(labels[r.indices[:5]])) == 5  # the first five picks cover all five clusters
        assert counts.min() >= 1
    else:
        assert counts.min() >= 15 and counts.max() <= 25, counts  # ~20 each instead of 80/20/10/6/4
    assert r.stages[-1]["report"]["method"] == method


def test_semantic_auto_uses_hdbscan_on_small_pools():
    pool, _ = _clustered([60, 60, 60])
    r = select(pool, "semantic", 30, seed=0)
    assert r.stages[-1]["report"]["method"] == "hdbscan"


# ------------------------------------------------------------------------------------------------- seeded
def test_seeded_takes_nearest_neighbours_rank_by_rank():
    dim = 8
    seeds = np.eye(dim)[:2]
    # questions 0-4 near seed 0 (decreasing similarity), 5-9 near seed 1, 10-19 far from both
    emb = np.zeros((20, dim))
    for i in range(5):
        emb[i] = seeds[0] * (1 - 0.1 * i) + np.eye(dim)[5] * 0.1 * i
        emb[5 + i] = seeds[1] * (1 - 0.1 * i) + np.eye(dim)[6] * 0.1 * i
    emb[10:] = np.eye(dim)[7] + np.random.default_rng(0).random((10, dim)) * 0.1
    pool = with_embeddings(make_pool(20), emb)
    r = select(pool, "seeded", 6, seed_embeddings=seeds)
    assert r.ids == ["q00000#0", "q00005#0", "q00001#0", "q00006#0", "q00002#0", "q00007#0"]
    assert np.all(np.diff(r.scores[::2]) < 0)
    r = select(pool, "seeded", 10, seed_embeddings=seeds, k=2, allow_short=True)
    assert len(r.ids) == 4  # k caps neighbours per seed


def test_seeded_dedups_and_keeps_one_trace_per_question():
    seeds = np.array([[1.0, 0, 0, 0], [0.99, 0.1, 0, 0]])  # two seeds with the same neighbours
    emb = np.repeat(np.array([[1.0, 0, 0, 0], [0.9, 0.4, 0, 0], [0, 0, 1.0, 0]]), 2, axis=0)
    table = pa.table({"id": ["a", "a", "b", "b", "c", "c"], "trace_id": ["a#0", "a#1", "b#0", "b#1", "c#0", "c#1"]})
    pool = with_embeddings(table, emb)
    r = select(pool, "seeded", 3, seed_embeddings=seeds)
    assert [i.split("#")[0] for i in r.ids] == ["a", "b", "c"]
    assert r.stages[-1]["report"]["duplicate_neighbours_skipped"] >= 1


def test_seeded_search_is_exact_across_blocks_and_storage_order():
    """The blockwise threshold search returns brute force's top-k, ties on the lower candidate index, whatever
    order the rows are stored in (several blocks: 10k candidates, blocks of 2048, 4096, 8192 rows)."""
    from naturalthoughts.stages.selection.base import Pool
    from naturalthoughts.stages.selection.seeded import nearest

    rng = np.random.default_rng(3)
    emb = rng.standard_normal((10_000, 12)).astype(np.float32)
    emb[5000:5100] = emb[17]  # 101 identical rows: ties straddle the top-k cut
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    queries = np.vstack([emb[17], rng.standard_normal((4, 12))]).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    k = 60
    table = with_embeddings(make_pool(len(emb)), emb)
    for shuffle in (False, True):
        stored = table.take(pa.array(rng.permutation(len(emb)))) if shuffle else table
        pool = Pool(stored)
        candidates = np.arange(len(emb))  # canonical positions = q00000.. order = the rows of emb
        sims, idx = nearest(pool, candidates, queries, k)
        exact = emb @ queries.T
        for j in range(len(queries)):
            want = np.lexsort((np.arange(len(emb)), -exact[:, j]))[:k]
            assert idx[j].tolist() == want.tolist()
            np.testing.assert_allclose(sims[j], exact[want, j], rtol=1e-5)
    assert idx[0].tolist() == [17] + list(range(5000, 5059))  # the tie block, lowest indices first


def test_kmeans_and_seeded_ids_do_not_depend_on_threads(monkeypatch):
    pool, _ = _clustered([400, 100, 50, 30, 20])
    ids = {}
    for threads in ("1", "2"):  # the thread count follows the idle cores; the selection must not
        monkeypatch.setenv("NATURALTHOUGHTS_SELECT_THREADS", threads)
        seeds = np.eye(16)[:3] + 0.1
        ids[threads] = (select(pool, "semantic", 100, seed=3, method="kmeans", clusters=8).ids,
                        select(pool, "seeded", 50, seed=3, seed_embeddings=seeds).ids)
    assert ids["1"] == ids["2"]
    with pytest.raises(ValueError, match="kmeans_engine"):
        select(pool, "semantic", 10, method="kmeans", kmeans_engine="nope")


@pytest.mark.parametrize("engine", ["sklearn", "faiss"])
def test_kmeans_engines_balance_clusters(engine):
    if engine == "faiss":
        pytest.importorskip("faiss")
    pool, labels = _clustered([400, 100, 50, 30, 20])
    r = select(pool, "semantic", 100, seed=0, method="kmeans", clusters=5, kmeans_engine=engine)
    counts = np.bincount(labels[r.indices], minlength=5)
    assert counts.min() >= 15 and counts.max() <= 25, (engine, counts)
    assert r.stages[-1]["report"]["kmeans_engine"] == engine


@pytest.mark.parametrize("threads", ["1", "2"])
def test_kcenter_picks_do_not_depend_on_the_thread_count(threads, monkeypatch):
    from naturalthoughts.stages.selection.synthetic import synthetic_pool

    pool = synthetic_pool(6000, dim=32, seed=3, centers=40)
    monkeypatch.setenv("NATURALTHOUGHTS_THREADS", "1")
    serial = select(pool, "semantic", 300, seed=0, method="kcenter", clusters=12).ids
    monkeypatch.setenv("NATURALTHOUGHTS_THREADS", threads)
    assert select(pool, "semantic", 300, seed=0, method="kcenter", clusters=12).ids == serial
