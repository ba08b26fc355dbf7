"""Test fixtures: isolated config and cache paths, cassette replay (never the network), loopback stub servers.

Cassettes are real exchanges recorded from the embedded local model server. To re-record them (needs the
`[local]` extra; starts the embedded server, or reuses a running `summarizer serve`):

    SUMMARIZER_RECORD=1 pytest tests/test_cassettes.py

Without SUMMARIZER_RECORD a missing or unmatched cassette fails the test; nothing goes online.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import vcr

from summarizer.config import LOCAL_MODEL_NAME, Settings

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
SEEDS = ROOT / "seeds"
RECORDING = bool(os.environ.get("SUMMARIZER_RECORD"))
REPLAY_URL = "http://127.0.0.1:9/v1"  # never contacted: vcrpy answers from the cassette
SECRET_HEADERS = ["authorization", "cookie", "set-cookie", "openai-organization", "openai-project", "x-api-key", "api-key"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Every test gets its own cache dir and no inherited LLM settings."""
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZER_MODEL", "SUMMARIZER_RESPONSE_FORMAT",
                 "SUMMARIZER_TEMPLATE", "SUMMARIZER_TEMPLATES", "SUMMARIZER_MODEL_PATH"):
        monkeypatch.delenv(name, raising=False)


def _scrub_response(response: dict) -> dict:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    return response


def cassette_vcr(record_mode: str | None = None) -> vcr.VCR:
    """The one cassette configuration: replay only (or record when asked), matched on method, path and body
    (the server's port differs between recording and replay), secrets filtered."""
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode or ("all" if RECORDING else "none"),
        match_on=("method", "path", "body"),
        filter_headers=SECRET_HEADERS,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


@pytest.fixture(scope="session")
def live_base_url() -> Iterator[str | None]:
    """When recording: the embedded model's server (started for the session). Otherwise None."""
    if not RECORDING:
        yield None
        return
    from summarizer.config import resolve
    from summarizer.local import ensure_server

    with ensure_server(resolve()) as url:
        yield url


@pytest.fixture
def llm_settings(live_base_url) -> Settings:
    """Settings that replay cassettes recorded against the embedded model (or record them)."""
    return Settings(
        api_key="sk-test-not-a-secret", base_url=live_base_url or REPLAY_URL, model=LOCAL_MODEL_NAME, local=False,
        response_format="json_object", max_retries=0, timeout=900,
    )


@pytest.fixture
def llm_env(monkeypatch, live_base_url) -> dict[str, str]:
    """The same settings as environment variables, for CLI tests."""
    env = {
        "OPENAI_API_KEY": "sk-test-not-a-secret", "OPENAI_BASE_URL": live_base_url or REPLAY_URL,
        "SUMMARIZER_MODEL": LOCAL_MODEL_NAME, "SUMMARIZER_RESPONSE_FORMAT": "json_object", "SUMMARIZER_MAX_RETRIES": "0",
        "SUMMARIZER_TIMEOUT": "900",  # recording against a busy 2-core machine can be slow
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def recording(name: str):
    """A cassette recorded afresh: record mode "all" keeps what the file held, so the old file goes first and no
    stale exchange stays in it."""
    (CASSETTES / f"{name}.yaml").unlink(missing_ok=True)
    return cassette_vcr(record_mode="all").use_cassette(f"{name}.yaml")


@contextlib.contextmanager
def cassette(name: str) -> Iterator:
    path = CASSETTES / f"{name}.yaml"
    if not RECORDING and not path.is_file():
        pytest.fail(f"missing cassette {path}: record it with SUMMARIZER_RECORD=1 (needs the [local] extra)")
    with (recording(name) if RECORDING else cassette_vcr().use_cassette(f"{name}.yaml")) as cas:
        yield cas


# --- a scripted OpenAI-compatible stub server on loopback -----------------------------------------------------


def completion_body(content: str, prompt_tokens: int = 10, completion_tokens: int = 5) -> bytes:
    return json.dumps({
        "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": "stub",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }).encode()


def json_answer(obj: dict) -> tuple[int, dict, bytes, float]:
    """A stub server's step: the model answering ``obj`` as JSON, at once."""
    return 200, {}, completion_body(json.dumps(obj)), 0.0


def summarize_scripted(script: list, text: str, title: str, reasks: int = 0) -> tuple:
    """The pipeline's summary of ``text`` against a stub server that plays ``script`` as the model's answers, and
    the server (its requests' arrivals and bodies)."""
    from summarizer.article import Article
    from summarizer.pipeline import Summarizer

    with StubServer(script) as server:
        settings = Settings(api_key="sk-test", base_url=server.base_url, model="stub", local=False,
                            response_format="json_object", reasks=reasks, max_retries=0)
        with Summarizer(settings) as summarizer:
            summary = summarizer.summarize(Article(text=text, title=title, id="t"))
    return summary, server


class StubServer:
    """Answers POSTs from a script of (status, headers, body, delay) steps, the last one repeating."""

    def __init__(self, script: list[tuple[int, dict, bytes, float]]):
        self.script = script
        self.arrivals: list[float] = []
        self.bodies: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._send(200, {}, b'{"data": []}')

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                with contextlib.suppress(ValueError):
                    stub.bodies.append(json.loads(raw or b"{}"))
                stub.arrivals.append(time.monotonic())
                status, headers, body, delay = stub.script[min(len(stub.arrivals) - 1, len(stub.script) - 1)]
                if delay:
                    time.sleep(delay)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(status, headers, body)

            def _send(self, status, headers, body):
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
