"""The only module that talks to instructor and openai: clients, response formats, retry policy, usage.

Retries have one owner each:
- transient failures (429 with Retry-After, 5xx, timeouts, connection errors) are retried by tenacity inside the
  HTTP transport, below instructor, with exponential backoff and jitter, bounded in attempts and total time;
  the openai client's own retries are off;
- invalid output (parse or validation errors) is re-asked by instructor (``max_retries``), counted separately.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import logging
import ssl
import time
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx2
import instructor
import openai
from instructor.core import Hooks, IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from .config import Settings
from .errors import AuthenticationFailed, LLMError, OutputInvalid, RateLimited, ServerUnavailable, first_line
from .schema import Usage

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
TRANSIENT_ERRORS = (httpx2.TimeoutException, httpx2.TransportError)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter; Retry-After wins when the server sends it."""

    attempts: int = 5
    total_seconds: float = 300.0
    initial: float = 1.0
    maximum: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(attempts=settings.max_retries + 1, total_seconds=settings.retry_total_seconds)

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(multiplier=self.initial, max=self.maximum, jitter=self.initial)(state)
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            after = retry_after_seconds(outcome.result())
            if after is not None:
                return min(after, self.maximum)
        return backoff

    def _kwargs(self) -> dict[str, Any]:
        return dict(
            stop=stop_after_attempt(self.attempts) | stop_after_delay(self.total_seconds),
            wait=self._wait,
            retry=retry_if_exception_type(TRANSIENT_ERRORS) | retry_if_result(_retryable_response),
            retry_error_callback=_last_outcome,
            before_sleep=_log_retry,
        )

    def retrying(self) -> Retrying:
        return Retrying(**self._kwargs())

    def async_retrying(self) -> AsyncRetrying:
        return AsyncRetrying(**self._kwargs())


def _retryable_response(response: httpx2.Response) -> bool:
    return response.status_code in RETRY_STATUS


def _last_outcome(state: RetryCallState) -> Any:
    """After the last attempt: hand back the last response (openai turns it into its error) or re-raise."""
    assert state.outcome is not None  # tenacity calls this after an attempt
    return state.outcome.result()


def _log_retry(state: RetryCallState) -> None:
    outcome = state.outcome
    assert outcome is not None  # tenacity calls this after an attempt
    what = repr(outcome.exception()) if outcome.failed else f"HTTP {outcome.result().status_code}"
    log.warning("LLM request failed (%s); retry %d in %.1fs", what, state.attempt_number, state.upcoming_sleep)


def retry_after_seconds(response: httpx2.Response) -> float | None:
    """Seconds the server asks us to wait (Retry-After as seconds or an HTTP date), if it says."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


@functools.lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """One TLS context per process (the CA bundle, honouring SSL_CERT_FILE/SSL_CERT_DIR): building one reads and
    parses the whole bundle, and ``summarize()`` runs each call in a new event loop, so with new clients (the
    client CPU per article: benchmarks/batch_bench.py)."""
    return httpx2.create_ssl_context()


class RetryTransport(httpx2.BaseTransport):
    """An httpx2 transport that retries transient failures under a RetryPolicy."""

    def __init__(self, policy: RetryPolicy, inner: httpx2.BaseTransport | None = None):
        self.policy = policy
        self.inner = inner or httpx2.HTTPTransport(verify=tls_context())

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        for attempt in self.policy.retrying():
            with attempt:
                response = self.inner.handle_request(request)
                if _retryable_response(response):
                    response.read()
                    response.close()
            outcome = attempt.retry_state.outcome
            if outcome is not None and not outcome.failed:
                attempt.retry_state.set_result(response)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(httpx2.AsyncBaseTransport):
    """The asyncio twin of RetryTransport."""

    def __init__(self, policy: RetryPolicy, inner: httpx2.AsyncBaseTransport | None = None):
        self.policy = policy
        self.inner = inner or httpx2.AsyncHTTPTransport(verify=tls_context())

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        async for attempt in self.policy.async_retrying():
            with attempt:
                response = await self.inner.handle_async_request(request)
                if _retryable_response(response):
                    await response.aread()
                    await response.aclose()
            outcome = attempt.retry_state.outcome
            if outcome is not None and not outcome.failed:
                attempt.retry_state.set_result(response)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class CallResult:
    """A parsed model plus what the call cost and the raw JSON text the model wrote."""

    value: Any
    usage: Usage
    raw: str
    errors: list[str] = field(default_factory=list)


class _Tally:
    """Per-call instructor hooks: tokens of every completion (re-asks included) and the re-ask count."""

    def __init__(self) -> None:
        self.usage = Usage()
        self.errors: list[str] = []
        self.hooks = Hooks()
        self.hooks.on("completion:response", self._response)
        self.hooks.on("parse:error", self._parse_error)

    def _response(self, response: Any, *args: Any, **kwargs: Any) -> None:
        usage = getattr(response, "usage", None)
        self.usage = self.usage.add(
            Usage(
                prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
                requests=1,
            )
        )

    def _parse_error(self, error: Exception, *args: Any, **kwargs: Any) -> None:
        self.errors.append(str(error))
        self.usage = self.usage.add(Usage(reasks=1))


class LLM:
    """A structured-output client for any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp).

    It knows response models only as pydantic models: whatever their validators need (the article they check
    answers against) is the caller's to provide, around the call."""

    def __init__(self, settings: Settings, base_url: str | None = None):
        self.settings = settings
        self.base_url = base_url or settings.base_url
        self.policy = RetryPolicy.from_settings(settings)
        self._sync: instructor.Instructor | None = None  # built on first use
        self._async: instructor.AsyncInstructor | None = None
        self._async_loop: object | None = None

    def _openai_kwargs(self) -> dict[str, Any]:
        return dict(
            api_key=self.settings.api_key or "sk-no-key-required",
            base_url=self.base_url,
            max_retries=0,
            timeout=httpx2.Timeout(self.settings.timeout, connect=10.0),
        )

    @property
    def client(self) -> instructor.Instructor:
        if self._sync is None:
            http = httpx2.Client(transport=RetryTransport(self.policy))
            raw = openai.OpenAI(http_client=http, **self._openai_kwargs())
            self._sync = instructor.from_openai(raw, mode=instructor.Mode.JSON_SCHEMA)
        return self._sync

    @property
    def aclient(self) -> instructor.AsyncInstructor:
        loop = asyncio.get_running_loop()
        if self._async is None or self._async_loop is not loop:  # an httpx2 async client is tied to its loop
            self._async_loop = loop
            http = httpx2.AsyncClient(transport=AsyncRetryTransport(self.policy))
            raw = openai.AsyncOpenAI(http_client=http, **self._openai_kwargs())
            self._async = instructor.from_openai(raw, mode=instructor.Mode.JSON_SCHEMA)
        return self._async

    def request_kwargs(
        self, model: type[BaseModel], messages: list[dict], schema: dict | None = None
    ) -> dict[str, Any]:
        """Arguments of one structured call. A hosted server gets instructor's JSON_SCHEMA response format (the
        model's own schema). llama.cpp rejects that form; it gets ``json_object`` with a schema, which it compiles to
        a grammar: ``schema`` when given (a request's own, narrower schema), else the model's. It goes in the
        request body as written (``extra_body``, which the openai client merges over instructor's
        response_format)."""
        kwargs: dict[str, Any] = dict(
            model=self.settings.model,
            messages=messages,
            response_model=model,
            max_retries=self.settings.reasks,
            temperature=0,
            max_tokens=self.settings.max_tokens,
        )
        if self.settings.response_format == "json_object":
            constraint = schema if schema is not None else model.model_json_schema()
            kwargs["extra_body"] = {"response_format": {"type": "json_object", "schema": constraint}}
        return kwargs

    def structured(self, model: type[M], messages: list[dict], schema: dict | None = None) -> CallResult:
        """One structured call: the validated answer (re-asked while invalid), its cost and its raw text."""
        tally = _Tally()
        try:
            value, completion = self.client.create_with_completion(
                hooks=tally.hooks, **self.request_kwargs(model, messages, schema))
        except Exception as exc:  # noqa: BLE001 - every failure is mapped to one of our errors
            raise translate(exc, self.base_url, tally) from exc
        return CallResult(_as_model(value, model), tally.usage, _content(completion), tally.errors)

    async def astructured(self, model: type[M], messages: list[dict], schema: dict | None = None) -> CallResult:
        """The asyncio twin of :meth:`structured`."""
        tally = _Tally()
        try:
            value, completion = await self.aclient.create_with_completion(
                hooks=tally.hooks, **self.request_kwargs(model, messages, schema))
        except Exception as exc:  # noqa: BLE001
            raise translate(exc, self.base_url, tally) from exc
        raw = _content(completion)
        log.debug("%s answered: %s", model.__name__, raw)
        return CallResult(_as_model(value, model), tally.usage, raw, tally.errors)


def _as_model(value: Any, model: type[M]) -> M:
    """The answer as an instance of the class asked for. instructor answers with an instance of a class it derives
    from the response model for the call, which the batch's worker processes cannot unpickle; the fields (already
    validated) and private state are carried over as they are."""
    if type(value) is model or not isinstance(value, model):
        return value
    rebuilt = model.model_construct(_fields_set=set(value.model_fields_set),
                                    **{name: getattr(value, name) for name in type(value).model_fields})
    if value.__pydantic_private__ is not None:
        rebuilt.__pydantic_private__ = dict(value.__pydantic_private__)
    return rebuilt


def _content(completion: Any) -> str:
    try:
        return completion.choices[0].message.content or ""
    except (AttributeError, IndexError):
        return ""


class InvalidOutput(OutputInvalid):
    """OutputInvalid carrying the last completion's text and the usage, so the caller can salvage it."""

    def __init__(self, message: str, *, raw: str, usage: Usage, errors: list[str]):
        super().__init__(message)
        self.raw = raw
        self.usage = usage
        self.errors = errors


def translate(exc: BaseException, base_url: str | None, tally: _Tally) -> LLMError:
    """Map openai/instructor/httpx failures to one of our errors with a one-line message."""
    cause = exc
    if isinstance(exc, IncompleteOutputException):
        last = exc.last_completion
        return InvalidOutput(
            "the model's answer was cut off at the token limit",
            raw=_content(last) if last is not None else "",
            usage=tally.usage,
            errors=["output cut off at the token limit"],
        )
    if isinstance(exc, InstructorRetryException):
        cause = exc.__cause__ or exc
        if not isinstance(cause, openai.OpenAIError):
            last = exc.last_completion
            return InvalidOutput(
                f"the model's output is still invalid after {exc.n_attempts} attempt(s): {first_line(cause)}",
                raw=_content(last) if last is not None else "",
                usage=tally.usage,
                errors=tally.errors or [str(cause)],
            )
    where = base_url or "the OpenAI API"
    if isinstance(cause, openai.AuthenticationError):
        return AuthenticationFailed(f"the server at {where} refused the API key (HTTP 401)",
                                    hint="check OPENAI_API_KEY")
    if isinstance(cause, openai.RateLimitError):
        return RateLimited(f"the server at {where} is still rate-limiting (HTTP 429) after every retry")
    if isinstance(cause, openai.APITimeoutError):
        return ServerUnavailable(f"the server at {where} did not answer in time", hint="raise --timeout")
    if isinstance(cause, openai.APIConnectionError):
        return ServerUnavailable(f"cannot reach the LLM server at {where}", hint="is it running?")
    if isinstance(cause, openai.APIStatusError):
        return LLMError(f"the server at {where} answered HTTP {cause.status_code}: {first_line(cause)}")
    if isinstance(cause, openai.OpenAIError):
        return LLMError(f"LLM call failed: {first_line(cause)}")
    if isinstance(cause, LLMError):
        return cause
    return LLMError(f"LLM call failed: {type(cause).__name__}: {first_line(cause)}")
