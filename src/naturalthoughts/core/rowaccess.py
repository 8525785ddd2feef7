"""Random access into a stage's rows: by global position (``take_rows``, ``iter_take``) and by slices of one
file (``plan_slices``, ``read_slice``: the Ray executor's unit of work), reading only the row groups involved."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from naturalthoughts.core.datafiles import (READ_BATCH_ROWS, TEXT_CHUNK_ROWS, _conform_table, data_files, dataset_schema,
                                            from_storage, logical_schema)
from naturalthoughts.core.readahead import read_ahead


def _files(path: str | os.PathLike | Sequence[Path]) -> list[Path]:
    return [Path(f) for f in path] if isinstance(path, (list, tuple)) else data_files(path)


def take_rows(path: str | os.PathLike | Sequence[Path], indices: Sequence[int],
              columns: Sequence[str] | None = None) -> pa.Table:
    """Rows at global positions ``indices`` (in that order), reading only the row groups that hold them.

    ``path``: a stage folder or file (as for ``data_files``), or a list of Parquet files taken as one in that order."""
    import numpy as np

    files = _files(path)
    schema = dataset_schema(files, columns)
    order = np.asarray(indices, dtype=np.int64)
    if order.size == 0:
        return schema.empty_table()
    sorted_pos = np.argsort(order, kind="stable")
    wanted = order[sorted_pos]
    pieces = [rows for _, _, rows in _wanted_rows(files, schema, wanted)]
    picked = pa.concat_tables(pieces) if pieces else schema.empty_table()
    inverse = np.empty_like(sorted_pos)
    inverse[sorted_pos] = np.arange(sorted_pos.size)
    return picked.take(pa.array(inverse))


def read_slice(path: str | os.PathLike, offset: int, rows: int, columns: Sequence[str] | None = None) -> pa.Table:
    """Rows ``offset .. offset+rows`` of one Parquet file, reading only the row groups that overlap them."""
    pf = pq.ParquetFile(path)
    groups, start, first_start = [], 0, None
    for g in range(pf.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if start + n > offset and start < offset + rows:
            groups.append(g)
            first_start = start if first_start is None else first_start
        start += n
    if not groups:
        empty = logical_schema(pf.schema_arrow).empty_table()
        return empty if columns is None else empty.select(columns)
    table = from_storage(pf.read_row_groups(groups, columns=list(columns) if columns is not None else None))
    return table.slice(offset - (first_start or 0), rows)


def plan_slices(files: Sequence[Path], rows_per_slice: int) -> list[dict[str, Any]]:
    """Cut a stage's files into slices of at most ``rows_per_slice`` rows (from the footers; no data read).

    Slices never span two files, so each can be read from one file's row groups; ``index`` numbers them in row
    order, which is the order their outputs are listed in.
    """
    slices: list[dict[str, Any]] = []
    for f in files:
        total = pq.ParquetFile(f).metadata.num_rows
        for offset in range(0, total, rows_per_slice):
            slices.append({"index": len(slices), "file": str(f), "offset": offset,
                           "rows": min(rows_per_slice, total - offset)})
    return slices


def iter_take(path: str | os.PathLike | Sequence[Path], indices: Sequence[int], chunk_rows: int = READ_BATCH_ROWS,
              columns: Sequence[str] | None = None, tmp_dir: str | os.PathLike | None = None,
              have: pa.Table | None = None) -> Iterator[pa.Table]:
    """The rows at global positions ``indices`` in that order, ``chunk_rows`` at a time, reading the input once.

    Random positions in a wanted order would make every chunk touch nearly every row group (a 100k selection from
    2.8M rows: ~25 full reads of the pool). Instead one pass in storage order drops each wanted row into the bucket
    file of its output chunk (a bucket sort on disk, ``tmp_dir``), and each bucket is then read and put in order.
    Memory: one row group plus one output chunk. ``have``: some of the columns already in memory (all rows, in
    storage order, e.g. what a selection read): they are taken from it and only the others are read from disk.
    """
    if have is not None:
        yield from _take_with(path, indices, chunk_rows, columns, tmp_dir, have)
        return
    import tempfile

    import numpy as np

    order = np.asarray(indices, dtype=np.int64)
    if order.size <= chunk_rows:
        yield take_rows(path, order, columns)
        return
    files = _files(path)
    schema = dataset_schema(files, columns)
    rank = np.argsort(order, kind="stable")
    wanted = order[rank]  # positions in storage order; rank[i] = output position of wanted[i]
    with tempfile.TemporaryDirectory(prefix="nt-take-", dir=tmp_dir) as tmp:
        # Temporary files read once: no dictionary or compression (encoding them was 4.9 s of a 100k-of-2.8M write)
        buckets = [pq.ParquetWriter(Path(tmp) / f"{b:05d}.parquet", schema.append(pa.field("_rank", pa.int64())),
                                    compression="none", use_dictionary=False)
                   for b in range((order.size + chunk_rows - 1) // chunk_rows)]
        try:
            _fill_buckets(files, schema, wanted, rank, chunk_rows, buckets)
        finally:
            for w in buckets:
                w.close()
        for b in range(len(buckets)):
            part = pq.read_table(Path(tmp) / f"{b:05d}.parquet")
            part = part.take(pc.sort_indices(part, [("_rank", "ascending")]))
            yield part.drop_columns(["_rank"])


def _fill_buckets(files: Sequence[Path], schema: pa.Schema, wanted: Any, rank: Any, chunk_rows: int,
                  buckets: list) -> None:
    import numpy as np

    for lo, hi, rows in _wanted_rows(files, schema, wanted):
        rows = rows.append_column("_rank", pa.array(rank[lo:hi]))
        owner = rank[lo:hi] // chunk_rows
        for b in np.unique(owner):
            buckets[b].write_table(rows.filter(pa.array(owner == b)))


def _wanted_rows(files: Sequence[Path], schema: pa.Schema, wanted: Any) -> Iterator[tuple[int, int, pa.Table]]:
    """For sorted global positions ``wanted``: (lo, hi, the rows ``wanted[lo:hi]``) per row group holding any,
    in storage order; each row group is read once, and only if it holds a wanted row."""
    import numpy as np

    total = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    if wanted.size and (wanted[0] < 0 or wanted[-1] >= total):
        raise IndexError(f"{files[0].parent}: row positions must be in 0..{total - 1}, "
                         f"got {int(wanted[0])}..{int(wanted[-1])}")
    groups = []  # (file, names, row group, lo, hi, first row), only the row groups holding a wanted row
    offset = 0
    for f in files:
        pf = pq.ParquetFile(f)
        names = [c for c in schema.names if c in pf.schema_arrow.names]
        for g in range(pf.num_row_groups):
            n = pf.metadata.row_group(g).num_rows
            lo, hi = (int(x) for x in np.searchsorted(wanted, [offset, offset + n]))
            if hi > lo:
                groups.append((pf, names, g, lo, hi, offset))
            offset += n

    def read(group: tuple) -> tuple[int, int, pa.Table]:
        pf, names, g, lo, hi, first = group
        # Decoded TEXT_CHUNK_ROWS at a time and only the wanted rows kept: a whole decoded row group of R1-sized
        # text is 64 MiB, a batch ~17 MB, so the next group can decode in the read-ahead thread for little memory.
        wanted_here, start, pieces = wanted[lo:hi] - first, 0, []
        for batch in pf.iter_batches(batch_size=TEXT_CHUNK_ROWS, row_groups=[g], columns=names):
            a, b = (int(i) for i in np.searchsorted(wanted_here, [start, start + batch.num_rows]))
            if b > a:
                pieces.append(batch.take(pa.array(wanted_here[a:b] - start)))
            start += batch.num_rows
        return lo, hi, _conform_table(pa.Table.from_batches(pieces), schema)  # hi > lo: never empty

    yield from read_ahead(map(read, groups))


def take_from_batches(table: pa.Table, indices: Any) -> pa.Table:
    """``table.take(indices)`` gathered record batch by record batch.

    Arrow's take on a many-chunked table concatenates each column's chunks first (pyarrow 26: a 4,096-row take
    from the 2.8M-row pool, 56 row groups, copied its 2 GB embedding column every time; 25 takes made a 100k
    selection's write 35 s slower); here each batch gives its rows and only the small result is put in order.
    """
    import numpy as np

    idx = np.asarray(indices, dtype=np.int64)
    batches = table.to_batches()
    if len(batches) <= 1 or idx.size == 0:
        return table.take(pa.array(idx, type=pa.int64()))
    starts = np.cumsum([0] + [b.num_rows for b in batches])
    which = np.searchsorted(starts, idx, side="right") - 1
    by_batch = np.argsort(which, kind="stable")
    pieces = []
    for b in np.unique(which):
        rows = by_batch[which[by_batch] == b]
        pieces.append(batches[b].take(pa.array(idx[rows] - starts[b], type=pa.int64())))
    gathered = pa.Table.from_batches(pieces, schema=table.schema).combine_chunks()
    back = np.empty(idx.size, dtype=np.int64)
    back[by_batch] = np.arange(idx.size)
    return gathered.take(pa.array(back))


def _take_with(path: str | os.PathLike, indices: Sequence[int], chunk_rows: int, columns: Sequence[str] | None,
               tmp_dir: str | os.PathLike | None, have: pa.Table) -> Iterator[pa.Table]:
    """:func:`iter_take` reading from disk only the columns ``have`` lacks, in the files' column order."""
    import numpy as np

    schema = dataset_schema(_files(path), columns)
    missing = [c for c in schema.names if c not in have.column_names]
    order = np.asarray(indices, dtype=np.int64)
    from_disk = iter_take(path, order, chunk_rows, missing, tmp_dir) if missing else None
    for start in range(0, max(order.size, 1), chunk_rows):
        part = order[start:start + chunk_rows]
        known = take_from_batches(have, part)
        read = next(from_disk) if from_disk is not None else None
        yield pa.table({c: (read.column(c) if c in missing else known.column(c)) for c in schema.names})
