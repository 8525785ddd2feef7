"""The console: one training bar instead of a dict per step, dependencies' warnings hidden (shown with -v), and
one line per stage start and finish in `naturalthoughts run`.

Real training of the tiny 2-layer Llama (tests/_distill_helpers.py), real warnings raised from a module named
like a dependency, the recipe runner on the toy stages of tests/test_pipeline_runner.py, and one real
`naturalthoughts run` (build-sft, then train under `accelerate launch`) in processes of its own.
"""

from __future__ import annotations

import collections
import io
import json
import logging
import os
import re
import subprocess
import sys
import types
import warnings
from pathlib import Path

import pytest
from _distill_helpers import make_tiny_student, one_torch_thread, trace_rows, trace_table
from test_pipeline_runner import RECIPE, _run, _write, pool, toy_stages  # noqa: F401 (fixtures)

from naturalthoughts.core import console
from naturalthoughts.core.console import VERBOSE_ENV, configure_console
from naturalthoughts.core.store import read_table, write_stage
from naturalthoughts.pipeline.runner import _stream_stderr, done_line

RAW_LOG_LINE = re.compile(r"\{'loss': ")  # what transformers' ProgressCallback/PrinterCallback print per step

_one_thread = pytest.fixture(autouse=True, scope="module")(one_torch_thread)


@pytest.fixture(autouse=True)
def _restore_console():
    """configure_console sets environment variables (for child processes) and logger levels: undo both."""
    env = dict(os.environ)
    levels = {name: logging.getLogger(name).level for name in console.QUIET_LOGGERS}
    yield
    os.environ.clear()
    os.environ.update(env)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    transformers_logging = sys.modules.get("transformers.utils.logging")
    if transformers_logging is not None and hasattr(transformers_logging, "set_tqdm_hook"):
        transformers_logging.set_tqdm_hook(None)  # the hook that hides quick bars
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, console._AfterImport)]


@pytest.fixture(scope="module")
def tiny_student(tmp_path_factory):
    return make_tiny_student(tmp_path_factory.mktemp("tiny-student"))


@pytest.fixture(scope="module")
def sft_dir(tmp_path_factory):
    from naturalthoughts.stages.distillation.run import run_build_sft

    folder = tmp_path_factory.mktemp("data")
    write_stage(folder / "selected", trace_table(8), stage="select", config={})
    run_build_sft(folder / "selected", folder / "sft", "mixed", mix="random:0.5", tokenizer="smollm2-135m")
    return folder / "sft"


def _train(sft_dir: Path, student: Path, out: Path, *flags: str) -> None:
    from naturalthoughts.main import main

    argv = [*flags, "train", "--data", str(sft_dir), "--student", str(student), "--out", str(out),
            "--max-steps", "3", "--batch-size", "2", "--save-steps", "100", "--no-gradient-checkpointing",
            "--no-merge"]
    assert main(argv) == 0


# ------------------------------------------------------------------------------------------ training bar
def test_training_shows_one_bar_with_loss_and_tokens_per_s(tiny_student, sft_dir, tmp_path, capfd):
    _train(sft_dir, tiny_student, tmp_path / "run")
    out, err = capfd.readouterr()
    assert not RAW_LOG_LINE.search(out + err), out + err
    bars = [s for s in re.split(r"[\r\n]", err) if s.startswith("train:")]
    assert re.search(r"train: 100%.*\b3/3 \[.*loss=[\d.]+, tok/s=[\d.]+k?\]", bars[-1]), err[-2000:]
    assert "Writing model shards" not in err and "Loading weights" not in err  # transformers' quick bars
    # the full log still goes to the stage's folder (the report's training_log reads it)
    log = read_table(tmp_path / "run").to_pylist()
    assert [r["step"] for r in log] == [1, 2, 3] and all(r["tokens_per_s"] > 0 for r in log)


def test_verbose_training_also_prints_the_raw_logs(tiny_student, sft_dir, tmp_path, capfd):
    _train(sft_dir, tiny_student, tmp_path / "run", "-v")
    out, err = capfd.readouterr()
    raw = [line for line in re.split(r"[\r\n]", out + err) if RAW_LOG_LINE.search(line)]
    assert len(raw) == 3 and "'tokens_per_s'" in raw[0], out + err  # one per logging step
    assert os.environ[VERBOSE_ENV] == "1"  # ... and every process `run` starts from here is verbose too


# ---------------------------------------------------------------------------------------------- warnings
def _dependency_module(name: str) -> types.ModuleType:
    """A module named like a dependency (``transformers.*``) whose code warns about itself."""
    module = types.ModuleType(name)
    exec(compile("import warnings\n"
                 "def old_api():\n"
                 "    warnings.warn('old_api is deprecated', DeprecationWarning, stacklevel=1)\n"
                 "def odd_input():\n"
                 "    warnings.warn('odd input', UserWarning, stacklevel=1)\n", f"<{name}>", "exec"),
         module.__dict__)
    return module


def _warnings_seen(verbose: bool) -> list[str]:
    dependency = _dependency_module("transformers.models.fake_model")
    ours = _dependency_module("naturalthoughts.stages.fake_stage")
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()  # start from Python's defaults, not pytest's
        warnings.simplefilter("default")
        configure_console(verbose)
        dependency.old_api()
        dependency.odd_input()
        ours.odd_input()
    return [f"{w.category.__name__}:{str(w.message)}:{w.filename}" for w in caught]


def test_dependency_warnings_are_hidden_ours_are_not():
    assert _warnings_seen(verbose=False) == ["UserWarning:odd input:<naturalthoughts.stages.fake_stage>"]
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING  # no line per HTTP request
    assert os.environ["TRANSFORMERS_VERBOSITY"] == "error" and VERBOSE_ENV not in os.environ


def test_verbose_shows_every_warning():
    assert _warnings_seen(verbose=True) == [
        "DeprecationWarning:old_api is deprecated:<transformers.models.fake_model>",
        "UserWarning:odd input:<transformers.models.fake_model>",
        "UserWarning:odd input:<naturalthoughts.stages.fake_stage>",
    ]
    assert os.environ[VERBOSE_ENV] == "1"


def test_transformers_quick_bars_are_hidden_when_it_is_imported_later():
    """Set up before transformers is imported (as in a stage process): its "Loading weights" bar is off."""
    code = ("import io\n"
            "from naturalthoughts.core.console import configure_console\n"
            "configure_console(False)\n"
            "from transformers.utils.logging import tqdm\n"
            "for desc in ('Loading weights', 'Converting GGUF'):\n"
            "    out = io.StringIO()\n"
            "    list(tqdm(range(3), desc=desc, file=out))\n"
            "    print(desc, bool(out.getvalue()))\n")
    env = {k: v for k, v in os.environ.items() if k not in (VERBOSE_ENV, "PYTHONWARNINGS")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["Loading weights False", "Converting GGUF True"]


# ------------------------------------------------------------------------------------------- run lines
def test_run_prints_one_line_per_stage_start_and_finish(tmp_path, toy_stages, pool):  # noqa: F811
    path = _write(tmp_path, RECIPE.format(pool=pool))
    _, lines = _run(path, tmp_path / "run")
    assert lines[0].startswith("naturalthoughts run: recipe 'toy' (8 stage instances)")
    assert re.fullmatch(r"\[1/8\] ingest: running \(.+\)", lines[1]), lines
    assert re.fullmatch(rf"\[1/8\] ingest: done in \d+\.\d s \(12 rows\) → {tmp_path}/run/01-ingest", lines[2])
    assert re.fullmatch(r"\[3/8\] select/first: done in \d+\.\d s \(4 rows\) → .*", lines[6]), lines
    assert len(lines) == 1 + 2 * 8 + 1 and lines[-1].startswith("done in ")
    _, again = _run(path, tmp_path / "run")
    assert again[1] == "[1/8] ingest: up to date, skipped (12 rows)" and len(again) == 1 + 8 + 1


def test_stages_after_until_are_named_in_one_line(tmp_path, toy_stages, pool):  # noqa: F811
    _, lines = _run(_write(tmp_path, RECIPE.format(pool=pool)), tmp_path / "run", until_stage="generate")
    assert lines[1].startswith("[1/8] ingest: running") and lines[4].startswith("[2/8] generate: done in")
    assert lines[5] == ("not run (after --until generate): select/first, select/second, build-sft/first, "
                        "build-sft/second, evaluate/trained-first, evaluate/base")
    assert len(lines) == 7 and lines[-1].startswith("done in ")


def test_done_line_without_rows():
    assert done_line(41.23, 52, Path("runs/q/03-annotate")) == "done in 41.2 s (52 rows) → runs/q/03-annotate"
    assert done_line(0.04, None, Path("runs/q/08-report")) == "done in 0.0 s → runs/q/08-report"


def test_stage_stderr_passes_through_and_the_tail_keeps_what_a_terminal_shows(capsys):
    stderr = "loading\n\rtrain:  33%| 1/3\rtrain:  67%| 2/3\rtrain: 100%| 3/3\nerror: bad row é\r\nTraceback"
    tail: collections.deque[str] = collections.deque(maxlen=40)
    _stream_stderr(io.BufferedReader(io.BytesIO(stderr.encode())), tail)
    assert capsys.readouterr().err == stderr  # redraws pass through as "\r", not as a line each
    assert list(tail) == ["loading\n", "train: 100%| 3/3\n", "error: bad row é\n", "Traceback"]


# ------------------------------------------------------------------------------ a whole run, real processes
@pytest.mark.slow
def test_real_run_console_is_clean(tmp_path, tiny_student):
    """`naturalthoughts run` with build-sft and train (under accelerate launch) in their own processes."""
    import pyarrow as pa

    write_stage(tmp_path / "selected", pa.Table.from_pylist(trace_rows(8)), stage="select", config={})
    recipe = {"name": "console", "env": {"OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}, "stages": {
        "build-sft": {"in": str(tmp_path / "selected"), "mode": "system2", "tokenizer": "smollm2-135m"},
        "train": {"launcher": "accelerate", "num_processes": 1, "cpu": True, "student": str(tiny_student),
                  "max_steps": 2, "batch_size": 2, "save_steps": 100, "no_gradient_checkpointing": True,
                  "no_merge": True}}}
    (tmp_path / "recipe.yaml").write_text(json.dumps(recipe))
    env = {k: v for k, v in os.environ.items() if k not in (VERBOSE_ENV, "NATURALTHOUGHTS_RUN_IN_PROCESS")}
    proc = subprocess.run([sys.executable, "-m", "naturalthoughts", "run", str(tmp_path / "recipe.yaml"),
                           "--run-dir", str(tmp_path / "run")], capture_output=True, text=True, env=env,
                          timeout=600)
    console_text = proc.stdout + proc.stderr
    assert proc.returncode == 0, console_text
    assert re.search(r"\[2/2\] train: done in \d+\.\d s \(8 rows\)", proc.stdout), console_text
    assert not RAW_LOG_LINE.search(console_text), console_text
    assert "loss=" in proc.stderr and "tok/s=" in proc.stderr
    noise = [line for line in re.split(r"[\r\n]", console_text) if re.search(r"Warning\b|warn\(", line)]
    assert noise == [], "\n".join(noise)
