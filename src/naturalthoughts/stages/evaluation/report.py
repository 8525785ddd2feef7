"""Per-sample rows → summary (JSON + Markdown) and the accuracy-vs-tokens plot.

Accuracy is computed per seed over all items (a failed request or an unparsed output counts as wrong), then
averaged over seeds; ``accuracy_std`` is the sample standard deviation over seeds (0 with one seed), the
paper's "averaged over seeds" protocol (PAPER.md §7).

**Think rate** is the share of samples that *thought*: the output had a think block, opened by the model or by
our ``<think>`` prefix (think mode), or a provider's separate reasoning field, and that block holds at least one
non-blank character of reasoning. An empty ``<think></think>`` does not count, so think mode under budget 0
(thinking closed at once) reads 0%, and a model that opens a think block in no-think mode anyway reads > 0%.

**Pareto** (the summary's ``pareto`` list of condition labels) names the conditions on the accuracy-for-tokens
frontier (:mod:`naturalthoughts.core.pareto`): no other condition of the run is at least as accurate with no more
mean tokens. ``frontier.png`` draws it.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa

from naturalthoughts.core.pareto import frontier_steps, pareto_mask

SAMPLES_FILE = "samples.jsonl"
SUMMARY_JSON = "summary.json"
SUMMARY_MD = "summary.md"
PLOT_FILE = "accuracy_vs_tokens.png"
FRONTIER_FILE = "frontier.png"

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
    pa.field("thought", pa.bool_()),
    pa.field("difficulty", pa.string()),
])


def samples_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist([{f.name: r.get(f.name) for f in SAMPLE_SCHEMA} for r in rows], schema=SAMPLE_SCHEMA)


def write_samples_jsonl(rows: Iterable[dict[str, Any]], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def _pct(x: float) -> float:
    return round(100.0 * x, 2)


def wrote_reasoning(reasoning: str | None) -> bool:
    """Whether a sample *thought*: it had a think block (``reasoning`` not None) with any non-blank text in it."""
    return bool(reasoning and reasoning.strip())


def _per_seed(rows: list[dict[str, Any]]) -> dict[int, float]:
    by_seed: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_seed[r["seed"]].append(r)
    return {seed: sum(r["correct"] for r in rs) / len(rs) for seed, rs in sorted(by_seed.items())}


def _bucket(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy ± std over seeds, think rate and mean tokens of some rows (a condition or one of its buckets)."""
    accs = list(_per_seed(rows).values())
    return {
        "samples": len(rows),
        "accuracy": _pct(statistics.fmean(accs)),
        "accuracy_std": _pct(statistics.stdev(accs)) if len(accs) > 1 else 0.0,
        "think_rate": _pct(sum(bool(r.get("thought")) for r in rows) / len(rows)),
        "mean_tokens": round(statistics.fmean(r["completion_tokens"] or 0 for r in rows), 1),
        "mean_reasoning_tokens": round(statistics.fmean(r["reasoning_tokens"] or 0 for r in rows), 1),
        "mean_answer_tokens": round(statistics.fmean(r["answer_tokens"] or 0 for r in rows), 1),
    }


def per_difficulty(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """:func:`_bucket` per difficulty label; {} when no row carries one (the benchmark has no such field)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r.get("difficulty"):
            groups[str(r["difficulty"])].append(r)
    return {d: _bucket(rs) for d, rs in sorted(groups.items(), key=lambda kv: _difficulty_order(kv[0]))}


def _difficulty_order(label: str) -> tuple[int, str]:
    known = ("easy", "medium", "middle", "hard")
    return (known.index(label), label) if label in known else (len(known), label)


def summarize_condition(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Summary of the rows of one condition (one mode × budget)."""
    per_seed = _per_seed(rows)
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
        **_bucket(rows),
        "accuracy_per_seed": {str(k): _pct(v) for k, v in per_seed.items()},
        "unparsed_rate": _pct(sum(r["unparsed"] for r in rows) / n),
        "error_rate": _pct(sum(r["error"] is not None for r in rows) / n),
        "forced_close_rate": _pct(sum(bool(r.get("forced_close")) for r in rows) / n),
        "rules": dict(Counter(r["rule"] for r in rows).most_common()),
        "per_domain": {d: {"accuracy": _pct(sum(v) / len(v)), "samples": len(v)} for d, v in sorted(domains.items())},
        "per_difficulty": per_difficulty(rows),
    }


def summarize(rows: list[dict[str, Any]], header: dict[str, Any]) -> dict[str, Any]:
    """The run summary: ``header`` (benchmark, model, ...) plus one entry per condition, in first-seen order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["condition"], []).append(r)
    conditions = [summarize_condition(rs) for rs in groups.values()]
    # Kept beside the conditions, not in them: a condition's entry depends on its own rows only.
    efficient = pareto_mask([(c["mean_tokens"], c["accuracy"]) for c in conditions])
    return {**header, "conditions": conditions,
            "pareto": [c["condition"] for c, e in zip(conditions, efficient) if e]}


def markdown(summary: dict[str, Any]) -> str:
    """Markdown tables: one row per condition, then accuracy per domain."""
    conds = summary["conditions"]
    pareto = summary.get("pareto") or []
    lines = [
        f"### {summary.get('benchmark', 'benchmark')} · {summary.get('model', '')}",
        "",
        "| Condition | Accuracy % | ± std | Seeds | Think % | Unparsed % | Errors % | Mean tokens | Reasoning | "
        "Answer | Samples | Pareto |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for c in conds:
        lines.append(f"| {c['condition']} | {c['accuracy']:.1f} | {c['accuracy_std']:.1f} | {c['seeds']} | "
                     f"{c.get('think_rate', 0.0):.1f} | {c['unparsed_rate']:.1f} | {c['error_rate']:.1f} | "
                     f"{c['mean_tokens']:.0f} | {c['mean_reasoning_tokens']:.0f} | {c['mean_answer_tokens']:.0f} | "
                     f"{c['samples']} | {'yes' if c['condition'] in pareto else ''} |")
    domains = sorted({d for c in conds for d in c["per_domain"]})
    if len(domains) > 1:
        lines += ["", "Accuracy % per domain:", "",
                  "| Domain | " + " | ".join(c["condition"] for c in conds) + " |",
                  "|---|" + "---:|" * len(conds)]
        for d in domains:
            cells = [f"{c['per_domain'][d]['accuracy']:.1f}" if d in c["per_domain"] else "–" for c in conds]
            lines.append(f"| {d} | " + " | ".join(cells) + " |")
    lines += _difficulty_lines(conds)
    if summary.get("gold_letters"):
        lines += ["", "Gold letters (seed 0): " + ", ".join(f"{k} {v}" for k, v in summary["gold_letters"].items())]
    for w in summary.get("warnings", []):
        lines += ["", f"**WARNING:** {w}"]
    return "\n".join(lines) + "\n"


def _difficulty_lines(conds: list[dict[str, Any]]) -> list[str]:
    """Per difficulty bucket and condition: accuracy ± std, think rate, thinking / answer tokens (if labelled)."""
    if not any(c.get("per_difficulty") for c in conds):
        return []
    lines = ["", "By difficulty:", "",
             "| Difficulty | Condition | Samples | Accuracy % | ± std | Think % | Reasoning | Answer |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    labels = sorted({d for c in conds for d in c.get("per_difficulty", {})}, key=_difficulty_order)
    for d in labels:
        for c in conds:
            b = c.get("per_difficulty", {}).get(d)
            if b:
                lines.append(f"| {d} | {c['condition']} | {b['samples']} | {b['accuracy']:.1f} | "
                             f"{b['accuracy_std']:.1f} | {b['think_rate']:.1f} | {b['mean_reasoning_tokens']:.0f} | "
                             f"{b['mean_answer_tokens']:.0f} |")
    return lines


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


def frontier_plot(summary: dict[str, Any], path: Path) -> None:
    """Accuracy (± std over seeds) against mean total tokens for every mode × budget, each point labelled
    mode@budget; Pareto-efficient conditions ringed and joined by a step line (see the module docstring)."""
    import matplotlib

    matplotlib.use("Agg")  # headless: never needs a display
    import matplotlib.pyplot as plt

    conds = summary["conditions"]
    efficient = pareto_mask([(c["mean_tokens"], c["accuracy"]) for c in conds])
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
    markers = {"no-think": "o", "think": "^", "adaptive": "s"}
    rank = {id(c): k for k, c in enumerate(sorted(conds, key=lambda c: c["mean_tokens"]))}
    for c, best in zip(conds, efficient):
        ax.errorbar(c["mean_tokens"], c["accuracy"], yerr=c["accuracy_std"], marker=markers.get(c["mode"], "D"),
                    ms=7, capsize=3, lw=1, color="#2f6fdb" if best else "#8a93a0")
        if best:
            ax.scatter([c["mean_tokens"]], [c["accuracy"]], s=220, facecolors="none", edgecolors="#d62728", lw=1.5)
        ax.annotate(c["condition"], (c["mean_tokens"], c["accuracy"]), textcoords="offset points",
                    xytext=(6, 4 if rank[id(c)] % 2 == 0 else -11), fontsize=7)  # neighbours alternate sides
    xs, ys = frontier_steps([(c["mean_tokens"], c["accuracy"]) for c, b in zip(conds, efficient) if b])
    if xs:
        ax.step(xs, ys, where="post", color="#d62728", lw=1.2, alpha=0.8, label="Pareto frontier")
        ax.legend(fontsize=8, loc="best")
    ax.set_xlabel("mean total tokens per answer (thinking + answer)")
    ax.set_ylabel("accuracy (%)")
    ax.set_title(f"Efficiency frontier · {summary.get('benchmark', '')} · {summary.get('model', '')} "
                 "(▲ think, ● no-think, ■ adaptive)", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
