"""Report figures: matplotlib (Agg) → PNG bytes, embedded in the HTML as base64 so the report needs no network.

Pool vs selection plots show *shares* (each set sums to 100%), so sets of different sizes compare directly.
"""

from __future__ import annotations

import base64
import io
from typing import Any, Mapping, Sequence

POOL_COLOR = "#a3aab5"
SELECTION_COLOR = "#2f6fdb"
PALETTE = ("#2f6fdb", "#e0782f", "#2e9e6a", "#c2417d", "#7a5cc7", "#b38b00", "#3aa6b8", "#8c564b")


def _plt():
    import matplotlib

    matplotlib.use("Agg")  # no display on servers; also keeps the report deterministic
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "font.size": 9, "axes.titlesize": 10, "axes.titleweight": "bold", "axes.spines.top": False,
        "axes.spines.right": False, "axes.grid": True, "grid.color": "#e6e8eb", "grid.linewidth": 0.8,
        "axes.axisbelow": True, "legend.frameon": False, "figure.dpi": 110,
    })
    return plt


def to_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    _plt().close(fig)
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _legend_above(ax) -> None:
    # Above the axes, so the legend never hides a bar.
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=8, borderaxespad=0.2)


def _shares(counts: Mapping[str, int], total: int | None = None) -> dict[str, float]:
    total = total if total is not None else sum(counts.values())
    return {k: (100.0 * v / total if total else 0.0) for k, v in counts.items()}


def compare_bars(pool: Mapping[str, int], selection: Mapping[str, int], *, title: str, xlabel: str = "% of rows",
                 pool_total: int | None = None, selection_total: int | None = None, order: Sequence[str] | None = None,
                 max_labels: int = 16) -> bytes:
    """Horizontal bars: share of each label in the pool (grey) and the selection (blue)."""
    plt = _plt()
    p, s = _shares(pool, pool_total), _shares(selection, selection_total)
    labels = list(order) if order is not None else sorted(set(p) | set(s), key=lambda k: -(p.get(k, 0) + s.get(k, 0)))
    labels = labels[:max_labels]
    height = 0.38
    fig, ax = plt.subplots(figsize=(5.6, 0.32 * len(labels) + 0.9))
    ys = range(len(labels))
    ax.barh([y + height / 2 for y in ys], [p.get(k, 0) for k in labels], height, color=POOL_COLOR, label="pool")
    ax.barh([y - height / 2 for y in ys], [s.get(k, 0) for k in labels], height, color=SELECTION_COLOR, label="selection")
    ax.set_yticks(list(ys), labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title, loc="left")
    ax.grid(axis="y", visible=False)
    _legend_above(ax)
    return to_png(fig)


def compare_discrete(pool: Mapping[str, int], selection: Mapping[str, int], *, title: str, xlabel: str) -> bytes:
    """Side-by-side vertical bars over ordered integer categories (strategy counts, verbosity 0–10)."""
    plt = _plt()
    keys = sorted({k for k in (*pool, *selection) if k != "(none)"}, key=float)
    p, s = _shares(pool), _shares(selection)
    width = 0.4
    fig, ax = plt.subplots(figsize=(5.6, 2.6))
    xs = range(len(keys))
    ax.bar([x - width / 2 for x in xs], [p.get(k, 0) for k in keys], width, color=POOL_COLOR, label="pool")
    ax.bar([x + width / 2 for x in xs], [s.get(k, 0) for k in keys], width, color=SELECTION_COLOR, label="selection")
    ax.set_xticks(list(xs), [str(int(float(k))) for k in keys])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("% of rows")
    if title:
        ax.set_title(title, loc="left")
    ax.grid(axis="x", visible=False)
    _legend_above(ax)
    return to_png(fig)


def compare_lengths(pool: Sequence[float], selection: Sequence[float], *, title: str, xlabel: str, bins: int = 12) -> bytes:
    """Grouped histogram (shares per bin) of reasoning length for pool and selection on shared bins."""
    import numpy as np

    plt = _plt()
    values = np.asarray(list(pool) + list(selection), dtype=float)
    hi = float(values.max()) if len(values) else 1.0
    edges = np.linspace(0, max(hi, 1.0), bins + 1)
    centers = (edges[:-1] + edges[1:]) / 2
    step = edges[1] - edges[0]
    fig, ax = plt.subplots(figsize=(5.6, 2.6))
    for data, color, label, shift in ((pool, POOL_COLOR, "pool", -0.2), (selection, SELECTION_COLOR, "selection", 0.2)):
        data = np.asarray(data, dtype=float)
        if len(data):
            counts, _ = np.histogram(data, bins=edges)
            ax.bar(centers + shift * step, 100.0 * counts / len(data), width=0.4 * step, color=color, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("% of rows")
    if title:
        ax.set_title(title, loc="left")
    ax.grid(axis="x", visible=False)
    _legend_above(ax)
    return to_png(fig)


def accuracy_vs_tokens(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """Accuracy against mean generated tokens, one colour per model, one marker per mode (paper Table 4 style)."""
    plt = _plt()
    markers = {"no-think": "o", "think": "^", "adaptive": "s"}
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    models = list(dict.fromkeys(str(r["model_label"]) for r in rows))
    for i, model in enumerate(models):
        pts = [r for r in rows if r["model_label"] == model and r.get("accuracy") is not None and r.get("mean_tokens") is not None]
        pts.sort(key=lambda r: r["mean_tokens"])
        color = PALETTE[i % len(PALETTE)]
        if len(pts) > 1:
            ax.plot([r["mean_tokens"] for r in pts], [r["accuracy"] for r in pts], color=color, lw=1, alpha=0.5)
        for r in pts:
            ax.errorbar(r["mean_tokens"], r["accuracy"], yerr=r.get("accuracy_std") or 0, color=color,
                        marker=markers.get(str(r.get("mode")), "D"), ms=7, capsize=3, lw=1,
                        label=model if r is pts[0] else None)
            ax.annotate(str(r.get("condition") or r.get("mode")), (r["mean_tokens"], r["accuracy"]),
                        textcoords="offset points", xytext=(6, 4), fontsize=7, color="#555")
    ax.set_xlabel("mean generated tokens per answer")
    ax.set_ylabel("accuracy %")
    ax.set_title("Accuracy vs. tokens (▲ think, ● no-think, ■ adaptive)", loc="left")
    ax.legend(fontsize=8, loc="best")
    return to_png(fig)


def loss_curves(curves: Mapping[str, Sequence[Mapping[str, Any]]]) -> bytes:
    """Training loss per step, one line per trained student."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.6, 2.6))
    for i, (name, hist) in enumerate(curves.items()):
        steps = [h.get("step", j + 1) for j, h in enumerate(hist)]
        ax.plot(steps, [h["loss"] for h in hist], color=PALETTE[i % len(PALETTE)], lw=1.5, marker=".", label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    _legend_above(ax)
    return to_png(fig)
