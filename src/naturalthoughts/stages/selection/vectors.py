"""The selection pool's embedding column: held in memory, or streamed from the stage folder block by block.

Streaming is what a stage-folder input gets: k-means assignment, the seeded search and the validity check read
the column front to back in stored order, so they never need it whole (at 2.8M x 384 float16 it is 2.15 GB, and
the 200k-row memory benchmark grew by its 147 MB). Reading it again costs little since vectors are stored as
fixed-size binary (:mod:`naturalthoughts.core.datafiles`: ~3.6 GB/s decoded here). Whole-matrix methods
(k-center's per-cluster greedy passes, HDBSCAN) load it once with :meth:`PoolVectors.matrix`.
"""

from __future__ import annotations

import os
from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa

from naturalthoughts.core.datafiles import iter_batches, read_vector_column, vector_chunk_matrix
from naturalthoughts.core.readahead import read_ahead

# float dtype -> (same-size unsigned int, exponent mask, all bits but the sign), for validity checks on bit patterns
_FLOAT_BITS = {"float16": (np.uint16, 0x7C00, 0x7FFF), "float32": (np.uint32, 0x7F800000, 0x7FFFFFFF),
               "float64": (np.uint64, 0x7FF0000000000000, 0x7FFFFFFFFFFFFFFF)}
_STREAM_ROWS = 65_536


def usable_rows(block: np.ndarray) -> np.ndarray:
    """Rows of ``block`` that are finite and not all zero.

    Checked on the bit patterns, from one row-wise maximum of the magnitude bits (all bits but the sign): it is 0
    for an all-zero row and reaches the exponent mask exactly when some value is inf or NaN (exponent all ones).
    numpy's float16 isfinite/compare were 2x slower than integer masks, and two masks 1.6x slower than one max.
    """
    if block.dtype.name in _FLOAT_BITS:
        uint, exponent, magnitude = _FLOAT_BITS[block.dtype.name]
        largest = (block.view(uint) & uint(magnitude)).max(axis=1, initial=0)
        return (largest != 0) & (largest < exponent)
    return np.isfinite(block).all(axis=1) & (block != 0).any(axis=1)


class PoolVectors:
    """A vector column in input row order: ``column`` (in memory) or ``path``'s column ``name`` (on disk)."""

    def __init__(self, column: pa.ChunkedArray | None = None, *, path: str | os.PathLike | None = None,
                 name: str = "embedding", type: pa.DataType | None = None) -> None:
        self.column, self.path, self.name = column, path, name
        self.type = column.type if column is not None else type
        self._matrix: np.ndarray | None = None
        self._valid: np.ndarray | None = None

    @property
    def dim(self) -> int:
        return int(self.type.list_size)

    @property
    def in_memory(self) -> bool:
        return self._matrix is not None or self.column is not None

    def matrix(self) -> np.ndarray:
        """(rows, dim) float16/float32 matrix of every row, loaded once (not copied when the column is one chunk)."""
        if self._matrix is None:
            column = self.column if self.column is not None else read_vector_column(self.path, self.name)
            if column.num_chunks == 1:
                self._matrix, self._valid = vector_chunk_matrix(column.chunk(0))
            else:
                # Several chunks (Parquet row groups) are copied into one matrix chunk by chunk: Arrow's
                # combine_chunks took 10 s for the 56 row groups of the 2.8M x 384 float16 pool, the copy ~1 s.
                parts = [vector_chunk_matrix(c) for c in column.chunks]
                self._matrix = np.concatenate([m for m, _ in parts]) if parts else np.zeros((0, self.dim))
                self._valid = np.concatenate([v for _, v in parts]) if parts else np.zeros(0, dtype=bool)
        return self._matrix

    def _stream(self) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """(first row, matrix, present mask) per record batch, in stored order."""
        if self.in_memory:
            m = self.matrix()
            yield 0, m, self._valid
            return
        start = 0
        for batch in read_ahead(iter_batches(self.path, columns=[self.name], batch_rows=_STREAM_ROWS)):
            m, present = vector_chunk_matrix(batch.column(0))
            yield start, m, present
            start += len(m)

    def usable(self) -> np.ndarray:
        """Per input row: present, finite and non-zero (one streamed pass when on disk)."""
        parts = []
        for _, m, present in self._stream():
            for lo in range(0, len(m), 262_144):
                parts.append(present[lo:lo + 262_144] & usable_rows(m[lo:lo + 262_144]))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)

    def blocks(self, rows: np.ndarray, sizes: Iterable[int]) -> Iterator[list[np.ndarray]]:
        """The vectors of ascending input rows ``rows``, as consecutive blocks of ``sizes`` rows (the last size
        repeats; the final block may be shorter). Each block is a list of pieces to join (views where the rows
        are consecutive): the caller joins them into a buffer it reuses (see ``Pool.embedding_blocks``)."""
        sizes = iter(sizes)
        size = next(sizes)
        pending: list[np.ndarray] = []
        have = 0
        for first, m, _ in self._stream():
            lo, hi = (int(i) for i in np.searchsorted(rows, [first, first + len(m)]))
            while lo < hi:
                take = min(hi - lo, size - have)
                part = rows[lo:lo + take] - first
                consecutive = part[-1] - part[0] == take - 1
                pending.append(m[part[0]:part[-1] + 1] if consecutive else m[part])
                have, lo = have + take, lo + take
                if have == size:
                    yield pending
                    pending, have = [], 0
                    size = next(sizes, size)
        if have:
            yield pending

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of input rows ``rows`` (any order, repeats allowed)."""
        if self.in_memory:
            return self.matrix()[rows]
        order = np.argsort(rows, kind="stable")
        out = np.empty((len(rows), self.dim), dtype=np.dtype(self.type.value_type.to_pandas_dtype()))
        for pieces in self.blocks(rows[order], [max(len(rows), 1)]):
            out[order] = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
        return out
