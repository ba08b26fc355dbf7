"""The public schema: good and bad payloads, references, evidence grounding, the JSON Schema."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from summarizer.schema import SCHEMA_VERSION, ArticleSummary, first_error, json_schema
from summarizer.version import PIPELINE_VERSION

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
    assert summary.provenance.schema_version == SCHEMA_VERSION == "1.1"
    assert summary.provenance.pipeline_version is None  # not stated in the payload


def test_a_summary_of_schema_1_0_still_validates():
    """Results written before pipeline_version and with the retired, never-filled fields (always null)."""
    old = copy.deepcopy(good())
    for actor in old["actors"]:
        actor["affiliation"] = None
    old["meetings"][0]["outcome"] = None
    old["provenance"]["schema_version"] = "1.0"
    summary = ArticleSummary.model_validate(old, context={"article": ARTICLE})
    assert summary.provenance.schema_version == "1.0"
    dumped = summary.model_dump()
    assert "affiliation" not in dumped["actors"][0] and "outcome" not in dumped["meetings"][0]
    old["meetings"][0]["outcome"] = "agreed on a ceasefire"  # a value is not silently dropped
    with pytest.raises(ValidationError, match="outcome"):
        ArticleSummary.model_validate(old)


def test_provenance_records_the_pipeline_version():
    payload = copy.deepcopy(good())
    payload["provenance"]["pipeline_version"] = PIPELINE_VERSION
    assert ArticleSummary.model_validate(payload).provenance.pipeline_version == PIPELINE_VERSION


def test_first_error_is_one_line_with_where_and_what():
    payload = copy.deepcopy(good())
    payload["actors"][0]["kind"] = "wizard"
    with pytest.raises(ValidationError) as caught:
        ArticleSummary.model_validate(payload)
    assert first_error(caught.value).startswith("actors.0.kind: Input should be 'person'")
    with pytest.raises(ValidationError) as caught:
        ArticleSummary.model_validate([])
    assert first_error(caught.value, where="summary").startswith("summary: Input should be")
    assert first_error(ValueError("bad\nsecond line")) == "bad"


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
