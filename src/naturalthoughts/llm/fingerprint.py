"""Model identity: a content fingerprint of local weights, the server's word for served models.

The row cache and the manifests name a model by more than its path, because a path does not identify weights:
a student retrained into the same folder, or a GGUF file replaced in place, would otherwise get the previous
model's cached answers. For local models (a GGUF file, a model folder, a LoRA adapter with its base, a
converted student, a ``naturalthoughts train`` output folder) the fingerprint is the sha256 over the weight
and config files. Hashing gigabytes takes seconds to minutes, so each file's digest is memoised by (path,
size, mtime) in ``fingerprints.json`` next to the converted students
(:func:`naturalthoughts.llm.student.model_cache_dir`); a file rewritten in place changes its mtime and is
hashed again.

Served models (the ``openai`` backend) report their own identity (:meth:`OpenAIBackend.model_identity`: the id
and root the server reports for the model, plus the user's ``--model-revision``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import weakref
from pathlib import Path
from typing import Any

from naturalthoughts.core import models

log = logging.getLogger(__name__)

MEMO_FILE = "fingerprints.json"
# What decides a model's outputs: weights, their config and the tokenizer files (a changed chat template
# changes every answer as much as new weights do).
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".pth", ".model")
_CONFIG_NAMES = ("config.json", "adapter_config.json", "generation_config.json", "tokenizer.json",
                 "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json")
_LOCAL_BACKENDS = ("llamacpp", "transformers", "vllm")


def _memo_path() -> Path:
    from naturalthoughts.llm.student import model_cache_dir

    return model_cache_dir() / MEMO_FILE


def _read_memo(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError, OSError):
        return {}


def file_digest(path: str | os.PathLike) -> str:
    """sha256 of a file's bytes, memoised by (resolved path, size, mtime) across processes."""
    p = Path(path).resolve()
    st = p.stat()
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    memo_file = _memo_path()
    entry = _read_memo(memo_file).get(str(p))
    if entry and {k: entry.get(k) for k in stamp} == stamp and entry.get("sha256"):
        return entry["sha256"]
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    digest = h.hexdigest()
    try:  # a read-only cache folder costs a re-hash next time, not an error
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        with open(memo_file.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # several stages (or Ray workers) may hash at once
            memo = _read_memo(memo_file)
            memo[str(p)] = {**stamp, "sha256": digest}
            tmp = memo_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(memo, indent=1, sort_keys=True))
            os.replace(tmp, memo_file)
    except OSError as exc:
        log.debug("cannot memoise the fingerprint of %s: %s", p, exc)
    return digest


def _model_files(folder: Path) -> list[Path]:
    files = [f for f in folder.iterdir()
             if f.is_file() and (f.suffix in _WEIGHT_SUFFIXES or f.name in _CONFIG_NAMES)]
    return sorted(files, key=lambda f: f.name)


def _local_path(ref: str) -> Path | None:
    """The file or folder behind a model reference (alias, GGUF, folder, train output); None for a name."""
    from naturalthoughts.llm.student import resolve_trained_model

    try:
        resolved = models.resolve(ref)
    except FileNotFoundError:
        return None
    p = Path(resolve_trained_model(resolved)).expanduser()
    return p if p.exists() else None


def local_fingerprint(ref: str, *, _depth: int = 0) -> str | None:
    """``sha256:<16 hex>`` of the weights behind ``ref``, or None when ``ref`` names nothing local.

    A LoRA adapter's fingerprint covers its base model's too (the same adapter on other base weights answers
    differently).
    """
    p = _local_path(ref)
    if p is None:
        return _hub_revision(ref)
    files = [p] if p.is_file() else _model_files(p)
    if not files:
        return None
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.name}\0{file_digest(f)}\n".encode())
    if p.is_dir() and (p / "adapter_config.json").exists() and _depth < 3:
        base = json.loads((p / "adapter_config.json").read_text()).get("base_model_name_or_path")
        base_fp = local_fingerprint(base, _depth=_depth + 1) if base else None
        h.update(f"base\0{base or ''}\0{base_fp or ''}\n".encode())
    return "sha256:" + h.hexdigest()[:16]


def _hub_revision(ref: str) -> str | None:
    """``hub:<commit>`` of a hub id's snapshot in the local Hugging Face cache (no hashing: the hub names its
    revisions by commit), or None when ``ref`` is no hub id there."""
    if ref.count("/") != 1 or ref.startswith((".", "/", "~")):
        return None
    try:
        from huggingface_hub import snapshot_download

        folder = snapshot_download(ref, local_files_only=True, allow_patterns=["config.json"])
    except Exception:  # not cached, not a repo id, huggingface_hub missing: the name is all there is
        return None
    return f"hub:{Path(folder).name[:16]}"


_IDENTITIES: "weakref.WeakKeyDictionary[Any, str | None]" = weakref.WeakKeyDictionary()


def model_identity(backend: Any) -> str | None:
    """What names ``backend``'s weights beyond its name: a content fingerprint (local) or the server's report.

    A backend may define ``model_identity()`` itself (the openai backend asks its server); local backends get
    :func:`local_fingerprint` of their model reference. Computed once per backend object.
    """
    try:
        return _IDENTITIES[backend]
    except (KeyError, TypeError):
        pass
    own = getattr(backend, "model_identity", None)
    if callable(own):
        identity = own()
    else:
        local = getattr(backend, "name", None) in _LOCAL_BACKENDS
        identity = local_fingerprint(str(backend.model_id)) if local else None
        revision = getattr(getattr(backend, "spec", None), "revision", None)
        if revision:
            identity = ",".join(x for x in (identity, f"rev={revision}") if x)
    try:
        _IDENTITIES[backend] = identity
    except TypeError:
        pass  # not weak-referenceable: computed again next time (the file digests are memoised anyway)
    return identity
