"""--shard I/N and `naturalthoughts merge`: deterministic split, exact merge, and clear errors for bad shard sets."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naturalthoughts.core.sharding import Shard, select_shard, shard_of
from naturalthoughts.core.datafiles import ShardError, sha256_file, shard_name
from naturalthoughts.core.store import MANIFEST_FILE, SUCCESS_FILE, Manifest, read_table, write_parquet
from naturalthoughts.executors.merge import MergeError, merge_shards
from naturalthoughts.executors.options import ExecutorOptions
from naturalthoughts.llm.backends.base import BackendSpec, SamplingParams
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.generation.run import run_generate

FAKE = BackendSpec(backend="fake", model="fake")
PARAMS = SamplingParams(max_tokens=64, temperature=0.0)


def _questions(path: Path, k: int = 60) -> Path:
    rows = [{"id": f"q{i:03d}", "question": f"Why does case {i} of the bridge problem need two supports?"}
            for i in range(k)]
    write_parquet(pa.Table.from_pylist(rows), path)
    return path


def _gen(qfile: Path, out: Path, shard: str | None, cache: Path, params: SamplingParams = PARAMS) -> Manifest:
    options = ExecutorOptions(shard=Shard.parse(shard) if shard else None)
    return run_generate(qfile, out, FAKE, params, n=2, cache=cache, progress=False, executor=options)


def test_split_is_deterministic_disjoint_and_independent_of_row_order():
    ids = [f"q-{i}" for i in range(1000)]
    table = pa.table({"id": ids, "question": ids})
    parts = [select_shard(table, Shard(i, 4)).column("id").to_pylist() for i in range(4)]
    assert sorted(sum(parts, [])) == sorted(ids)  # every row in exactly one shard
    assert all(180 < len(p) < 320 for p in parts)  # a hash spreads sequential ids evenly
    shuffled = table.take(pa.array(random.Random(7).sample(range(1000), 1000)))
    for i in range(4):
        assert sorted(select_shard(shuffled, Shard(i, 4)).column("id").to_pylist()) == sorted(parts[i])
    # Fixed values: the split must not change between versions or machines (sha256, not Python's salted hash).
    assert [shard_of(f"q-{i}", 4) for i in range(8)] == [shard_of(f"q-{i}", 4) for i in range(8)]
    assert shard_of("q-0", 4) == int.from_bytes(__import__("hashlib").sha256(b"q-0").digest()[:8], "big") % 4


@pytest.mark.parametrize("text", ["4/4", "-1/4", "a/b", "3", "1/0", ""])
def test_bad_shard_spec_is_a_clear_error(text):
    with pytest.raises(ValueError, match="I/N|shard"):
        Shard.parse(text)


def test_shards_merge_to_exactly_the_unsharded_output(tmp_path):
    qfile = _questions(tmp_path / "q.parquet")
    full = _gen(qfile, tmp_path / "full", None, tmp_path / "c0.sqlite")
    shard_manifests = [_gen(qfile, tmp_path / f"s{i}", f"{i}/3", tmp_path / f"c{i + 1}.sqlite") for i in range(3)]
    assert [m.config["shard"] for m in shard_manifests] == [{"index": i, "count": 3} for i in range(3)]
    assert sum(m.counts["out"] for m in shard_manifests) == 120 and all(m.counts["out"] < 120 for m in shard_manifests)

    # merge through the CLI, shards given out of order
    assert cli_main(["merge", "--in", str(tmp_path / "s2"), str(tmp_path / "s0"), "--in", str(tmp_path / "s1"),
                     "--out", str(tmp_path / "merged")]) == 0
    merged, expected = read_table(tmp_path / "merged"), read_table(tmp_path / "full")
    assert merged.column("trace_id").to_pylist() == expected.column("trace_id").to_pylist()  # input order restored
    assert merged.select(["trace_id", "reasoning", "response"]).equals(expected.select(["trace_id", "reasoning", "response"]))
    m = Manifest.load(tmp_path / "merged")
    assert m.stage == "generate" and "shard" not in m.config
    assert m.config_hash == full.config_hash  # same lineage as an unsharded run...
    assert m.inputs == full.inputs  # ...over the same input
    assert m.counts["out"] == 120 and m.counts["in"] == 60 and m.counts["sent"] == 120
    assert [s["shard"] for s in m.extra["merged_from"]] == ["0/3", "1/3", "2/3"]


@pytest.fixture
def three_shards(tmp_path):
    qfile = _questions(tmp_path / "q.parquet", 30)
    for i in range(3):
        _gen(qfile, tmp_path / f"s{i}", f"{i}/3", tmp_path / "c.sqlite")
    return tmp_path, qfile


def test_missing_shard_is_named(three_shards, capsys):
    d, _ = three_shards
    with pytest.raises(MergeError, match=r"missing shard 1/3 \(have 0/3, 2/3\).*--shard 1/3"):
        merge_shards([d / "s0", d / "s2"], d / "out")
    assert not (d / "out").exists()  # nothing written
    assert cli_main(["merge", "--in", str(d / "s0"), str(d / "s2"), "--out", str(d / "out")]) == 2
    assert "missing shard 1/3" in capsys.readouterr().err


def test_duplicated_shard_is_named(three_shards):
    d, _ = three_shards
    shutil.copytree(d / "s1", d / "s1-copy")
    with pytest.raises(MergeError, match=r"shard 1/3 given twice: .*s1 and .*s1-copy"):
        merge_shards([d / "s0", d / "s1", d / "s1-copy", d / "s2"], d / "out")


def test_lineage_mismatch_config_input_and_stage(three_shards):
    d, qfile = three_shards
    _gen(qfile, d / "s1-hot", "1/3", d / "c.sqlite", SamplingParams(max_tokens=64, temperature=0.9))
    with pytest.raises(MergeError, match=r"different configurations \(differing keys: sampling\)"):
        merge_shards([d / "s0", d / "s1-hot", d / "s2"], d / "out")

    other = _questions(d / "q2.parquet", 31)
    _gen(other, d / "s2-other", "2/3", d / "c.sqlite")
    with pytest.raises(MergeError, match="read different inputs"):
        merge_shards([d / "s0", d / "s1", d / "s2-other"], d / "out")

    shutil.copytree(d / "s2", d / "s2-stage")
    manifest = json.loads((d / "s2-stage" / MANIFEST_FILE).read_text())
    manifest["stage"] = "annotate"
    (d / "s2-stage" / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(MergeError, match="is stage 'annotate' but .* is stage 'generate'"):
        merge_shards([d / "s0", d / "s1", d / "s2-stage"], d / "out")


def _record_rewrite(folder, shard) -> None:
    """A hand edit that also updates the manifest (so only merge's own row checks can catch it)."""
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    for o in manifest["outputs"]:
        if o["path"] == shard_name(0):
            o["rows"] = pq.ParquetFile(shard).metadata.num_rows
            o["sha256"] = sha256_file(shard)
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))


def test_unsharded_incomplete_and_tampered_folders(three_shards):
    d, qfile = three_shards
    _gen(qfile, d / "plain", None, d / "c.sqlite")
    with pytest.raises(MergeError, match="records no shard"):
        merge_shards([d / "plain", d / "s1", d / "s2"], d / "out")

    shutil.copytree(d / "s0", d / "s0-broken")
    (d / "s0-broken" / SUCCESS_FILE).unlink()
    with pytest.raises(MergeError, match="incomplete stage output"):
        merge_shards([d / "s0-broken", d / "s1", d / "s2"], d / "out")

    # a row appearing twice inside a shard
    shutil.copytree(d / "s0", d / "s0-dup")
    t = read_table(d / "s0-dup")
    shard = d / "s0-dup" / shard_name(0)
    write_parquet(pa.concat_tables([t, t.slice(0, 1)]), shard)
    with pytest.raises(ShardError, match=r"part-00000.parquet: holds \d+ rows but the manifest records"):
        merge_shards([d / "s0-dup", d / "s1", d / "s2"], d / "out")  # edited behind the manifest's back
    _record_rewrite(d / "s0-dup", shard)
    with pytest.raises(MergeError, match=r"trace_id '.*#0' appears 2 times"):
        merge_shards([d / "s0-dup", d / "s1", d / "s2"], d / "out")

    # rows of another shard inside a shard folder (a mislabelled or hand-edited output)
    shutil.copytree(d / "s0", d / "s0-foreign")
    write_parquet(pa.concat_tables([read_table(d / "s0"), read_table(d / "s1")]), d / "s0-foreign" / shard_name(0))
    _record_rewrite(d / "s0-foreign", d / "s0-foreign" / shard_name(0))
    with pytest.raises(MergeError, match="does not belong to shard 0/3"):
        merge_shards([d / "s0-foreign", d / "s1", d / "s2"], d / "out")


def test_generate_cli_shard_flag(tmp_path):
    qfile = _questions(tmp_path / "q.parquet", 20)
    for i in range(2):
        assert cli_main(["generate", "--in", str(qfile), "--out", str(tmp_path / f"s{i}"), "--backend", "fake",
                         "--model", "fake", "--max-tokens", "32", "--shard", f"{i}/2", "--no-progress"]) == 0
    assert cli_main(["merge", "--in", str(tmp_path / "s0"), str(tmp_path / "s1"), "--out", str(tmp_path / "m")]) == 0
    assert read_table(tmp_path / "m").column("id").to_pylist() == [f"q{i:03d}" for i in range(20)]
    assert Manifest.load(tmp_path / "s1").extra["executor"]["shard"] == "1/2"


def test_annotate_shards_merge_to_the_unsharded_annotation(tmp_path):
    from naturalthoughts.stages.annotation.run import run_annotate

    qfile = _questions(tmp_path / "q.parquet", 40)
    _gen(qfile, tmp_path / "traces", None, tmp_path / "c.sqlite")
    names = "strategies,verbosity"
    full = run_annotate(tmp_path / "traces", tmp_path / "full", names, cache=False, progress=False)
    for i in range(2):
        part = run_annotate(tmp_path / "traces", tmp_path / f"a{i}", names, cache=False, progress=False,
                            executor=ExecutorOptions(shard=Shard(i, 2)))
        assert part.config["shard"] == {"index": i, "count": 2} and part.counts["in"] < 80
    merged = merge_shards([tmp_path / "a1", tmp_path / "a0"], tmp_path / "merged")
    cols = ["trace_id", "strategies", "num_strategies", "num_steps", "verbosity"]
    assert read_table(tmp_path / "merged").select(cols).equals(read_table(tmp_path / "full").select(cols))
    assert merged.config_hash == full.config_hash and merged.counts["in"] == 80
    a_full, a_merged = full.extra["annotators"], merged.extra["annotators"]
    assert a_merged["strategies"]["strategy_counts"] == a_full["strategies"]["strategy_counts"]  # counts add up
    assert a_merged["verbosity"]["histogram"] == a_full["verbosity"]["histogram"]


def _shard_folder(path: Path, ids: list[str], rows_per_shard: int) -> list[Path]:
    from naturalthoughts.core.datafiles import data_files
    from naturalthoughts.core.store import StageOutput

    output = StageOutput(path, rows_per_shard=rows_per_shard)
    output.write(pa.table({"id": ids, "trace_id": [f"{i}-t" for i in ids], "text": [i * 3 for i in ids]}))
    output.finish(stage="generate", config={})
    return data_files(path)


@pytest.mark.parametrize("reverse_one", [False, True])
def test_merge_streams_the_shards_in_input_order(tmp_path, reverse_one):
    """Small chunks and many small files per shard: the interleaving crosses every file and chunk boundary; a
    shard not in input order is read by position instead; without a readable input, shards follow each other."""
    from naturalthoughts.executors.merge import _merged_rows

    ids = [f"q{i:04d}" for i in range(400)]
    parts = [[q for q in ids if shard_of(q, 3) == s] for s in range(3)]
    if reverse_one:
        parts[1] = parts[1][::-1]
    files = [_shard_folder(tmp_path / f"s{s}", parts[s], rows_per_shard=11 + s) for s in range(3)]
    from naturalthoughts.core.datafiles import dataset_schema, read_all

    schema = dataset_schema([f for fs in files for f in fs])
    keys = [read_all(fs, ["id", "trace_id"]) for fs in files]
    merged = pa.concat_tables(_merged_rows(files, schema, keys, pa.array(ids), chunk_rows=7))
    assert merged.column("id").to_pylist() == ids
    assert merged.column("text").to_pylist() == [q * 3 for q in ids]
    unordered = pa.concat_tables(_merged_rows(files, schema, keys, None, chunk_rows=7))
    assert unordered.column("id").to_pylist() == parts[0] + parts[1] + parts[2]
