"""The articles' CPU-bound steps (name finding, grounding, normalization) in worker processes.

The asyncio engine waits on the model for ``concurrency`` articles at once; if each article's CPU work also ran on
its event loop, answers that arrive together would queue behind it. A :class:`CpuPool` runs that work in spawned
processes instead (the pipeline's :meth:`~summarizer.pipeline.Summarizer._cpu` hands it over), so the event loop
only waits on I/O. A process takes seconds to start (imports, lookup tables): until they all have, the work runs
inline, as it did without a pool, so the first articles wait for nothing.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

#: At most this many worker processes by default (each holds the package and its tables, about 150 MB).
MAX_DEFAULT_PROCESSES = 8
#: No pool by default for fewer articles: starting a worker costs seconds of CPU (imports, tables), more than
#: the CPU steps of a few dozen articles (benchmarks/batch_bench.py --new-names measures them).
MIN_DEFAULT_ARTICLES = 50


def default_processes(concurrency: int, articles: int) -> int:
    """Worker processes for a batch of ``articles`` (as counted before it starts): none for one article at a time
    (nothing to overlap) or for a small batch, else one per core this process may use, at most ``concurrency``
    and :data:`MAX_DEFAULT_PROCESSES`."""
    if concurrency <= 1 or articles < MIN_DEFAULT_ARTICLES:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, concurrency, MAX_DEFAULT_PROCESSES))


def _start_worker(initializer: Callable | None, initargs: tuple) -> None:
    """In each worker: leave Ctrl-C to the parent (which shuts the pool down), load the lookup tables."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..grounding import load_tables

    load_tables()
    if initializer is not None:
        initializer(*initargs)


def _started() -> bool:
    return True


class CpuPool(concurrent.futures.Executor):
    """A process pool that runs work inline until its processes have started, then in them; inline again, with a
    warning, if the pool breaks (a worker killed)."""

    def __init__(self, processes: int, *, initializer: Callable | None = None, initargs: tuple = ()):
        self.pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=processes, mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded process
            initializer=_start_worker, initargs=(initializer, initargs),
        )
        self.ready = False
        self.broken = False
        self.offloaded = 0  # calls sent to the worker processes
        self._waiting = processes
        self._lock = threading.Lock()
        for _ in range(processes):
            self.pool.submit(_started).add_done_callback(self._one_started)

    def _one_started(self, future: concurrent.futures.Future) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        with self._lock:
            self._waiting -= 1
            self.ready = self._waiting <= 0

    def submit(self, fn, /, *args, **kwargs) -> concurrent.futures.Future:
        if self.ready and not self.broken:
            try:
                future = self.pool.submit(fn, *args, **kwargs)
                self.offloaded += 1
                return future
            except concurrent.futures.BrokenExecutor as err:
                self.broken = True
                log.warning("the CPU worker processes stopped (%s); the rest runs in this process", err)
        future: concurrent.futures.Future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # noqa: BLE001 - the caller gets it from the future, as from the pool
            future.set_exception(err)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)

