"""Every bad input gives one clear line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

from .conftest import StubServer, completion_body

runner = CliRunner()


def run(*args: str, env: dict | None = None):
    result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
    return result


def one_line_error(result, code: int, fragment: str) -> None:
    assert result.exit_code == code, result.output
    err = result.stderr.strip()
    assert "Traceback" not in result.output and "Traceback" not in err
    assert err.startswith("error:") and len(err.splitlines()) == 1, err
    assert fragment in err, err


@pytest.fixture
def hosted_env(monkeypatch):
    """Point at a server that is down, so no test can start a local model by accident."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1", "SUMMARIZER_MAX_RETRIES": "1"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def test_missing_file(hosted_env, tmp_path):
    one_line_error(run("summarize", str(tmp_path / "nope.txt")), 2, "no such file")


def test_empty_file(hosted_env, tmp_path):
    (tmp_path / "empty.txt").write_text("  \n\n")
    one_line_error(run("summarize", str(tmp_path / "empty.txt")), 2, "the article is empty")


def test_binary_file(hosted_env, tmp_path):
    (tmp_path / "x.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    one_line_error(run("summarize", str(tmp_path / "x.txt")), 2, "binary file")


def test_non_utf8_file(hosted_env, tmp_path):
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 talks in S\xe3o Paulo".encode("latin-1"))
    one_line_error(run("summarize", str(tmp_path / "latin1.txt")), 2, "not UTF-8")


def test_oversize_article(hosted_env, tmp_path):
    (tmp_path / "long.txt").write_text("Word. " * 500)
    one_line_error(run("summarize", "--max-chars", "1000", str(tmp_path / "long.txt")), 2, "too long (3,000 characters")


def test_huge_file_is_refused_without_reading_it(hosted_env, tmp_path):
    (tmp_path / "big.txt").write_text("Word. " * 5000)
    one_line_error(run("summarize", "--max-chars", "1000", str(tmp_path / "big.txt")), 2, "too large (30,000 bytes)")


def test_folder_instead_of_file(hosted_env, tmp_path):
    one_line_error(run("summarize", str(tmp_path)), 2, "is a folder")


def test_bad_input_is_reported_before_any_model_call(hosted_env, tmp_path):
    """The second file is bad: the error comes at once, not after summarizing the first."""
    (tmp_path / "ok.txt").write_text("Lavrov met Shoukry in Cairo on Monday.")
    one_line_error(run("summarize", str(tmp_path / "ok.txt"), str(tmp_path / "missing.txt")), 2, "no such file")


def test_server_down(hosted_env, tmp_path):
    (tmp_path / "a.txt").write_text("Lavrov met Shoukry in Cairo on Monday.")
    one_line_error(run("summarize", str(tmp_path / "a.txt")), 3, "cannot reach the LLM server")


def test_authentication_error(monkeypatch, tmp_path):
    (tmp_path / "a.txt").write_text("Lavrov met Shoukry in Cairo on Monday.")
    with StubServer([(401, {}, b'{"error": {"message": "Incorrect API key"}}', 0.0)]) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        one_line_error(run("summarize", str(tmp_path / "a.txt")), 3, "refused the API key")


def test_output_still_invalid_after_reasks(monkeypatch, tmp_path):
    (tmp_path / "a.txt").write_text("Lavrov met Shoukry in Cairo on Monday.")
    garbage = (200, {}, completion_body("I cannot answer in JSON, sorry."), 0.0)
    with StubServer([garbage]) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        one_line_error(run("summarize", "--reasks", "1", str(tmp_path / "a.txt")), 3, "still invalid after 2 attempt")
        assert len(server.arrivals) == 2


def test_bad_setting_is_a_config_error(hosted_env, tmp_path):
    (tmp_path / "a.txt").write_text("Lavrov met Shoukry.")
    one_line_error(run("summarize", "--timeout", "-1", str(tmp_path / "a.txt")), 2, "timeout must be positive")


def test_unknown_template(hosted_env, tmp_path):
    (tmp_path / "a.txt").write_text("Lavrov met Shoukry.")
    one_line_error(run("summarize", "--template", "nope", str(tmp_path / "a.txt")), 2, "no template named 'nope'")


def test_schema_command_prints_the_json_schema():
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "ArticleSummary"
