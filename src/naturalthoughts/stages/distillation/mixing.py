"""Which examples train in System-2 (full trace) and which in System-1 (answer only).

Paper §5.1: *random* mixing gives each example its System-2 form with probability p (0.2, 0.4, 0.6 in the
paper); *difficulty* mixing gives System-2 to the "models disagree" examples and System-1 to the rest.

Spec strings (CLI ``--mix``)::

    random:0.4                 System-2 with probability 0.4 (seeded, per example)
    difficulty                 System-2 where ``agree`` is false (teacher and second model disagree)
    difficulty:reference_agree System-2 where that column is false
    difficulty:verbosity>=6    System-2 where the predicate holds (=, !=, >=, <=, >, <; value parsed as JSON)

A null value in the difficulty column never satisfies the predicate (unknown difficulty trains as System-1) and
is counted, so a half-annotated set cannot silently look "easy".
"""

from __future__ import annotations

import json
import operator
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pyarrow as pa

SYSTEM1 = "system1"
SYSTEM2 = "system2"
BUILD_MODES = (SYSTEM2, SYSTEM1, "mixed")

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "!=": operator.ne, ">=": operator.ge, "<=": operator.le, "=": operator.eq, ">": operator.gt, "<": operator.lt,
}
_PREDICATE_RE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(!=|>=|<=|=|>|<)\s*(.+?)\s*$")


@dataclass(frozen=True)
class RandomMix:
    """Each example is System-2 with probability ``p``; draws come from ``numpy.random.default_rng(seed)``."""

    p: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.p <= 1.0:
            raise ValueError(f"random mixing probability must be in [0, 1], got {self.p}")

    def assign(self, table: pa.Table, seed: int) -> tuple[np.ndarray, dict[str, int]]:
        is_s2 = np.random.default_rng(seed).random(table.num_rows) < self.p
        return is_s2, {}

    def describe(self) -> dict[str, Any]:
        return {"kind": "random", "p": self.p}


@dataclass(frozen=True)
class DifficultyMix:
    """System-2 where ``column <op> value`` holds (default: ``agree = false``, i.e. the models disagree)."""

    column: str = "agree"
    op: str = "="
    value: Any = False

    def __post_init__(self) -> None:
        if self.op not in _OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}; use one of {', '.join(_OPERATORS)}")

    def assign(self, table: pa.Table, seed: int) -> tuple[np.ndarray, dict[str, int]]:
        if self.column not in table.column_names:
            raise ValueError(
                f"difficulty mixing needs column {self.column!r}, which the input lacks "
                f"(run `naturalthoughts annotate --annotators disagreement` first, or name another column: "
                f"--mix difficulty:COLUMN); columns: {', '.join(table.column_names)}"
            )
        compare = _OPERATORS[self.op]
        values = table.column(self.column).to_pylist()
        nulls = sum(v is None for v in values)
        try:
            is_s2 = np.array([v is not None and bool(compare(v, self.value)) for v in values], dtype=bool)
        except TypeError as exc:
            raise ValueError(f"difficulty predicate {self.describe()['predicate']!r} cannot compare "
                             f"column {self.column!r} values: {exc}") from exc
        return is_s2, ({"difficulty_null": nulls} if nulls else {})

    def describe(self) -> dict[str, Any]:
        return {"kind": "difficulty", "predicate": f"{self.column}{self.op}{json.dumps(self.value)}"}


Mix = RandomMix | DifficultyMix


def parse_mix(spec: str | Mix | None) -> Mix | None:
    """A mix object from a spec string (see the module docstring); objects and None pass through."""
    if spec is None or isinstance(spec, (RandomMix, DifficultyMix)):
        return spec
    kind, _, arg = spec.partition(":")
    if kind == "random":
        try:
            return RandomMix(float(arg))
        except ValueError:
            raise ValueError(f"--mix random:P needs a probability, got {spec!r}") from None
    if kind == "difficulty":
        if not arg:
            return DifficultyMix()
        match = _PREDICATE_RE.match(arg)
        if match is None:  # a bare column name: System-2 where it is false, like ``agree``
            if not re.fullmatch(r"[A-Za-z_][\w.]*", arg):
                raise ValueError(f"cannot parse difficulty predicate {arg!r}; e.g. difficulty:agree=false")
            return DifficultyMix(column=arg)
        column, op, raw = match.groups()
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw  # a bare word compares as a string
        return DifficultyMix(column=column, op=op, value=value)
    raise ValueError(f"unknown --mix {spec!r}; use random:P or difficulty[:COLUMN[OP VALUE]]")


def assign_modes(table: pa.Table, mode: str, mix: Mix | None, seed: int) -> tuple[list[str], dict[str, int]]:
    """The training mode (``system1``/``system2``) of every row, plus counts of null difficulty values."""
    if mode not in BUILD_MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(BUILD_MODES)}")
    if mode != "mixed":
        if mix is not None:
            raise ValueError(f"--mix applies to --mode mixed only (got --mode {mode})")
        return [mode] * table.num_rows, {}
    if mix is None:
        raise ValueError("--mode mixed needs --mix random:P or --mix difficulty[:COLUMN]")
    is_s2, notes = mix.assign(table, seed)
    return [SYSTEM2 if s else SYSTEM1 for s in is_s2], notes
