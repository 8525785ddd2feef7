"""Per-sample rows → summary (JSON + Markdown) and the accuracy-vs-tokens plot.

Accuracy is computed per seed over all items (a failed request or an unparsed output counts as wrong), then
averaged over seeds; ``accuracy_std`` is the sample standard deviation over seeds (0 with one seed), the
paper's "averaged over seeds" protocol (PAPER.md §7).
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa

SAMPLES_FILE = "samples.jsonl"
SUMMARY_JSON = "summary.json"
SUMMARY_MD = "summary.md"
PLOT_FILE = "accuracy_vs_tokens.png"

SAMPLE_SCHEMA = pa.schema([
    pa.field("question_id", pa.string()),
    pa.field("seed", pa.int64()),
    pa.field("condition", pa.string()),
    pa.field("mode", pa.string()),
    pa.field("budget", pa.int64()),
    pa.field("min_think", pa.int64()),
    pa.field("words", pa.int64()),
    pa.field("domain", pa.string()),
    pa.field("kind", pa.string()),
    pa.field("options", pa.list_(pa.string())),
    pa.field("gold", pa.string()),
    pa.field("prompt", pa.string()),
    pa.field("assistant_prefix", pa.string()),
    pa.field("output", pa.string()),
    pa.field("extracted", pa.string()),
    pa.field("rule", pa.string()),
    pa.field("correct", pa.bool_()),
    pa.field("unparsed", pa.bool_()),
    pa.field("flags", pa.list_(pa.string())),
    pa.field("reasoning_tokens", pa.int64()),
    pa.field("answer_tokens", pa.int64()),
    pa.field("completion_tokens", pa.int64()),
    pa.field("tokens_estimated", pa.bool_()),
    pa.field("finish_reason", pa.string()),
    pa.field("error", pa.string()),
    pa.field("phases", pa.int64()),
    pa.field("waits", pa.int64()),
    pa.field("forced_close", pa.bool_()),
])


def samples_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist([{f.name: r.get(f.name) for f in SAMPLE_SCHEMA} for r in rows], schema=SAMPLE_SCHEMA)


def write_samples_jsonl(rows: Iterable[dict[str, Any]], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def _pct(x: float) -> float:
    return round(100.0 * x, 2)


def summarize_condition(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Summary of the rows of one condition (one mode × budget)."""
    by_seed: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_seed[r["seed"]].append(r)
    per_seed = {seed: sum(r["correct"] for r in rs) / len(rs) for seed, rs in sorted(by_seed.items())}
    accs = list(per_seed.values())
    domains: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        domains[r["domain"] or "(none)"].append(bool(r["correct"]))
    first = rows[0]
    n = len(rows)
    return {
        "condition": first["condition"],
        "mode": first["mode"],
        "budget": first["budget"],
        "min_think": first["min_think"],
        "words": first["words"],
        "items": len({r["question_id"] for r in rows}),
        "seeds": len(per_seed),
        "samples": n,
        "accuracy": _pct(statistics.fmean(accs)),
        "accuracy_std": _pct(statistics.stdev(accs)) if len(accs) > 1 else 0.0,
        "accuracy_per_seed": {str(k): _pct(v) for k, v in per_seed.items()},
        "unparsed_rate": _pct(sum(r["unparsed"] for r in rows) / n),
        "error_rate": _pct(sum(r["error"] is not None for r in rows) / n),
        "mean_tokens": round(statistics.fmean(r["completion_tokens"] or 0 for r in rows), 1),
        "mean_reasoning_tokens": round(statistics.fmean(r["reasoning_tokens"] or 0 for r in rows), 1),
        "mean_answer_tokens": round(statistics.fmean(r["answer_tokens"] or 0 for r in rows), 1),
        "forced_close_rate": _pct(sum(bool(r.get("forced_close")) for r in rows) / n),
        "rules": dict(Counter(r["rule"] for r in rows).most_common()),
        "per_domain": {d: {"accuracy": _pct(sum(v) / len(v)), "samples": len(v)} for d, v in sorted(domains.items())},
    }


def summarize(rows: list[dict[str, Any]], header: dict[str, Any]) -> dict[str, Any]:
    """The run summary: ``header`` (benchmark, model, ...) plus one entry per condition, in first-seen order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["condition"], []).append(r)
    return {**header, "conditions": [summarize_condition(rs) for rs in groups.values()]}


def markdown(summary: dict[str, Any]) -> str:
    """Markdown tables: one row per condition, then accuracy per domain."""
    conds = summary["conditions"]
    lines = [
        f"### {summary.get('benchmark', 'benchmark')} · {summary.get('model', '')}",
        "",
        "| Condition | Accuracy % | ± std | Seeds | Unparsed % | Errors % | Mean tokens | Reasoning | Answer | Samples |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in conds:
        lines.append(f"| {c['condition']} | {c['accuracy']:.1f} | {c['accuracy_std']:.1f} | {c['seeds']} | "
                     f"{c['unparsed_rate']:.1f} | {c['error_rate']:.1f} | {c['mean_tokens']:.0f} | "
                     f"{c['mean_reasoning_tokens']:.0f} | {c['mean_answer_tokens']:.0f} | {c['samples']} |")
    domains = sorted({d for c in conds for d in c["per_domain"]})
    if len(domains) > 1:
        lines += ["", "Accuracy % per domain:", "",
                  "| Domain | " + " | ".join(c["condition"] for c in conds) + " |",
                  "|---|" + "---:|" * len(conds)]
        for d in domains:
            cells = [f"{c['per_domain'][d]['accuracy']:.1f}" if d in c["per_domain"] else "–" for c in conds]
            lines.append(f"| {d} | " + " | ".join(cells) + " |")
    if summary.get("gold_letters"):
        lines += ["", "Gold letters (seed 0): " + ", ".join(f"{k} {v}" for k, v in summary["gold_letters"].items())]
    for w in summary.get("warnings", []):
        lines += ["", f"**WARNING:** {w}"]
    return "\n".join(lines) + "\n"


def plot(summary: dict[str, Any], path: Path) -> None:
    """Accuracy (± std over seeds) against mean generated tokens; one line per mode joining its budgets."""
    import matplotlib

    matplotlib.use("Agg")  # headless: never needs a display
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
    by_mode: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in summary["conditions"]:
        by_mode[c["mode"]].append(c)
    for mode, conds in by_mode.items():
        conds = sorted(conds, key=lambda c: c["mean_tokens"])
        xs = [c["mean_tokens"] for c in conds]
        ys = [c["accuracy"] for c in conds]
        ax.errorbar(xs, ys, yerr=[c["accuracy_std"] for c in conds], marker="o", capsize=3, label=mode)
        for c in conds:
            ax.annotate(c["condition"], (c["mean_tokens"], c["accuracy"]), textcoords="offset points",
                        xytext=(4, 4), fontsize=7)
    ax.set_xlabel("mean generated tokens per answer")
    ax.set_ylabel("accuracy (%)")
    ax.set_title(f"{summary.get('benchmark', '')} · {summary.get('model', '')}", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
