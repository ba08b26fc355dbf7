"""The asyncio engine (the default): ``concurrency`` articles at a time in this process, their CPU-bound steps
in a pool of worker processes (:mod:`.cpu`) so that the event loop only waits on I/O."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ServerUnavailable, SummarizerError
from ..inputs import Item
from .cache import ResultCache
from .cpu import CpuPool, default_processes
from .limits import Budget
from .outcome import Outcome
from .output import Results
from .progress import LogProgress
from .run_summary import RunSummary
from .worker import Worker

if TYPE_CHECKING:
    from .api import BatchOptions

log = logging.getLogger(__name__)


class _Lanes:
    """``concurrency`` coroutines pulling items from one iterator: at most that many articles (and so LLM requests,
    made one after another per article) in flight."""

    def __init__(self, worker: Worker, results: Results, summary: RunSummary, progress: LogProgress, *,
                 concurrency: int, fail_fast: bool):
        self.worker = worker
        self.results = results
        self.summary = summary
        self.progress = progress
        self.concurrency = concurrency
        self.fail_fast = fail_fast
        self.fatal: SummarizerError | None = None
        self.down = 0  # consecutive "server unavailable" failures
        self.tasks: list[asyncio.Task] = []

    async def run(self, items: Iterator[Item]) -> None:
        self.items = items
        self.tasks = [asyncio.create_task(self._lane()) for _ in range(self.concurrency)]
        try:
            await asyncio.gather(*self.tasks)
        except asyncio.CancelledError:
            if self.summary.stopped is None:
                raise
        finally:
            for task in self.tasks:
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.fatal is not None:
            raise self.fatal

    async def _lane(self) -> None:
        for item in self.items:
            if self.summary.stopped:
                return
            if item.id in self.results.done:
                self.summary.skipped += 1
                self.progress.update(None)
                continue
            self.results.started(item.id)
            outcome = await self.worker.process(item)
            self.record(outcome)

    def record(self, outcome: Outcome) -> None:
        """Write one outcome, count it, and stop the run when it says so."""
        if outcome.fatal is not None:
            self._stop("error", outcome.fatal)
            return
        self.results.write(outcome.line)
        self.results.done.add(outcome.id)
        self.summary.add(outcome)
        self.progress.update(outcome)
        self._watch_server(outcome)
        if self.fail_fast and not outcome.ok:
            self._stop("fail_fast")

    def _watch_server(self, outcome: Outcome) -> None:
        """Stop when the server looks down: as many articles in a row as there are lanes (at least 3) failed to
        reach it."""
        if not outcome.unreachable:
            self.down = 0 if outcome.ok else self.down
            return
        self.down += 1
        if self.down >= max(3, self.concurrency):
            message = json.loads(outcome.line)["error"]["message"]
            self._stop("error", ServerUnavailable(f"{message}; stopped after {self.down} articles in a row"))

    def _stop(self, why: str, fatal: SummarizerError | None = None) -> None:
        if self.summary.stopped:
            return
        self.summary.stopped = why
        self.fatal = fatal
        current = asyncio.current_task()
        for task in self.tasks:
            if task is not current:
                task.cancel()


async def _run_asyncio(items: Iterator[Item], results: Results, summary: RunSummary, progress: LogProgress,
                       settings: Settings, opts: BatchOptions) -> None:
    from ..pipeline import Summarizer

    cache = ResultCache() if opts.cache else None
    processes = opts.cpu_processes
    if processes is None:
        processes = default_processes(summary.concurrency, summary.inputs)
    executor = opts.cpu_executor or (CpuPool(processes) if processes else None)
    try:
        with Summarizer(settings, progress=lambda stage: log.debug("%s", stage), executor=executor) as summarizer:
            worker = Worker(summarizer, cache=cache, refresh=opts.refresh, rpm=opts.rpm, tpm=opts.tpm,
                            budget=Budget(opts.max_tokens_total))
            summary.template = summarizer.template.label
            try:
                await _Lanes(worker, results, summary, progress, concurrency=summary.concurrency,
                             fail_fast=opts.fail_fast).run(items)
            finally:
                await worker.aclose()
    finally:
        if cache is not None:
            cache.close()
        if executor is not None and executor is not opts.cpu_executor:  # a caller's executor is the caller's
            executor.shutdown(wait=True, cancel_futures=True)
