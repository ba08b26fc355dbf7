"""The recognizer's CPU per article: spaCy's pipeline as summarizer runs it (grounding/ner.py: numpy's BLAS, one
thread) against the same pipeline on thinc's default BLIS, on the corpus stories, with the outputs compared.

    python benchmarks/ner_bench.py                 # 40 corpus stories, 3 rounds
    python benchmarks/ner_bench.py -n 89 --rounds 5

Prints, per configuration, the median over rounds of the process CPU per article (ms), the ratio, and how many
entities and tokens (tag, dependency, head) differ between the two parses. It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.grounding import ner  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "voa_stories.jsonl"


def _texts(path: Path, n: int) -> list[str]:
    if not path.exists():  # the seeds are in the repository; the corpus sits beside it on the team's machines
        path = ROOT / "seeds" / "dev.jsonl"
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:n]


def _cpu_ms(parse, texts: list[str]) -> tuple[float, list]:
    started = time.process_time()
    docs = [parse(t) for t in texts]
    return (time.process_time() - started) / len(texts) * 1000, docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="Stories (the first n of the corpus).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    import spacy

    texts = _texts(args.corpus, args.n)
    ours = ner._nlp()  # numpy's BLAS, as the summarizer parses

    def parse_ours(text: str):
        with ner._one_blas_thread():
            return ours(text)

    blis = spacy.load(ner.PACKAGE, exclude=["lemmatizer", "attribute_ruler"])  # thinc's default ops (BLIS)
    for text in texts[:3]:  # warm both
        parse_ours(text), blis(text)
    timings: dict[str, list[float]] = {"summarizer (numpy BLAS, 1 thread)": [], "spaCy default (BLIS)": []}
    for _ in range(args.rounds):
        ms, docs_ours = _cpu_ms(parse_ours, texts)
        timings["summarizer (numpy BLAS, 1 thread)"].append(ms)
        ms, docs_blis = _cpu_ms(blis, texts)
        timings["spaCy default (BLIS)"].append(ms)
    ents = sum(len({(e.start_char, e.end_char, e.label_) for e in a.ents}
                   ^ {(e.start_char, e.end_char, e.label_) for e in b.ents}) for a, b in zip(docs_ours, docs_blis, strict=True))
    tokens = sum(sum((x.tag_, x.dep_, x.head.i) != (y.tag_, y.dep_, y.head.i) for x, y in zip(a, b, strict=False))
                 for a, b in zip(docs_ours, docs_blis, strict=True))
    print(f"{len(texts)} stories, mean {statistics.mean(len(t) for t in texts):.0f} characters, {args.rounds} rounds")
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, value in medians.items():
        print(f"  {name:36s} median {value:6.1f} ms CPU per article  (rounds: "
              f"{', '.join(f'{v:.1f}' for v in timings[name])})")
    ratio = medians["summarizer (numpy BLAS, 1 thread)"] / medians["spaCy default (BLIS)"]
    print(f"  ratio {ratio:.2f}; entities differing: {ents}; tokens differing (tag, dependency, head): {tokens}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
