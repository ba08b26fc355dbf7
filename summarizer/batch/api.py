"""The public batch API: :func:`summarize_many`, :func:`asummarize_many` and :class:`BatchOptions`."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..article import Article
from ..config import Settings, resolve
from ..errors import ConfigError
from ..inputs import Item, count, expand, items_from, iter_items
from .engine_asyncio import _run_asyncio
from .engine_ray import _run_ray
from .output import Results, ResultsFile
from .progress import LogProgress, make_progress
from .run_summary import RunSummary

log = logging.getLogger(__name__)

ENGINES = ("asyncio", "ray")
DEFAULT_HOSTED_CONCURRENCY = 4


@dataclass
class BatchOptions:
    """How a batch runs (everything but the model settings)."""

    concurrency: int | None = None
    rpm: float | None = None
    tpm: float | None = None
    limit: int | None = None
    max_tokens_total: int | None = None
    refresh: bool = False
    cache: bool = True
    fail_fast: bool = False
    progress: bool | None = None
    engine: str = "asyncio"
    ray_address: str | None = None
    ray_workers: int | None = None
    ray_batch_size: int | None = None  # default: twice the concurrency, at least 16
    ray_cpus: float = 0.5
    #: Worker processes for the articles' CPU-bound steps (asyncio engine): 0 runs them on the event loop; None: one
    #: per core, at most ``concurrency`` and 8 (none for one article at a time or fewer than 50 articles).
    cpu_processes: int | None = None
    #: Or an executor of your own for those steps (a :class:`~summarizer.batch.CpuPool`, say); it is not shut down.
    cpu_executor: concurrent.futures.Executor | None = None

    def check(self) -> None:
        """ConfigError for impossible values."""
        if self.engine not in ENGINES:
            raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        for name in ("concurrency", "limit", "ray_workers", "cpu_processes"):
            value = getattr(self, name)
            least = 0 if name in ("limit", "cpu_processes") else 1
            if value is not None and value < least:
                raise ConfigError(f"{name.replace('_', '-')} must be at least {least}, got {value}")
        for name in ("rpm", "tpm", "max_tokens_total"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"{name.replace('_', '-')} must be positive, got {value}")


def _items(inputs: Iterable[Any], max_chars: int, output: str | Path | None) -> tuple[Iterator[Item], int]:
    """The work items and how many there are (an estimate for JSONL with repeated records)."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    inputs = list(inputs)
    if inputs and all(isinstance(x, (str, Path)) for x in inputs):
        sources = expand(inputs)
        if output is not None and any(Path(s).resolve() == Path(output).resolve() for s in sources):
            raise ConfigError(f"{output}: the output file is also an input")
        return iter_items(sources, max_chars=max_chars), count(sources)
    return items_from(inputs, max_chars=max_chars), len(inputs)


@dataclass
class _Job:
    """One prepared batch: its items, where records go, what is counted, and how it runs."""

    items: Iterator[Item]
    results: Results
    summary: RunSummary
    progress: LogProgress
    settings: Settings
    opts: BatchOptions

    def args(self) -> tuple:
        return self.items, self.results, self.summary, self.progress, self.settings, self.opts


def _split_options(options: BatchOptions | None, kwargs: dict[str, Any]) -> BatchOptions:
    """BatchOptions from ``options`` or from the keyword arguments that name its fields (removed from kwargs)."""
    names = set(BatchOptions.__dataclass_fields__)
    picked = {k: kwargs.pop(k) for k in list(kwargs) if k in names}
    opts = options or BatchOptions(**picked)
    opts.check()
    return opts


@contextlib.contextmanager
def _job(inputs, output, settings: Settings | None, opts: BatchOptions, overrides: dict[str, Any]) -> Iterator[_Job]:
    """Prepare a batch, then (whatever happens) close the output, and write and log the run summary."""
    settings = settings.with_(**overrides) if settings and overrides else settings or resolve(**overrides)
    items, total = _items(inputs, settings.max_chars, output)
    if opts.limit is not None:
        items, total = itertools.islice(items, opts.limit), min(total, opts.limit)
    results = ResultsFile(output) if output is not None else Results()
    summary = RunSummary(
        output=str(output) if output is not None else None, engine=opts.engine, model=settings.model, inputs=total,
        concurrency=opts.concurrency or (1 if settings.local else DEFAULT_HOSTED_CONCURRENCY),
        retried=getattr(results, "previous_errors", 0),
    )
    job = _Job(items, results, summary, make_progress(opts.progress, total), settings, opts)
    started = time.perf_counter()
    try:
        yield job
    except BaseException as err:
        interrupted = isinstance(err, (KeyboardInterrupt, asyncio.CancelledError))
        summary.stopped = summary.stopped or ("interrupted" if interrupted else "error")
        raise
    finally:
        summary.wall_seconds = time.perf_counter() - started
        done = summary.processed + summary.skipped
        summary.inputs = done if summary.stopped is None else max(summary.inputs, done)
        if summary.stopped is None and summary.failures.get("budget"):
            summary.stopped = "budget"
        job.progress.close()
        results.close()
        _report(summary, results, output)


async def asummarize_many(
    inputs: Iterable[str | Path | Article | dict] | str | Path,
    output: str | Path | None = None,
    *,
    settings: Settings | None = None,
    options: BatchOptions | None = None,
    **kwargs: Any,
) -> RunSummary:
    """Summarize many articles; write one JSONL record each to ``output`` (resumable), or keep them in memory.

    ``inputs``: paths (files, folders, globs), URLs, JSONL files, Articles or dict records. Keyword arguments are
    :class:`BatchOptions` fields (``concurrency``, ``rpm``, ``tpm``, ``limit``, ``max_tokens_total``, ``refresh``,
    ``cache``, ``fail_fast``, ``progress``, ``engine``, ``ray_address``...) or settings for :func:`resolve`
    (``base_url``, ``model``...). Returns the :class:`RunSummary`; its ``records`` hold the records when no
    output file is given. Bad articles become error records; only fatal errors (a refused API key, a bad
    setting, a server that stays unreachable) raise, after the records so far are safely written.
    """
    opts = _split_options(options, kwargs)
    with _job(inputs, output, settings, opts, kwargs) as job:
        if opts.engine == "ray":
            await asyncio.to_thread(_run_ray, *job.args())
        else:
            await _run_asyncio(*job.args())
    return job.summary


def _report(summary: RunSummary, results: Results, output: str | Path | None) -> None:
    """Log the run summary and write the sidecar next to the output file."""
    for line in summary.lines():
        log.info("%s", line)
    if output is not None:
        summary.write_sidecar(Path(output))
    else:
        summary.records = results.records()


def summarize_many(
    inputs: Iterable[str | Path | Article | dict] | str | Path,
    output: str | Path | None = None,
    *,
    settings: Settings | None = None,
    options: BatchOptions | None = None,
    **kwargs: Any,
) -> RunSummary:
    """The synchronous form of :func:`asummarize_many` (not from inside a running event loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("summarize_many() cannot run inside an event loop: await asummarize_many() instead")
    opts = _split_options(options, kwargs)
    if opts.engine == "ray":  # in this thread: Ray wants the main thread for its signal handlers
        with _job(inputs, output, settings, opts, kwargs) as job:
            _run_ray(*job.args())
        return job.summary
    return asyncio.run(asummarize_many(inputs, output, settings=settings, options=opts, **kwargs))
