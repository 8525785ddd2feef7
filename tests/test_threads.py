"""naturalthoughts.core.threads: compute threads from the cores idle right now."""

from __future__ import annotations

from naturalthoughts.core import threads


def test_idle_cores_is_within_the_available_cores():
    n = threads.idle_cores()
    assert 1 <= n <= threads.available_cores()


def test_forced_thread_count(monkeypatch):
    monkeypatch.setenv("NATURALTHOUGHTS_THREADS", "3")
    assert threads.idle_cores() == 3


def test_busy_cores_are_not_counted(monkeypatch):
    """A machine whose CPUs were busy during the sample gets one thread; an idle one gets all its cores."""
    monkeypatch.delenv("NATURALTHOUGHTS_THREADS", raising=False)
    monkeypatch.setattr(threads, "available_cores", lambda: 4)
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(threads.time, "sleep", lambda s: None)

    def run(samples):
        it = iter(samples)
        monkeypatch.setattr(threads, "_cpu_times", lambda: next(it))
        return threads.idle_cores()

    #                 user nice sys idle iowait irq softirq steal
    assert run([[0] * 8, [40, 0, 0, 0, 0, 0, 0, 0]]) == 1   # all four cores busy
    assert run([[0] * 8, [0, 0, 0, 40, 0, 0, 0, 0]]) == 4   # all idle
    assert run([[0] * 8, [20, 0, 0, 20, 0, 0, 0, 0]]) == 2  # half the machine idle
    assert run([[0] * 8, [10, 0, 0, 25, 0, 0, 0, 5]]) == 2  # steal time is not ours: 2.5 idle -> 2
    assert run([None]) == 4                                 # no /proc/stat: all available cores
