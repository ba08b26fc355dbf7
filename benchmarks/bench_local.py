"""Speed of the pipeline on the embedded local model, against the floor of the same machine.

For each seed article, with a warm server: seconds per article, prompt and completion tokens, and the floor —
article tokens / prompt rate + output tokens / generation rate, both rates measured in this same run — and the
ratio of the two. Articles are run in rotation so llama.cpp's prefix cache holds only the shared system text,
never the article itself.

    python benchmarks/bench_local.py [--rounds 2] [--template extract] [--json out.json]

Needs the `[local]` extra (starts the embedded server, or reuses a running `summarizer serve`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx2
import openai

from summarizer import Summarizer
from summarizer.article import read_text_file
from summarizer.config import resolve
from summarizer.local import ensure_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [ROOT / "seeds" / "lavrov-cairo.txt", ROOT / "seeds" / "voa-8006503.txt", ROOT / "seeds" / "voa-8010694.txt"]


def count_tokens(base_url: str, text: str) -> int:
    root = base_url.rsplit("/v1", 1)[0]
    return httpx2.post(f"{root}/extras/tokenize/count", json={"input": text}, timeout=60).json()["count"]


def measure_rates(client: openai.OpenAI, model: str, text: str, repeats: int = 3) -> tuple[float, float]:
    """Prompt tokens/s on an uncached prompt, and generated tokens/s on a cached one (medians)."""
    prompt_rates, gen_rates = [], []
    for _ in range(repeats):
        messages = [{"role": "user", "content": f"[{uuid.uuid4()}]\n{text}\n\nCount from 1 to 300 in words."}]
        started = time.perf_counter()
        first = client.chat.completions.create(model=model, messages=messages, max_tokens=1, temperature=0)
        prompt_rates.append(first.usage.prompt_tokens / (time.perf_counter() - started))
        started = time.perf_counter()  # the same prompt again: all of it is cached, so this is generation
        second = client.chat.completions.create(model=model, messages=messages, max_tokens=200, temperature=0)
        gen_rates.append(second.usage.completion_tokens / (time.perf_counter() - started))
    return statistics.median(prompt_rates), statistics.median(gen_rates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="runs per article (median reported)")
    parser.add_argument("--template", default="extract")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()

    settings = resolve(template=args.template)
    articles = [read_text_file(p) for p in SEEDS]
    with ensure_server(settings) as base_url:
        client = openai.OpenAI(base_url=base_url, api_key="none", max_retries=0, timeout=600)
        prompt_rate, gen_rate = measure_rates(client, settings.model, articles[0].text)
        runs: dict[str, list] = {a.id: [] for a in articles}
        llm_settings = settings.with_(base_url=base_url, local=False)
        with Summarizer(llm_settings) as summarizer:
            summarizer.summarize(articles[-1])  # warm: the system text enters the cache
            for _ in range(args.rounds):
                for article in articles:  # rotation: the next article never finds itself cached
                    started = time.perf_counter()
                    summary = summarizer.summarize(article)
                    runs[article.id].append((time.perf_counter() - started, summary.provenance.usage))
        rows = []
        for article in articles:
            seconds = statistics.median(s for s, _ in runs[article.id])
            usage = runs[article.id][-1][1]
            article_tokens = count_tokens(base_url, article.text)
            floor = article_tokens / prompt_rate + usage.completion_tokens / gen_rate
            rows.append({
                "article": article.id, "seconds": round(seconds, 1), "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens, "article_tokens": article_tokens,
                "floor_seconds": round(floor, 1), "ratio": round(seconds / floor, 2),
            })
    print(f"model {settings.model}, template {args.template}; measured prompt rate {prompt_rate:.1f} tok/s, "
          f"generation rate {gen_rate:.1f} tok/s; {args.rounds} run(s) per article, median")
    header = f"{'article':<16}{'seconds':>9}{'prompt':>8}{'output':>8}{'article':>9}{'floor s':>9}{'ratio':>7}"
    print(header)
    for r in rows:
        print(f"{r['article']:<16}{r['seconds']:>9}{r['prompt_tokens']:>8}{r['completion_tokens']:>8}"
              f"{r['article_tokens']:>9}{r['floor_seconds']:>9}{r['ratio']:>7}")
    if args.json:
        args.json.write_text(json.dumps({"prompt_rate": prompt_rate, "gen_rate": gen_rate, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
