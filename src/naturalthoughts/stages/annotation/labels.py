"""The domain/topic label set: the paper's 13 disciplines and SuperGPQA's fields (``data/labels/supergpqa-v1.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

# The paper's 13 top-level domains (NaturalThoughts §3, after SuperGPQA). The labels file must list exactly these.
DOMAINS: tuple[str, ...] = (
    "Engineering", "Philosophy", "Medicine", "Economics", "Science", "Law", "History", "Education", "Management",
    "Literature and Arts", "Agronomy", "Sociology", "Military Science",
)
DEFAULT_LABELS = "supergpqa-v1"


@dataclass(frozen=True)
class LabelSet:
    name: str
    version: int
    domain_descriptions: dict[str, str]  # discipline -> description
    topics: dict[str, tuple[str, str]]  # field -> (discipline, keyword description)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def topics_of(self, domain: str) -> list[str]:
        return [t for t, (d, _) in self.topics.items() if d == domain]

    def canonical_domain(self, text: object) -> str | None:
        """The label ``text`` names (case, spacing and ``&``/``and`` insensitive), or None."""
        return _lookup(text, self.domain_descriptions)

    def canonical_topic(self, text: object) -> str | None:
        return _lookup(text, self.topics)

    def prompt_list(self) -> str:
        """``- Discipline: field; field; ...`` lines for the judge prompt."""
        return "\n".join(f"- {d}: {'; '.join(self.topics_of(d))}" for d in self.domain_descriptions)


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("&", "and").replace("_", " ").replace("-", " ").split())


def _lookup(text: object, names) -> str | None:
    if not isinstance(text, str):
        return None
    key = _norm(text)
    for name in names:
        if _norm(name) == key:
            return name
    return None


@lru_cache(maxsize=None)
def load_labels(name_or_path: str = DEFAULT_LABELS) -> LabelSet:
    """A label set by name (packaged) or path. The disciplines must be exactly :data:`DOMAINS`."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files("naturalthoughts").joinpath("data", "labels", f"{name_or_path}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    disciplines = data["disciplines"]
    if set(disciplines) != set(DOMAINS):
        raise ValueError(f"label set {name_or_path}: disciplines must be the 13 of the paper {DOMAINS}, got {sorted(disciplines)}")
    topics: dict[str, tuple[str, str]] = {}
    for domain, body in disciplines.items():
        for field, desc in (body.get("fields") or {}).items():
            if field in topics:
                raise ValueError(f"label set {name_or_path}: field {field!r} appears under two disciplines")
            topics[field] = (domain, desc or "")
    return LabelSet(data.get("name", str(name_or_path)), int(data.get("version", 1)),
                    {d: disciplines[d].get("description", "") for d in DOMAINS}, topics)
