"""Report fixtures: real ArticleSummary objects built from the real seed articles and their hand-annotated gold files
(eval/gold), with evidence offsets computed by ``text.find(quote)``. These are fixtures of the report, not model
output. The tests here check that the fixtures themselves are sound (every span is the article's text)."""

from __future__ import annotations

import json
from pathlib import Path

from summarizer.article import Article, read_articles, read_text_file
from summarizer.schema import ArticleSummary, Evidence

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "eval" / "gold"

#: Conflict events for the seed article (gold files have none), quoted from the text.
LAVROV_EVENTS = {
    "Egypt and Libyan allies": [
        {"type": "air_strike", "location": "eastern Libya", "date_text": "late Friday",
         "quote": "Egypt carried out air strikes on extremist training camps in eastern Libya"},
        {"type": "shooting", "location": "central Egypt", "killed": 29,
         "quote": "shooting dead 29 Christians in central Egypt"},
    ],
}


def evidence(text: str, quote: str) -> Evidence:
    """An exact evidence span: the quote's first occurrence in the text (it must occur)."""
    start = text.find(quote)
    assert start >= 0, f"fixture quote not in the article: {quote!r}"
    return Evidence(quote=quote, start=start, end=start + len(quote), match="exact", score=1.0)


def seed_article(article_id: str) -> Article:
    """A seed article by id: the Lavrov text file, a demo story with its sidecar, or a dev.jsonl story."""
    if article_id == "lavrov-cairo":
        return read_text_file(SEEDS / "lavrov-cairo.txt")
    if (SEEDS / f"voa-{article_id}.txt").is_file():
        return read_text_file(SEEDS / f"voa-{article_id}.txt")
    return next(a for a in read_articles(SEEDS / "dev.jsonl") if a.id == article_id)


def summary_from_gold(article: Article, gold: dict, *, events: dict | None = None,
                      warnings: list[str] | None = None) -> ArticleSummary:
    """An ArticleSummary from a gold annotation, every quote located in the article text."""
    text = article.text
    actors = [{**{k: a.get(k) for k in ("id", "name", "kind", "title", "country")}, "aliases": a.get("aliases", []),
               "evidence": [evidence(text, q) for q in a["evidence"]]} for a in gold["actors"]]
    meetings = [{**{k: m.get(k) for k in ("participants", "host", "location", "date_text", "date", "status", "mode")},
                 "id": f"m{n}", "topics": m.get("topics", []), "evidence": [evidence(text, q) for q in m["evidence"]]}
                for n, m in enumerate(gold["meetings"], 1)]
    conflicts = []
    for n, c in enumerate(gold["conflicts"], 1):
        found = next((v for k, v in (events or {}).items() if c["name"].startswith(k)), [])
        conflicts.append({
            "id": f"c{n}", "name": c["name"], "locations": c.get("locations", []), "parties": c.get("parties", []),
            "status": c.get("status", "ongoing"), "evidence": [evidence(text, q) for q in c["evidence"]],
            "events": [{**{k: v for k, v in e.items() if k != "quote"}, "evidence": [evidence(text, e["quote"])]}
                       for e in found],
        })
    return ArticleSummary.model_validate({
        "headline": gold.get("title") or article.title or "untitled",
        "summary": f"Fixture summary of {article.id}: {len(actors)} actors, {len(meetings)} meetings.",
        "actors": actors, "meetings": meetings, "conflicts": conflicts,
        "provenance": {"model": "fixture", "template": "gold", "template_version": "1", "article_id": article.id,
                       "title": article.title, "published": article.published, "warnings": warnings or []},
    }, context={"article": text})


def gold_result(article_id: str, **kwargs) -> tuple[Article, ArticleSummary]:
    """(Article, ArticleSummary) for a seed article from its gold file."""
    article = seed_article(article_id)
    gold = json.loads((GOLD / f"{article_id}.json").read_text(encoding="utf-8"))
    if article_id == "lavrov-cairo":
        kwargs.setdefault("events", LAVROV_EVENTS)
    return article, summary_from_gold(article, gold, **kwargs)


#: Four stories sharing actors (Putin, Zelenskyy, Rubio, Russia, Ukraine, the United States...).
BATCH_IDS = ["lavrov-cairo", "8010030", "8008456", "8006503"]


def batch_record(article: Article, summary: ArticleSummary, **extra) -> dict:
    """A success line of the batch results format."""
    return {"id": article.id, "source": article.source, "ok": True, "summary": summary.model_dump(mode="json"),
            "article": {"title": article.title, "published": article.published.isoformat() if article.published else None,
                        "url": article.url, "text": article.text}, **extra}


def write_batch(path: Path, *, bad_lines: bool = True) -> Path:
    """A results file of the batch stories, one error record and (optionally) two unreadable lines."""
    lines = [json.dumps(batch_record(*gold_result(i))) for i in BATCH_IDS]
    lines.insert(2, json.dumps({"id": "6181235", "source": "seeds/dev.jsonl:5", "ok": False,
                                "error": {"reason": "llm_timeout", "message": "the server did not answer in 120 s"}}))
    if bad_lines:
        lines.insert(1, '{"id": "truncated", "ok": tr')
        lines.append(json.dumps({"id": "broken", "ok": True, "summary": {"headline": "x"},
                                 "article": {"text": "x"}}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_fixture_spans_are_the_article_text():
    for article_id in BATCH_IDS:
        article, summary = gold_result(article_id)
        spans = summary.evidence()
        assert spans, article_id
        assert all(article.text[e.start:e.end] == e.quote for e in spans), article_id


def test_fixture_has_events_and_shared_actors():
    _, lavrov = gold_result("lavrov-cairo")
    assert [len(c.events) for c in lavrov.conflicts] == [0, 0, 2]
    names = [{a.name for a in gold_result(i)[1].actors} for i in BATCH_IDS[1:3]]
    assert {"Vladimir Putin", "Marco Rubio", "Russia"} <= names[0] & names[1]
