"""Grounding and normalization without a model: alignment, names, countries, dates, actors, events."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.article import Article, read_text_file
from summarizer.extraction import ActorDraft, EventsPass
from summarizer.grounding import align, capital_of, country_code, name_candidates, place_country, resolve_date
from summarizer.normalize import (
    MEETING_CUE,
    VIOLENCE_CUE,
    Context,
    build_actors,
    cue_sentences,
    date_in,
    enrich,
    event_in,
    merge_actors,
    participants,
)
from summarizer.schema import ActorKind, EventType, MatchKind

from .conftest import SEEDS

SEED = read_text_file(SEEDS / "lavrov-cairo.txt")


def test_align_exact_normalized_fuzzy_and_absent():
    text = "Shoukry praised “Russia’s role in the success of the Astana process”, the ministry said."
    exact = align("the Astana process", text)
    assert exact.match == MatchKind.exact and text[exact.start:exact.end] == "the Astana process"
    loose = align('"russia\'s ROLE in the  success"', text)
    assert loose.match == MatchKind.normalized and text[loose.start:loose.end] == "Russia’s role in the success"
    fuzzy = align("Russias role in the sucess of the Astana proces", text)
    assert fuzzy.match == MatchKind.fuzzy and 0.88 <= fuzzy.score < 1 and "Astana" in text[fuzzy.start:fuzzy.end]
    assert align("Vladimir Putin flew to Beijing", text) is None


def test_countries_through_maintained_libraries():
    assert [country_code(x) for x in ("Russia", "U.S.", "Turkey", "EGY", "Egyptian")] == ["RUS", "USA", "TUR", "EGY", "EGY"]
    assert country_code("Atlantis") is None
    assert capital_of("Damascus") == "SYR" and capital_of("Derna") is None
    assert place_country("Cairo") == "EGY" and place_country("Libya") == "LBY"


@pytest.mark.parametrize(
    "text, published, future, expected",
    [
        ("on Monday", dt.date(2025, 3, 13), False, dt.date(2025, 3, 10)),
        ("Monday", dt.date(2025, 3, 10), False, dt.date(2025, 3, 10)),
        ("on Monday", dt.date(2025, 3, 13), True, dt.date(2025, 3, 17)),
        ("yesterday", dt.date(2025, 3, 13), False, dt.date(2025, 3, 12)),
        ("March 10", dt.date(2025, 3, 13), False, dt.date(2025, 3, 10)),
        ("Feb. 28", dt.date(2025, 3, 13), False, dt.date(2025, 2, 28)),
        ("earlier this month", dt.date(2025, 3, 13), False, None),
        ("on Monday", None, False, None),
    ],
)
def test_relative_dates_resolve_against_publication(text, published, future, expected):
    assert resolve_date(text, published, future=future) == expected


def test_name_candidates_split_titles_and_fold_surnames():
    cands = {c.name: c for c in name_candidates(SEED.sentences, SEED.text)}
    assert cands["Sergei Lavrov"].title == "Foreign Minister" and cands["Sergei Lavrov"].country == "RUS"
    assert cands["Sergei Shoigu"].title == "Defence Minister"
    assert {"Sameh Shoukry", "Abdel Fattah al-Sisi", "Arab League", "Ahmed Aboul Gheit", "Iran", "Turkey"} <= set(cands)
    assert "Lavrov" not in cands and "Egyptian" not in cands and "Monday" not in cands


def test_actors_merge_surnames_countries_and_capitals():
    drafts = [
        ActorDraft(name="Sergei Lavrov", kind=ActorKind.person),
        ActorDraft(name="Russia", kind=ActorKind.government),
        ActorDraft(name="Moscow", kind=ActorKind.state),
        ActorDraft(name="Kazakhstan", kind=ActorKind.international_body),
    ]
    entities = merge_actors(enrich(drafts, name_candidates(SEED.sentences, SEED.text)), SEED)
    actors = build_actors(entities, SEED, [])
    by_name = {a.name: a for a in actors}
    assert set(by_name) == {"Sergei Lavrov", "Russia"}
    assert by_name["Sergei Lavrov"].aliases == ["Lavrov"] and by_name["Sergei Lavrov"].title == "Foreign Minister"
    assert by_name["Russia"].kind == ActorKind.state and "Moscow" in by_name["Russia"].aliases
    for actor in actors:
        for ev in actor.evidence:
            assert SEED.text[ev.start:ev.end] == ev.quote


def test_cue_sentences_and_meeting_participants():
    assert 2 in cue_sentences(SEED, MEETING_CUE) and 8 in cue_sentences(SEED, VIOLENCE_CUE)
    drafts = [ActorDraft(name=n, kind=k) for n, k in [
        ("Sergei Lavrov", ActorKind.person), ("Sameh Shoukry", ActorKind.person), ("Syria", ActorKind.state),
        ("Libya", ActorKind.state), ("Russia", ActorKind.state)]]
    actors = build_actors(merge_actors(enrich(drafts, name_candidates(SEED.sentences, SEED.text)), SEED), SEED, [])
    sentence = SEED.sentences[1].text
    kept = participants(sentence, actors)
    assert {a.name for a in kept} == {"Sergei Lavrov", "Sameh Shoukry"}


def test_events_pass_repairs_neighbouring_citations_and_builds_meetings():
    drafts = [ActorDraft(name=n, kind=ActorKind.person) for n in ("Sergei Lavrov", "Sameh Shoukry", "Ahmed Aboul Gheit")]
    actors = build_actors(merge_actors(enrich(drafts, name_candidates(SEED.sentences, SEED.text)), SEED), SEED, [])
    ctx = {"article": SEED, "warnings": [], "actor_index": {a.name: [a.name, *a.aliases] for a in actors}}
    events = EventsPass.model_validate(
        {"meetings": {"1": {"who": ["Sergei Lavrov", "Sameh Shoukry"], "status": "held"},
                      "14": {"who": ["Lavrov", "Ahmed Aboul Gheit"], "status": "held"},
                      "3": {"who": ["Vladimir Putin"], "status": "held"}},
         "conflicts": []},
        context={**ctx, "lenient": True},
    )
    assert [k for k, _ in events.meeting_items()] == [2, 13]
    assert any("Vladimir Putin" in w for w in ctx["warnings"])
    from summarizer.normalize import build_meetings

    meetings = build_meetings(events, Context(article=SEED, places=["Cairo"], actors=actors))
    cairo = meetings[0]
    assert cairo.location == "Cairo" and cairo.country == "EGY" and cairo.date_text == "on Monday"
    assert cairo.evidence[0].sentence == 2


def test_violent_event_type_place_and_casualties():
    text = "Gunmen stormed a hotel in Beledweyne on Tuesday, killing at least five people and wounding 12 others."
    article = Article(text=text, published=dt.date(2025, 3, 11))
    event = event_in(Context(article=article, places=["Beledweyne"], actors=[]), 1)
    assert event.type == EventType.shooting and event.location == "Beledweyne"
    assert (event.killed, event.injured) == (5, 12)
    assert event.date == dt.date(2025, 3, 11)
    assert date_in("They met on Monday in Cairo.") == "on Monday"
    assert event_in(Context(article=Article(text="Talks resumed."), places=[], actors=[]), 1) is None


def test_events_salvage_keeps_what_validates_and_lists_the_rest():
    drafts = [ActorDraft(name=n, kind=ActorKind.person) for n in ("Sergei Lavrov", "Sameh Shoukry")]
    actors = build_actors(merge_actors(enrich(drafts, name_candidates(SEED.sentences, SEED.text)), SEED), SEED, [])
    ctx = {"article": SEED, "warnings": [], "lenient": True, "actor_index": {a.name: [a.name, *a.aliases] for a in actors}}
    events = EventsPass.salvage(
        {"meetings": {"2": {"who": ["Sergei Lavrov", "Sameh Shoukry"], "status": "held"},
                      "6": {"who": ["Sergei Lavrov"], "status": "meeting"}},
         "conflicts": [{"name": "Libyan conflict", "sents": list(range(1, 15)), "sides": [], "status": "ongoing"},
                       {"name": "", "sents": [8], "sides": [], "status": "ongoing"}]},
        ctx,
    )
    assert [k for k, _ in events.meeting_items()] == [2]
    assert len(events.conflicts) == 1 and len(events.conflicts[0].sents) == 8
    assert any("dropped meeting 6: status" in w for w in ctx["warnings"])
    assert any(w.startswith("dropped conflict: name") for w in ctx["warnings"])
