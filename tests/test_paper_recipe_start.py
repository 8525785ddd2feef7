"""`recipes/paper.yaml` passes `run --check` and starts: its first stage runs offline on a local copy of its
``hf://facebook/natural_reasoning`` input (a Hugging Face ``datasets`` folder made here, 8 questions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from naturalthoughts.main import main
from naturalthoughts.pipeline.plan import plan_recipe
from naturalthoughts.pipeline.recipe import load_recipe
from naturalthoughts.pipeline.runner import RunError, run_recipe

PROJECT = Path(__file__).resolve().parents[1]
PAPER = PROJECT / "recipes" / "paper.yaml"


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.chdir(PROJECT)  # the recipe names its files relative to the project root
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.delenv("NATURALTHOUGHTS_RUN_IN_PROCESS", raising=False)
    return tmp_path


def test_paper_recipe_without_a_local_copy_says_where_to_put_one(offline, monkeypatch):
    monkeypatch.delenv("NATURALTHOUGHTS_HF_DATASETS", raising=False)
    with pytest.raises(RunError, match="hf://facebook/natural_reasoning cannot be read offline.*"
                                       "NATURALTHOUGHTS_HF_DATASETS"):
        run_recipe(load_recipe(PAPER, run_dir=offline / "run"), until_stage="ingest", echo=lambda line: None)


@pytest.mark.slow
def test_paper_recipe_checks_and_runs_its_first_stage_offline(offline, monkeypatch):
    import datasets

    topics = ["ice float on water", "the sky look blue", "iron rust in air", "bread rise in an oven",
              "a compass point north", "salt melt road ice", "the moon show phases", "metal feel cold"]
    rows = [{"question": f"Why does {t}? Explain the mechanism.", "reference_answer": "physics"}
            for t in topics]
    local = offline / "hf"
    datasets.DatasetDict({"train": datasets.Dataset.from_list(rows)}).save_to_disk(
        str(local / "facebook" / "natural_reasoning"))
    monkeypatch.setenv("NATURALTHOUGHTS_HF_DATASETS", str(local))
    run = offline / "run"
    assert main(["run", str(PAPER), "--run-dir", str(run), "--check"]) == 0
    ingest = plan_recipe(load_recipe(PAPER, run_dir=run)).by_key()["ingest"]
    assert ingest.argv[:2] == ["--in", str(local / "facebook" / "natural_reasoning" / "train")]
    assert main(["run", str(PAPER), "--run-dir", str(run), "--until", "ingest"]) == 0
    manifest = json.loads((run / "01-ingest" / "manifest.json").read_text())
    assert manifest["counts"]["out"] == 8
    state = json.loads((run / ".runner" / "ingest.json").read_text())
    assert state["status"] == "done" and state["exit_status"] == 0
