"""Client-side limits: requests and tokens per minute (token buckets), a total token budget, and the estimate of
what an article will cost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from ..article import Article
from ..errors import ConfigError
from ..schema import Usage


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
        if (self.exhausted or self.spent >= self.total
                or (self.reserved and self.spent + self.reserved + estimate > self.total)):
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

