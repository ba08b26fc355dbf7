"""Many articles: bounded concurrency, client-side rate limits, a persistent cache, a resumable JSONL output.

One record per article, one line each (the report reads exactly this shape)::

    {"id": ..., "source": ..., "ok": true, "summary": {ArticleSummary},
     "article": {"title", "published", "url", "text"}}
    {"id": ..., "source": ..., "ok": false, "error": {"reason": "input"|"fetch"|"llm"|"invalid_output"|"budget"|"error",
                                                       "message": one line}}

Resume: every record is written whole with one ``write`` on an append-only file. On restart a torn last line is
dropped, error records are taken out (their articles are tried again) and ids already summarized are skipped,
so killing the job at any moment and running the same command again loses and duplicates nothing.

Cache: summaries are kept in ``<cache_dir>/summaries`` (diskcache) under the sha256 of the article text with its
title and date, the model, the template name and version and the schema version; ``refresh`` ignores it.

Engines: ``asyncio`` (default) runs ``concurrency`` articles at a time in this process; ``ray`` runs the same
per-article function (:meth:`Worker.process`) in Ray Data actors, on a local Ray or a cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import hashlib
import itertools
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .article import Article
from .config import Settings, cache_dir, resolve
from .errors import (
    AuthenticationFailed,
    ConfigError,
    InputError,
    LLMError,
    LocalModelError,
    OutputInvalid,
    ServerUnavailable,
    SummarizerError,
    TemplateError,
)
from .inputs import FetchError, Item, count, expand, items_from, iter_items
from .schema import SCHEMA_VERSION, Usage

log = logging.getLogger(__name__)
progress_log = logging.getLogger(__name__ + ".progress")

ENGINES = ("asyncio", "ray")
FATAL = (AuthenticationFailed, ConfigError, TemplateError, LocalModelError)
LOG_EVERY_SECONDS = 10.0
DEFAULT_HOSTED_CONCURRENCY = 4
CACHE_SIZE_LIMIT = 4 * 2**30


# --- records -----------------------------------------------------------------------------------------------------


def reason_of(err: BaseException) -> str:
    """The error record's reason for an exception."""
    if isinstance(err, FetchError):
        return "fetch"
    if isinstance(err, InputError):
        return "input"
    if isinstance(err, OutputInvalid):
        return "invalid_output"
    if isinstance(err, LLMError):
        return "llm"
    return "error"


def one_line(err: BaseException) -> str:
    """A one-line message for any exception."""
    if isinstance(err, SummarizerError):
        return err.one_line()
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0][:300]}" if text else type(err).__name__


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def ok_line(item: Item, article: Article, summary_json: str) -> str:
    """The record of a summarized article, serialized (the summary is already JSON text)."""
    meta = {
        "title": article.title, "published": article.published.isoformat() if article.published else None,
        "url": article.url, "text": article.text,
    }
    return (f'{{"id":{_dumps(item.id)},"source":{_dumps(item.source)},"ok":true,"summary":{summary_json},'
            f'"article":{_dumps(meta)}}}')


def error_line(item: Item, reason: str, message: str) -> str:
    """The record of an article that was not summarized."""
    return _dumps({"id": item.id, "source": item.source, "ok": False, "error": {"reason": reason, "message": message}})


@dataclass
class Outcome:
    """What one article came to: its serialized record, what it cost, and how."""

    id: str
    line: str
    ok: bool
    reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    cached: bool = False
    fatal: SummarizerError | None = None
    unreachable: bool = False  # the LLM server could not be reached or did not answer


# --- cache -------------------------------------------------------------------------------------------------------


def cache_key(
    article: Article, *, model: str, template: str, template_version: str, schema_version: str = SCHEMA_VERSION
) -> str:
    """The cache key: the article text's sha256 (with title and date, which the prompt shows), the model, the
    template name and version and the schema version."""
    parts = {
        "text": article.sha256, "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "model": model, "template": template, "template_version": template_version, "schema_version": schema_version,
    }
    return hashlib.sha256(_dumps(parts).encode()).hexdigest()


class ResultCache:
    """Summaries already made, on disk, shared by every run and process of this user (diskcache, SQLite)."""

    def __init__(self, directory: str | Path | None = None):
        import diskcache

        self.directory = Path(directory) if directory else cache_dir() / "summaries"
        self._cache = diskcache.Cache(str(self.directory), size_limit=CACHE_SIZE_LIMIT)

    def get(self, key: str) -> str | None:
        """The summary JSON stored under key, or None."""
        value = self._cache.get(key)
        return value if isinstance(value, str) else None

    def put(self, key: str, summary_json: str) -> None:
        self._cache.set(key, summary_json)

    def close(self) -> None:
        self._cache.close()


def _relabel(summary_json: str, article: Article) -> str:
    """A cached summary with this article's id and source (the same text may come under another id)."""
    doc = json.loads(summary_json)
    prov = doc.get("provenance", {})
    if prov.get("article_id") == article.id and prov.get("source") == article.source:
        return summary_json
    prov["article_id"], prov["source"] = article.id, article.source
    return _dumps(doc)


# --- rate limits and budget --------------------------------------------------------------------------------------


class RateLimiter:
    """A token bucket refilled at ``per_minute / 60`` per second holding at most one second's worth (at least 1).

    ``acquire(n)`` waits until n units are free (n capped at the bucket size, the rest becomes a debt); ``settle``
    books the difference between the estimate and what was really used, so the long-run rate is right.
    """

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic):
        if per_minute <= 0:
            raise ConfigError("rate limits must be positive")
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate)
        self.level = self.capacity
        self.clock = clock
        self.updated = clock()
        self._lock: asyncio.Lock | None = None

    def _refill(self) -> None:
        now = self.clock()
        self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
        self.updated = now

    async def acquire(self, amount: float) -> None:
        """Wait for ``amount`` units (first come, first served)."""
        self._lock = self._lock or asyncio.Lock()
        take = min(float(amount), self.capacity)
        async with self._lock:
            self._refill()
            while self.level < take:
                await asyncio.sleep((take - self.level) / self.rate)
                self._refill()
            self.level -= float(amount)

    def settle(self, extra: float) -> None:
        """Book ``extra`` more units (negative: a refund) after the fact."""
        self._refill()
        self.level = min(self.capacity, self.level - extra)


class Budget:
    """A total token budget: an article starts only if what is spent and reserved leaves room for its estimate."""

    def __init__(self, total: int | None):
        self.total = total
        self.spent = 0
        self.reserved = 0
        self.exhausted = False

    def admit(self, estimate: int) -> bool:
        """Reserve ``estimate`` tokens, or refuse (and stay refused) when the budget cannot take it."""
        if self.total is None:
            return True
        if (
            self.exhausted
            or self.spent >= self.total
            or (self.reserved and self.spent + self.reserved + estimate > self.total)
        ):
            self.exhausted = True
            return False
        self.reserved += estimate
        return True

    def settle(self, estimate: int, used: int) -> None:
        self.reserved -= estimate if self.total is not None else 0
        self.spent += used


class Estimator:
    """Tokens an article will cost, from its length: a ratio learned from the articles done so far."""

    def __init__(self, initial_ratio: float = 1.0):
        self.tokens = 0
        self.chars = 0
        self.initial = initial_ratio

    def estimate(self, article: Article) -> int:
        ratio = self.tokens / self.chars if self.chars else self.initial
        return max(1, int(len(article.text) * ratio))

    def learn(self, article: Article, usage: Usage) -> None:
        if usage.total_tokens:
            self.tokens += usage.total_tokens
            self.chars += len(article.text)


# --- the per-article function ------------------------------------------------------------------------------------


class Worker:
    """Summarize one item into one record: read or fetch, cache, rate limits, budget, the pipeline, errors.

    The same object does the work in both engines (in this process, or inside a Ray actor).
    """

    def __init__(self, summarizer, *, cache: ResultCache | None = None, refresh: bool = False,
                 rpm: float | None = None, tpm: float | None = None, budget: Budget | None = None):
        self.summarizer = summarizer
        self.cache = cache
        self.refresh = refresh
        self.requests = RateLimiter(rpm) if rpm else None
        self.tokens = RateLimiter(tpm) if tpm else None
        self.budget = budget or Budget(None)
        self.estimator = Estimator()
        template = summarizer.template
        self.requests_per_article = 1 if template.strategy == "single" else 2
        self.key_parts = dict(
            model=summarizer.settings.model, template=template.name, template_version=template.version
        )
        self._http: Any = None  # an httpx2.AsyncClient, made on the first URL to fetch

    async def process(self, item: Item) -> Outcome:
        """The record of one item. Fatal errors (authentication, configuration) come back as ``Outcome.fatal``."""
        if item.error is not None:
            return self._failed(item, item.error)
        try:
            article = item.article or await self._fetch(item)
        except InputError as err:
            return self._failed(item, err)
        key = cache_key(article, **self.key_parts) if self.cache is not None else None
        if key is not None and self.cache is not None and not self.refresh:
            hit = self.cache.get(key)
            if hit is not None:
                return Outcome(item.id, ok_line(item, article, _relabel(hit, article)), True, cached=True)
        return await self._summarize(item, article, key)

    async def _summarize(self, item: Item, article: Article, key: str | None) -> Outcome:
        estimate = self.estimator.estimate(article)
        if not self.budget.admit(estimate):
            message = "not started: the token budget (--max-tokens-total) is spent"
            return Outcome(item.id, error_line(item, "budget", message), False, "budget")
        used = Usage()
        try:
            await self._wait_for_limits(estimate)
            summary = await self.summarizer.asummarize(article)
            used = summary.provenance.usage
        except FATAL as err:
            return Outcome(item.id, error_line(item, reason_of(err), err.one_line()), False, reason_of(err), fatal=err)
        except SummarizerError as err:
            used = _usage_of(err)
            return self._failed(item, err, used)
        except Exception as err:  # noqa: BLE001 - one article's surprise must not end the batch
            log.debug("%s: unexpected failure", item.id, exc_info=True)
            return self._failed(item, err)
        finally:
            self._settle(article, estimate, used)
        summary_json = summary.model_dump_json()
        if key is not None and self.cache is not None:
            self.cache.put(key, summary_json)
        return Outcome(item.id, ok_line(item, article, summary_json), True, usage=used)

    async def _wait_for_limits(self, estimate: int) -> None:
        if self.requests is not None:
            await self.requests.acquire(self.requests_per_article)
        if self.tokens is not None:
            await self.tokens.acquire(estimate)

    def _settle(self, article: Article, estimate: int, used: Usage) -> None:
        self.budget.settle(estimate, used.total_tokens)
        self.estimator.learn(article, used)
        if self.requests is not None and used.requests:
            self.requests.settle(used.requests - self.requests_per_article)
        if self.tokens is not None:
            self.tokens.settle(used.total_tokens - estimate)

    def _failed(self, item: Item, err: BaseException, usage: Usage | None = None) -> Outcome:
        reason = reason_of(err)
        message = one_line(err)
        log.warning("%s: %s", item.source, message)
        return Outcome(item.id, error_line(item, reason, message), False, reason, usage=usage or Usage(),
                       unreachable=isinstance(err, ServerUnavailable))

    async def _fetch(self, item: Item) -> Article:
        from .inputs import FETCH_TIMEOUT, USER_AGENT, afetch_url

        if self._http is None:
            import httpx2

            self._http = httpx2.AsyncClient(
                follow_redirects=True, timeout=FETCH_TIMEOUT, headers={"user-agent": USER_AGENT}
            )
        if item.url is None:
            raise InputError(f"{item.source}: no article and no URL to fetch")
        return await afetch_url(item.url, self._http, max_chars=self.summarizer.settings.max_chars)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


def _usage_of(err: BaseException) -> Usage:
    """Tokens a failed call still cost, when the error carries them (invalid output after re-asks)."""
    for e in (err, err.__cause__, err.__context__):
        usage = getattr(e, "usage", None)
        if isinstance(usage, Usage):
            return usage
    return Usage()


# --- the output file ---------------------------------------------------------------------------------------------


_PREFIX = re.compile(rb'^\{"id":("(?:[^"\\]|\\.)*"),"source":"(?:[^"\\]|\\.)*","ok":(true|false)')


class Results:
    """Where records go. This base keeps them in memory (for the Python API without an output file)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.done: set[str] = set()
        self.order: dict[str, int] = {}

    def started(self, item_id: str) -> None:
        """An article is taken up (in input order): in-memory records come back in this order."""
        self.order.setdefault(item_id, len(self.order))

    def write(self, line: str) -> None:
        self.lines.append(line)

    def close(self) -> None:
        pass

    def records(self) -> list[dict]:
        records = [json.loads(line) for line in self.lines]
        return sorted(records, key=lambda r: self.order.get(r.get("id"), len(self.order)))


class ResultsFile(Results):
    """An append-only JSONL file of records, one whole line per ``os.write``, recovered on open.

    Recovery: a last line without its newline (a write cut short by a kill) is cut off; records that are not
    successes are taken out (their articles are tried again), through a temporary file and an atomic rename.
    """

    def __init__(self, path: str | Path):
        super().__init__()
        self.path = Path(path)
        self.previous_errors = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as err:
            raise InputError(f"{self.path}: cannot write ({err.strerror})") from None
        self._lock()
        self._recover()

    @property
    def _open_fd(self) -> int:
        if self._fd is None:
            raise ValueError(f"{self.path}: the output file is closed")
        return self._fd

    def _lock(self) -> None:
        """One batch per output file: a second one is refused (an advisory lock, released when the process ends)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        try:
            fcntl.flock(self._open_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._open_fd)
            self._fd = None
            raise InputError(f"{self.path}: another batch is writing to this file") from None

    def _recover(self) -> None:
        """Read what earlier runs wrote: keep each id's success once, cut a torn last line, take errors out."""
        complete, kept, torn = 0, 0, False
        with open(self.path, "rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    torn = True
                    break
                complete += 1
                rid, ok = _id_and_ok(raw.rstrip(b"\n"))
                if rid is not None and ok and rid not in self.done:
                    self.done.add(rid)
                    kept += 1
        if torn:
            log.warning("%s: the last line was cut short (an interrupted run); it is dropped and redone", self.path)
        self.previous_errors = complete - kept
        if kept != complete or torn:
            self._rewrite()

    def _rewrite(self) -> None:
        """Keep only the first success of each id, through a temporary file and an atomic rename."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        seen: set[str] = set()
        with open(self.path, "rb") as src, open(tmp, "wb") as dst:
            for raw in src:
                if not raw.endswith(b"\n"):
                    break
                rid, ok = _id_and_ok(raw.rstrip(b"\n"))
                if rid is not None and ok and rid not in seen:
                    seen.add(rid)
                    dst.write(raw)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, self.path)
        os.close(self._open_fd)  # the lock stays with the old file: open and lock the new one
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND, 0o644)
        self._lock()

    def write(self, line: str) -> None:
        data = (line + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[os.write(self._open_fd, view):]

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def records(self) -> list[dict]:
        with open(self.path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]


def _id_and_ok(raw: bytes) -> tuple[str | None, bool]:
    """The id and success of one stored record line; (None, False) for a line that is not a record."""
    match = _PREFIX.match(raw)
    if match:
        return json.loads(match.group(1)), match.group(2) == b"true"
    try:
        record = json.loads(raw)
    except ValueError:
        return None, False
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return None, False
    return record["id"], record.get("ok") is True and isinstance(record.get("summary"), dict)


# --- the run summary ---------------------------------------------------------------------------------------------


@dataclass
class RunSummary:
    """Counts, tokens, time and failures of one run (and, for a file, of the whole output)."""

    output: str | None = None
    engine: str = "asyncio"
    model: str = ""
    template: str = ""
    concurrency: int = 1
    inputs: int = 0
    skipped: int = 0
    retried: int = 0  # error records of earlier runs taken out of the output to be tried again
    processed: int = 0
    ok: int = 0
    failed: int = 0
    cached: int = 0
    failures: Counter = field(default_factory=Counter)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    reasks: int = 0
    started: float = field(default_factory=time.time)
    wall_seconds: float = 0.0
    stopped: str | None = None
    records: list[dict] | None = None

    def add(self, outcome: Outcome) -> None:
        self.processed += 1
        if outcome.ok:
            self.ok += 1
            self.cached += outcome.cached
        else:
            self.failed += 1
            self.failures[outcome.reason or "error"] += 1
        self.prompt_tokens += outcome.usage.prompt_tokens
        self.completion_tokens += outcome.usage.completion_tokens
        self.requests += outcome.usage.requests
        self.reasks += outcome.usage.reasks

    @property
    def articles_per_minute(self) -> float:
        return 60.0 * self.processed / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def ok_total(self) -> int:
        """Successes in the output, this run's and earlier runs'."""
        return self.ok + self.skipped

    @property
    def succeeded(self) -> bool:
        """False when there was work and not one article has a summary."""
        return self.ok_total > 0 or self.inputs == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "output": self.output, "engine": self.engine, "model": self.model, "template": self.template,
            "concurrency": self.concurrency, "inputs": self.inputs, "skipped_already_done": self.skipped,
            "earlier_errors_retried": self.retried,
            "processed": self.processed, "ok": self.ok, "failed": self.failed, "cached": self.cached,
            "ok_in_output": self.ok_total, "failures_by_reason": dict(sorted(self.failures.items())),
            "tokens": {"prompt": self.prompt_tokens, "completion": self.completion_tokens,
                       "total": self.prompt_tokens + self.completion_tokens},
            "requests": self.requests, "reasks": self.reasks,
            "started": dt.datetime.fromtimestamp(self.started, dt.timezone.utc).isoformat(timespec="seconds"),
            "wall_seconds": round(self.wall_seconds, 2), "articles_per_minute": round(self.articles_per_minute, 2),
            "stopped": self.stopped,
        }

    def lines(self) -> list[str]:
        """The summary for a human, a few lines."""
        failures = ", ".join(f"{k} {v}" for k, v in sorted(self.failures.items())) or "none"
        out = [
            f"batch: {self.processed} processed ({self.ok} ok, {self.cached} from cache, {self.failed} failed), "
            f"{self.skipped} already done, {self.inputs} inputs"
            + (f", {self.retried} earlier error records tried again" if self.retried else ""),
            f"failures by reason: {failures}",
            f"tokens: {self.prompt_tokens:,} in, {self.completion_tokens:,} out, {self.requests} requests",
            f"time: {self.wall_seconds:.1f} s, {self.articles_per_minute:.1f} articles/min",
        ]
        if self.stopped:
            out.append(f"stopped early: {self.stopped} (run the same command again to go on)")
        if self.output:
            out.append(f"output: {self.output}")
        return out

    def write_sidecar(self, path: Path) -> Path:
        """Write ``<output>.summary.json`` atomically; returns its path."""
        target = path.with_name(path.name + ".summary.json")
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target)
        return target


# --- progress ----------------------------------------------------------------------------------------------------


class LogProgress:
    """Plain progress: a log line every ``every`` seconds (for logs, CI, pipes)."""

    def __init__(self, total: int, every: float = LOG_EVERY_SECONDS):
        self.total = total
        self.every = every
        self.done = self.failed = 0
        self.started = self.last = time.monotonic()

    def update(self, outcome: Outcome | None) -> None:
        """Count one article (None: skipped, already done)."""
        if outcome is None:
            self.total = max(0, self.total - 1)
            return
        self.done += 1
        self.failed += not outcome.ok
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._log(now)

    def _log(self, now: float) -> None:
        rate = 60.0 * self.done / max(now - self.started, 1e-9)
        left = max(self.total - self.done, 0)
        eta = f"{left / rate * 60:.0f}s" if rate > 0 else "?"
        progress_log.info("%d/%d articles (%d failed), %.1f/min, ETA %s", self.done, self.total, self.failed, rate, eta)

    def close(self) -> None:
        self._log(time.monotonic())


class RichProgress(LogProgress):
    """A progress bar with rate and ETA on a terminal (stderr)."""

    def __init__(self, total: int):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        super().__init__(total)
        self.bar = Progress(
            TextColumn("summarizing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]:.1f} articles/min"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), console=Console(stderr=True), transient=False,
        )
        self.task = self.bar.add_task("batch", total=total or None, failed=0, rate=0.0)
        self.bar.start()

    def update(self, outcome: Outcome | None) -> None:
        if outcome is None:
            self.total = max(0, self.total - 1)
            self.bar.update(self.task, total=self.total or None)
            return
        self.done += 1
        self.failed += not outcome.ok
        rate = 60.0 * self.done / max(time.monotonic() - self.started, 1e-9)
        self.bar.update(self.task, completed=self.done, failed=self.failed, rate=rate)

    def close(self) -> None:
        self.bar.stop()


def make_progress(mode: bool | None, total: int) -> LogProgress:
    """A rich bar when asked or when stderr is a terminal (mode None); log lines otherwise."""
    if mode is None:
        mode = sys.stderr.isatty()
    return RichProgress(total) if mode else LogProgress(total)


# --- the asyncio engine ------------------------------------------------------------------------------------------


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
        self.heap = SteadyHeap()

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
            self.heap.close()
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
        if outcome.ok and not outcome.cached:
            self.heap.settle()  # once: the pipeline has run end to end
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


class SteadyHeap:
    """Exempt, for the rest of a run, what is alive once the first article is done from garbage collection.

    After the imports (openai's and pydantic's types above all, some of them loaded on first use) and the lookup
    tables, about 160,000 objects stay alive for good, and every full collection walks them all: about 80 ms
    with the event loop stopped, several times a minute under load. ``settle`` (after the first article, when
    everything the pipeline loads lazily is loaded) builds the lookup tables, collects, and freezes what is
    left (``gc.freeze``): later collections skip it; objects made after it are collected as usual. ``close``
    unfreezes.
    """

    def __init__(self) -> None:
        self.frozen = False

    def settle(self) -> None:
        if self.frozen:
            return
        from .grounding import load_tables

        load_tables()
        gc.collect()
        gc.freeze()
        self.frozen = True

    def close(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


async def _run_asyncio(items: Iterator[Item], results: Results, summary: RunSummary, progress: LogProgress,
                       settings: Settings, opts: BatchOptions) -> None:
    from .pipeline import Summarizer

    cache = ResultCache() if opts.cache else None
    try:
        with Summarizer(settings, progress=lambda stage: log.debug("%s", stage)) as summarizer:
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


# --- the Ray engine ----------------------------------------------------------------------------------------------


class RayArticleWorker:
    """A Ray Data actor: a Summarizer and a Worker kept open across batches, its own event loop."""

    def __init__(self, settings: Settings, concurrency: int, rpm: float | None, tpm: float | None,
                 refresh: bool, cache: bool):
        from .pipeline import Summarizer

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
        from . import errors

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
    from .prompts import load

    summary.template = load(settings.template, settings.templates_dir).label
    pending = []
    for item in items:
        if item.id in results.done:
            summary.skipped += 1
            progress.update(None)
        else:
            pending.append({"item": _dumps(item.to_dict())})
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


# --- the public API ----------------------------------------------------------------------------------------------


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

    def check(self) -> None:
        """ConfigError for impossible values."""
        if self.engine not in ENGINES:
            raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        for name in ("concurrency", "limit", "ray_workers"):
            value = getattr(self, name)
            if value is not None and value < (0 if name == "limit" else 1):
                raise ConfigError(
                    f"{name.replace('_', '-')} must be at least {0 if name == 'limit' else 1}, got {value}"
                )
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
