"""``domain``: one of the paper's 13 disciplines and a finer topic (a SuperGPQA field) per question.

Columns: ``domain``, ``topic``, ``domain_method``, ``domain_error``.

Methods (option ``method``):

* ``embedding`` (default, no LLM): zero-shot nearest prototype. Each field of the label file gets a prototype:
  the normalised mean of the embeddings of ``"Field"`` and ``"Field: keyword"`` for each of its keywords (on 20
  hand-written questions this scored 18/20 domains against 16-17/20 for one embedded description per field);
  a question gets the most similar field as its topic and that field's discipline as its domain. Questions are embedded once per batch and shared
  with the ``embedding`` annotator when both run with the same model.
* ``judge``: an LLM answers ``{"domain": ..., "topic": ...}``; the domain must be one of the 13 (case and
  ``&``/``and`` insensitive), the topic one of that domain's fields. Invalid output gets one repair turn, then
  ``domain=null`` and ``domain_error=judge_invalid_output``. A valid domain with a topic outside the label set
  keeps the domain, with ``topic=null`` and ``domain_error=topic_not_in_label_set``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa

from naturalthoughts.core.models import DEFAULT_EMBEDDER
from naturalthoughts.llm.embed import embed_texts
from naturalthoughts.stages.annotation.base import (
    Annotator,
    Context,
    column_values,
    distribution,
    looks_non_english,
)
from naturalthoughts.stages.annotation.embedding import batch_question_embeddings
from naturalthoughts.stages.annotation.judge import load_prompt, run_judge
from naturalthoughts.stages.annotation.labels import DEFAULT_LABELS, load_labels

METHODS = ("embedding", "judge")


@lru_cache(maxsize=4)
def topic_prototypes(labels: str, model: str) -> np.ndarray:
    """One unit vector per field (label-file order): the mean of "Field" and "Field: keyword" embeddings.

    Cached per process: the ~600 label texts are embedded once, whatever the number of runs.
    """
    label_set = load_labels(labels)
    texts, owner = [], []
    for k, topic in enumerate(label_set.topics):
        keywords = [w.strip() for w in label_set.topics[topic][1].split(",") if w.strip()]
        for text in [topic] + [f"{topic}: {w}" for w in keywords]:
            texts.append(text)
            owner.append(k)
    vectors = embed_texts(texts, model, normalize=True)
    sums = np.zeros((len(label_set.topics), vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, np.array(owner), vectors)
    return sums / np.linalg.norm(sums, axis=1, keepdims=True)


class DomainAnnotator(Annotator):
    name = "domain"
    requires = ("question",)
    OPTIONS = {
        "method": "embedding",  # embedding | judge
        "labels": DEFAULT_LABELS,  # packaged label set name or a YAML path
        "model": DEFAULT_EMBEDDER,  # embedding model (embedding method)
        "prompt": "judge-domain",  # judge prompt (judge method)
        "max_question_chars": 4000,  # the judge sees at most this much of the question
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if self.options["method"] not in METHODS:
            raise ValueError(f"domain method must be one of {METHODS}, not {self.options['method']!r}")
        self.labels = load_labels(str(self.options["labels"]))
        self.judge_prompt = load_prompt(self.options["prompt"]) if self.uses_judge() else None
        self._topic_names = list(self.labels.topics)

    def uses_judge(self) -> bool:
        return self.options["method"] == "judge"

    def annotate_batch(self, batch: pa.Table, ctx: Context) -> dict[str, list]:
        questions = column_values(batch, "question")
        n = len(questions)
        domains: list[str | None] = [None] * n
        topics: list[str | None] = [None] * n
        errors: list[str | None] = [None] * n
        for i, q in enumerate(questions):
            if not q or not q.strip():
                errors[i] = self.error("empty_question")
        if self.options["method"] == "embedding":
            self._by_embedding(batch, ctx, questions, domains, topics, errors)
        else:
            self._by_judge(questions, domains, topics, errors, ctx)
        return {"domain": domains, "topic": topics, "domain_method": [self.options["method"]] * n, "domain_error": errors}

    # ------------------------------------------------------------------------------------------- embedding
    def topic_vectors(self) -> np.ndarray:
        return topic_prototypes(str(self.options["labels"]), self.options["model"])

    def _by_embedding(self, batch, ctx, questions, domains, topics, errors) -> None:
        vectors = batch_question_embeddings(batch, ctx, self.options["model"], normalize=True)
        best = (vectors @ self.topic_vectors().T).argmax(axis=1)
        for i, q in enumerate(questions):
            if errors[i] is not None:
                continue
            if looks_non_english(q):
                errors[i] = self.error("non_english_text")  # the default embedder is English-only
                continue
            topic = self._topic_names[int(best[i])]
            topics[i], domains[i] = topic, self.labels.topics[topic][0]

    # ----------------------------------------------------------------------------------------------- judge
    def _validate(self, obj: dict) -> tuple[tuple[str, str | None] | None, str | None]:
        domain = self.labels.canonical_domain(obj.get("domain"))
        if domain is None:
            return None, f"domain {obj.get('domain')!r} is not one of the 13 disciplines"
        topic = self.labels.canonical_topic(obj.get("topic"))
        if topic is not None and self.labels.topics[topic][0] != domain:
            topic = None  # a field of another discipline: keep the domain, drop the inconsistent topic
        return (domain, topic), None

    def _by_judge(self, questions, domains, topics, errors, ctx: Context) -> None:
        assert self.judge_prompt is not None and ctx.judge is not None
        todo = [i for i in range(len(questions)) if errors[i] is None]
        label_list = self.labels.prompt_list()
        limit = int(self.options["max_question_chars"])
        requests = [self.judge_prompt.request(label_list=label_list, question=questions[i][:limit]) for i in todo]
        results = run_judge(ctx.judge, requests, self._validate, cache=ctx.cache, stats=ctx.run_stats(self.name),
                            progress="domain judge" if ctx.progress else False)
        for i, r in zip(todo, results):
            if r.error is not None:
                errors[i] = self.error(r.error)
                continue
            domains[i], topics[i] = r.value
            if topics[i] is None:
                errors[i] = self.error("topic_not_in_label_set")

    def report(self, columns: pa.Table) -> dict[str, Any]:
        return {
            "method": self.options["method"],
            "labels": self.labels.ref,
            "model": self.options["model"] if self.options["method"] == "embedding" else None,
            "prompt": self.judge_prompt.ref if self.judge_prompt else None,
            "domains": distribution(columns.column("domain").to_pylist()),
            "topics_top20": distribution(columns.column("topic").to_pylist(), top=20),
            "errors": dict(sorted(self.errors.items())),
        }
