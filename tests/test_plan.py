"""`naturalthoughts plan`: arithmetic checked by hand, measured figures from a run, and the paper-size example."""

from __future__ import annotations

import pyarrow as pa
import pytest

from naturalthoughts.core.store import read_table, write_parquet
from naturalthoughts.llm.backends.base import BackendSpec, SamplingParams
from naturalthoughts.main import main as cli_main
from naturalthoughts.stages.generation.run import run_generate
from naturalthoughts.stages.reporting.plan import (
    PlanInputs,
    build_inputs,
    figures_from_run,
    make_plan,
    render_markdown,
)


def test_plan_arithmetic_by_hand():
    inp = PlanInputs(pool=10_000, traces=3600, prompt_tokens=100, tokens_per_trace=1000, judge_calls_per_row=2,
                     judge_prompt_tokens=500, judge_output_tokens=50, throughput_tokens_per_s=1000,
                     prefill_speedup=10, gpus=2, gpu_hour_price=2.0, price_in_per_m=1.0, price_out_per_m=2.0,
                     epochs=2, train_tokens_per_s_per_gpu=2200)
    gen, judge, train = make_plan(inp).rows
    # generate: 3,600 requests; 360k prompt tokens, 3.6M generated
    assert (gen.requests, gen.input_tokens, gen.output_tokens) == (3600, 360_000, 3_600_000)
    # GPU seconds = 3.6M / 1000 + 360k / (1000 * 10) = 3600 + 36 = 3636 s = 1.01 h; on 2 GPUs 0.505 h
    assert gen.gpu_hours == pytest.approx(1.01) and gen.wall_hours == pytest.approx(0.505)
    assert gen.gpu_cost == pytest.approx(2.02)
    assert gen.api_cost == pytest.approx(0.36 * 1.0 + 3.6 * 2.0)  # $7.56
    # judges: 7,200 calls x 500 in / 50 out = 3.6M / 360k; (360k / 1000 + 3.6M / 10000) s = 720 s = 0.2 h
    assert (judge.requests, judge.input_tokens, judge.output_tokens) == (7200, 3_600_000, 360_000)
    assert judge.gpu_hours == pytest.approx(0.2) and judge.api_cost == pytest.approx(3.6 + 0.72)
    # training: 3,600 traces x (100 + 1000) tokens x 2 epochs = 7.92M tokens / 2200 tok/s = 3600 s
    assert train.input_tokens == 7_920_000 and train.gpu_hours == pytest.approx(1.0)
    total = make_plan(inp).total
    assert total.gpu_hours == pytest.approx(2.21) and total.api_cost == pytest.approx(7.56 + 4.32)


def test_paper_scale_example_matches_hand_figures(capsys):
    rc = cli_main(["plan", "--pool", "2800000", "--traces", "500000", "--tokens-per-trace", "4430",
                   "--throughput-tokens-per-s", "2500", "--gpus", "32", "--gpu-hour-price", "3.5",
                   "--price-in-per-m", "0.55", "--price-out-per-m", "2.19"])
    out = capsys.readouterr().out
    assert rc == 0
    # 500k x 4,430 = 2.215 B output tokens; 500k x 100 = 50 M input tokens
    # GPU-h = (2.215e9 / 2500 + 5e7 / 25000) / 3600 = 246.7; /32 GPUs = 7.7 h; x $3.5 = $863.33
    # API = 50 x 0.55 + 2215 x 2.19 = 27.5 + 4,850.85 = $4,878
    assert "| generate (teacher) | 500.0 k | 50.0 M | 2.215 B | 246.7 | 7.7 h | $863.33 | $4,878 |" in out
    assert "| step | requests | input tokens | output tokens | GPU-hours | time on 32 GPUs | GPU cost | API cost |" in out
    assert "4,430 tokens per trace (given)" in out and "2,800,000 questions (given)" in out


def test_defaults_unknown_throughput_and_bad_sizes(capsys):
    plan = make_plan(PlanInputs())
    assert plan.rows[0].output_tokens == 500_000 * 4430  # the paper's defaults
    assert plan.rows[0].gpu_hours is None and "—" in render_markdown(plan)
    with pytest.raises(ValueError, match="cannot select 600,000 traces from 500,000"):
        make_plan(PlanInputs(traces=600_000, generate=500_000))
    with pytest.raises(ValueError, match="exceed the pool"):
        make_plan(PlanInputs(pool=1000, traces=500, generate=2000))
    assert cli_main(["plan", "--traces", "10", "--generate", "5"]) == 2
    assert "cannot select" in capsys.readouterr().err


def test_figures_measured_from_a_generate_run_and_overrides(tmp_path):
    rows = [{"id": f"q{i}", "question": f"Why is case {i} of the levee problem different?"} for i in range(6)]
    write_parquet(pa.Table.from_pylist(rows), tmp_path / "q.parquet")
    run_generate(tmp_path / "q.parquet", tmp_path / "run" / "generate", BackendSpec(backend="fake", model="fake"),
                 SamplingParams(max_tokens=64), cache=tmp_path / "c.sqlite", progress=False)
    traces = read_table(tmp_path / "run" / "generate")
    mean_completion = sum(traces.column("completion_tokens").to_pylist()) / traces.num_rows
    mean_prompt = sum(traces.column("prompt_tokens").to_pylist()) / traces.num_rows

    figures, sources = figures_from_run(tmp_path / "run")  # a run folder: finds the generate stage inside
    assert figures["tokens_per_trace"] == pytest.approx(mean_completion)
    assert figures["prompt_tokens"] == pytest.approx(mean_prompt)
    assert figures["throughput_tokens_per_s"] > 0 and "measured" in sources["tokens_per_trace"]

    inp, src = build_inputs({"traces": 1000, "pool": 5000, "prompt_tokens": 50.0}, tmp_path / "run" / "generate")
    assert inp.tokens_per_trace == pytest.approx(mean_completion) and inp.prompt_tokens == 50.0  # given wins
    assert src["prompt_tokens"] == "given" and src["tokens_per_trace"].startswith("measured")
    plan = make_plan(inp, src)
    assert plan.rows[0].output_tokens == pytest.approx(1000 * mean_completion)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no stage folder"):
        figures_from_run(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="no such run"):
        figures_from_run(tmp_path / "missing")
