"""Recipe validation, skip/re-run decisions and resume, on toy stages (fast, no models).

The toy stages stand in for the real ones through the same CLI contract (HELP, add_arguments, main) and write
real stage folders with :func:`naturalthoughts.core.store.write_stage`; tests/test_pipeline_e2e.py runs the real
stages with the fake backend.
"""

from __future__ import annotations

import json
import sys
import textwrap
import types
from pathlib import Path

import pyarrow as pa
import pytest

from naturalthoughts import cli
from naturalthoughts.core.store import read_table, write_stage
from naturalthoughts.pipeline import argv as stage_argv
from naturalthoughts.pipeline.decide import run_status
from naturalthoughts.pipeline.plan import plan_recipe
from naturalthoughts.pipeline.recipe import RecipeError, load_recipe
from naturalthoughts.pipeline.runner import RunError, run_recipe

CALLS: list[str] = []


def _toy_module(name: str, add_arguments, main) -> str:
    module = types.ModuleType(f"nt_toy_{name.replace('-', '_')}")
    module.HELP = f"toy {name}"
    module.add_arguments = add_arguments
    module.main = main
    sys.modules[module.__name__] = module
    return module.__name__


def _ingest_args(p):
    p.add_argument("--in", dest="input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--no-rejects-file", dest="write_rejects", action="store_false")


def _ingest_main(args):
    CALLS.append("ingest")
    lines = [json.loads(x) for x in Path(args.input).read_text().splitlines() if x.strip()]
    if args.limit:
        lines = lines[: args.limit]
    table = pa.table({"id": [r["id"] for r in lines], "question": [r["question"] for r in lines]})
    write_stage(args.out, table, stage="ingest", config={"limit": args.limit}, inputs=[args.input])
    return 0


def _generate_args(p):
    p.add_argument("--in", dest="input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--max-tokens", type=int, default=16)
    p.add_argument("--cache", default=None)
    p.add_argument("--fail-after", type=int, default=None, help="raise after N rows (simulates a crash)")
    p.add_argument("--interrupt", action="store_true")


def _generate_main(args):
    CALLS.append("generate")
    table = read_table(args.input)
    rows = table.to_pylist()
    done = []
    for i, r in enumerate(rows):
        if args.interrupt and i == 1:
            raise KeyboardInterrupt
        if args.fail_after is not None and i == args.fail_after:
            raise RuntimeError("teacher fell over")
        done.append({**r, "response": r["question"][: args.max_tokens]})
    write_stage(args.out, pa.Table.from_pylist(done), stage="generate", config={"max_tokens": args.max_tokens},
                inputs=[args.input])
    return 0


def _select_args(p):
    p.add_argument("--in", dest="input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--strategy", default="random")
    p.add_argument("-n", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)


def _select_main(args):
    CALLS.append(f"select:{Path(args.out).name}")
    import random

    rows = read_table(args.input).to_pylist()
    picked = random.Random(args.seed).sample(rows, args.n)
    write_stage(args.out, pa.Table.from_pylist(picked), stage="select", config={"n": args.n, "seed": args.seed},
                inputs=[args.input])
    return 0


def _build_args(p):
    p.add_argument("--in", dest="input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--mode", choices=["system1", "system2", "mixed"], default="system2")


def _build_main(args):
    CALLS.append(f"build-sft:{Path(args.out).name}")
    rows = read_table(args.input).to_pylist()
    write_stage(args.out, pa.Table.from_pylist(rows), stage="build-sft", config={"mode": args.mode}, inputs=[args.input])
    return 0


def _eval_args(p):
    p.add_argument("--model", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--mode", default="no-think")


def _eval_main(args):
    CALLS.append(f"evaluate:{Path(args.out).name}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps({"model": args.model, "mode": args.mode, "accuracy": 0.5}))
    return 0


@pytest.fixture
def toy_stages(monkeypatch):
    monkeypatch.setattr(stage_argv, "_PARSERS", {})
    monkeypatch.setenv("NATURALTHOUGHTS_RUN_IN_PROCESS", "1")  # toy modules live only in this process
    toys = {
        "ingest": _toy_module("ingest", _ingest_args, _ingest_main),
        "generate": _toy_module("generate", _generate_args, _generate_main),
        "select": _toy_module("select", _select_args, _select_main),
        "build-sft": _toy_module("build-sft", _build_args, _build_main),
        "evaluate": _toy_module("evaluate", _eval_args, _eval_main),
    }
    for stage, module in toys.items():
        monkeypatch.setitem(cli.STAGE_COMMANDS, stage, module)
    CALLS.clear()
    return CALLS


@pytest.fixture
def pool(tmp_path) -> Path:
    path = tmp_path / "pool.jsonl"
    path.write_text("".join(json.dumps({"id": f"q{i}", "question": f"question number {i} about things"}) + "\n"
                            for i in range(12)))
    return path


RECIPE = """\
name: toy
stages:
  ingest:
    in: {pool}
  generate:
    max_tokens: 10
  select:
    n: 4
    instances:
      first: {{seed: 1}}
      second: {{seed: 2}}
  build-sft:
    mode: mixed
  evaluate:
    instances:
      trained-first: {{model: "@build-sft/first"}}
      base: {{model: base-model}}
"""


def _write(tmp_path: Path, text: str, name: str = "recipe.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _run(recipe_path: Path, run_dir: Path, **kw):
    lines: list[str] = []
    summary = run_recipe(load_recipe(recipe_path, run_dir=run_dir), echo=lines.append, **kw)
    return summary, lines


# ----------------------------------------------------------------------------------------- validation
def test_unknown_stage_names_key_and_line(tmp_path, toy_stages, pool):
    path = _write(tmp_path, f"name: x\nstages:\n  ingest:\n    in: {pool}\n  distill:\n    mode: mixed\n")
    with pytest.raises(RecipeError) as err:
        load_recipe(path)
    assert f"{path}:5:" in str(err.value) and "unknown stage 'distill'" in str(err.value)
    assert "build-sft" in str(err.value)  # lists the known stages


def test_unknown_option_names_key_line_and_suggestion(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool).replace("max_tokens: 10", "max_tokns: 10"))
    recipe = load_recipe(path, run_dir=tmp_path / "run")
    with pytest.raises(RecipeError) as err:
        plan_recipe(recipe)
    msg = str(err.value)
    assert f"{path}:6:" in msg and "`max_tokns`" in msg and "did you mean `max_tokens`" in msg
    assert not (tmp_path / "run").exists()  # nothing ran


def test_bad_option_value_points_at_its_line(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool).replace("mode: mixed", "mode: both"))
    with pytest.raises(RecipeError) as err:
        plan_recipe(load_recipe(path, run_dir=tmp_path / "run"))
    assert f"{path}:13:" in str(err.value) and "`mode`" in str(err.value) and "invalid choice" in str(err.value)


def test_missing_input_path_and_bad_reference(tmp_path, toy_stages):
    path = _write(tmp_path, "stages:\n  ingest:\n    in: /nope/pool.jsonl\n")
    with pytest.raises(RecipeError) as err:
        load_recipe(path)
    assert f"{path}:3:" in str(err.value) and "does not exist" in str(err.value)
    path = _write(tmp_path, f"stages:\n  ingest:\n    in: {path}\n  evaluate:\n    model: '@select/x'\n", "r2.yaml")
    with pytest.raises(RecipeError) as err:
        load_recipe(path)
    assert ":5:" in str(err.value) and "does not run" in str(err.value)


def test_ambiguous_input_and_wired_option(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool).replace("  build-sft:\n    mode: mixed\n",
                  "  build-sft:\n    instances:\n      a: {mode: mixed}\n"))
    with pytest.raises(RecipeError, match="has several instances"):
        load_recipe(path)
    path = _write(tmp_path, RECIPE.format(pool=pool).replace("max_tokens: 10", "out: /tmp/x"))
    with pytest.raises(RecipeError, match="wired by the runner"):
        plan_recipe(load_recipe(path, run_dir=tmp_path / "run"))


# -------------------------------------------------------------------------------------- skip / re-run
def test_second_run_skips_everything_and_one_change_reruns_only_downstream(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool))
    run = tmp_path / "run"
    summary, lines = _run(path, run)
    assert toy_stages == ["ingest", "generate", "select:first", "select:second", "build-sft:first",
                          "build-sft:second", "evaluate:trained-first", "evaluate:base"]
    assert (run / "recipe.resolved.yaml").exists() and (run / "04-select" / "first" / "_SUCCESS").exists()
    resolved = load_recipe(run / "recipe.resolved.yaml", run_dir=run)  # the resolved recipe is itself valid
    assert resolved.find("generate").options["max_tokens"] == 10
    assert resolved.find("ingest").options["no_rejects_file"] is False and resolved.find("generate").options["interrupt"] is False
    # ... and describes exactly what ran: `status` (which reads it) finds everything done
    assert {s.status for s in run_status(plan_recipe(resolved))} == {"done"}

    toy_stages.clear()
    summary, lines = _run(path, run)
    assert toy_stages == [] and len(summary.skipped) == 8
    assert any("select/first: up to date, skipped (4 rows)" in line for line in lines)

    # change one option of one selection: that selection and what reads it re-run, nothing else
    path.write_text(path.read_text().replace("first: {seed: 1}", "first: {seed: 3}"))
    toy_stages.clear()
    summary, lines = _run(path, run)
    assert toy_stages == ["select:first", "build-sft:first", "evaluate:trained-first"]
    assert any("options changed: seed" in line for line in lines)
    statuses = {s.key: s.status for s in run_status(plan_recipe(load_recipe(path, run_dir=run)))}
    assert set(statuses.values()) == {"done"}


def test_changing_an_early_stage_makes_later_ones_stale(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool))
    run = tmp_path / "run"
    _run(path, run)
    path.write_text(path.read_text().replace("max_tokens: 10", "max_tokens: 12"))
    statuses = {s.key: s.status for s in run_status(plan_recipe(load_recipe(path, run_dir=run)))}
    assert statuses["ingest"] == "done" and statuses["generate"] == "stale"
    assert statuses["select/first"] == "stale" and statuses["evaluate/trained-first"] == "stale"
    assert statuses["evaluate/base"] == "done"  # reads nothing from the run
    toy_stages.clear()
    _run(path, run, until_stage="select")
    assert toy_stages == ["generate", "select:first", "select:second"]


def test_force_and_from(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool))
    run = tmp_path / "run"
    _run(path, run)
    toy_stages.clear()
    # generate re-runs but its output is byte-identical, so nothing downstream has to re-run
    _run(path, run, force=("generate",))
    assert toy_stages == ["generate"]
    toy_stages.clear()
    _run(path, run, force=("select/second",))
    assert toy_stages == ["select:second"]
    # --from takes earlier stages as they are even when stale
    path.write_text(path.read_text().replace("max_tokens: 10", "max_tokens: 11"))
    toy_stages.clear()
    _run(path, run, from_stage="select")
    assert toy_stages == []
    with pytest.raises(RecipeError, match="unknown stage"):
        _run(path, run, from_stage="selekt")
    with pytest.raises(RecipeError, match="no such stage instance"):
        _run(path, run, force=("select/thrid",))


# --------------------------------------------------------------------------------------- resume / errors
def test_failed_stage_keeps_earlier_outputs_and_resumes(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool).replace("max_tokens: 10", "max_tokens: 10\n    fail_after: 3"))
    run = tmp_path / "run"
    with pytest.raises(RunError, match="generate failed.*teacher fell over"):
        _run(path, run)
    assert (run / "01-ingest" / "_SUCCESS").exists()
    statuses = {s.key: s.status for s in run_status(plan_recipe(load_recipe(path, run_dir=run)))}
    assert statuses["ingest"] == "done" and statuses["generate"] == "failed" and statuses["select/first"] == "pending"
    path.write_text(path.read_text().replace("    fail_after: 3\n", ""))
    toy_stages.clear()
    _run(path, run)
    assert toy_stages[:2] == ["generate", "select:first"] and "ingest" not in toy_stages


def test_interrupted_stage_resumes_on_next_run(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool).replace("max_tokens: 10", "max_tokens: 10\n    interrupt: true"))
    run = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        _run(path, run)
    state = json.loads((run / ".runner" / "generate.json").read_text())
    assert state["status"] == "running"
    path.write_text(path.read_text().replace("    interrupt: true\n", ""))
    toy_stages.clear()
    summary, lines = _run(path, run)
    assert toy_stages[0] == "generate" and "ingest" not in toy_stages
    assert any("interrupted; resuming" in line for line in lines)


def test_selection_larger_than_pool_fails_before_select(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool).replace("n: 4", "n: 50"))
    run = tmp_path / "run"
    with pytest.raises(RunError) as err:
        _run(path, run)
    assert "n=50 is larger than its input (12 rows" in str(err.value) and f"{path}:8:" in str(err.value)
    assert (run / "02-generate" / "_SUCCESS").exists() and "select:first" not in toy_stages


def test_deleted_input_is_a_clear_error(tmp_path, toy_stages, pool):
    path = _write(tmp_path, RECIPE.format(pool=pool))
    run = tmp_path / "run"
    _run(path, run)
    import shutil

    shutil.rmtree(run / "02-generate")
    with pytest.raises(RunError, match=r"select/first: its input generate .* is missing"):
        _run(path, run, from_stage="select", force=("select",))
    assert (run / "04-select" / "first" / "_SUCCESS").exists()  # nothing of the earlier run was lost
    toy_stages.clear()
    _run(path, run)  # without --from the deleted stage is rebuilt; identical output, so nothing else re-runs
    assert toy_stages == ["generate"]


def test_cli_check_and_status(tmp_path, toy_stages, pool):
    from naturalthoughts.main import main

    path = _write(tmp_path, RECIPE.format(pool=pool))
    run = tmp_path / "run"
    assert main(["run", str(path), "--run-dir", str(run), "--check"]) == 0
    assert main(["run", str(path), "--run-dir", str(run), "--until", "generate"]) == 0
    assert main(["status", str(run)]) == 0
    assert main(["run", str(path).replace("recipe", "missing")]) == 2
