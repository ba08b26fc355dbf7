"""The command line's help: the usage line names the command once, and every environment variable an option
reads is shown (rich markup used to eat the "[env ...]" hints written into the help texts)."""

from __future__ import annotations

import re
import sys

import pytest
from typer.testing import CliRunner

from summarizer import cli

ENV_VARS = ["SUMMARIZER_MODEL", "OPENAI_BASE_URL", "SUMMARIZER_TEMPLATE", "SUMMARIZER_TEMPLATES", "SUMMARIZER_TIMEOUT",
            "SUMMARIZER_MAX_RETRIES", "SUMMARIZER_REASKS", "SUMMARIZER_MODEL_PATH", "SUMMARIZER_MAX_CHARS",
            "SUMMARIZER_CHUNK_CHARS"]


def _plain(text: str) -> str:
    """The help without its box drawing and line wrapping: words separated by single spaces."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def _entry_point_help(monkeypatch, capsys, entry, prog: str, *args: str) -> str:
    monkeypatch.setattr(sys, "argv", [f"/usr/local/bin/{prog}", *args, "--help"])
    monkeypatch.setenv("TERMINAL_WIDTH", "100")
    with pytest.raises(SystemExit) as done:
        entry()
    assert done.value.code == 0
    return capsys.readouterr().out


def test_summarize_entry_point_usage_names_the_command_once(monkeypatch, capsys):
    out = _entry_point_help(monkeypatch, capsys, cli.summarize_main, "summarize")
    usage = _plain(out).split(" Summarize articles")[0]
    assert usage.startswith("Usage: summarize [OPTIONS]"), usage
    assert "summarize summarize" not in out


def test_summarizer_entry_point_usage(monkeypatch, capsys):
    out = _entry_point_help(monkeypatch, capsys, cli.main, "summarizer", "summarize")
    assert _plain(out).startswith("Usage: summarizer summarize [OPTIONS]")


@pytest.mark.parametrize("command", ["summarize", "eval", "batch"])
def test_model_options_show_their_environment_variables(command):
    result = CliRunner().invoke(cli.app, [command, "--help"], env={"TERMINAL_WIDTH": "100"})
    assert result.exit_code == 0, result.output
    text = _plain(result.stdout)
    for name in ENV_VARS:
        assert f"[env var: {name}]" in text, (name, text)
    assert "Model name. [env var: SUMMARIZER_MODEL]" in text
    assert not re.search(r"\w \.(?!\w)", text), "a hint in square brackets was eaten as markup"


def test_batch_help_keeps_its_default_hints():
    text = _plain(CliRunner().invoke(cli.app, ["batch", "--help"]).stdout)
    assert "[default: (1 for the local model, 4 otherwise)]" in text
    assert "[default: (a local Ray)]" in text and "[env var: RAY_ADDRESS]" in text


def test_an_option_takes_its_value_from_the_environment(monkeypatch, tmp_path):
    """The declared variable reaches the settings: a bad value is a one-line error naming it."""
    (tmp_path / "a.txt").write_text("Lavrov met Shoukry.")
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "SUMMARIZER_TIMEOUT": "-1"}
    result = CliRunner().invoke(cli.app, ["summarize", str(tmp_path / "a.txt")], env=env)
    assert result.exit_code == 2 and "timeout must be positive" in result.stderr


def _entry_point_error(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/summarize", *args])
    with pytest.raises(SystemExit) as done:
        cli.summarize_main()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return done.value.code, captured.err.strip()


def test_a_bad_value_in_an_options_environment_variable_is_one_line(monkeypatch, capsys, tmp_path):
    (tmp_path / "a.txt").write_text("Lavrov met Shoukry.")
    monkeypatch.setenv("SUMMARIZER_TIMEOUT", "soon")
    code, err = _entry_point_error(monkeypatch, capsys, str(tmp_path / "a.txt"))
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith("error: Invalid value for '--timeout' (env var: 'SUMMARIZER_TIMEOUT')"), err


def test_an_unknown_option_is_one_line(monkeypatch, capsys):
    code, err = _entry_point_error(monkeypatch, capsys, "--modle", "x", "a.txt")
    assert code == 2 and len(err.splitlines()) == 1 and "No such option: --modle" in err, err
    assert err.endswith("(see 'summarize --help')")
