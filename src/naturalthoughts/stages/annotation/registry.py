"""The annotators, by name: the whole annotation surface on one screen.

Each annotator declares the input columns it needs, the columns it adds (``schema.ANNOTATION_FIELDS``) and its
options; ``naturalthoughts annotate --annotators a,b`` and :func:`naturalthoughts.stages.annotation.annotate` pick them
from this dict. Options are passed as ``{annotator}_{option}`` (``domain_method="judge"``).
"""

from __future__ import annotations

from naturalthoughts.stages.annotation.base import AnnotationError, Annotator
from naturalthoughts.stages.annotation.difficulty import DifficultyAnnotator
from naturalthoughts.stages.annotation.disagreement import DisagreementAnnotator
from naturalthoughts.stages.annotation.domain import DomainAnnotator
from naturalthoughts.stages.annotation.embedding import EmbeddingAnnotator
from naturalthoughts.stages.annotation.length import LengthAnnotator
from naturalthoughts.stages.annotation.strategies import StrategiesAnnotator
from naturalthoughts.stages.annotation.verbosity import VerbosityAnnotator

ANNOTATORS: dict[str, type[Annotator]] = {
    "length": LengthAnnotator,  # reasoning/response tokens (named tokenizer) and words
    "domain": DomainAnnotator,  # 13 SuperGPQA disciplines + field; embedding zero-shot | LLM judge
    "strategies": StrategiesAnnotator,  # meta-reasoning strategies, steps, density; lexical | judge | both
    "verbosity": VerbosityAnnotator,  # 0-10; heuristic approximation | LLM judge
    "difficulty": DifficultyAnnotator,  # 0-10 cognitive difficulty of the question; uncalibrated proxy | LLM judge
    "disagreement": DisagreementAnnotator,  # second no-think model vs teacher (+ reference); checks, then judge
    "embedding": EmbeddingAnnotator,  # question embeddings (all-MiniLM-L6-v2 by default)
}
DEFAULT_ANNOTATORS = ("length", "strategies", "domain", "verbosity", "embedding")  # no LLM needed


def annotator_class(name: str) -> type[Annotator]:
    try:
        return ANNOTATORS[name]
    except KeyError:
        raise AnnotationError(f"unknown annotator {name!r}; choose from: {', '.join(ANNOTATORS)}") from None


def split_options(names: list[str], options: dict) -> dict[str, dict]:
    """Route ``{annotator}_{option}`` keyword options to their annotator; anything else is an error."""
    routed: dict[str, dict] = {n: {} for n in names}
    for key, value in options.items():
        owner = next((n for n in names if key.startswith(n + "_") and key[len(n) + 1:] in ANNOTATORS[n].OPTIONS), None)
        if owner is None:
            known = [f"{n}_{o}" for n in names for o in ANNOTATORS[n].OPTIONS]
            raise AnnotationError(f"unknown option {key!r} for annotators {names}; known: {', '.join(known)}")
        routed[owner][key[len(owner) + 1:]] = value
    return routed
