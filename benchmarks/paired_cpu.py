"""Client CPU per article of two versions of the pipeline, without a model: each version summarizes the dev
articles replayed from this tree's dev cassettes, in alternating fresh processes.

    git worktree add /tmp/old <revision>        # the version to compare with (same requests as this tree)
    python benchmarks/paired_cpu.py --old /tmp/old [--rounds 3]

For two versions that send the model the same requests (their cassettes match), seconds per article differ only by
the client's own work: name finding, the recognizer's parse, grounding and normalization. This measures that work as
process CPU time (``time.process_time``) around ``Summarizer.summarize``, per article, in each version's own tree;
the recognizer is loaded before the clock starts (the first article still pays the first parse's warm-up, in both
versions). The rounds alternate old and new, so a drift of the machine's speed falls on both. Prints, per article,
the median over rounds of each version's milliseconds and their ratio, then each version's median and the median
per-article ratio. It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run inside the tree under test (its own package and rules), replaying this tree's dev cassettes.
_RUN = """
import json, sys, time
tree, root = sys.argv[1:3]
sys.path.insert(0, tree)
from pathlib import Path
from summarizer import Summarizer
from summarizer.article import read_articles, read_text_file
from summarizer.config import LOCAL_MODEL_NAME, Settings
from summarizer.grounding import ner
sys.path.insert(0, root)
from tests.conftest import REPLAY_URL, cassette_vcr
ner.load()
root = Path(root)
articles = [*read_articles(root / "seeds" / "dev.jsonl"), read_text_file(root / "seeds" / "lavrov-cairo.txt")]
settings = Settings(api_key="sk-test-not-a-secret", base_url=REPLAY_URL, model=LOCAL_MODEL_NAME, local=False,
                    response_format="json_object", max_retries=0, timeout=900)
out = {}
for article in articles:
    with cassette_vcr().use_cassette(f"dev/{article.id}.yaml"), Summarizer(settings) as summarizer:
        start = time.process_time()
        summarizer.summarize(article)
        out[article.id] = (time.process_time() - start) * 1000
print(json.dumps(out))
"""


def _run(tree: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _RUN, str(tree), str(ROOT)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the other version's tree (a git worktree)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        runs["old"].append(_run(args.old.resolve()))
        runs["new"].append(_run(ROOT))
    ids = list(runs["new"][0])
    per = {v: {i: statistics.median(r[i] for r in runs[v]) for i in ids} for v in runs}
    print(f"{'article':<14} {'old ms':>8} {'new ms':>8} {'ratio':>6}")
    for i in ids:
        print(f"{i:<14} {per['old'][i]:>8.0f} {per['new'][i]:>8.0f} {per['new'][i] / per['old'][i]:>6.2f}")
    old, new = statistics.median(per["old"].values()), statistics.median(per["new"].values())
    ratios = statistics.median(per["new"][i] / per["old"][i] for i in ids)
    print(f"median ms per article: old {old:.0f}, new {new:.0f} (ratio {new / old:.2f}); "
          f"median per-article ratio {ratios:.2f} over {args.rounds} rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
