"""The annotate stage end to end: a 1,000-row trace file with the embedded defaults, the manifest, bad input, CLI."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from annotation_fakes import synthetic_traces

from naturalthoughts.core.schema import ANNOTATION_FIELDS
from naturalthoughts.core.store import Manifest, read_table
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.annotation import ANNOTATORS, AnnotationError, annotate, run_annotate

DEFAULTS = "length,strategies,domain,verbosity,embedding"


@pytest.fixture(scope="module")
def thousand_rows(tmp_path_factory):
    path = tmp_path_factory.mktemp("traces") / "traces.parquet"
    pq.write_table(pa.Table.from_pylist(synthetic_traces(1000)), path)
    return path


def test_thousand_rows_with_embedded_defaults_manifest_records_timings_and_distributions(thousand_rows, tmp_path):
    manifest = run_annotate(thousand_rows, tmp_path / "out", DEFAULTS, progress=False)
    out = read_table(tmp_path / "out")
    assert out.num_rows == 1000
    for name in ("length", "strategies", "domain", "verbosity"):
        for f in ANNOTATION_FIELDS[name]:
            assert out.schema.field(f.name).type == f.type
    assert out.schema.field("embedding").type == pa.list_(pa.float32(), 384)
    loaded = Manifest.load(tmp_path / "out")
    assert loaded.stage == "annotate" and loaded.counts["in"] == loaded.counts["out"] == 1000
    assert set(DEFAULTS.split(",")) <= set(loaded.timings) and loaded.timings["total"] > 0
    report = loaded.extra["annotators"]
    assert report["length"]["rows_per_tokenizer"] == {"smollm2-135m": 1000}
    assert sum(report["domain"]["domains"].values()) == 1000
    assert set(report["domain"]["domains"]) <= set(ANNOTATORS["domain"]().labels.domain_descriptions)
    assert sum(report["strategies"]["num_strategies"].values()) == 1000
    assert report["strategies"]["taxonomy"] == "strategies@2"
    assert min(report["strategies"]["strategy_counts"].values()) > 0  # every strategy occurs in the synthetic set
    assert sum(report["verbosity"]["histogram"].values()) == 1000
    assert report["embedding"]["model"] == "all-minilm-l6-v2" and report["embedding"]["dim"] == 384
    assert all(report[n]["seconds"] >= 0 and report[n]["errors"] == {} for n in DEFAULTS.split(","))
    assert manifest.config["annotators"] == DEFAULTS.split(",")


def test_bad_input_rows_get_explicit_nulls_and_nothing_is_dropped(tmp_path):
    teacher = {"teacher_model": "llamacpp:smollm2-135m"}  # length counts with the teacher's own tokenizer
    rows = synthetic_traces(3) + [
        {"id": "empty", "question": "What is 1+1?", "reasoning": "", "response": "2", **teacher},
        {"id": "none", "question": "What is 2+2?", "reasoning": None, "response": "4", **teacher},
        {"id": "huge", "question": "Sum the series.", "reasoning": "Let me verify the next term. " * 17_000, "response": "done",
         **teacher},
        {"id": "zh", "question": "一个正方形的边长是3，面积是多少？", "reasoning": "面积等于边长的平方。所以是9。" * 10, "response": "9",
         **teacher},
    ]
    path = tmp_path / "traces.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    run_annotate(path, tmp_path / "out", DEFAULTS, progress=False)
    out = {r["id"]: r for r in read_table(tmp_path / "out").to_pylist()}
    assert len(out) == len(rows)
    assert out["empty"]["strategies_error"] == "empty_reasoning" and out["empty"]["verbosity_error"] == "empty_reasoning"
    assert out["empty"]["reasoning_tokens"] == 0
    assert out["none"]["strategies_error"] == "no_reasoning" and out["none"]["reasoning_tokens"] is None
    assert out["huge"]["reasoning_tokens"] > 100_000 and out["huge"]["strategies"] == ["self_verification"]
    assert out["huge"]["verbosity"] >= 7  # one sentence repeated 17,000 times: repetition + compressibility
    assert out["zh"]["strategies_error"] == "non_english_text" and out["zh"]["domain_error"] == "non_english_text"
    assert out["zh"]["verbosity"] is not None and out["zh"]["embedding"] is not None


def test_whole_run_errors_come_before_any_work():
    t = pa.table({"question": ["q"], "response": ["r"]})
    with pytest.raises(AnnotationError, match=r"needs input column\(s\) \['reasoning'\]"):
        annotate(t, ["length"], progress=False)
    with pytest.raises(AnnotationError, match="unknown annotator 'topics'; choose from: length, domain"):
        annotate(t, "length,topics", progress=False)
    with pytest.raises(AnnotationError, match="unknown option 'domain_methd'.*domain_method"):
        annotate(t, ["domain"], progress=False, domain_methd="judge")
    with pytest.raises(AnnotationError, match="needs a judge model"):
        annotate(pa.table({"reasoning": ["x"]}), ["verbosity"], progress=False, verbosity_method="judge")
    with pytest.raises(AnnotationError, match="method must be one of"):
        annotate(pa.table({"reasoning": ["x"]}), ["strategies"], progress=False, strategies_method="llm")


def test_reannotation_replaces_columns_and_keeps_input_columns():
    t = pa.Table.from_pylist(synthetic_traces(5))
    once, _ = annotate(t, ["strategies"], progress=False)
    twice, _ = annotate(once, ["strategies", "verbosity"], progress=False)
    assert twice.column_names.count("strategies") == 1 and set(t.column_names) <= set(twice.column_names)
    assert twice.column("strategies").equals(once.column("strategies"))


def test_cli_annotate_and_its_errors(tmp_path, capsys):
    path = tmp_path / "traces.parquet"
    pq.write_table(pa.Table.from_pylist(synthetic_traces(20)), path)
    rc = cli_main(["annotate", "--in", str(path), "--out", str(tmp_path / "out"), "--annotators", "length,strategies,verbosity",
                   "--no-progress", "--option", "strategies_lexical_engine=regex", "--tokenizer", "smollm2-135m"])
    assert rc == 0
    m = Manifest.load(tmp_path / "out")
    assert m.extra["annotators"]["strategies"]["options"]["lexical_engine"] == "regex"
    assert "wrote" in capsys.readouterr().err
    pq.write_table(pa.table({"question": ["q"]}), tmp_path / "bad.parquet")
    rc = cli_main(["annotate", "--in", str(tmp_path / "bad.parquet"), "--out", str(tmp_path / "bad"), "--annotators", "strategies"])
    assert rc == 2 and "needs input column(s) ['reasoning']" in capsys.readouterr().err


def test_cli_judge_and_second_shorthand_reach_the_backends(tmp_path):
    path = tmp_path / "traces.parquet"
    pq.write_table(pa.Table.from_pylist(synthetic_traces(4)), path)
    rc = cli_main(["annotate", "--in", str(path), "--out", str(tmp_path / "out"), "--annotators", "domain,disagreement",
                   "--domain-method", "judge", "--judge", "fake:judge-model", "--second", "fake:second-model",
                   "--cache", str(tmp_path / "c.sqlite"), "--no-progress"])
    assert rc == 0
    m = Manifest.load(tmp_path / "out")
    assert m.extra["judge"] == "fake:judge-model" and m.extra["second"] == "fake:second-model"
    assert m.config["judge"]["model"] == "judge-model"
    out = read_table(tmp_path / "out").to_pylist()
    # The fake judge answers in prose: every row is an explicit judge error, none is dropped or crashes.
    assert [r["domain_error"] for r in out] == ["judge_invalid_output"] * 4
    assert all(r["second_answer"].startswith("Answer: ") for r in out)


def test_cli_judge_none_decides_agreement_by_rules_only(tmp_path, capsys):
    """--judge none: no judge model is loaded; undecidable rows are explicit needs_judge nulls, nothing is dropped."""
    path = tmp_path / "traces.parquet"
    rows = synthetic_traces(4)
    for r in rows:  # prose answers: no letter, number or short text a rule could compare
        r["response"] = "The sky looks blue because air molecules scatter short wavelengths of sunlight far more."
        r["options"], r["answer"], r["reference_answer"] = None, None, None
    pq.write_table(pa.Table.from_pylist(rows), path)
    rc = cli_main(["annotate", "--in", str(path), "--out", str(tmp_path / "out"), "--annotators", "disagreement",
                   "--judge", "none", "--second", "fake:second-model", "--cache", str(tmp_path / "c.sqlite"),
                   "--no-progress"])
    assert rc == 0
    m = Manifest.load(tmp_path / "out")
    assert m.extra.get("judge") is None and m.counts["out"] == 4
    out = read_table(tmp_path / "out").to_pylist()
    undecided = [r for r in out if r["agree"] is None]
    assert undecided and all("needs_judge" in r["disagreement_error"] for r in undecided)
    # A method that needs a judge fails before any work when there is none.
    rc = cli_main(["annotate", "--in", str(path), "--out", str(tmp_path / "bad"), "--annotators", "domain",
                   "--domain-method", "judge", "--judge", "none", "--no-progress"])
    assert rc == 2 and "needs a judge model" in capsys.readouterr().err
    assert not (tmp_path / "bad" / "data.parquet").exists()
