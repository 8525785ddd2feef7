"""`run` starts `train` under `accelerate launch` when the recipe says so, retrains when the SFT data changes,
and the evaluation of the retrained student (same folder) asks the model again instead of reusing cached rows.

Real stages (build-sft, train on a tiny 2-layer Llama with SmolLM2's tokenizer), each in its own process,
`train` through ``python -m accelerate.commands.launch --num_processes 1 --cpu -m naturalthoughts train ...``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from _distill_helpers import make_tiny_student, trace_rows

from naturalthoughts.core.store import write_stage
from naturalthoughts.pipeline.plan import plan_recipe, resolved_recipe
from naturalthoughts.pipeline.recipe import RecipeError, parse_recipe
from naturalthoughts.pipeline.runner import run_recipe

RECIPE = {
    "name": "launch",
    "env": {"OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"},
    "stages": {
        "build-sft": {"in": None, "mode": "system2", "tokenizer": "smollm2-135m"},
        "train": {"launcher": "accelerate", "num_processes": 1, "cpu": True, "student": None, "max_steps": 2,
                  "batch_size": 2, "save_steps": 2, "resume": True},
        "evaluate": {"backend": "transformers", "model": "@train", "benchmark": "nt-mcq", "limit": 2,
                     "mode": "no-think", "max_tokens": 4, "temperature": 0.0},
    },
}


def _recipe(selected: Path, student: Path, run: Path):
    data = json.loads(json.dumps(RECIPE))
    data["stages"]["build-sft"]["in"] = str(selected)
    data["stages"]["train"]["student"] = str(student)
    return parse_recipe(data, run_dir=run)


def test_launcher_keys_are_not_stage_flags(tmp_path):
    (tmp_path / "selected").mkdir()
    plan = plan_recipe(_recipe(tmp_path / "selected", tmp_path / "student", tmp_path / "run"))
    train = plan.by_key()["train"]
    assert train.inst.launcher == {"name": "accelerate", "num_processes": 1, "cpu": True}
    flags = [a for a in train.argv if a.startswith("--")]
    assert not any("launcher" in a or "num" in a or a == "--cpu" for a in flags), flags
    assert resolved_recipe(plan)["stages"]["train"]["launcher"]["name"] == "accelerate"
    bad = json.loads(json.dumps(RECIPE))
    bad["stages"]["build-sft"]["in"] = str(tmp_path / "selected")
    bad["stages"]["train"]["launcher"] = "mpirun"
    with pytest.raises(RecipeError, match="launcher 'mpirun' is unknown"):
        parse_recipe(bad, run_dir=tmp_path / "run")


@pytest.mark.slow
def test_train_under_accelerate_retrains_when_the_sft_data_changes(tmp_path, monkeypatch):
    monkeypatch.delenv("NATURALTHOUGHTS_RUN_IN_PROCESS", raising=False)
    import pyarrow as pa

    student = make_tiny_student(tmp_path / "tiny")
    selected, run = tmp_path / "selected", tmp_path / "run"
    write_stage(selected, pa.Table.from_pylist(trace_rows(4)), stage="select", config={})
    assert run_recipe(_recipe(selected, student, run), echo=lambda line: None).ran == ["build-sft", "train",
                                                                                       "evaluate"]
    state = json.loads((run / ".runner" / "train.json").read_text())
    assert state["command"][1:3] == ["-m", "accelerate.commands.launch"]
    assert "--num_processes" in state["command"]
    assert state["pid"] != os.getpid() and state["exit_status"] == 0
    first = json.loads((run / "06-train" / "manifest.json").read_text())
    assert first["counts"]["steps"] == 2

    # other SFT data: build-sft and train are stale; train starts afresh (a cleared folder, no old checkpoint)
    other = [{**r, "reasoning": "Counting on my fingers.", "response": "It is 42."} for r in trace_rows(4)]
    write_stage(selected, pa.Table.from_pylist(other), stage="select", config={})
    lines: list[str] = []
    first_eval = json.loads((run / "07-evaluate" / "manifest.json").read_text())
    assert run_recipe(_recipe(selected, student, run), echo=lines.append).ran == ["build-sft", "train", "evaluate"]
    assert any("train: running (input build-sft changed)" in line for line in lines)
    second = json.loads((run / "06-train" / "manifest.json").read_text())
    assert second["counts"]["steps"] == 2 and second["extra"]["resumed_from"] is None
    assert second["extra"]["data_hash"] != first["extra"]["data_hash"]
    # the retrained student (same folder) is a different model to the row cache: new answers, none cached
    second_eval = json.loads((run / "07-evaluate" / "manifest.json").read_text())
    assert second_eval["config"]["model_identity"] != first_eval["config"]["model_identity"]
    stats = second_eval["extra"]["summary"]["run_stats"]
    assert stats["cache_hits"] == 0 and stats["sent"] > 0
