"""Worker processes for the annotators that need no model: batches spread over the cores, results in order.

``length``, ``strategies`` (lexical) and ``verbosity`` (heuristic) are pure CPU work per row (a Rust
tokenizer, Aho-Corasick, compression), so one process per core gives nearly linear speed-up; the GIL would
serialise threads. Annotators that call an LLM or hold a neural model (judges, ``disagreement``, ``domain``,
``embedding``) stay in the parent: one model in memory, one connection pool, one row cache.

Each worker builds its annotators once (in the pool's initializer) and keeps them for every batch, so their
counters (errors, rows per tokenizer, teachers without a tokenizer) accumulate per worker; each result carries
the worker's counters so far, and :meth:`AnnotatorPool.counters` merges the latest of each worker. Batches
travel as Arrow IPC (compact for slices); results are small output-column tables.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any, Iterable, Iterator

import pyarrow as pa

from naturalthoughts.stages.annotation.base import Annotator, Context

POOLED_ANNOTATORS = ("length", "strategies", "verbosity")

_worker: dict[str, Any] = {}


def poolable(a: Annotator) -> bool:
    """Whether ``a`` can run in a worker process: model-free, no judge, no second model."""
    return a.name in POOLED_ANNOTATORS and not a.uses_judge() and not a.uses_second()


def _to_ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _from_ipc(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def _worker_ready() -> int:
    return os.getpid()


@contextmanager
def _caller_script_hidden() -> Iterator[None]:
    """Start processes without re-running the caller's ``__main__`` script in them.

    A spawned worker normally imports the parent's main script first (so that functions defined there can be
    unpickled); ours need only this module. A script without an ``if __name__ == "__main__"`` guard would
    otherwise repeat its side effects (writing folders, starting another run) in every worker.
    """
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main is not None and k in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


def _init_worker(names: list[str], routed: dict[str, dict[str, Any]]) -> None:
    # The pool is the parallelism: the Rust tokenizer and BLAS stay on the worker's one core.
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from naturalthoughts.stages.annotation.registry import annotator_class

    _worker["annotators"] = [annotator_class(n)(**routed[n]) for n in names]
    _worker["ctx"] = Context(progress=False)
    _worker["batches"] = 0


def _annotate_in_worker(batch_ipc: bytes) -> tuple[int, int, dict[str, pa.Table], dict[str, float], dict]:
    from naturalthoughts.stages.annotation.api import annotator_columns, empty_columns

    batch = _from_ipc(batch_ipc)
    ctx: Context = _worker["ctx"]
    ctx.memo.clear()
    outputs, seconds = {}, {}
    for a in _worker["annotators"]:
        t0 = time.perf_counter()
        outputs[a.name] = annotator_columns(a, batch, ctx)
        seconds[a.name] = time.perf_counter() - t0
    _worker["batches"] += 1
    # Counters only (an empty column table: the parent recomputes distributions over all rows).
    counters = {a.name: a.report(empty_columns(a)) for a in _worker["annotators"]}
    return os.getpid(), _worker["batches"], outputs, seconds, counters


class AnnotatorPool:
    """A process pool running ``annotators`` (names, with their routed options) on batches, results in order.

    :meth:`map` keeps at most ``ahead`` batches in flight beyond the one being consumed, so memory stays at a
    few batches whatever the input size.
    """

    def __init__(self, names: list[str], routed: dict[str, dict[str, Any]], workers: int,
                 ahead: int | None = None) -> None:
        self.names = list(names)
        self.workers = workers
        self.ahead = ahead if ahead is not None else 2 * workers
        # spawn: a fresh interpreter per worker (no forked copy of the parent's threads, locks or models).
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                         initializer=_init_worker,
                                         initargs=(self.names, {n: routed[n] for n in self.names}))
        # With spawn, each submit while no worker is idle starts one process: start all of them now, while
        # the caller's script is hidden, and wait until each has built its annotators.
        with _caller_script_hidden():
            ready = [self._pool.submit(_worker_ready) for _ in range(workers)]
        for f in ready:
            f.result()
        self.seconds = {n: 0.0 for n in self.names}
        self._latest: dict[int, tuple[int, dict]] = {}  # worker pid -> (batches done, counters so far)

    def map(self, batches: Iterable[pa.Table]) -> Iterator[tuple[pa.Table, dict[str, pa.Table]]]:
        """Yield ``(batch, {annotator: output columns})`` in input order."""
        pending: deque[tuple[pa.Table, Future]] = deque()
        for batch in batches:
            pending.append((batch, self._pool.submit(_annotate_in_worker, _to_ipc(batch))))
            while len(pending) > self.ahead:
                yield self._collect(*pending.popleft())
        while pending:
            yield self._collect(*pending.popleft())

    def _collect(self, batch: pa.Table, future: Future) -> tuple[pa.Table, dict[str, pa.Table]]:
        pid, done, outputs, seconds, counters = future.result()
        for name, s in seconds.items():
            self.seconds[name] += s
        if done > self._latest.get(pid, (0, {}))[0]:
            self._latest[pid] = (done, counters)
        return batch, outputs

    def counters(self) -> dict[str, dict[str, Any]]:
        """Each annotator's report counters summed over the workers."""
        from naturalthoughts.stages.annotation.batch import merge_counts

        return {n: merge_counts([c.get(n) for _, c in self._latest.values()]) or {} for n in self.names}

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)

    def __enter__(self) -> "AnnotatorPool":
        return self

    def __exit__(self, exc_type: Any, *exc: object) -> None:
        self.close(cancel=exc_type is not None)
