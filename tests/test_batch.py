"""The batch job against a stub OpenAI-compatible server on loopback that answers with the recorded exchanges of
the seed article (cassettes/seed-lavrov-cairo.yaml): records, error records, cache, resume after a kill, budget,
limits, rate limits, fatal errors, and the Ray engine."""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import ArticleSummary, asummarize_many, summarize_many
from summarizer.article import Article, read_text_file
from summarizer.batch import Budget, CpuPool, RateLimiter, ResultsFile, cache_key
from summarizer.cli import app
from summarizer.config import LOCAL_MODEL_NAME, Settings

from .conftest import CASSETTES, ROOT, SEEDS, StubServer

SEED = SEEDS / "lavrov-cairo.txt"
SEED_CASSETTE = CASSETTES / "seed-lavrov-cairo.yaml"
KEY = "sk-test-not-a-secret"


def _stub_module():
    spec = importlib.util.spec_from_file_location("stub_server", ROOT / "benchmarks" / "stub_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stub_server = _stub_module()


@pytest.fixture(scope="module")
def answers():
    """The seed article's recorded answers, one per pipeline step."""
    if not SEED_CASSETTE.is_file():
        pytest.fail(f"missing cassette {SEED_CASSETTE}: record it with SUMMARIZER_RECORD=1 (needs the [local] extra)")
    return stub_server.CassetteAnswers(SEED_CASSETTE)


@pytest.fixture
def stub(answers):
    with stub_server.StubLLMServer(answers, latency=0.0) as server:
        yield server


def settings_for(url: str, **changes) -> Settings:
    base = Settings(api_key=KEY, base_url=url, model=LOCAL_MODEL_NAME, local=False, response_format="json_object",
                    max_retries=0)
    return base.with_(**changes)


def env_for(url: str, **extra: str) -> dict[str, str]:
    return {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": url, "SUMMARIZER_MODEL": LOCAL_MODEL_NAME,
            "SUMMARIZER_RESPONSE_FORMAT": "json_object", "SUMMARIZER_MAX_RETRIES": "0", **extra}


def seed_records(n: int, prefix: str = "seed") -> list[dict]:
    """The seed article (as `summarize` reads it: title from its first line) under n distinct ids."""
    article = read_text_file(SEED)
    return [{"id": f"{prefix}-{i}", "text": article.text, "title": article.title} for i in range(n)]


def write_jsonl(path: Path, records: list, extra_lines: tuple[str, ...] = ()) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + "".join(line + "\n" for line in extra_lines))
    return path


def read_records(path: Path) -> list[dict]:
    text = path.read_text()
    assert text == "" or text.endswith("\n"), "the output ends with a torn line"
    return [json.loads(line) for line in text.splitlines()]


def check_ok_record(record: dict) -> None:
    assert set(record) == {"id", "source", "ok", "summary", "article"} and record["ok"] is True
    assert set(record["article"]) == {"title", "published", "url", "text"}
    summary = ArticleSummary.model_validate(record["summary"], context={"article": record["article"]["text"]})
    assert summary.provenance.article_id == record["id"]
    assert summary.provenance.usage.requests >= 2 and summary.actors


# --- records, error records, the run summary ---------------------------------------------------------------------


def test_cli_batch_writes_records_error_records_and_a_run_summary(stub, tmp_path, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", [
        *seed_records(3),
        {"id": "empty", "text": "  \n "},
        {"id": "huge", "text": "Word. " * 20_000},
    ], extra_lines=("{this is not json",))
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(app, ["batch", str(src), "-o", str(out), "--concurrency", "3"], env=env_for(stub.base_url))
    assert result.exit_code == 0, result.output
    records = read_records(out)
    assert sorted(r["id"] for r in records) == sorted(["seed-0", "seed-1", "seed-2", "empty", "huge", "in:6"])
    for record in records:
        if record["ok"]:
            check_ok_record(record)
            assert record["source"].startswith(str(src)) and record["article"]["title"].startswith("Russian ministers")
        else:
            assert set(record) == {"id", "source", "ok", "error"} and record["error"]["reason"] == "input"
            assert "\n" not in record["error"]["message"]
    messages = {r["id"]: r["error"]["message"] for r in records if not r["ok"]}
    assert "empty" in messages["empty"] and "too long" in messages["huge"] and "malformed JSON" in messages["in:6"]
    side = json.loads((tmp_path / "results.jsonl.summary.json").read_text())
    assert (side["ok"], side["failed"], side["processed"], side["inputs"]) == (3, 3, 6, 6)
    assert side["failures_by_reason"] == {"input": 3}
    assert side["tokens"]["prompt"] > 0 and side["tokens"]["completion"] > 0 and side["requests"] == stub.stats["requests"]
    assert side["wall_seconds"] > 0 and side["articles_per_minute"] > 0
    assert "3 ok" in result.stderr and "failures by reason: input 3" in result.stderr
    assert stub.stats["step_actors"] == 3 and stub.stats["step_events"] == 3


def test_persistent_500_is_an_error_record_and_nothing_succeeded_exits_non_zero(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(2))
    out = tmp_path / "results.jsonl"
    with StubServer([(500, {}, b'{"error": {"message": "boom"}}', 0.0)]) as server:
        result = CliRunner().invoke(app, ["batch", str(src), "-o", str(out), "-c", "2", "--max-retries", "1"],
                                    env=env_for(server.base_url, SUMMARIZER_MAX_RETRIES="1"))
    assert result.exit_code == 1, result.output
    assert len(server.arrivals) == 4, "each article's first request is tried twice, then the article fails"
    records = read_records(out)
    assert [r["ok"] for r in records] == [False, False]
    assert {r["error"]["reason"] for r in records} == {"llm"}
    assert all("HTTP 500" in r["error"]["message"] for r in records)
    assert "Traceback" not in result.output


def test_fail_fast_stops_at_the_first_failure(stub, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "bad", "text": ""}, *seed_records(4)])
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(app, ["batch", str(src), "-o", str(out), "-c", "1", "--fail-fast"], env=env_for(stub.base_url))
    assert result.exit_code == 1
    assert [r["id"] for r in read_records(out)] == ["bad"]
    assert stub.stats["requests"] == 0
    assert json.loads((tmp_path / "results.jsonl.summary.json").read_text())["stopped"] == "fail_fast"


# --- cache --------------------------------------------------------------------------------------------------------


def test_second_run_is_served_from_the_cache_with_zero_requests(stub, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(3))
    first = summarize_many([str(src)], tmp_path / "one.jsonl", settings=settings_for(stub.base_url), concurrency=1)
    made = stub.stats["requests"]
    assert first.ok == 3 and first.cached == 2 and made == 2, "one article made; the two copies of its text are cache hits"
    second = summarize_many([str(src)], tmp_path / "two.jsonl", settings=settings_for(stub.base_url), concurrency=3)
    assert second.ok == 3 and second.cached == 3 and second.requests == 0
    assert stub.stats["requests"] == made, "the second run made no LLM request"
    for record in read_records(tmp_path / "two.jsonl"):
        check_ok_record(record)  # cached summaries carry this record's id
    refreshed = summarize_many([str(src)], tmp_path / "three.jsonl", settings=settings_for(stub.base_url),
                               concurrency=3, refresh=True)
    assert refreshed.cached == 0 and stub.stats["requests"] == made + 6


def test_cache_key_changes_with_model_template_and_text():
    a = Article(text="Lavrov met Shoukry.", title="T")
    base = dict(model="m", template="extract", template_version="1.0")
    key = cache_key(a, **base)
    assert key == cache_key(Article(text="Lavrov met Shoukry.", title="T", id="other"), **base)
    assert key != cache_key(Article(text="Lavrov met Shoukry!", title="T"), **base)
    assert key != cache_key(a, **{**base, "model": "m2"})
    assert key != cache_key(a, **{**base, "template_version": "1.1"})
    assert key != cache_key(a, **base, schema_version="2.0")
    assert key != cache_key(a, **base, pipeline_version="another")


def test_a_new_pipeline_version_misses_the_cache(stub, tmp_path, monkeypatch):
    """Summaries made by other rules (another PIPELINE_VERSION) are not served: the article is summarized again."""
    from summarizer import version

    src = write_jsonl(tmp_path / "in.jsonl", seed_records(1))
    first = summarize_many([str(src)], tmp_path / "one.jsonl", settings=settings_for(stub.base_url), progress=False)
    again = summarize_many([str(src)], tmp_path / "two.jsonl", settings=settings_for(stub.base_url), progress=False)
    assert (first.cached, again.cached, stub.stats["requests"]) == (0, 1, 2)
    monkeypatch.setattr(version, "PIPELINE_VERSION", version.PIPELINE_VERSION + "-changed")
    bumped = summarize_many([str(src)], tmp_path / "three.jsonl", settings=settings_for(stub.base_url), progress=False)
    assert bumped.ok == 1 and bumped.cached == 0 and stub.stats["requests"] == 4


# --- resume -------------------------------------------------------------------------------------------------------


def test_kill_minus_nine_then_rerun_loses_and_duplicates_nothing(answers, tmp_path):
    """SIGKILL the batch mid-run, tear its last line as a crash inside a write would, run the same command again."""
    n = 24
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(n))
    out = tmp_path / "results.jsonl"
    args = ["batch", str(src), "-o", str(out), "-c", "4", "--refresh"]
    with stub_server.StubLLMServer(answers, latency=0.15) as server:
        env = {**os.environ, **env_for(server.base_url)}
        proc = subprocess.Popen([sys.executable, "-c", "from summarizer.cli import main; main()", *args], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 6):
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        done_before = out.read_text().count("\n")
        assert 6 <= done_before < n, f"the kill came too late to test anything ({done_before} of {n})"
        with out.open("a") as fh:  # a record cut short by the kill
            fh.write('{"id":"seed-999","source":"x","ok":true,"summary":{"headline":"Rus')
        requests_before = server.stats["requests"]
        result = CliRunner().invoke(app, args, env=env_for(server.base_url))
        assert result.exit_code == 0, result.output
        redone = server.stats["requests"] - requests_before
    records = read_records(out)
    ids = Counter(r["id"] for r in records)
    assert set(ids) == {f"seed-{i}" for i in range(n)} and max(ids.values()) == 1
    for record in records:
        check_ok_record(record)
    assert redone <= 2 * (n - done_before), "the rerun redid only the articles without a record"
    assert "already done" in result.stderr and f"{done_before} already done" in result.stderr


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_cpu_workers_end_with_a_killed_batch(answers, tmp_path):
    """A batch big enough for a pool of CPU worker processes is SIGKILLed: its workers do not outlive it."""
    # Enough articles that the batch is still running when its pool has started, however slow the machine is.
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(400))
    out = tmp_path / "results.jsonl"
    with stub_server.StubLLMServer(answers, latency=0.15) as server:
        env = {**os.environ, **env_for(server.base_url)}
        proc = subprocess.Popen([sys.executable, "-c", "from summarizer.cli import main; main()", "batch", str(src),
                                 "-o", str(out), "-c", "4"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # The pool starts with the first CPU step and its workers come up one by one: wait for them.
        expected = min(2, os.cpu_count() or 2)
        deadline = time.monotonic() + 90
        workers: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None and len(workers) < expected:
            time.sleep(0.1)
            workers = _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert len(workers) >= expected, f"no pool of worker processes under the batch: {workers}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists() and "(Z)" not in _state(w)]
    assert not alive, f"worker processes outlived the killed batch: {alive}"


def _state(pid: int) -> str:
    try:
        return "(" + Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] + ")"
    except OSError:
        return "(gone)"


def test_torn_last_line_and_error_records_are_redone_from_the_cache(stub, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(4))
    out = tmp_path / "results.jsonl"
    summarize_many([str(src)], out, settings=settings_for(stub.base_url), concurrency=2)
    lines = out.read_text().splitlines(keepends=True)
    failed = json.dumps({"id": json.loads(lines[1])["id"], "source": "s", "ok": False,
                         "error": {"reason": "llm", "message": "earlier failure"}}) + "\n"
    out.write_text(lines[0] + failed + lines[2] + lines[3][: len(lines[3]) // 2])  # an error record, a torn line
    made = stub.stats["requests"]
    again = summarize_many([str(src)], out, settings=settings_for(stub.base_url), concurrency=2)
    assert (again.skipped, again.processed, again.cached, again.retried) == (2, 2, 2, 1)
    assert stub.stats["requests"] == made
    records = read_records(out)
    assert sorted(r["id"] for r in records) == [f"seed-{i}" for i in range(4)] and all(r["ok"] for r in records)


def test_a_second_batch_on_the_same_output_is_refused(tmp_path):
    out = tmp_path / "results.jsonl"
    first = ResultsFile(out)
    try:
        with pytest.raises(Exception, match="another batch is writing"):
            ResultsFile(out)
    finally:
        first.close()


# --- limits and budgets -------------------------------------------------------------------------------------------


def test_limit_and_token_budget_stop_cleanly_and_resume(stub, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(5))
    out = tmp_path / "results.jsonl"
    limited = summarize_many([str(src)], out, settings=settings_for(stub.base_url), limit=2, concurrency=2, refresh=True)
    assert limited.processed == 2 and sorted(r["id"] for r in read_records(out)) == ["seed-0", "seed-1"]
    # A budget smaller than one article: the next article runs (nothing is in flight), then none starts.
    budget = summarize_many([str(src)], out, settings=settings_for(stub.base_url), max_tokens_total=10, concurrency=1,
                            refresh=True)
    assert budget.stopped == "budget" and budget.skipped == 2 and budget.ok == 1 and budget.failures == {"budget": 2}
    reasons = [r.get("error", {}).get("reason") for r in read_records(out)]
    assert reasons.count("budget") == 2 and reasons.count(None) == 3
    finished = summarize_many([str(src)], out, settings=settings_for(stub.base_url), concurrency=2)
    assert finished.stopped is None and finished.skipped == 3 and finished.ok == 2 and finished.retried == 2
    records = read_records(out)
    assert sorted(r["id"] for r in records) == [f"seed-{i}" for i in range(5)] and all(r["ok"] for r in records)


def test_requests_per_minute_are_limited_client_side(answers, tmp_path):
    """--rpm 240 is 4 requests a second: 6 articles x 2 requests, 4 of them at once, take at least 2 s."""
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(6))
    with stub_server.StubLLMServer(answers) as server:
        started = time.monotonic()
        result = summarize_many([str(src)], None, settings=settings_for(server.base_url), concurrency=6, rpm=240,
                                refresh=True, cache=False)
        elapsed = time.monotonic() - started
    assert result.ok == 6 and server.stats["requests"] == 12
    assert elapsed >= 2.0, elapsed


def test_rate_limiter_and_budget_units(monkeypatch):
    now = [0.0]
    sleeps: list[float] = []

    async def fake_sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    monkeypatch.setattr("summarizer.batch.limits.asyncio.sleep", fake_sleep)
    limiter = RateLimiter(60, clock=lambda: now[0])  # 1 a second, a bucket of 1

    async def take(n):
        sleeps.clear()
        for _ in range(n):
            await limiter.acquire(1)
        return list(sleeps)

    assert asyncio.run(take(3)) == [1.0, 1.0]
    limiter.settle(2)  # two more were used than booked: a debt paid by waiting
    assert asyncio.run(take(1)) == [pytest.approx(3.0)]
    budget = Budget(100)
    assert budget.admit(60) and not budget.admit(60)  # 60 reserved + 60 > 100
    assert not budget.admit(1), "once refused, the budget stays spent"
    budget.settle(60, 70)
    assert budget.spent == 70 and budget.reserved == 0


# --- fatal errors, inputs in a batch, the Python API -------------------------------------------------------------


def test_refused_api_key_stops_the_batch_with_one_line(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(3))
    out = tmp_path / "results.jsonl"
    with StubServer([(401, {}, b'{"error": {"message": "Incorrect API key"}}', 0.0)]) as server:
        result = CliRunner().invoke(app, ["batch", str(src), "-o", str(out)], env=env_for(server.base_url))
    assert result.exit_code == 3
    err = result.stderr.strip().splitlines()
    assert err[0].startswith("error:") and "refused the API key" in err[0] and "Traceback" not in result.output
    assert read_records(out) == []
    assert json.loads((tmp_path / "results.jsonl.summary.json").read_text())["stopped"] == "error"


def test_unreachable_server_stops_after_a_few_articles(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(10))
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(app, ["batch", str(src), "-o", str(out), "-c", "1"], env=env_for("http://127.0.0.1:9/v1"))
    assert result.exit_code == 3 and "cannot reach the LLM server" in result.stderr
    records = read_records(out)
    assert len(records) == 3 and {r["error"]["reason"] for r in records} == {"llm"}


def test_folder_and_urls_in_one_batch(stub, tmp_path):
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "lavrov-cairo.txt").write_text(SEED.read_text())
    (folder / "empty.md").write_text("")
    result = summarize_many([str(folder), "http://127.0.0.1:9/gone.html"], tmp_path / "r.jsonl",
                            settings=settings_for(stub.base_url))
    records = {r["id"]: r for r in read_records(tmp_path / "r.jsonl")}
    assert records["lavrov-cairo"]["ok"] and records["lavrov-cairo"]["article"]["title"].startswith("Russian ministers")
    assert records["empty"]["error"]["reason"] == "input"
    assert records["http://127.0.0.1:9/gone.html"]["error"]["reason"] == "fetch"
    assert result.failures == {"input": 1, "fetch": 1}


def test_python_api_in_memory_and_async(stub):
    article = read_text_file(SEED)
    result = summarize_many([article, {"id": "rec", "text": article.text, "title": article.title}],
                            settings=settings_for(stub.base_url), progress=False)
    assert [r["id"] for r in result.records] == ["lavrov-cairo", "rec"] and all(r["ok"] for r in result.records)
    again = asyncio.run(asummarize_many([article], settings=settings_for(stub.base_url), progress=False))
    assert again.cached == 1 and again.records[0]["summary"]["provenance"]["article_id"] == "lavrov-cairo"


def test_the_library_leaves_the_garbage_collector_alone(stub):
    """summarize_many neither freezes the heap nor undoes a host application's own gc.freeze()."""
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        result = summarize_many(seed_records(3, "heap"), settings=settings_for(stub.base_url), progress=False,
                                cache=False)
        assert [r["ok"] for r in result.records] == [True, True, True]
        # Frozen objects may still be freed by reference counting; none is added, and the host's freeze stays.
        assert 0.9 * frozen <= gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def test_a_cpu_pool_starts_no_process_for_a_batch_served_from_the_cache(stub, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(2))
    summarize_many([str(src)], tmp_path / "one.jsonl", settings=settings_for(stub.base_url), cpu_processes=0)
    pool = CpuPool(2)
    again = summarize_many([str(src)], tmp_path / "two.jsonl", settings=settings_for(stub.base_url), cpu_executor=pool)
    assert again.cached == 2 and pool.pool is None and pool.offloaded == 0


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_cpu_steps_in_worker_processes_give_the_same_summaries(tmp_path, start_method):
    """Once its processes have started, a CpuPool runs the pipeline's CPU-bound steps (name finding, grounding,
    normalization) in them; the summaries are the same as with the steps on the event loop. Every dev article,
    each answered with its own recorded answers. Workers forked (with the tables loaded) or spawned (started
    afresh, as where forking is not safe)."""
    answers = stub_server.ArticleAnswers(sorted((CASSETTES / "dev").glob("*.yaml")))
    dev = str(SEEDS / "dev.jsonl")
    with stub_server.StubLLMServer(answers) as server:
        settings = settings_for(server.base_url)
        pool = CpuPool(2, start_method=start_method)
        try:
            assert pool.submit(sum, [1, 2]).result() == 3, "the first call starts the processes and runs inline"
            deadline = time.monotonic() + 120
            while not pool.ready and time.monotonic() < deadline:
                time.sleep(0.1)
            assert pool.ready, "the worker processes did not start"
            pooled = summarize_many(dev, settings=settings, concurrency=4, cache=False, progress=False,
                                    cpu_executor=pool)
            offloaded = pool.offloaded
        finally:
            pool.shutdown()
        inline = summarize_many(dev, settings=settings, concurrency=4, cache=False, progress=False, cpu_processes=0)

    def comparable(records: list[dict]) -> list[dict]:
        for r in records:
            if r["ok"]:
                r["summary"]["provenance"].pop("seconds")
        return records

    assert offloaded >= 3 * 12, "three steps of each of the 12 articles ran in the worker processes"
    assert sum(r["ok"] for r in inline.records) == 12
    assert comparable(pooled.records) == comparable(inline.records)


def test_bad_options_are_one_line_errors(stub, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", seed_records(1))
    runner = CliRunner()
    for args, fragment in ((["--concurrency", "0"], "concurrency must be at least 1"),
                           (["--rpm=-5"], "rpm must be positive")):
        result = runner.invoke(app, ["batch", str(src), "-o", str(tmp_path / "o.jsonl"), *args], env=env_for(stub.base_url))
        assert result.exit_code == 2 and fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1
    missing = runner.invoke(app, ["batch", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")],
                            env=env_for(stub.base_url))
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    itself = runner.invoke(app, ["batch", str(src), "-o", str(src)], env=env_for(stub.base_url))
    assert itself.exit_code == 2 and "also an input" in itself.stderr


def test_summarize_command_takes_an_html_file_and_a_url(stub, tmp_path):
    """`summarize` reads a web page (served on loopback) and a saved .html file through trafilatura."""
    from .test_inputs import web

    title, *paragraphs = [line for line in SEED.read_text().splitlines() if line.strip()]
    page = (f"<html><head><title>{title}</title></head><body><nav>Home | World</nav><article><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article><footer>Subscribe now</footer></body></html>")
    (tmp_path / "seed.html").write_text(page)
    runner = CliRunner()
    with web({"/seed.html": (200, "text/html", page.encode())}) as base:
        from_url = runner.invoke(app, ["summarize", f"{base}/seed.html", "--format", "json"], env=env_for(stub.base_url))
    from_file = runner.invoke(app, ["summarize", str(tmp_path / "seed.html"), "--format", "json"], env=env_for(stub.base_url))
    for result, source in ((from_url, f"{base}/seed.html"), (from_file, str(tmp_path / "seed.html"))):
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert doc["headline"] == title and doc["actors"] and doc["provenance"]["source"] == source
    assert stub.stats["step_actors"] == 2 and stub.stats["step_events"] == 2
