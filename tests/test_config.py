"""Settings resolution: an explicit argument, then the environment, then the default; an explicit 0 is a value."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config import resolve
from summarizer.errors import ConfigError

from .conftest import StubServer, completion_body

HOSTED = dict(api_key="sk-test", base_url="http://127.0.0.1:9/v1")


def test_an_explicit_zero_is_kept_and_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("SUMMARIZER_REASKS", "3")
    monkeypatch.setenv("SUMMARIZER_MAX_RETRIES", "3")
    settings = resolve(reasks=0, max_retries=0, **HOSTED)
    assert (settings.reasks, settings.max_retries) == (0, 0)


def test_a_zero_in_the_environment_is_kept(monkeypatch):
    monkeypatch.setenv("SUMMARIZER_REASKS", "0")
    monkeypatch.setenv("SUMMARIZER_MAX_RETRIES", "0")
    settings = resolve(**HOSTED)
    assert (settings.reasks, settings.max_retries) == (0, 0)


def test_unset_values_take_the_defaults():
    settings = resolve(**HOSTED)
    assert (settings.reasks, settings.max_retries, settings.max_chars, settings.chunk_chars) == (1, 4, 60_000, 12_000)


@pytest.mark.parametrize("option", ["threads", "max_chars", "chunk_chars"])
def test_an_explicit_zero_size_is_refused_not_replaced_by_the_default(option):
    with pytest.raises(ConfigError):
        resolve(**{option: 0}, **HOSTED)


def _cli(server: StubServer, tmp_path, *options: str):
    article = tmp_path / "a.txt"
    article.write_text("Sergei Lavrov met Sameh Shoukry in Cairo on Monday.")
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.base_url, "SUMMARIZER_REASKS": "2",
           "SUMMARIZER_MAX_RETRIES": "2"}
    return CliRunner().invoke(app, ["summarize", *options, str(article)], env=env)


def test_reasks_0_on_the_command_line_asks_once(tmp_path):
    garbage = (200, {}, completion_body("not JSON"), 0.0)
    with StubServer([garbage]) as server:
        result = _cli(server, tmp_path, "--reasks", "0")
    assert result.exit_code == 3 and "after 1 attempt" in result.stderr
    assert len(server.arrivals) == 1


def test_max_retries_0_on_the_command_line_sends_one_request(tmp_path):
    with StubServer([(500, {}, json.dumps({"error": {"message": "boom"}}).encode(), 0.0)]) as server:
        result = _cli(server, tmp_path, "--max-retries", "0")
    assert result.exit_code == 3 and "HTTP 500" in result.stderr
    assert len(server.arrivals) == 1
