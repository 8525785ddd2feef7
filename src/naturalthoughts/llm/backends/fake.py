"""A deterministic fake teacher/judge/student for CPU CI and dry runs (no model, no network).

Its output is a pure function of the request, so caching, resume and sharding can be tested exactly. It is
not a substitute for the real-model tests; it stands in only where a real engine would have to start.

Options (``BackendSpec.options``):
  ``think`` (bool, default True): wrap a short reasoning in ``<think>…</think>``;
  ``answer`` (str): a fixed final answer (default: a letter or word derived from the request hash).

A request whose ``template_kwargs`` switch thinking off (``enable_thinking``/``thinking`` false, as a hybrid
model's template would) gets no ``<think>`` block; other mode fields are ignored. Option ``chat_template`` (a Jinja
file) is what :meth:`FakeBackend.chat_template_text` reports, for ``--mode-carrier auto``.
"""

from __future__ import annotations

import hashlib
from typing import Sequence

from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, Completion, ProgressFn


class FakeBackend:
    name = "fake"

    def __init__(self, spec: BackendSpec) -> None:
        self.spec = spec
        self.model_id = spec.model or "fake"
        self.think = bool(spec.options.get("think", True))
        self.answer = spec.options.get("answer")
        self.calls = 0

    def _complete(self, req: ChatRequest) -> Completion:
        self.calls += 1
        digest = hashlib.sha256(repr((req.messages, req.sample_index, req.assistant_prefix)).encode()).hexdigest()
        answer = self.answer or "ABCD"[int(digest[0], 16) % 4]
        question = req.messages[-1][1]
        body = f"Answer: {answer}"
        switches = req.template_kwargs_dict()
        think = self.think and switches.get("enable_thinking", True) is not False \
            and switches.get("thinking", True) is not False
        if think and "<think>" not in req.assistant_prefix:
            text = f"<think>\nFirst, restate: {question[:60]}. Wait, let me verify. So the answer is {answer}.\n</think>\n\n{body}"
        elif think:
            text = f"Let me check the options. So the answer is {answer}.\n</think>\n\n{body}"
        else:
            text = body
        words = text.split()
        limit = req.params.max_tokens
        finish = "stop"
        if len(words) > limit:
            text, finish = " ".join(words[:limit]), "length"
        return Completion(
            text=text,
            finish_reason=finish,
            prompt_tokens=sum(len(c.split()) for _, c in req.messages),
            completion_tokens=min(len(words), limit),
            max_tokens=limit,
        )

    def chat_template_text(self) -> str:
        path = self.spec.options.get("chat_template")
        if not path:
            return ""
        with open(path, encoding="utf-8") as f:
            return f.read()

    def generate(self, requests: Sequence[ChatRequest], on_result: ProgressFn | None = None) -> list[Completion]:
        out = []
        for i, req in enumerate(requests):
            c = self._complete(req)
            if on_result:
                on_result(i, c)
            out.append(c)
        return out

    def close(self) -> None:
        pass
