"""Mode prompts, budget forcing (scripted backend), the evaluate API/CLI, resume and --responses grading.

The scripted backend below is a stand-in engine that honours max_tokens (one word = one token), stop strings
and assistant_prefix exactly as the real backends do, so each budget-forcing branch can be driven on purpose.
The same logic runs on the real llama.cpp model in test_eval_e2e.py.
"""

from __future__ import annotations

import json
import re
from typing import Sequence

import pytest

from naturalthoughts.core.store import Manifest, read_table
from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, Completion, SamplingParams
from naturalthoughts.llm.budget import ThinkingBudget, generate
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.llm.extract import extract_answer
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.evaluation.api import evaluate, grade_responses, sweep
from naturalthoughts.stages.evaluation.benchmarks import load_benchmark
from naturalthoughts.stages.evaluation.items import BenchmarkError, Item
from naturalthoughts.stages.evaluation.prompts import MCQ_FORMAT, build_prompt, question_text


class ScriptedBackend:
    """Thinks ``think_words`` words (``w0 w1 ...``), closes, answers; after "Wait" thinks ``wait_words`` more."""

    name = "scripted"

    def __init__(self, think_words=30, wait_words=5, answer="B", thinks=True):
        self.model_id = f"t{think_words}"
        self.think_words, self.wait_words, self.answer, self.thinks = think_words, wait_words, answer, thinks
        self.requests: list[ChatRequest] = []

    def _text(self, prefix: str) -> str:
        if prefix.rstrip().endswith("</think>"):
            return f"Answer: {self.answer}"
        if not self.thinks and "<think>" not in prefix:
            return f"Answer: {self.answer}"
        done = len(re.findall(r"\b[wv]\d+\b", prefix))
        if prefix.endswith("Wait"):
            words = [f"v{done + i}" for i in range(self.wait_words)]
        else:
            words = [f"w{i}" for i in range(done, self.think_words)]
        opening = "" if "<think>" in prefix else "<think>\n"
        return opening + " ".join(words) + "\n</think>\n\n" + f"Answer: {self.answer}"

    def generate(self, requests: Sequence[ChatRequest], on_result=None) -> list[Completion]:
        out = []
        for i, req in enumerate(requests):
            self.requests.append(req)
            text, finish = self._text(req.assistant_prefix), "stop"
            for s in req.params.stop:
                if s in text:
                    text = text[: text.index(s)]
            if len(text.split()) > req.params.max_tokens:
                text, finish = " ".join(text.split()[: req.params.max_tokens]), "length"
            c = Completion(text=text, finish_reason=finish, completion_tokens=min(len(text.split()), req.params.max_tokens),
                           max_tokens=req.params.max_tokens)
            if on_result:
                on_result(i, c)
            out.append(c)
        return out

    def close(self):
        pass


def think_request(max_tokens=200):
    return ChatRequest.chat([{"role": "user", "content": "Q?"}], params=SamplingParams(max_tokens=max_tokens),
                            assistant_prefix="<think>\n")


# ----------------------------------------------------------------------------- mode prompts


ITEM = Item(id="x", question="What is 6 x 7?", options=("42", "13"), gold="A")


def test_mode_prompts_are_exact():
    base = "What is 6 x 7?\n\nA) 42\nB) 13\n\n" + MCQ_FORMAT
    assert question_text(ITEM) == base
    assert build_prompt(ITEM, "no-think") == (base + "\n\nAnswer directly without thinking", "")
    assert build_prompt(ITEM, "think", 120) == (base + "\n\nThink carefully before answering. Use about 120 words", "<think>\n")
    assert build_prompt(ITEM, "think") == (base + "\n\nThink carefully before answering. Use about 3500 words", "<think>\n")
    assert build_prompt(ITEM, "adaptive") == (base + "\n\nThink carefully before answering.", "")
    with pytest.raises(ValueError, match="unknown mode"):
        build_prompt(ITEM, "deep-think")


def test_sweep_applies_budgets_to_thinking_modes_only():
    conds = sweep(["no-think", "think", "adaptive"], [64, None], words=100)
    assert [c.label for c in conds] == ["no-think", "think@B=64", "think", "adaptive@B=64", "adaptive"]
    assert conds[1].words == 100 and conds[3].words is None


# ----------------------------------------------------------------------------- budget forcing


def test_budget_hit_closes_think_and_forces_answer():
    backend = ScriptedBackend(think_words=30)
    [g] = generate(backend, [think_request()], None, budget=ThinkingBudget(10))
    phase1, phase2 = backend.requests
    assert phase1.params.max_tokens == 10 and "</think>" in phase1.params.stop
    assert phase2.assistant_prefix == "<think>\n" + " ".join(f"w{i}" for i in range(10)) + "\n</think>\n\n"
    assert "</think>" not in phase2.params.stop
    assert (g.think_tokens, g.answer_tokens, g.forced_close, g.phases) == (10, 2, True, 2)
    assert g.output.endswith("</think>\n\nAnswer: B")
    assert extract_answer(g.output, options=("a", "b")).answer == "B"


def test_thinking_that_ends_within_budget_is_closed_without_forcing():
    backend = ScriptedBackend(think_words=30)
    [g] = generate(backend, [think_request()], None, budget=ThinkingBudget(100))
    assert (g.think_tokens, g.forced_close, g.waits, g.phases) == (30, False, 0, 2)
    assert g.output.count("</think>") == 1 and g.output.endswith("Answer: B")


def test_min_think_appends_wait_and_continues():
    backend = ScriptedBackend(think_words=30, wait_words=5)
    [g] = generate(backend, [think_request()], None, budget=ThinkingBudget(100, min_think=38, max_waits=3))
    assert g.waits == 2 and g.think_tokens == 40  # 30, +5 after the first Wait (35 < 38), +5 after the second
    assert g.output.count("\nWait") == 2 and g.output.count("</think>") == 1
    assert backend.requests[1].assistant_prefix.endswith("w29\nWait")
    assert backend.requests[1].params.max_tokens == 70  # what is left of the budget


def test_wait_extension_stops_at_the_budget():
    backend = ScriptedBackend(think_words=30, wait_words=50)
    [g] = generate(backend, [think_request()], None, budget=ThinkingBudget(40, min_think=39))
    assert g.think_tokens == 40 and g.waits == 1 and g.forced_close and g.output.endswith("Answer: B")


def test_adaptive_direct_answer_needs_one_phase():
    backend = ScriptedBackend(thinks=False)
    req = ChatRequest.chat([{"role": "user", "content": "Q?"}], params=SamplingParams(max_tokens=50))
    [g] = generate(backend, [req], None, budget=ThinkingBudget(10))
    assert (g.output, g.phases, g.think_tokens, g.answer_tokens) == ("Answer: B", 1, 0, 2)


def test_adaptive_self_opened_think_is_forced_closed():
    backend = ScriptedBackend(think_words=30)
    req = ChatRequest.chat([{"role": "user", "content": "Q?"}], params=SamplingParams(max_tokens=50))
    [g] = generate(backend, [req], None, budget=ThinkingBudget(10))
    assert g.output.startswith("<think>") and g.forced_close and g.output.endswith("</think>\n\nAnswer: B")


def test_without_budget_a_truncated_think_is_unparsed():
    backend = ScriptedBackend(think_words=30)
    [g] = generate(backend, [think_request(max_tokens=10)], None)
    ext = extract_answer(g.output, options=("a", "b"), finish_reason=g.finish_reason)
    assert g.finish_reason == "length" and ext.unparsed and ext.answer is None


def test_budget_phases_are_cached(tmp_path):
    cache = RequestCache(tmp_path / "c.sqlite")
    first = generate(ScriptedBackend(), [think_request()], cache, budget=ThinkingBudget(10, min_think=None))
    backend = ScriptedBackend()
    again = generate(backend, [think_request()], cache, budget=ThinkingBudget(10))
    assert backend.requests == [] and again[0].output == first[0].output and again[0].cached


# ----------------------------------------------------------------------------- evaluate API and outputs


def test_evaluate_writes_stage_folder_and_resumes(tmp_path):
    out = tmp_path / "eval"
    cache = RequestCache(tmp_path / "c.sqlite")
    spec = BackendSpec(backend="fake", model="fake")
    summary = evaluate(spec, "nt-mcq", ["no-think", "think"], words=50, budget=[None, 8], seeds=2, limit=6,
                       cache=cache, out_dir=out, progress=False)
    assert [c["condition"] for c in summary["conditions"]] == ["no-think", "think", "think@B=8"]
    for c in summary["conditions"]:
        assert c["samples"] == 12 and c["seeds"] == 2 and set(c["accuracy_per_seed"]) == {"0", "1"}
        assert 0 <= c["accuracy"] <= 100 and c["mean_tokens"] > 0 and c["per_domain"]
    rows = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    assert len(rows) == 36 and read_table(out).num_rows == 36
    r = rows[0]
    for key in ("question_id", "seed", "mode", "prompt", "output", "extracted", "rule", "correct",
                "reasoning_tokens", "answer_tokens"):
        assert key in r
    assert all(r["correct"] == (r["extracted"] == r["gold"]) for r in rows)
    think_rows = [r for r in rows if r["condition"] == "think"]
    assert all(r["prompt"].endswith("Use about 50 words") and r["assistant_prefix"] == "<think>\n" for r in think_rows)
    assert (out / "accuracy_vs_tokens.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "summary.md").read_text()
    assert "| think@B=8 |" in md and "Accuracy % per domain" in md
    manifest = Manifest.load(out)
    assert manifest.stage == "evaluate" and manifest.counts["samples"] == 36
    assert {o["path"] for o in manifest.outputs} >= {"data/part-00000.parquet", "samples.jsonl", "summary.json",
                                                  "accuracy_vs_tokens.png"}
    # Same command again: every request comes from the row cache.
    again = evaluate(spec, "nt-mcq", ["no-think", "think"], words=50, budget=[None, 8], seeds=2, limit=6,
                     cache=cache, progress=False)
    assert again["run_stats"]["sent"] == 0 and again["run_stats"]["cache_hits"] > 0
    assert [c["accuracy"] for c in again["conditions"]] == [c["accuracy"] for c in summary["conditions"]]


def test_gpqa_options_change_per_seed_in_prompts(tmp_path):
    from test_eval_loaders import GPQA_HEADER, gpqa_rows, write_csv

    path = write_csv(tmp_path / "gpqa.csv", GPQA_HEADER, gpqa_rows(5))
    backend = ScriptedBackend(thinks=False, answer="A")
    summary = evaluate(None, f"gpqa-diamond:{path}", ["no-think"], seeds=3, backend=backend, cache=False, progress=False)
    prompts = {r.messages[0][1] for r in backend.requests if "question number 0" in r.messages[0][1]}
    assert len(prompts) > 1  # the option order differs between seeds
    assert summary["conditions"][0]["samples"] == 15


def test_grade_responses(tmp_path):
    items = load_benchmark("nt-mcq").items[:3]
    wrong = next(letter for letter in items[1].letters if letter != items[1].gold)
    lines = [
        {"question_id": items[0].id, "output": f"<think>easy</think>Answer: {items[0].gold}", "mode": "adaptive"},
        {"id": items[1].id, "response": f"Answer: {wrong}", "mode": "no-think"},
        {"question_id": items[2].id, "output": f"the answer is {items[2].gold}", "mode": "think"},  # never closed
    ]
    path = tmp_path / "resp.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    summary = grade_responses("nt-mcq", path, out_dir=tmp_path / "graded")
    by = {c["condition"]: c for c in summary["conditions"]}
    assert by["adaptive"]["accuracy"] == 100.0 and by["no-think"]["accuracy"] == 0.0
    assert by["think"]["unparsed_rate"] == 100.0 and by["think"]["accuracy"] == 0.0
    assert len(summary["missing_responses"]) == 48 - 3
    assert (tmp_path / "graded" / "summary.md").exists()

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question_id": "nope", "output": "A"}) + "\n")
    with pytest.raises(BenchmarkError, match=r"bad.jsonl:1: question id 'nope' is not in benchmark nt-mcq"):
        grade_responses("nt-mcq", bad)
    dup = tmp_path / "dup.jsonl"
    dup.write_text((json.dumps({"question_id": items[0].id, "output": "A"}) + "\n") * 2)
    with pytest.raises(BenchmarkError, match=r"dup.jsonl:2: duplicate response"):
        grade_responses("nt-mcq", dup)


# ----------------------------------------------------------------------------- CLI


def test_cli_evaluate_and_errors(tmp_path, capsys):
    out = tmp_path / "cli"
    rc = cli_main(["evaluate", "--model", "fake:fake", "--benchmark", "nt-mcq", "--mode", "no-think,adaptive",
                   "--think-budget", "16,none", "--limit", "4", "--num-seeds", "2", "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "| adaptive@B=16 |" in printed and "| no-think |" in printed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["model"] == "fake:fake" and summary["seeds"] == 2
    assert cli_main(["evaluate", "--benchmark", "no-such-bench", "--out", str(tmp_path / "x")]) == 2
    assert "unknown benchmark 'no-such-bench'" in capsys.readouterr().err
    assert cli_main(["evaluate", "--model", "fake:fake", "--mode", "fast", "--out", str(tmp_path / "y")]) == 2
