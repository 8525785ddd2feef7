"""The three-mode analysis: think rate, by-difficulty results, the --budgets sweep and the efficiency frontier.

Pareto marking and think rate on constructed data; then SmolLM2 (llama.cpp, in process) in all three modes over a
two-budget sweep, and the run report with its frontier section opened in headless Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from naturalthoughts.core.pareto import frontier_steps, pareto_mask
from naturalthoughts.llm.backends.base import BackendSpec, SamplingParams
from naturalthoughts.llm.budget import ThinkingBudget
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.stages.evaluation import report
from naturalthoughts.stages.evaluation.api import _row, evaluate, grade_sample, sweep
from naturalthoughts.stages.evaluation.benchmarks import load_benchmark
from naturalthoughts.stages.evaluation.items import Item
from naturalthoughts.stages.evaluation.loaders import from_math500, from_supergpqa


# ------------------------------------------------------------------------------------------------ Pareto
def test_pareto_marks_dominated_points_ties_and_equal_tokens():
    points = [
        (10, 50),    # efficient
        (10, 40),    # equal tokens, less accurate: dominated by (10, 50)
        (20, 50),    # equal accuracy, more tokens: dominated by (10, 50)
        (30, 70),    # efficient ...
        (30, 70),    # ... and so is its exact tie: neither beats the other
        (5, 30),     # cheapest: efficient even though least accurate
        (40, 65),    # dominated by (30, 70)
        (None, 90),  # no token count: never efficient, and dominates nothing
        (50, None),
    ]
    assert pareto_mask(points) == [True, False, False, True, True, True, False, False, False]
    assert pareto_mask([]) == []
    xs, ys = frontier_steps([(30, 70), (5, 30), (10, 50), (30, 70)])
    assert (xs, ys) == ([5, 10, 30], [30, 50, 70])  # cheapest first, ties drawn once


def _rows(cond: str, mode: str, outputs: list[str], difficulty: str = "", seed: int = 0) -> list[dict]:
    rows = []
    for i, out in enumerate(outputs):
        item = Item(id=f"q{i}", question="2+2?", gold="A", options=("4", "5"), difficulty=difficulty)
        ext, ok = grade_sample(item, out, mode=mode)
        rows.append(_row(item, seed, None, mode, cond, "", "", out, ext, ok, None, tokens=40))
    return rows


def test_think_rate_counts_only_think_blocks_with_reasoning_in_them():
    no_think = _rows("no-think", "no-think", [
        "<think>Let me check: 2+2 is 4.</think>\nAnswer: A",  # thinks although told not to: counts
        "Answer: A",
        "<think>\n\n</think>\n\nAnswer: B",  # an empty think block is not thinking
        "4, so Answer: A"])
    think = _rows("think@B=0", "think", ["<think>\n\n</think>\n\nAnswer: A"] * 2)  # budget 0: closed at once
    truncated = _rows("think", "think", ["<think>\nFour is two plus two and", "<think>\nok</think>Answer: A"])
    assert [r["thought"] for r in no_think] == [True, False, False, False]
    assert all(not r["thought"] for r in think) and all(r["thought"] for r in truncated)
    summary = report.summarize(no_think + think + truncated, {"benchmark": "t", "model": "m"})
    by = {c["condition"]: c for c in summary["conditions"]}
    assert by["no-think"]["think_rate"] == 25.0 and by["think@B=0"]["think_rate"] == 0.0
    assert by["think"]["think_rate"] == 100.0
    assert by["think@B=0"]["mean_reasoning_tokens"] == 0 and by["think"]["mean_reasoning_tokens"] > 0
    assert "Think %" in report.markdown(summary)


def test_by_difficulty_buckets_and_pareto_in_the_summary():
    easy = _rows("no-think", "no-think", ["Answer: A", "Answer: A"], difficulty="easy")
    hard = _rows("no-think", "no-think", ["Answer: B", "<think>hm</think>Answer: A"], difficulty="hard")
    for r in hard:
        r["question_id"] += "h"
    thinking = _rows("think", "think", ["<think>\nyes</think>Answer: B"] * 4)  # same tokens, less accurate
    summary = report.summarize(easy + hard + thinking, {})
    nothink, think = summary["conditions"]
    assert list(nothink["per_difficulty"]) == ["easy", "hard"]
    assert nothink["per_difficulty"]["easy"]["accuracy"] == 100.0
    hard_bucket = nothink["per_difficulty"]["hard"]
    assert (hard_bucket["samples"], hard_bucket["accuracy"], hard_bucket["think_rate"]) == (2, 50.0, 50.0)
    assert think["per_difficulty"] == {}  # no labels: no section
    assert summary["pareto"] == ["no-think"]
    md = report.markdown(summary)
    assert "By difficulty:" in md and "| hard | no-think | 2 | 50.0 |" in md


def test_difficulty_is_kept_from_benchmark_fields():
    sg = from_supergpqa({"uuid": "u1", "question": "q?", "options": ["a", "b", "c", "d"], "answer": "b",
                         "answer_letter": "B", "discipline": "Science", "difficulty": "middle"}, "f:1")
    assert sg.difficulty == "middle"
    assert from_math500({"unique_id": "m", "problem": "1+1?", "answer": "2", "level": 3}, "f:1").difficulty == "level 3"
    items = load_benchmark("nt-mcq").items
    assert {it.difficulty for it in items} == {"easy", "medium", "hard"}


def test_budgets_spelling_and_budget_zero():
    from naturalthoughts.main import build_parser

    parse = build_parser().parse_args
    assert parse(["evaluate", "--out", "y", "--budgets", "0,512,1024"]).budget == [0, 512, 1024]
    assert parse(["evaluate", "--out", "y", "--think-budget", "0,none"]).budget == [0, None]
    labels = [c.label for c in sweep(["no-think", "think", "adaptive"], [0, 512])]
    assert labels == ["no-think", "think@B=0", "think@B=512", "adaptive@B=0", "adaptive@B=512"]


# ------------------------------------------------------------------------------------- SmolLM2 end to end
@pytest.fixture(scope="module")
def smollm2():
    pytest.importorskip("llama_cpp")
    from naturalthoughts.llm.backends import make_backend

    backend = make_backend(BackendSpec(backend="llamacpp", model="smollm2-135m",
                                       options={"n_ctx": 2048, "n_threads": 2}))
    yield backend
    backend.close()


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--enable-logging=stderr",
                "--v=0"]
# Appended to a copy of the report: how many images decoded, and any script error, written into the DOM.
PROBE = """<script>window.addEventListener('load',function(){var imgs=[].slice.call(document.images);
var ok=imgs.filter(function(i){return i.complete&&i.naturalWidth>0;}).length;
document.body.setAttribute('data-images',ok+'/'+imgs.length);});
window.addEventListener('error',function(e){document.body.setAttribute('data-error',String(e.message));});</script>"""


@pytest.mark.slow
def test_smollm2_three_modes_two_budgets_frontier_in_summary_and_report(smollm2, tmp_path):
    run = tmp_path / "run"
    out = run / "07-evaluate" / "base"
    params = SamplingParams(max_tokens=12, temperature=0.6, top_p=0.95, seed=0)
    summary = evaluate(None, "nt-mcq", ["no-think", "think", "adaptive"], limit=4, words=30,
                       budget=[0, ThinkingBudget(10, min_answer_tokens=8)], params=params,
                       cache=RequestCache(tmp_path / "cache.sqlite"), backend=smollm2, progress=False, out_dir=out)

    conds = {c["condition"]: c for c in summary["conditions"]}
    assert list(conds) == ["no-think", "think@B=0", "think@B=10", "adaptive@B=0", "adaptive@B=10"]
    for c in conds.values():
        assert c["samples"] == 4 and {"think_rate", "mean_reasoning_tokens", "mean_answer_tokens"} <= set(c)
        assert c["mean_tokens"] == pytest.approx(c["mean_reasoning_tokens"] + c["mean_answer_tokens"], abs=0.2)
        assert set(c["per_difficulty"]) <= {"easy", "medium", "hard"} and c["per_difficulty"]
    # budget 0: the think block is closed before the model writes; budget 10: the forced trace holds reasoning
    assert conds["think@B=0"]["think_rate"] == 0.0 and conds["think@B=0"]["mean_reasoning_tokens"] == 0
    assert conds["think@B=10"]["think_rate"] > 0 and conds["think@B=10"]["mean_reasoning_tokens"] > 0
    rows = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    assert all(r["assistant_prefix"] == "<think>\n\n</think>\n\n" for r in rows if r["budget"] == 0)
    assert all(r["reasoning_tokens"] > 0 for r in rows if r["thought"])  # reasoning written costs tokens
    points = [(c["mean_tokens"], c["accuracy"]) for c in summary["conditions"]]
    mask = pareto_mask(points)
    assert summary["pareto"] == [c["condition"] for c, e in zip(summary["conditions"], mask) if e] and any(mask)
    assert (out / "frontier.png").stat().st_size > 5000
    assert "By difficulty:" in (out / "summary.md").read_text()

    from naturalthoughts.stages.reporting.report import build_report

    result = build_report(run)
    assert result.notes == []
    html = result.html.read_text()
    section = re.search(r'<section id="frontier">.*?</section>', html, re.S).group(0)
    assert "Three modes and the efficiency frontier" in section
    if _chromium() is None:
        pytest.skip("chromium not installed (scripts/install-test-system-deps.sh installs it)")
    _check_in_chromium(result.html, tmp_path, n_conditions=len(conds), n_pareto=sum(pareto_mask(points)))


def _check_in_chromium(page, tmp_path, *, n_conditions: int, n_pareto: int) -> None:
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    dom = subprocess.run([_chromium(), *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    images = dom.stdout.count("<img ")
    assert f'data-images="{images}/{images}"' in dom.stdout and 'data-error="' not in dom.stdout
    assert "Uncaught" not in dom.stderr and ":CONSOLE(" not in dom.stderr, dom.stderr[-2000:]
    section = re.search(r'<section id="frontier">.*?</section>', dom.stdout, re.S).group(0)
    src = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', section)
    assert src and len(src.group(1)) > 5000  # a real PNG, not an empty data URI
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.S).group(1)
    rows = re.findall(r"<tr>.*?</tr>", body, re.S)
    assert len(rows) == n_conditions
    marks = [re.search(r'class="pareto">(yes|no)<', r).group(1) for r in rows]
    assert marks.count("yes") == n_pareto >= 1
