"""Side by side on the dev set: the single-call baseline and the default pipeline in the same run, against the
same warm local server, then both scored against the gold files.

    python benchmarks/compare.py [--split dev|tune|tune2|tune3|validation|test2] [--templates single extract] [--ids ...]
                                 [--out results/compare] [--record]

By default each template runs over all articles in turn (--interleaved alternates them).
Prints one evaluation table per template (with seconds per article) and a summary line with the median seconds
and the mean F1 of each with its 95 % bootstrap interval. With --record, the default template's exchanges are recorded as the dev-set cassettes
(cassettes/<split>/<id>.yaml) that tests/test_cassettes.py replays. Needs the `[local]` extra.

Splits: ``dev`` (eval/gold, seeds/dev.jsonl and the seed) and ``tune`` (eval/gold-tune, seeds/tune.jsonl: 14
stories annotated later, to tune general mechanisms on more than 13 articles) and ``tune2`` (eval/gold-tune2,
seeds/tune2.jsonl: the corpus's last 13 stories, mostly features with no meeting or war, for what the pipeline
invents in ordinary news) and ``tune3`` (eval/gold-tune3, seeds/tune3.jsonl: 12 stories annotated by the guideline,
held out as ``test`` from 2026.12.5 to 2026.12.15, then opened for tuning) are what rules and prompts are
tuned on; ``validation`` (eval/gold-validation, seeds/validation.jsonl) is only scored, never tuned on; ``test2``
(eval/gold-test2, seeds/test2.jsonl: 14 stories drawn at random from the corpus's unannotated rest, most with no
meeting or conflict) is scored once per pipeline version and nothing else is read of it (no cassettes: it runs
against the model). ``lee`` (eval/gold-lee: 36 ABC News stories of 2001-2002 from another outlet, annotated by the
guideline, held out) has no text in this repository: build it with ``python eval/lee_corpus.py build lee.jsonl`` and pass
``--articles lee.jsonl``; it has no cassettes either.

``--articles FILE`` runs the stories of FILE (all of them, unless --ids) instead of the split's; stories with no
gold file are saved and left unscored.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer import Summarizer  # noqa: E402
from summarizer.article import read_articles  # noqa: E402
from summarizer.config import LOCAL_MODEL_NAME, Settings, resolve  # noqa: E402
from summarizer.evaluate import evaluate, load_gold  # noqa: E402
from summarizer.local import ensure_server  # noqa: E402
from summarizer.render import eval_table  # noqa: E402

SPLITS = {
    "dev": ("eval/gold", ("seeds/dev.jsonl", "seeds/lavrov-cairo.txt")),
    "tune": ("eval/gold-tune", ("seeds/tune.jsonl",)),
    "tune2": ("eval/gold-tune2", ("seeds/tune2.jsonl",)),
    "validation": ("eval/gold-validation", ("seeds/validation.jsonl",)),
    "tune3": ("eval/gold-tune3", ("seeds/tune3.jsonl",)),
    "test2": ("eval/gold-test2", ("seeds/test2.jsonl",)),
    "lee": ("eval/gold-lee", ()),  # no text here: eval/lee_corpus.py builds it, --articles passes it
}
HELD_OUT = ("test2", "lee")  # scored against the model only: never recorded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--templates", nargs="+", default=["single", "extract"])
    parser.add_argument("--ids", nargs="*", help="only these gold ids")
    parser.add_argument("--articles", type=Path, help="run the stories of this JSONL or .txt file instead of the "
                                                      "split's (all of them, unless --ids)")
    parser.add_argument("--out", type=Path, default=Path("results/compare"))
    parser.add_argument("--record", action="store_true", help="record the 'extract' runs as dev-set cassettes")
    parser.add_argument("--interleaved", action="store_true",
                        help="alternate templates article by article (default: each template over all articles in "
                             "turn, so each keeps its instructions in the server's one-slot prefix cache, as in a "
                             "batch run)")
    args = parser.parse_args()
    if args.record and args.split in HELD_OUT:
        parser.error(f"the {args.split} split has no cassettes: it is only ever scored against the model")

    gold_dir, sources = SPLITS[args.split]
    if args.articles is None and not sources:
        parser.error(f"the {args.split} split keeps no text here: pass --articles (see eval/lee_corpus.py)")
    paths = [args.articles] if args.articles else [ROOT / src for src in sources]
    texts = {a.id: a for path in paths for a in read_articles(path)}
    gold = load_gold(ROOT / gold_dir) if any((ROOT / gold_dir).glob("*.json")) else {}
    ids = args.ids or (list(texts) if args.articles else list(gold))
    unknown = [i for i in ids if i not in texts]
    if unknown:
        parser.error(f"no article {', '.join(unknown)} in {', '.join(map(str, paths))}")
    missing = [i for i in ids if i not in gold]
    if missing and not (args.record or args.articles):
        parser.error(f"no gold file for {', '.join(missing)} in {gold_dir}")
    preds: dict[str, dict] = {t: {} for t in args.templates}
    if args.interleaved:
        runs = [(n, article_id, template) for n, article_id in enumerate(ids, 1) for template in args.templates]
    else:
        runs = [(n, article_id, template) for template in args.templates for n, article_id in enumerate(ids, 1)]
    with ensure_server(resolve()) as base_url:
        for n, article_id, template in runs:
            # The settings of the cassette tests: only the base URL differs, and it is not in the request body.
            settings = Settings(api_key="sk-test-not-a-secret", base_url=base_url, model=LOCAL_MODEL_NAME,
                                local=False, response_format="json_object", max_retries=0, template=template)
            recorder = _recorder(args.split, article_id) if args.record and template == "extract" else nullcontext()
            started = time.perf_counter()
            with recorder, Summarizer(settings) as summarizer:
                summary = summarizer.summarize(texts[article_id])
            seconds = time.perf_counter() - started
            preds[template][article_id] = summary.model_dump(mode="json")
            folder = args.out / template
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{article_id}.json").write_text(summary.model_dump_json(indent=1))
            print(f"[{n}/{len(ids)}] {article_id} {template}: {seconds:.1f}s", flush=True)
    console = Console(width=160)
    lines = []
    if missing:
        print(f"\nsaved in {args.out}; not scored (no gold file yet): {', '.join(missing)}")
        return 0
    for template in args.templates:
        report = evaluate({i: gold[i] for i in ids}, preds[template], {k: a.text for k, a in texts.items()})
        console.print(f"\n[bold]template {template}[/]")
        console.print(eval_table(report))
        total = report.total()
        secs = [p["provenance"]["seconds"] for p in preds[template].values()]
        low, high = report.intervals()["mean_f1"]
        lines.append(f"{template}: mean F1 {total.mean_f1:.3f}, 95 % interval {low:.3f} to {high:.3f} over articles "
                     f"(actors {total.actors.f1:.3f}, meetings "
                     f"{total.meetings.f1:.3f}, conflicts {total.conflicts.f1:.3f}); median {statistics.median(secs):.1f}s "
                     f"per article")
        (args.out / f"{template}.scores.json").write_text(json.dumps(report.as_dict(), indent=2))
    print("\n" + "\n".join(lines))
    return 0


def _recorder(split: str, article_id: str):
    from tests.conftest import recording

    return recording(f"{split}/{article_id}")


if __name__ == "__main__":
    sys.exit(main())
