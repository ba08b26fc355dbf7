"""The per-article function: one work item in, one record out (the same in every engine)."""

from __future__ import annotations

import logging
from typing import Any

from ..article import Article
from ..errors import (
    AuthenticationFailed,
    ConfigError,
    InputError,
    LocalModelError,
    ServerUnavailable,
    SummarizerError,
    TemplateError,
)
from ..inputs import Item
from ..records import error_line, ok_line
from ..schema import Usage
from .cache import ResultCache, cache_key, relabel
from .limits import Budget, Estimator, RateLimiter
from .outcome import Outcome, one_line, reason_of, usage_of

log = logging.getLogger(__name__)

#: Errors that end the batch: every other article would fail the same way.
FATAL = (AuthenticationFailed, ConfigError, TemplateError, LocalModelError)


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
        self.key_parts = dict(model=summarizer.settings.model, template=template.name,
                              template_version=template.version)
        self._http: Any = None  # an httpx2.AsyncClient once a URL is fetched

    async def process(self, item: Item) -> Outcome:
        """The record of one item. Fatal errors (authentication, configuration) come back as ``Outcome.fatal``."""
        if item.error is not None:
            return self._failed(item, item.error)
        try:
            article = item.article or await self._fetch(item)
        except InputError as err:
            return self._failed(item, err)
        key = cache_key(article, **self.key_parts) if self.cache is not None else None
        if self.cache is not None and key is not None and not self.refresh:
            hit = self.cache.get(key)
            if hit is not None:
                line = ok_line(item.id, item.source, article, relabel(hit, article))
                return Outcome(item.id, line, True, cached=True)
        return await self._summarize(item, article, key)

    async def _summarize(self, item: Item, article: Article, key: str | None) -> Outcome:
        estimate = self.estimator.estimate(article)
        if not self.budget.admit(estimate):
            message = "not started: the token budget (--max-tokens-total) is spent"
            return Outcome(item.id, error_line(item.id, item.source, "budget", message), False, "budget")
        used = Usage()
        try:
            await self._wait_for_limits(estimate)
            summary = await self.summarizer.asummarize(article)
            used = summary.provenance.usage
        except FATAL as err:
            reason = reason_of(err)
            return Outcome(item.id, error_line(item.id, item.source, reason, err.one_line()), False, reason, fatal=err)
        except SummarizerError as err:
            used = usage_of(err)
            return self._failed(item, err, used)
        except Exception as err:  # noqa: BLE001 - one article's surprise must not end the batch
            log.debug("%s: unexpected failure", item.id, exc_info=True)
            return self._failed(item, err)
        finally:
            self._settle(article, estimate, used)
        summary_json = summary.model_dump_json()
        if self.cache is not None and key is not None:
            self.cache.put(key, summary_json)
        return Outcome(item.id, ok_line(item.id, item.source, article, summary_json), True, usage=used)

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
        return Outcome(item.id, error_line(item.id, item.source, reason, message), False, reason,
                       usage=usage or Usage(), unreachable=isinstance(err, ServerUnavailable))

    async def _fetch(self, item: Item) -> Article:
        from ..inputs import FETCH_TIMEOUT, USER_AGENT, afetch_url

        if self._http is None:
            import httpx2

            self._http = httpx2.AsyncClient(follow_redirects=True, timeout=FETCH_TIMEOUT,
                                            headers={"user-agent": USER_AGENT})
        return await afetch_url(item.url or "", self._http, max_chars=self.summarizer.settings.max_chars)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

