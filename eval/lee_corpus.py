#!/usr/bin/env python3
"""Build the 'lee' held-out split: 36 news stories that no rule of this project was written for.

The stories come from the Lee corpus (Lee, Pincombe and Welsh 2005: 300 short ABC News stories of 2001-2002),
which gensim ships as test data (``gensim/test/test_data/lee_background.cor``, one story per line). They are
not public domain, so this repository holds no text of them and no cassette: this script fetches gensim's wheel
from PyPI (not installed, only read), checks the file's sha256, and writes the chosen stories as JSONL for
``summarizer eval eval/gold-lee -a OUT.jsonl``. The gold annotations (eval/gold-lee/) quote short evidence only.

How the 36 were chosen (once, before any was read; seed 13): each of the 300 stories was put in one of four strata
by two keyword tests, a meeting word (met, meet, meeting, talks, summit, visit, negotiat*, phone, telephone) and a
violence word (attack*, troops, killed, bomb*, fighting, militant, soldiers, war, rebel, air strike, gunmen,
shelling): both (37 stories), meeting only (41), violence only (78), neither (144). ``random.Random(13).sample``
drew 12, 9, 9 and 6 of them, in that order. The keywords only weight the draw towards stories with meetings and
conflicts, so that the split has enough of them to measure; which stories hold one is the annotators' call.

The split is scored in halves, fixed before any output was read: lee-a (even positions in STORIES' order), whose
errors may be read to find general mechanisms, and lee-b (odd positions), of which only the overall score is read.

usage: python eval/lee_corpus.py build OUT.jsonl
       python eval/lee_corpus.py score PREDICTIONS [--against OLD_PREDICTIONS]
         (saved summaries, a folder of <id>.json or JSONL: mean F1 with its 95 % interval for lee, lee-a and lee-b,
          and with --against the paired difference on each)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WHEEL = "gensim==4.4.0"
MEMBER = "gensim/test/test_data/lee_background.cor"
SHA256 = "5d78d6dafd953bbf65797bef09a9ffb9ec430583381be705f8fd460000f370fb"
STORIES = {  # stratum -> 0-based line numbers in lee_background.cor
    "both": [51, 58, 60, 93, 110, 116, 131, 133, 138, 141, 173, 249],
    "meeting": [13, 20, 39, 94, 101, 120, 150, 151, 202],
    "violence": [69, 122, 129, 134, 170, 208, 209, 211, 225],
    "neither": [52, 132, 172, 189, 198, 238],
}


def story_id(line: int) -> str:
    return f"lee-{line:03d}"


def corpus_lines(cache: Path) -> list[str]:
    """The corpus's 300 stories, from gensim's wheel (downloaded once into ``cache``), checked by sha256."""
    wheels = sorted(cache.glob("gensim-4.4.0-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        WHEEL, "-d", str(cache)], check=True)
        wheels = sorted(cache.glob("gensim-4.4.0-*.whl"))
    with zipfile.ZipFile(wheels[0]) as wheel:
        data = wheel.read(MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{MEMBER}: sha256 {digest}, expected {SHA256}")
    return data.decode("utf-8").splitlines()


def halves() -> dict[str, list[str]]:
    """The split's ids and its two halves, by position in STORIES' order."""
    ids = [story_id(n) for numbers in STORIES.values() for n in numbers]
    return {"lee": ids, "lee-a": ids[0::2], "lee-b": ids[1::2]}


def build(out: Path) -> int:
    cache = Path(tempfile.gettempdir()) / "summarizer-lee"
    cache.mkdir(exist_ok=True)
    lines = corpus_lines(cache)
    rows = [{"id": story_id(n), "text": lines[n].strip(), "section": stratum, "source": f"{MEMBER}:{n + 1}"}
            for stratum, numbers in STORIES.items() for n in numbers]
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    print(f"{len(rows)} stories written to {out}")
    return 0


def score(predictions: Path, against: Path | None) -> int:
    sys.path.insert(0, str(ROOT))
    from summarizer.evaluate import evaluate, load_gold, load_predictions, paired_difference

    gold = load_gold(ROOT / "eval" / "gold-lee")
    new = load_predictions(predictions)
    old = load_predictions(against) if against else None
    for half, ids in halves().items():
        report = evaluate({i: gold[i] for i in ids}, {i: new[i] for i in ids if i in new}, {})
        total = report.total()
        low, high = report.intervals()["mean_f1"]
        line = (f"{half:6} ({len(ids)}): mean F1 {total.mean_f1:.3f} ({low:.3f}-{high:.3f}); actors "
                f"{total.actors.f1:.2f}, meetings P {total.meetings.precision:.2f} / R {total.meetings.recall:.2f}, "
                f"conflicts P {total.conflicts.precision:.2f} / R {total.conflicts.recall:.2f}")
        if old is not None:
            base = evaluate({i: gold[i] for i in ids}, {i: old[i] for i in ids if i in old}, {})
            diff = paired_difference(base, report)
            line += (f"; against OLD {diff.mean_f1:+.3f} ({diff.interval[0]:+.3f} to {diff.interval[1]:+.3f}, "
                     f"higher on {diff.b_better:.0%} of resamples)")
        print(line)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="write the 36 stories as JSONL").add_argument("out", type=Path)
    scoring = sub.add_parser("score", help="score saved summaries on lee, lee-a and lee-b")
    scoring.add_argument("predictions", type=Path)
    scoring.add_argument("--against", type=Path, help="saved summaries of another run, compared article by article")
    args = parser.parse_args(argv)
    return build(args.out) if args.command == "build" else score(args.predictions, args.against)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
