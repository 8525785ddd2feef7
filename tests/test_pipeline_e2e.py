"""`naturalthoughts run` over the real stages (fake backend for LLM calls, so it is fast): skip/re-run, resume
through the row cache, bad input. The real-model run is `make quickstart` (timed in benchmarks/RESULTS.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from naturalthoughts.pipeline.decide import run_status
from naturalthoughts.pipeline.plan import plan_recipe
from naturalthoughts.pipeline.recipe import load_recipe
from naturalthoughts.pipeline.runner import RunError, run_recipe

PROJECT = Path(__file__).resolve().parents[1]
POOL = PROJECT / "src" / "naturalthoughts" / "data" / "questions" / "sample_pool.jsonl"

RECIPE = """\
name: e2e
stages:
  ingest:
    in: {pool}
  generate:
    backend: fake
    max_tokens: 64
  annotate:
    annotators: length,strategies,verbosity
  select:
    n: 8
    seed: 1
    instances:
      random: {{strategy: random}}
      random-2: {{strategy: random, seed: 2}}
  build-sft:
    mode: mixed
    mix: "random:0.5"
  evaluate:
    backend: fake
    limit: 6
    mode: "no-think,think"
  report: {{}}
"""


@pytest.fixture
def recipe_file(tmp_path) -> Path:
    pool = tmp_path / "pool.jsonl"
    pool.write_text("".join(POOL.read_text().splitlines(keepends=True)[:30]))
    path = tmp_path / "e2e.yaml"
    path.write_text(RECIPE.format(pool=pool))
    return path


def _run(path: Path, run: Path, **kw) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    # In this process: these tests are about skip/re-run decisions, and a process per stage costs ~100 s more
    # here (tests/test_run_isolation.py runs the default, a process per stage).
    summary = run_recipe(load_recipe(path, run_dir=run), echo=lines.append, in_process=True, **kw)
    return summary.ran, lines


def test_full_run_then_one_change_then_resume(recipe_file, tmp_path):
    run = tmp_path / "run"
    ran, lines = _run(recipe_file, run)
    assert ran == ["ingest", "generate", "annotate", "select/random", "select/random-2", "build-sft/random",
                   "build-sft/random-2", "evaluate", "report"]
    assert lines[-1] == f"Report: {run / '08-report' / 'report.html'}"
    html = (run / "08-report" / "report.html").read_text()
    assert "Selection: random-2" in html and "System-2" in html and "nt-mcq" in html
    assert (run / "08-report" / "cards" / "random.md").exists()
    assert (run / "cache.sqlite").exists()

    # nothing changed: nothing runs
    ran, _ = _run(recipe_file, run)
    assert ran == []

    # one option of one selection: that selection, its SFT set and the report re-run; nothing else
    recipe_file.write_text(recipe_file.read_text().replace("random-2: {strategy: random, seed: 2}",
                                                           "random-2: {strategy: random, seed: 3}"))
    ran, lines = _run(recipe_file, run)
    assert ran == ["select/random-2", "build-sft/random-2", "report"]
    assert any("select/random-2: running (options changed: seed)" in line for line in lines)

    # a run killed inside generate (state left "running", no _SUCCESS): generate re-runs from the row cache,
    # sends nothing, and since its output is identical nothing after it has to run again
    state_file = run / ".runner" / "generate.json"
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "status": "running"}))
    (run / "02-generate" / "_SUCCESS").unlink()
    statuses = {s.key: s.status for s in run_status(plan_recipe(load_recipe(run / "recipe.resolved.yaml", run_dir=run)))}
    assert statuses["generate"] == "pending" and statuses["annotate"] == "stale"
    ran, lines = _run(recipe_file, run)
    assert ran == ["generate"]
    manifest = json.loads((run / "02-generate" / "manifest.json").read_text())
    # its finished shard is kept as it was (resume by shard): nothing is requested, not even from the cache
    assert manifest["extra"]["resume"]["shards_kept"] == 1 and manifest["extra"]["resume"]["shards_written"] == 0
    assert manifest["extra"]["resume"]["run_stats_this_run"]["sent"] == 0
    assert manifest["counts"]["out"] == 30  # counts cover every shard, kept ones included


def test_bad_input_keeps_earlier_stages(recipe_file, tmp_path):
    run = tmp_path / "run"
    big = recipe_file.read_text().replace("n: 8", "n: 500")
    recipe_file.write_text(big)
    with pytest.raises(RunError, match=r"n=500 is larger than its input \(30 rows"):
        _run(recipe_file, run)
    for stage in ("01-ingest", "02-generate", "03-annotate"):
        assert (run / stage / "_SUCCESS").exists()
    recipe_file.write_text(big.replace("n: 500", "n: 8"))
    ran, _ = _run(recipe_file, run)
    assert ran[0] == "select/random"  # continues where it stopped

    shutil.rmtree(run / "03-annotate")
    with pytest.raises(RunError, match=r"select/random: its input annotate .* is missing or incomplete"):
        _run(recipe_file, run, from_stage="select", force=("select",))
    assert (run / "04-select" / "random" / "_SUCCESS").exists()
    ran, _ = _run(recipe_file, run)
    assert ran == ["annotate"]  # rebuilt; identical content, so nothing downstream re-runs
