#!/usr/bin/env python3
"""Replay every recorded article from cassettes/ and write each summary as JSON, to diff the pipeline's output
before and after a change (offline; the model's answers come from the cassettes).

    python eval/replay_summaries.py /tmp/before          # on the old commit (e.g. a `git worktree` of it)
    python eval/replay_summaries.py /tmp/after
    diff -r /tmp/before /tmp/after

    python eval/replay_summaries.py --split tune3 /tmp/new   # one split's recorded stories (cassettes/tune3/)
    summarizer eval eval/gold-tune3 -p /tmp/new --against /tmp/old   # scored, paired against another version

Written per summary: ``<id>.json`` for the 13 dev-set articles, ``api``, ``parts`` (the demo story read in
parts) and ``seed`` (the seed article as plain text). Left out, because they change between identical runs or
checkouts: ``provenance.seconds``, ``provenance.pipeline_version``, and the checkout's path in
``provenance.source``. A request that does not match its cassette fails (the pipeline asked something else).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import Summarizer  # noqa: E402
from summarizer.article import Article, read_articles, read_text_file  # noqa: E402
from summarizer.config import LOCAL_MODEL_NAME, Settings  # noqa: E402
from tests.conftest import REPLAY_URL, SEEDS, cassette_vcr  # noqa: E402


def jobs(settings: Settings) -> list[tuple[str, str | Article, Settings, str]]:
    """(cassette, article, settings, output name) for every recorded article, as the tests replay them."""
    texts = {a.id: a for a in [*read_articles(SEEDS / "dev.jsonl"), read_text_file(SEEDS / "lavrov-cairo.txt")]}
    demo = read_text_file(SEEDS / "voa-8006503.txt")
    return [
        *[(f"dev/{i}", a, settings, str(i)) for i, a in texts.items()],
        ("api-voa-8006503", demo, settings, "api"),
        ("api-voa-8006503-parts", demo, settings.with_(chunk_chars=1500), "parts"),
        ("seed-lavrov-cairo", (SEEDS / "lavrov-cairo.txt").read_text(), settings, "seed"),
    ]


def split_jobs(settings: Settings, split: str) -> list[tuple[str, str | Article, Settings, str]]:
    """(cassette, article, settings, output name) for every story of a split recorded in cassettes/<split>/ (dev's
    includes the seed article)."""
    articles = read_articles(SEEDS / f"{split}.jsonl")
    if split == "dev":
        articles.append(read_text_file(SEEDS / "lavrov-cairo.txt"))
    return [(f"{split}/{a.id}", a, settings, str(a.id)) for a in articles]


def main() -> int:
    args = sys.argv[1:]
    split = None
    if len(args) == 3 and args[0] == "--split":
        split, args = args[1], args[2:]
    if len(args) != 1 or (split is not None and not (SEEDS / f"{split}.jsonl").is_file()):
        print(__doc__.strip().splitlines()[0],
              "\nusage: python eval/replay_summaries.py [--split dev|tune|tune2|tune3|validation] OUT_DIR",
              file=sys.stderr)
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings(api_key="sk-test-not-a-secret", base_url=REPLAY_URL, model=LOCAL_MODEL_NAME, local=False,
                        response_format="json_object", max_retries=0, timeout=900)
    work = split_jobs(settings, split) if split else jobs(settings)
    for name, article, job_settings, key in work:
        with cassette_vcr().use_cassette(f"{name}.yaml"), Summarizer(job_settings) as summarizer:
            doc = summarizer.summarize(article).model_dump(mode="json")
        provenance = doc["provenance"]
        provenance.pop("seconds", None)
        provenance.pop("pipeline_version", None)
        if provenance.get("source"):
            provenance["source"] = provenance["source"].replace(f"{ROOT}/", "")
        (out / f"{key}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(work)} summaries written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
