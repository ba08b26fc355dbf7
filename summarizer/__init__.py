"""summarizer: structured, checkable summaries of news articles (actors, meetings, conflicts) from any
OpenAI-compatible LLM, with an embedded offline model as the default."""

from .article import Article
from .batch import asummarize_many, summarize_many
from .config import Settings, resolve
from .errors import (
    AuthenticationFailed,
    ConfigError,
    InputError,
    LLMError,
    LocalModelError,
    OutputInvalid,
    RateLimited,
    ServerUnavailable,
    SummarizerError,
    TemplateError,
)
from .exporter import export, to_frames
from .pipeline import Summarizer, asummarize, summarize
from .schema import SCHEMA_VERSION, Actor, ArticleSummary, Conflict, ConflictEvent, Evidence, Meeting, Provenance
from .version import PIPELINE_VERSION, __version__

__all__ = [
    "PIPELINE_VERSION",
    "SCHEMA_VERSION",
    "Actor",
    "Article",
    "ArticleSummary",
    "AuthenticationFailed",
    "ConfigError",
    "Conflict",
    "ConflictEvent",
    "Evidence",
    "InputError",
    "LLMError",
    "LocalModelError",
    "Meeting",
    "OutputInvalid",
    "Provenance",
    "RateLimited",
    "ServerUnavailable",
    "Settings",
    "Summarizer",
    "SummarizerError",
    "TemplateError",
    "asummarize",
    "asummarize_many",
    "export",
    "resolve",
    "summarize",
    "summarize_many",
    "to_frames",
    "__version__",
]
