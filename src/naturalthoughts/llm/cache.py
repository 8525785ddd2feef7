"""Row-level request cache: every completed request is stored the moment it returns.

SQLite in WAL mode: one file, safe against a SIGKILL mid-run (a committed row survives, an uncommitted one is
simply re-requested), readable while a writer appends, and fast enough for look-ups of 10k+ rows per second.

The key covers everything that determines the output (backend, model, rendered messages, assistant prefix,
temperature, top-p, stop, seed, sample index) and deliberately *not* ``max_tokens``: a finished answer is valid
for any budget at least its length, so raising ``max_tokens`` keeps every finished row (curator#697). Truncated
rows are reused only under the same budget, unless ``retry_truncated`` asks for them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

from naturalthoughts.core.store import stable_json
from naturalthoughts.llm.backends.base import ChatRequest, Completion

DEFAULT_CACHE_ENV = "NATURALTHOUGHTS_CACHE"


def default_cache_path() -> Path:
    """``$NATURALTHOUGHTS_CACHE`` or ``~/.cache/naturalthoughts/requests.sqlite``."""
    env = os.environ.get(DEFAULT_CACHE_ENV)
    if env:
        return Path(env)
    return Path.home() / ".cache" / "naturalthoughts" / "requests.sqlite"


def request_key(model_key: str, req: ChatRequest) -> str:
    """Cache key of a request sent to ``model_key`` ("backend:model")."""
    p = req.params
    material = {
        "model": model_key,
        "messages": req.messages,
        "prefix": req.assistant_prefix,
        "temperature": p.temperature,
        "top_p": p.top_p,
        "stop": list(p.stop),
        "seed": req.effective_seed(),
        "sample": req.sample_index,
    }
    # Only when set, so keys of requests without a mode switch stay what they were before the fields existed.
    if req.template_kwargs:
        material["template_kwargs"] = dict(req.template_kwargs)
    if req.request_fields:
        material["request_fields"] = dict(req.request_fields)
    return hashlib.sha256(stable_json(material).encode()).hexdigest()


def usable(cached: Completion, req: ChatRequest, *, retry_truncated: bool = False) -> bool:
    """Whether a stored completion answers ``req`` (see the module docstring for the max_tokens rule)."""
    if not cached.ok:
        return False  # failed requests are always retried
    want = req.params.max_tokens
    if cached.finish_reason == "length":
        return not retry_truncated and cached.max_tokens == want
    return cached.completion_tokens is None or cached.completion_tokens <= want


def _is_folder(path: str | os.PathLike | None) -> bool:
    return path is not None and (Path(path).is_dir() or str(path).endswith(("/", os.sep)))


def _switch_to_wal(db: sqlite3.Connection, seconds: float = 60.0) -> None:
    """``PRAGMA journal_mode=WAL``, retried while another connection holds the lock it needs.

    SQLite answers "database is locked" at once, without its busy timeout, when several processes switch a new
    file to WAL together (two Ray actors opening one cache file: 5 of 120 opens failed in a test of four
    processes at a time), so the switch backs off and tries again for up to ``seconds``.
    """
    deadline, delay = time.monotonic() + seconds, 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(2 * delay, 0.25)


class RequestCache:
    """A persistent map from request key to :class:`Completion`.

    ``path`` names one SQLite file, or a folder (an existing directory or a path ending in ``/``): then the cache is
    a :class:`FolderCache`, for run folders on storage several hosts share.
    """

    def __new__(cls, path: str | os.PathLike | None = None, *args: Any, **kwargs: Any) -> "RequestCache":
        if cls is RequestCache and _is_folder(path):
            return super().__new__(FolderCache)
        return super().__new__(cls)

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # check_same_thread=False: HTTP backends call put() from their event-loop thread; the lock serialises.
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False, isolation_level=None)
        _switch_to_wal(self._db)
        # NORMAL is durable against process crashes in WAL mode (only an OS crash can lose the last commits).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS completions (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    def get_many(self, keys: Sequence[str]) -> dict[str, Completion]:
        out: dict[str, Completion] = {}
        with self._lock:
            for start in range(0, len(keys), 900):  # SQLite's default limit on bound parameters is 999
                chunk = list(keys[start : start + 900])
                marks = ",".join("?" * len(chunk))
                for key, value in self._db.execute(f"SELECT key, value FROM completions WHERE key IN ({marks})", chunk):
                    c = Completion.from_dict(json.loads(value))
                    c.cached = True
                    out[key] = c
        return out

    def put(self, key: str, completion: Completion) -> None:
        value = json.dumps(completion.to_dict(), ensure_ascii=False)
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO completions (key, value) VALUES (?, ?)", (key, value))

    def put_many(self, items: Iterable[tuple[str, Completion]]) -> None:
        rows = [(k, json.dumps(c.to_dict(), ensure_ascii=False)) for k, c in items]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO completions (key, value) VALUES (?, ?)", rows)
            self._db.execute("COMMIT")

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM completions").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "RequestCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FolderCache(RequestCache):
    """The row cache as a folder of SQLite files, one per writing process, none ever written by two of them.

    SQLite's WAL mode keeps its lock in shared memory, which network filesystems (NFS, Lustre, ...) do not share
    between hosts, so a single cache file written by Ray workers on several hosts could be corrupted. Here each
    process appends to its own ``<host>-<pid>.sqlite`` (created on first use); look-ups read that file and then,
    read-only, every other ``*.sqlite`` in the folder present when it opened, so a resumed run finds what any earlier
    worker on any host finished. Files are never merged or deleted by the tool; ``len()`` counts distinct keys.
    """

    def __init__(self, path: str | os.PathLike | None = None, writer: str | None = None) -> None:
        import socket

        self.folder = Path(path) if path else default_cache_path()
        self.folder.mkdir(parents=True, exist_ok=True)
        name = writer or f"{socket.gethostname()}-{os.getpid()}"
        others = sorted(f for f in self.folder.glob("*.sqlite") if f.name != f"{name}.sqlite")
        super().__init__(self.folder / f"{name}.sqlite")
        self._readers: list[sqlite3.Connection] = []
        for f in others:
            try:
                db = sqlite3.connect(f"file:{f}?mode=ro", uri=True, timeout=60, check_same_thread=False)
                db.execute("SELECT 1 FROM completions LIMIT 1")
                self._readers.append(db)
            except sqlite3.Error:
                continue  # a file another process is creating right now, or not a cache: skip it

    def get_many(self, keys: Sequence[str]) -> dict[str, Completion]:
        out = super().get_many(keys)
        missing = [k for k in keys if k not in out]
        with self._lock:
            for db in self._readers:
                if not missing:
                    break
                for start in range(0, len(missing), 900):
                    chunk = missing[start : start + 900]
                    marks = ",".join("?" * len(chunk))
                    for key, value in db.execute(f"SELECT key, value FROM completions WHERE key IN ({marks})", chunk):
                        c = Completion.from_dict(json.loads(value))
                        c.cached = True
                        out.setdefault(key, c)
                missing = [k for k in missing if k not in out]
        return out

    def __len__(self) -> int:
        keys: set[str] = set()
        with self._lock:
            for db in [self._db, *self._readers]:
                keys.update(k for (k,) in db.execute("SELECT key FROM completions"))
        return len(keys)

    def close(self) -> None:
        with self._lock:
            for db in self._readers:
                db.close()
            self._readers = []
        super().close()


def cache_setting(cache: Any) -> tuple[Path | None, bool]:
    """``(cache_path, use_cache)`` for a stage's ``cache`` argument: None (default file), False, a path or a cache."""
    if cache is False:
        return None, False
    if isinstance(cache, FolderCache):
        return cache.folder, True  # workers open files of their own in the same folder
    if isinstance(cache, RequestCache):
        return cache.path, True
    return (Path(cache) if cache else default_cache_path()), True

