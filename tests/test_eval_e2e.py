"""End to end on the real embedded model: SmolLM2-135M (llama.cpp, in process) on a 20-question file.

Two modes (no-think, and think under a thinking budget so the real model's trace is force-closed), summary and
plot written, then the same run again resumes entirely from the row cache. Small max tokens keep it near 30 s on
2 idle cores (60 requests of ~130 prompt tokens); on a machine loaded 5x over it takes minutes.
"""

from __future__ import annotations

import json

import pytest

from naturalthoughts.core.store import Manifest
from naturalthoughts.llm.backends.base import BackendSpec, SamplingParams
from naturalthoughts.llm.budget import ThinkingBudget
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.stages.evaluation.api import evaluate
from naturalthoughts.stages.evaluation.benchmarks import embedded_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smollm2():
    pytest.importorskip("llama_cpp")
    from naturalthoughts.llm.backends import make_backend

    backend = make_backend(BackendSpec(backend="llamacpp", model="smollm2-135m", options={"n_ctx": 2048, "n_threads": 2}))
    yield backend
    backend.close()


def test_smollm2_two_modes_with_budget_summary_plot_and_resume(smollm2, tmp_path):
    lines = embedded_file("eval/nt_mcq.jsonl").read_text().splitlines()[:20]
    bench = tmp_path / "twenty.jsonl"
    bench.write_text("\n".join(lines) + "\n")
    cache = RequestCache(tmp_path / "cache.sqlite")
    out = tmp_path / "eval"
    params = SamplingParams(max_tokens=16, temperature=0.6, top_p=0.95, seed=0)
    budget = ThinkingBudget(12, min_answer_tokens=12)  # 12 thinking tokens, then at least 12 for the answer
    kwargs = dict(words=30, params=params, cache=cache, backend=smollm2, progress=False)

    summary = evaluate(None, str(bench), ["no-think"], out_dir=None, **kwargs)
    budgeted = evaluate(None, str(bench), ["no-think", "think"], budget=budget, out_dir=out, **kwargs)

    conds = {c["condition"]: c for c in budgeted["conditions"]}
    assert set(conds) == {"no-think", "think@B=12"}
    assert conds["no-think"] == summary["conditions"][0]  # the no-think rows came back from the cache unchanged
    for c in conds.values():
        assert c["samples"] == 20 and c["items"] == 20 and 0.0 <= c["accuracy"] <= 100.0
    assert budgeted["run_stats"]["cache_hits"] >= 20

    rows = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    assert len(rows) == 40
    think = [r for r in rows if r["mode"] == "think"]
    for r in think:
        assert r["error"] is None
        assert r["output"].startswith("<think>\n") and "</think>" in r["output"]  # closed by us or by the model
        assert r["reasoning_tokens"] <= 12 and not r["tokens_estimated"]
        assert r["phases"] >= 2 and not r["unparsed"]
    assert any(r["forced_close"] for r in think)  # a 135M model does not finish thinking in 12 tokens
    for r in rows:
        assert r["correct"] == (r["extracted"] == r["gold"])

    assert (out / "accuracy_vs_tokens.png").stat().st_size > 5000
    md = (out / "summary.md").read_text()
    assert "| no-think |" in md and "| think@B=12 |" in md
    assert Manifest.load(out).counts["samples"] == 40

    again = evaluate(None, str(bench), ["no-think", "think"], budget=budget, out_dir=None, **kwargs)
    assert again["run_stats"]["sent"] == 0
    assert [c["accuracy"] for c in again["conditions"]] == [c["accuracy"] for c in budgeted["conditions"]]
