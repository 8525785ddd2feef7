"""Shared fixtures. Tests run offline on 2 CPU cores; those that read ../shared/data skip cleanly without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


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
