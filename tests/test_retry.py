"""The retry policy against a real HTTP server on loopback: 429 with Retry-After, 5xx, slow answers, failures."""

from __future__ import annotations

import json
import socket
import time

import pytest
from pydantic import BaseModel, ValidationInfo, model_validator

from summarizer.article import Article
from summarizer.config import Settings
from summarizer.errors import AuthenticationFailed, LLMError, OutputInvalid, RateLimited, ServerUnavailable
from summarizer.extraction import ActorsPass, validating, validation_context
from summarizer.llm import LLM, RetryPolicy

from .conftest import StubServer, completion_body

FAST = RetryPolicy(attempts=5, total_seconds=30, initial=0.05, maximum=2.0)


class Answer(BaseModel):
    answer: str


def _llm(url: str, *, timeout: float = 5.0, policy: RetryPolicy = FAST, reasks: int = 0) -> LLM:
    settings = Settings(api_key="sk-test", base_url=url, model="stub", local=False, timeout=timeout, reasks=reasks)
    llm = LLM(settings)
    llm.policy = policy
    return llm


def _ask(llm: LLM):
    return llm.structured(Answer, [{"role": "user", "content": "hi"}])


OK = (200, {}, completion_body(json.dumps({"answer": "yes"})), 0.0)


def test_retries_429_500_and_slow_answers_then_succeeds():
    script = [
        (429, {"retry-after": "1"}, b'{"error": {"message": "slow down"}}', 0.0),
        (500, {}, b'{"error": {"message": "boom"}}', 0.0),
        (200, {}, completion_body(json.dumps({"answer": "late"})), 2.0),  # slower than the timeout
        OK,
    ]
    with StubServer(script) as server:
        result = _ask(_llm(server.base_url, timeout=0.7))
    assert result.value.answer == "yes"
    assert len(server.arrivals) == 4
    gaps = [b - a for a, b in zip(server.arrivals, server.arrivals[1:], strict=False)]
    assert gaps[0] >= 0.95, "Retry-After: 1 must be honoured"
    assert gaps[1] < 0.9, "a 500 without Retry-After backs off briefly"
    assert gaps[2] >= 0.7, "the slow answer is abandoned at the timeout, then retried"
    assert result.usage.requests == 1 and result.usage.prompt_tokens == 10


def test_retry_after_is_capped_by_the_policy_maximum():
    script = [(503, {"retry-after": "120"}, b"{}", 0.0), OK]
    with StubServer(script) as server:
        started = time.monotonic()
        _ask(_llm(server.base_url, policy=RetryPolicy(attempts=3, total_seconds=30, initial=0.05, maximum=0.3)))
    assert time.monotonic() - started < 5
    assert len(server.arrivals) == 2


def test_rate_limit_that_never_ends_is_a_clear_error_after_bounded_attempts():
    with StubServer([(429, {"retry-after": "0"}, b'{"error": {"message": "limit"}}', 0.0)]) as server:
        with pytest.raises(RateLimited, match="429"):
            _ask(_llm(server.base_url, policy=RetryPolicy(attempts=3, total_seconds=30, initial=0.01, maximum=0.05)))
    assert len(server.arrivals) == 3


def test_authentication_error_is_not_retried():
    with StubServer([(401, {}, b'{"error": {"message": "bad key"}}', 0.0)]) as server:
        with pytest.raises(AuthenticationFailed, match="refused the API key"):
            _ask(_llm(server.base_url))
    assert len(server.arrivals) == 1


def test_server_down_is_server_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(ServerUnavailable, match="cannot reach"):
        _ask(_llm(f"http://127.0.0.1:{port}/v1", policy=RetryPolicy(attempts=2, total_seconds=5, initial=0.01, maximum=0.05)))


def test_persistent_slowness_is_a_timeout_error():
    slow = (200, {}, completion_body(json.dumps({"answer": "x"})), 1.5)
    with StubServer([slow]) as server:
        with pytest.raises(ServerUnavailable, match="did not answer in time"):
            _ask(_llm(server.base_url, timeout=0.3, policy=RetryPolicy(attempts=2, total_seconds=10, initial=0.01, maximum=0.05)))
    assert len(server.arrivals) == 2


def test_garbage_is_reasked_then_reported_with_usage_of_every_attempt():
    garbage = (200, {}, completion_body("this is not json", prompt_tokens=7, completion_tokens=3), 0.0)
    with StubServer([garbage]) as server:
        with pytest.raises(OutputInvalid) as info:
            _ask(_llm(server.base_url, reasks=2))
    assert len(server.arrivals) == 3  # the first answer and two re-asks
    assert info.value.usage.requests == 3
    assert info.value.usage.prompt_tokens == 21
    assert info.value.usage.reasks == 3


def test_a_reask_that_succeeds_counts_its_tokens():
    bad = (200, {}, completion_body('{"wrong": 1}', prompt_tokens=7, completion_tokens=3), 0.0)
    with StubServer([bad, OK]) as server:
        result = _ask(_llm(server.base_url, reasks=1))
    assert result.value.answer == "yes"
    assert result.usage.requests == 2 and result.usage.reasks == 1
    assert result.usage.prompt_tokens == 17 and result.usage.completion_tokens == 8


def test_non_json_error_page_is_an_llm_error():
    with StubServer([(404, {}, b"<html>not here</html>", 0.0)]) as server:
        with pytest.raises(LLMError, match="404"):
            _ask(_llm(server.base_url))


class Checked(BaseModel):
    answer: str

    @model_validator(mode="after")
    def _seen(self, info: ValidationInfo) -> Checked:
        validation_context(info)["seen"] = validation_context(info).get("article")
        return self


def test_messages_reach_the_server_verbatim_and_validators_get_their_context():
    """An article may contain template syntax: it is sent as written, never rendered by instructor. The
    validators' context is the caller's, set around the call."""
    text = "Officials wrote {{ secret }} and {% if x %} in the memo.\n    Indented line."
    context = {"article": "the article"}
    with StubServer([OK]) as server, validating(context):
        result = _llm(server.base_url).structured(Checked, [{"role": "user", "content": text}])
    assert result.value.answer == "yes"
    assert server.bodies[0]["messages"][0]["content"] == text
    assert context["seen"] == "the article"


def test_a_pass_model_is_reasked_when_its_validator_rejects_the_answer():
    """A pass model's validators re-ask: their context is set around the call; the accepted answer is a pass
    model (instructor may wrap the class; its validators and notes are the pass model's)."""
    article = Article(text="Sergei Lavrov met Sameh Shoukry in Cairo on Monday.", id="t")
    bad = (200, {}, completion_body(json.dumps({"summary": [1], "names": {"Vladimir Putin": "person"}})), 0.0)
    good = (200, {}, completion_body(json.dumps({"summary": [1], "names": {"Sergei Lavrov": "person"}})), 0.0)
    with StubServer([bad, good]) as server, validating({"article": article}):
        result = _llm(server.base_url, reasks=1).structured(ActorsPass, [{"role": "user", "content": "hi"}])
    assert isinstance(result.value, ActorsPass) and result.value.names == {"Sergei Lavrov": "person"}
    assert result.value.notes.warnings == []
    assert result.usage.reasks == 1 and "'Vladimir Putin' does not occur" in result.errors[0]
    assert "Vladimir Putin" in server.bodies[1]["messages"][-1]["content"]
