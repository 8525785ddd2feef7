"""`run` starts one process per stage, and no file it (or a stage) writes holds a secret.

Real stages over the fake backend (fast); the secrets are planted where a user would put them: the value of
the variable an ``api_key_env`` option names, the recipe's ``env:`` block and a credential-like option value.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from naturalthoughts.pipeline.recipe import load_recipe
from naturalthoughts.pipeline.runner import run_recipe

PROJECT = Path(__file__).resolve().parents[1]
POOL = PROJECT / "src" / "naturalthoughts" / "data" / "questions" / "sample_pool.jsonl"

KEY_IN_ENVIRONMENT = "sk-planted-environment-4f1c9a7e"
KEY_IN_ENV_BLOCK = "hf_planted_env_block_8d2b6c"
KEY_IN_OPTION = "sk-planted-option-value-77e0"

RECIPE = """\
name: secrets
env:
  NT_TEST_HF_TOKEN: {env_block}
  HF_HUB_OFFLINE: "1"
stages:
  ingest:
    in: {pool}
  generate:
    backend: fake
    max_tokens: 32
    api_key_env: NT_TEST_TEACHER_KEY
    backend_option: ["api_key={option}", "think=true"]
  report: {{}}
"""


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("secrets")
    pool = tmp / "pool.jsonl"
    pool.write_text("".join(POOL.read_text().splitlines(keepends=True)[:6]))
    recipe = tmp / "recipe.yaml"
    recipe.write_text(RECIPE.format(pool=pool, env_block=KEY_IN_ENV_BLOCK, option=KEY_IN_OPTION))
    run = tmp / "run"
    old = os.environ.get("NT_TEST_TEACHER_KEY")
    os.environ["NT_TEST_TEACHER_KEY"] = KEY_IN_ENVIRONMENT
    os.environ.pop("NATURALTHOUGHTS_RUN_IN_PROCESS", None)
    try:
        summary = run_recipe(load_recipe(recipe, run_dir=run), echo=lambda line: None)
    finally:
        if old is None:
            os.environ.pop("NT_TEST_TEACHER_KEY", None)
        else:
            os.environ["NT_TEST_TEACHER_KEY"] = old
    assert summary.ran == ["ingest", "generate", "report"]
    return run


def test_each_stage_runs_in_a_process_of_its_own(finished_run):
    states = {p.stem: json.loads(p.read_text()) for p in (finished_run / ".runner").glob("*.json")}
    pids = {key: state["pid"] for key, state in states.items()}
    assert len(set(pids.values())) == len(pids) == 3, pids
    assert os.getpid() not in pids.values()
    assert all(s["command"][1:4] == ["-m", "naturalthoughts", s["stage"]] for s in states.values())
    assert all(state["exit_status"] == 0 for state in states.values())


def test_no_file_under_the_run_folder_holds_a_secret(finished_run):
    files = [p for p in finished_run.rglob("*") if p.is_file()]
    assert any(p.name == "recipe.resolved.yaml" for p in files) and any(p.suffix == ".html" for p in files)
    for secret in (KEY_IN_ENVIRONMENT, KEY_IN_ENV_BLOCK, KEY_IN_OPTION):
        leaks = [str(p.relative_to(finished_run)) for p in files if secret.encode() in p.read_bytes()]
        assert not leaks, f"{secret} written to {leaks}"
    resolved = (finished_run / "recipe.resolved.yaml").read_text()
    assert "<redacted>" in resolved and "NT_TEST_TEACHER_KEY" in resolved  # the variable's name stays


def test_secret_rules(monkeypatch, tmp_path):
    from naturalthoughts.core import secrets
    from naturalthoughts.core.store import Manifest

    monkeypatch.setattr(secrets, "_SECRETS", set())
    monkeypatch.setenv("NT_TEST_TOKEN_VAR", "tok-from-environment-123")
    options = {"hf_token_env": "NT_TEST_TOKEN_VAR", "backend_options": ["api_key=sk-in-a-kv-string", "n_ctx=4096"],
               "extra_body": {"password": "hunter2-long"}, "max_tokens": 64, "tokenizer": "smollm2-135m"}
    found = secrets.secrets_in_options(options)
    assert found == {"tok-from-environment-123", "sk-in-a-kv-string", "hunter2-long"}
    secrets.register_secrets(found | {"1"})  # too short to scrub: it would mangle every number
    text = Manifest(stage="x", config={"argv": ["--backend-option", "api_key=sk-in-a-kv-string"],
                                       "note": "key tok-from-environment-123", "n": 1}).to_json()
    assert "sk-in-a-kv-string" not in text and "tok-from-environment-123" not in text and '"n": 1' in text
