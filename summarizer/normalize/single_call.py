"""The one-call baseline (prompts/single.yaml): the model's whole answer, quotes written out by the model, in the
public schema. Names are grounded in the article, quotes aligned to it; what cannot be is dropped and listed."""

from __future__ import annotations

from ..article import Article
from ..extraction import ActorDraft, SingleCall
from ..grounding import align, place_country, resolve_date, surface_form
from ..schema import Actor, Conflict, Evidence, Meeting, MeetingStatus
from .actors import actors_of, merge_actors
from .common import MAX_EVIDENCE, dedupe


def aligned(quotes: list[str], article: Article, warnings: list[str], what: str) -> list[Evidence]:
    """Quotes aligned to the article (exact, normalized, fuzzy); the ones not found are listed in warnings."""
    spans: list[Evidence] = []
    for quote in quotes:
        ev = align(quote, article.text)
        if ev is None:
            warnings.append(f"{what}: quote not found in the article, dropped: {quote[:80]!r}")
        elif ev.quote not in {x.quote for x in spans}:
            spans.append(ev)
    return spans[:MAX_EVIDENCE]


def from_single_call(
    out: SingleCall, article: Article, warnings: list[str]
) -> tuple[list[Actor], list[Meeting], list[Conflict]]:
    """The baseline's answer in the public schema: names grounded, quotes aligned, the rest dropped and listed."""
    drafts = []
    for x in out.actors:
        form = surface_form(x.name, article.text)
        if form is None:
            warnings.append(f"dropped actor {x.name!r}: not in the article")
            continue
        drafts.append(ActorDraft(name=form, kind=x.kind, title=x.title, country=x.country))
    pairs = actors_of(merge_actors(drafts, article), article, warnings)
    for entity, actor in pairs:
        quotes = [q for d in out.actors if surface_form(d.name, article.text) in entity.forms for q in d.evidence]
        actor.evidence = aligned(quotes, article, warnings, actor.name) or actor.evidence
    actors = [actor for _, actor in pairs]
    by_form = {f: actor.id for entity, actor in pairs for f in entity.forms}
    meetings: list[Meeting] = []
    for m in out.meetings:
        ids = dedupe([by_form[n] for n in m.participants if n in by_form])
        evidence = aligned(m.evidence, article, warnings, "meeting")
        if not ids or not evidence:
            warnings.append(f"dropped meeting of {m.participants}: unknown participants or no evidence in the article")
            continue
        host = by_form.get(m.host or "")
        meetings.append(Meeting(
            id=f"m{len(meetings) + 1}", participants=dedupe(ids + ([host] if host else [])), host=host,
            visitors=[i for i in ids if host and i != host], location=m.location, country=place_country(m.location),
            date_text=m.date, date=resolve_date(m.date, article.published, future=m.status == MeetingStatus.planned),
            status=m.status, mode=m.mode, topics=m.topics, evidence=evidence,
        ))
    conflicts: list[Conflict] = []
    for c in out.conflicts:
        evidence = aligned(c.evidence, article, warnings, c.name)
        if not evidence:
            warnings.append(f"dropped conflict {c.name!r}: no evidence in the article")
            continue
        conflicts.append(Conflict(
            id=f"c{len(conflicts) + 1}", name=c.name, locations=c.locations,
            parties=dedupe([by_form[n] for n in c.parties if n in by_form]), status=c.status, evidence=evidence,
        ))
    return actors, meetings, conflicts
