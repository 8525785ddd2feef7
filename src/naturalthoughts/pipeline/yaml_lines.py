"""YAML with line numbers, so every recipe error can point at its line; and the recipe error itself."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml


class RecipeError(ValueError):
    """A recipe problem, with the file and line it comes from when known."""

    def __init__(self, message: str, *, path: str | os.PathLike | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(where + message)
        self.path, self.line, self.bare_message = path, line, message



class LineDict(dict):
    """A YAML mapping that remembers the line of each key (1-based) and of itself."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader (no arbitrary objects) whose mappings carry line numbers for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
    loader.flatten_mapping(node)  # `<<: *anchor` pairs come first; the mapping's own keys override them
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    seen_own: set = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if id(key_node) in own:
            if key in seen_own:
                raise RecipeError(f"duplicate key {key!r}", path=loader.name, line=key_node.start_mark.line + 1)
            seen_own.add(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def line_of(mapping: Any, key: str | None = None) -> int | None:
    """Line of ``key`` in ``mapping`` (or of the mapping itself) when it came from YAML."""
    if isinstance(mapping, LineDict):
        return mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line
    return None


def load_yaml(path: str | os.PathLike) -> Any:
    text = Path(path).read_text(encoding="utf-8")
    loader = _LineLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise RecipeError(f"invalid YAML: {exc.problem}", path=path, line=mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
