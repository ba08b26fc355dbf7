"""The public schema: good and bad payloads, references, evidence grounding, the JSON Schema."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from summarizer.schema import ArticleSummary, json_schema

ARTICLE = "Lavrov met Shoukry in Cairo. Egypt struck Derna."


def good() -> dict:
    quote = "Lavrov met Shoukry in Cairo."
    ev = [{"quote": quote, "start": 0, "end": len(quote), "match": "exact", "score": 1.0, "sentence": 1}]
    ev2 = [{"quote": "Egypt struck Derna.", "start": 29, "end": 48, "match": "exact", "score": 1.0, "sentence": 2}]
    return {
        "headline": "Lavrov in Cairo",
        "summary": "Lavrov met Shoukry in Cairo.",
        "actors": [
            {"id": "a1", "name": "Sergei Lavrov", "aliases": ["Lavrov"], "kind": "person", "country": "RUS", "evidence": ev},
            {"id": "a2", "name": "Sameh Shoukry", "kind": "person", "country": "EGY", "evidence": ev},
            {"id": "a3", "name": "Egypt", "kind": "state", "country": "EGY", "evidence": ev2},
        ],
        "meetings": [{"id": "m1", "participants": ["a1", "a2"], "host": "a2", "location": "Cairo", "status": "held",
                      "mode": "in_person", "evidence": ev}],
        "conflicts": [{"id": "c1", "name": "Libya conflict", "locations": ["Derna"], "parties": ["a3"],
                       "status": "ongoing", "events": [{"type": "air_strike", "location": "Derna", "evidence": ev2}],
                       "evidence": ev2}],
        "provenance": {"model": "m", "template": "extract", "template_version": "1.0"},
    }


def test_good_payload_validates_with_the_article_as_context():
    summary = ArticleSummary.model_validate(good(), context={"article": ARTICLE})
    assert summary.actor("a2").name == "Sameh Shoukry"
    assert len(summary.evidence()) == 6
    assert summary.provenance.schema_version == "1.0"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["meetings"][0]["participants"].append("a9"), "unknown actor a9"),
        (lambda d: d["conflicts"][0]["parties"].append("a7"), "unknown actor a7"),
        (lambda d: d["meetings"][0].update(host="a8"), "unknown actor a8"),
        (lambda d: d["meetings"][0].update(status="maybe"), "status"),
        (lambda d: d["actors"][0].update(kind="wizard"), "kind"),
        (lambda d: d["actors"][0].update(country="Russia"), "country"),
        (lambda d: d["actors"][0].update(evidence=[]), "evidence"),
        (lambda d: d["actors"][1].update(id="a1"), "not unique"),
        (lambda d: d["actors"][0].update(nickname="x"), "nickname"),
        (lambda d: d["conflicts"][0]["events"][0].update(killed=-1), "killed"),
        (lambda d: d["meetings"][0]["evidence"][0].update(start=5), "not the article's text"),
    ],
)
def test_bad_payloads_are_rejected(mutate, message):
    payload = copy.deepcopy(good())
    mutate(payload)
    with pytest.raises(ValidationError, match=message):
        ArticleSummary.model_validate(payload, context={"article": ARTICLE})


def test_json_schema_names_every_part():
    schema = json_schema()
    assert set(schema["properties"]) >= {"headline", "summary", "actors", "meetings", "conflicts", "provenance"}
    defs = schema["$defs"]
    assert {"Actor", "Meeting", "Conflict", "ConflictEvent", "Evidence", "Provenance"} <= set(defs)
    assert defs["MeetingStatus"]["enum"] == ["held", "planned", "ongoing", "cancelled"]
