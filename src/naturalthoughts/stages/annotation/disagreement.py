"""``disagreement``: the paper's difficulty proxy, teacher vs a second, non-reasoning model (and vs the reference).

Columns: ``second_answer``, ``agree`` (teacher response vs second answer; null when undecidable),
``agree_method`` (``choice`` | ``numeric`` | ``exact`` | ``contains`` | ``math_verify`` | ``judge``), ``agree_rationale``,
``reference_agree`` (teacher vs ``reference_answer``/gold letter when present), ``disagreement_error``.

1. The second model answers each question in no-think mode: the question with the paper's instruction
   "Answer directly without thinking" appended (:func:`naturalthoughts.core.modes.apply_mode`), temperature 0,
   ``second_max_tokens`` tokens. Option ``second_column`` uses an existing column instead (e.g. the
   Llama-3.3-70B response NaturalReasoning ships), with no model call. A hybrid second model can get its own
   no-think switch instead of the instruction: options ``mode_carrier`` and ``model_family`` (``annotate
   --mode-carrier/--model-family``, :func:`naturalthoughts.core.carriers.mode_signal`; ``auto`` reads the second
   model's chat template).
2. Deterministic checks first (:func:`naturalthoughts.stages.annotation.answers.compare_answers`); the LLM judge
   (``judge-agreement`` prompt) decides the rest. Without a judge those rows get ``agree=null`` and
   ``disagreement_error=needs_judge``.
3. ``reference_agree``: the gold option letter for multiple choice; else the same checks against
   ``reference_answer``, where for a short reference (≤ 9 words, NaturalReasoning's "short" bucket) a normalised
   mismatch counts as disagreement; long references go to the judge.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa

from naturalthoughts.core.carriers import mode_signal, resolve_carrier
from naturalthoughts.llm.backends import chat_template_text
from naturalthoughts.llm.backends.base import ChatRequest, SamplingParams
from naturalthoughts.llm.runner import run_requests
from naturalthoughts.llm.think import parse_trace
from naturalthoughts.stages.annotation.answers import choice_letter, compare_answers
from naturalthoughts.stages.annotation.base import Annotator, Context, column_values, distribution
from naturalthoughts.stages.annotation.judge import load_prompt, run_judge

SHORT_REFERENCE_WORDS = 9


def question_with_options(question: str, options: list[str] | None) -> str:
    """The question as the second model sees it: multiple-choice options listed as ``A. ...`` lines."""
    if not options:
        return question
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return question.rstrip() + "\n\n" + "\n".join(f"{letters[i]}. {o}" for i, o in enumerate(options))


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):  # small judges write 1/0 (recorded from SmolLM2-135M)
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "agree", "same"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "disagree", "different"):
        return False
    return None


def _validate(obj: dict) -> tuple[tuple[bool, str] | None, str | None]:
    agree = _as_bool(obj.get("agree"))
    if agree is None:
        return None, f'expected {{"agree": true|false, "rationale": "..."}}, got agree={obj.get("agree")!r}'
    rationale = obj.get("rationale")
    return (agree, str(rationale)[:500] if rationale is not None else ""), None


class DisagreementAnnotator(Annotator):
    name = "disagreement"
    requires = ("question", "response")
    OPTIONS = {
        "second_max_tokens": 256,
        "second_column": None,  # take second answers from this column instead of calling the second model
        "prompt": "judge-agreement",
        "judge_max_chars": 3000,  # per answer; long answers keep their end, where the final answer is
        "mode_carrier": "instruction",  # how the second model is told not to think (core.carriers.CARRIERS)
        "model_family": None,  # its family, for carriers that need one (core.carriers.FAMILIES)
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.judge_prompt = load_prompt(self.options["prompt"])
        self.methods: Counter[str] = Counter()
        self.used_judge = False
        self.carrier: tuple[str, str | None] | None = None  # (carrier, family) once resolved

    def uses_second(self) -> bool:
        return self.options["second_column"] is None

    def check(self, table: pa.Table, ctx: Context) -> None:
        super().check(table, ctx)
        col = self.options["second_column"]
        if col is not None and col not in table.column_names:
            raise ValueError(f"disagreement second_column {col!r} is not in the input (have: {', '.join(table.column_names)})")

    def _second_answers(self, batch: pa.Table, ctx: Context, errors: list) -> list[str | None]:
        if self.options["second_column"] is not None:
            return column_values(batch, self.options["second_column"])
        questions, options = column_values(batch, "question"), column_values(batch, "options")
        params = SamplingParams(max_tokens=int(self.options["second_max_tokens"]), temperature=0.0, top_p=1.0, seed=0)
        carrier, family = self._carrier(ctx)
        requests = []
        for q, opts in zip(questions, options):
            signal = mode_signal(question_with_options(q or "", opts), "no-think", carrier=carrier, family=family)
            requests.append(ChatRequest.chat([{"role": "user", "content": signal.user}], params=params,
                                             assistant_prefix=signal.assistant_prefix,
                                             template_kwargs=signal.template_kwargs,
                                             request_fields=signal.request_fields))
        completions = run_requests(ctx.second, requests, ctx.cache, stats=ctx.run_stats(self.name),
                                   progress="second model" if ctx.progress else False)
        answers: list[str | None] = []
        for i, c in enumerate(completions):
            if not c.ok:
                errors[i].append(self.error(f"second_request_failed: {(c.error or '')[:120]}"))
                answers.append(None)
                continue
            parsed = parse_trace(c.text, reasoning_content=c.reasoning_content)
            # A "no-think" answer that still thinks: keep the part after the think block.
            answers.append((parsed.response if parsed.response is not None else c.text or "").strip())
        return answers

    def _carrier(self, ctx: Context) -> tuple[str, str | None]:
        """(carrier, family) for the second model, resolved once (``auto`` reads its chat template)."""
        if self.carrier is None:
            carrier, family = self.options["mode_carrier"], self.options["model_family"]
            text = chat_template_text(ctx.second) if carrier == "auto" and family is None and ctx.second else None
            self.carrier = resolve_carrier(carrier, family=family, template_text=text)
        return self.carrier

    def _clip(self, text: str) -> str:
        limit = int(self.options["judge_max_chars"])
        return text if len(text) <= limit else "…" + text[-limit:]

    def annotate_batch(self, batch: pa.Table, ctx: Context) -> dict[str, list]:
        n = batch.num_rows
        errors: list[list[str]] = [[] for _ in range(n)]
        questions = column_values(batch, "question")
        responses = column_values(batch, "response")
        options = column_values(batch, "options")
        references = column_values(batch, "reference_answer")
        gold = column_values(batch, "answer")
        second = self._second_answers(batch, ctx, errors)
        agree: list[bool | None] = [None] * n
        method: list[str | None] = [None] * n
        rationale: list[str | None] = [None] * n
        ref_agree: list[bool | None] = [None] * n
        judge_jobs: list[tuple[int, str, ChatRequest]] = []  # (row, "second" | "reference", request)

        for i in range(n):
            teacher = responses[i]
            k = len(options[i] or [])
            if not teacher or not teacher.strip():
                errors[i].append(self.error("empty_response"))
                continue
            if second[i]:
                agree[i], method[i], why = compare_answers(teacher, second[i], n_options=k)
                if method[i] is not None:
                    rationale[i] = why
                elif ctx.judge is not None:
                    judge_jobs.append((i, "second", self._request(questions[i], teacher, second[i])))
                else:
                    errors[i].append(self.error("needs_judge"))
            elif not errors[i]:
                errors[i].append(self.error("empty_second_answer"))
            # Reference agreement.
            if k and gold[i]:
                letter = choice_letter(teacher, k)
                ref_agree[i] = None if letter is None else letter == gold[i].strip().upper()
                if letter is None:
                    errors[i].append(self.error("no_choice_letter"))
            elif references[i] and references[i].strip():
                ref = references[i]
                decided, how, _ = compare_answers(teacher, ref, exact_decides=len(ref.split()) <= SHORT_REFERENCE_WORDS)
                if how is not None:
                    ref_agree[i] = decided
                elif ctx.judge is not None:
                    judge_jobs.append((i, "reference", self._request(questions[i], teacher, ref)))
                else:
                    errors[i].append(self.error("reference_needs_judge"))

        if judge_jobs:
            self.used_judge = True
            results = run_judge(ctx.judge, [r for _, _, r in judge_jobs], _validate, cache=ctx.cache,
                                stats=ctx.run_stats(self.name), progress="agreement judge" if ctx.progress else False)
            for (i, kind, _), r in zip(judge_jobs, results):
                if r.error is not None:
                    errors[i].append(self.error(r.error if kind == "second" else f"reference_{r.error}"))
                elif kind == "second":
                    agree[i], method[i], rationale[i] = r.value[0], "judge", r.value[1]
                else:
                    ref_agree[i] = r.value[0]
        for m in method:
            if m:
                self.methods[m] += 1
        return {"second_answer": second, "agree": agree, "agree_method": method, "agree_rationale": rationale,
                "reference_agree": ref_agree, "disagreement_error": ["; ".join(e) if e else None for e in errors]}

    def _request(self, question: str | None, a: str, b: str) -> ChatRequest:
        return self.judge_prompt.request(question=(question or "")[:2000], answer_a=self._clip(a), answer_b=self._clip(b))

    def report(self, columns: pa.Table) -> dict[str, Any]:
        carrier = {}
        if self.options["mode_carrier"] != "instruction" and self.carrier is not None:
            carrier = {"mode_carrier": {"carrier": self.carrier[0], "family": self.carrier[1],
                                        "requested": self.options["mode_carrier"]}}
        return {**carrier,
            "second_column": self.options["second_column"],
            "prompt": self.judge_prompt.ref if self.used_judge else None,
            "agree": distribution(columns.column("agree").to_pylist()),
            "agree_methods": dict(self.methods),
            "reference_agree": distribution(columns.column("reference_agree").to_pylist()),
            "errors": dict(sorted(self.errors.items())),
        }
