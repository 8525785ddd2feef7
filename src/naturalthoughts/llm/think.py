"""Turn any teacher output into (reasoning, response, QC flags).

Providers disagree on the format of reasoning output (vllm-project/vllm#13125, deepseek-ai/DeepSeek-R1#352):

* inline ``<think>…</think>answer`` (R1 through most OpenAI-compatible servers);
* a missing opening tag, ``…</think>answer``, because R1-distill chat templates prefill ``<think>`` into the
  prompt, or because we forced the opening ourselves (``assistant_prefix``);
* a separate ``reasoning_content`` field (DeepSeek API, vLLM's reasoning parser) with ``content`` = answer;
* no think block at all (a non-reasoning model);
* an unclosed think block, ``<think>…`` with no end (truncated at max_tokens);
* an empty final answer.

:func:`parse_trace` handles all of them in one place and never drops anything: odd outputs get flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"

_OPEN_RE = re.compile(r"<think>", re.IGNORECASE)
_CLOSE_RE = re.compile(r"</think>", re.IGNORECASE)


@dataclass
class ParsedTrace:
    reasoning: str | None  # text inside the think block; None when the output had no think block
    response: str | None  # final answer after the think block; None when the think block never closed
    flags: list[str] = field(default_factory=list)


def parse_trace(
    text: str | None,
    *,
    reasoning_content: str | None = None,
    finish_reason: str | None = None,
    prefilled_think: bool = False,
    repetition_ngram: int = 20,
    repetition_min_repeats: int = 4,
) -> ParsedTrace:
    """Split a teacher output into reasoning and final response, with QC flags.

    Args:
        text: the generated text (for chat APIs, ``message.content``).
        reasoning_content: a provider's separate reasoning field, if any.
        finish_reason: ``"length"`` marks the row ``truncated``.
        prefilled_think: the prompt already opened ``<think>`` (forced prefix or an R1-distill template), so
            text before the first ``</think>`` is reasoning even without an opening tag.

    Flags: ``no_think`` (no think block), ``unclosed_think`` (opened, never closed), ``truncated``
    (finish_reason ``length``), ``empty_response`` (nothing after the think block), ``repetition_loop``
    (a ``repetition_ngram``-word sequence repeated back to back ``repetition_min_repeats`` times or more).

    >>> parse_trace("<think>2+2 is 4</think>The answer is 4.").response
    'The answer is 4.'
    >>> parse_trace("2+2 is 4</think>4", prefilled_think=True).reasoning
    '2+2 is 4'
    """
    text = text or ""
    flags: list[str] = []
    reasoning: str | None
    response: str | None

    if reasoning_content:
        # The provider split it for us; a stray inline block in the content still counts as reasoning.
        reasoning = reasoning_content.strip()
        inner = _split_inline(text, prefilled=False)
        if inner is not None and inner[0]:
            reasoning = (reasoning + "\n\n" + inner[0]).strip()
            response = inner[1]
        else:
            response = text.strip()
    else:
        split = _split_inline(text, prefilled=prefilled_think)
        if split is None:
            reasoning, response = None, text.strip()
            flags.append("no_think")
        else:
            reasoning, response = split
            if response is None:
                flags.append("unclosed_think")

    if finish_reason == "length":
        flags.append("truncated")
    if response is not None and not response.strip():
        flags.append("empty_response")
    if response is None and "unclosed_think" in flags and not reasoning:
        flags.append("empty_response")
    if has_repetition_loop(reasoning or "", repetition_ngram, repetition_min_repeats) or has_repetition_loop(
        response or "", repetition_ngram, repetition_min_repeats
    ):
        flags.append("repetition_loop")
    return ParsedTrace(reasoning=reasoning, response=response, flags=flags)


def _split_inline(text: str, *, prefilled: bool) -> tuple[str, str | None] | None:
    """(reasoning, response) for inline think text; response None if unclosed; None if no think block at all."""
    close = _CLOSE_RE.search(text)
    open_ = _OPEN_RE.search(text)
    if open_ and (close is None or open_.start() < close.start()):
        start = open_.end()
    elif close is not None or prefilled:
        start = 0  # opening tag was in the prompt (prefill) or dropped by the template
    else:
        return None
    if close is None or close.start() < start:
        return text[start:].strip(), None
    reasoning = text[start : close.start()].strip()
    response = text[close.end() :]
    # A second think block after the first (rare; some models re-open) stays part of the response text.
    return reasoning, response.strip()


def has_repetition_loop(text: str, ngram: int = 20, min_repeats: int = 4) -> bool:
    """True when some ``ngram``-word sequence occurs at least ``min_repeats`` times.

    Degenerate teacher outputs loop on one sentence until max_tokens. An exact 20-word sequence that recurs
    four times is rare in ordinary reasoning (short pivots like "Wait, let me check" are far below 20 words),
    while a looping sentence of any length produces such a sequence many times over.
    """
    words = text.split()
    n = len(words)
    if n < ngram * min_repeats:
        return False
    # Vectorised polynomial hash of every ngram window (numpy, wrapping uint64 arithmetic): the per-window
    # Python tuple hashing this replaces cost ~0.4 us per word, too slow for cache-hit re-runs of long traces.
    import numpy as np

    powers, inverse = _hash_powers(n)
    ids = np.fromiter(map(hash, words), dtype=np.int64, count=n).view(np.uint64)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(ids * powers[:n], out=prefix[1:])
    keys = (prefix[ngram:] - prefix[:-ngram]) * inverse[: n - ngram + 1]  # window i, shifted to power 0
    keys.sort()
    return bool((keys[min_repeats - 1 :] == keys[: len(keys) - min_repeats + 1]).any())


_HASH_BASE = 1_000_003
_HASH_BASE_INV = pow(_HASH_BASE, -1, 2**64)  # odd base: invertible modulo 2^64
_POWERS: list = []  # [BASE^i, BASE^-i] for i < current size; grown on demand, shared by all calls


def _hash_powers(n: int) -> tuple:
    import numpy as np

    if not _POWERS or len(_POWERS[0]) < n:
        size = max(n, 4096)
        powers = np.full(size, _HASH_BASE, dtype=np.uint64)
        inverse = np.full(size, _HASH_BASE_INV, dtype=np.uint64)
        powers[0] = inverse[0] = 1
        _POWERS[:] = [np.cumprod(powers, dtype=np.uint64), np.cumprod(inverse, dtype=np.uint64)]
    return _POWERS[0], _POWERS[1]


def format_trace(reasoning: str | None, response: str | None) -> str:
    """The R1 layout ``<think>\\n{reasoning}\\n</think>\\n\\n{response}`` (no think block when reasoning is None)."""
    if reasoning is None:
        return response or ""
    return f"{THINK_OPEN}\n{reasoning}\n{THINK_CLOSE}\n\n{response or ''}"
