"""One error root for the whole package; every error carries a one-line message a user can act on."""

from __future__ import annotations


class SummarizerError(Exception):
    """Root of every error this package raises on purpose. ``str(err)`` is a one-line message."""

    exit_code = 1
    reason = "error"  # the batch error record's reason (see reason_of)

    def __init__(self, message: str, *, hint: str | None = None, original: BaseException | None = None):
        super().__init__(message)
        self.hint = hint
        self.original = original

    def one_line(self) -> str:
        text = str(self).replace("\n", " ")
        return f"{text} ({self.hint})" if self.hint else text


class InputError(SummarizerError):
    """An article cannot be read: missing, empty, binary, not UTF-8, too large, malformed record."""

    exit_code = 2
    reason = "input"


class ConfigError(SummarizerError):
    """Settings are missing or contradict each other."""

    exit_code = 2


class TemplateError(SummarizerError):
    """A prompt template is missing, malformed or renders with a missing variable."""

    exit_code = 2


class LLMError(SummarizerError):
    """The LLM server failed in a way retries did not cure."""

    exit_code = 3
    reason = "llm"


class ServerUnavailable(LLMError):
    """The server is down, unreachable or too slow."""


class AuthenticationFailed(LLMError):
    """The server refused the API key."""


class RateLimited(LLMError):
    """The server kept answering 429 after every retry."""


class OutputInvalid(LLMError):
    """The model's output is still invalid after the allowed re-asks."""

    reason = "invalid_output"


class LocalModelError(SummarizerError):
    """The embedded offline model cannot be assembled, verified or served."""

    exit_code = 4


def reason_of(err: BaseException) -> str:
    """The reason an error record gives for an exception: its error class's ``reason``, or 'error'."""
    return err.reason if isinstance(err, SummarizerError) else "error"


def first_line(err: BaseException, limit: int = 300) -> str:
    """The first line of an exception's message (its class name if it has none), at most ``limit`` characters."""
    text = str(err).strip().splitlines()
    return text[0][:limit] if text else type(err).__name__
