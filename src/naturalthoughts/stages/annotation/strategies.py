"""``strategies``: which meta-reasoning strategies a trace uses, how many steps it takes, and its density.

Columns: ``strategies`` (distinct names from the taxonomy, taxonomy order), ``num_strategies``, ``num_steps``
(see :mod:`naturalthoughts.stages.annotation.steps`), ``reasoning_density`` = num_strategies / num_steps (the paper's
strategy selection downsamples traces with fewer distinct strategies than steps), ``strategies_method``,
``strategies_error``.

Methods (option ``method``):

* ``lexical`` (default): cue phrases from the taxonomy file, :class:`~naturalthoughts.stages.annotation.lexical.LexicalDetector`.
* ``judge``: an LLM reads the trace (chunks of at most ``judge_chunk_chars`` characters; the union of the chunk
  answers is the row's set) and answers in JSON, validated against the taxonomy.
* ``both``: the judge fills the columns and the lexical detector runs on the same rows; the manifest reports
  per-strategy agreement (raw agreement and Cohen's kappa) between the two.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa

from naturalthoughts.core.cues import LexicalDetector, load_taxonomy
from naturalthoughts.stages.annotation.base import (
    Annotator,
    Context,
    column_values,
    distribution,
    looks_non_english,
    summary,
)
from naturalthoughts.stages.annotation.judge import judge_in_chunks, load_prompt
from naturalthoughts.stages.annotation.steps import count_steps

METHODS = ("lexical", "judge", "both")


class StrategiesAnnotator(Annotator):
    name = "strategies"
    requires = ("reasoning",)
    OPTIONS = {
        "method": "lexical",  # lexical | judge | both
        "taxonomy": "strategies-v1",  # packaged taxonomy name or a YAML path
        "prompt": "judge-strategies",  # packaged judge prompt name or a YAML path
        "judge_chunk_chars": 6000,  # ~1,500 tokens: fits a 4k-context judge with the prompt
        "judge_max_chunks": 16,  # longer traces get strategies_error=too_long_for_judge (lexical has no limit)
        "lexical_engine": "auto",  # auto | ahocorasick | regex
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if self.options["method"] not in METHODS:
            raise ValueError(f"strategies method must be one of {METHODS}, not {self.options['method']!r}")
        self.taxonomy = load_taxonomy(str(self.options["taxonomy"]))
        self.detector = LexicalDetector(self.taxonomy, engine=self.options["lexical_engine"])
        self.judge_prompt = load_prompt(self.options["prompt"]) if self.uses_judge() else None
        self.unknown_judge_labels: Counter[str] = Counter()
        # Agreement counts per strategy when both methods run: [both, lexical only, judge only, neither].
        self.agreement = {name: [0, 0, 0, 0] for name in self.taxonomy.names}

    def uses_judge(self) -> bool:
        return self.options["method"] in ("judge", "both")

    def annotate_batch(self, batch: pa.Table, ctx: Context) -> dict[str, list]:
        texts = column_values(batch, "reasoning")
        n = len(texts)
        steps: list[int | None] = [count_steps(t) if t and t.strip() else None for t in texts]
        errors: list[str | None] = [None] * n
        for i, t in enumerate(texts):
            if t is None:
                errors[i] = self.error("no_reasoning")
            elif not t.strip():
                errors[i] = self.error("empty_reasoning")
        method = self.options["method"]
        lexical: list[tuple[str, ...] | None] = [None] * n
        if method in ("lexical", "both"):
            for i, t in enumerate(texts):
                if errors[i] is None and not looks_non_english(t):
                    lexical[i] = self.detector.detect(t)
        if method == "lexical":
            for i, t in enumerate(texts):
                if errors[i] is None and lexical[i] is None:
                    errors[i] = self.error("non_english_text")  # the cues are English phrases
            found = lexical
        else:
            found = self._judge(texts, errors, ctx)
            if method == "both":
                self._count_agreement(lexical, found)
        num = [len(s) if s is not None else None for s in found]
        density = [(k / s if k is not None and s else None) for k, s in zip(num, steps)]
        return {
            "strategies": [list(s) if s is not None else None for s in found],
            "num_strategies": num,
            "num_steps": steps,
            "reasoning_density": density,
            "strategies_method": ["judge" if method == "both" else method] * n,
            "strategies_error": errors,
        }

    # --------------------------------------------------------------------------------------------- judge
    def _validate(self, obj: dict) -> tuple[tuple[str, ...] | None, str | None]:
        raw = obj.get("strategies")
        if isinstance(raw, str):
            raw = [part for part in raw.replace(";", ",").split(",") if part.strip()]
        if not isinstance(raw, list):
            return None, 'expected {"strategies": [names]}'
        names = set()
        for item in raw:
            name = self.taxonomy.canonical(item)
            if name is None:
                self.unknown_judge_labels[str(item)[:60]] += 1  # open-vocabulary answers, reported not stored
            else:
                names.add(name)
        if raw and not names:
            return None, f"no name from the list: {raw[:5]}"
        return tuple(n for n in self.taxonomy.names if n in names), None

    def _judge(self, texts: list, errors: list, ctx: Context) -> list:
        assert self.judge_prompt is not None and ctx.judge is not None
        verdicts = judge_in_chunks(
            ctx, texts, errors, chunk_chars=int(self.options["judge_chunk_chars"]),
            max_chunks=int(self.options["judge_max_chunks"]),
            make_request=lambda i, chunk, k, count: self.judge_prompt.request(
                strategy_list=self.taxonomy.prompt_list(), reasoning=chunk, chunk_index=str(k), chunk_count=str(count)),
            validate=self._validate, error=self.error, stats_name=self.name, progress="strategies judge")
        merged = {i: set().union(*values) for i, values in verdicts.items()}
        return [tuple(n for n in self.taxonomy.names if n in merged[i]) if i in merged and errors[i] is None else None
                for i in range(len(texts))]

    def _count_agreement(self, lexical: list, judged: list) -> None:
        for lex, jud in zip(lexical, judged):
            if lex is None or jud is None:
                continue
            for name in self.taxonomy.names:
                a, b = name in lex, name in jud
                self.agreement[name][0 if a and b else 1 if a else 2 if b else 3] += 1

    # -------------------------------------------------------------------------------------------- report
    def report(self, columns: pa.Table) -> dict[str, Any]:
        sets = columns.column("strategies").to_pylist()
        counts = Counter(name for s in sets if s for name in s)
        out: dict[str, Any] = {
            "method": self.options["method"],
            "taxonomy": self.taxonomy.ref,
            "strategy_counts": {name: counts.get(name, 0) for name in self.taxonomy.names},
            "num_strategies": distribution(columns.column("num_strategies").to_pylist()),
            "num_steps": summary(columns.column("num_steps").to_pylist()),
            "reasoning_density": summary(columns.column("reasoning_density").to_pylist()),
            "errors": dict(sorted(self.errors.items())),
        }
        if self.uses_judge():
            out["prompt"] = self.judge_prompt.ref if self.judge_prompt else None
            out["unknown_judge_labels"] = dict(self.unknown_judge_labels.most_common(20))
        if self.options["method"] == "both":
            out["agreement"] = agreement_report(self.agreement)
        return out


def agreement_report(table: dict[str, list[int]]) -> dict[str, dict[str, Any]]:
    """Per strategy: rows compared, raw agreement, Cohen's kappa, and counts of one-sided detections."""
    out = {}
    for name, (both, lex_only, judge_only, neither) in table.items():
        n = both + lex_only + judge_only + neither
        if not n:
            continue
        observed = (both + neither) / n
        p_lex, p_judge = (both + lex_only) / n, (both + judge_only) / n
        expected = p_lex * p_judge + (1 - p_lex) * (1 - p_judge)
        kappa = None if expected >= 1 else (observed - expected) / (1 - expected)
        out[name] = {"rows": n, "agreement": round(observed, 4), "kappa": None if kappa is None else round(kappa, 4),
                     "both": both, "lexical_only": lex_only, "judge_only": judge_only}
    return out
