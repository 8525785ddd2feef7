"""Offline, in-process ``vllm.LLM``: the fastest way to run an open teacher on your own GPUs.

``vllm`` is an optional extra (``pip install naturalthoughts[vllm]``) and is imported only when this backend is
built. Prompts are rendered with the model's tokenizer (``apply_chat_template`` with the generation prompt) and the
``assistant_prefix`` is appended, then the whole batch goes to ``LLM.generate`` in one call so vLLM's scheduler
sees every request at once (continuous batching is where its throughput comes from).

Options (``BackendSpec.options``): ``tensor_parallel_size`` (default 1), ``data_parallel_size`` (default 1; >1
needs vLLM >= 0.8), ``max_model_len``, ``gpu_memory_utilization``, ``dtype``, ``enforce_eager``,
``trust_remote_code``, ``chunk_size`` (requests per ``LLM.generate`` call, default 4096: completions of a chunk
reach ``on_result`` and the row cache together, so a crash loses at most one chunk), and ``llm_kwargs`` (a dict
passed to ``vllm.LLM`` as is).
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, Completion, ProgressFn

log = logging.getLogger(__name__)

_LLM_OPTION_KEYS = ("tensor_parallel_size", "data_parallel_size", "max_model_len", "gpu_memory_utilization",
                    "dtype", "enforce_eager", "trust_remote_code", "seed", "download_dir", "quantization")


class VLLMBackend:
    """Backend running ``vllm.LLM`` in this process (GPU)."""

    name = "vllm"

    def __init__(self, spec: BackendSpec) -> None:
        self.spec = spec
        self.model_id = spec.model
        self.options = dict(spec.options)
        self.chunk_size = int(self.options.get("chunk_size", 4096))
        self._llm: Any = None
        self._tokenizer: Any = None

    def _ensure_loaded(self) -> None:
        """Start the engine on first use, so a run answered entirely from the cache needs no GPU."""
        if self._llm is not None:
            return
        import vllm

        from naturalthoughts.core.models import resolve

        kwargs: dict[str, Any] = {k: self.options[k] for k in _LLM_OPTION_KEYS if k in self.options}
        kwargs.update(self.options.get("llm_kwargs") or {})
        model = resolve(self.spec.model)
        log.info("starting vllm.LLM(%s, %s)", model, kwargs)
        self._llm = vllm.LLM(model=model, **kwargs)
        self._tokenizer = self._llm.get_tokenizer()

    def render_prompt(self, req: ChatRequest) -> str:
        """Prompt text: the tokenizer's chat template with the generation prompt, then ``assistant_prefix``.

        The request's ``template_kwargs`` go to the template as variables, as ``LLM.chat(chat_template_kwargs=)``
        would pass them; we render ourselves so the whole chunk still reaches ``LLM.generate`` in one call.
        """
        self._ensure_loaded()
        text = self._tokenizer.apply_chat_template(req.message_dicts(), tokenize=False, add_generation_prompt=True,
                                                   **req.template_kwargs_dict())
        return text + req.assistant_prefix

    def chat_template_text(self) -> str:
        """The tokenizer's chat template source (read with transformers; the engine is not started)."""
        from naturalthoughts.core.models import resolve
        from naturalthoughts.llm.backends.chat_template import load_chat_template

        return load_chat_template(resolve(self.spec.model)).text

    def _sampling_params(self, req: ChatRequest) -> Any:
        import vllm

        p = req.params
        return vllm.SamplingParams(
            n=1,
            temperature=p.temperature,
            top_p=p.top_p,
            max_tokens=p.max_tokens,
            seed=req.effective_seed(),
            stop=list(p.stop) or None,
        )

    @staticmethod
    def _completion(output: Any, max_tokens: int) -> Completion:
        """Map one ``vllm.RequestOutput`` to a Completion."""
        if not output.outputs:
            return Completion(text=None, finish_reason="error", error="vllm_error: no output", max_tokens=max_tokens)
        first = output.outputs[0]
        finish = first.finish_reason or "stop"  # vLLM: "stop" | "length" | "abort"
        return Completion(
            text=first.text,
            finish_reason=finish,
            prompt_tokens=len(output.prompt_token_ids) if output.prompt_token_ids is not None else None,
            completion_tokens=len(first.token_ids),
            max_tokens=max_tokens,
            error="vllm_abort: request aborted" if finish == "abort" else None,
        )

    def generate(self, requests: Sequence[ChatRequest], on_result: ProgressFn | None = None) -> list[Completion]:
        """Answer ``requests`` in order, one ``LLM.generate`` call per chunk. Engine-start errors raise."""
        if not requests:
            return []
        self._ensure_loaded()
        results: list[Completion] = []
        for start in range(0, len(requests), self.chunk_size):
            chunk = requests[start : start + self.chunk_size]
            prompts: list[str | None] = []
            params: list[Any] = []
            prepared: dict[int, Completion] = {}
            for j, req in enumerate(chunk):
                try:
                    prompts.append(self.render_prompt(req))
                    params.append(self._sampling_params(req))
                except Exception as exc:  # a template or parameter error fails that row only
                    prepared[j] = Completion(text=None, finish_reason="error", error=f"{type(exc).__name__}: {exc}",
                                             max_tokens=req.params.max_tokens)
                    prompts.append(None)
            live = [j for j, pr in enumerate(prompts) if pr is not None]
            outputs: list[Any] = []
            if live:
                try:
                    outputs = self._llm.generate([prompts[j] for j in live], params, use_tqdm=False)
                except Exception as exc:  # the whole chunk failed: record every row, keep going
                    log.exception("vllm generate failed for a chunk of %d requests", len(live))
                    for j in live:
                        prepared[j] = Completion(text=None, finish_reason="error",
                                                 error=f"{type(exc).__name__}: {exc}",
                                                 max_tokens=chunk[j].params.max_tokens)
                    outputs = []
            for j, out in zip(live, outputs):
                prepared[j] = self._completion(out, chunk[j].params.max_tokens)
            for j in range(len(chunk)):
                c = prepared[j]
                if on_result is not None:
                    on_result(start + j, c)
                results.append(c)
        return results

    def close(self) -> None:
        self._llm = None
        self._tokenizer = None
