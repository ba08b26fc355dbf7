"""What one article came to (:class:`Outcome`), and an error's reason and one-line message for its record."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError, LLMError, OutputInvalid, SummarizerError
from ..inputs import FetchError
from ..schema import Usage


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



def usage_of(err: BaseException) -> Usage:
    """Tokens a failed call still cost, when the error carries them (invalid output after re-asks)."""
    for e in (err, err.__cause__, err.__context__):
        usage = getattr(e, "usage", None)
        if isinstance(usage, Usage):
            return usage
    return Usage()
