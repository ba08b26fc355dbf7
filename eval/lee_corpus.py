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

usage: python eval/lee_corpus.py OUT.jsonl
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

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


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = Path(argv[0])
    cache = Path(tempfile.gettempdir()) / "summarizer-lee"
    cache.mkdir(exist_ok=True)
    lines = corpus_lines(cache)
    rows = [{"id": story_id(n), "text": lines[n].strip(), "section": stratum, "source": f"{MEMBER}:{n + 1}"}
            for stratum, numbers in STORIES.items() for n in numbers]
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    print(f"{len(rows)} stories written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
