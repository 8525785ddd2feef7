"""Sharded stage data: shards cut at their limits, streamed back in order, named errors for missing or truncated
shards, random access by position, and the legacy single-file layout."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naturalthoughts.core.datafiles import ShardError, ShardWriter, count_rows, data_files, iter_batches
from naturalthoughts.core.rowaccess import iter_take, plan_slices, read_slice, take_rows
from naturalthoughts.core.store import StageOutput, read_table, write_parquet, write_stage


def _table(n: int, start: int = 0) -> pa.Table:
    return pa.table({"id": [f"r{i:05d}" for i in range(start, start + n)], "x": list(range(start, start + n)),
                     "text": ["word " * (i % 50) for i in range(start, start + n)]})


def test_shards_and_row_groups_are_cut_at_their_limits(tmp_path):
    writer = ShardWriter(tmp_path, rows_per_shard=40, row_group_bytes=2_000)
    for start in range(0, 100, 13):  # batches that straddle shard boundaries
        writer.write(_table(min(13, 100 - start), start))
    shards = writer.close()
    assert [s["rows"] for s in shards] == [40, 40, 20]
    assert [s["path"] for s in shards] == ["data/part-00000.parquet", "data/part-00001.parquet",
                                           "data/part-00002.parquet"]
    groups = [pq.ParquetFile(tmp_path / s["path"]).num_row_groups for s in shards]
    assert all(g > 1 for g in groups[:2])  # 2 kB row groups: several per shard
    assert not list((tmp_path / "data").glob("*.tmp"))


def test_stream_order_and_values_survive_the_round_trip(tmp_path):
    table = _table(250)
    manifest = write_stage(tmp_path / "s", table, stage="t", config={}, rows_per_shard=60)
    assert [o["rows"] for o in manifest.outputs] == [60, 60, 60, 60, 10]
    assert count_rows(tmp_path / "s") == 250
    streamed = pa.Table.from_batches(list(iter_batches(tmp_path / "s", columns=["id", "x"], batch_rows=17)))
    assert streamed.to_pylist() == table.select(["id", "x"]).to_pylist()
    assert read_table(tmp_path / "s").equals(table)


def test_missing_truncated_and_edited_shards_are_named_errors(tmp_path):
    write_stage(tmp_path / "s", _table(100), stage="t", config={}, rows_per_shard=30)
    shard = tmp_path / "s" / "data" / "part-00001.parquet"
    body = shard.read_bytes()
    shard.write_bytes(body[: len(body) // 2])
    with pytest.raises(ShardError, match="part-00001.parquet: truncated or not a Parquet file"):
        read_table(tmp_path / "s")
    write_parquet(_table(5), shard)
    with pytest.raises(ShardError, match="holds 5 rows but the manifest records 30"):
        list(iter_batches(tmp_path / "s"))
    shard.unlink()
    with pytest.raises(ShardError, match="part-00001.parquet: listed in .* but missing"):
        data_files(tmp_path / "s")


def test_incomplete_folder_is_refused(tmp_path):
    out = StageOutput(tmp_path / "s", rows_per_shard=10)
    out.write(_table(25))
    with pytest.raises(FileNotFoundError, match="incomplete"):
        read_table(tmp_path / "s")  # shards on disk, but no manifest and no _SUCCESS yet
    out.finish(stage="t", config={})
    assert read_table(tmp_path / "s").num_rows == 25


def test_legacy_single_file_folder_still_reads(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    write_parquet(_table(12), folder / "data.parquet")
    (folder / "manifest.json").write_text(json.dumps({"stage": "generate", "outputs": [
        {"path": "data.parquet", "rows": 12, "sha256": "x"}]}))
    (folder / "_SUCCESS").write_text("")
    assert read_table(folder).num_rows == 12 and data_files(folder) == [folder / "data.parquet"]
    assert [b.num_rows for b in iter_batches(folder, batch_rows=5)] == [5, 5, 2]


def test_an_overwrite_leaves_nothing_stale(tmp_path):
    write_stage(tmp_path / "s", _table(100), stage="t", config={}, rows_per_shard=10,
                rejects=pa.table({"id": ["x"], "reject_reason": ["bad"]}))
    write_stage(tmp_path / "s", _table(15), stage="t", config={}, rows_per_shard=10)
    assert sorted(p.name for p in (tmp_path / "s" / "data").iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    assert not (tmp_path / "s" / "rejects.parquet").exists()  # an earlier run's rejects never survive
    assert read_table(tmp_path / "s").num_rows == 15


def test_random_access_by_position(tmp_path):
    table = _table(500)
    write_stage(tmp_path / "s", table, stage="t", config={}, rows_per_shard=64)
    order = np.random.default_rng(3).permutation(500)[:321]
    assert take_rows(tmp_path / "s", order, ["x"]).column("x").to_pylist() == order.tolist()
    chunks = list(iter_take(tmp_path / "s", order, chunk_rows=40))
    assert [c.num_rows for c in chunks] == [40] * 8 + [1]
    assert pa.concat_tables(chunks).to_pylist() == table.take(pa.array(order)).to_pylist()
    with pytest.raises(IndexError):
        take_rows(tmp_path / "s", [500])
    files = data_files(tmp_path / "s")
    assert read_slice(files[1], 10, 5).column("x").to_pylist() == list(range(74, 79))
    slices = plan_slices(files, 50)
    assert sum(s["rows"] for s in slices) == 500 and slices[1] == {"index": 1, "file": str(files[0]),
                                                                    "offset": 50, "rows": 14}


def test_iter_take_with_columns_already_in_memory_reads_only_the_rest(tmp_path):
    table = _table(300)
    write_stage(tmp_path / "s", table, stage="t", config={}, rows_per_shard=64)
    order = np.random.default_rng(5).permutation(300)[:150]
    have = read_table(tmp_path / "s", columns=["id", "x"])
    chunks = list(iter_take(tmp_path / "s", order, chunk_rows=40, have=have))
    assert pa.concat_tables(chunks).to_pylist() == table.take(pa.array(order)).to_pylist()
    assert chunks[0].column_names == table.column_names  # the files' column order, not "have first"


def test_take_from_batches_equals_take_in_any_order_across_many_batches():
    """The batch-wise gather gives exactly Table.take's rows (any order, repeats, one batch, none) without
    Arrow's concatenation of every column first."""
    import numpy as np

    from naturalthoughts.core.rowaccess import take_from_batches

    rng = np.random.default_rng(3)
    batches = [pa.record_batch({"n": np.arange(i * 100, (i + 1) * 100),
                                "v": pa.FixedSizeListArray.from_arrays(pa.array(rng.random(200, dtype=np.float32)), 2),
                                "s": [f"r{j}" for j in range(i * 100, (i + 1) * 100)]}) for i in range(9)]
    table = pa.Table.from_batches(batches)
    for idx in (rng.integers(0, 900, 250), np.array([899, 0, 0, 450]), np.arange(900)[::-1], np.array([], dtype=int)):
        assert take_from_batches(table, idx).equals(table.take(pa.array(idx, type=pa.int64())))
    single = pa.Table.from_batches(batches[:1])
    assert take_from_batches(single, [5, 1]).column("n").to_pylist() == [5, 1]


def test_read_vector_column_is_one_chunk_with_the_same_values_and_nulls(tmp_path):
    from naturalthoughts.core.datafiles import read_vector_column

    rng = np.random.default_rng(0)
    typ = pa.list_(pa.field("element", pa.float16()), 4)
    vectors = pa.FixedSizeListArray.from_arrays(pa.array(rng.standard_normal(92).astype(np.float16)), type=typ,
                                                mask=pa.array([i % 5 == 3 for i in range(23)]))
    write_stage(tmp_path / "s", pa.table({"id": [str(i) for i in range(23)], "embedding": vectors}), stage="x",
                config={}, rows_per_shard=5)
    column = read_vector_column(tmp_path / "s", "embedding")
    assert column.num_chunks == 1 and column.type == typ
    assert column.to_pylist() == read_table(tmp_path / "s").column("embedding").to_pylist()
    with pytest.raises(ValueError, match="not a fixed-size list"):
        read_vector_column(tmp_path / "s", "id")


def test_vectors_are_stored_as_tagged_binary_and_read_back_as_the_same_lists(tmp_path):
    from naturalthoughts.core.datafiles import VECTOR_KEY

    rng = np.random.default_rng(1)
    values = rng.standard_normal(30 * 6).astype(np.float16)
    vectors = pa.FixedSizeListArray.from_arrays(pa.array(values), 6, mask=pa.array([i % 4 == 1 for i in range(30)]))
    table = pa.table({"id": [str(i) for i in range(30)], "embedding": vectors})
    write_stage(tmp_path / "s", table.slice(3), stage="x", config={}, rows_per_shard=8)  # a sliced input
    stored = pq.read_schema(data_files(tmp_path / "s")[0]).field("embedding")
    assert stored.type == pa.binary(12) and stored.metadata[VECTOR_KEY] == b"halffloat,6"
    assert pq.ParquetFile(data_files(tmp_path / "s")[0]).metadata.row_group(0).column(1).compression == "UNCOMPRESSED"
    # what a tool that knows nothing of the tag sees: each value is the vector's bytes
    raw = pq.read_table(data_files(tmp_path / "s")[0]).column("embedding")
    assert np.array_equal(np.frombuffer(raw[0].as_py(), np.float16), values[18:24])
    back = read_table(tmp_path / "s")
    assert back.schema.field("embedding").type == vectors.type
    assert back.equals(table.slice(3))
    assert take_rows(tmp_path / "s", [20, 0, 5]).equals(table.slice(3).take([20, 0, 5]))
    assert read_slice(data_files(tmp_path / "s")[1], 2, 3).equals(table.slice(13, 3))
    # a null element inside a vector cannot be stored as bytes: it becomes NaN, the row stays valid
    holes = pa.FixedSizeListArray.from_arrays(pa.array([1.0, None, 2.0, 3.0], pa.float32()), 2)
    write_stage(tmp_path / "h", pa.table({"embedding": holes}), stage="x", config={})
    assert str(read_table(tmp_path / "h").column("embedding").to_pylist()) == "[[1.0, nan], [2.0, 3.0]]"


def test_vectors_written_as_lists_by_earlier_versions_still_read(tmp_path):
    vectors = pa.FixedSizeListArray.from_arrays(pa.array(np.arange(12, dtype=np.float32)), 3)
    table = pa.table({"id": ["a", "b", "c", "d"], "embedding": vectors})
    write_stage(tmp_path / "s", table, stage="x", config={})
    pq.write_table(table, data_files(tmp_path / "s")[0])  # the old layout: a list column, as Parquet lists
    assert pa.types.is_fixed_size_list(pq.read_schema(data_files(tmp_path / "s")[0]).field("embedding").type)
    assert read_table(tmp_path / "s").equals(table)
    assert pa.Table.from_batches(list(iter_batches(tmp_path / "s"))).equals(table)


def test_nested_columns_keep_compression_and_dictionary_next_to_an_uncompressed_vector(tmp_path):
    vectors = pa.FixedSizeListArray.from_arrays(pa.array(np.zeros(8, np.float16)), 4)
    table = pa.table({"id": ["a", "b"], "strategies": [["x", "y"], ["z"]], "meta": [{"k": 1}, {"k": 2}],
                      "embedding": vectors})
    write_stage(tmp_path / "s", table, stage="x", config={})
    group = pq.ParquetFile(data_files(tmp_path / "s")[0]).metadata.row_group(0)
    chunks = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    assert {p: c.compression for p, c in chunks.items()} == {
        "id": "ZSTD", "strategies.list.element": "ZSTD", "meta.k": "ZSTD", "embedding": "UNCOMPRESSED"}
    assert "RLE_DICTIONARY" in chunks["strategies.list.element"].encodings
    assert read_table(tmp_path / "s").equals(table)


def test_read_ahead_keeps_order_holds_at_most_two_items_and_raises_where_the_source_failed():
    import threading

    from naturalthoughts.core.readahead import read_ahead

    produced: list[int] = []

    def items(n: int, fail_at: int | None = None):
        for i in range(n):
            if i == fail_at:
                raise ValueError(f"item {i} is bad")
            produced.append(i)
            yield i

    seen = []
    for item in read_ahead(items(6)):
        threading.Event().wait(0.02)  # give the thread time to run ahead if it could
        seen.append((item, len(produced)))
    assert [i for i, _ in seen] == list(range(6))
    assert all(made <= item + 2 for item, made in seen)  # the caller's item and at most the next one
    produced.clear()
    with pytest.raises(ValueError, match="item 2 is bad"):
        list(read_ahead(items(5, fail_at=2)))
    stream = read_ahead(items(100))
    next(stream)
    stream.close()  # stops the thread
    assert not any(t.name == "nt-read-ahead" for t in threading.enumerate())
