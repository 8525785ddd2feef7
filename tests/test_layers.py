"""The house stays layered: every import goes to the same or a lower layer, stages never import each other, and
no module imports itself back through a circle.

Reads the source with ``ast`` (nothing is imported, so no import side effects); imports inside functions count
(a lazy import is still a dependency), and so do imports under ``if TYPE_CHECKING:``: they never run, but a
type-only import is still a dependency a reader must follow, and a circle through one is still a circle
(executors.options -> stage -> options was one).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "naturalthoughts"

# Lowest first. A module may import from its own layer and the layers before it.
LAYERS = ["core", "llm", "stages", "executors", "cli", "pipeline", "main"]


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("core", "data"):  # the package root holds only the version
        return "core"
    if parts[1] in ("main", "__main__"):
        return "main"
    if parts[1] not in LAYERS:
        raise AssertionError(f"{module}: not in any layer; put it under one of {', '.join(LAYERS[:-1])}")
    return parts[1]


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "stages" else None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(type_only: bool = True) -> dict[str, set[str]]:
    """Module -> the naturalthoughts modules it imports (``from pkg import name`` counts as ``pkg.name`` when
    ``name`` is a submodule, else as ``pkg``)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for mod, path in modules.items():
        is_pkg = path.name == "__init__.py"
        package = mod if is_pkg else mod.rpartition(".")[0]
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in (ast.walk(tree) if type_only else _runtime_nodes(tree)):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base_name = ".".join(base + ([node.module] if node.module else []))
                else:
                    base_name = node.module or ""
                names = [f"{base_name}.{a.name}" if f"{base_name}.{a.name}" in modules else base_name
                         for a in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] != "naturalthoughts":
                    continue
                while name not in modules and "." in name:
                    name = name.rpartition(".")[0]
                if name != mod:
                    targets.add(name)
        graph[mod] = targets
    return graph


def test_every_import_goes_down_or_sideways():
    graph = import_graph()
    assert len(graph) > 80, "the walk found too few modules: is PACKAGE right?"
    upward = []
    for mod, targets in sorted(graph.items()):
        for target in sorted(targets):
            if LAYERS.index(layer_of(target)) > LAYERS.index(layer_of(mod)):
                upward.append(f"{mod} ({layer_of(mod)}) -> {target} ({layer_of(target)})")
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_stages_do_not_import_each_other():
    crossing = [f"{mod} -> {target}" for mod, targets in sorted(import_graph().items()) for target in sorted(targets)
                if stage_of(mod) and stage_of(target) and stage_of(mod) != stage_of(target)]
    assert not crossing, "a stage imports another stage (move the shared part down to core or llm):\n" + "\n".join(crossing)


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles():
    cycles = find_cycles(import_graph())
    assert not cycles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_checks_catch_what_they_are_for():
    """The walker and the rules see a planted upward import, a cross-stage import and a circle."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"]]
    assert layer_of("naturalthoughts.core.store") == "core" and layer_of("naturalthoughts") == "core"
    assert LAYERS.index(layer_of("naturalthoughts.executors.stage")) > LAYERS.index(
        layer_of("naturalthoughts.stages.generation.generate"))
    assert stage_of("naturalthoughts.stages.selection.seeded") == "selection"
    with pytest.raises(AssertionError, match="not in any layer"):
        layer_of("naturalthoughts.somewhere_new")
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x\nimport y\n")
    imported = [a.name for n in _runtime_nodes(tree) if isinstance(n, ast.Import) for a in n.names]
    assert imported == ["y"]


def test_import_naturalthoughts_stays_light():
    heavy = ("torch", "vllm", "ray", "llama_cpp", "transformers")
    code = ("import sys, naturalthoughts, naturalthoughts.main; naturalthoughts.main.build_parser(); "
            f"print(','.join(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"heavy modules imported: {out.stdout.strip()}"
