"""Stage data on disk: ``data/part-NNNNN.parquet`` shards written as rows arrive and read back as a stream.

A stage folder holds its rows in shards of at most ``rows_per_shard`` rows, each shard in row groups of at most
``row_group_bytes`` (so a reader never needs more than one row group of one shard in memory)::

    OUT/data/part-00000.parquet  part-00001.parquet  ...

A shard is written to ``part-NNNNN.parquet.tmp`` and renamed when it is complete, so a file with the final name is
always whole. The manifest lists every shard with its rows and sha256; :func:`data_files` checks that each listed
shard exists and holds that many rows (from its footer, without reading data), so a missing or truncated shard is
a named error instead of silently fewer rows. Folders written before sharding (one ``data.parquet``) read the same.

Vector columns (a fixed-size list of floats, e.g. the 384-dim float16 ``embedding``; :mod:`naturalthoughts.core.vectorcolumns`) are stored as one
fixed-size binary value per row, tagged in the field's metadata (``naturalthoughts.vector``: value type and
dimension), and uncompressed; every reader here turns them back into the list type without a copy. Why: Parquet
stores a list's elements one by one with repetition levels, and float16 as a 2-byte FIXED_LEN_BYTE_ARRAY each,
so pyarrow decoded a 280k x 384 float16 column at 202 MB/s; as fixed-size binary it reads at 3.6 GB/s (zstd on
top: 740 MB/s for 9% less disk, which random-looking floats do not repay). At 2.8M rows that is ~11 s vs 0.6 s
for every strategy that reads the embedding. Other tools see a binary column; ``numpy.frombuffer(value,
"float16")`` turns a value back into its vector. Folders whose vectors were written as lists read as before.

Why not ``pyarrow.dataset.write_dataset``: it decides file boundaries itself, cannot rename a shard into place
only once it is complete, and reports no per-file sha256 — the three things resume and lineage rely on.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

# VECTOR_KEY, from_storage, logical_schema and to_storage are also imported from here by other modules.
from naturalthoughts.core.vectorcolumns import (  # noqa: F401
    VECTOR_KEY,
    from_storage,
    is_stored_vector,
    logical_schema,
    storage_schema,
    to_storage,
)

DATA_DIR = "data"
SLICES_DIR = "_slices"  # the Ray executor's per-slice records (naturalthoughts.executors.slice_progress)
LEGACY_DATA_FILE = "data.parquet"
SHARD_ROWS = 50_000
ROW_GROUP_BYTES = 64 * 1024**2
READ_BATCH_ROWS = 4096
# Stages that rewrite rows with their text (select's output, merge) move them 1,024 at a time into row groups of
# <= 16 MiB: with R1-sized text a 4,096-row chunk is ~70 MB, held twice (read, then put in order) next to a
# 64 MiB row group being filled, and that (not the input size) was most of what their peak gained from 20k to
# 200k rows.
TEXT_CHUNK_ROWS = 1024
TEXT_ROW_GROUP_BYTES = 16 * 1024**2


class ShardError(FileNotFoundError):
    """A shard a manifest lists is missing, truncated or unreadable; the message names the file and what to do."""


def shard_name(index: int) -> str:
    return f"{DATA_DIR}/part-{index:05d}.parquet"


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


class ShardWriter:
    """Write record batches into ``out_dir/data/part-NNNNN.parquet`` shards as they arrive.

    Memory: at most one row group (``row_group_bytes``) is buffered. Batches whose schema differs from the open
    shard's are cast to it (e.g. an all-null column that later gets values keeps the first type only if castable);
    when that fails the shard is closed and a new one starts with the new schema. :attr:`shards` lists the
    finished shards as manifest entries (``path``, ``rows``, ``sha256``).
    """

    def __init__(self, out_dir: str | os.PathLike, *, rows_per_shard: int = SHARD_ROWS,
                 row_group_bytes: int = ROW_GROUP_BYTES, first_index: int = 0, compression: str = "zstd") -> None:
        if rows_per_shard < 1:
            raise ValueError(f"rows_per_shard must be at least 1, got {rows_per_shard}")
        self.out_dir = Path(out_dir)
        (self.out_dir / DATA_DIR).mkdir(parents=True, exist_ok=True)
        self.rows_per_shard, self.row_group_bytes, self.compression = rows_per_shard, row_group_bytes, compression
        self.next_index = first_index
        self.shards: list[dict[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._rows_in_shard = 0
        self._buffer: list[pa.RecordBatch] = []
        self._buffer_bytes = 0

    @property
    def rows(self) -> int:
        return sum(s["rows"] for s in self.shards) + self._rows_in_shard + sum(b.num_rows for b in self._buffer)

    def write(self, data: pa.Table | pa.RecordBatch) -> None:
        """Append rows; shards and row groups are cut at their limits."""
        table = data if isinstance(data, pa.Table) else pa.Table.from_batches([data])
        if table.num_rows == 0:
            if self._schema is None and not self.shards:
                self._schema = table.schema  # an empty output still gets the stage's schema
            return
        if self._schema is not None and table.schema != self._schema:
            try:
                table = table.select(self._schema.names).cast(self._schema)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, KeyError, ValueError):
                self._close_shard()
                self._schema = None
        if self._schema is None:
            self._schema = table.schema
        start = 0
        while start < table.num_rows:
            room = self.rows_per_shard - self._rows_in_shard - sum(b.num_rows for b in self._buffer)
            piece = table.slice(start, room)
            for batch in piece.to_batches():
                self._buffer.append(batch)
                self._buffer_bytes += batch.nbytes
                if self._buffer_bytes >= self.row_group_bytes:
                    self._flush_row_group()
            start += piece.num_rows
            if self._rows_in_shard + sum(b.num_rows for b in self._buffer) >= self.rows_per_shard:
                self._close_shard()
                self._schema = table.schema

    def _open(self, schema: pa.Schema) -> pq.ParquetWriter:
        stored = storage_schema(schema)
        vectors = {f.name for f in stored if is_stored_vector(f)}
        # Per-column options are keyed by Parquet column path ("strategies.list.element" for a list column); a
        # path missing from the dict silently got no compression at all.
        paths = _column_paths(stored)
        top = {p: p.split(".")[0] for p in paths}
        floats = {f.name for f in stored if pa.types.is_floating(f.type)}
        # Dictionary encoding never pays for vectors and floats, and decoding it made reading a float16
        # embedding column 1.7x slower (280k x 384: 2.6 vs 1.5 s); every other column keeps it.
        dictionary = [p for p in paths if top[p] not in vectors and top[p] not in floats]
        compression = {p: "none" if top[p] in vectors else self.compression for p in paths}
        return pq.ParquetWriter(self._tmp_path(), stored, compression=compression, use_dictionary=dictionary)

    def _tmp_path(self) -> Path:
        return self.out_dir / (shard_name(self.next_index) + ".tmp")

    def _flush_row_group(self) -> None:
        if not self._buffer:
            return
        if self._writer is None:
            assert self._schema is not None
            self._writer = self._open(self._schema)
        group = to_storage(pa.Table.from_batches(self._buffer, schema=self._schema))
        self._writer.write_table(group, row_group_size=group.num_rows)
        self._rows_in_shard += group.num_rows
        self._buffer, self._buffer_bytes = [], 0

    def _close_shard(self) -> None:
        self._flush_row_group()
        if self._writer is None:
            return
        self._writer.close()
        self._writer = None
        tmp, final = self._tmp_path(), self.out_dir / shard_name(self.next_index)
        os.replace(tmp, final)
        self.shards.append({"path": shard_name(self.next_index), "rows": self._rows_in_shard,
                            "sha256": sha256_file(final)})
        self.next_index += 1
        self._rows_in_shard = 0

    def cut(self) -> None:
        """Close the open shard now (the next rows start a new one): one shard per unit of work."""
        self._close_shard()

    def close(self) -> list[dict[str, Any]]:
        """Finish the open shard; an output with no rows at all gets one empty shard carrying its schema."""
        self._close_shard()
        if not self.shards and self._schema is not None:
            self._writer = self._open(self._schema)
            self._close_shard()
        return list(self.shards)

    def abort(self) -> None:
        """Drop the unfinished shard (finished shards stay on disk for a resume)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._tmp_path().unlink(missing_ok=True)
        self._buffer, self._buffer_bytes, self._rows_in_shard = [], 0, 0


def clear_data(out_dir: str | os.PathLike) -> None:
    """Remove a folder's rows in either layout (shards, leftovers of an interrupted write, a legacy file) and
    the Ray executor's records of them."""
    import shutil

    out = Path(out_dir)
    for f in (out / DATA_DIR).glob("part-*.parquet*") if (out / DATA_DIR).is_dir() else ():
        f.unlink()
    (out / LEGACY_DATA_FILE).unlink(missing_ok=True)
    shutil.rmtree(out / SLICES_DIR, ignore_errors=True)


def _manifest_shards(folder: Path) -> list[dict[str, Any]] | None:
    import json

    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    outputs = manifest.get("outputs") or []
    shards = [o for o in outputs if str(o.get("path", "")).startswith(f"{DATA_DIR}/")]
    if shards:
        return shards
    return [o for o in outputs if o.get("path") == LEGACY_DATA_FILE] or None


def _checked(path: Path, expected_rows: int | None) -> Path:
    if not path.exists():
        raise ShardError(f"{path}: listed in {path.parent.parent if path.parent.name == DATA_DIR else path.parent}"
                         f"/manifest.json but missing; the stage output is incomplete: re-run the stage")
    try:
        rows = pq.ParquetFile(path).metadata.num_rows
    except (pa.ArrowInvalid, OSError) as exc:
        raise ShardError(f"{path}: truncated or not a Parquet file ({exc}); re-run the stage") from None
    if expected_rows is not None and rows != expected_rows:
        raise ShardError(f"{path}: holds {rows} rows but the manifest records {expected_rows}; the file was "
                         "changed or truncated: re-run the stage")
    return path


def data_files(path: str | os.PathLike) -> list[Path]:
    """The Parquet files holding a stage's rows, in row order, each checked against the manifest.

    ``path`` is a stage folder (sharded or legacy ``data.parquet``), a folder of ``*.parquet`` files, or a file.
    """
    p = Path(path)
    if not p.is_dir():
        if not p.exists():
            raise FileNotFoundError(f"{p}: no such file or folder")
        return [p]
    listed = _manifest_shards(p)
    if listed is not None:
        return [_checked(p / o["path"], o.get("rows")) for o in listed]
    if (p / DATA_DIR).is_dir() and any((p / DATA_DIR).glob("part-*.parquet")):
        return sorted((p / DATA_DIR).glob("part-*.parquet"))
    if (p / LEGACY_DATA_FILE).exists():
        return [p / LEGACY_DATA_FILE]
    files = sorted(p.glob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"{p}: no {DATA_DIR}/part-*.parquet, no {LEGACY_DATA_FILE} and no *.parquet files")
    return files


def dataset_schema(files: Sequence[Path], columns: Sequence[str] | None = None) -> pa.Schema:
    """One schema for all files (types promoted, e.g. a null column in one shard and strings in another)."""
    schemas = [logical_schema(pq.read_schema(f)) for f in files]
    schema = pa.unify_schemas(schemas, promote_options="permissive") if len(schemas) > 1 else schemas[0]
    if columns is not None:
        missing = [c for c in columns if c not in schema.names]
        if missing:
            raise KeyError(f"{files[0].parent}: no column(s) {', '.join(missing)} (have: {', '.join(schema.names)})")
        schema = pa.schema([schema.field(c) for c in columns])
    return schema


def iter_batches(path: str | os.PathLike | Iterable[Path], columns: Sequence[str] | None = None,
                 batch_rows: int = READ_BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """Stream a stage's rows as record batches (one row group in memory at a time), all cast to one schema."""
    files = list(path) if not isinstance(path, (str, os.PathLike)) else data_files(path)
    if not files:
        return
    schema = dataset_schema(files, columns)
    for f in files:
        pf = pq.ParquetFile(f)
        names = set(pf.schema_arrow.names)
        wanted = [c for c in schema.names if c in names]
        # One row group per call: over a whole file, pre-buffering keeps every row group's compressed bytes until
        # the file is done (merge of two 100k-row shards of R1-sized text: +200 MB, growing with the file).
        for group in range(pf.num_row_groups):
            for batch in pf.iter_batches(batch_size=batch_rows, row_groups=[group], columns=wanted):
                yield conform_batch(batch, schema)


def conform_batch(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """``batch`` with exactly ``schema``'s columns, in its order and types (absent columns null, extra ones dropped)."""
    batch = from_storage(batch)
    arrays = []
    for field in schema:
        if field.name in batch.schema.names:
            col = batch.column(field.name)
            arrays.append(col if col.type == field.type else col.cast(field.type))
        else:
            arrays.append(pa.nulls(batch.num_rows, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def vector_chunk_matrix(col: pa.FixedSizeListArray) -> tuple[Any, Any]:
    """(rows x dim numpy view of one fixed-size-list chunk's values, its validity mask); null rows keep their
    placeholder values."""
    import numpy as np

    dim = col.type.list_size
    # .values ignores a slice offset, so cut the child array to this chunk's rows ourselves.
    values = col.values.slice(col.offset * dim, len(col) * dim)
    if values.null_count == 0 and pa.types.is_floating(values.type):
        # The data buffer as is: pyarrow's to_numpy copies float16 value by value (9 s for 2.8M x 384 here).
        dtype = np.dtype(values.type.to_pandas_dtype())
        matrix = np.frombuffer(values.buffers()[1], dtype=dtype, count=len(values), offset=values.offset * dtype.itemsize)
    else:
        matrix = values.to_numpy(zero_copy_only=False)
    return matrix.reshape(len(col), dim), col.is_valid().to_numpy(zero_copy_only=False)


def read_vector_column(path: str | os.PathLike, column: str) -> pa.ChunkedArray:
    """A fixed-size-list column (e.g. ``embedding``) of every row as one chunk, filled row group by row group.

    One chunk because whole-pool math wants one matrix, and joining the chunks afterwards (``combine_chunks``,
    ``np.concatenate``) holds the column twice: +147 MB at 200k x 384 float16. Here the only copy is the
    matrix; each row group is decoded, copied in and dropped.
    """
    import numpy as np

    files = data_files(path)
    field = dataset_schema(files, [column]).field(column)
    if not pa.types.is_fixed_size_list(field.type) or not pa.types.is_floating(field.type.value_type):
        raise ValueError(f"{path}: column {column!r} is {field.type}, not a fixed-size list of floats")
    dim, dtype = field.type.list_size, np.dtype(field.type.value_type.to_pandas_dtype())
    total = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    matrix = np.zeros((total, dim), dtype=dtype)
    valid = np.ones(total, dtype=bool)
    start = 0
    for batch in iter_batches(files, columns=[column]):
        rows, ok = vector_chunk_matrix(batch.column(0))
        matrix[start:start + len(rows)], valid[start:start + len(rows)] = rows, ok
        start += len(rows)
    mask = None if valid.all() else pa.array(~valid)
    array = pa.FixedSizeListArray.from_arrays(pa.array(matrix.reshape(-1)), type=field.type, mask=mask)
    return pa.chunked_array([array], type=field.type)


def count_rows(path: str | os.PathLike) -> int:
    """Rows of a stage output from the Parquet footers (no data read)."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in data_files(path))


def read_all(path: str | os.PathLike | Sequence[Path], columns: Sequence[str] | None = None) -> pa.Table:
    """All rows as one table: for callers that need them together (small outputs, or a few columns).

    ``path`` as for :func:`data_files`, or a list of Parquet files read in that order."""
    files = [Path(f) for f in path] if isinstance(path, (list, tuple)) else data_files(path)
    schema = dataset_schema(files, columns)
    tables = [pq.read_table(f, columns=[c for c in schema.names if c in pq.read_schema(f).names]) for f in files]
    return pa.Table.from_batches([b for t in tables for b in _conform_table(t, schema).to_batches()], schema=schema)


def _column_paths(schema: pa.Schema) -> list[str]:
    """Parquet leaf column paths of ``schema`` (from the footer of an empty file written in memory)."""
    sink = pa.BufferOutputStream()
    pq.write_table(schema.empty_table(), sink)
    meta = pq.read_metadata(pa.BufferReader(sink.getvalue()))
    return [meta.schema.column(i).path for i in range(meta.num_columns)]


def _conform_table(table: pa.Table, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_batches([conform_batch(b, schema) for b in table.to_batches()], schema=schema)
