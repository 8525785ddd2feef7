"""How long Arrow's allocator (mimalloc, pyarrow's default) keeps freed memory before returning it to the OS.

Why: a stage decodes a row group, drops it and decodes the next, so ~100 MB is allocated and freed again and
again. mimalloc returns freed pages after 10 ms by default, and the next row group faults every page in anew.
On the 2-core VMs this project is measured on, a fresh page is very expensive (first touch of new memory ran at
62 MB/s), so reading the text of 20 shards of the 2.8M-row selection benchmark took 0.33 s per row group with
the default and 0.072 s with a 1 s delay. A second is long enough to reuse the pages for the next row group and
short enough that the process still shrinks when a stage moves on. (jemalloc without decay was as fast but held
+135-300 MiB more at its peak in the 200k-row memory benchmark.)

mimalloc reads the option once, when pyarrow is first loaded, so :func:`configure` must run before
``import pyarrow``; the ``naturalthoughts`` command does it first thing. A value the user set wins.
"""

from __future__ import annotations

import os

RESET_DELAY_MS = "1000"


def configure() -> None:
    """Set ``MIMALLOC_RESET_DELAY`` (mimalloc's delay before freed pages go back to the OS) unless already set."""
    os.environ.setdefault("MIMALLOC_RESET_DELAY", RESET_DELAY_MS)
