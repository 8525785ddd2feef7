"""--executor ray on a local 2-CPU Ray instance: same rows as the local executor through the real llama.cpp server,
a worker killed mid-run still yields every row exactly once (no finished request repeated), and the CLI flags.

One Ray instance serves the whole module (start/stop bounded in time). Ray's own processes listen on all
interfaces, so the instance lives only as long as these tests and is always shut down.
"""

from __future__ import annotations

import json

import collections
import os
import time
from pathlib import Path

import pyarrow as pa
import pytest
from fault_proxy import FaultProxy

from naturalthoughts.core.sharding import Shard, select_shard
from naturalthoughts.core.store import Manifest, read_table, write_parquet
from naturalthoughts.executors.options import ExecutorOptions
from naturalthoughts.llm.backends.base import BackendSpec, SamplingParams
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.generation.questions import bundled_sample_pool, load_questions
from naturalthoughts.stages.generation.run import run_generate

pytestmark = pytest.mark.slow
# 200 questions as the issue asks (~25 s per pass on 2 idle cores at 8 tokens); smaller only to debug on a loaded box.
N_QUESTIONS = int(os.environ.get("NATURALTHOUGHTS_RAY_TEST_QUESTIONS", "200"))
BATCH = max(N_QUESTIONS // 10, 2)
DIE_AFTER = BATCH + BATCH // 2  # the dying worker is half-way through its 2nd batch
ROW_COLUMNS = ["id", "trace_id", "sample_index", "teacher_model", "reasoning", "response", "finish_reason",
               "completion_tokens"]


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    t0 = time.monotonic()
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=256 * 1024**2, _node_ip_address="127.0.0.1",
             log_to_driver=False, configure_logging=False)
    assert time.monotonic() - t0 < 120, "Ray took too long to start"
    try:
        yield ray
    finally:
        ray.shutdown()
    assert not ray.is_initialized()


@pytest.fixture(scope="module")
def questions_200(tmp_path_factory) -> Path:
    table, _ = load_questions(bundled_sample_pool())
    path = tmp_path_factory.mktemp("ray-q") / "questions.parquet"
    write_parquet(table.slice(0, N_QUESTIONS), path)
    return path


def _rows(path: Path) -> list[dict]:
    return read_table(path).select(ROW_COLUMNS).to_pylist()


def test_ray_matches_local_and_survives_a_killed_worker(llama_server, ray_local, questions_200, tmp_path, monkeypatch):
    params = SamplingParams(max_tokens=8, temperature=0.0)
    upstream = llama_server.rsplit("/v1", 1)[0]
    local_spec = BackendSpec(backend="openai", model="smollm2-135m", base_url=llama_server, concurrency=1)
    run_generate(questions_200, tmp_path / "local", local_spec, params, template="teacher-default",
                 cache=tmp_path / "local.sqlite", progress=False)

    # Ray: 2 workers, each on its own endpoint (two counting proxies in front of the one server); one worker dies
    # after 1.5 batches of finished rows (200 questions: 30 rows, 10 of them in its 2nd batch of 20), once.
    marker = tmp_path / "worker-died.txt"
    monkeypatch.setenv("NATURALTHOUGHTS_FAULT_EXIT_AFTER_ROWS", str(DIE_AFTER))
    monkeypatch.setenv("NATURALTHOUGHTS_FAULT_MARKER", str(marker))
    with FaultProxy(upstream) as proxy_a, FaultProxy(upstream) as proxy_b:
        ray_spec = BackendSpec(backend="openai", model="smollm2-135m", concurrency=1,
                               base_url=f"{proxy_a.base_url},{proxy_b.base_url}")
        options = ExecutorOptions(executor="ray", workers=2, batch_size=BATCH, cpus_per_worker=0.5)
        manifest = run_generate(questions_200, tmp_path / "ray", ray_spec, params, template="teacher-default",
                                cache=tmp_path / "ray.sqlite", progress=False, executor=options)

    assert marker.exists(), "the fault hook did not kill a worker"
    local, distributed = _rows(tmp_path / "local"), _rows(tmp_path / "ray")
    assert len(distributed) == N_QUESTIONS
    assert distributed == local  # same ids, same order, same texts at temperature 0

    # Exactly once at the server: every prompt forwarded once over both endpoints, none repeated after the death.
    per_prompt = collections.Counter(proxy_a.per_prompt) + collections.Counter(proxy_b.per_prompt)
    assert len(per_prompt) == N_QUESTIONS and set(per_prompt.values()) == {1}
    assert proxy_a.forwarded > 0 and proxy_b.forwarded > 0  # the endpoint list was spread over the workers
    # The retried batch found its finished rows (10 of 20 for 200 questions) in the row cache.
    assert manifest.counts["cache_hits"] == DIE_AFTER - BATCH
    assert manifest.counts["sent"] == N_QUESTIONS - (DIE_AFTER - BATCH)
    assert manifest.counts["out"] == N_QUESTIONS and manifest.counts["failed"] == 0
    assert manifest.extra["executor"]["executor"] == "ray" and manifest.extra["executor"]["workers"] == 2


def test_ray_rerun_is_all_cache_hits_and_shards_compose(ray_local, tmp_path):
    rows = [{"id": f"q{i:03d}", "question": f"Why does levee {i} fail under a slow flood?"} for i in range(40)]
    write_parquet(pa.Table.from_pylist(rows), tmp_path / "q.parquet")
    spec = BackendSpec(backend="fake", model="fake")
    params = SamplingParams(max_tokens=32)
    ray_opts = ExecutorOptions(executor="ray", workers=2, batch_size=8, cpus_per_worker=0.5)
    first = run_generate(tmp_path / "q.parquet", tmp_path / "a", spec, params, n=2, cache=tmp_path / "c.sqlite",
                         progress=False, executor=ray_opts)
    again = run_generate(tmp_path / "q.parquet", tmp_path / "b", spec, params, n=2, cache=tmp_path / "c.sqlite",
                         progress=False, executor=ray_opts)
    assert first.counts["sent"] == 80 and again.counts["sent"] == 0 and again.counts["cache_hits"] == 80
    assert _rows(tmp_path / "a") == _rows(tmp_path / "b")

    # --shard with the Ray executor: only the shard's questions, recorded in the manifest
    shard = Shard(1, 3)
    part = run_generate(tmp_path / "q.parquet", tmp_path / "s1", spec, params, n=2, cache=tmp_path / "c.sqlite",
                        progress=False, executor=ExecutorOptions(executor="ray", workers=2, batch_size=8,
                                                                 cpus_per_worker=0.5, shard=shard))
    expected = select_shard(read_table(tmp_path / "q.parquet"), shard).column("id").to_pylist()
    assert sorted(set(read_table(tmp_path / "s1").column("id").to_pylist())) == sorted(expected)
    assert part.config["shard"] == {"index": 1, "count": 3} and part.counts["in"] == len(expected)


def test_generate_cli_executor_flags(ray_local, tmp_path, capsys):
    rows = [{"id": f"q{i}", "question": f"How do tides shape estuary {i}?"} for i in range(12)]
    write_parquet(pa.Table.from_pylist(rows), tmp_path / "q.parquet")
    common = ["generate", "--in", str(tmp_path / "q.parquet"), "--backend", "fake", "--model", "fake",
              "--max-tokens", "32", "--no-progress", "--cache", str(tmp_path / "c.sqlite")]
    assert cli_main([*common, "--out", str(tmp_path / "ray"), "--executor", "ray", "--ray-workers", "2",
                     "--ray-batch-size", "4", "--ray-cpus-per-worker", "0.5"]) == 0
    assert Manifest.load(tmp_path / "ray").extra["executor"]["batch_size"] == 4
    assert read_table(tmp_path / "ray").column("id").to_pylist() == [f"q{i}" for i in range(12)]
    # several endpoints need the Ray executor: a clear error with the local one
    with pytest.raises(ValueError, match="needs --executor ray"):
        cli_main([*common, "--out", str(tmp_path / "loc"), "--backend", "openai", "--base-url", "http://127.0.0.1:9/v1",
                  "--base-url", "http://127.0.0.1:10/v1"])


def test_annotate_and_embedding_on_ray_match_local(ray_local, tmp_path):
    import numpy as np

    from naturalthoughts.stages.annotation.run import run_annotate

    rows = [{"id": f"q{i:02d}", "question": f"Why would a {w} bridge need expansion joints in climate {i}?"}
            for i, w in enumerate(["steel", "concrete", "timber", "stone"] * 6)]
    write_parquet(pa.Table.from_pylist(rows), tmp_path / "q.parquet")
    run_generate(tmp_path / "q.parquet", tmp_path / "traces", BackendSpec(backend="fake", model="fake"),
                 SamplingParams(max_tokens=64), cache=tmp_path / "c.sqlite", progress=False)
    names = "strategies,verbosity,domain,embedding"
    local = run_annotate(tmp_path / "traces", tmp_path / "local", names, cache=False, progress=False)
    dist = run_annotate(tmp_path / "traces", tmp_path / "ray", names, cache=False, progress=False,
                        executor=ExecutorOptions(executor="ray", workers=2, batch_size=6, cpus_per_worker=0.5))
    a, b = read_table(tmp_path / "local"), read_table(tmp_path / "ray")
    cols = ["trace_id", "strategies", "num_steps", "verbosity", "domain"]
    assert b.select(cols).to_pylist() == a.select(cols).to_pylist()
    ea, eb = (np.array(t.column("embedding").to_pylist(), dtype=np.float32) for t in (a, b))
    assert ea.shape == eb.shape == (24, 384)
    assert (ea * eb).sum(axis=1).min() > 0.99  # same unit vectors (batching may move bf16 rounding slightly)
    assert dist.extra["annotators"]["domain"]["domains"] == local.extra["annotators"]["domain"]["domains"]
    assert dist.extra["executor"]["executor"] == "ray" and dist.counts["out"] == 24


def test_generate_executor_ray_with_default_flags_finishes_on_this_machine(tmp_path):
    """As the README shows it: `--executor ray` and no tuning flag, Ray started by the command itself on however
    many cores this machine has (2 here: two 1-CPU actors once starved Ray's read task forever)."""
    import subprocess
    import sys

    pytest.importorskip("ray")
    rows = [{"id": f"q{i}", "question": f"How do tides shape estuary {i}?"} for i in range(40)]
    write_parquet(pa.Table.from_pylist(rows), tmp_path / "q.parquet")
    cmd = [sys.executable, "-m", "naturalthoughts", "generate", "--in", str(tmp_path / "q.parquet"),
           "--out", str(tmp_path / "ray"), "--backend", "fake", "--model", "fake", "--executor", "ray",
           "--cache", str(tmp_path / "c.sqlite"), "--no-progress"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert read_table(tmp_path / "ray").column("id").to_pylist() == [f"q{i}" for i in range(40)]
    shards = json.loads((tmp_path / "ray" / "manifest.json").read_text())["outputs"]
    assert [s["rows"] for s in shards] == [32, 8]  # the automatic slice size's floor for a small input


@pytest.mark.parametrize("rows, workers, given, expected", [
    (40, 2, None, 32), (20_000, 2, None, 625), (1_000_000, 2, None, 4096), (1_000_000, 8, None, 4096),
    (100_000, 8, None, 782), (1_000_000, 2, 100, 100),
])
def test_slice_size_is_automatic_unless_given(rows, workers, given, expected):
    from naturalthoughts.executors.settings import ExecutorSettings

    assert ExecutorSettings(executor="ray", workers=workers, batch_size=given).rows_per_slice(rows) == expected


def test_workers_write_the_shards_and_the_driver_only_lists_them(ray_local, tmp_path):
    """map_to_folder on Ray: shards written by the workers, one per slice in input order, identical rows to the
    local executor's, and the driver gets back only names, counts and hashes."""
    from functools import partial

    from naturalthoughts.core.datafiles import read_all
    from naturalthoughts.stages.generation.batch import generate_batch

    rows = [{"id": f"q{i:02d}", "question": f"What limits the span of bridge {i}?"} for i in range(26)]
    write_parquet(pa.Table.from_pylist(rows), tmp_path / "q.parquet")
    fn = partial(generate_batch, params=SamplingParams(max_tokens=16), n=2, template="teacher-default")
    specs = {"teacher": BackendSpec(backend="fake", model="fake")}
    kw = dict(specs=specs, cache_path=tmp_path / "c.sqlite", use_cache=True, progress=False, slice_rows=5)
    ray_opts = ExecutorOptions(executor="ray", workers=2, batch_size=5, cpus_per_worker=0.5)
    got = ray_opts.map_to_folder(tmp_path / "q.parquet", fn, tmp_path / "ray", **kw)
    local = ExecutorOptions().map_to_folder(tmp_path / "q.parquet", fn, tmp_path / "local", **kw)
    assert [s["rows"] for s in got.shards] == [10, 10, 10, 10, 10, 2] == [s["rows"] for s in local.shards]
    assert [s["path"] for s in got.shards] == [f"data/part-{i:05d}.parquet" for i in range(6)]
    assert got.rows_in == 26 and got.stats["teacher"].completion_tokens > 0
    ray_rows = read_all([tmp_path / "ray" / s["path"] for s in got.shards])
    local_rows = read_all([tmp_path / "local" / s["path"] for s in local.shards])
    assert ray_rows.select(ROW_COLUMNS).to_pylist() == local_rows.select(ROW_COLUMNS).to_pylist()
    assert ray_rows.column("trace_id").to_pylist()[:4] == ["q00#0", "q00#1", "q01#0", "q01#1"]


def _shard_files(folder: Path) -> dict[str, tuple[int, int]]:
    return {f.name: (f.stat().st_ino, f.stat().st_mtime_ns) for f in sorted((folder / "data").glob("part-*"))}


def _kill_mid_way(folder: Path, index: int) -> None:
    """What a run killed while slice ``index`` was being written leaves: no shard, no record, a worker's temp
    file, and no manifest or _SUCCESS."""
    (folder / "data" / f"part-{index:05d}.parquet").unlink()
    (folder / "_slices" / f"{index:06d}.json").unlink()
    (folder / "data" / f"part-{index:05d}.parquet.4242.tmp").write_bytes(b"half a shard")
    (folder / "_SUCCESS").unlink()
    (folder / "manifest.json").unlink()


def test_ray_rerun_keeps_finished_slices_and_redoes_only_the_rest(ray_local, tmp_path):
    """Resume by shard on Ray (annotate from a stage folder, generate from an in-memory question table): a re-run
    after a run killed mid-way keeps every finished shard untouched (same inode and mtime), writes only the
    missing one, drops the temp file, and ends with every row exactly once in input order; a changed config
    keeps nothing."""
    from naturalthoughts.stages.annotation.run import run_annotate

    rows = [{"id": f"q{i:02d}", "question": f"Why would a {w} pier scour in flood {i}?"}
            for i, w in enumerate(["granite", "timber", "steel"] * 8)]
    write_parquet(pa.Table.from_pylist(rows), tmp_path / "q.parquet")
    ray_opts = ExecutorOptions(executor="ray", workers=2, batch_size=6, cpus_per_worker=0.5)
    spec = BackendSpec(backend="fake", model="fake")
    gen = dict(cache=tmp_path / "c.sqlite", progress=False, executor=ray_opts)
    run_generate(tmp_path / "q.parquet", tmp_path / "traces", spec, SamplingParams(max_tokens=32), **gen)
    before = _shard_files(tmp_path / "traces")
    assert len(before) == 4 and len(list((tmp_path / "traces" / "_slices").glob("*.json"))) == 4
    _kill_mid_way(tmp_path / "traces", 1)
    run_generate(tmp_path / "q.parquet", tmp_path / "traces", spec, SamplingParams(max_tokens=32), **gen)
    after = _shard_files(tmp_path / "traces")
    assert sorted(after) == sorted(before)  # the temp file is gone
    assert {k: v for k, v in after.items() if k != "part-00001.parquet"} == \
        {k: v for k, v in before.items() if k != "part-00001.parquet"}
    assert after["part-00001.parquet"] != before["part-00001.parquet"]
    assert read_table(tmp_path / "traces").column("id").to_pylist() == [r["id"] for r in rows]

    names = "strategies,verbosity"
    ann = dict(cache=False, progress=False, executor=ray_opts)
    first = run_annotate(tmp_path / "traces", tmp_path / "ann", names, **ann)
    expected = read_table(tmp_path / "ann").to_pylist()
    before = _shard_files(tmp_path / "ann")
    _kill_mid_way(tmp_path / "ann", 2)
    again = run_annotate(tmp_path / "traces", tmp_path / "ann", names, **ann)
    after = _shard_files(tmp_path / "ann")
    assert [k for k in after if after[k] != before[k]] == ["part-00002.parquet"]
    assert read_table(tmp_path / "ann").to_pylist() == expected
    assert again.counts == first.counts and again.counts["out"] == 24

    run_annotate(tmp_path / "traces", tmp_path / "ann", "strategies", **ann)  # another config: nothing kept
    changed = _shard_files(tmp_path / "ann")
    assert sorted(changed) == sorted(before) and all(changed[k] != after[k] for k in changed)
