"""End to end against recorded exchanges with the embedded model's real server (Qwen2.5-Coder-1.5B, llama.cpp).

Replayed offline from cassettes/; `SUMMARIZER_RECORD=1 pytest tests/test_cassettes.py` records them anew.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from summarizer import ArticleSummary, Summarizer, asummarize, summarize
from summarizer.article import read_articles, read_text_file
from summarizer.cli import app
from summarizer.evaluate import evaluate, load_gold
from summarizer.normalize import conflict_name
from summarizer.version import PIPELINE_VERSION

from .conftest import CASSETTES, ROOT, SECRET_HEADERS, SEEDS, cassette

SEED = SEEDS / "lavrov-cairo.txt"
DEMO = SEEDS / "voa-8006503.txt"


def names(summary: ArticleSummary) -> set[str]:
    return {n for a in summary.actors for n in (a.name, *a.aliases)}


def actor_ids(summary: ArticleSummary, *forms: str) -> set[str]:
    return {a.id for a in summary.actors if {a.name, *a.aliases} & set(forms)}


def test_seed_cli_json_is_schema_valid_and_names_the_facts(llm_env):
    """The issue's 'done when': Lavrov and Shoukry, their Cairo meeting, the Libya and Syria conflicts."""
    with cassette("seed-lavrov-cairo"):
        result = CliRunner().invoke(app, ["summarize", str(SEED), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    summary = ArticleSummary.model_validate(doc, context={"article": SEED.read_text()})
    assert {"Sergei Lavrov", "Sameh Shoukry"} <= names(summary)
    lavrov, shoukry = actor_ids(summary, "Sergei Lavrov"), actor_ids(summary, "Sameh Shoukry")
    cairo = [m for m in summary.meetings if m.location == "Cairo" and lavrov & set(m.participants) and shoukry & set(m.participants)]
    assert cairo and cairo[0].status.value == "held"
    assert cairo[0].country == "EGY"
    conflict_text = " ".join(c.name + " " + " ".join(c.locations) for c in summary.conflicts)
    assert "Libya" in conflict_text
    # Every conflict's name stands on its own evidence (the model's "Syrian civil war" for sentences about Libya
    # is renamed, and the warnings say so).
    for c in summary.conflicts:
        quotes = " ".join(e.quote for e in c.evidence)
        assert conflict_name(c.name, quotes, c.locations) == (c.name, None), c.name
    assert any("renamed" in w for w in summary.provenance.warnings)
    assert all(e.match.value == "exact" for e in summary.evidence())
    assert summary.provenance.template == "extract" and summary.provenance.usage.requests >= 2
    assert summary.provenance.pipeline_version == PIPELINE_VERSION
    assert summary.provenance.usage.prompt_tokens > 0 and summary.provenance.usage.completion_tokens > 0


def test_seed_cli_text_and_markdown_render_from_the_same_exchange(llm_env, tmp_path):
    with cassette("seed-lavrov-cairo"):
        text = CliRunner().invoke(app, ["summarize", str(SEED)])
    assert text.exit_code == 0, text.output
    assert "Sergei Lavrov" in text.stdout and "Meetings" in text.stdout and "\x1b[" not in text.stdout
    out = tmp_path / "seed.md"
    with cassette("seed-lavrov-cairo"):
        md = CliRunner().invoke(app, ["summarize", str(SEED), "--format", "markdown", "-o", str(out)])
    assert md.exit_code == 0, md.output
    body = out.read_text()
    assert body.startswith("# Russian ministers in Egypt") and "| Sergei Lavrov |" in body and "## Evidence" in body


def test_python_api_with_title_and_date(llm_settings):
    article = read_text_file(DEMO)
    with cassette("api-voa-8006503"), Summarizer(llm_settings) as summarizer:
        summary = summarizer.summarize(article)
    assert summary.provenance.article_id == "8006503"
    assert summary.provenance.published.isoformat() == "2025-03-11"
    assert summary.headline == article.title
    assert "al-Shabab" in names(summary)
    assert summary.conflicts, "a hotel siege by al-Shabab is a conflict event"
    ArticleSummary.model_validate(summary.model_dump(), context={"article": article.text})


def test_async_api_replays_the_same_exchange(llm_settings):
    article = read_text_file(DEMO)
    with cassette("api-voa-8006503"):
        summary = asyncio.run(
            asummarize(article, api_key=llm_settings.api_key, base_url=llm_settings.base_url, model=llm_settings.model,
                       response_format="json_object", max_retries=0)
        )
    assert "al-Shabab" in names(summary)


def test_a_long_article_is_read_in_overlapping_parts(llm_settings):
    """Chunking, exercised on the VOA demo story with a small part size: each part gets both passes, the parts'
    actors are merged into one list, and the evidence still points into the whole article."""
    article = read_text_file(DEMO)
    parts = article.chunks(1500)
    assert len(parts) >= 2 and parts[0][-2:] == parts[1][:2]  # two sentences of overlap
    with cassette("api-voa-8006503-parts"), Summarizer(llm_settings.with_(chunk_chars=1500)) as summarizer:
        summary = summarizer.summarize(article)
    assert summary.provenance.usage.requests == 2 * len(parts)
    actor_names = [a.name for a in summary.actors]
    assert "al-Shabab" in actor_names and len(actor_names) == len(set(actor_names))
    assert summary.conflicts
    for item in [*summary.actors, *summary.conflicts]:
        for ev in item.evidence:
            assert article.text[ev.start:ev.end] == ev.quote


def test_summarize_function_takes_plain_text(llm_settings):
    with cassette("seed-lavrov-cairo"):
        summary = summarize(SEED.read_text(), api_key=llm_settings.api_key, base_url=llm_settings.base_url,
                            model=llm_settings.model, response_format="json_object", max_retries=0)
    assert summary.headline == "Russian ministers in Egypt discuss Libya and Syria conflicts"
    assert summary.provenance.article_id is None


def _replayed_eval(settings, split: str, gold_dir: str, articles: list):
    """The split's articles summarized from their recorded exchanges (cassettes/<split>/<id>.yaml), scored against
    its gold folder; every kept quote must be verbatim."""
    texts = {a.id: a for a in articles}
    preds = {}
    with Summarizer(settings) as summarizer:
        for article_id in texts:
            with cassette(f"{split}/{article_id}"):
                preds[article_id] = summarizer.summarize(texts[article_id]).model_dump(mode="json")
    report = evaluate(load_gold(ROOT / "eval" / gold_dir), preds, {k: a.text for k, a in texts.items()})
    total = report.total()
    assert len(report.articles) == len(texts)
    assert total.quotes_total > 0 and total.quotes_verbatim == total.quotes_total
    return total, report.as_dict()["overall"]


def test_dev_set_eval_offline(llm_settings):
    """The current pipeline's accuracy on the hand-annotated dev set, replayed from the embedded model."""
    total, overall = _replayed_eval(llm_settings, "dev", "gold", [*read_articles(SEEDS / "dev.jsonl"),
                                                                  read_text_file(SEED)])
    # Regression floor at the pipeline's measured scores on the recorded answers (2026.12.21: actors F1 0.865,
    # meetings 0.848, conflicts 0.857, mean F1 0.857; recorded by benchmarks/compare.py --split dev --record).
    # 2026.12.19 and .20 scored 0.868 through a false meeting ("any future meetings" of Trump and Kim) that matched
    # a gold one; 2026.12.21 reads "any" as no particular meeting.
    assert total.actors.f1 >= 0.86 and total.meetings.f1 >= 0.84 and total.conflicts.f1 >= 0.85, overall
    assert total.mean_f1 >= 0.85, overall


def test_validation_split_eval_offline(llm_settings):
    """The pipeline's accuracy on the validation split (stories no rule was tuned on), replayed from the embedded
    model: the eval runs offline in CI, dev and validation side by side (`summarizer eval`)."""
    total, overall = _replayed_eval(llm_settings, "validation", "gold-validation",
                                    read_articles(SEEDS / "validation.jsonl"))
    # Regression floor at the pipeline's measured scores on the recorded answers (actors F1 0.791, meetings 0.842,
    # conflicts 0.800, mean 0.811; recorded by benchmarks/compare.py --split validation --record; the pipeline
    # before this split's changes scored 0.526: eval/results/baseline).
    assert total.actors.f1 >= 0.79 and total.meetings.f1 >= 0.83 and total.conflicts.f1 >= 0.79, overall
    assert total.mean_f1 >= 0.805, overall


def test_tune_split_eval_offline(llm_settings):
    """The pipeline's accuracy on the tune split (14 more stories annotated to tune general mechanisms on),
    replayed from the embedded model."""
    total, overall = _replayed_eval(llm_settings, "tune", "gold-tune", read_articles(SEEDS / "tune.jsonl"))
    # Regression floor at the pipeline's measured scores on the recorded answers (2026.12.20: actors F1 0.854,
    # meetings 0.760, conflicts 0.818, mean 0.811; recorded by benchmarks/compare.py --split tune --record; 2026.12.8
    # scored 0.695). 2026.12.13 had conflicts 0.857: a name copied from the headline ("... amid UK opposition") was
    # dropped as invented only because "UK" was not matched to the article's "U.K.".
    assert total.actors.f1 >= 0.85 and total.meetings.f1 >= 0.75 and total.conflicts.f1 >= 0.81, overall
    assert total.mean_f1 >= 0.81, overall


def test_tune2_split_eval_offline(llm_settings):
    """The pipeline's accuracy on the tune2 split (the corpus's last 13 stories, mostly features with no meeting or
    war: what the pipeline invents in ordinary news), replayed from the embedded model."""
    total, overall = _replayed_eval(llm_settings, "tune2", "gold-tune2", read_articles(SEEDS / "tune2.jsonl"))
    # Regression floor at the pipeline's measured scores on the recorded answers (2026.12.19: actors F1 0.729 at
    # precision 0.660, conflicts 0.889, mean 0.623: a planned meeting no longer merges into a held one of the same
    # sides, which here keeps a false "Brexit negotiations" meeting apart; 2026.12.11 scored 0.471 live: eval/results/2026.12.11/tune2/). Its
    # 3 gold meetings and 4 conflicts make those kinds' F1 move by a third with one item.
    assert total.actors.f1 >= 0.72 and total.actors.precision >= 0.65 and total.conflicts.f1 >= 0.88, overall
    assert total.mean_f1 >= 0.62, overall



def test_tune3_split_eval_offline(llm_settings):
    """The pipeline's accuracy on the tune3 split (12 stories held out as 'test' until 2026.12.15, then opened for
    tuning), replayed from the embedded model."""
    total, overall = _replayed_eval(llm_settings, "tune3", "gold-tune3", read_articles(SEEDS / "tune3.jsonl"))
    # Regression floor at the pipeline's measured scores on the recorded answers (2026.12.19: actors F1 0.851,
    # meetings 0.750, conflicts 0.714, mean 0.772; recorded with 2026.12.15 by benchmarks/compare.py --split tune3
    # --record, which scored 0.591 on it, as it had when the split was held out as 'test').
    assert total.actors.f1 >= 0.84 and total.meetings.f1 >= 0.75 and total.conflicts.f1 >= 0.71, overall
    assert total.mean_f1 >= 0.77, overall

def _cassette_files() -> list[Path]:
    return sorted(CASSETTES.rglob("*.yaml"))


def test_cassettes_exist_and_hold_real_exchanges():
    files = _cassette_files()
    assert len(files) >= 3
    for path in files:
        data = yaml.safe_load(path.read_text())
        assert data["interactions"], path
        for item in data["interactions"]:
            assert item["request"]["uri"].endswith("/v1/chat/completions")
            body = json.loads(item["response"]["body"]["string"])
            assert body["usage"]["completion_tokens"] > 0


@pytest.mark.parametrize("path", _cassette_files(), ids=lambda p: str(p.relative_to(CASSETTES)))
def test_cassette_carries_no_secret(path):
    data = yaml.safe_load(path.read_text())
    for item in data["interactions"]:
        for part in ("request", "response"):
            headers = {k.lower() for k in item[part].get("headers", {})}
            assert not headers & set(SECRET_HEADERS), (path, headers & set(SECRET_HEADERS))
    text = path.read_text()
    assert not re.search(r"sk-(?!test-not-a-secret)[A-Za-z0-9_-]{16,}", text), path
    assert "Bearer" not in text

