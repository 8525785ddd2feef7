"""Answer extraction: from a model's raw output to one answer, and the name of the rule that found it.

Order of work, each step recorded in :attr:`Extraction.rule`:

1. Strip the reasoning with :func:`~naturalthoughts.llm.think.parse_trace`. An output whose think block
   never closed is ``unparsed`` (rule ``unclosed_think``): it is counted wrong and reported on its own, and never
   graded from the reasoning (the half-finished trace would otherwise be mined for a letter; lm-eval#3382).
   An empty final answer is rule ``empty``.
2. Explicit answers (:mod:`~naturalthoughts.llm.extract_spans`), the **last** one in the text wins whatever its kind:

   * ``answer_label``: ``Answer: X``, ``**Final Answer**: X`` (colon outside the bold), ``Answer — X``,
     ``Correct option: X``, a heading ``### Final Answer`` with X on the next line, GSM8K's ``#### X``;
   * ``answer_is``: ``the answer is (X)``, ``the final answer to this question is: X``, ``the right choice is X``;
   * ``boxed``: ``\\boxed{X}`` (``\\text{X}``, ``(X)`` inside allowed); open answers: ``boxed_set`` when adjacent
     boxes joined only by commas, "and"/"or" or ``x =`` form one answer (``\\boxed{2}`` and ``\\boxed{3}``);
   * multiple choice only, ``answer_statement``: ``C is the correct answer``, ``Option B is correct``,
     ``Hence, (D)``, ``I'd go with **C**``, ``corresponds to option G``.

   For multiple choice, the text after the marker must *start* with an option letter (``C``, ``(c)``,
   ``**C**``, ``'C'``, ``C) 42``) or equal an option's text (rule ``<rule>+text``). A ``\\boxed{E = mc^2}`` is
   therefore no letter, and an ``Answer: D`` after it gives D (NeMo-Skills#1526). ``A`` and ``I`` followed by
   more words are English, not letters (``Answer: A linear map``), unless the words are that option's text.
   For open answers, the span after a marker is cut at its explanation (``because …``, the next sentence, markdown
   bold) and its first ``$…$`` is taken when it starts the span (:mod:`~naturalthoughts.llm.extract_math`).
3. Fallbacks, only when no explicit answer matched. Multiple choice: ``letter_line`` (the last line is an option
   label, ``(B)`` or ``B. London``), ``final_paren`` (a ``(X)`` ending the text, when it is the only bracketed
   letter or follows "so/thus/…"), ``option_text`` (the last line is, or contains exactly one, option's text);
   a response whose lines open with two or more different option labels is a list of the options, not an answer
   (rule ``listed_options``). Open: ``math_span`` (the last ``$…$``, ``\\[…\\]``), ``short_answer`` (a response
   of at most 40 characters and no words is the answer itself), and last of all ``last_number``.

Letters are validated against the option count: ``Answer: F`` with four options gives no answer (rule
``letter_out_of_range``); ``Answer: A and C`` gives none (rule ``multiple_letters``). Rule ``none``: nothing found.
Open answers are graded by :func:`naturalthoughts.llm.grading.math_equal` (math-verify) on the span chosen here.
"""

from __future__ import annotations

from dataclasses import dataclass

from naturalthoughts.llm.extract_math import extract_open
from naturalthoughts.llm.extract_mcq import extract_letter
from naturalthoughts.llm.extract_spans import LETTERS
from naturalthoughts.llm.think import parse_trace

__all__ = ["EXPLICIT_RULES", "LETTERS", "UNPARSED_RULES", "Extraction", "extract_answer"]

UNPARSED_RULES = ("unclosed_think",)
# Rules that read an answer the response states; the others guess from its shape (fallbacks).
EXPLICIT_RULES = ("answer_label", "answer_is", "boxed", "boxed_set", "answer_statement", "answer_label+text",
                  "answer_is+text", "boxed+text", "answer_statement+text")


@dataclass(frozen=True)
class Extraction:
    answer: str | None  # a letter (multiple choice) or answer text (open); None when nothing usable was found
    rule: str  # which rule fired (see the module docstring)
    response: str | None = None  # the final answer part of the output (after the think block)
    reasoning: str | None = None
    flags: tuple[str, ...] = ()  # parse_trace QC flags (truncated, no_think, repetition_loop, ...)

    @property
    def unparsed(self) -> bool:
        return self.rule in UNPARSED_RULES

    @property
    def explicit(self) -> bool:
        """Whether the answer was stated (a marker, a box, a statement) rather than guessed by a fallback."""
        return self.rule in EXPLICIT_RULES


def extract_answer(
    text: str | None,
    *,
    kind: str = "mcq",
    options: tuple[str, ...] | list[str] = (),
    reasoning_content: str | None = None,
    finish_reason: str | None = None,
    prefilled_think: bool = False,
) -> Extraction:
    """Extract the final answer of ``text`` (see the module docstring for the rules, in order).

    ``kind`` is ``"mcq"`` (the answer is an option letter of ``options``; with no options any of A..J) or
    anything else for an open answer (a span of text for :func:`~naturalthoughts.llm.grading.math_equal`).
    """
    parsed = parse_trace(text, reasoning_content=reasoning_content, finish_reason=finish_reason,
                         prefilled_think=prefilled_think)
    flags = tuple(parsed.flags)
    if parsed.response is None:
        return Extraction(None, "unclosed_think", None, parsed.reasoning, flags)
    response = parsed.response.strip()
    if not response:
        return Extraction(None, "empty", response, parsed.reasoning, flags)
    if kind == "mcq":
        answer, rule = extract_letter(response, tuple(options))
    else:
        answer, rule = extract_open(response)
    return Extraction(answer, rule, response, parsed.reasoning, flags)
