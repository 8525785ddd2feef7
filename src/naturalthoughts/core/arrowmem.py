"""Arrow's memory pool for a stage process: jemalloc that keeps what it freed, where pyarrow has jemalloc.

Why: a stage decodes a row group, drops it and decodes the next, so the pool allocates and frees ~100 MB again
and again. pyarrow's default (mimalloc) hands that memory back to the OS, and the next row group faults every
page in anew. On the 2-core VMs this project is measured on, a fresh page costs ~60 us (first touch ran at
62 MB/s), so reading the text of 20 shards of the 2.8M-row selection benchmark took 0.38 s per row group with
mimalloc and 0.084 s with jemalloc keeping its pages (4.5x). Keeping them costs nothing the peak did not already
hold: the process stays at its high-water mark instead of returning below it between row groups.

A user's own choice wins: nothing changes when ``ARROW_DEFAULT_MEMORY_POOL`` is set.
"""

from __future__ import annotations

import os


def use_retaining_pool() -> str:
    """Switch this process to jemalloc without decay (when available and not chosen otherwise); the backend name."""
    import pyarrow as pa

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return pa.default_memory_pool().backend_name
    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(-1)
    except (NotImplementedError, AttributeError):  # wheels built without jemalloc (e.g. Windows)
        return pa.default_memory_pool().backend_name
    pa.set_memory_pool(pool)
    return pool.backend_name
