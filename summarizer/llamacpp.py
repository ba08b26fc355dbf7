"""What this machine's llama.cpp build can do, and the embedded model's server process itself.

llama.cpp (llama-cpp-python, compiled on install with ``-march=native``) moves weights into "extra buffer
types" when it loads a model: AMX tiles on CPUs that advertise AMX, and repacked layouts for AVX2/AVX-512 or
ARM. On virtualized Sapphire/Granite Rapids Xeons (many cloud VMs) the AMX path crashes the process on the first
matrix multiply (a general protection fault at ``ldtilecfg`` in ``ggml_backend_amx_mul_mat``; llama.cpp's issue
"segfault in ggml_backend_amx_mul_mat"). llama.cpp has no environment switch for it; its model parameter
``use_extra_bufts`` turns all extra buffer types off, and llama-cpp-python's ``Llama`` takes its parameters
from ``llama_cpp.llama_model_default_params()``. The server process started here (``python -m
summarizer.llamacpp ARGS``) sets that parameter before llama-cpp-python's own server reads it:

- ``off`` (default): no extra buffer types on any CPU. Measured on a 2-core AMD EPYC with AVX-512
  (``benchmarks/extra_buffers_ab.py``, medians of 3 alternating runs): prompt 100 tokens/s off against 65 on (the
  repacked layout was slower here), generation 20.1 against 20.6 tokens/s;
- ``auto``: off only when the CPU advertises AMX or the build carries AMX kernels (to try the repacked layouts
  on a CPU where they pay);
- ``on``: llama.cpp's own default. All three with ``SUMMARIZER_LLAMA_EXTRA_BUFFERS``.

The choice and its reason are the first line of the server's log; ``summarizer models`` shows them too.
"""

from __future__ import annotations

import os
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

EXTRA_BUFFERS_ENV = "SUMMARIZER_LLAMA_EXTRA_BUFFERS"
DEFAULT_EXTRA_BUFFERS = "off"
#: CPU flags (as /proc/cpuinfo spells them) that matter to llama.cpp here.
INTERESTING_FLAGS = ("avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_int8",
                     "amx_bf16", "asimd", "sve")


def _cpuinfo(cpuinfo: Path = Path("/proc/cpuinfo")) -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo (empty where there is none)."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return {}
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The feature flags the CPU advertises (x86 'flags', ARM 'Features'); empty where unknown."""
    fields = _cpuinfo(cpuinfo)
    return set((fields.get("flags") or fields.get("Features") or "").split())


def build_features(system_info: str | None = None) -> dict[str, str]:
    """The CPU features llama.cpp was compiled with, from its own ``llama_print_system_info`` ("AVX2 = 1 | ...")."""
    if system_info is None:
        import llama_cpp

        system_info = llama_cpp.llama_print_system_info().decode(errors="replace")
    return dict(re.findall(r"([A-Za-z0-9_]+) = ([^\s|]+)", system_info))


@dataclass(frozen=True)
class ExtraBuffers:
    on: bool
    reason: str

    def describe(self) -> str:
        return f"llama.cpp extra buffer types (AMX, CPU repack) {'on' if self.on else 'off'}: {self.reason}"


def extra_buffers(setting: str | None, flags: set[str], features: dict[str, str]) -> ExtraBuffers:
    """Whether llama.cpp may move weights into extra buffer types (AMX, repack) on this machine."""
    why = f"{EXTRA_BUFFERS_ENV}={setting}" if setting else "the default"
    setting = (setting or DEFAULT_EXTRA_BUFFERS).strip().lower()
    if setting in ("on", "1", "true", "yes"):
        return ExtraBuffers(True, f"forced by {EXTRA_BUFFERS_ENV}={setting}")
    if setting in ("off", "0", "false", "no"):
        return ExtraBuffers(False, f"{why} (no AMX path on any CPU; faster prompts where measured)")
    amx_cpu = sorted(f for f in flags if f.startswith("amx"))
    amx_build = sorted(k for k, v in features.items() if k.startswith("AMX") and v == "1")
    if amx_cpu or amx_build:
        seen = ", ".join([*(f"CPU {f}" for f in amx_cpu), *(f"build {k}" for k in amx_build)])
        return ExtraBuffers(False, f"AMX present ({seen}); llama.cpp's AMX path crashes on virtualized Xeons")
    return ExtraBuffers(True, f"no AMX on this {platform.machine() or 'CPU'}")


def machine_report() -> dict[str, str]:
    """The CPU and build facts that `summarizer models` prints."""
    import llama_cpp

    flags = cpu_flags()
    features = build_features()
    compiled = " ".join(k for k, v in features.items() if v == "1" and k.isupper()) or "-"
    choice = extra_buffers(os.environ.get(EXTRA_BUFFERS_ENV), flags, features)
    return {
        "llama_cpp": f"llama-cpp-python {getattr(llama_cpp, '__version__', '?')}",
        "cpu": f"{platform.machine()} {_cpuinfo().get('model name', '')}".strip(),
        "cpu_flags": " ".join(f for f in INTERESTING_FLAGS if f in flags) or "-",
        "build_features": compiled,
        "extra_buffers": choice.describe(),
    }


def _without_extra_buffers(default_params):
    """llama-cpp-python's default model parameters with llama.cpp's ``use_extra_bufts`` off."""

    def params():
        value = default_params()
        value.use_extra_bufts = False
        return value

    return params


def main() -> None:  # pragma: no cover - runs as the server child process; exercised by the local-model tests
    """``python -m summarizer.llamacpp ARGS``: llama-cpp-python's server with the extra-buffer choice applied."""
    import llama_cpp.llama_cpp as low_level
    from llama_cpp.server.__main__ import main as serve

    choice = extra_buffers(os.environ.get(EXTRA_BUFFERS_ENV), cpu_flags(), build_features())
    if not choice.on:
        low_level.llama_model_default_params = _without_extra_buffers(low_level.llama_model_default_params)
    print(f"summarizer: {choice.describe()}", file=sys.stderr, flush=True)
    sys.argv[0] = "llama_cpp.server"
    serve()


if __name__ == "__main__":  # pragma: no cover
    main()
