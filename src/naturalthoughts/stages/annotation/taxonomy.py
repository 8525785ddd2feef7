"""The meta-reasoning strategy taxonomy (``data/taxonomy/strategies-v1.yaml``): names, definitions, lexical cues."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

DEFAULT_TAXONOMY = "strategies-v1"


@dataclass(frozen=True)
class Strategy:
    name: str
    definition: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    name: str
    version: int
    strategies: tuple[Strategy, ...]

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.strategies)

    def prompt_list(self) -> str:
        """``- name: definition`` lines for the judge prompt."""
        return "\n".join(f"- {s.name}: {s.definition}" for s in self.strategies)

    def canonical(self, text: object) -> str | None:
        """The strategy ``text`` names (case, spaces, hyphens insensitive), or None."""
        if not isinstance(text, str):
            return None
        key = "_".join(text.lower().replace("-", " ").replace("/", " ").split())
        return key if key in self.names else None


@lru_cache(maxsize=None)
def load_taxonomy(name_or_path: str = DEFAULT_TAXONOMY) -> Taxonomy:
    """A taxonomy by name (packaged file) or path to a YAML file with the same layout."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files("naturalthoughts").joinpath("data", "taxonomy", f"{name_or_path}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    strategies = []
    for name, body in data["strategies"].items():
        cues = tuple(str(c).lower().strip() for c in body.get("cues") or () if str(c).strip())
        if not body.get("definition"):
            raise ValueError(f"taxonomy {name_or_path}: strategy {name!r} has no definition")
        strategies.append(Strategy(name, body["definition"].strip(), cues))
    return Taxonomy(data.get("name", "strategies"), int(data.get("version", 1)), tuple(strategies))
