"""What the model writes: compact per-pass drafts, validated against the article (instructor validation context).

The model cites sentence numbers and actor numbers instead of repeating quotes and names, which keeps its
output short (every generated token costs ~0.09 s on the embedded model); the pipeline expands them into exact
quotes with character offsets, so evidence is verbatim by construction.

Validators read ``info.context``: ``article`` (the Article), ``actors`` (the surface forms of each numbered
actor, for passes 2 and 3) and ``lenient``. A problem that the model can fix (a name that is not in the
article, a sentence number that does not exist, a sentence that does not mention a participant) raises a
ValueError naming it, which instructor feeds back as a re-ask. With ``lenient`` set (the last salvage after the
allowed re-asks) the offending item is dropped and its reason appended to ``context['warnings']``.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from .article import Article
from .grounding import occurs, surface_form
from .schema import ActorKind, ConflictStatus, EventType, MeetingMode, MeetingStatus


class _Draft(BaseModel):
    model_config = ConfigDict(extra="ignore")


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


def _sentence_problems(numbers: list[int], article: Article | None) -> list[int]:
    if article is None:
        return []
    return [n for n in numbers if not 1 <= n <= len(article.sentences)]


def _settle(items: list, problems: dict[int, str], ctx: dict[str, Any], what: str) -> list:
    """Raise with every problem (a re-ask), or, when lenient, drop the bad items and record why."""
    if not problems:
        return items
    if not ctx.get("lenient"):
        raise ValueError("; ".join(f"{what}[{i}]: {reason}" for i, reason in sorted(problems.items())))
    warnings = ctx.setdefault("warnings", [])
    warnings += [f"dropped {what[:-1]} {reason}" for _, reason in sorted(problems.items())]
    return [item for i, item in enumerate(items) if i not in problems]


class Label(str, Enum):
    """What a name in the article stands for: an actor's kind, a place, or no actor at all."""

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
    place = "place"
    not_actor = "not_actor"


class ActorDraft(_Draft):
    """An actor as the pipeline assembles it from a labelled name."""

    name: str
    kind: ActorKind
    title: str | None = None
    country: str | None = None


class ActorsPass(_Draft):
    """Step 'actors': a headline, the summary sentences and a label for every proper name of the article."""

    headline: str | None = Field(None, description="A short neutral headline (only when the article has no title).")
    summary: list[int] = Field(description="Numbers of the 2-4 sentences that best summarize the article.")
    names: dict[str, Label] = Field(description="Every proper name in the article with what it stands for.")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ActorsPass:
        ctx = _context(info)
        article: Article | None = ctx.get("article")
        if article is None:
            return self
        problems: dict[int, str] = {}
        names = list(self.names.items())
        for i, (name, _) in enumerate(names):
            if surface_form(name, article.text) is None:
                problems[i] = f"{name!r} does not occur in the article: copy names exactly as written or leave it out"
        kept = _settle(names, problems, ctx, "names")
        self.names = {surface_form(n, article.text): label for n, label in kept}
        self.summary = [n for n in self.summary if not _sentence_problems([n], article)]
        return self

    @staticmethod
    def forced_schema(candidates: list[str], with_headline: bool) -> dict[str, Any]:
        """The same shape with every candidate name as a required key, in order: a grammar then makes a
        local model label each name instead of choosing which ones to list."""
        props: dict[str, Any] = {}
        if with_headline:
            props["headline"] = {"type": "string"}
        props["summary"] = {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 4}
        labels = {"type": "string", "enum": [x.value for x in Label]}
        props["names"] = {
            "type": "object",
            "properties": {c: labels for c in candidates},
            "required": list(candidates),
            "additionalProperties": False,
        }
        return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}


def _unknown(names: list[str], ctx: dict[str, Any]) -> list[str]:
    known = ctx.get("actor_index") or {}
    return [n for n in names if n not in known]


def _places_in_article(places: list[str], article: Article, ctx: dict[str, Any], what: str) -> list[str]:
    """Keep the places the article names; a place it never mentions is dropped with a warning."""
    kept = []
    for place in places:
        if place and surface_form(place, article.text) is not None:
            kept.append(place)
        elif place:
            ctx.setdefault("warnings", []).append(f"{what}: place {place!r} is not in the article, dropped")
    return kept


def _repair_sentences(sents: list[int], names: list[str], ctx: dict[str, Any]) -> list[int]:
    """Cited sentences that mention a participant; failing that, the sentences that mention two of them."""
    article: Article = ctx["article"]
    forms = [f for n in names for f in ctx["actor_index"][n]]
    valid = [n for n in sents if 1 <= n <= len(article.sentences)]
    good = [n for n in valid if any(occurs(f, article.sentences[n - 1].text) for f in forms)]
    if good:
        return good
    by_actor = [{s.number for s in article.sentences if any(occurs(f, s.text) for f in ctx["actor_index"][n])} for n in names]
    shared = [n for n in range(1, len(article.sentences) + 1) if sum(n in b for b in by_actor) >= min(2, len(by_actor))]
    return shared[:3]


class MeetingDraft(_Draft):
    who: list[str] = Field(max_length=8, description="Names of the actors taking part, from the actor list.")
    host: str | None = Field(description="Name of the host actor, or null.")
    where: str | None = Field(max_length=60)
    when: str | None = Field(max_length=40, description="The date as written, e.g. 'on Monday', or null.")
    status: MeetingStatus
    mode: MeetingMode
    topics: list[Annotated[str, Field(max_length=40)]] = Field(max_length=5)
    sents: list[int] = Field(max_length=6, description="Numbers of the sentences that tell this meeting.")


class MeetingsPass(_Draft):
    """Step 'meetings'."""

    meetings: list[MeetingDraft] = Field(max_length=5)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> MeetingsPass:
        ctx = _context(info)
        article: Article | None = ctx.get("article")
        if article is None:
            return self
        problems: dict[int, str] = {}
        for i, m in enumerate(self.meetings):
            unknown = _unknown([*m.who, *([m.host] if m.host else [])], ctx)
            if unknown:
                problems[i] = f"{unknown} are not in the actor list: use the names exactly as listed"
                continue
            m.who = list(dict.fromkeys(m.who))
            if m.host and m.host not in m.who:
                m.who.append(m.host)
            m.sents = _repair_sentences(m.sents, m.who, ctx)
            if not m.sents:
                problems[i] = f"no sentence of the article mentions its participants {m.who}"
            if m.where and not _places_in_article([m.where], article, ctx, "meeting"):
                m.where = None
            if m.when and surface_form(m.when, article.text) is None:
                m.when = None
        self.meetings = _settle(self.meetings, problems, ctx, "meetings")
        return self

    @staticmethod
    def forced_schema(actor_names: list[str]) -> dict[str, Any]:
        return _with_actor_enum(MeetingsPass.model_json_schema(), "MeetingDraft", ("who", "host"), actor_names)


class EventDraft(_Draft):
    type: EventType
    when: str | None = Field(max_length=40, description="The date as written, or null.")
    where: str | None = Field(max_length=60)
    killed: int | None = Field(ge=0)
    injured: int | None = Field(ge=0)
    sents: list[int] = Field(max_length=4)


class ConflictDraft(_Draft):
    name: str = Field(max_length=60)
    where: list[Annotated[str, Field(max_length=60)]] = Field(max_length=4)
    sides: list[str] = Field(max_length=8, description="Names of the actors fighting, from the actor list.")
    status: ConflictStatus
    events: list[EventDraft] = Field(max_length=3)
    sents: list[int] = Field(max_length=6, description="Numbers of the sentences that tell this conflict.")


class ConflictsPass(_Draft):
    """Step 'conflicts'."""

    conflicts: list[ConflictDraft] = Field(max_length=3)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ConflictsPass:
        ctx = _context(info)
        article: Article | None = ctx.get("article")
        if article is None:
            return self
        problems: dict[int, str] = {}
        for i, c in enumerate(self.conflicts):
            unknown = _unknown(c.sides, ctx)
            c.sents = [n for n in c.sents if not _sentence_problems([n], article)]
            if unknown:
                problems[i] = f"{c.name!r}: {unknown} are not in the actor list: use the names exactly as listed"
            elif not c.sents:
                problems[i] = f"{c.name!r}: cites no sentence of the article (1 to {len(article.sentences)})"
            c.where = _places_in_article(c.where, article, ctx, f"conflict {c.name!r}")
            c.sides = list(dict.fromkeys(c.sides))
            for e in c.events:
                e.sents = [n for n in e.sents if not _sentence_problems([n], article)]
                if e.where and not _places_in_article([e.where], article, ctx, f"event of {c.name!r}"):
                    e.where = None
            c.events = [e for e in c.events if e.sents]
        self.conflicts = _settle(self.conflicts, problems, ctx, "conflicts")
        return self

    @staticmethod
    def forced_schema(actor_names: list[str]) -> dict[str, Any]:
        return _with_actor_enum(ConflictsPass.model_json_schema(), "ConflictDraft", ("sides",), actor_names)


def _with_actor_enum(schema: dict[str, Any], definition: str, fields: tuple[str, ...], names: list[str]) -> dict[str, Any]:
    """Constrain actor-name fields to the actor list, so a grammar lets a local model write only known names."""
    props = schema["$defs"][definition]["properties"]
    choice = {"type": "string", "enum": list(names)} if names else {"type": "string"}
    for name in fields:
        if props[name].get("type") == "array":
            props[name]["items"] = choice
        else:
            props[name] = {"anyOf": [choice, {"type": "null"}]}
    return schema


PASS_MODELS: dict[str, type[_Draft]] = {"actors": ActorsPass, "meetings": MeetingsPass, "conflicts": ConflictsPass}
