"""Shared pieces of every selection strategy: the pool, rankings, results, seeded randomness, null handling.

Reproducibility contract: a strategy never sees the input's row order. :class:`Pool` sorts the rows by their key
(``trace_id``, else ``id``) once, and every strategy works on positions in that canonical order with a random
generator derived from ``(seed, stage, strategy name)``. Same rows + same arguments ⇒ same ids, whatever order
the rows arrive in and whatever other strategies ran before.

A strategy *ranks* the rows it is given (priority order: the first N of the ranking are the selection) instead of
returning exactly N rows, so a token budget, a row count and a composition stage all cut the same ranking.
"""

from __future__ import annotations

import hashlib
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from naturalthoughts.stages.selection.vectors import PoolVectors
from naturalthoughts.core.schema import ANNOTATION_FIELDS

# Which annotator writes which column, for error messages ("run the 'length' annotator").
COLUMN_ANNOTATOR: dict[str, str] = {f.name: name for name, fields in ANNOTATION_FIELDS.items() for f in fields}
COLUMN_ANNOTATOR["embedding"] = "embedding"


class SelectionError(ValueError):
    """Selection cannot run as asked (missing column, bad N, too few eligible rows); the message says why."""


def make_rng(seed: int, *name: object) -> np.random.Generator:
    """PCG64 generator seeded from ``seed`` and a name, so two strategies (or stages) never share a stream."""
    digest = hashlib.sha256(":".join([str(seed), *map(str, name)]).encode()).digest()
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int.from_bytes(digest[:16], "little"))))


def missing_column_message(strategy: str, column: str, have: list[str]) -> str:
    annotator = COLUMN_ANNOTATOR.get(column)
    if annotator is None:
        how = "it is not an annotation column; check the input file"
    else:
        how = f"it is written by the {annotator!r} annotator: run `naturalthoughts annotate` with {annotator!r} first"
    return f"strategy {strategy!r} needs column {column!r}, which the input lacks; {how} (input columns: {', '.join(have)})"


class Pool:
    """The input table seen in canonical (key-sorted) order.

    Positions are indices into the canonical order; ``source_index[pos]`` is the row in the input table.
    Columns are materialised lazily and cached, so a strategy only pays for the columns it reads (at 2.8M rows the
    embedding column alone is 2 GB, and it is read chunk by chunk, never copied whole).
    """

    def __init__(self, table: pa.Table, vectors: PoolVectors | None = None) -> None:
        """``vectors``: the embedding column kept outside ``table`` (e.g. streamed from the input folder)."""
        self.table = table
        self.num_rows = table.num_rows
        self.key = "trace_id" if "trace_id" in table.column_names else "id"
        if self.key not in table.column_names:
            raise SelectionError(f"input has neither 'trace_id' nor 'id' column, so rows have no key (columns: {', '.join(table.column_names)})")
        keys = table.column(self.key)
        if keys.null_count:
            raise SelectionError(f"column {self.key!r} has {keys.null_count} null values; every row needs a key")
        self.source_index = pc.sort_indices(keys).to_numpy().astype(np.int64)
        # Uniqueness from the sorted keys (neighbours equal), not a hash count: 5.3 s at 2.8M keys here.
        sorted_keys = keys.take(pa.array(self.source_index)).combine_chunks()
        if self.num_rows > 1:
            same = pc.equal(sorted_keys.slice(1), sorted_keys.slice(0, self.num_rows - 1))
            if pc.any(same).as_py():
                dup = sorted_keys[int(np.flatnonzero(same.to_numpy(zero_copy_only=False))[0])].as_py()
                raise SelectionError(f"column {self.key!r} is not unique (e.g. {dup!r} appears more than once); deduplicate the input first")
        self._cache: dict[str, Any] = {"arrow:" + self.key: sorted_keys}
        self._vectors = vectors
        self._emb_valid: np.ndarray | None = None

    # ------------------------------------------------------------------ columns
    def has(self, column: str) -> bool:
        return column in self.table.column_names or (column == "embedding" and self._vectors is not None)

    def arrow(self, column: str) -> pa.Array:
        """Column in canonical order as one Arrow array."""
        key = "arrow:" + column
        if key not in self._cache:
            self._cache[key] = self.table.column(column).take(pa.array(self.source_index)).combine_chunks()
        return self._cache[key]

    def valid(self, column: str) -> np.ndarray:
        """Bool mask (canonical order): value present and, for floats, not NaN."""
        if column == "embedding":
            return self.embedding_valid()
        arr = self.arrow(column)
        ok = arr.is_valid().to_numpy(zero_copy_only=False)
        if pa.types.is_floating(arr.type):
            ok &= ~np.isnan(arr.to_numpy(zero_copy_only=False).astype(np.float64))
        return ok

    def numeric(self, column: str, dtype: type = np.float64) -> np.ndarray:
        """Numeric column (canonical order) with nulls as NaN (floats) or 0; use with :meth:`valid`."""
        key = f"num:{column}:{np.dtype(dtype).name}"
        if key not in self._cache:
            arr = self.arrow(column)
            if pa.types.is_boolean(arr.type):
                arr = arr.cast(pa.int8())
            filled = arr.fill_null(0) if not pa.types.is_floating(arr.type) else arr
            self._cache[key] = filled.to_numpy(zero_copy_only=False).astype(dtype)
        return self._cache[key]

    def strings(self, column: str) -> np.ndarray:
        """String column (canonical order) as an object array; nulls become None."""
        key = "str:" + column
        if key not in self._cache:
            self._cache[key] = np.asarray(self.arrow(column).to_numpy(zero_copy_only=False), dtype=object)
        return self._cache[key]

    def codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        """Dictionary-encode a string column: (int codes in canonical order, sorted labels). Nulls get -1."""
        key = "codes:" + column
        if key not in self._cache:
            arr = self.arrow(column).cast(pa.string())
            unique = pc.drop_null(pc.unique(arr))
            # Sorted in Arrow (UTF-8 byte order = code point order = Python's): sorting 2.8M ids as Python
            # strings took seconds.
            labels = unique.take(pc.array_sort_indices(unique))
            codes = pc.index_in(arr, value_set=labels).fill_null(-1)
            self._cache[key] = (codes.to_numpy().astype(np.int64), labels.to_pylist())
        return self._cache[key]

    def group_codes(self, column: str) -> np.ndarray:
        """Int codes (canonical order) equal exactly where the values are equal, numbered by first appearance in
        canonical order; nulls get -1. One hash pass: for grouping without :meth:`codes`' sorted labels."""
        encoded = pc.dictionary_encode(self.arrow(column))
        return encoded.indices.fill_null(-1).to_numpy().astype(np.int64)

    # --------------------------------------------------------------- embeddings
    def _vector_column(self) -> PoolVectors:
        if self._vectors is None:
            chunked = self.table.column("embedding")
            if not pa.types.is_fixed_size_list(chunked.type):
                raise SelectionError(f"column 'embedding' must be a fixed-size list of floats (schema.embedding_field), not {chunked.type}")
            self._vectors = PoolVectors(chunked)
        return self._vectors

    def load_embeddings(self) -> None:
        """Hold the whole embedding matrix (for methods that revisit rows, e.g. k-center's greedy passes)."""
        self._vector_column().matrix()

    @property
    def dim(self) -> int:
        return self._vector_column().dim

    def embeddings(self, positions: np.ndarray, *, normalize: bool = True) -> np.ndarray:
        """float32 embeddings of canonical ``positions`` (L2-normalised: cosine geometry, as sentence-transformers)."""
        x = self._vector_column().take(self.source_index[positions]).astype(np.float32)
        return _unit_rows(x) if normalize else x

    def embedding_blocks(self, positions: np.ndarray, block_rows: int | Iterable[int] = 262_144
                         ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(which, x)``: float32 L2-normalised embeddings ``x`` of ``positions[which]``, block by block.

        Blocks follow the *stored* row order, not ``positions``' order: reading the stored matrix front to back is
        3.6x faster than gathering rows in canonical (key-sorted) order, which jumps all over a 2 GB column
        (2.7 s vs 9.8 s for all 2.8M x 384 float16 rows here), and it is the order a column streamed from disk
        comes in. Callers put results back with ``which``; ``x`` is overwritten by the next block (copy to keep it).
        ``block_rows`` is one size or a sequence of sizes (the last one repeats).
        """
        stored = self.source_index[positions]
        by_storage = np.argsort(stored, kind="stable")
        sizes = [block_rows] if isinstance(block_rows, int) else list(block_rows)
        # One float32 buffer for every block, filled by joining and casting the float16 pieces in one pass: a new
        # array per block cost more in first-touch page faults than the cast (24.5 of 94 s at 2.8M x 384).
        buffer = np.empty((min(max(sizes), len(stored)), self.dim), dtype=np.float32)
        start = 0
        for pieces in self._vector_column().blocks(stored[by_storage], sizes):
            x = np.concatenate(pieces, out=buffer[:sum(len(p) for p in pieces)], casting="same_kind")
            yield by_storage[start:start + len(x)], _unit_rows(x)
            start += len(x)

    def embedding_valid(self) -> np.ndarray:
        """Rows (canonical order) whose embedding is present, finite and non-zero."""
        if self._emb_valid is None:
            self._emb_valid = self._vector_column().usable()[self.source_index]
        return self._emb_valid


def _unit_rows(x: np.ndarray) -> np.ndarray:
    """Scale float32 rows to unit length in place (zero rows stay zero). einsum, not np.linalg.norm: no squared
    temporary, 3.5x faster on 262k x 384 blocks here."""
    with np.errstate(invalid="ignore"):
        x /= np.maximum(np.sqrt(np.einsum("ij,ij->i", x, x)), 1e-12)[:, None]
    return x


@dataclass
class Exclusions:
    """Rows left out of the pool, counted by reason (``null:<column>`` for a missing annotation)."""

    counts: dict[str, int] = field(default_factory=dict)

    def drop_invalid(self, pool: Pool, active: np.ndarray, columns: tuple[str, ...]) -> np.ndarray:
        """``active`` without rows that have a null/NaN in any of ``columns``; each row counted once."""
        for column in columns:
            ok = pool.valid(column)[active]
            dropped = int((~ok).sum())
            if dropped:
                self.counts[f"null:{column}"] = self.counts.get(f"null:{column}", 0) + dropped
                active = active[ok]
        return active

    def add(self, reason: str, count: int) -> None:
        if count:
            self.counts[reason] = self.counts.get(reason, 0) + int(count)


@dataclass
class Ranking:
    """A strategy's answer: canonical positions in priority order (the first N are the selection).

    ``scores`` aligns with ``order`` (a score, or a per-pass sampling probability). A strategy that samples
    uniformly within groups (domains, clusters) leaves ``scores`` None and gives ``groups`` (label per ranked row)
    and ``group_sizes`` (eligible rows per label); each selected row's score then becomes its inclusion
    probability in its group, which is only known once N is cut. With neither, the score is N / eligible rows.
    """

    order: np.ndarray
    scores: np.ndarray | None = None
    groups: np.ndarray | None = None
    group_sizes: np.ndarray | None = None
    report: dict[str, Any] = field(default_factory=dict)


RankFn = Callable[..., Ranking]  # (pool, active, rng, limit, **options) -> Ranking
FilterFn = Callable[..., np.ndarray]  # (pool, active, **options) -> bool mask over active


@dataclass(frozen=True)
class Strategy:
    """A registry entry: what a strategy reads, how it ranks (and/or filters), its options and its source."""

    name: str
    summary: str
    paper: str  # where the definition comes from (NaturalThoughts section or other reference)
    columns: tuple[str, ...] = ()  # annotation columns it needs; rows with nulls there are excluded and counted
    rank: RankFn | None = None
    filter: FilterFn | None = None  # a filter can narrow the pool in a composition without a count
    options: dict[str, Any] = field(default_factory=dict)  # option name -> default
    column_options: Callable[[dict[str, Any]], tuple[str, ...]] | None = None  # columns that depend on options


def round_robin(groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Order over ``range(len(groups))`` (integer group labels) that takes one row per group per round, groups in a random order.

    Rows within a group are shuffled. Any prefix of the result is as balanced as possible: a group that runs out
    simply drops out of later rounds, so its unused quota goes to the others (water-filling), which is exactly
    the quota redistribution that topic- and cluster-balanced sampling need.
    """
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    shuffled = rng.permutation(n)
    g = groups[shuffled]
    # rank of each row within its group, in shuffled order
    by_group = np.argsort(g, kind="stable")
    sorted_g = g[by_group]
    starts = np.r_[0, np.flatnonzero(sorted_g[1:] != sorted_g[:-1]) + 1]
    run_lengths = np.diff(np.r_[starts, n])
    rank_sorted = np.arange(n) - np.repeat(starts, run_lengths)
    rank = np.empty(n, dtype=np.int64)
    rank[by_group] = rank_sorted
    uniq = sorted_g[starts]
    group_rank = rng.permutation(len(uniq))  # random order of groups within a round
    tie = group_rank[np.searchsorted(uniq, g)]
    return shuffled[np.lexsort((tie, rank))]


def balanced_quotas(sizes: np.ndarray, total: int) -> np.ndarray:
    """Water-filling: equal share per group, groups smaller than the share give all and the rest is re-split."""
    sizes = np.asarray(sizes, dtype=np.int64)
    quotas = np.zeros_like(sizes)
    remaining, open_ = int(min(total, sizes.sum())), np.ones(len(sizes), bool)
    while remaining > 0 and open_.any():
        share = remaining // int(open_.sum())
        small = open_ & (sizes - quotas <= share)
        if small.any() and share > 0:
            remaining -= int((sizes[small] - quotas[small]).sum())
            quotas[small] = sizes[small]
            open_ &= ~small
            continue
        if share == 0:  # fewer rows left than open groups: one more to the first groups
            idx = np.flatnonzero(open_)[:remaining]
            quotas[idx] += 1
            break
        quotas[open_] += share
        remaining -= share * int(open_.sum())
    return quotas


def acceptance_passes(p: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Order of rows under "keep each row with probability p, repeat passes without replacement until N".

    Repeating Bernoulli(p) passes over the not-yet-kept rows makes the pass in which row i is first kept a
    Geometric(p_i) variable, so drawing those directly is the same process without looping over passes (a row
    with p = 1e-4 would otherwise need ~10k passes). Returns (order over rows with p > 0, pass number per row);
    within a pass the order is random, so the first N of the order are exactly the repeated-pass sample.
    """
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    eligible = np.flatnonzero(p > 0)
    passes = np.full(len(p), np.iinfo(np.int64).max, dtype=np.int64)
    passes[eligible] = rng.geometric(p[eligible])
    tiebreak = rng.random(len(eligible))
    order = eligible[np.lexsort((tiebreak, passes[eligible]))]
    return order, passes


def selection_threads() -> int:
    """Threads selection may use now: the idle cores (``NATURALTHOUGHTS_THREADS=N`` or the older
    ``NATURALTHOUGHTS_SELECT_THREADS`` forces it)."""
    from naturalthoughts.core.threads import idle_cores

    forced = os.environ.get("NATURALTHOUGHTS_SELECT_THREADS")
    return int(forced) if forced else idle_cores()


@contextmanager
def compute_threads() -> Iterator[None]:
    """Run BLAS/OpenMP work (and faiss, where a caller uses it) on the cores that are idle right now.

    OpenMP and OpenBLAS workers spin at their barriers; on a shared 2-core machine at load 10 that made faiss
    k-means 7x *slower* with 2 threads than with 1 (measured). The count is :func:`selection_threads`.
    Nothing that decides a selection may depend on it: see ``semantic.train_kmeans``.
    """
    from threadpoolctl import threadpool_limits

    threads = selection_threads()
    faiss = sys.modules.get("faiss")  # only when a caller already uses it: faiss is an optional extra
    previous = faiss.omp_get_max_threads() if faiss is not None else None
    if faiss is not None:
        faiss.omp_set_num_threads(threads)
    try:
        with threadpool_limits(limits=threads):
            yield
    finally:
        if faiss is not None:
            faiss.omp_set_num_threads(previous)
