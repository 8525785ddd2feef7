"""A generator's next item produced in a thread while the caller works on the current one.

Used where the next item is decoding (Parquet releases the GIL while it decodes): the embedding column streamed
block by block for selection, and the selected rows' row groups when select writes them.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator


def read_ahead(items: Iterable[Any]) -> Iterator[Any]:
    """Yield ``items`` while a thread produces the next one: Parquet decoding releases the GIL, so the next row
    group decodes while the caller works on this one. At most two items are alive (the caller's and the next):
    the thread starts item i+1 only once the caller has taken item i. Errors are raised at the item that failed;
    closing the generator stops the thread after the item it is producing."""
    import queue
    import threading

    done, failed = object(), []
    ready: queue.Queue = queue.Queue()
    taken = threading.Semaphore(1)  # the thread may produce one item beyond what the caller holds
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                ready.put(item)
                while not taken.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            failed.append(exc)
        ready.put(done)

    taken.acquire()
    thread = threading.Thread(target=produce, name="nt-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = ready.get()
            if item is done:
                break
            taken.release()  # the caller holds this one: start the next
            yield item
            del item
        if failed:
            raise failed[0]
    finally:
        stop.set()
        thread.join()
