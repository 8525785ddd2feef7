"""The ``embedding`` annotator: question embeddings from :func:`naturalthoughts.llm.embed.embed_texts`.

Storage: a fixed-size list column ``embedding`` of float32 (default) or float16, with the model,
dimension, dtype and normalisation recorded in the manifest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from naturalthoughts.core.models import DEFAULT_EMBEDDER
from naturalthoughts.core.schema import embedding_field
from naturalthoughts.llm.embed import bf16_supported, embed_texts, embedding_dim
from naturalthoughts.stages.annotation.base import Annotator, Context, column_values, looks_non_english


def batch_question_embeddings(batch: pa.Table, ctx: Context, model: str, **kw: Any) -> np.ndarray:
    """Embeddings of the batch's questions, computed once per batch and shared by the annotators that need them."""
    # batch_size and credentials do not change the vectors, so they stay out of the key.
    key = ("question_embeddings", model, kw.get("dtype", "auto"), bool(kw.get("normalize", True)))
    if key not in ctx.memo:
        ctx.memo[key] = embed_texts(column_values(batch, "question"), model, **kw)
    return ctx.memo[key]


class EmbeddingAnnotator(Annotator):
    """``embedding``: one vector per question (fixed-size list column; null for a null/empty question)."""

    name = "embedding"
    requires = ("question",)
    OPTIONS = {
        "model": DEFAULT_EMBEDDER,  # alias, sentence-transformers name/folder, or openai:MODEL@URL
        "batch_size": 64,
        "dtype": "auto",  # compute precision: auto | bfloat16 | float32
        "storage": "float32",  # column type: float32 | float16
        "normalize": True,
        "api_key_env": None,  # for openai: endpoints
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if self.options["storage"] not in ("float32", "float16"):
            raise ValueError(f"embedding storage must be float32 or float16, not {self.options['storage']!r}")
        self._dim: int | None = None
        self.non_english = 0

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = embedding_dim(self.options["model"], api_key_env=self.options["api_key_env"])
        return self._dim

    def output_fields(self) -> list[pa.Field]:
        return [embedding_field(self.dim, pa.float16() if self.options["storage"] == "float16" else pa.float32())]

    def embed_kwargs(self) -> dict[str, Any]:
        o = self.options
        return {"batch_size": o["batch_size"], "dtype": o["dtype"], "normalize": o["normalize"], "api_key_env": o["api_key_env"]}

    def annotate_batch(self, batch: pa.Table, ctx: Context) -> dict[str, list]:
        questions = column_values(batch, "question")
        vectors = batch_question_embeddings(batch, ctx, self.options["model"], **self.embed_kwargs())
        self._dim = vectors.shape[1]
        np_dtype = np.float16 if self.options["storage"] == "float16" else np.float32
        out: list = []
        for q, v in zip(questions, vectors.astype(np_dtype)):
            if not q or not q.strip():
                out.append(None)
                self.error("empty_question")
                continue
            self.non_english += looks_non_english(q)
            out.append(v)
        return {"embedding": out}

    def report(self, columns: pa.Table) -> dict[str, Any]:
        return {"model": self.options["model"], "dim": self.dim, "storage": self.options["storage"],
                "compute_dtype": "bfloat16" if self.options["dtype"] == "bfloat16" or (self.options["dtype"] == "auto" and bf16_supported()) else "float32",
                "normalized": bool(self.options["normalize"]), "non_english_rows": self.non_english,
                "errors": dict(sorted(self.errors.items()))}
