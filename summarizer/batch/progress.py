"""Progress of a batch: a rich bar on a terminal, log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time

from .outcome import Outcome

LOG_EVERY_SECONDS = 10.0

progress_log = logging.getLogger(__name__)


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
            TimeRemainingColumn(),
            console=Console(stderr=True), transient=False,
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

