"""Sharding without a cluster: ``--shard I/N`` runs one deterministic slice of a stage's input.

A row belongs to shard ``sha256(id) mod N``: the assignment depends on the id alone, so it is the same on every
machine, in every run and for any row order, and all samples of one question (same ``id``) land in one shard.
Each shard writes an ordinary stage folder whose manifest records ``config["shard"] = {"index": I, "count": N}``;
:func:`naturalthoughts.executors.merge.merge_shards` checks and combines them.

Shard numbers are 0-based (``0/4`` … ``3/4``), like ranks in torch.distributed and datatrove.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pyarrow as pa

SHARD_CONFIG_KEY = "shard"
# The column a stage's input is sharded on: the question id, present in question and trace tables alike.
SHARD_COLUMN = "id"


@dataclass(frozen=True)
class Shard:
    """Slice ``index`` of ``count`` (0-based)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"shard count must be at least 1, got {self.count}")
        if not 0 <= self.index < self.count:
            raise ValueError(f"shard index must be in 0..{self.count - 1} for {self.count} shards, got {self.index}")

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """``"2/8"`` -> ``Shard(2, 8)``; a clear error for anything else."""
        index, sep, count = str(text).strip().partition("/")
        try:
            if not sep:
                raise ValueError
            return cls(int(index), int(count))
        except ValueError as exc:
            detail = f": {exc}" if str(exc) else ""
            raise ValueError(f"--shard expects I/N with 0 <= I < N (e.g. 0/4), got {text!r}{detail}") from None

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def to_config(self) -> dict[str, int]:
        return {"index": self.index, "count": self.count}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Shard | None":
        """The shard recorded in a stage config, or None for an unsharded run."""
        raw = config.get(SHARD_CONFIG_KEY)
        if not raw:
            return None
        return cls(int(raw["index"]), int(raw["count"]))


def shard_of(row_id: str, count: int) -> int:
    """Shard of one id: the first 8 bytes of sha256(id) as an integer, mod ``count``.

    A cryptographic hash (not Python's ``hash``, which is salted per process) keeps the split identical across
    processes and machines, and spreads sequential ids evenly.
    """
    digest = hashlib.sha256(str(row_id).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def shard_indices(ids: Iterable[str], count: int) -> np.ndarray:
    """Shard of each id, as an int array aligned with ``ids``."""
    return np.fromiter((shard_of(i, count) for i in ids), dtype=np.int64)


def select_shard(table: pa.Table, shard: Shard | None, column: str = SHARD_COLUMN) -> pa.Table:
    """Rows of ``table`` that belong to ``shard`` (all rows when ``shard`` is None), in their original order."""
    if shard is None or shard.count == 1:
        return table
    if column not in table.column_names:
        raise ValueError(f"cannot shard: input has no {column!r} column (have: {', '.join(table.column_names)})")
    ids = table.column(column).to_pylist()
    mask = shard_indices(ids, shard.count) == shard.index
    return table.filter(pa.array(mask))


def with_shard(config: Mapping[str, Any], shard: Shard | None) -> dict[str, Any]:
    """``config`` with the shard recorded (unchanged for an unsharded run, so its hash stays as before)."""
    out = dict(config)
    if shard is not None:
        out[SHARD_CONFIG_KEY] = shard.to_config()
    return out


def without_shard(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` minus what legitimately differs between the shards of one run (the shard and the output)."""
    return {k: v for k, v in config.items() if k not in (SHARD_CONFIG_KEY, "out", "output", "out_dir")}
