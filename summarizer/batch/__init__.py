"""Many articles: bounded concurrency, client-side rate limits, a persistent cache, a resumable JSONL output.

The records are those of :mod:`summarizer.records`. The modules, by job:

- ``api``: :func:`summarize_many`, :func:`asummarize_many`, :class:`BatchOptions` (what a caller uses);
- ``worker``: the per-article function (read or fetch, cache, limits, the pipeline, errors -> one record);
- ``outcome``: what one article came to, and an error's reason and one-line message;
- ``cache``: the persistent summary cache and its key;
- ``limits``: requests and tokens per minute, the token budget, the cost estimate;
- ``output``: where records go (memory, or an append-only JSONL file that a later run resumes);
- ``run_summary``: counts, tokens and time of a run; ``progress``: a bar or log lines;
- ``engine_asyncio`` (default): ``concurrency`` articles at a time in this process, with ``cpu``: their CPU-bound
  steps in worker processes; ``engine_ray``: the same per-article function in Ray Data actors, on a local Ray or
  a cluster.
"""

from ..records import error_line, ok_line
from .api import DEFAULT_HOSTED_CONCURRENCY, ENGINES, BatchOptions, asummarize_many, summarize_many
from .cache import ResultCache, cache_key
from .cpu import CpuPool
from .engine_ray import RayArticleWorker
from .limits import Budget, Estimator, RateLimiter
from .outcome import Outcome, one_line, reason_of
from .output import Results, ResultsFile
from .progress import LogProgress, RichProgress, make_progress
from .run_summary import RunSummary
from .worker import FATAL, Worker

__all__ = [
    "DEFAULT_HOSTED_CONCURRENCY",
    "ENGINES",
    "FATAL",
    "BatchOptions",
    "CpuPool",
    "Budget",
    "Estimator",
    "LogProgress",
    "Outcome",
    "RateLimiter",
    "RayArticleWorker",
    "ResultCache",
    "Results",
    "ResultsFile",
    "RichProgress",
    "RunSummary",
    "Worker",
    "asummarize_many",
    "cache_key",
    "error_line",
    "make_progress",
    "ok_line",
    "one_line",
    "reason_of",
    "summarize_many",
]
