"""Settings, resolved in one place: explicit argument, then environment variable, then default.

With no API key and no base URL, the embedded offline model (llama.cpp on loopback) is the default.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

from platformdirs import user_cache_dir

from .errors import ConfigError

log = logging.getLogger(__name__)

LOCAL_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
DEFAULT_HOSTED_MODEL = "gpt-4o-mini"
RESPONSE_FORMATS = ("json_schema", "json_object")


def cache_dir() -> Path:
    """Where models, server state and caches live: $SUMMARIZER_CACHE_DIR or the XDG user cache dir."""
    return Path(os.environ.get("SUMMARIZER_CACHE_DIR") or user_cache_dir("summarizer"))


@dataclass(frozen=True)
class Settings:
    """Everything needed to reach an LLM and run the pipeline."""

    api_key: str | None = None
    base_url: str | None = None
    model: str = LOCAL_MODEL_NAME
    local: bool = True
    response_format: str = "json_object"
    timeout: float = 600.0
    max_retries: int = 4
    retry_total_seconds: float = 300.0
    reasks: int = 1
    max_tokens: int = 1200
    template: str = "extract"
    templates_dir: Path | None = None
    max_chars: int = 60_000
    chunk_chars: int = 12_000
    model_path: Path | None = None
    threads: int | None = None

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def _path(value) -> Path | None:
    return Path(value).expanduser() if value else None


def _number(value, name: str, kind=float):
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {value!r}") from None


def _given(value, env: str, default):
    """The explicit value unless it is None (0, False and "" are explicit), else the environment variable when set
    and non-empty, else the default."""
    if value is not None:
        return value
    from_env = _env(env)
    return from_env if from_env is not None else default


def resolve(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    response_format: str | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
    reasks: int | None = None,
    template: str | None = None,
    templates_dir: str | Path | None = None,
    model_path: str | Path | None = None,
    threads: int | None = None,
    max_chars: int | None = None,
    chunk_chars: int | None = None,
) -> Settings:
    """Build Settings from arguments, then SUMMARIZER_*/OPENAI_* environment variables, then defaults. An argument
    of None means "not given"; any other value, 0 included, is used as given."""
    api_key = _given(api_key or None, "OPENAI_API_KEY", None)
    base_url = _given(base_url or None, "OPENAI_BASE_URL", None)
    local = not api_key and not base_url
    if api_key and not base_url:
        log.debug("API key set without a base URL: using OpenAI's API")
    model = _given(model or None, "SUMMARIZER_MODEL", LOCAL_MODEL_NAME if local else DEFAULT_HOSTED_MODEL)
    # llama.cpp's server rejects OpenAI's strict json_schema form but compiles json_object+schema to a grammar.
    response_format = _given(response_format or None, "SUMMARIZER_RESPONSE_FORMAT",
                             "json_object" if local else "json_schema")
    if response_format not in RESPONSE_FORMATS:
        raise ConfigError(f"response format must be one of {', '.join(RESPONSE_FORMATS)}, got {response_format!r}")
    settings = Settings(
        api_key=api_key,
        base_url=base_url,
        model=model,
        local=local,
        response_format=response_format,
        timeout=_number(_given(timeout, "SUMMARIZER_TIMEOUT", 600 if local else 120), "timeout"),
        max_retries=_number(_given(max_retries, "SUMMARIZER_MAX_RETRIES", 4), "max retries", int),
        reasks=_number(_given(reasks, "SUMMARIZER_REASKS", 1), "re-asks", int),
        template=_given(template or None, "SUMMARIZER_TEMPLATE", "extract"),
        templates_dir=_path(_given(templates_dir or None, "SUMMARIZER_TEMPLATES", None)),
        model_path=_path(_given(model_path or None, "SUMMARIZER_MODEL_PATH", None)),
        threads=_number(_given(threads, "SUMMARIZER_THREADS", os.cpu_count() or 2), "threads", int),  # never None here
        max_chars=_number(_given(max_chars, "SUMMARIZER_MAX_CHARS", 60_000), "max chars", int),
        chunk_chars=_number(_given(chunk_chars, "SUMMARIZER_CHUNK_CHARS", 12_000), "chunk chars", int),
    )
    if settings.chunk_chars < 500:
        raise ConfigError(f"chunk chars must be at least 500, got {settings.chunk_chars}")
    if settings.timeout <= 0 or settings.max_retries < 0 or settings.reasks < 0:
        raise ConfigError("timeout must be positive and retries/re-asks not negative")
    if (settings.threads or 0) < 1 or settings.max_chars < 1:
        raise ConfigError(f"threads and max chars must be positive, got {settings.threads} and {settings.max_chars}")
    return settings
