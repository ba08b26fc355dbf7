"""Seconds per article of two versions of the pipeline, paired article by article against one warm server.

    git worktree add /tmp/old <revision>        # the version to compare with
    python benchmarks/paired_seconds.py --old /tmp/old [--split dev] [--ids ...] [--rounds 1]

A machine's speed drifts between runs, so medians of two separate `compare.py` runs can differ by 10 % with the
same model answers. Here both versions summarize each article in turn, each in a fresh process that first warms
its recognizer on a short text (which also leaves only the shared system prompt in the server's cache), against
one embedded server started by this tree. Prints, per article, each version's seconds, requests and completion
tokens, then the median seconds of each and their ratio. Needs the `[local]` extra.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.config import resolve  # noqa: E402
from summarizer.local import ensure_server  # noqa: E402

# Run inside the tree under test (its own package and prompts), with the split's articles read from this tree.
_ONE = """
import json, sys, time
from pathlib import Path
tree, base_url, source, article_id = sys.argv[1:5]
sys.path.insert(0, tree)
from summarizer import Summarizer
from summarizer.article import read_articles, read_text_file
from summarizer.config import LOCAL_MODEL_NAME, Settings
path = Path(source)
articles = [read_text_file(path)] if path.suffix == ".txt" else read_articles(path)
article = next(a for a in articles if a.id == article_id)
settings = Settings(api_key="sk-test-not-a-secret", base_url=base_url, model=LOCAL_MODEL_NAME, local=False,
                    response_format="json_object", max_retries=0, template="extract",
                    templates_dir=Path(tree) / "prompts")
with Summarizer(settings) as summarizer:
    summarizer.summarize("Kenya's President William Ruto met Somalia's President in Nairobi on Tuesday.")
    started = time.perf_counter()
    usage = summarizer.summarize(article).provenance.usage
    print(json.dumps({"seconds": time.perf_counter() - started, "requests": usage.requests,
                      "completion_tokens": usage.completion_tokens}))
"""


def _run(tree: Path, base_url: str, source: Path, article_id: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _ONE, str(tree), base_url, str(source), article_id],
                         capture_output=True, text=True, check=True, cwd=tree)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    from compare import SPLITS  # benchmarks/compare.py: the splits' gold folders and article files

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the version to compare with")
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--ids", nargs="*", help="only these articles (default: the split's)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    gold_dir, sources = SPLITS[args.split]
    where: dict[str, Path] = {}
    for source in sources:
        path = ROOT / source
        ids = ([path.stem] if path.suffix == ".txt"
               else [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()])
        where.update({str(i): path for i in ids})
    ids = args.ids or [p.stem for p in sorted((ROOT / gold_dir).glob("*.json"))]
    trees = {"old": args.old.resolve(), "new": ROOT}
    seconds: dict[str, list[float]] = {"old": [], "new": []}
    with ensure_server(resolve()) as base_url:
        print(f"{'article':<14} {'old s':>7} {'new s':>7}  requests  completion tokens", flush=True)
        for _ in range(args.rounds):
            for article_id in ids:
                got = {name: _run(tree, base_url, where[article_id], article_id) for name, tree in trees.items()}
                for name in trees:
                    seconds[name].append(got[name]["seconds"])
                print(f"{article_id:<14} {got['old']['seconds']:>7.1f} {got['new']['seconds']:>7.1f}  "
                      f"{got['old']['requests']} / {got['new']['requests']}    "
                      f"{got['old']['completion_tokens']} / {got['new']['completion_tokens']}", flush=True)
    old, new = statistics.median(seconds["old"]), statistics.median(seconds["new"])
    print(f"median seconds: old {old:.1f}, new {new:.1f}; new / old {new / old:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
