"""Which tokens of an SFT example carry loss, and the check that it starts exactly at the assistant turn."""

from __future__ import annotations

from typing import Any, Sequence


class SFTDataError(ValueError):
    """The SFT data cannot train a student (raised before any model is loaded)."""


def loss_mask_preview(tokenizer: Any, example: dict[str, Any]) -> tuple[list[int], list[int]]:
    """(input ids, 1 where the token carries loss) for one prompt-completion example, as TRL builds them
    (with the example's ``chat_template_kwargs``, a hybrid student's thinking switch, as TRL passes them)."""
    kwargs = example.get("chat_template_kwargs") or {}
    prompt_ids = tokenizer.apply_chat_template(example["prompt"], add_generation_prompt=True, tokenize=True,
                                               return_dict=True, **kwargs)["input_ids"]
    full_ids = tokenizer.apply_chat_template(example["prompt"] + example["completion"], tokenize=True,
                                             return_dict=True, **kwargs)["input_ids"]
    start = 0
    while start < min(len(prompt_ids), len(full_ids)) and prompt_ids[start] == full_ids[start]:
        start += 1
    return list(full_ids), [0] * start + [1] * (len(full_ids) - start)


def check_mask(tokenizer: Any, example: dict[str, Any], where: str) -> None:
    """The loss must start exactly at the assistant content: a template that renders the prompt differently
    with and without the generation prompt would otherwise leak prompt tokens into the loss (or hide answer
    ones).
    """
    ids, mask = loss_mask_preview(tokenizer, example)
    trained = tokenizer.decode([t for t, m in zip(ids, mask) if m])
    content = example["completion"][0]["content"]
    if not trained.lstrip().startswith(content.strip()[:40]):
        raise SFTDataError(f"{where}: the chat template does not render the prompt as a prefix of the "
                           "conversation; "
                           f"loss would start at {trained[:80]!r} instead of the assistant turn")


def mask_check_rows(examples: Sequence[dict[str, Any]], spread: int = 16) -> list[int]:
    """Rows whose loss mask is checked: the first of every shape (roles, system turn, think block or not, as
    System-1 and System-2 targets render differently) and ``spread`` rows evenly over the data."""
    first_of_shape: dict[tuple, int] = {}
    for i, ex in enumerate(examples):
        roles = tuple(m["role"] for m in ex["prompt"])
        system = next((m["content"] for m in ex["prompt"] if m["role"] == "system"), None)
        think = ex["completion"][0]["content"].lstrip().startswith("<think>")
        first_of_shape.setdefault((roles, system, think), i)
    even = {round(k * (len(examples) - 1) / max(spread - 1, 1)) for k in range(spread)} if examples else set()
    return sorted(set(first_of_shape.values()) | even)
