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

from typing import Any

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


class ActorDraft(_Draft):
    name: str = Field(description="The fullest form of the name as the article writes it.")
    kind: ActorKind
    title: str | None = Field(description="Office or role as written, or null.")
    country: str | None = Field(description="ISO 3166-1 alpha-3 code, or null.")


class ActorsPass(_Draft):
    """Step 'actors': headline, summary sentences and every named actor."""

    headline: str = Field(description="A short neutral headline.")
    summary: list[int] = Field(description="Numbers of the 2-4 sentences that best summarize the article.")
    actors: list[ActorDraft]

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ActorsPass:
        ctx = _context(info)
        article: Article | None = ctx.get("article")
        if article is None:
            return self
        problems: dict[int, str] = {}
        for i, actor in enumerate(self.actors):
            form = surface_form(actor.name, article.text)
            if form is None:
                problems[i] = f"{actor.name!r} does not occur in the article: copy the name exactly as written or leave it out"
            else:
                actor.name = form
        self.actors = _settle(self.actors, problems, ctx, "actors")
        self.summary = [n for n in self.summary if not _sentence_problems([n], article)]
        return self


def _actor_problems(numbers: list[int], n_actors: int) -> list[int]:
    return [n for n in numbers if not 1 <= n <= n_actors]


def _mentions_any(sentences: list[int], actor_numbers: list[int], ctx: dict[str, Any]) -> bool:
    article: Article = ctx["article"]
    forms = ctx.get("actors") or []
    texts = [article.sentences[n - 1].text for n in sentences]
    return any(occurs(f, t) for n in actor_numbers for f in forms[n - 1] for t in texts)


class MeetingDraft(_Draft):
    who: list[int] = Field(description="Numbers of the actors taking part.")
    host: int | None = Field(description="Number of the host actor, or null.")
    where: str | None
    when: str | None
    status: MeetingStatus
    mode: MeetingMode
    topics: list[str]
    sents: list[int] = Field(description="Numbers of the sentences that tell this meeting.")


class MeetingsPass(_Draft):
    """Step 'meetings'."""

    meetings: list[MeetingDraft]

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> MeetingsPass:
        ctx = _context(info)
        article: Article | None = ctx.get("article")
        if article is None:
            return self
        n_actors = len(ctx.get("actors") or [])
        problems: dict[int, str] = {}
        for i, m in enumerate(self.meetings):
            bad_actors = _actor_problems([*m.who, *([m.host] if m.host else [])], n_actors)
            bad_sents = _sentence_problems(m.sents, article)
            if not m.who:
                problems[i] = "has no participants"
            elif bad_actors:
                problems[i] = f"actor numbers {bad_actors} are not in the actor list (1 to {n_actors})"
            elif not m.sents or bad_sents:
                problems[i] = f"sentence numbers {bad_sents or '[]'} do not exist (1 to {len(article.sentences)})"
            elif not _mentions_any(m.sents, m.who, ctx):
                problems[i] = f"sentences {m.sents} mention none of its participants {m.who}"
        self.meetings = _settle(self.meetings, problems, ctx, "meetings")
        return self


class EventDraft(_Draft):
    type: EventType
    when: str | None
    where: str | None
    killed: int | None = Field(ge=0)
    injured: int | None = Field(ge=0)
    sents: list[int]


class ConflictDraft(_Draft):
    name: str
    where: list[str]
    sides: list[int] = Field(description="Numbers of the actors fighting.")
    status: ConflictStatus
    events: list[EventDraft]
    sents: list[int] = Field(description="Numbers of the sentences that tell this conflict.")


class ConflictsPass(_Draft):
    """Step 'conflicts'."""

    conflicts: list[ConflictDraft]

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ConflictsPass:
        ctx = _context(info)
        article: Article | None = ctx.get("article")
        if article is None:
            return self
        n_actors = len(ctx.get("actors") or [])
        problems: dict[int, str] = {}
        for i, c in enumerate(self.conflicts):
            bad_actors = _actor_problems(c.sides, n_actors)
            event_sents = [n for e in c.events for n in e.sents]
            bad_sents = _sentence_problems([*c.sents, *event_sents], article)
            if bad_actors:
                problems[i] = f"{c.name!r}: actor numbers {bad_actors} are not in the actor list (1 to {n_actors})"
            elif not c.sents or bad_sents:
                problems[i] = f"{c.name!r}: sentence numbers {bad_sents or '[]'} do not exist (1 to {len(article.sentences)})"
        self.conflicts = _settle(self.conflicts, problems, ctx, "conflicts")
        return self


PASS_MODELS: dict[str, type[_Draft]] = {"actors": ActorsPass, "meetings": MeetingsPass, "conflicts": ConflictsPass}
