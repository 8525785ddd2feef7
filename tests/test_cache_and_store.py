import os
import sqlite3

import pyarrow as pa

from naturalthoughts.core.schema import TRACE_SCHEMA, conform, question_id
from naturalthoughts.core.store import Manifest, is_complete, read_table, redact, write_stage
from naturalthoughts.llm.backends import BackendSpec, ChatRequest, SamplingParams, make_backend
from naturalthoughts.llm.cache import RequestCache, request_key, usable
from naturalthoughts.llm.runner import RunStats, run_requests


def _req(**kw):
    params = kw.pop("params", SamplingParams())
    return ChatRequest.chat([{"role": "user", "content": kw.pop("q", "What is 2+2?")}], params=params, **kw)


def test_cache_key_changes_with_output_determining_params():
    base = request_key("llamacpp:m", _req())
    assert request_key("llamacpp:m", _req()) == base
    assert request_key("llamacpp:other", _req()) != base
    assert request_key("llamacpp:m", _req(q="What is 3+3?")) != base
    assert request_key("llamacpp:m", _req(params=SamplingParams(temperature=0.7))) != base
    assert request_key("llamacpp:m", _req(params=SamplingParams(top_p=0.5))) != base
    assert request_key("llamacpp:m", _req(params=SamplingParams(seed=1))) != base
    assert request_key("llamacpp:m", _req(sample_index=1)) != base
    assert request_key("llamacpp:m", _req(assistant_prefix="<think>")) != base
    # max_tokens is not in the key: finished rows survive a budget change.
    assert request_key("llamacpp:m", _req(params=SamplingParams(max_tokens=99))) == base


def test_usable_rules_for_budget_changes():
    from naturalthoughts.llm.backends.base import Completion

    done = Completion("x", "stop", completion_tokens=50, max_tokens=100)
    cut = Completion("x", "length", completion_tokens=100, max_tokens=100)
    assert usable(done, _req(params=SamplingParams(max_tokens=200)))
    assert not usable(done, _req(params=SamplingParams(max_tokens=20)))
    assert usable(cut, _req(params=SamplingParams(max_tokens=100)))
    assert not usable(cut, _req(params=SamplingParams(max_tokens=100)), retry_truncated=True)
    assert not usable(cut, _req(params=SamplingParams(max_tokens=400)))
    assert not usable(Completion(None, "error", error="timeout"), _req())


def test_runner_reuses_cache_and_counts(tmp_path):
    backend = make_backend(BackendSpec(backend="fake", model="t"))
    cache = RequestCache(tmp_path / "c.sqlite")
    reqs = [_req(q=f"question {i}") for i in range(20)]
    s1 = RunStats()
    first = run_requests(backend, reqs, cache, stats=s1)
    assert backend.calls == 20 and s1.cache_hits == 0 and len(cache) == 20
    s2 = RunStats()
    second = run_requests(backend, reqs, cache, stats=s2)
    assert backend.calls == 20 and s2.cache_hits == 20
    assert [c.text for c in first] == [c.text for c in second]
    # WAL mode: a crash cannot leave a half-written row.
    assert sqlite3.connect(tmp_path / "c.sqlite").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_write_stage_manifest_and_redaction(tmp_path):
    rows = [{"id": question_id("Q?"), "question": "Q?", "trace_id": "a#0", "sample_index": 0}]
    table = conform(pa.Table.from_pylist(rows), TRACE_SCHEMA)
    write_stage(tmp_path / "out", table, stage="test", config={"api_key": "sk-secret", "api_key_env": "KEY", "n": 1},
                    counts={"in": 2, "rejected": {"bad": 1}})
    assert is_complete(tmp_path / "out")
    text = (tmp_path / "out" / "manifest.json").read_text()
    assert "sk-secret" not in text and "KEY" in text
    loaded = Manifest.load(tmp_path / "out")
    assert loaded.counts == {"in": 2, "rejected": {"bad": 1}, "out": 1}
    assert loaded.outputs[0]["rows"] == 1 and len(loaded.outputs[0]["sha256"]) == 64
    assert read_table(tmp_path / "out").schema.field("qc_flags").type == pa.list_(pa.string())
    os.remove(tmp_path / "out" / "_SUCCESS")
    try:
        read_table(tmp_path / "out")
        raise AssertionError("incomplete stage must not be read")
    except FileNotFoundError as exc:
        assert "incomplete" in str(exc)


def test_redact_nested():
    assert redact({"a": {"openai_api_key": "x", "max_tokens": 5}}) == {"a": {"openai_api_key": "<redacted>", "max_tokens": 5}}
    # counts under token-ish keys stay; strings under them do not
    assert redact({"num_input_tokens_seen": 1234, "hf_token": "hf_abc", "token_count": 7.5}) == {
        "num_input_tokens_seen": 1234, "hf_token": "<redacted>", "token_count": 7.5}


def test_folder_cache_one_file_per_writer_reads_the_others(tmp_path):
    """A cache folder: each process writes only its own SQLite file and reads the others read-only, so a run folder
    on a network filesystem is never written by two hosts at once (SQLite WAL needs shared memory)."""
    from naturalthoughts.llm.backends.base import Completion
    from naturalthoughts.llm.cache import FolderCache, RequestCache

    folder = tmp_path / "cache"
    a = RequestCache(str(folder) + "/")
    assert isinstance(a, FolderCache)
    a.put("k1", Completion(text="one", finish_reason="stop", completion_tokens=1))
    a.close()
    b = FolderCache(folder, writer="worker-b")
    assert b.get_many(["k1"])["k1"].text == "one"  # read from the other writer's file
    b.put("k2", Completion(text="two", finish_reason="stop", completion_tokens=1))
    assert len(b) == 2
    b.close()
    files = sorted(f.name for f in folder.glob("*.sqlite"))
    assert len(files) == 2 and "worker-b.sqlite" in files
    before = {f: ((folder / f).stat().st_mtime_ns, (folder / f).read_bytes()) for f in files}
    c = FolderCache(folder, writer="worker-c")
    assert {k: v.text for k, v in c.get_many(["k1", "k2", "k3"]).items()} == {"k1": "one", "k2": "two"}
    c.put("k3", Completion(text="three", finish_reason="stop", completion_tokens=1))
    c.close()
    # the other writers' files were only read
    assert {f: ((folder / f).stat().st_mtime_ns, (folder / f).read_bytes()) for f in files} == before


def _open_cache_after(barrier, path, results):
    from naturalthoughts.llm.cache import RequestCache

    barrier.wait()
    try:
        RequestCache(path)
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(repr(exc))


def test_processes_opening_one_new_cache_file_together_all_succeed(tmp_path):
    """Ray actors open one cache file at once; switching a new file to WAL used to fail ("database is locked")
    for ~4 % of such opens, which made a default-flags `--executor ray` run fail now and then."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    outcomes = []
    for trial in range(15):
        barrier, results = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_open_cache_after, args=(barrier, tmp_path / f"c{trial}.sqlite", results))
                 for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=120)
        outcomes += [results.get(timeout=10) for _ in procs]
    assert outcomes == ["ok"] * 60, [o for o in outcomes if o != "ok"][:3]
