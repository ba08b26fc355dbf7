"""The one-call baseline's answer in the public schema (normalize.from_single_call), without a model: the answer
is built here as the model would write it, and everything downstream of it is the real code."""

from __future__ import annotations

import datetime as dt

from summarizer.article import Article
from summarizer.extraction import SingleActor, SingleCall, SingleConflict, SingleMeeting
from summarizer.normalize import from_single_call
from summarizer.schema import ActorKind, ArticleSummary, ConflictStatus, MeetingStatus, Provenance

TEXT = (
    "Russia's Foreign Minister Sergei Lavrov met his Egyptian counterpart Sameh Shoukry in Cairo on Monday. "
    "The two ministers discussed the fighting in Libya, where clashes killed 12 people last week. "
    '"The talks were useful," said Jane Doe, a fellow at the Brookings Institution.'
)


def _answer(actors: list[SingleActor]) -> SingleCall:
    return SingleCall(
        headline="Lavrov meets Shoukry in Cairo",
        summary="Lavrov and Shoukry met in Cairo.",
        actors=actors,
        meetings=[SingleMeeting(
            participants=["Sergei Lavrov", "Sameh Shoukry"], location="Cairo", date="on Monday",
            status=MeetingStatus.held, evidence=["Sergei Lavrov met his Egyptian counterpart Sameh Shoukry in Cairo"],
        )],
        conflicts=[SingleConflict(
            name="Libyan conflict", locations=["Libya"], parties=[], status=ConflictStatus.ongoing,
            evidence=["clashes killed 12 people last week"],
        )],
    )


def _summarize(actors: list[SingleActor]) -> ArticleSummary:
    article = Article(text=TEXT, title=None, published=dt.date(2025, 3, 12))
    warnings: list[str] = []
    found, meetings, conflicts = from_single_call(_answer(actors), article, warnings)
    summary = ArticleSummary(
        headline="h", summary="s", actors=found, meetings=meetings, conflicts=conflicts,
        provenance=Provenance(model="m", template="single", template_version="1", warnings=warnings),
    )
    # Every span is the article's text at its offsets.
    return ArticleSummary.model_validate(summary.model_dump(), context={"article": TEXT})


LAVROV = SingleActor(name="Sergei Lavrov", kind=ActorKind.person, title="Foreign Minister", country="RUS",
                     evidence=["Russia's Foreign Minister Sergei Lavrov"])
SHOUKRY = SingleActor(name="Sameh Shoukry", kind=ActorKind.person, country="EGY",
                      evidence=["his Egyptian counterpart Sameh Shoukry"])
# Named only as someone's affiliation: not an actor of this article, so normalization drops it.
BROOKINGS = SingleActor(name="Brookings Institution", kind=ActorKind.organization,
                        evidence=["a fellow at the Brookings Institution"])
# Not in the article at all: dropped before normalization.
NOWHERE = SingleActor(name="Vladimir Putin", kind=ActorKind.person, evidence=["Putin said"])


def test_the_single_call_answer_becomes_a_grounded_summary():
    summary = _summarize([LAVROV, SHOUKRY])
    by_name = {a.name: a for a in summary.actors}
    assert set(by_name) == {"Sergei Lavrov", "Sameh Shoukry"}
    assert [e.quote for e in by_name["Sergei Lavrov"].evidence] == ["Russia's Foreign Minister Sergei Lavrov"]
    assert by_name["Sergei Lavrov"].country == "RUS"
    (meeting,) = summary.meetings
    assert set(meeting.participants) == {by_name["Sergei Lavrov"].id, by_name["Sameh Shoukry"].id}
    assert meeting.country == "EGY" and meeting.date == dt.date(2025, 3, 10)
    (conflict,) = summary.conflicts
    assert conflict.evidence[0].quote == "clashes killed 12 people last week"


def test_an_actor_dropped_by_normalization_shifts_no_evidence_or_ids():
    """The dropped organization comes first: every actor after it must keep its own evidence and id."""
    warnings_seen = []
    for order in ([BROOKINGS, LAVROV, SHOUKRY], [NOWHERE, BROOKINGS, LAVROV, SHOUKRY], [LAVROV, BROOKINGS, SHOUKRY]):
        summary = _summarize(order)
        warnings_seen.append(summary.provenance.warnings)
        by_name = {a.name: a for a in summary.actors}
        assert set(by_name) == {"Sergei Lavrov", "Sameh Shoukry"}, order
        for actor in summary.actors:
            surname = actor.name.split()[-1]
            assert actor.evidence and all(surname in e.quote for e in actor.evidence), (actor.name, actor.evidence)
        (meeting,) = summary.meetings
        assert set(meeting.participants) == {by_name["Sergei Lavrov"].id, by_name["Sameh Shoukry"].id}, order
    assert all(any("Brookings Institution (affiliation)" in w for w in ws) for ws in warnings_seen)
