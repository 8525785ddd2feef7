"""Which instances to run: each instance's recorded state against its current options and inputs.

An instance is *done* when its state says so and its folder is complete; it is *stale* when its resolved options
(config hash) or the content hash of one of its inputs differ from what its state recorded, and *pending* when
it never finished (including a run that was interrupted). Only pending and stale instances run. Because inputs
are compared by content hash, a re-run whose output comes out identical does not make later stages re-run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from naturalthoughts.core.secrets import scrub_obj
from naturalthoughts.core.store import MANIFEST_FILE, hash_input, is_complete
from naturalthoughts.pipeline.plan import Plan, PlannedInstance


def read_state(p: PlannedInstance) -> dict[str, Any] | None:
    try:
        return json.loads(p.state_file.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def write_state(p: PlannedInstance, state: dict[str, Any]) -> None:
    p.state_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.state_file.with_suffix(".tmp")
    # Scrubbed of secrets, except the input labels and hashes that decide staleness (paths and hex digests).
    kept = {k: state[k] for k in ("inputs", "output_hash", "config_hash") if k in state}
    cleaned = {**scrub_obj({k: v for k, v in state.items() if k not in kept}), **kept}
    tmp.write_text(json.dumps(cleaned, indent=2, default=str))
    os.replace(tmp, p.state_file)


def output_hash(p: PlannedInstance, state: dict[str, Any] | None = None) -> str | None:
    """Content hash of an instance's output: from its manifest when it has one, else as recorded when it finished."""
    if not p.folder.exists():
        return None
    if (p.folder / MANIFEST_FILE).exists():
        return hash_input(p.folder)
    state = state if state is not None else read_state(p)
    return (state or {}).get("output_hash")


def output_rows(folder: Path) -> int | None:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    counts = manifest.get("counts") or {}
    if isinstance(counts.get("out"), int):
        return counts["out"]
    rows = [o.get("rows") for o in manifest.get("outputs", []) if isinstance(o.get("rows"), int)]
    return rows[0] if rows else None


def _user_input_hash(path: str) -> str:
    p = Path(path)
    if not p.exists():
        return "missing"
    return hash_input(p)


@dataclass
class Decision:
    status: str  # "done" | "stale" | "pending" | "failed"
    reasons: list[str]
    input_hashes: dict[str, str | None]


def decide(p: PlannedInstance, plan: Plan, upstream_changed: set[str] | None = None) -> Decision:
    """Whether ``p`` is up to date, comparing its recorded state with its current config and inputs."""
    by_key = plan.by_key()
    current: dict[str, str | None] = {}
    for dep in p.deps:
        current[dep] = output_hash(by_key[dep]) if dep in by_key else None
    for path in p.user_inputs:
        current[path] = _user_input_hash(path)
    state = read_state(p)
    if state is None:
        return Decision("pending", ["never run"], current)
    if state.get("status") == "running":
        return Decision("pending", ["interrupted; resuming"], current)
    if state.get("status") == "failed":
        return Decision("failed", [f"failed last time: {state.get('error', '?')}"], current)
    if not p.folder.exists() or ((p.folder / MANIFEST_FILE).exists() and not is_complete(p.folder)):
        return Decision("pending", ["output missing or incomplete"], current)
    reasons = []
    if state.get("config_hash") != p.config_hash:
        old = state.get("config") or {}
        changed = sorted(k for k in set(old) | set(p.config) if old.get(k) != p.config.get(k))
        reasons.append("options changed: " + (", ".join(changed) if changed else "stage defaults"))
    recorded = state.get("inputs") or {}
    for label, h in current.items():
        if upstream_changed and label in upstream_changed:
            reasons.append(f"input {label} re-ran")
        elif recorded.get(label) != h:
            reasons.append(f"input {label} changed" if h else f"input {label} is missing")
    return Decision("stale" if reasons else "done", reasons, current)


@dataclass
class InstanceStatus:
    key: str
    status: str
    rows: int | None
    seconds: float | None
    finished_at: str | None
    reasons: list[str]
    folder: Path


def run_status(plan: Plan) -> list[InstanceStatus]:
    """Each instance of a planned recipe: done / stale / pending / failed, with rows and time."""
    out: list[InstanceStatus] = []
    not_current: set[str] = set()
    by_key = plan.by_key()
    for p in plan.items:
        d = decide(p, plan)
        status, reasons = d.status, list(d.reasons)
        upstream = [dep for dep in p.deps if dep in not_current]
        if status == "done" and upstream and p.inst.stage != "report":
            status, reasons = "stale", [f"upstream {', '.join(upstream)} will re-run"]
        elif status == "done" and upstream:
            status, reasons = "stale", ["an earlier stage will re-run"]
        if status != "done":
            not_current.add(p.key)
        state = read_state(p) or {}
        out.append(InstanceStatus(p.key, status, output_rows(p.folder) if p.folder.exists() else None,
                                  state.get("seconds"), state.get("finished_at"), reasons, p.folder))
    del by_key
    return out

