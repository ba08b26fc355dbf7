"""A stub OpenAI-compatible server on loopback that answers with recorded responses from a vcrpy cassette.

Each POST /v1/chat/completions is matched to the recorded answer of the same pipeline step: the last user
message that names a step (``Step "actors"`` or ``Step "events"``; a re-ask names none, so the step before it
counts). The answer comes after a configurable latency; a configurable share of requests gets HTTP 429
(with Retry-After) or 500 instead. Asyncio, HTTP/1.1 keep-alive, so one process serves hundreds of requests in
flight with little CPU.

In a test (a thread of this process)::

    with StubLLMServer(CassetteAnswers(path), latency=0.05) as server:
        ... server.base_url ... server.stats

As a process (what the benchmark does; prints ``listening URL`` and serves until stdin closes or a signal)::

    python benchmarks/stub_server.py --cassette cassettes/seed-lavrov-cairo.yaml --latency 0.5 --errors 0.1

With several cassettes (``--cassette cassettes/dev/*.yaml``), each request is answered from the cassette of the
article it is about (the ``Title:`` line of its first user message), so a batch of different articles gets each
article's own answers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import yaml

STEPS = ("actors", "events")


def step_of(messages: list[dict]) -> str | None:
    """The pipeline step a request belongs to: the latest user message that names one."""
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        text = content if isinstance(content, str) else json.dumps(content)
        for step in reversed(STEPS):
            if f'Step "{step}"' in text:
                return step
    return None


class CassetteAnswers:
    """The recorded answer of each step, taken from a vcrpy cassette (the last recorded one of a step wins:
    after re-asks, it is the one the pipeline accepted)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        self.by_step: dict[str | None, bytes] = {}
        for item in data.get("interactions") or []:
            request, response = item["request"], item["response"]
            if not str(request.get("uri", "")).endswith("/chat/completions") or response["status"]["code"] != 200:
                continue
            body = request.get("body") or "{}"
            messages = json.loads(body if isinstance(body, str) else body.get("string", "{}")).get("messages", [])
            answer = response["body"]["string"]
            self.by_step[step_of(messages)] = answer.encode() if isinstance(answer, str) else answer
        if not self.by_step:
            raise ValueError(f"{self.path}: no recorded chat completion")

    def answer(self, request_body: bytes) -> tuple[str | None, bytes]:
        """The step and the recorded answer for one request body (the first recorded answer if no step matches)."""
        try:
            step = step_of(json.loads(request_body).get("messages", []))
        except ValueError:
            step = None
        if step not in self.by_step:
            step = next(iter(self.by_step))
        return step, self.by_step[step]


_TITLE = re.compile(r"^Title: (.+)$", re.M)


def title_of(messages: list[dict]) -> str | None:
    """The article title a conversation shows (``Title: ...`` in its first user message), if any."""
    for message in messages:
        if message.get("role") == "user":
            content = message.get("content")
            match = _TITLE.search(content if isinstance(content, str) else json.dumps(content))
            return match.group(1).strip() if match else None
    return None


class ArticleAnswers:
    """Several cassettes, one per article: each request is answered from the cassette whose recorded
    conversation shows the same article title (the first cassette when none does)."""

    def __init__(self, paths: list[str | Path]):
        self.by_title: dict[str | None, CassetteAnswers] = {}
        for path in paths:
            answers = CassetteAnswers(path)
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
            body = data["interactions"][0]["request"].get("body") or "{}"
            messages = json.loads(body if isinstance(body, str) else body.get("string", "{}")).get("messages", [])
            self.by_title.setdefault(title_of(messages), answers)
        self.first = next(iter(self.by_title.values()))

    def answer(self, request_body: bytes) -> tuple[str | None, bytes]:
        try:
            title = title_of(json.loads(request_body).get("messages", []))
        except ValueError:
            title = None
        return self.by_title.get(title, self.first).answer(request_body)


class StubLLMServer:
    """Serve recorded answers after ``latency`` seconds; ``errors`` of the requests (0..1) fail with a status
    drawn from ``error_statuses``."""

    def __init__(self, answers: CassetteAnswers, *, latency: float = 0.0, errors: float = 0.0,
                 error_statuses: tuple[int, ...] = (429, 500), retry_after: str = "1", seed: int = 0,
                 host: str = "127.0.0.1", port: int = 0):
        self.answers = answers
        self.latency = latency
        self.errors = errors
        self.error_statuses = error_statuses
        self.retry_after = retry_after
        self.rng = random.Random(seed)
        self.host, self.port = host, port
        self.stats: Counter = Counter()
        self._server: asyncio.base_events.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[asyncio.Task] = set()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    async def start(self) -> None:
        """Listen (in the running loop)."""
        self._server = await asyncio.start_server(self._connection, self.host, self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._connections.add(task)
        try:
            while await self._one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
            self._connections.discard(task)

    async def stop(self) -> None:
        """Stop listening and end every open connection."""
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)

    async def _one_request(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the client closed the connection."""
        head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
        if not head:
            return False
        lines = head.decode("latin-1").split("\r\n")
        method = lines[0].split(" ", 1)[0]
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        body = await reader.readexactly(int(headers.get("content-length") or 0))
        if method != "POST":
            self._send(writer, 200, b'{"object": "list", "data": [{"id": "stub"}]}')
        else:
            self.stats["requests"] += 1
            status, extra, answer = self._decide(body)
            await asyncio.sleep(self.latency)
            self._send(writer, status, answer, extra)
        await writer.drain()
        return headers.get("connection", "").lower() != "close"

    def _decide(self, body: bytes) -> tuple[int, dict, bytes]:
        if self.errors and self.rng.random() < self.errors:
            status = self.rng.choice(self.error_statuses)
            self.stats[f"http_{status}"] += 1
            extra = {"retry-after": self.retry_after} if status == 429 else {}
            return status, extra, json.dumps({"error": {"message": f"stub: injected HTTP {status}"}}).encode()
        step, answer = self.answers.answer(body)
        self.stats[f"step_{step}"] += 1
        return 200, {}, answer

    @staticmethod
    def _send(writer: asyncio.StreamWriter, status: int, body: bytes, extra: dict | None = None) -> None:
        reason = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error"}.get(status, "Error")
        head = [f"HTTP/1.1 {status} {reason}", "content-type: application/json", f"content-length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in (extra or {}).items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    # in a thread of the calling process (tests)
    def __enter__(self) -> StubLLMServer:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self.start())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name="stub-llm-server", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the stub server did not start")
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


async def _serve(args: argparse.Namespace) -> None:
    answers = CassetteAnswers(args.cassette[0]) if len(args.cassette) == 1 else ArticleAnswers(args.cassette)
    server = StubLLMServer(answers, latency=args.latency, errors=args.errors,
                           retry_after=args.retry_after, seed=args.seed, port=args.port)
    await server.start()
    print(f"listening {server.base_url}", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin (or kills us)
    await server.stop()
    # its own CPU: it runs on the same cores as the client it serves, which a hosted API does not
    print(json.dumps({**server.stats, "cpu_seconds": round(time.process_time(), 3)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cassette", required=True, nargs="+",
                        help="A vcrpy cassette with the recorded exchanges; several: one per article, matched by title.")
    parser.add_argument("--latency", type=float, default=0.5, help="Seconds before each answer.")
    parser.add_argument("--errors", type=float, default=0.0, help="Share of requests answered 429 or 500 (0..1).")
    parser.add_argument("--retry-after", default="1", help="Retry-After of the 429 answers, in seconds.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
