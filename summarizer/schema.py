"""The public data model: an article summary with its actors, meetings and conflicts.

Vocabulary follows the event coders (PLOVER/CAMEO/ACLED, see DOMAIN.md): actors carry an ISO 3166-1 alpha-3
country and a kind close to PLOVER sectors; meetings are PLOVER CONSULT events with a status (held, planned...)
and a mode; conflicts aggregate the violent events an article reports. Every item carries evidence: verbatim
quotes aligned to character offsets in the article.

Validators enforce references (participants and parties are listed actors), enumerations, non-empty evidence
and, when the article text is passed as validation context (``{"article": text}``), that every evidence span
really is the article's text at its offsets.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

# 1.1: provenance.pipeline_version added; Actor.affiliation and Meeting.outcome (never filled) retired. Summaries
# of schema 1.0 still validate.
SCHEMA_VERSION = "1.1"


class ActorKind(str, Enum):
    person = "person"
    state = "state"
    government = "government"
    military = "military"
    armed_group = "armed_group"
    political_party = "political_party"
    organization = "organization"
    international_body = "international_body"
    media = "media"
    civilians = "civilians"
    other = "other"


class MeetingStatus(str, Enum):
    held = "held"
    planned = "planned"
    ongoing = "ongoing"
    cancelled = "cancelled"


class MeetingMode(str, Enum):
    in_person = "in_person"
    phone = "phone"
    video = "video"
    multilateral = "multilateral"


class ConflictStatus(str, Enum):
    ongoing = "ongoing"
    ceasefire = "ceasefire"
    ended = "ended"
    escalating = "escalating"


class EventType(str, Enum):
    air_strike = "air_strike"
    drone_strike = "drone_strike"
    missile_strike = "missile_strike"
    shelling = "shelling"
    bombing = "bombing"
    attack = "attack"
    clash = "clash"
    shooting = "shooting"
    hostage_taking = "hostage_taking"
    other = "other"


class MatchKind(str, Enum):
    exact = "exact"
    normalized = "normalized"
    fuzzy = "fuzzy"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


def _retired(data: Any, *fields: str) -> Any:
    """Summaries written before schema 1.1 carry fields that were never filled (always null): read them, drop
    them. A retired field with a value is left in place, so that it fails as an unknown field."""
    if isinstance(data, dict) and any(data.get(f, 0) is None for f in fields):
        return {k: v for k, v in data.items() if not (k in fields and v is None)}
    return data


class Evidence(_Model):
    """A verbatim quote from the article and where it stands in the text."""

    quote: str = Field(min_length=1, description="Exact words of the article supporting the item.")
    start: int | None = Field(None, ge=0, description="Character offset of the quote in the article text.")
    end: int | None = Field(None, ge=0, description="Offset one past the quote's last character.")
    match: MatchKind | None = Field(None, description="How the quote was aligned: exact, normalized or fuzzy.")
    score: float | None = Field(None, ge=0, le=1, description="Alignment score (1.0 for exact).")
    sentence: int | None = Field(None, ge=1, description="Number of the article sentence the quote comes from.")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> Evidence:
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end are set together")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        article = (info.context or {}).get("article")
        if article is not None and self.match == MatchKind.exact and self.start is not None:
            if article[self.start : self.end] != self.quote:
                raise ValueError(f"quote is not the article's text at [{self.start}:{self.end}]: {self.quote!r}")
        return self


class Actor(_Model):
    """One entity (person, state, group, body) with every surface form the article uses for it."""

    id: str = Field(pattern=r"^a\d+$", description="Stable id within this summary, e.g. a1.")
    name: str = Field(min_length=1, description="Canonical name, in its fullest form in the article.")
    aliases: list[str] = Field(default_factory=list, description="Other forms the article uses for this actor.")
    kind: ActorKind
    title: str | None = Field(None, description="Office or role as stated, e.g. 'Foreign Minister'.")
    country: str | None = Field(None, pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 country code.")
    evidence: list[Evidence] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _drop_retired(cls, data: Any) -> Any:
        return _retired(data, "affiliation")


class Meeting(_Model):
    """A PLOVER CONSULT event: a visit, talks, a summit, a phone call; held or planned."""

    id: str = Field(pattern=r"^m\d+$")
    participants: list[str] = Field(min_length=1, description="Actor ids of everyone taking part.")
    host: str | None = Field(None, description="Actor id of the host, where the text says so.")
    visitors: list[str] = Field(default_factory=list, description="Actor ids of the visiting side.")
    location: str | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    date_text: str | None = Field(None, description="The date as the article states it.")
    date: dt.date | None = Field(None, description="The date resolved against the publication date, if possible.")
    status: MeetingStatus
    mode: MeetingMode = MeetingMode.in_person
    topics: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _drop_retired(cls, data: Any) -> Any:
        return _retired(data, "outcome")


class ConflictEvent(_Model):
    """A violent event the article reports (PLOVER ASSAULT/FIGHT, ACLED event)."""

    type: EventType
    date_text: str | None = None
    date: dt.date | None = None
    location: str | None = None
    killed: int | None = Field(None, ge=0)
    injured: int | None = Field(None, ge=0)
    evidence: list[Evidence] = Field(min_length=1)


class Conflict(_Model):
    """An armed conflict the article reports, with its sides and the events it tells."""

    id: str = Field(pattern=r"^c\d+$")
    name: str = Field(min_length=1)
    locations: list[str] = Field(default_factory=list)
    parties: list[str] = Field(default_factory=list, description="Actor ids of the sides.")
    status: ConflictStatus = ConflictStatus.ongoing
    events: list[ConflictEvent] = Field(default_factory=list)
    evidence: list[Evidence] = Field(min_length=1)


class Usage(_Model):
    """Tokens and requests summed over every attempt, re-asks included."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    reasks: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            requests=self.requests + other.requests,
            reasks=self.reasks + other.reasks,
        )


class Provenance(_Model):
    """How this summary was made."""

    model: str
    template: str
    template_version: str
    schema_version: str = SCHEMA_VERSION
    pipeline_version: str | None = Field(
        None, description="The pipeline's code and rule data that made it (summarizer.version.PIPELINE_VERSION); "
                          "absent from summaries made before it was recorded.")
    article_id: str | None = None
    source: str | None = None
    title: str | None = None
    published: dt.date | None = None
    usage: Usage = Field(default_factory=Usage)
    seconds: float | None = None
    warnings: list[str] = Field(default_factory=list)


class ArticleSummary(_Model):
    """A structured, checkable summary of one news article."""

    headline: str = Field(min_length=1)
    summary: str = Field(min_length=1, description="Two to four neutral sentences.")
    actors: list[Actor] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    provenance: Provenance

    @field_validator("actors")
    @classmethod
    def _unique_actor_ids(cls, actors: list[Actor]) -> list[Actor]:
        ids = [a.id for a in actors]
        if len(ids) != len(set(ids)):
            raise ValueError(f"actor ids are not unique: {ids}")
        return actors

    @model_validator(mode="after")
    def _references(self) -> ArticleSummary:
        known = {a.id for a in self.actors}
        problems: list[str] = []
        for m in self.meetings:
            refs = [*m.participants, *m.visitors, *([m.host] if m.host else [])]
            problems += [f"meeting {m.id} refers to unknown actor {r}" for r in refs if r not in known]
        for c in self.conflicts:
            problems += [f"conflict {c.id} refers to unknown actor {r}" for r in c.parties if r not in known]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def evidence(self) -> list[Evidence]:
        """Every evidence span in the summary."""
        spans: list[Evidence] = []
        for a in self.actors:
            spans += a.evidence
        for m in self.meetings:
            spans += m.evidence
        for c in self.conflicts:
            spans += c.evidence
        for c in self.conflicts:
            for e in c.events:
                spans += e.evidence
        return spans


def json_schema() -> dict[str, Any]:
    """The JSON Schema of an ArticleSummary document."""
    return ArticleSummary.model_json_schema()


def first_error(err: ValueError, *, where: str = "value", limit: int = 160) -> str:
    """One line for a validation error: where its first problem is and what it is ("actors.0.kind: Input should
    be 'person', ..."). ``where`` names the whole value when the problem is at its top level."""
    errors = getattr(err, "errors", None)
    if callable(errors) and errors():
        first = errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or where
        return f"{loc}: {first['msg']}"[:limit]
    text = str(err).strip()
    return text.splitlines()[0][:limit] if text else where
