"""The run report (HTML checked in headless Chromium), dataset cards, and export round trips."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

from naturalthoughts.core.store import write_stage
from naturalthoughts.stages.reporting.report import build_report

DOMAINS = ["Science", "Engineering", "Medicine", "History", "Law"]
STRATEGIES = ["self-verification", "backtracking", "subgoal-setting", "exploring-alternatives", "case-analysis"]


def _annotated(n: int, seed: int = 0) -> pa.Table:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        strategies = sorted(rng.sample(STRATEGIES, rng.randint(0, 4)))
        rows.append({
            "id": f"q{i}", "trace_id": f"q{i}#0", "question": f"question {i}", "reasoning": "think " * rng.randint(5, 80),
            "response": "answer", "domain": rng.choice(DOMAINS), "strategies": strategies, "num_strategies": len(strategies),
            "reasoning_tokens": rng.randint(20, 400), "verbosity": rng.randint(0, 10),
            "agree": rng.choice([True, False, None]), "embedding": [rng.random() for _ in range(4)],
        })
    schema = pa.schema([("id", pa.string()), ("trace_id", pa.string()), ("question", pa.string()), ("reasoning", pa.string()),
                        ("response", pa.string()), ("domain", pa.string()), ("strategies", pa.list_(pa.string())),
                        ("num_strategies", pa.int32()), ("reasoning_tokens", pa.int64()), ("verbosity", pa.int8()),
                        ("agree", pa.bool_()), ("embedding", pa.list_(pa.float32(), 4))])
    return pa.Table.from_pylist(rows, schema=schema)


@pytest.fixture
def small_run(tmp_path) -> Path:
    """A run folder laid out as `naturalthoughts run` writes it, with every stage the report reads."""
    run = tmp_path / "run"
    pool = _annotated(60)
    write_stage(run / "03-annotate", pool, stage="annotate", config={"annotators": "length,strategies"})
    for name, idx in (("random", range(0, 60, 3)), ("disagree", [i for i, a in enumerate(pool.column("agree").to_pylist()) if a is False][:20])):
        sel = pool.take(pa.array(list(idx)))
        write_stage(run / "04-select" / name, sel, stage="select", config={"strategy": name, "n": 20, "seed": 0},
                    inputs=[run / "03-annotate"])
        modes = ["system2" if (a is False) else "system1" for a in sel.column("agree").to_pylist()]
        sft = pa.table({"id": sel.column("id"), "mode": modes, "target_tokens": [50 + 10 * i for i in range(sel.num_rows)]})
        write_stage(run / "05-build-sft" / name, sft, stage="build-sft", config={"mode": "mixed", "mix": "difficulty"})
        train = run / "06-train" / name
        (train / "model").mkdir(parents=True)
        (train / "trainer_state.json").write_text(json.dumps({"log_history": [{"step": s, "loss": 2.0 / s} for s in range(1, 6)]}))
    for name, model, acc in (("base", "smollm2-135m", (25.0, 30.0)), ("random", str(run / "06-train/random/model"), (35.0, 40.0))):
        out = run / "07-evaluate" / name
        out.mkdir(parents=True)
        (out / "summary.json").write_text(json.dumps({"benchmark": "nt-mcq", "model": model, "conditions": [
            {"condition": "no-think", "mode": "no-think", "accuracy": acc[0], "accuracy_std": 2.0, "seeds": 2, "items": 40,
             "unparsed_rate": 5.0, "mean_tokens": 12.0},
            {"condition": "think", "mode": "think", "accuracy": acc[1], "accuracy_std": 3.0, "seeds": 2, "items": 40,
             "unparsed_rate": 10.0, "mean_tokens": 150.0}]}))
    (run / "recipe.resolved.yaml").write_text(
        "name: small\nstages:\n  annotate: {}\n"
        + "".join(f"  {stage}:\n    instances:\n      random: {{}}\n      disagree: {{}}\n" for stage in ("select", "build-sft", "train"))
        + "  evaluate:\n    instances:\n      base: {}\n      random: {}\n")
    stale = _annotated(5)
    write_stage(run / "04-select" / "old-selection", stale, stage="select", config={"strategy": "random"})
    return run


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
# Appended to a copy of the report: records how many images decoded, and any script error, into the DOM.
PROBE = """<script>window.addEventListener('load',function(){var imgs=[].slice.call(document.images);
var ok=imgs.filter(function(i){return i.complete&&i.naturalWidth>0;}).length;
document.body.setAttribute('data-images',ok+'/'+imgs.length);});
window.addEventListener('error',function(e){document.body.setAttribute('data-error',String(e.message));});</script>"""


def test_report_has_every_section_and_cards(small_run):
    result = build_report(small_run)
    html = result.html.read_text()
    assert result.html == small_run / "08-report" / "report.html"
    assert result.notes == []
    for needle in ("Selection: random", "Selection: disagree", "Reasoning strategies", "Domain", "Verbosity",
                   "Teacher vs. second model", "System-2", "accuracy vs tokens",
                   "trained:random", "Lineage", "Recipe (resolved)"):
        assert needle in html, needle
    assert "http://" not in html.replace("https://arxiv.org/abs/2507.01921", "")  # nothing to fetch
    assert html.count("data:image/png;base64,") >= 14
    assert "old-selection" not in html  # not in the run's recipe any more
    card = result.cards["disagree"].read_text()
    assert card.startswith("---\npretty_name:") and "size_categories:\n- n<1K" in card
    assert "# Dataset Card for disagree" in card and "| disagree | " in card and "System-2 (full trace): 100.0%" in card


def test_report_degrades_when_stages_are_missing(small_run):
    shutil.rmtree(small_run / "07-evaluate")
    shutil.rmtree(small_run / "03-annotate")
    (small_run / "04-select" / "random" / "_SUCCESS").unlink()
    result = build_report(small_run)
    html = result.html.read_text()
    assert "No evaluation results in this run." in html and "Selection: random" in html


@pytest.mark.skipif(_chromium() is None, reason="chromium not installed (scripts/install-test-system-deps.sh installs it)")
def test_report_opens_in_headless_chromium_with_all_images(small_run, tmp_path):
    result = build_report(small_run)
    probe = tmp_path / "probe.html"
    probe.write_text(result.html.read_text().replace("</body>", PROBE + "</body>"))
    shot = tmp_path / "report.png"
    base = [_chromium(), *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*base, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    images = dom.stdout.count("<img ")
    assert images >= 14
    assert f'data-images="{images}/{images}"' in dom.stdout, dom.stdout[:500]
    assert 'data-error="' not in dom.stdout
    subprocess.run([*base, "--window-size=1280,3000", "--hide-scrollbars", f"--screenshot={shot}", result.html.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000
    keep = os.environ.get("NATURALTHOUGHTS_KEEP_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)


def test_report_cli_writes_stage_folder(small_run):
    from naturalthoughts.main import main

    assert main(["report", str(small_run)]) == 0
    assert (small_run / "08-report" / "_SUCCESS").exists() and (small_run / "08-report" / "cards" / "random.md").exists()


def test_export_round_trip_hf_and_jsonl(small_run, tmp_path):
    import datasets

    from naturalthoughts.core.store import read_table
    from naturalthoughts.main import main

    sel = small_run / "04-select" / "disagree"
    original = read_table(sel)
    assert main(["export", "--in", str(sel), "--out", str(tmp_path / "hf"), "--format", "hf"]) == 0
    loaded = datasets.load_from_disk(str(tmp_path / "hf"))
    assert loaded.num_rows == original.num_rows and loaded.column_names == original.column_names
    assert loaded[0]["strategies"] == original.column("strategies")[0].as_py()
    assert loaded["id"] == original.column("id").to_pylist()
    assert (tmp_path / "hf" / "README.md").read_text().startswith("---")
    assert main(["export", "--in", str(sel), "--out", str(tmp_path / "js"), "--format", "jsonl", "--drop", "embedding"]) == 0
    rows = [json.loads(x) for x in (tmp_path / "js" / "data.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == original.column("id").to_pylist() and "embedding" not in rows[0]
    again = datasets.load_dataset("json", data_files=str(tmp_path / "js" / "data.jsonl"), split="train")
    assert again.num_rows == original.num_rows


def test_export_bad_input(small_run, tmp_path, capsys):
    from naturalthoughts.main import main

    assert main(["export", "--in", str(tmp_path / "nope"), "--out", str(tmp_path / "x"), "--format", "hf"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["export", "--in", str(small_run / "04-select" / "random"), "--out", str(tmp_path / "x"),
                 "--columns", "id,nope"]) == 2
    assert "no column(s) nope" in capsys.readouterr().err
    assert main(["export", "--in", str(small_run / "04-select" / "random"), "--out", str(tmp_path / "x"),
                 "--format", "jsonl", "--push-to-hub", "me/x"]) == 2


def test_selection_figures_show_mean_strategies_and_the_band_share():
    # What the quickstart's two selections are compared on: the paper's preferred band 4 < |S| <= 8.
    import pyarrow as pa

    from naturalthoughts.stages.reporting.collect import distributions
    from naturalthoughts.stages.reporting.report import _selection_figures

    pool = distributions(pa.table({"num_strategies": [1, 2, 5, 6, 9, 3]}))
    chosen = distributions(pa.table({"num_strategies": [5, 6, 7, 2]}))
    assert pool["num_strategies_mean"] == pytest.approx(26 / 6) and pool["num_strategies_in_band"] == pytest.approx(2 / 6)
    assert chosen["num_strategies_in_band"] == pytest.approx(0.75)
    html = "".join(_selection_figures(chosen, pool, 6, 4))
    assert "share 4 &lt; |S| ≤ 8" in html or "share 4 < |S| ≤ 8" in html
    assert "33.3%" in html and "75.0%" in html and "4.33" in html and "5.00" in html


def test_export_streams_a_sharded_folder_in_row_and_column_order(tmp_path):
    """export reads a sharded stage folder batch by batch (export_stage never builds a table of all rows): every
    row in order, the asked column order, both formats."""
    import datasets
    import pyarrow as pa

    from naturalthoughts.core.store import write_stage
    from naturalthoughts.stages.reporting.export import export_stage

    rows = [{"id": f"r{i:02d}", "question": f"q{i}", "score": i / 2, "tags": ["a"] * (i % 3)} for i in range(11)]
    write_stage(tmp_path / "in", pa.Table.from_pylist(rows), stage="select", config={}, rows_per_shard=3)
    path, schema, n = export_stage(tmp_path / "in", tmp_path / "hf", "hf", columns=["score", "id", "tags"])
    assert n == 11 and schema.names == ["score", "id", "tags"]
    loaded = datasets.load_from_disk(str(path))
    assert loaded.column_names == ["score", "id", "tags"] and loaded["id"] == [r["id"] for r in rows]
    assert loaded[4]["tags"] == ["a"] and not list(tmp_path.glob(".nt-export-*"))
    path, schema, n = export_stage(tmp_path / "in", tmp_path / "js", "jsonl", drop=["question"])
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert [r["id"] for r in lines] == [r["id"] for r in rows] and list(lines[0]) == ["id", "score", "tags"]
