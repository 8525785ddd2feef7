"""``hf://OWNER/NAME[@CONFIG][:SPLIT]`` inputs of a recipe: a local copy when there is one, else the hub.

A cluster node is often offline. A local copy of a hub dataset is a Hugging Face ``datasets`` folder (written
by ``Dataset.save_to_disk`` / ``DatasetDict.save_to_disk``) at ``$NATURALTHOUGHTS_HF_DATASETS/OWNER/NAME`` (or
``OWNER___NAME``, the hub cache's spelling); a ``DatasetDict`` folder gives its SPLIT (default ``train``). The
stage then reads that folder, and `run` hashes its content like any other input. Without a local copy the
``hf://`` spec goes to the stage as is (it streams from the hub), unless the hub is off (``HF_HUB_OFFLINE=1``
or ``HF_DATASETS_OFFLINE=1``): then `run` stops before the stage starts and says where to put the copy.
"""

from __future__ import annotations

import os
from pathlib import Path

HUB_PREFIX = "hf://"
LOCAL_DATASETS_ENV = "NATURALTHOUGHTS_HF_DATASETS"


def is_hub_spec(value: str) -> bool:
    return isinstance(value, str) and value.startswith(HUB_PREFIX)


def _parse(spec: str) -> tuple[str, str | None, str | None]:
    name, _, split = spec[len(HUB_PREFIX):].partition(":")
    name, _, config = name.partition("@")
    return name, config or None, split or None


def local_copy(spec: str, env: dict[str, str] | None = None) -> Path | None:
    """The local ``datasets`` folder standing in for ``spec``, or None (``env``: the recipe's, first)."""
    root = (env or {}).get(LOCAL_DATASETS_ENV) or os.environ.get(LOCAL_DATASETS_ENV)
    if not root:
        return None
    name, config, split = _parse(spec)
    for candidate in (Path(root) / name, Path(root) / name.replace("/", "___")):
        if config and (candidate / config).is_dir():
            candidate = candidate / config
        if (candidate / "dataset_dict.json").exists():
            chosen = candidate / (split or "train")
            return chosen if chosen.is_dir() else None
        if (candidate / "dataset_info.json").exists() or (candidate / "state.json").exists():
            return candidate
    return None


def hub_offline() -> bool:
    flags = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")
    return any(os.environ.get(v, "0").lower() in ("1", "true", "yes") for v in flags)


def resolve_hub_input(value: str, env: dict[str, str] | None = None) -> str:
    """``value`` itself, or for an ``hf://`` spec with a local copy, that folder's path."""
    if not is_hub_spec(value):
        return value
    local = local_copy(value, env)
    return str(local) if local is not None else value


def unavailable_reason(value: str) -> str | None:
    """Why an ``hf://`` input cannot be read now (offline, no local copy), or None."""
    if not is_hub_spec(value) or not hub_offline():
        return None
    name, _, _ = _parse(value)
    return (f"{value} cannot be read offline (HF_HUB_OFFLINE / HF_DATASETS_OFFLINE is set) and has no "
            "local copy: "
            f"save it with `datasets.load_dataset({name!r}).save_to_disk(DIR/{name})` while online and set "
            f"{LOCAL_DATASETS_ENV}=DIR, or give `in:` a local file")
