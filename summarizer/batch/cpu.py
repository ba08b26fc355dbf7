"""The articles' CPU-bound steps (name finding, grounding, normalization) in worker processes.

The asyncio engine waits on the model for ``concurrency`` articles at once; if each article's CPU work also ran on
its event loop, answers that arrive together would queue behind it. A :class:`CpuPool` runs that work in worker
processes instead (the pipeline's :meth:`~summarizer.pipeline.Summarizer._cpu` hands it over), so the event loop
only waits on I/O.

Where it is safe (Linux, and this process has no other thread, so no lock can be copied while held) the workers
are forked once the lookup tables are loaded: they start at once with the package and its tables. Otherwise they
are spawned, and each takes seconds to start (imports, tables): until they all have, the work runs inline, as it
did without a pool, so the first articles wait for nothing.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

#: At most this many worker processes by default (each holds the package and its tables, about 150 MB).
MAX_DEFAULT_PROCESSES = 8
#: No pool by default for fewer articles: there is little to overlap, and a spawned worker costs seconds of CPU
#: to start (imports, tables), more than the CPU steps of a few dozen articles (batch_bench.py --new-names).
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
    """In each worker: leave Ctrl-C to the parent (which shuts the pool down), end with the parent even when it is
    killed (an orphaned worker would wait for work forever), load the lookup tables."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="exit-with-parent", daemon=True).start()
    from ..grounding import load_tables

    load_tables()
    if initializer is not None:
        initializer(*initargs)


def _exit_with_parent(parent: int, every: float = 1.0) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def _started() -> bool:
    return True


def safe_start_method() -> str:
    """'fork' on Linux when this process has one thread, else 'spawn'."""
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"


class CpuPool(concurrent.futures.Executor):
    """A pool of worker processes, started by the first call (a batch served from the cache starts none),
    that runs work inline until its processes have started, then in them; inline again, with a warning, if the
    pool breaks (a worker killed) or cannot start."""

    def __init__(self, processes: int, *, initializer: Callable | None = None, initargs: tuple = (),
                 start_method: str | None = None):
        if processes < 1:
            raise ValueError(f"a CpuPool needs at least one process, got {processes}")
        self.processes = processes
        self.initializer = initializer
        self.initargs = initargs
        self.start_method = start_method  # None: safe_start_method() when the pool starts
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.ready = False
        self.broken = False
        self.offloaded = 0  # calls sent to the worker processes
        self._waiting = processes
        self._lock = threading.Lock()

    def _start(self) -> None:
        self.start_method = self.start_method or safe_start_method()
        if self.start_method == "fork":
            from ..grounding import load_tables, ner

            load_tables()  # once, here: the forked workers have them
            ner.load()  # the recognizer too (0.4 s and 50 MB per process otherwise)
        self.pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.processes, mp_context=multiprocessing.get_context(self.start_method),
            initializer=_start_worker, initargs=(self.initializer, self.initargs),
        )
        log.debug("CPU steps: %d worker processes (%s)", self.processes, self.start_method)
        for _ in range(self.processes):  # one call each, so every process is started now
            self.pool.submit(_started).add_done_callback(self._one_started)

    def _one_started(self, future: concurrent.futures.Future) -> None:
        if future.cancelled():
            return
        err = future.exception()
        if err is not None:
            self._break(err)
            return
        with self._lock:
            self._waiting -= 1
            self.ready = self._waiting <= 0

    def _break(self, err: BaseException) -> None:
        if not self.broken:
            self.broken = True
            log.warning("the CPU worker processes stopped or did not start (%s); the work runs in this process", err)

    def submit(self, fn, /, *args, **kwargs) -> concurrent.futures.Future:
        if self.pool is None:
            self._start()
        elif self.ready and not self.broken:
            try:
                future = self.pool.submit(fn, *args, **kwargs)
                self.offloaded += 1
                return future
            except concurrent.futures.BrokenExecutor as err:
                self._break(err)
        future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # noqa: BLE001 - the caller gets it from the future, as from the pool
            future.set_exception(err)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)
