"""One summarized article as rows of the per-article tables (articles, actors, events, event_actors, conflicts,
evidence), with the PLOVER mapping: an actor's sector (by kind, or by a person's office) and a violent event's
type (FIGHT or ASSAULT). Entity ids are left empty here: the store links them over everything it holds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from ..entities import count_mentions, state_code
from ..grounding import place_country
from ..report import Doc
from ..schema import Actor, Conflict, EventType, Evidence, Meeting
from .tables import PER_ARTICLE

#: PLOVER sectors of the actor kinds that have one. A state is coded by its country alone (CAMEO's "RUS"), an
#: organization may be a business, an NGO or a religious body, and a person takes the sector of the office.
KIND_SECTORS = {
    "government": "GOV", "military": "MIL", "armed_group": "REB", "political_party": "PTY",
    "international_body": "IGO", "media": "JRN", "civilians": "CVL",
}
#: A person's sector from the office written next to the name, first match wins ("Defence Minister" is GOV,
#: "Lieutenant General" MIL, "Attorney General" JUD). Offices not listed ("Professor", "policy chief") give none.
TITLE_SECTORS = [(re.compile(pattern, re.IGNORECASE), sector) for pattern, sector in [
    (r"\b(opposition)\b", "OPP"),
    (r"\b(rebel|insurgent|militant|militia)", "REB"),
    (r"\b(attorney[- ]general|judge|justice|prosecutor|magistrate)\b", "JUD"),
    (r"\b(minister|president|premier|chancellor|secretary|ambassador|envoy|diplomat|governor|mayor|king|queen|"
     r"emir|sultan|crown prince|commissioner|advis[eo]r|spokes(man|woman|person)|head of state|director[- ]general|"
     r"consul)\b", "GOV"),
    (r"\b(general|gen\.|colonel|col\.|commander|admiral|lieutenant|lt\.|brigadier|marshal|military|army|sergeant|"
     r"captain)(?!\w)", "MIL"),
    (r"\b(police|policeman|policewoman)\b", "COP"),
    (r"\b(lawmaker|legislator|senator|congress(man|woman)|representative|parliament\w*|deputies|mp|speaker)\b", "LEG"),
    (r"\b(intelligence|spy)\b", "SPY"),
    (r"\b(cleric|imam|bishop|pope|rabbi|priest|ayatollah|patriarch)\b", "REL"),
    (r"\b(journalist|reporter|editor|correspondent)\b", "JRN"),
]]
#: PLOVER's split of violent events: FIGHT is conventional force between armed actors, ASSAULT the rest.
FIGHT_TYPES = {EventType.clash, EventType.shelling, EventType.air_strike, EventType.drone_strike,
               EventType.missile_strike}


def sector_of(actor: Actor) -> str | None:
    """The PLOVER sector of an actor where it maps: by kind, or by a person's office."""
    if actor.kind.value == "person":
        for pattern, sector in TITLE_SECTORS:
            if actor.title and pattern.search(actor.title):
                return sector
        return None
    return KIND_SECTORS.get(actor.kind.value)


def plover_type(event_type: EventType) -> str:
    """FIGHT or ASSAULT for a violent event's type."""
    return "FIGHT" if event_type in FIGHT_TYPES else "ASSAULT"


# --- rows of one article -------------------------------------------------------------------------------------


def _article_id(doc: Doc) -> str:
    """The article's id: the batch record's, else the provenance's or the article's, else its text's digest."""
    ident = doc.record_id or doc.summary.provenance.article_id or doc.article.id
    return ident or "sha256:" + hashlib.sha256(doc.article.text.encode()).hexdigest()[:16]


def _meeting_dyad(m: Meeting) -> tuple[str | None, str | None]:
    """PLOVER's actor and recipient of a meeting: a visitor and the host; with no host, the first two participants."""
    if m.host:
        others = [i for i in [*m.visitors, *m.participants] if i != m.host]
        return (others[0] if others else None), m.host
    ids = list(dict.fromkeys([*m.participants, *m.visitors]))
    return (ids[0] if ids else None), (ids[1] if len(ids) > 1 else None)


def _country(actor: Actor) -> str | None:
    return actor.country or state_code(actor)


class _ArticleRows:
    """The rows of one summarized article in every per-article table (entity ids are linked later, over the store)."""

    def __init__(self, doc: Doc, article_id: str, position: int):
        self.doc, self.id, self.position = doc, article_id, position
        self.actors = {a.id: a for a in doc.summary.actors}
        self.sectors = {a.id: sector_of(a) for a in doc.summary.actors}
        self.rows: dict[str, list[tuple]] = {t: [] for t in PER_ARTICLE}

    def build(self) -> dict[str, list[tuple]]:
        s = self.doc.summary
        self.article()
        for a in s.actors:
            self.actor(a)
        for m in s.meetings:
            self.meeting(m)
        for c in s.conflicts:
            self.conflict(c)
        return self.rows

    def ref(self, local: str) -> str:
        """The row id of an item of this article: 'article:item'."""
        return f"{self.id}:{local}"

    def article(self) -> None:
        doc, s = self.doc, self.doc.summary
        p = s.provenance
        self.rows["articles"].append((
            self.id, self.position, doc.article.source or p.source, doc.article.url, doc.article.title or p.title,
            doc.published, s.headline, s.summary, p.model, p.template, p.template_version, p.schema_version,
            p.usage.prompt_tokens, p.usage.completion_tokens, p.usage.requests, p.usage.reasks, p.seconds,
            list(p.warnings), doc.article.text,
        ))

    def actor(self, a: Actor) -> None:
        self.rows["actors"].append((
            self.ref(a.id), self.id, a.id, None, a.name, list(a.aliases), a.kind.value, self.sectors[a.id], a.title,
            _country(a), count_mentions(self.doc.article.text, a),
        ))
        self.evidence(self.ref(a.id), "actor", a.evidence)

    def meeting(self, m: Meeting) -> None:
        event = self.ref(m.id)
        one, two = _meeting_dyad(m)
        self.rows["events"].append((
            event, self.id, m.id, "CONSULT", m.mode.value, None, m.status.value, None, m.location, m.country,
            m.date_text, m.date, self.doc.published, *self.dyad_side(one), *self.dyad_side(two), None, None,
            list(m.topics),
        ))
        for local in dict.fromkeys([*m.participants, *m.visitors, *([m.host] if m.host else [])]):
            self.participant(event, local, "host" if local == m.host else "visitor" if local in m.visitors
                             else "participant")
        self.evidence(event, "meeting", m.evidence)

    def conflict(self, c: Conflict) -> None:
        conflict = self.ref(c.id)
        parties = list(dict.fromkeys(c.parties))
        countries = {_country(self.actors[i]) for i in parties} | {place_country(loc) for loc in c.locations}
        self.rows["conflicts"].append((
            conflict, self.id, c.id, c.name, c.status.value, list(c.locations), None, [self.ref(i) for i in parties],
            [self.actors[i].name for i in parties], sorted(x for x in countries if x), len(c.events),
        ))
        self.evidence(conflict, "conflict", c.evidence)
        one, two = (parties + [None, None])[:2]
        for n, e in enumerate(c.events, 1):
            item = f"{c.id}-e{n}"
            event = self.ref(item)
            self.rows["events"].append((
                event, self.id, item, plover_type(e.type), None, e.type.value, None, conflict, e.location,
                place_country(e.location), e.date_text, e.date, self.doc.published, *self.dyad_side(one),
                *self.dyad_side(two), e.killed, e.injured, [],
            ))
            for local in parties:
                self.participant(event, local, "side")
            self.evidence(event, "event", e.evidence)

    def dyad_side(self, local: str | None) -> tuple:
        """An event's actor1 or actor2 columns: entity (linked later), row id, name, country, sector."""
        a = self.actors.get(local) if local else None
        if a is None or local is None:
            return (None, None, None, None, None)
        return (None, self.ref(local), a.name, _country(a), self.sectors[local])

    def participant(self, event: str, local: str, role: str) -> None:
        a = self.actors[local]
        self.rows["event_actors"].append((event, self.id, self.ref(local), None, role, a.name, _country(a),
                                          self.sectors[local]))

    def evidence(self, item: str, item_type: str, spans: Sequence[Evidence]) -> None:
        for n, ev in enumerate(spans, 1):
            self.rows["evidence"].append((f"{item}#{n}", self.id, item, item_type, n, ev.quote, ev.start, ev.end,
                                          ev.sentence, ev.match.value if ev.match else None, ev.score))


def article_rows(doc: Doc, article_id: str, position: int) -> dict[str, list[tuple]]:
    """The rows of one summarized article in every per-article table (entity ids are linked later)."""
    return _ArticleRows(doc, article_id, position).build()

