"""The run summary: counts, tokens, time and failures of one batch run, for a human and as a JSON sidecar."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .outcome import Outcome


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

