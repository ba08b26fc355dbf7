"""Throughput and client CPU of the batch job against a stub LLM server with recorded answers.

The stub (benchmarks/stub_server.py, a separate process so its CPU is not counted) answers each request with the
recorded answer of the same step from the seed cassette after a fixed latency. The articles are the seed
article under distinct ids, with the cache off. For each concurrency it prints the wall time against the ideal
(N articles x 2 requests x latency / concurrency), the client CPU per article, then a run with a share of
injected 429 and 500 answers, checked for completeness (every article summarized, no id twice).

    python benchmarks/batch_bench.py                       # 1,000 articles, 500 ms, concurrency 1 8 32 64
    python benchmarks/batch_bench.py -n 200 --latency 0.2  # quicker
    python benchmarks/batch_bench.py --layer-only          # only the batch layer (pipeline replaced), ~1 min

It also measures the pipeline alone (one article after another) and the batch layer alone (the pipeline replaced
by a wait of the requests' latency returning the summary it made), which tells the two costs apart.
It prints figures; it asserts nothing (targets: >= 0.9 of ideal at concurrency 32, <= 5 ms CPU per article).

    python benchmarks/batch_bench.py --varied -n 320 --latency 1.5 --concurrency 32 --runs 3 --throughput-only
    python benchmarks/batch_bench.py --varied -n 320 --latency 1.5 --concurrency 32 --runs 3 --throughput-only --cpu-ms 100

``--varied`` cycles through the 12 dev articles (seeds/dev.jsonl), each answered with its own recorded answers
(cassettes/dev/<id>.yaml; the stub matches a request to its article by title), instead of repeating the seed.
``--cpu-ms`` adds that much busy CPU to each article's CPU step (name finding; benchmark only: it stands for a
heavier stage such as a real NER), wherever that step runs: on the event loop, or in the batch's worker processes.
``--runs`` repeats each throughput run and prints the median.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.article import read_articles, read_text_file  # noqa: E402
from summarizer.batch import BatchOptions, summarize_many  # noqa: E402
from summarizer.config import LOCAL_MODEL_NAME, Settings  # noqa: E402

CASSETTE = ROOT / "cassettes" / "seed-lavrov-cairo.yaml"
ARTICLE = ROOT / "seeds" / "lavrov-cairo.txt"  # the article the cassette recorded (--article changes both)
DEV_ARTICLES = ROOT / "seeds" / "dev.jsonl"
DEV_CASSETTES = ROOT / "cassettes" / "dev"
REQUESTS_PER_ARTICLE = 2
CPU_MS = 0.0  # --cpu-ms: extra busy CPU per article in its CPU step
VARIED = False  # --varied: the dev articles in turn instead of the seed article again and again


class StubProcess:
    """benchmarks/stub_server.py in a child process; its request counts come back when it stops."""

    def __init__(self, cassette: Path | list[Path], latency: float, errors: float = 0.0):
        cassettes = [str(c) for c in (cassette if isinstance(cassette, list) else [cassette])]
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("stub_server.py")), "--cassette", *cassettes,
             "--latency", str(latency), "--errors", str(errors)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening "):
            self.proc.kill()
            raise SystemExit(f"the stub server did not start: {line!r}")
        self.base_url = line.split(" ", 1)[1]
        self.stats: dict = {}

    def __enter__(self) -> StubProcess:
        return self

    def __exit__(self, *exc) -> None:
        out, _ = self.proc.communicate(input="", timeout=30)
        self.stats = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}


def bench_settings(base_url: str, max_retries: int = 6) -> Settings:
    """The client settings of every run here: the stub server as a llama.cpp-style endpoint."""
    return Settings(api_key="sk-bench-not-a-secret", base_url=base_url, model=LOCAL_MODEL_NAME, local=False,
                    response_format="json_object", max_retries=max_retries, timeout=60)


def distinct(text: str, i: int) -> str:
    """The article with a closing line of its own, so no text-keyed memo can make article 2..N cheaper than the
    first (real batches do not repeat articles); the stub still answers with the recorded seed answers."""
    return f"{text}\n\n(Copy {i:05d}.)"


def write_articles(path: Path, n: int) -> None:
    """The benchmark's article n times under distinct ids (or, with --varied, the dev articles in turn), as JSONL."""
    articles = list(read_articles(DEV_ARTICLES)) if VARIED else [read_text_file(ARTICLE)]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            article = articles[i % len(articles)]
            fh.write(json.dumps({"id": f"bench-{i:05d}", "text": distinct(article.text, i), "title": article.title}) + "\n")


def stub_cassettes(cassette: Path) -> Path | list[Path]:
    """What the stub answers from: the one cassette, or with --varied every dev article's."""
    return sorted(DEV_CASSETTES.glob("*.yaml")) if VARIED else cassette


def burning(fn, seconds: float):
    """``fn`` after ``seconds`` of busy CPU in the calling thread."""

    @functools.wraps(fn)
    def burn_then(*args, **kwargs):
        end = time.thread_time() + seconds
        while time.thread_time() < end:
            pass
        return fn(*args, **kwargs)

    burn_then.burns = True
    return burn_then


def install_cpu_cost(ms: float) -> None:
    """Make the pipeline's name finding (once per article part; the dev articles have one) cost ``ms`` more CPU, in
    this process. Also the initializer of the batch's CPU worker processes (see run())."""
    from summarizer import pipeline

    if ms and not getattr(pipeline.name_candidates, "burns", False):
        pipeline.name_candidates = burning(pipeline.name_candidates, ms / 1000)


def batch_extra(concurrency: int, n: int) -> dict:
    """Extra batch options: with --cpu-ms, the CPU worker processes (if this version of the batch has them) must
    burn too, so they get an initializer that installs the cost."""
    if not CPU_MS:
        return {}
    install_cpu_cost(CPU_MS)  # where the CPU step runs on the event loop
    if "cpu_executor" not in BatchOptions.__dataclass_fields__:
        return {}
    from summarizer.batch import CpuPool
    from summarizer.batch.cpu import default_processes

    processes = default_processes(concurrency, n)
    return {"cpu_executor": CpuPool(processes, initializer=install_cpu_cost, initargs=(CPU_MS,))} if processes else {}


def run(base_url: str, n: int, concurrency: int, workdir: Path, tag: str) -> dict:
    """One batch run; wall time, CPU time and the output's checks."""
    src, out = workdir / f"{tag}.jsonl", workdir / f"{tag}-results.jsonl"
    write_articles(src, n)
    settings = bench_settings(base_url)
    cpu0, wall0 = _cpu_seconds(), time.perf_counter()
    extra = batch_extra(concurrency, n)  # a pool is started inside the timing, as the batch's own would be
    try:
        summary = summarize_many([str(src)], out, settings=settings, concurrency=concurrency, cache=False,
                                 progress=False, **extra)
    finally:
        if "cpu_executor" in extra:
            extra["cpu_executor"].shutdown()
    wall, cpu = time.perf_counter() - wall0, _cpu_seconds() - cpu0
    ids = Counter(json.loads(line)["id"] for line in out.read_text().splitlines())
    return dict(n=n, concurrency=concurrency, wall=wall, cpu=cpu, ok=summary.ok, failed=summary.failed,
                failures=dict(summary.failures), records=sum(ids.values()), distinct=len(ids),
                duplicates=sum(c - 1 for c in ids.values()), requests=summary.requests)


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (the batch's worker processes, once it has
    shut them down; the stub server ends last, so it is not counted)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def warm_up(base_url: str, workdir: Path) -> str:
    """Load lazily built tables (country names, templates) once, so the first measured run is not charged;
    returns the summary the pipeline made (JSON)."""
    run(base_url, 2, 2, workdir, "warmup")
    first = json.loads((workdir / "warmup-results.jsonl").read_text().splitlines()[0])
    if not first["ok"]:
        raise SystemExit(f"the pipeline failed on the recorded answers: {first['error']['message']}")
    return json.dumps(first["summary"])


def batch_layer_only(base_url: str, summary_json: str, n: int, concurrency: int, latency: float, workdir: Path) -> dict:
    """The batch layer alone: Summarizer.asummarize replaced by a wait of the requests' latency that returns the
    summary the real pipeline made at warm-up (with this article's id). What is left is the batch's own cost."""
    import asyncio

    from summarizer import pipeline
    from summarizer.schema import ArticleSummary

    made = ArticleSummary.model_validate_json(summary_json)

    async def replay(self, article, **meta):
        await asyncio.sleep(REQUESTS_PER_ARTICLE * latency)
        return made.model_copy(update={"provenance": made.provenance.model_copy(update={"article_id": article.id})})

    real = pipeline.Summarizer.asummarize
    pipeline.Summarizer.asummarize = replay
    try:
        return run(base_url, n, concurrency, workdir, f"layer-c{concurrency}")
    finally:
        pipeline.Summarizer.asummarize = real


def pipeline_cpu(base_url: str, n: int) -> float:
    """CPU seconds per article of the pipeline alone (Summarizer.asummarize one after another, no batch layer)."""
    import asyncio

    from summarizer.article import Article
    from summarizer.pipeline import Summarizer

    article = read_text_file(ARTICLE)
    settings = bench_settings(base_url)

    async def go() -> float:
        with Summarizer(settings) as summarizer:
            await summarizer.asummarize(Article(text=distinct(article.text, n), id="first", title=article.title))
            cpu0 = time.process_time()  # from the second article on: the clients are built
            for i in range(n):
                await summarizer.asummarize(Article(text=distinct(article.text, i), id=f"p{i}", title=article.title))
            return (time.process_time() - cpu0) / n

    return asyncio.run(go())


def library_floor(base_url: str, cassette: Path, n: int) -> float:
    """CPU seconds per article of the two requests alone, through the same client stack (instructor, openai,
    httpx2, the retry transport) with a permissive response model: what no change to this package's own code
    can remove. The requests are the ones the cassette recorded."""
    import asyncio

    import yaml
    from pydantic import BaseModel, ConfigDict

    from summarizer.llm import LLM

    class Anything(BaseModel):
        model_config = ConfigDict(extra="allow")

    recorded = [json.loads(i["request"]["body"] if isinstance(i["request"]["body"], str) else i["request"]["body"]["string"])
                for i in yaml.safe_load(cassette.read_text())["interactions"]]
    settings = bench_settings(base_url)
    llm = LLM(settings)

    async def go() -> float:
        await llm.astructured(Anything, recorded[0]["messages"], recorded[0]["response_format"].get("schema"))  # builds the client
        cpu0 = time.process_time()
        for _ in range(n):
            for body in recorded[:REQUESTS_PER_ARTICLE]:
                await llm.astructured(Anything, body["messages"], body["response_format"].get("schema"))
        return (time.process_time() - cpu0) / n

    return asyncio.run(go())


def new_names_cpu() -> tuple[float, float]:
    """CPU ms per article (median over the 12 dev articles) the first time and the second time the process meets
    an article's names: each dev article summarized twice, answered with its own recorded answers
    (cassettes/dev/<id>.yaml), each time with a stub process and a client of its own. The lookup tables are
    built beforehand. The throughput runs above repeat one article, so they measure the second case; the first
    articles of a real batch are the first case."""
    import asyncio

    from summarizer.article import read_articles
    from summarizer.grounding import load_tables
    from summarizer.pipeline import Summarizer

    load_tables()

    def cpu_of(article, cassette: Path) -> float:
        with StubProcess(cassette, 0.0) as stub:
            settings = bench_settings(stub.base_url, max_retries=0)

            async def one() -> float:
                with Summarizer(settings) as summarizer:
                    cpu0 = time.process_time()
                    await summarizer.asummarize(article)
                    return time.process_time() - cpu0

            return asyncio.run(one())

    firsts, seconds = [], []
    for article in read_articles(ROOT / "seeds" / "dev.jsonl"):
        cassette = ROOT / "cassettes" / "dev" / f"{article.id}.yaml"
        firsts.append(cpu_of(article, cassette))
        seconds.append(cpu_of(article, cassette))
    return 1000 * statistics.median(firsts), 1000 * statistics.median(seconds)


def throughput(base_url: str, args: argparse.Namespace, workdir: Path) -> None:
    """Only the throughput runs: each concurrency ``--runs`` times, every run and the median of the share of ideal."""
    print(f"{'concurrency':>11} {'articles':>8} {'run':>4} {'wall s':>8} {'ideal s':>8} {'of ideal':>8} "
          f"{'CPU ms/art':>10} {'ok':>5} {'failed':>6}")
    for c in args.concurrency:
        n = args.n
        ideal = n * REQUESTS_PER_ARTICLE * args.latency / c
        shares = []
        for k in range(1, args.runs + 1):
            r = run(base_url, n, c, workdir, f"c{c}-{k}")
            shares.append(ideal / r["wall"])
            print(f"{c:>11} {n:>8} {k:>4} {r['wall']:>8.1f} {ideal:>8.1f} {ideal / r['wall']:>8.2f} "
                  f"{1000 * r['cpu'] / n:>10.1f} {r['ok']:>5} {r['failed']:>6}", flush=True)
        print(f"{c:>11} {n:>8} {'median':>4} {'':>8} {ideal:>8.1f} {statistics.median(shares):>8.2f}", flush=True)


def _warm(base_url: str, workdir: Path, freeze_heap: bool) -> str:
    """The warm-up run (its summaries are returned), then the heap frozen if asked."""
    made = warm_up(base_url, workdir)
    if freeze_heap:
        import gc

        gc.collect()
        gc.freeze()
        print(f"heap frozen after the warm-up: {gc.get_freeze_count():,} objects")
    return made


def main() -> None:
    global ARTICLE, CPU_MS, VARIED
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="Articles per run.")
    parser.add_argument("--latency", type=float, default=0.5, help="Stub latency per request, seconds.")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--max-ideal-seconds", type=float, default=130.0,
                        help="Cap on the ideal duration of one run: a run that would take longer (concurrency 1) "
                             "gets fewer articles, and says so.")
    parser.add_argument("--errors", type=float, default=0.10, help="Share of injected 429/500 answers in the last run.")
    parser.add_argument("--errors-concurrency", type=int, default=32)
    parser.add_argument("--cassette", type=Path, default=CASSETTE)
    parser.add_argument("--article", type=Path, default=ARTICLE, help="The .txt article the cassette recorded.")
    parser.add_argument("--layer-only", action="store_true", help="Only the batch layer's runs (quick).")
    parser.add_argument("--new-names", action="store_true",
                        help="Only the CPU per article with names met for the first time and again (quick).")
    parser.add_argument("--varied", action="store_true",
                        help="The 12 dev articles in turn, each answered with its own recorded answers.")
    parser.add_argument("--cpu-ms", type=float, default=0.0,
                        help="Extra busy CPU per article in its CPU step (name finding), milliseconds.")
    parser.add_argument("--runs", type=int, default=1, help="Throughput runs per concurrency (the median is printed).")
    parser.add_argument("--freeze-heap", action="store_true",
                        help="After the warm-up, exempt every object alive from garbage collection (gc.freeze), as a "
                             "host application may; measures whether that still pays.")
    parser.add_argument("--throughput-only", action="store_true",
                        help="Only the throughput runs (no pipeline-alone, library floor, batch layer or errors runs).")
    args = parser.parse_args()
    ARTICLE, CPU_MS, VARIED = args.article, args.cpu_ms, args.varied
    logging.basicConfig(level=logging.ERROR)
    if not args.cassette.is_file():
        raise SystemExit(f"missing {args.cassette}: record it first (SUMMARIZER_RECORD=1 pytest tests/test_cassettes.py)")

    if args.new_names:
        first, again = new_names_cpu()
        print(f"CPU per article over the 12 dev articles (median; one at a time, each with its own client): "
              f"{first:.1f} ms the first time the names are met, {again:.1f} ms the second time, ratio {first / again:.1f}")
        return
    source = "the 12 dev articles in turn, each with its own answers" if VARIED else f"answers from {args.cassette.name}"
    print(f"batch benchmark: stub latency {args.latency * 1000:.0f} ms, {REQUESTS_PER_ARTICLE} requests per article, "
          f"{source}, cache off" + (f", +{CPU_MS:.0f} ms CPU per article" if CPU_MS else ""))
    if args.throughput_only:
        with tempfile.TemporaryDirectory() as tmp, StubProcess(stub_cassettes(args.cassette), args.latency) as stub:
            _warm(stub.base_url, Path(tmp), args.freeze_heap)
            throughput(stub.base_url, args, Path(tmp))
        if stub.stats.get("requests"):
            per = 1000 * stub.stats["cpu_seconds"] / (stub.stats["requests"] / REQUESTS_PER_ARTICLE)
            print(f"the stub server's own CPU, on the same cores (a hosted API's is not): {per:.1f} ms per article "
                  f"({stub.stats['requests']} requests, the warm-up's included)")
        return
    with tempfile.TemporaryDirectory() as tmp, StubProcess(stub_cassettes(args.cassette), args.latency) as stub:
        workdir = Path(tmp)
        made = _warm(stub.base_url, workdir, args.freeze_heap)
        print(f"pipeline alone (no batch layer, one article after another): "
              f"{1000 * pipeline_cpu(stub.base_url, 10):.1f} ms CPU per article")
        print(f"the two requests alone (instructor, openai, httpx2; no grounding, no normalization): "
              f"{1000 * library_floor(stub.base_url, args.cassette, 10):.1f} ms CPU per article")
        print(f"{'concurrency':>11} {'articles':>8} {'wall s':>8} {'ideal s':>8} {'of ideal':>8} {'art/min':>8} "
              f"{'CPU ms/art':>10} {'ok':>5} {'failed':>6}")
        notes = []
        for c in [] if args.layer_only else args.concurrency:
            per_article = REQUESTS_PER_ARTICLE * args.latency / c
            n = min(args.n, max(c, int(args.max_ideal_seconds / per_article)))
            if n < args.n:
                notes.append(f"concurrency {c}: {n} articles instead of {args.n} (ideal {args.n * per_article:.0f} s)")
            r = run(stub.base_url, n, c, workdir, f"c{c}")
            ideal = n * per_article
            print(f"{c:>11} {n:>8} {r['wall']:>8.1f} {ideal:>8.1f} {ideal / r['wall']:>8.2f} {60 * n / r['wall']:>8.0f} "
                  f"{1000 * r['cpu'] / n:>10.1f} {r['ok']:>5} {r['failed']:>6}")
        print("batch layer alone (the pipeline replaced by a wait of 2 x latency returning the summary it made):")
        for c in args.concurrency[-2:]:
            r = batch_layer_only(stub.base_url, made, args.n, c, args.latency, workdir)
            ideal = args.n * REQUESTS_PER_ARTICLE * args.latency / c
            print(f"{c:>11} {args.n:>8} {r['wall']:>8.1f} {ideal:>8.1f} {ideal / r['wall']:>8.2f} "
                  f"{60 * args.n / r['wall']:>8.0f} {1000 * r['cpu'] / args.n:>10.1f} {r['ok']:>5} {r['failed']:>6}")
    for note in notes:
        print("note:", note)
    if args.layer_only:
        return

    with tempfile.TemporaryDirectory() as tmp, StubProcess(args.cassette, args.latency, args.errors) as stub:
        r = run(stub.base_url, args.n, args.errors_concurrency, Path(tmp), "errors")
    injected = {k: v for k, v in stub.stats.items() if k.startswith("http_")}
    print(f"\nwith {args.errors:.0%} injected errors at concurrency {args.errors_concurrency}: {r['n']} articles, "
          f"{r['wall']:.1f} s, server saw {stub.stats.get('requests', 0)} requests, injected {injected}")
    complete = r["ok"] == r["n"] and r["distinct"] == r["n"] and r["duplicates"] == 0
    print(f"  records {r['records']}, distinct ids {r['distinct']}, duplicates {r['duplicates']}, ok {r['ok']}, "
          f"failed {r['failed']} {r['failures'] or ''} -> {'every article done, no duplicates' if complete else 'INCOMPLETE'}")


if __name__ == "__main__":
    main()
