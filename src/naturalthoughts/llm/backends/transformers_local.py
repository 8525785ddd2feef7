"""In-process generation with transformers: serves a trained student to ``evaluate`` without any server.

``spec.model`` is anything :func:`naturalthoughts.llm.student.load_student` accepts: a ``naturalthoughts
train`` output folder (``OUT`` picks ``OUT/merged`` or ``OUT/final``), a LoRA adapter folder (base + adapter,
merged in memory for speed), a model folder, a GGUF alias such as ``smollm2-135m``, or a cached hub id.

Requests are rendered with the student's chat template (``add_generation_prompt=True``) followed by the request's
``assistant_prefix`` (e.g. the forced ``<think>\\n`` of Think mode), left-padded and generated in batches, which
is what makes 40 evaluation questions take seconds rather than minutes on a CPU. Requests are grouped by
sampling parameters so one ``generate`` call serves a whole batch.

Options (``BackendSpec.options``): ``batch_size`` (default 8), ``dtype`` ("float32", "bfloat16"; default float32
on CPU, the checkpoint's on GPU), ``device`` ("cpu", "cuda"; default cuda when available), ``threads`` (torch CPU
threads; 1 is much faster on a CPU shared with other busy processes, where OpenMP threads spin-wait).

Seeds: sampling is seeded per batch with the first request's effective seed, so results are reproducible for the
same requests, order and batch size (transformers has no per-row generator). Temperature 0 is greedy decoding.
For large evaluations on GPUs serve the merged folder with vLLM instead (``--backend vllm --model OUT/merged``).
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, Completion, ProgressFn, SamplingParams
from naturalthoughts.llm.student import resolve_trained_model  # noqa: F401  (re-exported: its old home)

log = logging.getLogger(__name__)


class TransformersBackend:
    name = "transformers"

    def __init__(self, spec: BackendSpec) -> None:
        import torch

        from naturalthoughts.llm.student import load_student

        self.spec = spec
        self.model_id = spec.model
        options = dict(spec.options)
        self.batch_size = int(options.get("batch_size", 8))
        if options.get("threads"):
            torch.set_num_threads(int(options["threads"]))
        device = options.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model, self.tokenizer = load_student(resolve_trained_model(spec.model), dtype=options.get("dtype"),
                                                  merge_adapter=True, device=device)
        self.model.eval()
        self.device = device
        # Left padding: every row's last prompt token sits at the same position, so a batch generates in step.
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self._torch = torch

    # ------------------------------------------------------------------------------------------- prompts
    def render(self, request: ChatRequest) -> str:
        """The exact text the model continues: chat template with generation prompt, then the assistant prefix."""
        messages = request.message_dicts()
        if getattr(self.tokenizer, "chat_template", None):
            # template_kwargs (a hybrid model's thinking switch) become template variables.
            text = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False,
                                                      **request.template_kwargs_dict())
        else:  # a base model without a template (e.g. gemma3-270m): plain completion of the joined turns
            text = "\n\n".join(m["content"] for m in messages) + "\n\n"
        return text + request.assistant_prefix

    def chat_template_text(self) -> str:
        """The tokenizer's chat template source ("" for a base model without one)."""
        template = getattr(self.tokenizer, "chat_template", None)
        return template if isinstance(template, str) else ""

    # ------------------------------------------------------------------------------------------- generate
    def generate(self, requests: Sequence[ChatRequest], on_result: ProgressFn | None = None) -> list[Completion]:
        results: list[Completion | None] = [None] * len(requests)
        groups: dict[SamplingParams, list[int]] = {}
        for i, req in enumerate(requests):
            groups.setdefault(req.params, []).append(i)
        for params, indices in groups.items():
            for start in range(0, len(indices), self.batch_size):
                batch = indices[start:start + self.batch_size]
                try:
                    completions = self._generate_batch([requests[i] for i in batch], params)
                except Exception as exc:  # one bad batch must not sink the stage: record it per request
                    log.exception("transformers generation failed for %d requests", len(batch))
                    completions = [Completion(text=None, finish_reason="error", error=f"{type(exc).__name__}: {exc}",
                                              max_tokens=params.max_tokens) for _ in batch]
                for i, completion in zip(batch, completions):
                    results[i] = completion
                    if on_result:
                        on_result(i, completion)
        return [r for r in results if r is not None]

    def _generate_batch(self, batch: Sequence[ChatRequest], params: SamplingParams) -> list[Completion]:
        torch = self._torch
        prompts = [self.render(r) for r in batch]
        # The template already wrote every special token it wants; adding a BOS again would shift the prompt.
        enc = self.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(self.device)
        sample = params.temperature > 0
        seed = batch[0].effective_seed()
        if sample and seed is not None:
            torch.manual_seed(seed)
        kwargs: dict[str, Any] = {"max_new_tokens": params.max_tokens, "do_sample": sample,
                                  "pad_token_id": self.tokenizer.pad_token_id}
        if sample:
            kwargs.update(temperature=params.temperature, top_p=params.top_p)
        else:  # greedy: unset the checkpoint's sampling defaults so transformers does not warn about them
            kwargs.update(temperature=None, top_p=None, top_k=None)
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=self.tokenizer)
        with torch.inference_mode():
            output = self.model.generate(**enc, **kwargs)
        prompt_len = enc["input_ids"].shape[1]
        eos_ids = self._eos_ids()
        completions = []
        for row, req in enumerate(batch):
            new = output[row, prompt_len:].tolist()
            ended = next((k for k, t in enumerate(new) if t in eos_ids), None)
            tokens = new[:ended] if ended is not None else new
            text = self.tokenizer.decode(tokens, skip_special_tokens=True)
            finish = "stop" if ended is not None else "length"
            for stop in params.stop:
                cut = text.find(stop)
                if cut >= 0:
                    text, finish = text[:cut], "stop"
            if finish == "length" and len(tokens) < params.max_tokens:
                finish = "stop"  # ended by a stop string that generate() caught at a token boundary
            completions.append(Completion(
                text=text, finish_reason=finish, prompt_tokens=int(enc["attention_mask"][row].sum()),
                completion_tokens=len(tokens), max_tokens=params.max_tokens))
        return completions

    def _eos_ids(self) -> set[int]:
        ids = self.model.generation_config.eos_token_id
        ids = set(ids if isinstance(ids, (list, tuple)) else [ids] if ids is not None else [])
        if self.tokenizer.eos_token_id is not None:
            ids.add(self.tokenizer.eos_token_id)
        return ids

    def close(self) -> None:
        self.model = None
