"""Chains of strategies, row and token budgets, and the stage output: ``select`` and ``run_select``.

A chain is written ``NAME[:COUNT]+NAME[:COUNT]+...+NAME`` (or a list). Every stage but the last narrows the pool:

* a *filter* (``disagree``, ``agree``, ``verbosity-med``) keeps its matching rows: ``disagree+strategies`` is
  "hard and strategy-diverse";
* any strategy with a count keeps the first COUNT rows of its ranking: ``long:200000+semantic`` takes 200k
  long-biased rows and then the most diverse N among them.

The last stage ranks what is left and the first N rows are the selection; with ``budget_tokens=T`` the ranking is
cut instead before the first row that would take the total of trace tokens (reasoning + response tokens, else
completion tokens) above T. With both, whichever comes first. Rows with a null or NaN in a column a stage needs
are excluded before that stage and counted by reason (``null:<column>``).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pyarrow as pa

from naturalthoughts.core.datafiles import TEXT_CHUNK_ROWS, TEXT_ROW_GROUP_BYTES
from naturalthoughts.stages.selection.base import (
    Exclusions,
    Pool,
    Ranking,
    SelectionError,
    make_rng,
    missing_column_message,
)
from naturalthoughts.stages.selection.registry import STRATEGIES
from naturalthoughts.stages.selection.vectors import PoolVectors

SCORE_COLUMN = "selection_score"
IDS_FILE = "selected_ids.txt"


@dataclass
class SelectionResult:
    """What ``select`` chose: input row indices in selection order, one score per row, ids and the report."""

    indices: np.ndarray  # rows of the input table, in selection (priority) order
    scores: np.ndarray  # selection_score per selected row (score or sampling probability, see each strategy)
    ids: list[str]  # row keys (trace_id, else id) of the selected rows
    key: str  # which column ``ids`` come from
    params: dict[str, Any]  # strategy chain, n, budget, seed and every option with its effective value
    counts: dict[str, Any]  # in / eligible / selected rows and exclusions by reason
    stages: list[dict[str, Any]] = field(default_factory=list)  # per stage: name, rows in/out, strategy report
    report: dict[str, Any] = field(default_factory=dict)  # pool vs subset distributions (report.compare)

    def take(self, table: pa.Table) -> pa.Table:
        """The selected rows of ``table`` (the table ``select`` saw), in selection order, with ``selection_score``."""
        out = table.take(pa.array(self.indices, type=pa.int64()))
        if SCORE_COLUMN in out.column_names:
            out = out.drop_columns([SCORE_COLUMN])
        return out.append_column(SCORE_COLUMN, pa.array(self.scores, type=pa.float64()))


def parse_chain(strategy: str | Sequence[str]) -> list[tuple[str, int | None]]:
    """``"disagree+long:5000+semantic"`` -> ``[("disagree", None), ("long", 5000), ("semantic", None)]``."""
    # "+" is the documented separator; "," is accepted too because recipes read naturally with it
    parts = re.split(r"[+,]", strategy) if isinstance(strategy, str) else list(strategy)
    chain: list[tuple[str, int | None]] = []
    for part in parts:
        name, _, count = str(part).strip().partition(":")
        if name not in STRATEGIES:
            raise SelectionError(f"unknown strategy {name!r}; choose from: {', '.join(STRATEGIES)}")
        if count:
            if not count.isdigit() or int(count) <= 0:
                raise SelectionError(f"stage {part!r}: the count after ':' must be a positive integer")
            chain.append((name, int(count)))
        else:
            chain.append((name, None))
    if not chain:
        raise SelectionError("empty strategy chain")
    last, last_count = chain[-1]
    if last_count is not None:
        raise SelectionError(f"the last stage {last!r} takes its size from n / budget_tokens, not ':{last_count}'")
    for name, count in chain[:-1]:
        if count is None and STRATEGIES[name].filter is None:
            raise SelectionError(f"stage {name!r} is not a filter, so before the last stage it needs a count: {name}:COUNT "
                                 f"(filters: {', '.join(k for k, s in STRATEGIES.items() if s.filter)})")
    return chain


def _stage_options(name: str, options: dict[str, Any]) -> dict[str, Any]:
    strat = STRATEGIES[name]
    return {k: (options[k] if options.get(k) is not None else default) for k, default in strat.options.items()}


def _accepted(fn: Any, opts: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(fn).parameters
    return {k: v for k, v in opts.items() if k in params}


def _token_columns(table: pa.Table) -> tuple[str, ...]:
    names = table.column_names
    if "reasoning_tokens" in names and "response_tokens" in names:
        return ("reasoning_tokens", "response_tokens")
    if "completion_tokens" in names:
        return ("completion_tokens",)
    raise SelectionError("budget_tokens needs token counts: columns 'reasoning_tokens' and 'response_tokens' (the 'length' "
                         "annotator) or 'completion_tokens' (generate); the input has neither")


def _describe_value(value: Any) -> Any:
    """JSON-safe, hashable record of an option (arrays and long lists become shape + sha256)."""
    if isinstance(value, np.ndarray):
        arr = np.ascontiguousarray(value)
        return {"array_shape": list(arr.shape), "sha256": hashlib.sha256(arr.tobytes()).hexdigest()}
    if isinstance(value, (list, tuple)) and len(value) > 20:
        return {"items": len(value), "sha256": hashlib.sha256("\n".join(map(str, value)).encode()).hexdigest()}
    if isinstance(value, os.PathLike):
        return str(value)
    return value


def select(table: pa.Table, strategy: str | Sequence[str], n: int | None, *, seed: int = 0,
           budget_tokens: int | None = None, allow_short: bool = False, report: bool = True,
           vectors: PoolVectors | None = None, **options: Any) -> SelectionResult:
    """Select rows of an annotated trace table with a strategy or a chain of strategies.

    Args:
        table: annotated traces (TRACE_SCHEMA + annotation columns; ``embedding`` for semantic/seeded).
        strategy: a registry name, a chain ``"disagree+strategies"`` / ``"long:20000+semantic"``, or a list.
        n: rows to select (None: only the token budget limits).
        seed: same table rows + same arguments + same seed ⇒ the same ids, whatever the input row order.
        budget_tokens: stop before the total trace tokens of the selection would exceed this.
        allow_short: return fewer than ``n`` rows when too few are eligible, instead of raising.
        report: add pool-vs-subset distributions (``result.report``).
        vectors: the ``embedding`` column kept out of ``table`` (``PoolVectors(path=stage_folder)`` streams it
            from disk block by block; :func:`run_select` does this for stage-folder inputs).
        **options: strategy options (see each strategy's ``options``; e.g. ``r_min=4``, ``method="kmeans"``).

    Raises:
        SelectionError: unknown strategy or option, a missing column (naming the annotator that writes it),
            ``n <= 0``, or fewer eligible rows than ``n`` without ``allow_short``.
    """
    _check_size(n, budget_tokens)
    chain = parse_chain(strategy)
    stage_opts = _chain_options(chain, options)
    have = table.column_names + (["embedding"] if vectors is not None else [])
    stage_columns = _required_columns(have, chain, stage_opts)
    token_cols = _token_columns(table) if budget_tokens is not None else ()

    pool = Pool(table, vectors)
    excluded = Exclusions()
    active = np.arange(pool.num_rows, dtype=np.int64)
    tokens = None
    if token_cols:
        active = excluded.drop_invalid(pool, active, token_cols)
        tokens = sum(pool.numeric(c) for c in token_cols)
    ranking, active, stages = _run_chain(pool, chain, stage_opts, stage_columns, active, excluded, tokens,
                                         n=n, budget_tokens=budget_tokens, allow_short=allow_short, seed=seed)
    order = _final_order(ranking, tokens, n, budget_tokens, allow_short, pool, excluded)
    scores = _scores(ranking, len(order), len(active))
    stages[-1]["rows_out"] = int(len(order))
    indices = pool.source_index[order]
    ids = [str(v) for v in table.column(pool.key).take(pa.array(indices, type=pa.int64())).to_pylist()]
    params = {"strategy": "+".join(f"{c}:{k}" if k else c for c, k in chain), "n": n, "budget_tokens": budget_tokens,
              "seed": seed, "allow_short": allow_short,
              "options": {name: {k: _describe_value(v) for k, v in opts.items()}
                          for (name, _), opts in zip(chain, stage_opts)}}
    counts: dict[str, Any] = {"in": pool.num_rows, "eligible": int(len(active)),
                              "excluded": dict(sorted(excluded.counts.items())), "selected": int(len(order))}
    if tokens is not None:
        counts["selected_trace_tokens"] = int(tokens[order].sum())
    result = SelectionResult(indices=indices, scores=scores, ids=ids, key=pool.key, params=params, counts=counts,
                             stages=stages)
    if report:
        from naturalthoughts.stages.selection.report import compare

        result.report = compare(table, indices)
    return result


def _check_size(n: int | None, budget_tokens: int | None) -> None:
    if n is None and budget_tokens is None:
        raise SelectionError("give n (rows) or budget_tokens (trace tokens), or both")
    if n is not None and (isinstance(n, bool) or int(n) != n or n <= 0):
        raise SelectionError(f"n must be a positive integer, got {n!r}")
    if budget_tokens is not None and budget_tokens <= 0:
        raise SelectionError(f"budget_tokens must be positive, got {budget_tokens!r}")


def _chain_options(chain: list[tuple[str, int | None]], options: dict[str, Any]) -> list[dict[str, Any]]:
    """Each stage's own options; an option no stage of the chain uses is an error listing the ones it has."""
    known = {k for name, _ in chain for k in STRATEGIES[name].options}
    unknown = sorted(k for k in options if k not in known)
    if unknown:
        raise SelectionError(f"option(s) {', '.join(unknown)} not used by {'+'.join(c for c, _ in chain)}; "
                             f"its options: {', '.join(sorted(known)) or '(none)'}")
    return [_stage_options(name, options) for name, _ in chain]


def _required_columns(have: list[str], chain: list[tuple[str, int | None]],
                      stage_opts: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """The columns each stage reads; a missing one fails before any work, naming the annotator that writes it."""
    stage_columns = []
    for (name, _), opts in zip(chain, stage_opts):
        strat = STRATEGIES[name]
        cols = strat.columns + (strat.column_options(opts) if strat.column_options else ())
        for col in cols:
            if col not in have:
                raise SelectionError(missing_column_message(name, col, have))
        stage_columns.append(cols)
    return stage_columns


def _run_chain(pool: Pool, chain: list[tuple[str, int | None]], stage_opts: list[dict[str, Any]],
               stage_columns: list[tuple[str, ...]], active: np.ndarray, excluded: Exclusions,
               tokens: np.ndarray | None, *, n: int | None, budget_tokens: int | None, allow_short: bool,
               seed: int) -> tuple[Ranking, np.ndarray, list[dict[str, Any]]]:
    """Filters narrow the pool, ``name:COUNT`` stages keep their first COUNT, the last stage ranks it."""
    stages: list[dict[str, Any]] = []
    ranking = Ranking(order=np.zeros(0, dtype=np.int64))
    for i, ((name, count), opts, cols) in enumerate(zip(chain, stage_opts, stage_columns)):
        strat, final = STRATEGIES[name], i == len(chain) - 1
        rows_in = len(active)
        active = excluded.drop_invalid(pool, active, cols)
        stage: dict[str, Any] = {"strategy": name, "rows_in": rows_in, "rows_eligible": int(len(active))}
        if not final and count is None:
            keep = strat.filter(pool, active, **_accepted(strat.filter, opts))
            excluded.add(f"filtered:{name}", int((~keep).sum()))
            active = active[keep]
            stages.append({**stage, "role": "filter", "rows_out": int(len(active))})
            continue
        if final:
            limit = _final_limit(n, budget_tokens, tokens, active)
            if n is not None and len(active) < n and not allow_short:
                raise _too_few(n, len(active), pool.num_rows, excluded)
        else:
            limit = int(count)
        rng = make_rng(seed, i, name)
        ranking = (strat.rank(pool, active, rng, limit, **_accepted(strat.rank, opts)) if len(active)
                   else Ranking(order=active))
        if not final:
            active = np.sort(ranking.order[:count])
            stages.append({**stage, "role": f"sample:{count}", "rows_out": int(len(active)), "report": ranking.report})
        else:
            stages.append({**stage, "role": "sample", "report": ranking.report})
    return ranking, active, stages


def _final_order(ranking: Ranking, tokens: np.ndarray | None, n: int | None, budget_tokens: int | None,
                 allow_short: bool, pool: Pool, excluded: Exclusions) -> np.ndarray:
    """The final ranking cut by the token budget and N; too few rows is an error unless ``allow_short``."""
    order = ranking.order
    if tokens is not None:
        cumulative = np.cumsum(tokens[order])
        order = order[: int(np.searchsorted(cumulative, budget_tokens, side="right"))]
    if n is not None:
        order = order[:n]
    cut_by_budget = tokens is not None and len(order) < len(ranking.order)
    if n is not None and len(order) < n and not cut_by_budget and not allow_short:
        raise _too_few(n, len(order), pool.num_rows, excluded, ranked=True)
    return order


def _final_limit(n: int | None, budget: int | None, tokens: np.ndarray | None, active: np.ndarray) -> int:
    """Most rows the last stage can need: n, or how many of the smallest traces fit in the budget."""
    limit = len(active) if n is None else min(int(n), len(active))
    if budget is not None and tokens is not None and len(active):
        fit = int(np.searchsorted(np.cumsum(np.sort(tokens[active])), budget, side="right"))
        limit = min(limit, fit)
    return max(limit, 0)


def _too_few(n: int, available: int, total: int, excluded: Exclusions, ranked: bool = False) -> SelectionError:
    why = ", ".join(f"{k}: {v}" for k, v in sorted(excluded.counts.items())) or "none"
    what = "the strategy can rank only" if ranked else "only"
    return SelectionError(f"asked for n={n} rows but {what} {available} of the {total} input rows are eligible "
                          f"(excluded by reason: {why}); lower n, or pass allow_short=True / --allow-short to take what there is")


def _scores(ranking: Ranking, taken: int, eligible: int) -> np.ndarray:
    if ranking.scores is not None:
        return np.asarray(ranking.scores[:taken], dtype=np.float64)
    if ranking.groups is not None and ranking.group_sizes is not None:
        groups = ranking.groups[:taken]
        chosen = np.bincount(groups, minlength=len(ranking.group_sizes))
        return chosen[groups] / np.maximum(ranking.group_sizes[groups], 1)
    return np.full(taken, taken / max(eligible, 1), dtype=np.float64)


def pool_embedder(input_path: str | os.PathLike) -> str | None:
    """The embedding model recorded by the ``annotate`` stage that wrote ``input_path`` (None when unknown).

    Looks at ``manifest.json`` in the stage folder (or beside a ``data.parquet``); its
    ``extra.annotators.embedding.model`` is what the embedding annotator used.
    """
    path = Path(input_path)
    manifest = path / "manifest.json" if path.is_dir() else path.with_name("manifest.json")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    model = ((data.get("extra") or {}).get("annotators") or {}).get("embedding", {}).get("model")
    return model if isinstance(model, str) and model else None


# Text columns no strategy reads: selection works on ids, annotations and embeddings, and at the paper's scale the
# reasoning alone is ~50-70 GB. They are read back only for the selected rows, when the output is written.
TEXT_COLUMNS = ("question", "reasoning", "response", "options", "reference_answer", "error", "gen_params",
                "second_response", "judge_raw")
# The selected rows are written in small chunks and row groups (core.datafiles.TEXT_CHUNK_ROWS says why).
WRITE_CHUNK_ROWS = TEXT_CHUNK_ROWS
WRITE_ROW_GROUP_BYTES = TEXT_ROW_GROUP_BYTES


# Read for every selection besides the chain's own columns: the row keys, columns a strategy reads when present,
# token counts (a budget) and the report's pool-vs-subset columns.
_ALWAYS_READ = ("id", "trace_id", "sample_index", "strategies_method", "reasoning_tokens", "response_tokens",
                "completion_tokens")


def _selection_columns(input_path: str | os.PathLike, strategy: str | Sequence[str] | None = None,
                       options: dict[str, Any] | None = None) -> list[str] | None:
    """The columns a selection reads from a Parquet input (None: read a JSONL/CSV input whole): the keys, what
    the chain's strategies read, token counts and the report's columns. Nothing else (no text, and no embedding
    unless a strategy needs it: at 200k rows the unused columns were a third of ``select long``'s memory); the
    selected rows' other columns are read back while they are written."""
    from naturalthoughts.core.datafiles import data_files, dataset_schema
    from naturalthoughts.stages.selection.report import REPORT_COLUMNS

    try:
        names = dataset_schema(data_files(input_path)).names
    except (FileNotFoundError, OSError, ValueError):
        return None
    light = [c for c in names if c not in TEXT_COLUMNS]
    if strategy is None:
        return light
    try:
        chain = parse_chain(strategy)
        wanted = set(_ALWAYS_READ) | set(REPORT_COLUMNS)
        for (name, _), opts in zip(chain, _chain_options(chain, dict(options or {}))):
            strat = STRATEGIES[name]
            wanted |= set(strat.columns) | set(strat.column_options(opts) if strat.column_options else ())
    except SelectionError:
        return light  # select() raises the same error with the input's columns in hand
    return [c for c in light if c in wanted]


def _read_pool(input_path: str | os.PathLike, columns: list[str]) -> tuple[pa.Table, PoolVectors | None]:
    """The selection's columns but the embedding, which stays on disk and is streamed when a strategy reads it."""
    from naturalthoughts.core.datafiles import data_files, dataset_schema
    from naturalthoughts.core.store import read_table

    table = read_table(input_path, columns=[c for c in columns if c != "embedding"])
    if "embedding" not in columns:
        return table, None
    field = dataset_schema(data_files(input_path), ["embedding"]).field("embedding")
    if not pa.types.is_fixed_size_list(field.type) or not pa.types.is_floating(field.type.value_type):
        raise SelectionError(f"column 'embedding' must be a fixed-size list of floats (schema.embedding_field), not {field.type}")
    return table, PoolVectors(path=input_path, type=field.type)


def _write_selected(output: Any, input_path: str | os.PathLike, table: pa.Table | None,
                    result: SelectionResult, light: pa.Table | None = None) -> None:
    """Selected rows in selection order with ``selection_score``, read ``WRITE_CHUNK_ROWS`` at a time."""
    from naturalthoughts.core.rowaccess import iter_take

    indices = np.asarray(result.indices, dtype=np.int64)
    scores = np.asarray(result.scores, dtype=np.float64)
    chunks = ([table.take(pa.array(indices[s:s + WRITE_CHUNK_ROWS])) for s in range(0, max(len(indices), 1),
                                                                                    WRITE_CHUNK_ROWS)]
              if table is not None else iter_take(input_path, indices, WRITE_CHUNK_ROWS, tmp_dir=output.out,
                                                  have=light))
    start = 0
    for rows in chunks:
        if SCORE_COLUMN in rows.column_names:
            rows = rows.drop_columns([SCORE_COLUMN])
        output.write(rows.append_column(SCORE_COLUMN, pa.array(scores[start:start + rows.num_rows], pa.float64())))
        start += rows.num_rows


def run_select(input_path: str | os.PathLike, out_dir: str | os.PathLike, strategy: str | Sequence[str], n: int | None, *,
               seed: int = 0, budget_tokens: int | None = None, allow_short: bool = False, **options: Any):
    """Read an annotated table, select, and write the stage folder; returns its :class:`~naturalthoughts.core.store.Manifest`.

    ``out_dir`` gets the selected rows in selection order + ``selection_score`` (``data/`` shards),
    ``selected_ids.txt`` (one id per line, same order) and ``manifest.json`` (ids, strategy, parameters, seed,
    input hash, counts by exclusion reason, per-stage reports and pool-vs-subset distributions).

    Memory: a Parquet or stage-folder input is read without its text columns (:data:`TEXT_COLUMNS`); the selected
    rows' text is read back chunk by chunk from the row groups that hold them.
    """
    from naturalthoughts.core.io import load_table
    from naturalthoughts.core.store import StageOutput, StageTimer, check_complete

    timer = StageTimer()
    with timer("read"):
        columns = _selection_columns(input_path, strategy, options)
        if columns is not None:
            if Path(input_path).is_dir():
                check_complete(Path(input_path))
            (table, vectors), full = _read_pool(input_path, columns), None
        else:
            table = full = load_table(input_path)
            vectors = None
    if options.get("embedder") is None and any(name == "seeded" for name, _ in parse_chain(strategy)):
        recorded = pool_embedder(input_path)
        if recorded:  # seeds must be embedded by the model that embedded the pool, or similarities mean nothing
            options["embedder"] = recorded
    with timer("select"):
        result = select(table, strategy, n, seed=seed, budget_tokens=budget_tokens, allow_short=allow_short,
                        vectors=vectors, **options)
    light = table if full is None else None  # the columns already read: only the text is read again
    with timer("write"):
        out = Path(out_dir)
        output = StageOutput(out, row_group_bytes=WRITE_ROW_GROUP_BYTES)
        (out / IDS_FILE).write_text("".join(i + "\n" for i in result.ids), encoding="utf-8")
        inputs = [input_path]
        if isinstance(options.get("seeds"), (str, os.PathLike)):
            inputs.append(options["seeds"])
        _write_selected(output, input_path, full, result, light)
        del light, table
        manifest = output.finish(
            stage="select", config=result.params, inputs=inputs, counts=result.counts,
            timings=timer.timings, versions=("faiss-cpu", "scikit-learn"), side_files=[IDS_FILE],
            extra={"key": result.key, "selected_ids": result.ids, "stages": result.stages, "report": result.report},
        )
    return manifest
