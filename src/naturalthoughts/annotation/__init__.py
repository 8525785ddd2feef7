"""annotation stage: add domain, strategy, verbosity, length, disagreement and embedding columns to traces.

Python API::

    from naturalthoughts.annotation import annotate, run_annotate, embed_texts
    table, report = annotate(traces, ["length", "strategies", "domain"], domain_method="embedding")
    manifest = run_annotate("traces/", "annotated/", "length,strategies,domain,verbosity,embedding")

The annotators are listed in :mod:`naturalthoughts.annotation.registry`. Heavy libraries (torch,
sentence-transformers, llama.cpp) are imported only by the annotators that use them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ANNOTATORS", "AnnotationError", "annotate", "embed_texts", "run_annotate"]


def __getattr__(name: str) -> Any:  # lazy, so `import naturalthoughts.annotation` stays light
    if name in ("annotate", "run_annotate"):
        from naturalthoughts.annotation import api

        return getattr(api, name)
    if name == "ANNOTATORS":
        from naturalthoughts.annotation.registry import ANNOTATORS

        return ANNOTATORS
    if name == "AnnotationError":
        from naturalthoughts.annotation.base import AnnotationError

        return AnnotationError
    if name == "embed_texts":
        from naturalthoughts.annotation.embedding import embed_texts

        return embed_texts
    raise AttributeError(name)
