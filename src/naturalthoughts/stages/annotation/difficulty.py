"""``difficulty``: cognitive difficulty of the question, 0-10 (OmniThought's notion: how much domain knowledge
and reasoning the question needs; 0 = a common fact or one-step arithmetic, 10 = research-level knowledge and a
long multi-stage argument).

Columns: ``difficulty`` (int 0-10), ``difficulty_method``, ``difficulty_error``.

Methods (option ``method``):

* ``proxy`` (default, no LLM). **A rough approximation, not fitted to labels**: its weights were set before any
  difficulty label existed. Against the 64 hand labels of the calibration set (``data/calibration/``, labelled
  after the fact) it reaches Spearman 0.58 with the trace and 0.42 from the question alone (0.63 / 0.51 on the
  21 holdout rows; benchmarks/RESULTS.md, "annotation calibration"). It combines three signals, each in [0, 1]:

  - *reasoning demand* (weight 0.5): how long the teacher thought, ``(log10(reasoning words) - 2.3) / 1.5``
    clipped (200 words -> 0, ~6,300 words -> 1). Reasoning models think longer on harder questions, which is why
    the paper's ``long`` selection works as a difficulty proxy; rows without a trace use the question's
    mathematical density instead (numbers, operators, LaTeX);
  - *knowledge* (weight 0.35): the share of long words (9+ letters) in the question, saturating at 25 %;
    technical vocabulary is long ("thermodynamic", "eigenvalue", "jurisprudence");
  - *question size* (weight 0.15): ``(question words - 10) / 90`` clipped; multi-part questions state more.

  score = round(10 × (0.5·demand + 0.35·knowledge + 0.15·size)). It orders a one-line arithmetic question below a
  multi-part physics problem, but it cannot tell a hard short question from an easy one; use the judge for that.
* ``judge``: an LLM rates the question (``data/prompts/judge-difficulty.yaml``), seeing at most
  ``max_question_chars`` of it.

Selection can use the column as a filter: ``naturalthoughts select --strategy strategies --option
min_difficulty=5`` ranks only rows with difficulty >= 5 (see ``stages/selection/strategies.py``).
"""

from __future__ import annotations

import math
import re
from typing import Any

import pyarrow as pa

from naturalthoughts.stages.annotation.base import Annotator, Context, column_values, distribution
from naturalthoughts.stages.annotation.judge import load_prompt, run_judge

METHODS = ("proxy", "judge")

_WORD_RE = re.compile(r"[A-Za-z]+")
_MATH_RE = re.compile(r"\d+(?:\.\d+)?|[=+\-*/^<>≤≥∫∑√π]|\\[a-z]+|\$")


def difficulty_features(question: str, reasoning: str | None = None) -> dict[str, float]:
    """The proxy's three signals, each in [0, 1] (see the module docstring)."""
    words = _WORD_RE.findall(question)
    knowledge = min(1.0, (sum(1 for w in words if len(w) >= 9) / len(words) / 0.25) if words else 0.0)
    size = min(1.0, max(0.0, (len(question.split()) - 10) / 90))
    if reasoning and reasoning.strip():
        demand = min(1.0, max(0.0, (math.log10(len(reasoning.split())) - 2.3) / 1.5))
    else:
        demand = min(1.0, len(_MATH_RE.findall(question)) / 12)
    return {"demand": demand, "knowledge": knowledge, "size": size}


def proxy_difficulty(question: str, reasoning: str | None = None) -> int:
    """0-10 estimate of how much knowledge and reasoning ``question`` needs (uncalibrated, see module doc)."""
    f = difficulty_features(question, reasoning)
    return int(min(10, max(0, round(10 * (0.5 * f["demand"] + 0.35 * f["knowledge"] + 0.15 * f["size"])))))


def _validate(obj: dict) -> tuple[int | None, str | None]:
    value = obj.get("difficulty", obj.get("score"))
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        return None, f'expected {{"difficulty": integer 0-10}}, got {value!r}'
    return value, None


class DifficultyAnnotator(Annotator):
    name = "difficulty"
    requires = ("question",)
    OPTIONS = {
        "method": "proxy",  # proxy | judge
        "prompt": "judge-difficulty",
        "max_question_chars": 4000,
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if self.options["method"] not in METHODS:
            raise ValueError(f"difficulty method must be one of {METHODS}, not {self.options['method']!r}")
        self.judge_prompt = load_prompt(self.options["prompt"]) if self.uses_judge() else None

    def uses_judge(self) -> bool:
        return self.options["method"] == "judge"

    def annotate_batch(self, batch: pa.Table, ctx: Context) -> dict[str, list]:
        questions = column_values(batch, "question")
        reasoning = column_values(batch, "reasoning") if "reasoning" in batch.column_names else [None] * len(questions)
        n = len(questions)
        scores: list[int | None] = [None] * n
        errors: list[str | None] = [None] * n
        for i, q in enumerate(questions):
            if not q or not q.strip():
                errors[i] = self.error("empty_question")
        if self.options["method"] == "proxy":
            for i, q in enumerate(questions):
                if errors[i] is None:
                    scores[i] = proxy_difficulty(q, reasoning[i])
        else:
            self._judge(questions, scores, errors, ctx)
        return {"difficulty": scores, "difficulty_method": [self.options["method"]] * n, "difficulty_error": errors}

    def _judge(self, questions: list, scores: list, errors: list, ctx: Context) -> None:
        assert self.judge_prompt is not None and ctx.judge is not None
        todo = [i for i in range(len(questions)) if errors[i] is None]
        limit = int(self.options["max_question_chars"])
        requests = [self.judge_prompt.request(question=questions[i][:limit]) for i in todo]
        results = run_judge(ctx.judge, requests, _validate, cache=ctx.cache, stats=ctx.run_stats(self.name),
                            progress="difficulty judge" if ctx.progress else False)
        for i, r in zip(todo, results):
            if r.error is not None:
                errors[i] = self.error(r.error)
            else:
                scores[i] = r.value

    def report(self, columns: pa.Table) -> dict[str, Any]:
        hist = distribution(columns.column("difficulty").to_pylist())
        return {
            "method": self.options["method"],
            "prompt": self.judge_prompt.ref if self.judge_prompt else None,
            "histogram": {str(k): hist.get(str(k), 0) for k in range(11)},
            "errors": dict(sorted(self.errors.items())),
        }
