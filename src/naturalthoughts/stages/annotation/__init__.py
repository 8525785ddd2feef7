"""annotation stage: add domain, strategy, verbosity, length, disagreement and embedding columns to traces.

Python API::

    from naturalthoughts.stages.annotation import annotate, run_annotate, embed_texts
    table, report = annotate(traces, ["length", "strategies", "domain"], domain_method="embedding")
    manifest = run_annotate("traces/", "annotated/", "length,strategies,domain,verbosity,embedding")

The annotators are listed in :mod:`naturalthoughts.stages.annotation.registry`. Heavy libraries (torch,
sentence-transformers, llama.cpp) are imported only by the annotators that use them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ANNOTATORS", "AnnotationError", "annotate", "embed_texts", "run_annotate"]


def __getattr__(name: str) -> Any:  # lazy, so `import naturalthoughts.stages.annotation` stays light
    if name == "annotate":
        from naturalthoughts.stages.annotation.api import annotate

        return annotate
    if name == "run_annotate":
        from naturalthoughts.stages.annotation.run import run_annotate

        return run_annotate
    if name == "ANNOTATORS":
        from naturalthoughts.stages.annotation.registry import ANNOTATORS

        return ANNOTATORS
    if name == "AnnotationError":
        from naturalthoughts.stages.annotation.base import AnnotationError

        return AnnotationError
    if name == "embed_texts":
        from naturalthoughts.llm.embed import embed_texts

        return embed_texts
    raise AttributeError(name)
