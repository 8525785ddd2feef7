"""The report's "Three modes and the efficiency frontier" section: one plot and one table over every evaluation.

Each evaluate instance of the run (the base model, each trained student) contributes its conditions (mode ×
thinking budget). The plot puts accuracy (± std over seeds) against mean total tokens, labels every point
``mode@budget`` and rings the Pareto-efficient conditions of each evaluation, joined by a step line: no other
condition *of the same evaluation* is at least as accurate with no more tokens
(:mod:`naturalthoughts.core.pareto`; the frontier is a model's own trade-off, so models are not mixed). The
table gives mode, budget, accuracy ± std, think rate, mean thinking and answer tokens and the Pareto mark.
"""

from __future__ import annotations

import html
from typing import Any, Sequence

from naturalthoughts.core.pareto import frontier_steps, pareto_mask
from naturalthoughts.stages.reporting import collect, plots

MARKERS = {"no-think": "o", "think": "^", "adaptive": "s"}
PARETO_COLOR = "#d62728"


def frontier_rows(run: collect.RunData) -> list[dict[str, Any]]:
    """Every evaluated condition of the run, each with ``pareto`` computed within its evaluation."""
    out: list[dict[str, Any]] = []
    for stage in run.find("evaluate"):
        rows = collect.evaluation_rows(stage)
        mask = pareto_mask([(r.get("mean_tokens"), r.get("accuracy")) for r in rows])
        for r, efficient in zip(rows, mask):
            out.append({**r, "pareto": efficient, "point": point_label(r)})
    return out


def point_label(row: dict[str, Any]) -> str:
    """``mode@budget`` (``think@512``; budget 0 is thinking closed at once), or the mode alone when unbudgeted."""
    mode = str(row.get("mode") or row.get("condition") or "?")
    return f"{mode}@{row['budget']}" if row.get("budget") is not None else mode


def frontier_png(rows: Sequence[dict[str, Any]]) -> bytes:
    """Accuracy ± std against mean total tokens; Pareto points ringed and stepped, one colour per evaluation."""
    plt = plots._plt()
    fig, ax = plt.subplots(figsize=(6.8, 4.0))
    evaluations = list(dict.fromkeys(r["evaluation"] for r in rows))
    for i, name in enumerate(evaluations):
        color = plots.PALETTE[i % len(plots.PALETTE)]
        pts = [r for r in rows if r["evaluation"] == name and r.get("accuracy") is not None
               and r.get("mean_tokens") is not None]
        rank = {id(r): k for k, r in enumerate(sorted(pts, key=lambda r: r["mean_tokens"]))}
        for r in pts:
            ax.errorbar(r["mean_tokens"], r["accuracy"], yerr=r.get("accuracy_std") or 0, color=color,
                        marker=MARKERS.get(str(r.get("mode")), "D"), ms=7, capsize=3, lw=1,
                        label=name if r is pts[0] else None)
            ax.annotate(r["point"], (r["mean_tokens"], r["accuracy"]), textcoords="offset points",
                        xytext=(6, 4 if rank[id(r)] % 2 == 0 else -11), fontsize=7, color="#555")  # alternate sides
        best = [(r["mean_tokens"], r["accuracy"]) for r in pts if r["pareto"]]
        if best:
            ax.scatter(*zip(*best), s=220, facecolors="none", edgecolors=PARETO_COLOR, lw=1.5)
            ax.step(*frontier_steps(best), where="post", color=color, lw=1.2, ls="--", alpha=0.8)
    ax.set_xlabel("mean total tokens per answer (thinking + answer)")
    ax.set_ylabel("accuracy %")
    ax.set_title("Efficiency frontier (○ Pareto-efficient; ▲ think, ● no-think, ■ adaptive)", loc="left")
    ax.legend(fontsize=8, loc="best")
    return plots.to_png(fig)


def _cell(value: Any, digits: int = 1, suffix: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{suffix}" if isinstance(value, (int, float)) else html.escape(str(value))


def _table(rows: Sequence[dict[str, Any]]) -> str:
    header = ["evaluation", "benchmark", "mode", "budget", "accuracy % ± std", "think rate",
              "mean thinking tokens", "mean answer tokens", "mean total tokens", "Pareto"]
    body = []
    for r in rows:
        acc = "–" if r.get("accuracy") is None else f"{r['accuracy']:.1f} ± {r.get('accuracy_std') or 0:.1f}"
        cells = [html.escape(str(r["evaluation"])), html.escape(str(r.get("benchmark") or "")),
                 html.escape(str(r.get("mode") or r.get("condition") or "")),
                 "–" if r.get("budget") is None else str(r["budget"]), acc, _cell(r.get("think_rate"), 1, "%"),
                 _cell(r.get("mean_reasoning_tokens"), 0), _cell(r.get("mean_answer_tokens"), 0),
                 _cell(r.get("mean_tokens"), 0),
                 '<b class="pareto">yes</b>' if r["pareto"] else '<span class="pareto">no</span>']
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return f'<table class="wide frontier"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def frontier_html(run: collect.RunData) -> str:
    """The section body: the frontier plot (inline data URI) above one table row per condition."""
    rows = frontier_rows(run)
    if not rows:
        return '<p class="note">No evaluation results in this run.</p>'
    note = ('<p class="lead">Think rate: share of answers whose think block held any reasoning (an empty '
            '<code>&lt;think&gt;&lt;/think&gt;</code> does not count). Budget 0 closes the think block before the '
            'model writes: no thinking, by forcing. Pareto: no other condition of the same evaluation is at '
            'least as accurate with no more tokens.</p>')
    img = f'<img src="{plots.data_uri(frontier_png(rows))}" alt="efficiency frontier">'
    return f'{note}<div class="plotwide">{img}</div>{_table(rows)}'


__all__ = ["frontier_html", "frontier_png", "frontier_rows", "point_label"]
