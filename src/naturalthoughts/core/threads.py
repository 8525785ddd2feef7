"""How many compute threads to use right now: the cores that are idle, measured, not guessed.

Every CPU-heavy step (faiss k-means, BLAS, torch encoders, llama.cpp) asks :func:`idle_cores` once before it
starts. Why not the load average: it is a one-minute average that includes *this* process, so a benchmark that
just ran two threads sees load ≥ cores and would drop its next step to one thread (measured in the selection
benchmark: every embedding strategy after the first ran single-threaded on an otherwise idle 2-core machine).
Why not simply all cores: OpenMP workers spin or stall at barriers when another process holds a core, and on a
shared 2-core machine that made faiss k-means 7x and a MiniLM encode 3-4x slower with 2 threads than with 1.

So we sample ``/proc/stat`` for a tenth of a second while this process sleeps: the idle share of the machine
is what the next parallel region can have. Off Linux (no ``/proc/stat``) we fall back to the affinity cores.
``NATURALTHOUGHTS_THREADS=N`` forces a count everywhere.
"""

from __future__ import annotations

import os
import time

SAMPLE_SECONDS = 0.1
# A core counts as free when at least this share of it was idle during the sample: a mostly idle core still
# beats leaving it unused, a mostly busy one stalls every barrier.
FREE_CORE_SHARE = 0.7


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _cpu_times() -> list[int] | None:
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    return [int(x) for x in fields[1:9]]  # user nice system idle iowait irq softirq steal


def idle_cores(sample_seconds: float = SAMPLE_SECONDS) -> int:
    """Threads to use for the next CPU-bound step: the number of cores idle now (1 .. available cores).

    ``NATURALTHOUGHTS_THREADS`` overrides the measurement.
    """
    forced = os.environ.get("NATURALTHOUGHTS_THREADS")
    if forced:
        return max(1, int(forced))
    cores = available_cores()
    if cores == 1:
        return 1
    before = _cpu_times()
    if before is None:
        return cores
    time.sleep(sample_seconds)
    after = _cpu_times()
    if after is None:
        return cores
    delta = [b - a for a, b in zip(before, after)]
    total = sum(delta)
    if total <= 0:  # clock tick too coarse for the sample: no information, assume free
        return cores
    machine_cpus = os.cpu_count() or cores
    idle = (delta[3] + delta[4]) / total * machine_cpus
    return max(1, min(cores, int(idle + (1.0 - FREE_CORE_SHARE))))
