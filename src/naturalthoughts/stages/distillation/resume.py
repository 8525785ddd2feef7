"""Safe ``train --resume``: continue only from a checkpoint made from the same data and training options.

Every checkpoint folder gets ``naturalthoughts-resume.json``: the content hash of the SFT data and the options
that decide what the weights become (student, learning rate, LoRA, batch size, ...). ``--resume`` picks the
last checkpoint only when its record matches the current run; otherwise the old checkpoints are removed (so
that they can never be mistaken for this run's) and training starts afresh, saying why. How far to train
(``max_steps``, ``epochs``) may change between the runs: raising it is what resuming is for.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SIGNATURE_FILE = "naturalthoughts-resume.json"
# Options that say how far to go or how to record, not what the weights become.
_NOT_IN_SIGNATURE = ("data", "out", "resume", "max_steps", "epochs", "save_steps", "save_total_limit",
                     "logging_steps", "report_to", "merge")


def training_signature(config: Any) -> dict[str, Any]:
    """What a checkpoint must share with this run to be resumed: the data's content hash and the options."""
    from naturalthoughts.core.store import hash_input, redact
    from naturalthoughts.llm.fingerprint import local_fingerprint

    options = {k: v for k, v in asdict(config).items() if k not in _NOT_IN_SIGNATURE}
    options["student_identity"] = local_fingerprint(config.student)  # the same path may hold other weights
    return {"data_hash": hash_input(config.data), "options": redact(options)}


def signature_callback(signature: dict[str, Any]):
    """A ``TrainerCallback`` that writes ``signature`` into every checkpoint folder as it is saved."""
    from transformers import TrainerCallback

    class _WriteSignature(TrainerCallback):
        def on_save(self, args, state, control, **kw):
            folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            if state.is_world_process_zero and folder.is_dir():
                (folder / SIGNATURE_FILE).write_text(json.dumps(signature, indent=2, default=str))

    return _WriteSignature()


def _mismatch(recorded: dict[str, Any] | None, signature: dict[str, Any]) -> str | None:
    if recorded is None:
        return f"it has no {SIGNATURE_FILE} (written by an older version or another tool)"
    if recorded.get("data_hash") != signature["data_hash"]:
        return "the SFT data changed since it was saved"
    old, new = recorded.get("options") or {}, signature["options"]
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return f"training options changed: {', '.join(changed)}" if changed else None


def checkpoint_to_resume(checkpoint_dir: Path, signature: dict[str, Any]) -> tuple[str | None, str]:
    """(checkpoint to resume from or None, why) for ``--resume``; clears checkpoints that do not match."""
    from transformers.trainer_utils import get_last_checkpoint

    last = get_last_checkpoint(str(checkpoint_dir)) if checkpoint_dir.is_dir() else None
    if last is None:
        return None, "no checkpoint yet, starting fresh"
    try:
        recorded = json.loads((Path(last) / SIGNATURE_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        recorded = None
    reason = _mismatch(recorded, signature)
    if reason is None:
        return last, f"resuming from {last}"
    shutil.rmtree(checkpoint_dir, ignore_errors=True)
    return None, f"not resuming from {last}: {reason}; its checkpoints are removed and training starts afresh"
