"""What a selection chose, next to what it chose from: plain dicts for the manifest and the HTML report.

``compare(table, indices)`` describes the pool and the subset with the same keys: rows, counts by domain, the
histogram of distinct strategies per trace, reasoning-length quantiles and buckets, the verbosity histogram,
agreement counts and total trace tokens. Columns the table lacks are left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LENGTH_BUCKETS = (0, 500, 1000, 2000, 4000, 8000, 16000)  # reasoning tokens; the last bucket is open-ended
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def _counts(col: pa.ChunkedArray | pa.Array) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in pc.value_counts(col).to_pylist():
        value = item["values"]
        out["(null)" if value is None else str(value)] = int(item["counts"])
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _numeric(col: pa.ChunkedArray) -> np.ndarray:
    values = col.drop_null().to_numpy().astype(np.float64) if col.null_count else col.to_numpy().astype(np.float64)
    return values[np.isfinite(values)]


def describe(table: pa.Table) -> dict[str, Any]:
    """Distributions of the selection-relevant columns of ``table``."""
    names = set(table.column_names)
    out: dict[str, Any] = {"rows": table.num_rows}
    if "domain" in names:
        out["domain"] = _counts(table.column("domain"))
    if "num_strategies" in names:
        hist = _counts(table.column("num_strategies"))
        out["num_strategies"] = dict(sorted(hist.items(), key=lambda kv: (kv[0] == "(null)", float(kv[0]) if kv[0] != "(null)" else 0)))
    if "reasoning_tokens" in names:
        lengths = _numeric(table.column("reasoning_tokens"))
        stats: dict[str, Any] = {"nulls": table.num_rows - len(lengths)}
        if len(lengths):
            stats.update({"mean": round(float(lengths.mean()), 2), "min": float(lengths.min()), "max": float(lengths.max())})
            stats.update({f"p{int(q * 100)}": float(v) for q, v in zip(QUANTILES, np.quantile(lengths, QUANTILES))})
            edges = np.searchsorted(np.asarray(LENGTH_BUCKETS[1:]), lengths, side="right")
            counts = np.bincount(edges, minlength=len(LENGTH_BUCKETS))
            labels = [f"{a}-{b}" for a, b in zip(LENGTH_BUCKETS, LENGTH_BUCKETS[1:])] + [f"{LENGTH_BUCKETS[-1]}+"]
            stats["buckets"] = {label: int(c) for label, c in zip(labels, counts)}
        out["reasoning_tokens"] = stats
    if "verbosity" in names:
        v = table.column("verbosity")
        hist = {str(s): 0 for s in range(11)}
        hist.update(_counts(v))
        out["verbosity"] = hist
        values = _numeric(v)
        out["verbosity_mean"] = round(float(values.mean()), 3) if len(values) else None
    if "agree" in names:
        out["agree"] = _counts(table.column("agree"))
    tokens = [c for c in ("reasoning_tokens", "response_tokens") if c in names] or (["completion_tokens"] if "completion_tokens" in names else [])
    if tokens:
        out["trace_tokens_total"] = int(sum(float(pc.sum(table.column(c)).as_py() or 0) for c in tokens))
    return out


REPORT_COLUMNS = ("domain", "num_strategies", "reasoning_tokens", "response_tokens", "completion_tokens", "verbosity",
                  "agree")


def compare(table: pa.Table, indices: np.ndarray, *, columns: tuple[str, ...] = REPORT_COLUMNS) -> dict[str, Any]:
    """``{"pool": describe(pool), "subset": describe(selected rows)}`` over the columns that exist."""
    slim = table.select([c for c in columns if c in table.column_names])
    return {"pool": describe(slim), "subset": describe(slim.take(pa.array(np.asarray(indices, dtype=np.int64))))}
