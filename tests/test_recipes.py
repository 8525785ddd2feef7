"""The shipped recipes: they parse, and every stage and option in them exists (checked against each stage's
real argument parser, which is what `naturalthoughts run --check` does). Nothing runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from naturalthoughts.pipeline.plan import plan_recipe
from naturalthoughts.pipeline.recipe import load_recipe

RECIPES = Path(__file__).resolve().parents[1] / "recipes"


@pytest.fixture(autouse=True)
def _from_project_root(monkeypatch):
    monkeypatch.chdir(RECIPES.parent)  # recipes name their inputs relative to the project root


def test_paper_recipe_is_the_papers_configuration(tmp_path):
    plan = plan_recipe(load_recipe(RECIPES / "paper.yaml", run_dir=tmp_path / "paper"))
    by_key = {p.key: p for p in plan.items}
    stages = {p.inst.stage for p in plan.items}
    assert stages == {"ingest", "generate", "annotate", "select", "build-sft", "train", "evaluate", "report"}
    assert by_key["ingest"].argv[:2] == ["--in", "hf://facebook/natural_reasoning"]
    gen = by_key["generate"].args
    assert (gen.backend, gen.model, gen.max_tokens, gen.temperature, gen.top_p) == \
        ("openai", "deepseek-ai/DeepSeek-R1", 16384, 0.6, 0.95)
    assert gen.api_key_env and not hasattr(gen, "api_key")
    sizes = {p.inst.name: p.args.n for p in plan.items if p.inst.stage == "select"}
    assert {1000, 10000, 100000} <= set(sizes.values())
    seeds = {p.args.benchmark: p.args.seeds for p in plan.items if p.inst.stage == "evaluate"}
    assert seeds == {"gpqa-diamond": 24, "math-500": 16, "mmlu-pro": 1, "supergpqa": 1}
    for p in plan.items:
        if p.inst.stage == "evaluate":
            assert (p.args.temperature, p.args.top_p, p.args.max_tokens) == (0.6, 0.95, 16384)
        if p.inst.stage == "train":
            assert "Llama-3.1-8B-Instruct" in p.args.student


def test_quickstart_recipe_is_local_and_complete(tmp_path):
    plan = plan_recipe(load_recipe(RECIPES / "quickstart.yaml", run_dir=tmp_path / "qs"))
    stages = [p.inst.stage for p in plan.items]
    assert stages[0] == "ingest" and stages[-1] == "report"
    assert set(stages) == {"ingest", "generate", "annotate", "select", "build-sft", "train", "evaluate", "report"}
    sizes = {p.args.n for p in plan.items if p.inst.stage == "select"}
    assert len(sizes) == 1 and stages.count("select") >= 2  # selections of equal size
    for p in plan.items:
        assert not any(str(a).startswith(("http://", "https://", "hf://")) for a in p.argv), p.key
    evals = {p.inst.name: p for p in plan.items if p.inst.stage == "evaluate"}
    assert "base" in evals and len(evals) >= 3
    assert all(set(p.args.mode.split(",")) == {"no-think", "think"} for p in evals.values())
