"""generate writes and resumes shard by shard (deterministic FakeBackend; the real-model SIGKILL test is in
tests/test_generate_resume.py); old single-file folders still read; a missing or truncated shard is a
ShardError.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naturalthoughts.core.datafiles import ShardError, count_rows, iter_batches, sha256_file
from naturalthoughts.core.io import BadRowError
from naturalthoughts.core.progress import PROGRESS_FILE
from naturalthoughts.core.sharding import Shard, select_shard
from naturalthoughts.core.store import (
    MANIFEST_FILE,
    SUCCESS_FILE,
    Manifest,
    hash_file,
    read_table,
    write_parquet,
)
from naturalthoughts.executors.options import ExecutorOptions
from naturalthoughts.llm.backends.base import BackendSpec, SamplingParams
from naturalthoughts.llm.backends.fake import FakeBackend
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.generation.questions import QuestionStream
from naturalthoughts.stages.generation.run import run_generate

FAKE = BackendSpec(backend="fake", model="fake")
PARAMS = SamplingParams(max_tokens=64)


class Crash(RuntimeError):
    pass


class CrashingBackend(FakeBackend):
    """Answers ``crash_after`` requests (each cached as it arrives), then dies like a killed run."""

    def __init__(self, spec: BackendSpec, crash_after: int) -> None:
        super().__init__(spec)
        self.crash_after = crash_after

    def _complete(self, req):  # type: ignore[override]
        if self.calls >= self.crash_after:
            raise Crash("killed")
        return super()._complete(req)


def _questions(path: Path, k: int = 10) -> Path:
    rows = [{"id": f"q{i}", "question": f"Why does bridge {i} need two supports?"} for i in range(k)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _gen(qfile: Path, out: Path, cache: Path, backend=None, **kw):
    kw.setdefault("rows_per_shard", 2)
    return run_generate(qfile, out, FAKE, kw.pop("params", PARAMS), n=kw.pop("n", 1), cache=cache,
                        progress=False, backend=backend, **kw)


def _shard_stats(out: Path) -> dict[str, tuple[str, int, int]]:
    """sha256, inode and mtime of every shard: 'untouched' means all three are unchanged."""
    files = sorted((out / "data").iterdir())
    return {p.name: (sha256_file(p), p.stat().st_ino, p.stat().st_mtime_ns) for p in files}


def test_shards_cut_by_questions_hold_the_unsharded_rows_in_order(tmp_path):
    qfile = _questions(tmp_path / "q.jsonl", 10)
    whole = _gen(qfile, tmp_path / "whole", tmp_path / "c.sqlite", n=2, rows_per_shard=1000)
    sharded = _gen(qfile, tmp_path / "sharded", tmp_path / "c.sqlite", n=2, rows_per_shard=5)  # 2 questions
    shards = [o for o in sharded.outputs if o["path"].startswith("data/")]
    assert [(o["path"], o["rows"]) for o in shards] == [(f"data/part-{i:05d}.parquet", 4) for i in range(5)]
    assert all(o["sha256"] == sha256_file(tmp_path / "sharded" / o["path"]) for o in shards)
    assert read_table(tmp_path / "sharded").equals(read_table(tmp_path / "whole"))  # same rows, same order
    assert sharded.counts["out"] == 20 and sharded.counts["in"] == 10 and sharded.counts["cache_hits"] == 20
    assert sharded.config_hash == whole.config_hash  # the shard size changes the layout, not the rows
    progress = json.loads((tmp_path / "sharded" / PROGRESS_FILE).read_text())
    assert [(s["index"], s["first_id"], s["last_id"], s["rows"]) for s in progress["shards"]] == [
        (i, f"q{2 * i}", f"q{2 * i + 1}", 4) for i in range(5)]
    assert progress["identity"]["questions_per_shard"] == 2


def test_crash_keeps_finished_shards_and_the_rerun_asks_only_for_the_rest(tmp_path):
    qfile, cache, out = _questions(tmp_path / "q.jsonl", 10), tmp_path / "c.sqlite", tmp_path / "out"
    with pytest.raises(Crash):
        _gen(qfile, out, cache, backend=CrashingBackend(FAKE, crash_after=5))  # q0..q4 answered, q5 kills it
    assert not (out / SUCCESS_FILE).exists()
    finished = json.loads((out / PROGRESS_FILE).read_text())["shards"]
    assert [s["path"] for s in finished] == ["data/part-00000.parquet", "data/part-00001.parquet"]
    before = _shard_stats(out)
    assert set(before) == {"part-00000.parquet", "part-00001.parquet"}  # the open shard left no file

    backend = FakeBackend(FAKE)
    m = _gen(qfile, out, cache, backend=backend)
    assert backend.calls == 5  # q5..q9; q4 was answered before the crash and comes from the cache
    this_run = m.extra["resume"]["run_stats_this_run"]
    assert this_run["requests"] == 6 and this_run["cache_hits"] == 1  # q0..q3 not even looked up
    assert m.extra["resume"]["shards_kept"] == 2 and m.extra["resume"]["shards_written"] == 3
    after = _shard_stats(out)
    assert all(after[name] == before[name] for name in before)  # finished shards untouched
    assert read_table(out).column("trace_id").to_pylist() == [f"q{i}#0" for i in range(10)]
    # counts cover every shard: 4 sent before the crash + 5 now, and q4's cache hit
    assert m.counts["out"] == 10 and m.counts["in"] == 10 and m.counts["requests"] == 10
    assert m.counts["sent"] == 9 and m.counts["cache_hits"] == 1 and m.counts["flags"]["request_failed"] == 0
    assert m.extra["run_stats"]["sent"] == 9 and (out / SUCCESS_FILE).exists()


def test_rerun_of_a_finished_folder_builds_no_backend_and_touches_nothing(tmp_path, monkeypatch):
    qfile, cache, out = _questions(tmp_path / "q.jsonl", 6), tmp_path / "c.sqlite", tmp_path / "out"
    first = _gen(qfile, out, cache)
    before = _shard_stats(out)

    def no_backend(spec):
        raise AssertionError("a finished run must not load the model")

    monkeypatch.setattr("naturalthoughts.llm.backends.make_backend", no_backend)
    again = _gen(qfile, out, cache)
    assert _shard_stats(out) == before
    assert again.extra["resume"]["run_stats_this_run"]["requests"] == 0
    assert {k: v for k, v in again.counts.items()} == first.counts
    assert again.outputs == first.outputs


def test_changed_config_or_input_clears_the_folder_first(tmp_path):
    qfile, cache, out = _questions(tmp_path / "q.jsonl", 6), tmp_path / "c.sqlite", tmp_path / "out"
    _gen(qfile, out, cache)
    old = _shard_stats(out)
    (out / "data" / "part-00042.parquet").write_bytes(b"stale")  # not from this run: must not survive
    m = _gen(qfile, out, cache, params=SamplingParams(max_tokens=64, seed=5))  # another config
    new = _shard_stats(out)
    assert set(new) == set(old) and all(new[k][0] != old[k][0] for k in old)  # every shard rewritten
    assert m.extra["resume"]["shards_kept"] == 0 and m.counts["sent"] == 6

    _questions(qfile, 7)  # another input (one question more)
    backend = FakeBackend(FAKE)
    m = _gen(qfile, out, cache, backend=backend, params=SamplingParams(max_tokens=64, seed=5))
    assert m.extra["resume"]["shards_kept"] == 0 and backend.calls == 1 and m.counts["cache_hits"] == 6
    assert read_table(out).column("trace_id").to_pylist() == [f"q{i}#0" for i in range(7)]
    progress = json.loads((out / PROGRESS_FILE).read_text())
    assert progress["identity"]["input_sha256"] == hash_file(qfile)


def test_damaged_shard_and_leftovers_are_redone_from_there_on(tmp_path):
    qfile, cache, out = _questions(tmp_path / "q.jsonl", 8), tmp_path / "c.sqlite", tmp_path / "out"
    _gen(qfile, out, cache)
    before = _shard_stats(out)
    (out / "data" / "part-00002.parquet").write_bytes(b"PAR1 not really")  # damaged after it was recorded
    (out / "data" / "part-00009.parquet.tmp").write_bytes(b"half")  # an interrupted write
    backend = FakeBackend(FAKE)
    m = _gen(qfile, out, cache, backend=backend)
    after = _shard_stats(out)
    assert backend.calls == 0 and m.extra["resume"]["shards_kept"] == 2  # shards 2, 3 redone from the cache
    assert after["part-00000.parquet"] == before["part-00000.parquet"]
    assert after["part-00002.parquet"][0] == before["part-00002.parquet"][0]  # same bytes as the first time
    assert sorted(after) == [f"part-{i:05d}.parquet" for i in range(4)]
    assert read_table(out).column("trace_id").to_pylist() == [f"q{i}#0" for i in range(8)]


def test_bad_row_fails_before_any_request_and_duplicates_are_found_across_chunks(tmp_path):
    qfile = _questions(tmp_path / "q.jsonl", 9)
    with qfile.open("a") as f:
        f.write(json.dumps({"id": "q1", "question": "the same id again"}) + "\n")
    backend = FakeBackend(FAKE)
    with pytest.raises(BadRowError, match=r"q\.jsonl:10: field 'id'"):
        _gen(qfile, tmp_path / "out", tmp_path / "c.sqlite", backend=backend)
    assert backend.calls == 0
    m = _gen(qfile, tmp_path / "out", tmp_path / "c.sqlite", on_bad_row="skip")
    assert m.counts["rejected"] == {"duplicate_id": 1} and m.counts["out"] == 9
    rejects = pq.read_table(tmp_path / "out" / "rejects.parquet").to_pylist()
    assert rejects[0]["detail"] == "id 'q1' repeats line 2"


def test_stream_reads_a_stage_folder_in_chunks(tmp_path):
    qfile = _questions(tmp_path / "q.jsonl", 7)
    _gen(qfile, tmp_path / "traces", tmp_path / "c.sqlite", rows_per_shard=3)
    chunks = list(QuestionStream(tmp_path / "traces").chunks(2))
    assert [c.num_rows for c in chunks] == [2, 2, 2, 1]
    assert [i for c in chunks for i in c.column("id").to_pylist()] == [f"q{i}" for i in range(7)]


def test_local_shard_run_streams_and_resumes_too(tmp_path):
    qfile, cache = _questions(tmp_path / "q.jsonl", 30), tmp_path / "c.sqlite"
    shard = Shard(1, 3)
    opts = ExecutorOptions(shard=shard)
    m = _gen(qfile, tmp_path / "s1", cache, executor=opts, rows_per_shard=3)
    expected = select_shard(read_table(tmp_path / "s1"), shard).column("id").to_pylist()
    ids = read_table(tmp_path / "s1").column("id").to_pylist()
    assert ids == expected and m.counts["in"] == len(ids) and m.config["shard"] == {"index": 1, "count": 3}
    assert all(o["rows"] <= 3 for o in m.outputs if o["path"].startswith("data/"))
    again = _gen(qfile, tmp_path / "s1", cache, executor=opts, rows_per_shard=3)
    assert again.extra["resume"]["run_stats_this_run"]["requests"] == 0 and again.counts == m.counts


def test_cli_rows_per_shard(tmp_path, capsys):
    qfile = _questions(tmp_path / "q.jsonl", 5)
    rc = cli_main(["generate", "--in", str(qfile), "--out", str(tmp_path / "out"), "--backend", "fake",
                   "--model", "fake", "--rows-per-shard", "4", "-n", "2", "--no-progress",
                   "--cache", str(tmp_path / "c.sqlite")])
    assert rc == 0 and "10 rows (5 questions x 2)" in capsys.readouterr().out
    m = Manifest.load(tmp_path / "out")
    assert [o["rows"] for o in m.outputs if o["path"].startswith("data/")] == [4, 4, 2]


# --- the layout as the next stage sees it ---

def _legacy_folder(tmp_path: Path) -> Path:
    """A generate output written before sharding: one data.parquet, listed as such in the manifest."""
    qfile = _questions(tmp_path / "q.jsonl", 5)
    _gen(qfile, tmp_path / "new", tmp_path / "c.sqlite", rows_per_shard=1000)
    table = read_table(tmp_path / "new")
    legacy = tmp_path / "legacy"
    write_parquet(table, legacy / "data.parquet")
    manifest = json.loads((tmp_path / "new" / MANIFEST_FILE).read_text())
    manifest["outputs"] = [{"path": "data.parquet", "sha256": hash_file(legacy / "data.parquet"), "rows": 5}]
    (legacy / MANIFEST_FILE).write_text(json.dumps(manifest))
    (legacy / SUCCESS_FILE).write_text(manifest["config_hash"] + "\n")
    return legacy


def test_old_single_file_folder_still_reads_and_is_replaced_by_shards(tmp_path):
    legacy = _legacy_folder(tmp_path)
    expected = read_table(tmp_path / "new")
    assert read_table(legacy).equals(expected) and count_rows(legacy) == 5
    assert pa.Table.from_batches(list(iter_batches(legacy, batch_rows=2))).equals(expected)
    # as the input of a stage (a trace table regenerated) ...
    m = _gen(legacy, tmp_path / "again", tmp_path / "c.sqlite")
    assert m.counts["in"] == 5 and m.counts["sent"] == 0  # same questions, all from the cache
    # ... and as an output folder generated into again: the old file is replaced by shards
    _gen(tmp_path / "q.jsonl", legacy, tmp_path / "c.sqlite")
    assert not (legacy / "data.parquet").exists() and (legacy / "data" / "part-00002.parquet").exists()
    assert read_table(legacy).equals(expected)


@pytest.fixture
def sharded_output(tmp_path) -> Path:
    _gen(_questions(tmp_path / "q.jsonl", 6), tmp_path / "out", tmp_path / "c.sqlite")
    return tmp_path / "out"


@pytest.mark.parametrize("damage", ["missing", "truncated", "other_rows"])
def test_missing_or_truncated_shard_is_a_named_error_for_the_next_stage(sharded_output, tmp_path, damage,
                                                                        capsys):
    shard = sharded_output / "data" / "part-00001.parquet"
    if damage == "missing":
        shard.unlink()
    elif damage == "truncated":
        data = shard.read_bytes()
        shard.write_bytes(data[: len(data) // 2])
    else:  # a whole Parquet file, but not the one the manifest lists
        write_parquet(read_table(sharded_output).slice(0, 1), shard)
    match = {"missing": "part-00001.parquet: listed in .* but missing",
             "truncated": "part-00001.parquet: truncated",
             "other_rows": "part-00001.parquet: holds 1 rows but the manifest records 2"}[damage]
    with pytest.raises(ShardError, match=match):
        read_table(sharded_output)
    with pytest.raises(ShardError, match=match):
        list(QuestionStream(sharded_output).chunks())  # generate reading it as its input
    # another stage through its command: a non-zero exit with the same message, no output marked done
    rc = cli_main(["annotate", "--in", str(sharded_output), "--out", str(tmp_path / "ann"),
                   "--annotators", "length"])
    assert rc != 0 and re.search(match, capsys.readouterr().err)
    assert not (tmp_path / "ann" / SUCCESS_FILE).exists()
    assert os.path.exists(sharded_output / MANIFEST_FILE)
