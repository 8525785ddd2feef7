"""How `run` starts a stage's process: plain ``python -m naturalthoughts STAGE ...`` or under a launcher.

A recipe asks for a launcher with the reserved stage key ``launcher``; the launcher's own options sit next to
it (or in the mapping form, inside it)::

    train: {launcher: accelerate, num_processes: 8, config_file: configs/accelerate/fsdp.yaml}
    train: {launcher: {name: torchrun, nproc_per_node: 8}}

``accelerate`` runs ``accelerate launch [--OPTION VALUE ...] -m naturalthoughts train ...``; ``torchrun`` runs
``torchrun [--OPTION VALUE ...] -m naturalthoughts train ...``. Both are started through the current Python
(``python -m accelerate.commands.launch`` / ``python -m torch.distributed.run``), so the launcher and the
stage see the same environment as the runner.
"""

from __future__ import annotations

import sys
from typing import Any

LAUNCHER_KEY = "launcher"
LAUNCHERS: dict[str, list[str]] = {
    "accelerate": ["-m", "accelerate.commands.launch"],
    "torchrun": ["-m", "torch.distributed.run"],
}
# Keys that belong to the launcher when they stand next to ``launcher:`` in a stage (no stage has such flags).
LAUNCHER_OPTION_KEYS = ("num_processes", "config_file", "num_machines", "machine_rank", "main_process_ip",
                        "main_process_port", "mixed_precision", "multi_gpu", "cpu", "gpu_ids",
                        "dynamo_backend", "nproc_per_node", "nnodes", "node_rank", "master_addr",
                        "master_port", "rdzv_backend", "rdzv_endpoint", "standalone")


class LauncherError(ValueError):
    """A ``launcher`` key that cannot be used (unknown launcher, bad option)."""


def take_launcher(options: dict[str, Any], lines: dict[str, Any]) -> tuple[dict[str, Any] | None, int | None]:
    """Take ``launcher`` (and its options) out of a stage's ``options``: ({"name": ..., **options}, line)."""
    if LAUNCHER_KEY not in options:
        return None, None
    raw = options.pop(LAUNCHER_KEY)
    line = lines.pop(LAUNCHER_KEY, None)
    spec: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {"name": raw}
    for key in LAUNCHER_OPTION_KEYS:
        if key in options:
            spec[key] = options.pop(key)
            lines.pop(key, None)
    name = spec.get("name")
    if name not in LAUNCHERS:
        raise LauncherError(f"launcher {name!r} is unknown; known: {', '.join(LAUNCHERS)}")
    for key, value in spec.items():
        if isinstance(value, (dict, list)):
            raise LauncherError(f"launcher option {key!r} must be a single value, got {type(value).__name__}")
    return spec, line


def stage_command(stage: str, argv: list[str], launcher: dict[str, Any] | None = None) -> list[str]:
    """The command line that runs ``naturalthoughts STAGE ARGV`` in its own process (under ``launcher``)."""
    module = ["-m", "naturalthoughts", stage, *argv]
    if not launcher:
        return [sys.executable, *module]
    flags: list[str] = []
    for key, value in launcher.items():
        if key == "name" or value is None or value is False:
            continue
        flags += [f"--{key}"] if value is True else [f"--{key}", str(value)]
    # Both launchers read `-m MODULE ARGS...` as "run this module in each process".
    return [sys.executable, *LAUNCHERS[launcher["name"]], *flags, *module]
