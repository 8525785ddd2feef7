"""Write the bundled example traces from the literals in traces_a.py (and traces_b.py when present).

    python scripts/example_traces/build.py

Output: ``src/naturalthoughts/data/traces/example_traces.jsonl``, one project-written R1-style trace per line,
sorted by question id, in the ``reasoning`` + ``response`` layout that ``naturalthoughts ingest --traces`` reads
without options:

* ``id`` (``ext-NNN``), ``question``, ``reference_answer``, ``source``: the question fields ingest keeps
  (``id`` wins over ``question_id`` in ingest's id lookup, so imported questions never collide with the
  sample-pool questions ``nts-NNN`` that the quickstart generates for);
* ``reasoning``, ``response``, ``model`` (read as ``teacher_model``): the trace; the response ends, as
  DeepSeek-R1's usually do on NaturalReasoning, with an explicit final-answer line built from the
  writer's ``final`` (see :func:`final_answer_line`), so annotation's rules can compare it with the reference;
* ``response_final_answer``: that short final answer (for ``correct=False`` traces the wrong answer the
  response gives); not ``final_answer``, which ingest reads as the reference when there is no
  ``reference_answer`` column;
* ``question_id`` (the sample-pool id), ``domain`` (from sample_pool_domains.json) and ``intended_strategies``,
  ``intended_verbosity``, ``intended_correct`` (the writer's notes): reference labels that ingest does not keep,
  so annotators can be scored against them without seeing them.

The quickstart generates for nts-001..nts-052, so traces must use nts-053..nts-208, one per question.
"""

from __future__ import annotations

import importlib
import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "src" / "naturalthoughts" / "data"
POOL = DATA / "questions" / "sample_pool.jsonl"
POOL_DOMAINS = DATA / "questions" / "sample_pool_domains.json"
OUT = DATA / "traces" / "example_traces.jsonl"
WRITER_MODULES = ("traces_a", "traces_b")  # traces_b is optional: build with whatever writers have delivered
FIRST_FREE_QUESTION = 53  # nts-001..nts-052 are the quickstart's generation questions
MODEL = "naturalthoughts-written"
SOURCE = "naturalthoughts-example-traces"
NOTE_KEYS = ("strategies", "verbosity", "correct")
# A digit or a math sign makes the final answer numeric or a formula: R1 boxes those and states verbal ones.
_MATHY_FINAL = re.compile(r"[0-9^=≈√π×/°%]")


def final_answer_line(final: str) -> str:
    """The R1-style last line stating ``final``: boxed for numbers and formulas, a bold label for words.

    A currency ``$`` inside ``$\\boxed{...}$`` would close the math, and R1's ``\\$`` escape is not read as a
    dollar by annotation's normaliser, so a box holding one is written without the surrounding ``$...$``.
    """
    if not _MATHY_FINAL.search(final):
        return f"**Final Answer:** {final}"
    box = f"\\boxed{{{final}}}"
    return f"The final answer is: {box}" if "$" in final else f"The final answer is: ${box}$"


def load_traces() -> tuple[list[dict], list[str]]:
    """All writers' TRACES and the names of the writer modules found."""
    sys.path.insert(0, str(HERE))
    traces, found = [], []
    for name in WRITER_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a broken import inside the writer's file is an error, not an absent writer
                raise
            continue
        traces.extend(module.TRACES)
        found.append(name)
    return traces, found


def check(traces: list[dict], pool: dict[str, dict]) -> None:
    """Raise ValueError for an unknown, reused or reserved question id, or for incomplete notes."""
    problems, seen = [], Counter(t["question_id"] for t in traces)
    for trace in traces:
        qid = trace["question_id"]
        if qid not in pool:
            problems.append(f"{qid}: not in the sample pool")
        elif int(qid.split("-")[1]) < FIRST_FREE_QUESTION:
            problems.append(f"{qid}: reserved for the quickstart's generation (use nts-{FIRST_FREE_QUESTION:03d} or later)")
        if seen[qid] > 1:
            problems.append(f"{qid}: used by {seen[qid]} traces")
        missing = [k for k in NOTE_KEYS if k not in trace.get("notes", {})]
        final = trace.get("final", "")
        if not final.strip() or "\n" in final or any(c in final for c in "{}"):
            problems.append(f"{qid}: final must be a short one-line answer without braces, got {final!r}")
        if missing or not trace["reasoning"].strip() or not trace["response"].strip():
            problems.append(f"{qid}: empty reasoning/response or notes without {', '.join(missing)}")
    if problems:
        raise ValueError("bad traces:\n  " + "\n  ".join(sorted(set(problems))))


def rows(traces: list[dict], pool: dict[str, dict], domains: dict[str, str]) -> list[dict]:
    out = []
    for trace in sorted(traces, key=lambda t: t["question_id"]):
        qid, notes = trace["question_id"], trace["notes"]
        out.append({
            "id": "ext-" + qid.split("-")[1],
            "question_id": qid,
            "question": pool[qid]["question"],
            "reference_answer": pool[qid]["reference_answer"],
            "domain": domains[qid],
            "reasoning": trace["reasoning"].strip(),
            "response": trace["response"].strip() + "\n\n" + final_answer_line(trace["final"].strip()),
            "response_final_answer": trace["final"].strip(),
            "model": MODEL,
            "source": SOURCE,
            "intended_strategies": list(notes["strategies"]),
            "intended_verbosity": int(notes["verbosity"]),
            "intended_correct": bool(notes["correct"]),
        })
    return out


def summary(out: list[dict], writers: list[str]) -> str:
    words = [len(r["reasoning"].split()) for r in out]
    per_domain = Counter(r["domain"] for r in out)
    strategy_counts = Counter(len(set(r["intended_strategies"])) for r in out)
    verbosity = Counter(r["intended_verbosity"] for r in out)
    wrong = sum(not r["intended_correct"] for r in out)
    boxed = sum("\\boxed{" in r["response"] for r in out)
    return "\n".join([
        f"{len(out)} traces from {', '.join(writers)} -> {OUT}",
        f"reasoning words: min {min(words)}, median {statistics.median(words):.0f}, max {max(words)}",
        f"domains ({len(per_domain)}): " + ", ".join(f"{d} {n}" for d, n in sorted(per_domain.items())),
        "intended distinct strategies: " + ", ".join(f"{k}: {n}" for k, n in sorted(strategy_counts.items())),
        "intended verbosity: " + ", ".join(f"{k}: {n}" for k, n in sorted(verbosity.items())),
        f"intended wrong answers: {wrong}",
        f"final-answer lines: {boxed} boxed, {len(out) - boxed} bold label",
    ])


def main() -> None:
    pool = {r["id"]: r for r in map(json.loads, POOL.read_text(encoding="utf-8").splitlines())}
    domains = json.loads(POOL_DOMAINS.read_text(encoding="utf-8"))
    traces, writers = load_traces()
    check(traces, pool)
    out = rows(traces, pool, domains)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        for row in out:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(summary(out, writers))


if __name__ == "__main__":
    main()
