"""Teacher prompt templates, versioned in YAML files (``naturalthoughts/data/prompts/teacher-*.yaml``).

A template has ``name``, ``version``, optional ``system``, ``user`` (with ``{question}`` and optionally
``{options}``) and optional ``assistant_prefix`` (forced start of the assistant turn, e.g. ``"<think>\\n"``). Each
trace records ``prompt_version = "name@version"``, and the rendered messages enter the row-cache key, so editing a
template's wording re-generates its rows while bumping only the version does not.

Placeholders are replaced literally (not with ``str.format``), so braces elsewhere in a template are safe. A row
with multiple-choice options whose template has no ``{options}`` gets the lettered options appended below the
question, so an MCQ pool never loses its choices.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

_PLACEHOLDER = re.compile(r"\{(question|options)\}")
Messages = tuple[tuple[str, str], ...]  # ((role, content), ...), as ChatRequest stores them


def format_options(options: Sequence[str]) -> str:
    """``A. first\\nB. second ...``"""
    letters = string.ascii_uppercase
    return "\n".join(f"{letters[i]}. {opt}" for i, opt in enumerate(options))


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    user: str
    system: str | None = None
    assistant_prefix: str = ""
    description: str = ""

    @property
    def prompt_version(self) -> str:
        return f"{self.name}@{self.version}"

    def messages(self, row: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        """Chat messages for one question row (needs ``question``; uses ``options`` when present)."""
        options = row.get("options") or []
        values = {"question": str(row["question"]), "options": format_options(options)}
        user = _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.user)
        if options and "{options}" not in self.user:
            user = f"{user}\n\n{values['options']}"
        msgs: list[tuple[str, str]] = []
        if self.system:
            msgs.append(("system", self.system.strip()))
        msgs.append(("user", user))
        return tuple(msgs)


def available_templates() -> list[str]:
    """Names of the bundled teacher templates."""
    folder = resources.files("naturalthoughts.data").joinpath("prompts")
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.startswith("teacher-") and p.name.endswith(".yaml"))


def load_template(name_or_path: str) -> PromptTemplate:
    """A bundled template by name (``teacher-default``) or a YAML file by path."""
    import yaml

    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        text, origin = path.read_text(encoding="utf-8"), str(path)
    else:
        ref = resources.files("naturalthoughts.data").joinpath("prompts").joinpath(f"{name_or_path}.yaml")
        if not ref.is_file():
            raise ValueError(f"unknown prompt template {name_or_path!r}; bundled: {', '.join(available_templates())} "
                             "(or pass a path to a .yaml file)")
        text, origin = ref.read_text(encoding="utf-8"), f"{name_or_path}.yaml"
    data = yaml.safe_load(text) or {}
    missing = [k for k in ("name", "version", "user") if data.get(k) in (None, "")]
    if missing:
        raise ValueError(f"{origin}: prompt template lacks {', '.join(missing)}")
    if "{question}" not in data["user"]:
        raise ValueError(f"{origin}: the user template must contain {{question}}")
    return PromptTemplate(
        name=str(data["name"]),
        version=str(data["version"]),
        user=str(data["user"]),
        system=data.get("system") or None,
        assistant_prefix=str(data.get("assistant_prefix") or ""),
        description=str(data.get("description") or ""),
    )


@dataclass(frozen=True)
class TeacherCarrier:
    """How the teacher is asked to think (``--mode-carrier``/``--model-family``), resolved: never ``auto``.

    The ``instruction`` carrier leaves the template's messages as they are: teacher generation never appended
    the paper's instruction (a reasoning teacher thinks on its own, ``teacher-think`` forces ``<think>``), so runs
    and their cache keys stay what they were. The other carriers put the family's switch for ``mode`` on each
    request (:func:`naturalthoughts.core.carriers.mode_signal` on the last user message).
    """

    carrier: str = "instruction"
    family: str | None = None
    mode: str = "think"

    def apply(self, messages: Messages, prefix: str) -> tuple[Messages, str, dict[str, Any]]:
        """(messages, assistant prefix, ChatRequest keyword arguments) for one templated question."""
        if self.carrier == "instruction":
            return messages, prefix, {}
        from naturalthoughts.core.carriers import mode_signal

        role, text = messages[-1]
        signal = mode_signal(text, self.mode, carrier=self.carrier, family=self.family)
        kwargs = {"template_kwargs": signal.template_kwargs, "request_fields": signal.request_fields}
        return (*messages[:-1], (role, signal.user)), prefix + signal.assistant_prefix, kwargs

    def describe(self) -> dict[str, Any]:
        from naturalthoughts.core.carriers import mode_signal

        return {**mode_signal("?", self.mode, carrier=self.carrier, family=self.family).describe(), "mode": self.mode}
