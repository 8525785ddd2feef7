"""annotate streams: multi-shard input in small batches, JSONL in chunks, worker processes, batch tokenizer.

Every streamed run must give the rows, values and manifest report of annotating the whole table in memory.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from annotation_fakes import synthetic_traces

from naturalthoughts.core.store import Manifest, is_complete, read_table, write_stage
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.annotation import AnnotationError, annotate, run_annotate
from naturalthoughts.stages.annotation.length import load_batch_counter, load_tokenizer

NO_MODEL = "length,strategies,verbosity"
# some teachers have no loadable tokenizer: the stand-in is asked for explicitly (recorded per row)
STAND_IN = {"length_fallback": "smollm2-135m"}


def _traces(n: int, unknown_teachers: bool = True) -> pa.Table:
    rows = synthetic_traces(n, seed=3)
    for i, row in enumerate(rows):  # some teachers without a loadable tokenizer, some null and empty traces
        if unknown_teachers and i % 9 == 4:
            row["teacher_model"] = "openai:deepseek-reasoner"
        if i % 11 == 5:
            row["reasoning"] = None
        if i % 13 == 6:
            row["reasoning"] = ""
    return pa.Table.from_pylist(rows)


def _comparable(report: dict) -> dict:
    """The annotators' report entries without the timings (which differ run to run)."""
    return {name: {k: v for k, v in entry.items() if k not in ("seconds", "rows_per_s")}
            for name, entry in report["annotators"].items()}


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """60 traces in shards of 7 rows (9 shards, the last one short)."""
    folder = tmp_path_factory.mktemp("sharded") / "traces"
    table = _traces(60)
    write_stage(folder, table, stage="ingest", config={}, rows_per_shard=7)
    return folder, table


def test_streamed_multi_shard_input_gives_the_in_memory_rows_values_and_report(sharded, tmp_path):
    folder, table = sharded
    expected, expected_report = annotate(table, NO_MODEL, progress=False, batch_size=16, **STAND_IN)
    manifest = run_annotate(folder, tmp_path / "out", NO_MODEL, progress=False, batch_size=16, workers=1, **STAND_IN)
    out = read_table(tmp_path / "out")
    assert out.schema == expected.schema and out.equals(expected)
    assert _comparable(manifest.extra) == _comparable(expected_report)
    assert manifest.counts["in"] == manifest.counts["out"] == 60
    assert manifest.extra["annotators"]["length"]["fallback_for_teachers"] == ["openai:deepseek-reasoner"]
    assert manifest.extra["workers"] == {"processes": 1, "annotators": []}
    assert set(NO_MODEL.split(",")) | {"read", "total"} <= set(manifest.timings)


def test_jsonl_input_streams_in_chunks_with_the_same_result(sharded, tmp_path):
    _, table = sharded
    path = tmp_path / "traces.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in table.to_pylist()), encoding="utf-8")
    expected, expected_report = annotate(table, NO_MODEL, progress=False, batch_size=16, **STAND_IN)
    manifest = run_annotate(path, tmp_path / "out", NO_MODEL, progress=False, batch_size=16, workers=1, **STAND_IN)
    out = read_table(tmp_path / "out")
    assert out.to_pylist() == expected.to_pylist()
    assert _comparable(manifest.extra) == _comparable(expected_report)


def test_two_workers_give_the_same_rows_values_and_report_as_one(sharded, tmp_path):
    folder, _ = sharded
    one = run_annotate(folder, tmp_path / "one", NO_MODEL, progress=False, batch_size=8, workers=1, **STAND_IN)
    two = run_annotate(folder, tmp_path / "two", NO_MODEL, progress=False, batch_size=8, workers=2, **STAND_IN)
    assert read_table(tmp_path / "two").equals(read_table(tmp_path / "one"))
    assert [o["sha256"] for o in two.outputs] == [o["sha256"] for o in one.outputs]  # byte for byte
    assert _comparable(two.extra) == _comparable(one.extra)
    assert two.extra["workers"] == {"processes": 2, "annotators": ["length", "strategies", "verbosity"]}
    assert two.config == one.config  # the worker count changes no row, so it is not part of the config hash
    assert two.extra["annotators"]["length"]["rows_per_tokenizer"] == {"smollm2-135m": 60}


def test_pooled_and_in_process_annotators_mix_in_column_order(sharded, tmp_path):
    folder, table = sharded
    names = "verbosity,domain,length"  # domain's embedding model stays in the parent
    expected, expected_report = annotate(table, names, progress=False, batch_size=16, **STAND_IN)
    manifest = run_annotate(folder, tmp_path / "out", names, progress=False, batch_size=16, workers=2, **STAND_IN)
    out = read_table(tmp_path / "out")
    assert out.equals(expected)  # same batches, so even the embedding-based domains are identical
    assert manifest.extra["workers"]["annotators"] == ["verbosity", "length"]
    assert _comparable(manifest.extra) == _comparable(expected_report)


def test_whole_run_errors_come_before_any_shard_is_written(sharded, tmp_path):
    folder, _ = sharded
    with pytest.raises(AnnotationError, match="unknown option"):
        run_annotate(folder, tmp_path / "a", NO_MODEL, progress=False, length_tokenizr="x")
    with pytest.raises(AnnotationError, match="needs a judge model"):
        run_annotate(folder, tmp_path / "b", "verbosity", progress=False, verbosity_method="judge")
    bad = tmp_path / "bad"
    write_stage(bad, pa.table({"question": ["q"] * 20}), stage="ingest", config={}, rows_per_shard=7)
    with pytest.raises(AnnotationError, match=r"needs input column\(s\) \['reasoning'\]"):
        run_annotate(bad, tmp_path / "c", "strategies", progress=False, workers=2)
    for name in ("a", "b", "c"):
        assert not is_complete(tmp_path / name) and not list((tmp_path / name).glob("data/*.parquet"))


def test_empty_input_writes_the_annotated_schema(tmp_path):
    folder = tmp_path / "empty"
    write_stage(folder, _traces(3).slice(0, 0), stage="ingest", config={})
    manifest = run_annotate(folder, tmp_path / "out", NO_MODEL, progress=False, **STAND_IN)
    out = read_table(tmp_path / "out")
    assert out.num_rows == 0 and {"reasoning_tokens", "strategies", "verbosity"} <= set(out.column_names)
    assert manifest.counts["out"] == 0


def test_batch_tokenizer_counts_like_one_call_per_text():
    texts = [r["reasoning"] for r in synthetic_traces(20)] + [
        "", "面积等于边长的平方。所以是9。", "emoji 😀🎉 ok", "<|im_start|>user\nhi<|im_end|>", "a\r\n\tb  c"]
    one_by_one = load_tokenizer("smollm2-135m")
    assert load_batch_counter("smollm2-135m")(texts) == [one_by_one(t) for t in texts]
    assert load_batch_counter("smollm2-135m")([]) == []
    # Special-token strings in a trace are text, as llama.cpp's special=False counted them.
    assert one_by_one("<|im_start|>") > 1


def test_cli_annotate_with_default_flags_as_the_readme_shows(tmp_path, capsys):
    folder, table = tmp_path / "traces", _traces(600, unknown_teachers=False)  # the embedded teacher's traces
    write_stage(folder, table, stage="ingest", config={}, rows_per_shard=250)
    rc = cli_main(["annotate", "--in", str(folder), "--out", str(tmp_path / "annotated"),
                   "--annotators", "length,strategies,domain,verbosity,embedding"])
    assert rc == 0 and "wrote" in capsys.readouterr().err
    m = Manifest.load(tmp_path / "annotated")
    assert m.counts["out"] == 600 and m.extra["annotators"]["embedding"]["dim"] == 384
    labelled = sum(1 for text in table.column("reasoning").to_pylist() if text)
    assert sum(m.extra["annotators"]["verbosity"]["histogram"].values()) == labelled
    out = read_table(tmp_path / "annotated", columns=["id", "embedding"])
    assert out.column("id").to_pylist() == [f"q{i}" for i in range(600)]
