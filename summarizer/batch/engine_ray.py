"""The Ray engine: the same per-article function (:meth:`Worker.process`) in Ray Data actors, on a local Ray or a
cluster; the driver reads the inputs, maps them in batches and writes each result as it arrives."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ConfigError, SummarizerError
from ..inputs import Item
from ..records import dumps
from ..schema import Usage
from .cache import ResultCache
from .limits import Budget
from .outcome import Outcome
from .output import Results
from .progress import LogProgress
from .run_summary import RunSummary
from .worker import Worker

if TYPE_CHECKING:
    from .api import BatchOptions

log = logging.getLogger(__name__)


class RayArticleWorker:
    """A Ray Data actor: a Summarizer and a Worker kept open across batches, its own event loop."""

    def __init__(self, settings: Settings, concurrency: int, rpm: float | None, tpm: float | None,
                 refresh: bool, cache: bool):
        from ..pipeline import Summarizer

        self.loop = asyncio.new_event_loop()
        self.summarizer = Summarizer(settings).open()
        self.worker = Worker(self.summarizer, cache=ResultCache() if cache else None, refresh=refresh, rpm=rpm, tpm=tpm)
        self.concurrency = concurrency

    def __call__(self, batch: dict) -> dict:
        items = [Item.from_dict(json.loads(text)) for text in batch["item"]]
        outcomes = self.loop.run_until_complete(self._all(items))
        return {
            "id": [o.id for o in outcomes], "line": [o.line for o in outcomes], "ok": [o.ok for o in outcomes],
            "reason": [o.reason or "" for o in outcomes], "cached": [o.cached for o in outcomes],
            "usage": [o.usage.model_dump_json() for o in outcomes],
            "fatal": [f"{type(o.fatal).__name__}\t{o.fatal.one_line()}" if o.fatal else "" for o in outcomes],
        }

    async def _all(self, items: list[Item]) -> list[Outcome]:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(item: Item) -> Outcome:
            async with gate:
                return await self.worker.process(item)

        return await asyncio.gather(*(one(item) for item in items))


def _outcome_from_row(row: dict) -> Outcome:
    """An Outcome back from a Ray result row."""
    fatal = None
    if row["fatal"]:
        name, message = str(row["fatal"]).split("\t", 1)
        from .. import errors

        fatal = getattr(errors, name, SummarizerError)(message)
    return Outcome(
        id=str(row["id"]), line=str(row["line"]), ok=bool(row["ok"]), reason=str(row["reason"]) or None,
        usage=Usage.model_validate_json(str(row["usage"])), cached=bool(row["cached"]), fatal=fatal,
    )


def _run_ray(items: Iterator[Item], results: Results, summary: RunSummary, progress: LogProgress,
             settings: Settings, opts: BatchOptions) -> None:
    """Read the inputs here, map them in batches on Ray Data actors, write each result here as it arrives."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError("the ray engine needs Ray", hint="pip install 'summarizer[ray]'") from None
    from ..prompts import load

    summary.template = load(settings.template, settings.templates_dir).label
    pending = []
    for item in items:
        if item.id in results.done:
            summary.skipped += 1
            progress.update(None)
        else:
            pending.append({"item": dumps(item.to_dict())})
    if not pending:
        return
    if settings.local:
        log.warning("the ray engine with the embedded local model: every worker shares one server that answers one "
                    "request at a time; the default engine is as fast")
    started_here = not ray.is_initialized()
    if started_here:
        address = opts.ray_address or os.environ.get("RAY_ADDRESS") or None
        ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False, configure_logging=False)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        workers = opts.ray_workers or 2
        ds = ray.data.from_items(pending).map_batches(
            RayArticleWorker, batch_size=opts.ray_batch_size or max(16, 2 * summary.concurrency), batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=opts.ray_cpus,
            fn_constructor_kwargs=dict(
                settings=settings, concurrency=summary.concurrency, refresh=opts.refresh, cache=opts.cache,
                rpm=opts.rpm / workers if opts.rpm else None, tpm=opts.tpm / workers if opts.tpm else None,
            ),
        )
        _collect_ray(ds, results, summary, progress, opts)
    finally:
        if started_here:
            ray.shutdown()


def _collect_ray(ds, results: Results, summary: RunSummary, progress: LogProgress, opts: BatchOptions) -> None:
    """Write Ray's results as they come; stop on a fatal error, on fail-fast or when the budget is spent."""
    budget = Budget(opts.max_tokens_total)
    for row in ds.iter_rows():
        outcome = _outcome_from_row(row)
        if outcome.fatal is not None:
            summary.stopped = "error"
            raise outcome.fatal
        results.write(outcome.line)
        results.done.add(outcome.id)
        summary.add(outcome)
        progress.update(outcome)
        budget.settle(0, outcome.usage.total_tokens)
        if opts.fail_fast and not outcome.ok:
            summary.stopped = "fail_fast"
            return
        if budget.total is not None and budget.spent >= budget.total:
            summary.stopped = "budget"
            return
