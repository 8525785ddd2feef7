"""The annotate stage's entry point: stream traces, annotate batch by batch, write the folder shard by shard.

Memory stays flat in rows: the input is read in record batches, each annotated batch goes straight to a
:class:`~naturalthoughts.core.store.StageOutput` shard, and the manifest's distributions are computed after
writing from each annotator's own (small) output columns read back from the shards. The model-free
annotators can run in worker processes (``workers``, :mod:`naturalthoughts.stages.annotation.pool`); the
output is the same rows and values whatever the number of workers.
"""

from __future__ import annotations

import os
import time
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import pyarrow as pa

from naturalthoughts.core.progress import clear_stage_markers
from naturalthoughts.core.store import Manifest, StageOutput, hash_config, hash_input
from naturalthoughts.llm.backends import Backend, BackendSpec
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.stages.annotation.api import (
    DEFAULT_BATCH_SIZE,
    AnnotationSession,
    _names,
    attach_columns,
    empty_columns,
)
from naturalthoughts.stages.annotation.base import Annotator
from naturalthoughts.stages.annotation.batch import REPORTS_WITHOUT_VALUES
from naturalthoughts.stages.annotation.resume import DEFAULT_ROWS_PER_SHARD, ResumableOutput

if TYPE_CHECKING:
    from naturalthoughts.llm.context import RowMapper

VERSIONS = ["sentence-transformers", "llama_cpp_python", "torch", "tokenizers"]


def run_annotate(
    input_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    annotators: str | Iterable[str],
    *,
    judge: BackendSpec | Backend | None = None,
    second: BackendSpec | Backend | None = None,
    cache: RequestCache | str | os.PathLike | bool | None = None,
    progress: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
    executor: "RowMapper | None" = None,
    workers: int | None = None,
    rows_per_shard: int = DEFAULT_ROWS_PER_SHARD,
    **options: Any,
) -> Manifest:
    """Annotate a trace file or stage folder and write ``out_dir`` (data shards + manifest.json + _SUCCESS).

    The manifest records per-annotator timings, label distributions and error counts, the judge and second
    models, the tokenizer, the embedding model and dimension, and strategy agreement when both methods ran.
    ``workers``: processes for the model-free annotators (length, lexical strategies, heuristic verbosity);
    default the idle cores (:func:`naturalthoughts.core.threads.idle_cores`); 1 runs everything here. Rows
    and values do not depend on it, so it is not part of the config hash. Output shards hold
    ``rows_per_shard`` input rows (rounded down to whole batches); a re-run after a crash keeps the finished
    ones (:mod:`naturalthoughts.stages.annotation.resume`).
    """
    config = _config(annotators, options, judge, second, batch_size)
    if executor is not None and executor.spreads:
        return _run_mapped(input_path, out_dir, annotators, config, judge=judge, second=second, cache=cache,
                           progress=progress, batch_size=batch_size, executor=executor, **options)
    t0 = time.perf_counter()
    source = TraceSource(input_path, batch_size)
    with AnnotationSession(annotators, judge=judge, second=second, cache=cache, progress=progress,
                           **options) as session:
        session.check(source.probe)  # every whole-run check before any work
        identity = {"config": hash_config(config), "input": hash_input(input_path), "batch_size": batch_size,
                    "rows_per_shard": rows_per_shard}
        resumable = ResumableOutput(out_dir, identity, rows_per_shard // batch_size,
                                    failed_calls=lambda: sum(s.failed for s in session.ctx.stats.values()))
        try:
            new_rows, pool_info = _stream(session, source, resumable, workers, progress)
        except BaseException:
            resumable.output.abort()
            raise
    rows = resumable.kept_rows + new_rows
    files = [Path(out_dir) / s["path"] for s in resumable.kept + resumable.output.writer.close()]
    report = _report(session, files, rows, pool_info)
    report["resume"] = {"shards_kept": len(resumable.kept), "rows_kept": resumable.kept_rows,
                        "rows_annotated_this_run": new_rows}
    if executor is not None:
        report["executor"] = executor.manifest_extra()
    output = resumable.output
    timings = {"read": source.seconds, **{name: e["seconds"] for name, e in report["annotators"].items()},
               "total": time.perf_counter() - t0}
    errors = {name: entry.get("errors", {}) for name, entry in report["annotators"].items()}
    return output.finish(stage="annotate", config=config, inputs=[input_path],
                         counts={"in": rows, "out": rows, "row_errors": errors},
                         timings=timings, extra=report, versions=VERSIONS)


def _config(annotators: Any, options: dict[str, Any], judge: Any, second: Any, batch_size: int) -> dict:
    def spec_config(s: Any) -> Any:
        if isinstance(s, BackendSpec):
            return s.to_config()
        return None if s is None else f"{s.name}:{s.model_id}"

    return {"annotators": _names(annotators),
            "options": {k: str(v) if isinstance(v, os.PathLike) else v for k, v in options.items()},
            "judge": spec_config(judge), "second": spec_config(second), "batch_size": batch_size}


class TraceSource:
    """The input as batches of exactly ``batch_size`` rows (the last one shorter), whatever its shards.

    Stage folders and Parquet stream with :func:`~naturalthoughts.core.datafiles.iter_batches`; JSONL, CSV
    and datasets stream through :func:`~naturalthoughts.core.io.iter_records` in chunks, with the columns of
    the first record (as reading them whole did). ``probe`` is an empty table with the input's columns, for
    the whole-run checks; ``rows`` the row count when the footers tell it; ``seconds`` the time spent reading.
    """

    @staticmethod
    def is_parquet(path: str | os.PathLike) -> bool:
        """A stage folder, a folder of Parquet files or a Parquet file (not a datasets folder or hf://)."""
        from naturalthoughts.core.io import _is_hf_dataset_dir

        p = Path(str(path))
        return not str(path).startswith("hf://") and (p.is_dir() and not _is_hf_dataset_dir(p)
                                                      or p.suffix == ".parquet")

    def __init__(self, path: str | os.PathLike, batch_size: int) -> None:
        self.batch_size, self.seconds = batch_size, 0.0
        p = Path(str(path))
        t0 = time.perf_counter()
        if self.is_parquet(path):
            from naturalthoughts.core.datafiles import data_files, dataset_schema, iter_batches
            from naturalthoughts.core.store import check_complete

            if p.is_dir():
                check_complete(p)
            files = data_files(p)
            self.probe = dataset_schema(files).empty_table()
            self.rows: int | None = sum(_footer_rows(f) for f in files)
            chunks: Iterator[pa.Table] = (pa.Table.from_batches([b]) for b in
                                          iter_batches(files, batch_rows=batch_size))
        else:
            chunks = _record_chunks(path, batch_size)
            first = next(chunks, None)
            self.probe = first.schema.empty_table() if first is not None else pa.table({})
            self.rows = None
            chunks = chain([first] if first is not None else [], chunks)
        self.seconds += time.perf_counter() - t0
        self._chunks = chunks

    def __iter__(self) -> Iterator[pa.Table]:
        pending: list[pa.Table] = []
        held = 0
        while True:
            t0 = time.perf_counter()
            chunk = next(self._chunks, None)
            self.seconds += time.perf_counter() - t0
            if chunk is None:
                break
            pending.append(chunk)
            held += chunk.num_rows
            while held >= self.batch_size:
                joined = pa.concat_tables(pending, promote_options="permissive")
                yield joined.slice(0, self.batch_size)
                rest = joined.slice(self.batch_size)
                pending, held = [rest], rest.num_rows
        if held:
            yield pa.concat_tables(pending, promote_options="permissive")


def _footer_rows(f: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(f).metadata.num_rows


def _record_chunks(path: str | os.PathLike, size: int) -> Iterator[pa.Table]:
    from naturalthoughts.core.io import iter_records

    records = (rec for _, rec in iter_records(path))
    names: list[str] | None = None
    while chunk := list(islice(records, size)):
        names = names if names is not None else list(chunk[0])
        yield pa.table({k: [r.get(k) for r in chunk] for k in names})


def _stream(session: AnnotationSession, source: TraceSource, resumable: ResumableOutput, workers: int | None,
            progress: bool) -> tuple[int, dict[str, Any]]:
    """Annotate every batch not in a kept shard (pooled annotators in worker processes) and write it; return
    (rows annotated, pool info)."""
    from naturalthoughts.stages.annotation.pool import AnnotatorPool, poolable

    output = resumable.output
    batches = resumable.skip_kept(source)
    head = list(islice(batches, 2))  # a one-batch input is not worth starting processes for
    if workers is None:
        from naturalthoughts.core.threads import idle_cores

        workers = idle_cores()
    pooled = [a for a in session.instances if poolable(a)] if workers > 1 and len(head) > 1 else []
    here = [a for a in session.instances if a not in pooled]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=source.rows, desc="annotate", unit="row", dynamic_ncols=True)
    rows = 0
    pool = AnnotatorPool([a.name for a in pooled], session.routed, workers) if pooled else None
    try:
        stream = chain(head, batches)
        annotated = pool.map(stream) if pool is not None else ((b, {}) for b in stream)
        for batch, outputs in annotated:
            outputs.update(session.annotate_batch(batch, only=here, bar=bar))
            resumable.write(batch, attach_columns(batch, outputs, session.names))
            rows += batch.num_rows
            if bar is not None:
                bar.update(batch.num_rows)
        resumable.cut()
        if rows == 0 and not resumable.kept:  # no rows: the folder still gets the annotated schema
            empty = {a.name: empty_columns(a) for a in session.instances}
            output.write(attach_columns(source.probe, empty, session.names))
    except BaseException:
        if pool is not None:
            pool.close(cancel=True)  # drop the batches still queued; the stage fails anyway
        raise
    finally:
        if bar is not None:
            bar.close()
    if pool is not None:
        pool.close()
    info = {"workers": workers if pool is not None else 1, "pooled": [a.name for a in pooled]}
    if pool is not None:
        info["seconds"], info["counters"] = pool.seconds, pool.counters()
    return rows, info


def _report(session: AnnotationSession, files: list[Path], rows: int, pool_info: dict[str, Any]) -> dict:
    """The manifest report; each annotator's distributions come from its columns read back from ``files``."""
    from naturalthoughts.core.datafiles import iter_batches
    from naturalthoughts.stages.annotation.batch import merge_entry

    def columns_of(a: Annotator) -> pa.Table:
        if a.name in REPORTS_WITHOUT_VALUES:
            return empty_columns(a)
        names = [f.name for f in a.output_fields()]
        return pa.Table.from_batches(list(iter_batches(files, columns=names)),
                                     schema=pa.schema(a.output_fields()))

    report: dict[str, Any] = {"annotators": {}, "rows": rows}
    for a in session.instances:
        if a.name in pool_info["pooled"]:
            fresh = session.entry(a, columns_of(a), rows, seconds=pool_info["seconds"][a.name])
            report["annotators"][a.name] = merge_entry(pool_info["counters"].get(a.name, {}), fresh)
        else:
            report["annotators"][a.name] = session.entry(a, columns_of(a), rows)
    report.update(session.roles())
    report["workers"] = {"processes": pool_info["workers"], "annotators": pool_info["pooled"]}
    return report


def _run_mapped(input_path: str | os.PathLike, out_dir: str | os.PathLike, annotators: Any, config: dict, *,
                judge: Any, second: Any, cache: Any, progress: bool, batch_size: int, executor: "RowMapper",
                **options: Any) -> Manifest:
    """``--executor ray`` / ``--shard I/N``: slices go through the RowMapper, whose workers write the shards."""
    from naturalthoughts.core.io import load_table
    from naturalthoughts.stages.annotation.batch import annotate_mapped_to_folder

    t0 = time.perf_counter()
    source: Any = input_path
    if TraceSource.is_parquet(input_path):
        from naturalthoughts.core.datafiles import data_files, dataset_schema
        from naturalthoughts.core.store import check_complete

        if Path(input_path).is_dir():
            check_complete(Path(input_path))
        probe = dataset_schema(data_files(input_path)).empty_table()
    else:
        source = probe = load_table(input_path)  # JSONL/CSV: the workers read Parquet, so convert it here
    t_read = time.perf_counter() - t0
    resume = None
    if getattr(executor, "executor", None) == "ray":  # Ray keeps the finished slices of an identical earlier run
        resume = {"config": hash_config(config), "input": hash_input(input_path), "batch_size": batch_size}
        clear_stage_markers(Path(out_dir))
    else:
        StageOutput(out_dir)  # clears what an earlier run left before the workers write
    shards, report, rows_in = annotate_mapped_to_folder(source, probe, out_dir, annotators, judge=judge,
                                                        second=second, cache=cache, progress=progress,
                                                        batch_size=batch_size, mapper=executor, resume=resume,
                                                        **options)
    timings = {"read": t_read, **{name: entry["seconds"] for name, entry in report["annotators"].items()}}
    timings["total"] = time.perf_counter() - t0
    report["executor"] = executor.manifest_extra()
    if executor.shard is not None:
        config["shard"] = executor.shard.to_config()
    errors = {name: entry.get("errors", {}) for name, entry in report["annotators"].items()}
    output = StageOutput(out_dir, keep_shards=True, first_shard=len(shards), kept=shards)
    return output.finish(stage="annotate", config=config, inputs=[input_path],
                         counts={"in": rows_in, "out": report["rows"], "row_errors": errors},
                         timings=timings, extra=report, versions=VERSIONS)
