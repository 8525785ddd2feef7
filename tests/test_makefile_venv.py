"""The Makefile installs into a project venv (.venv), not into whatever python3 is first on PATH.

Stock Debian/Ubuntu Pythons refuse a system-wide ``pip install`` (PEP 668), so ``make test`` and ``make
quickstart`` create ``.venv`` and use ``.venv/bin/python``; ``VENV=`` / ``NO_VENV=1`` / ``PY=...`` use an
interpreter as is. The dry runs read what make would do; the real check builds a venv from the Debian
``/usr/bin/python3.11`` (externally managed) and installs this package into it without its dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STOCK_PYTHON = Path("/usr/bin/python3.11")

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(*args: str, cwd: Path = ROOT) -> list[str]:
    """The commands ``make -n -B ARGS`` prints (-B: as on a fresh clone, whatever .venv exists here)."""
    proc = subprocess.run(["make", "-n", "-B", "-C", str(cwd), "--no-print-directory", *args],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def _line(lines: list[str], needle: str) -> str:
    found = [line for line in lines if needle in line]
    assert found, f"no command with {needle!r} in:\n" + "\n".join(lines)
    return found[0]


def test_make_test_creates_and_uses_the_project_venv():
    lines = _dry_run("test", "UV=", "PYTHON=python3")
    assert _line(lines, "-m venv").startswith("python3 -m venv --system-site-packages .venv")
    install = _line(lines, "pip install")
    assert install.split("CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) ")[1].startswith(".venv/bin/python -m pip install")
    assert "-e '.[test]'" in install and 'CMAKE_ARGS="$(bash scripts/llama-cmake-args.sh)"' in install
    if shutil.which("nvidia-smi") is None:
        assert "-c constraints-cpu.txt" in install  # CPU torch on machines without a GPU
    assert lines[-1] == ".venv/bin/python -m pytest -q"
    # the order matters: venv, install (then its stamp), then the tests
    assert lines.index(_line(lines, "-m venv")) < lines.index(install) < lines.index(lines[-1])


def test_every_target_runs_with_the_venv_interpreter():
    quickstart = _dry_run("quickstart", "UV=")
    assert quickstart[-1] == ".venv/bin/python -m naturalthoughts run recipes/quickstart.yaml"
    assert "-e '.[llamacpp,embed,select,train,eval,report]'" in _line(quickstart, "pip install")
    assert _dry_run("test-fast", "UV=")[-1] == '.venv/bin/python -m pytest -q -m "not slow"'
    assert ".venv/bin/python $b" in _dry_run("bench", "UV=")[-1]
    assert _dry_run("test-vllm", "PYTHON=python3.12") == ["PY=python3.12 bash scripts/test_vllm.sh all"]


def test_opting_out_uses_the_given_interpreter_as_is():
    for opt_out in (["VENV="], ["NO_VENV=1"], ["PY=/opt/conda/bin/python"]):
        python = "/opt/conda/bin/python"
        lines = _dry_run("test", "UV=", f"PYTHON={python}", *opt_out)
        assert not any("-m venv" in line or ".venv" in line for line in lines), (opt_out, lines)
        assert f"{python} -m pip install" in _line(lines, "pip install")
        assert lines[-1] == f"{python} -m pytest -q"
    # NO_VENV=0 is not an opt-out
    assert _dry_run("test", "UV=", "NO_VENV=0")[-1] == ".venv/bin/python -m pytest -q"


def test_uv_is_preferred_when_on_path(tmp_path):
    lines = _dry_run("test", "UV=/opt/bin/uv", "PYTHON=python3.11")
    assert _line(lines, "venv").startswith("/opt/bin/uv venv -q --system-site-packages --python python3.11 .venv")
    assert "/opt/bin/uv pip install -q --python .venv/bin/python" in _line(lines, "pip install")
    assert lines[-1] == ".venv/bin/python -m pytest -q"


def _project_copy(dest: Path) -> Path:
    """What an editable install of this package reads, copied (the checkout's own .venv stays untouched)."""
    dest.mkdir()
    for name in ("Makefile", "pyproject.toml", "README.md", "constraints-cpu.txt"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("src", "scripts"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return dest


@pytest.mark.skipif(not STOCK_PYTHON.exists(), reason=f"{STOCK_PYTHON} (a stock Debian Python) not present")
def test_real_venv_from_a_stock_python_installs_into_the_venv_only(tmp_path):
    """`make install` with the Debian Python builds .venv, installs there, then is up to date (~10 s)."""
    probe = subprocess.run([str(STOCK_PYTHON), "-c", "import venv, ensurepip"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"{STOCK_PYTHON} has no venv/ensurepip (Debian: apt install python3-venv)")
    project = _project_copy(tmp_path / "clone")
    # --no-deps: this checks where pip installs, not the (10+ minute) dependency install itself
    make = ["make", "-C", str(project), "--no-print-directory", "install", f"PYTHON={STOCK_PYTHON}", "UV=",
            "PIP_ARGS=--no-deps"]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    proc = subprocess.run(make, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    venv_python = project / ".venv" / "bin" / "python"
    where = subprocess.run([str(venv_python), "-c", "import sys, naturalthoughts; "
                            "print(sys.prefix); print(naturalthoughts.__file__)"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert where.returncode == 0, where.stderr
    prefix, module = where.stdout.split()
    assert Path(prefix) == project / ".venv" and Path(module) == project / "src" / "naturalthoughts" / "__init__.py"
    site = next((project / ".venv" / "lib").glob("python3*/site-packages"))
    assert list(site.glob("naturalthoughts-*.dist-info")), "the package is not installed in the venv"
    # the base interpreter did not get it
    base = subprocess.run([str(STOCK_PYTHON), "-c", "import naturalthoughts"], capture_output=True,
                          cwd=tmp_path, env=env)
    assert base.returncode != 0

    # a second run neither re-creates the venv nor re-installs; a changed pyproject.toml installs again
    assert subprocess.run([*make, "-q"], env=env).returncode == 0
    later = time.time() + 10  # newer than the stamp (the copy kept the checkout's mtime)
    os.utime(project / "pyproject.toml", (later, later))
    assert subprocess.run([*make, "-q"], env=env).returncode == 1
