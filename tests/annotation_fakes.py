"""A scripted judge backend for the annotation tests (the protocol of naturalthoughts.backends.base.Backend)."""

from __future__ import annotations

from typing import Callable, Sequence

from naturalthoughts.backends.base import ChatRequest, Completion


class ScriptedBackend:
    """A judge whose reply is a function of the request; can 'crash' after a number of completions."""

    name = "scripted"

    def __init__(self, reply: Callable[[ChatRequest], str], model_id: str = "judge", crash_after: int | None = None):
        self.reply, self.model_id, self.crash_after = reply, model_id, crash_after
        self.calls = 0

    def generate(self, requests: Sequence[ChatRequest], on_result=None) -> list[Completion]:
        out = []
        for i, req in enumerate(requests):
            if self.crash_after is not None and self.calls >= self.crash_after:
                raise KeyboardInterrupt("simulated crash")
            self.calls += 1
            c = Completion(text=self.reply(req), finish_reason="stop", completion_tokens=10)
            if on_result:
                on_result(i, c)
            out.append(c)
        return out

    def close(self) -> None:
        pass
