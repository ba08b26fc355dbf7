"""The dev set's batch results without a model: the 13 dev articles (seeds/dev.jsonl and the seed article) run
through the batch job's own per-article worker, each answered from its recorded cassette (cassettes/dev/<id>.yaml),
and written as the batch writes them (one ``ok_line``/``error_line`` record per line).

    python benchmarks/dev_results.py [-o tests/data/dev-results.jsonl]

The output is what `summarizer batch seeds/dev.jsonl seeds/lavrov-cairo.txt -o results.jsonl` writes against the
embedded model that recorded the cassettes (only `provenance.seconds` differs: it is this run's time). Offline:
an exchange not in its cassette is an error, never a request. tests/data/dev-results.jsonl is this script's output,
never edited by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.batch import Worker  # noqa: E402
from summarizer.config import LOCAL_MODEL_NAME, Settings  # noqa: E402
from summarizer.inputs import iter_items  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from tests.conftest import REPLAY_URL, cassette_vcr  # noqa: E402

SOURCES = ["seeds/dev.jsonl", "seeds/lavrov-cairo.txt"]  # relative to the repository, as a user would type them
DEFAULT_OUT = ROOT / "tests" / "data" / "dev-results.jsonl"


def replay_settings() -> Settings:
    """The cassette tests' settings (tests/conftest.py ``llm_settings``): only the base URL differs from the
    recording, and it is not in the matched request."""
    return Settings(api_key="sk-test-not-a-secret", base_url=REPLAY_URL, model=LOCAL_MODEL_NAME, local=False,
                    response_format="json_object", max_retries=0, timeout=900)


async def records() -> list[str]:
    """One batch record per dev article, each replayed from its own cassette."""
    settings = replay_settings()
    lines = []
    with Summarizer(settings) as summarizer:
        worker = Worker(summarizer, cache=None)
        for item in iter_items(SOURCES, max_chars=settings.max_chars):
            with cassette_vcr().use_cassette(f"dev/{item.id}.yaml"):
                outcome = await worker.process(item)
            if not outcome.ok:
                raise SystemExit(f"{item.id}: not replayed from its cassette: {outcome.line}")
            lines.append(outcome.line)
            print(f"{item.id}: ok", file=sys.stderr)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    os.chdir(ROOT)
    lines = asyncio.run(records())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    print(f"wrote {args.output}: {len(lines)} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
