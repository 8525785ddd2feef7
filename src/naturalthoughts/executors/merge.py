"""Combine the outputs of ``--shard I/N`` runs into one stage folder, after checking they belong together.

Checks, each with an error that names the folder or id at fault:

* every folder is a complete stage output written with ``--shard``;
* one stage, one shard count, one configuration apart from the shard, one input (same content hash);
* every shard ``0..N-1`` present, none given twice;
* every row sits in the shard its id hashes to, and every row key (``trace_id``, else ``id``) appears once.

The merged folder's manifest has the unsharded configuration and the shards' input, so later stages see the
same lineage as after an unsharded run; the shards it came from are listed under ``extra.merged_from``.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from naturalthoughts.core.datafiles import (DATA_DIR, TEXT_CHUNK_ROWS, TEXT_ROW_GROUP_BYTES, conform_batch, data_files,
                                            dataset_schema, iter_batches, read_all)
from naturalthoughts.core.sharding import SHARD_COLUMN, Shard, shard_indices, without_shard
from naturalthoughts.core.store import (
    DATA_FILE,
    MANIFEST_FILE,
    REJECTS_FILE,
    SUCCESS_FILE,
    Manifest,
    StageOutput,
    hash_config,
    is_complete,
    read_table,
    sum_counts,
)


class MergeError(ValueError):
    """Shard outputs that cannot be merged; the message says which folder or id and why."""


def row_key_column(table: pa.Table) -> str:
    """The column that identifies a row: ``trace_id`` for traces, ``id`` for questions."""
    return "trace_id" if "trace_id" in table.column_names else SHARD_COLUMN


def _load_shard(path: Path) -> tuple[Manifest, Shard]:
    if not path.is_dir():
        raise MergeError(f"{path}: not a folder (expected a stage output written with --shard I/N)")
    if not is_complete(path):
        raise MergeError(f"{path}: incomplete stage output (no {SUCCESS_FILE}); re-run that shard")
    manifest = Manifest.load(path)
    shard = Shard.from_config(manifest.config)
    if shard is None:
        raise MergeError(f"{path}: manifest records no shard; it was not written with --shard I/N")
    return manifest, shard


def _check_lineage(dirs: Sequence[Path], manifests: Sequence[Manifest], shards: Sequence[Shard]) -> None:
    ref_dir, ref, ref_shard = dirs[0], manifests[0], shards[0]
    ref_config_hash = hash_config(without_shard(ref.config))
    ref_inputs = [i.get("sha256") for i in ref.inputs]
    for d, m, s in zip(dirs[1:], manifests[1:], shards[1:]):
        if m.stage != ref.stage:
            raise MergeError(f"lineage mismatch: {d} is stage {m.stage!r} but {ref_dir} is stage {ref.stage!r}")
        if s.count != ref_shard.count:
            raise MergeError(f"lineage mismatch: {d} is shard {s} but {ref_dir} is shard {ref_shard} "
                             f"(different shard counts)")
        if hash_config(without_shard(m.config)) != ref_config_hash:
            a, b = without_shard(ref.config), without_shard(m.config)
            differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            raise MergeError(f"lineage mismatch: {d} and {ref_dir} were run with different configurations "
                             f"(differing keys: {', '.join(differ)})")
        if [i.get("sha256") for i in m.inputs] != ref_inputs:
            raise MergeError(f"lineage mismatch: {d} and {ref_dir} read different inputs "
                             f"({[i.get('path') for i in m.inputs]} vs {[i.get('path') for i in ref.inputs]}, "
                             f"content hashes differ)")


def _check_coverage(dirs: Sequence[Path], shards: Sequence[Shard]) -> None:
    seen: dict[int, Path] = {}
    for d, s in zip(dirs, shards):
        if s.index in seen:
            raise MergeError(f"shard {s} given twice: {seen[s.index]} and {d}")
        seen[s.index] = d
    count = shards[0].count
    missing = [i for i in range(count) if i not in seen]
    if missing:
        have = ", ".join(f"{i}/{count}" for i in sorted(seen))
        names = ", ".join(f"{i}/{count}" for i in missing)
        raise MergeError(f"missing shard{'s' if len(missing) > 1 else ''} {names} (have {have}): "
                         f"run the stage with --shard {missing[0]}/{count} and merge again")


def _check_rows(dirs: Sequence[Path], shards: Sequence[Shard], tables: Sequence[pa.Table]) -> None:
    key_cols = {row_key_column(t) for t in tables}
    if len(key_cols) > 1:
        raise MergeError(f"shards disagree on the row key column ({sorted(key_cols)})")
    key_col = key_cols.pop()
    owner: dict[str, Path] = {}
    for d, s, t in zip(dirs, shards, tables):
        if SHARD_COLUMN not in t.column_names:
            raise MergeError(f"{d}: data has no {SHARD_COLUMN!r} column")
        ids = t.column(SHARD_COLUMN).to_pylist()
        wrong = np.nonzero(shard_indices(ids, s.count) != s.index)[0]
        if len(wrong):
            raise MergeError(f"{d}: row id {ids[wrong[0]]!r} does not belong to shard {s} "
                             f"({len(wrong)} such rows): the folder was not produced by --shard {s} of this input")
        keys = t.column(key_col).to_pylist()
        dupes = [k for k, n in Counter(keys).items() if n > 1]
        if dupes:
            raise MergeError(f"{d}: {key_col} {dupes[0]!r} appears {Counter(keys)[dupes[0]]} times "
                             f"({len(dupes)} duplicated keys)")
        for k in keys:
            if k in owner:  # cannot happen when ids hash correctly; kept as the exactly-once guarantee
                raise MergeError(f"{key_col} {k!r} appears in both {owner[k]} and {d}")
            owner[k] = d


def _input_ids(manifest: Manifest) -> pa.Array | None:
    """Ids of the shards' common input in its order, when that input is still readable and unchanged."""
    from naturalthoughts.core.store import hash_input

    if len(manifest.inputs) != 1:
        return None
    path = manifest.inputs[0].get("path")
    try:
        if not path or not Path(path).exists() or hash_input(path) != manifest.inputs[0].get("sha256"):
            return None
        return read_table(path, columns=[SHARD_COLUMN]).column(SHARD_COLUMN).combine_chunks()
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None  # a JSONL/CSV input or a moved file: keep shard order


def _merge_side_files(dirs: Sequence[Path], manifests: Sequence[Manifest], out: Path) -> list[str]:
    """Side files: row-aligned ``.npy`` arrays are concatenated in shard order; other files must be identical."""
    names = [sorted(o["path"] for o in m.outputs if o["path"] not in (DATA_FILE, REJECTS_FILE)
                    and not o["path"].startswith(f"{DATA_DIR}/")) for m in manifests]
    if any(n != names[0] for n in names):
        raise MergeError(f"shards have different side files: {dict(zip(map(str, dirs), names))}")
    written = []
    for name in names[0]:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".npy"):
            arrays = [np.load(d / name, mmap_mode="r") for d in dirs]
            np.save(target, np.concatenate(arrays, axis=0))
        else:
            contents = {(d / name).read_bytes() for d in dirs}
            if len(contents) > 1:
                raise MergeError(f"side file {name!r} differs between shards and is not a row-aligned .npy array")
            target.write_bytes(contents.pop())
        written.append(name)
    return written


def _merged_rows(files: Sequence[Sequence[Path]], schema: pa.Schema, keys: Sequence[pa.Table],
                 input_ids: pa.Array | None, chunk_rows: int = TEXT_CHUNK_ROWS) -> Iterable[pa.Table]:
    """The shards' rows in the input's order (rows sharing an id keep their shard order), else shard by shard.

    A shard run keeps its input's order, so the merge is an interleaving of the shards' streams: which shard
    each output row comes from is computed from the ids alone, and every shard is read once, front to back.
    A shard whose rows are not in input order (none is, from our stages) is read by position instead.
    """
    if input_ids is None:
        for fs in files:
            yield from _stream(fs, schema, chunk_rows)
        return
    positions = []
    for k in keys:  # an id missing from the input goes last
        found = pc.index_in(k.column(SHARD_COLUMN), value_set=input_ids)
        positions.append(pc.fill_null(found, len(input_ids)).to_numpy().astype(np.int64))
    concatenated = np.concatenate(positions) if positions else np.zeros(0, np.int64)
    order = np.lexsort((np.arange(len(concatenated)), concatenated))
    if not all(np.all(np.diff(p) >= 0) for p in positions):
        from naturalthoughts.core.rowaccess import iter_take

        yield from iter_take([f for fs in files for f in fs], order, chunk_rows)
        return
    source = np.repeat(np.arange(len(keys)), [len(p) for p in positions])[order]
    yield from _interleave([_stream(fs, schema, chunk_rows) for fs in files], source, chunk_rows)


def _stream(files: Sequence[Path], schema: pa.Schema, rows: int) -> Iterable[pa.Table]:
    for batch in iter_batches(files, batch_rows=rows):
        yield pa.Table.from_batches([conform_batch(batch, schema)])


def _interleave(streams: list, source: np.ndarray, chunk_rows: int) -> Iterable[pa.Table]:
    """Rows taken front to back from ``streams[source[i]]`` for output row i, ``chunk_rows`` at a time."""
    pending: list[pa.Table | None] = [None] * len(streams)

    def front(s: int, n: int) -> pa.Table:
        parts, have = [], 0
        while have < n:
            if pending[s] is None or pending[s].num_rows == 0:
                pending[s] = next(streams[s])
            take = min(n - have, pending[s].num_rows)
            parts.append(pending[s].slice(0, take))
            pending[s], have = pending[s].slice(take), have + take
        return pa.concat_tables(parts) if len(parts) != 1 else parts[0]

    for start in range(0, len(source), chunk_rows):
        part = source[start:start + chunk_rows]
        need = np.bincount(part, minlength=len(streams))
        block = pa.concat_tables([front(s, int(n)) for s, n in enumerate(need) if n])
        by_shard = np.argsort(part, kind="stable")  # block row j is output row by_shard[j]
        where = np.empty_like(by_shard)
        where[by_shard] = np.arange(len(part))
        yield block.take(pa.array(where))


def merge_shards(shard_dirs: Iterable[str | os.PathLike], out_dir: str | os.PathLike) -> Manifest:
    """Check that ``shard_dirs`` are all the shards of one run and write their union to ``out_dir``.

    Rows come out in the input's order when the input is still readable (Parquet or a stage folder), else shard by
    shard. Raises :class:`MergeError` for any check that fails; nothing is written then.
    """
    dirs = [Path(d) for d in shard_dirs]
    if not dirs:
        raise MergeError("no shard folders given")
    loaded = [_load_shard(d) for d in dirs]
    manifests = [m for m, _ in loaded]
    shards = [s for _, s in loaded]
    _check_lineage(dirs, manifests, shards)
    _check_coverage(dirs, shards)
    order = sorted(range(len(dirs)), key=lambda i: shards[i].index)
    dirs, manifests, shards = [dirs[i] for i in order], [manifests[i] for i in order], [shards[i] for i in order]
    files = [data_files(d) for d in dirs]
    try:
        schema = dataset_schema([f for fs in files for f in fs])
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise MergeError(f"shard schemas cannot be combined: {exc}") from exc
    # Only the key columns are held (for the checks and the order); the rows stream through in chunks.
    keys = [read_all(fs, [c for c in (SHARD_COLUMN, "trace_id") if c in dataset_schema(fs).names]) for fs in files]
    _check_rows(dirs, shards, keys)

    has_npy_side = any(o["path"].endswith(".npy") for m in manifests for o in m.outputs)
    input_ids = None if has_npy_side else _input_ids(manifests[0])  # row-aligned side arrays fix shard order
    rejects = [read_table(d / REJECTS_FILE) for d in dirs if (d / REJECTS_FILE).exists()]

    out = Path(out_dir)
    output = StageOutput(out, row_group_bytes=TEXT_ROW_GROUP_BYTES)
    side = _merge_side_files(dirs, manifests, out)
    for batch in _merged_rows(files, schema, keys, input_ids):
        output.write(batch)
    if output.rows == 0:  # no rows in any shard: the folder still gets the schema
        output.write(schema.empty_table())
    output.reject(pa.concat_tables(rejects, promote_options="default") if rejects else None)
    ref = manifests[0]
    manifest = output.finish(
        stage=ref.stage,
        config=without_shard(ref.config),
        counts=sum_counts([m.counts for m in manifests]),
        timings=sum_counts([m.timings for m in manifests]) or {},
        extra={
            **(sum_counts([m.extra for m in manifests]) or {}),
            "merged_from": [
                {"path": str(d), "shard": str(s), "rows": t.num_rows, "config_hash": m.config_hash}
                for d, s, t, m in zip(dirs, shards, keys, manifests)
            ],
            "timings_note": "timings are summed over shards (compute seconds, not wall-clock)",
        },
        side_files=side,
    )
    # The merged output stands for an unsharded run over the shards' input: record that input, not the shards.
    manifest.inputs = [dict(i) for i in ref.inputs]
    (out / SUCCESS_FILE).unlink(missing_ok=True)
    tmp = out / (MANIFEST_FILE + ".tmp")
    tmp.write_text(manifest.to_json())
    os.replace(tmp, out / MANIFEST_FILE)
    (out / SUCCESS_FILE).write_text(manifest.config_hash + "\n")
    return manifest


__all__ = ["MergeError", "merge_shards", "row_key_column", "sum_counts"]
