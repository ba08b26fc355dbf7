"""The one error root: each error class states its exit code and its batch record reason."""

from __future__ import annotations

import pytest

from summarizer.errors import (
    ConfigError,
    InputError,
    LLMError,
    OutputInvalid,
    RateLimited,
    SummarizerError,
    first_line,
    reason_of,
)


@pytest.mark.parametrize(("error", "reason"), [
    (InputError("x"), "input"), (ConfigError("x"), "error"), (LLMError("x"), "llm"), (RateLimited("x"), "llm"),
    (OutputInvalid("x"), "invalid_output"), (SummarizerError("x"), "error"), (KeyError("x"), "error"),
])
def test_reason_of(error, reason):
    assert reason_of(error) == reason


def test_first_line():
    assert first_line(ValueError("first\nsecond")) == "first"
    assert first_line(ValueError("")) == "ValueError"
    assert first_line(ValueError("x" * 400), limit=10) == "x" * 10
