"""A scripted judge backend for the annotation tests (the protocol of naturalthoughts.llm.backends.base.Backend)."""

from __future__ import annotations

from typing import Callable, Sequence

from naturalthoughts.llm.backends.base import ChatRequest, Completion


class ScriptedBackend:
    """A judge whose reply is a function of the request; can 'crash' after a number of completions.

    Scripted replies are whole JSON objects; when the request forces a prefix (the judge prompts' ``prefill``) and
    the reply starts with it, only the continuation is returned, as from a real backend.
    """

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
            text = self.reply(req)
            if req.assistant_prefix and text.startswith(req.assistant_prefix):
                text = text[len(req.assistant_prefix):]  # like a real backend: the reply continues the forced prefix
            c = Completion(text=text, finish_reason="stop", completion_tokens=10)
            if on_result:
                on_result(i, c)
            out.append(c)
        return out

    def close(self) -> None:
        pass


# ------------------------------------------------------------------------------------ synthetic trace files
QUESTION_TEMPLATES = [
    "What is the derivative of x^{k} sin x?",
    "Solve for x: {k}x + 3 = {m}.",
    "A patient aged {k} presents with chest pain and elevated troponin. What is the likely diagnosis?",
    "Under contract law, is a verbal agreement worth {m} dollars legally binding?",
    "What were the main causes of the fall of the Western Roman Empire in the year {m}?",
    "How does a {k}% increase in the interest rate affect inflation and unemployment?",
    "Design a steel beam to carry a {k} kN load over a {k} m span.",
    "What is the worst-case time complexity of quicksort on {m} elements?",
    "Which fertilizer increases wheat yield on nitrogen-poor soil by {k}%?",
    "Calculate the force on a {k} kg mass accelerating at {k} m/s^2.",
]
SENTENCES = [
    "The question asks for the value we need.", "First, let me set up the equation.",
    "Let me verify this by substituting back.", "Wait, that's not right, let me redo the step.",
    "Alternatively, we could use a different method.", "Case 1: the value is positive.",
    "This reminds me of a problem I have seen before.", "Recall that the formula for this is standard.",
    "So far we have found the first part.", "A rough estimate gives about the same size, which seems reasonable.",
    "Hmm, I'm not sure this is the right reading.", "Try small cases to see the pattern.",
    "Working backwards from the goal, we need the last step to hold.", "Multiply both sides by two.",
    "The result follows from the previous line.", "We compute the sum term by term.",
]


def synthetic_traces(n: int, *, seed: int = 0, paragraphs: int = 12) -> list[dict]:
    """``n`` trace rows with varied questions and reasoning built from strategy-bearing sentences."""
    import random

    rng = random.Random(seed)
    rows = []
    for i in range(n):
        q = rng.choice(QUESTION_TEMPLATES).format(k=rng.randint(2, 9), m=rng.randint(10, 999))
        body = "\n\n".join(" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6))) for _ in range(paragraphs))
        rows.append({"id": f"q{i}", "question": q, "reasoning": body, "response": f"The answer is {rng.randint(1, 99)}.",
                     "teacher_model": "llamacpp:smollm2-135m", "trace_id": f"q{i}#0", "sample_index": 0})
    return rows
