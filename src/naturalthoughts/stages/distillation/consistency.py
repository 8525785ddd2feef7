"""Training and inference must show the student the same prompt: the check build-sft runs on every example.

For each example, the conversation is rendered with the student's chat template as training renders it (system?,
user, the assistant target; the row's template variables), and evaluation's prompt for the same question and
mode is rendered as inference does (:func:`naturalthoughts.llm.mode_prompt.render_inference_prompt`: the same
carrier and template, the generation prompt, then the assistant prefix). The training text must start with the
inference text, and what follows must hold the target's answer: otherwise the student learns to continue a
prompt it will never be given (a Qwen3 template whose thinking-off block differs, a system turn evaluation does
not send, a template that drops the reasoning of the turn it trains on).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from naturalthoughts.core import modes
from naturalthoughts.llm.mode_prompt import Renderer, mode_prompt, render, render_inference_prompt
from naturalthoughts.llm.think import THINK_CLOSE
from naturalthoughts.stages.distillation.hybrid import decode_kwargs
from naturalthoughts.stages.distillation.loss_mask import SFTDataError

CONTEXT_CHARS = 40


class PromptMismatchError(SFTDataError):
    """A training example's prompt differs from the one evaluation would send for its mode."""


def template_renderer(text: str, source: str = "chat template") -> Renderer:
    """A renderer for chat-template text, in the environment Hugging Face and llama.cpp use."""
    from naturalthoughts.llm.backends.chat_template import ChatTemplate

    return ChatTemplate.from_text(text, source)


def first_difference(a: str, b: str) -> int:
    """The index of the first character where ``a`` and ``b`` differ (the shorter length if one is a prefix)."""
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


def _around(text: str, i: int) -> str:
    return repr(text[i:i + CONTEXT_CHARS])


def _answer_of(target: str) -> str:
    return target.split(THINK_CLOSE, 1)[-1].strip()


def check_example(row: dict[str, Any], template: Renderer, carrier: str, family: str | None, *,
                  think_words: int | None, system_prompt: str | None) -> None:
    """Raise :class:`PromptMismatchError` when ``row``'s training render does not continue its inference prompt.

    ``row`` has ``id``, ``question``, ``instruction`` (a mode), ``messages`` and optionally ``template_kwargs``.
    """
    mode = row["instruction"]
    messages = [{"role": m["role"], "content": m["content"]} for m in row["messages"]]
    training = render(template, messages, False, decode_kwargs(row.get("template_kwargs")))
    prompt = mode_prompt(row["question"], mode, carrier=carrier, family=family, words=think_words,
                         system_prompt=system_prompt)
    inference = render_inference_prompt(template, prompt)
    where = f"row {row['id']} (mode {row.get('mode')}, instruction {mode}, carrier {carrier})"
    if not training.startswith(inference):
        i = first_difference(training, inference)
        raise PromptMismatchError(
            f"{where}: the training prompt differs from the inference prompt at character {i}, after "
            f"{training[max(0, i - CONTEXT_CHARS):i]!r}: training {_around(training, i)} vs inference "
            f"{_around(inference, i)}; the student would be trained "
            "to continue a prompt evaluation never sends (check --chat-template, --system-prompt, "
            "--mode-carrier and --model-family)")
    answer = _answer_of(messages[-1]["content"])
    if answer and answer not in training[len(inference):]:
        raise PromptMismatchError(
            f"{where}: the chat template does not render the assistant target after the prompt "
            f"(rendered continuation {_around(training[len(inference):], 0)}); this template cannot train "
            "the example as written")


def check_prompt_consistency(rows: Iterable[dict[str, Any]], template: Renderer, carrier: str,
                             family: str | None, *, think_words: int | None = None,
                             system_prompt: str | None = None) -> dict[str, int]:
    """Check every row (see :func:`check_example`); return ``{"checked": n, "skipped_no_mode": m}``.

    Rows whose instruction is ``none`` (the bare question) match no evaluation mode and are counted as skipped.
    """
    counts = {"checked": 0, "skipped_no_mode": 0}
    for row in rows:
        if row["instruction"] not in modes.MODES:
            counts["skipped_no_mode"] += 1
            continue
        check_example(row, template, carrier, family, think_words=think_words, system_prompt=system_prompt)
        counts["checked"] += 1
    return counts


def rows_to_check(rows: dict[str, list[Any]], questions: Sequence[str]) -> Iterable[dict[str, Any]]:
    """build-sft's output columns (plus each row's question) as the row dicts the check reads."""
    kwargs = rows.get("template_kwargs") or [None] * len(questions)
    for j, question in enumerate(questions):
        yield {"id": rows["id"][j] if rows["id"][j] is not None else rows["trace_id"][j], "question": question,
               "mode": rows["mode"][j], "instruction": rows["instruction"][j], "messages": rows["messages"][j],
               "template_kwargs": kwargs[j]}


__all__ = ["PromptMismatchError", "check_example", "check_prompt_consistency", "first_difference",
           "rows_to_check", "template_renderer"]
