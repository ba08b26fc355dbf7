"""`summarizer models`: a doctor for the embedded model on this machine.

It reports the named-entity recognizer (spaCy's small English pipeline) and its weights' checksum, the llama.cpp
build and the CPU features it was compiled with, the CPU's own flags and the
extra-buffer choice (see ``llamacpp``), the model file and its checksum state, and, unless told not to, starts
the server (or reuses `summarizer serve`'s), runs a test completion and measures the prompt and generation
rates on this machine.
"""

from __future__ import annotations

import importlib.util
import time
import uuid
from collections.abc import Callable

import httpx2

from .config import Settings
from .errors import LocalModelError

#: A news-like paragraph for the prompt-rate measurement (about 160 tokens); a random prefix defeats the
#: server's prompt cache so that the whole prompt is evaluated.
_FILLER = (
    "The foreign ministers of the two countries met in the capital on Monday to discuss the ceasefire, the "
    "exchange of prisoners and the reopening of the border crossings, officials said. The talks, the third round "
    "this year, followed weeks of clashes in the border provinces in which dozens of soldiers and civilians were "
    "killed. Both delegations described the meeting as constructive and agreed to meet again next month, when "
    "a regional summit is due to take place. Observers from the United Nations and the African Union attended."
)


def report(settings: Settings, *, test: bool = True, progress: Callable[[str], None] | None = None) -> dict:
    """Everything `summarizer models` prints, as an ordered mapping of label to value."""
    from .local import SERVER_MODULES, status

    progress = progress or (lambda stage: None)
    info: dict[str, object] = dict(status(settings))
    from .grounding.ner import PACKAGE, weights_check

    version, same = weights_check()
    weights = "verified (sha256)" if same else "NOT the published ones"
    info["name_recognizer"] = f"{PACKAGE} {version}, weights {weights}"
    if importlib.util.find_spec("llama_cpp") is None:
        info["llama_cpp"] = "not installed (pip install -e '.[local]')"
        return info
    from .llamacpp import machine_report

    info.update(machine_report())
    missing = [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]
    if not test or missing:
        info["test_completion"] = "skipped" if not missing else "server package missing"
        return info
    from .local import checksum_state, ensure_server, model_file

    progress("starting the local model")
    with ensure_server(settings) as base_url:
        info["file_state"] = "user file" if settings.model_path else checksum_state(model_file(settings))
        progress("measuring")
        try:
            rates = measure(base_url)
        except (httpx2.HTTPError, ValueError, KeyError) as err:
            raise LocalModelError(f"the test completion failed: {err}", hint="see the server log") from None
        info.update(rates)
    return info


def measure(base_url: str, *, gen_tokens: int = 48, timeout: float = 300.0) -> dict[str, str]:
    """A test completion and the rates of this machine: prompt evaluation (a fresh prompt, one output token) and
    generation (the same prompt again, cached, with ``gen_tokens`` output tokens)."""
    messages = [{"role": "user", "content": f"[{uuid.uuid4().hex}] {_FILLER}\n\nCount from 1 to 100, separated "
                                            f"by commas, and nothing else."}]
    with httpx2.Client(timeout=timeout) as client:
        first, t_prompt = _complete(client, base_url, messages, 1)
        second, t_gen = _complete(client, base_url, messages, gen_tokens)
    prompt_tokens = first["usage"]["prompt_tokens"]
    completion_tokens = second["usage"]["completion_tokens"]
    answer = second["choices"][0]["message"]["content"] or ""
    return {
        "test_completion": f"ok: {answer.strip()[:40]!r}",
        "prompt_rate": f"{prompt_tokens / t_prompt:.1f} tokens/s ({prompt_tokens} tokens in {t_prompt:.2f} s)",
        "generation_rate": f"{completion_tokens / t_gen:.1f} tokens/s ({completion_tokens} tokens in {t_gen:.2f} s)",
    }


def _complete(client: httpx2.Client, base_url: str, messages: list[dict], max_tokens: int) -> tuple[dict, float]:
    started = time.perf_counter()
    response = client.post(f"{base_url}/chat/completions",
                           json={"messages": messages, "max_tokens": max_tokens, "temperature": 0})
    response.raise_for_status()
    return response.json(), time.perf_counter() - started

