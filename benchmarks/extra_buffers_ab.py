"""The speed kept by the any-CPU switch: llama.cpp's prompt and generation rates with its extra buffer types (the
repacked weight layouts; AMX where the CPU has it) on and off, on this machine, alternating A and B.

    python benchmarks/extra_buffers_ab.py [--runs 3]

Each run starts a fresh embedded server (SUMMARIZER_LLAMA_EXTRA_BUFFERS=on, then off, ...), lets the doctor
(`summarizer.doctor.measure`) time a fresh prompt of about 180 tokens and a 48-token generation, and stops it. Prints every
run, the medians and the ratio off/on, and the server log's own report of the model buffers (``CPU_REPACK`` or
``AMX`` when extra buffers are in use). Needs the `[local]` extra. The machine is noisy: read the medians.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.config import resolve  # noqa: E402
from summarizer.doctor import measure  # noqa: E402
from summarizer.llamacpp import EXTRA_BUFFERS_ENV  # noqa: E402
from summarizer.local import LocalServer, check_server_installed, model_alias, model_file  # noqa: E402


def one_run(setting: str) -> tuple[float, float, list[str]]:
    os.environ[EXTRA_BUFFERS_ENV] = setting
    settings = resolve()
    server = LocalServer.for_model(model_file(settings), model_alias(settings), settings.threads or 2)
    with server:
        rates = measure(server.base_url)
    log = server.log_path.read_text(errors="replace")
    buffers = sorted(set(re.findall(r"load_tensors:\s+(\S+) model buffer size", log)))
    prompt = float(rates["prompt_rate"].split()[0])
    generation = float(rates["generation_rate"].split()[0])
    return prompt, generation, buffers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    check_server_installed()
    results: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
    for n in range(args.runs):
        for setting in ("on", "off"):
            prompt, generation, buffers = one_run(setting)
            results[setting].append((prompt, generation))
            print(f"run {n + 1} extra buffers {setting:3}: prompt {prompt:6.1f} tok/s, generation {generation:5.1f} "
                  f"tok/s; model buffers: {', '.join(buffers)}", flush=True)
    med = {k: (statistics.median(p for p, _ in v), statistics.median(g for _, g in v)) for k, v in results.items()}
    for k, (p, g) in med.items():
        print(f"median, extra buffers {k:3}: prompt {p:6.1f} tok/s, generation {g:5.1f} tok/s")
    print(f"off/on: prompt {med['off'][0] / med['on'][0]:.2f}, generation {med['off'][1] / med['on'][1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
