"""What the model writes: compact per-pass drafts, validated against the article (instructor validation context).

The model cites sentence numbers and actor numbers instead of repeating quotes and names, which keeps its
output short (a local model's time goes mostly into generated tokens: benchmarks/bench_local.py measures the
rates); the pipeline expands them into exact
quotes with character offsets, so evidence is verbatim by construction.

Validators read their context (``info.context``, else the one set by :func:`validating` around an LLM call):
``article`` (the Article), ``actor_index`` (each listed actor's forms, for the events pass), ``meeting_sents``
and ``lenient``. They never write into it. A problem that the model can fix (a name that is not in the article,
a sentence number that does not exist, a sentence that does not mention a participant) raises a ValueError
naming it, which instructor feeds back as a re-ask. What a validator drops or adopts is recorded on the model
it validates (:attr:`Draft.notes`), so an answer that is rejected and re-asked leaves nothing behind. With
``lenient`` set (the last salvage after the allowed re-asks) the offending item is dropped and its reason noted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, model_validator

from .article import Article
from .grounding import is_demonym, is_name, occurs, surface_form
from .names import name_key
from .schema import ActorKind, ConflictStatus, MeetingMode, MeetingStatus, first_error


@lru_cache(maxsize=32)
def _schema_text(model: type[BaseModel]) -> str:
    """A model's JSON schema as pydantic generates it, kept as JSON text: generated once per model (see
    benchmarks/batch_bench.py for what a request's client CPU is made of)."""
    return json.dumps(model.model_json_schema())


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema, generated once per model; a copy to edit (parsing the text is faster than a
    deep copy)."""
    return json.loads(_schema_text(model))


@dataclass
class Notes:
    """What validating one answer dropped (``warnings``) and which names it adopted as new actors (``adopted``:
    the name as the model wrote it -> its form in the article)."""

    warnings: list[str] = field(default_factory=list)
    adopted: dict[str, str] = field(default_factory=dict)
    cited: set[int] = field(default_factory=set)  # every sentence a conflict cites (its sents are truncated)


class Draft(BaseModel):
    """A response model: what the model writes for one request, checked against the article when validated."""

    model_config = ConfigDict(extra="ignore")
    _notes: Notes = PrivateAttr(default_factory=Notes)

    @property
    def notes(self) -> Notes:
        """The warnings and adopted names of this answer's validation (empty for a model that records none)."""
        return self._notes


# The validators' context (the article, the actor index) for the call under way, set by the caller around the
# LLM call (see validating). It is not handed to instructor as ``context``: instructor would then render every
# message, article included, as a Jinja template (an article containing "{{" or "{%" would be altered or fail).
VALIDATION_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("validation_context", default=None)


@contextmanager
def validating(context: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Make ``context`` the validators' context for the calls made inside the block (this task or thread only)."""
    token = VALIDATION_CONTEXT.set(context)
    try:
        yield context
    finally:
        VALIDATION_CONTEXT.reset(token)


def validation_context(info: ValidationInfo) -> dict[str, Any]:
    """A validator's context: pydantic's (``model_validate(..., context=...)``), else the one set by validating()."""
    return info.context or VALIDATION_CONTEXT.get() or {}


def _sentence_problems(numbers: list[int], article: Article | None) -> list[int]:
    if article is None:
        return []
    return [n for n in numbers if not 1 <= n <= len(article.sentences)]


def _settle(items: list, problems: dict[int, str], ctx: dict[str, Any], what: str, notes: Notes) -> list:
    """Raise with every problem (a re-ask), or, when lenient, drop the bad items and note why."""
    if not problems:
        return items
    if not ctx.get("lenient"):
        raise ValueError("; ".join(f"{what}[{i}]: {reason}" for i, reason in sorted(problems.items())))
    notes.warnings += [f"dropped {what[:-1]} {reason}" for _, reason in sorted(problems.items())]
    return [item for i, item in enumerate(items) if i not in problems]


# What a name in the article stands for: an actor's kind (schema.ActorKind, less 'other', which the pipeline gives
# and the model does not), a place, or no actor at all. The members are derived, so mypy cannot list them.
Label = Enum(  # type: ignore[misc]
    "Label",
    [(k.name, k.value) for k in ActorKind if k is not ActorKind.other]
    + [("place", "place"), ("not_actor", "not_actor")],
    type=str, module=__name__,
)
Label.__doc__ = "What a name in the article stands for: an actor's kind, a place, or no actor at all."
PLACE = Label("place")
NOT_ACTORS = (PLACE, Label("not_actor"), Label(ActorKind.media.value))
SUMMARY_SENTENCES = 3


class ActorDraft(Draft):
    """An actor as the pipeline assembles it from a labelled name."""

    name: str
    kind: ActorKind
    title: str | None = None
    country: str | None = None


class ActorsPass(Draft):
    """Step 'actors': a headline, the summary sentences and a label for every proper name of the article."""

    headline: str | None = Field(None, description="A short neutral headline (only when the article has no title).")
    summary: list[int] = Field(description="Numbers of the 3 sentences that best summarize the article.")
    names: dict[str, Label] = Field(description="Every proper name in the article with what it stands for.")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ActorsPass:
        ctx = validation_context(info)
        article: Article | None = ctx.get("article")
        if article is None:
            return self
        notes = Notes()
        names = list(self.names.items())
        forms = {name: surface_form(name, article.text) for name, _ in names}
        problems = {
            i: f"{name!r} does not occur in the article: copy names exactly as written or leave it out"
            for i, (name, _) in enumerate(names)
            if forms[name] is None
        }
        kept = _settle(names, problems, ctx, "names", notes)
        self.names = {form: label for name, label in kept if (form := forms[name]) is not None}
        self.summary = [n for n in self.summary if not _sentence_problems([n], article)][:4]
        self._notes = notes
        return self

    def drafts(self) -> list[ActorDraft]:
        return [ActorDraft(name=n, kind=ActorKind(x.value)) for n, x in self.names.items() if x not in NOT_ACTORS]

    def places(self) -> list[str]:
        return [n for n, x in self.names.items() if x == PLACE]

    @staticmethod
    def forced_schema(candidates: list[str], with_headline: bool, sentences: int) -> dict[str, Any]:
        """The same shape with every candidate name as a required key, in order: a grammar then makes a
        local model label each name instead of choosing which ones to list. The summary is exactly
        SUMMARY_SENTENCES numbers: left open, the model listed every sentence of the article (up to 140 tokens),
        and a range (minItems < maxItems) compiles to nested optional rules that slowed llama.cpp's sampling
        several-fold (benchmarks/bench_local.py shows the generation rate)."""
        props: dict[str, Any] = {}
        if with_headline:
            props["headline"] = {"type": "string"}
        size = min(SUMMARY_SENTENCES, sentences)
        props["summary"] = {"type": "array", "items": {"type": "integer"}, "minItems": size, "maxItems": size}
        labels = {"type": "string", "enum": [x.value for x in Label]}
        props["names"] = {
            "type": "object",
            "properties": {c: labels for c in candidates},
            "required": list(candidates),
            "additionalProperties": False,
        }
        return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}


MAX_NAMES = 8
MAX_SENTENCES = 8


def _unknown(names: list[str], ctx: dict[str, Any], notes: Notes) -> list[str]:
    """Names that are neither a listed actor nor a name the article uses. A name the article does use is
    adopted as a new actor (``notes.adopted``): the actor pass may have labelled it wrongly."""
    known = ctx.get("actor_index") or {}
    article: Article = ctx["article"]
    unknown = []
    for name in names:
        if name in known:
            continue
        form = surface_form(name, article.text)
        if (form is None or len(form) < 2 or len(form.split()) > 5 or form[0].islower() or is_demonym(form)
                or not is_name(form, article.text)):
            unknown.append(name)
        else:
            notes.adopted[name] = form
    return unknown


def _known(names: list[str], ctx: dict[str, Any], what: str, notes: Notes) -> list[str]:
    """The names that designate an actor (listed, or adopted because the article uses them); the others are
    dropped and listed in the warnings."""
    unknown = _unknown(names, ctx, notes)
    if unknown:
        notes.warnings.append(f"{what}: {unknown} not in the article's actors, dropped")
    return [n for n in names if n not in unknown]


def _forms(ctx: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Every form of every listed actor, case-folded and as a key (see names.name_key), to its canonical name:
    built once for all the names of an answer."""
    index = ctx.get("actor_index") or {}
    by_form = {f.casefold(): canonical for canonical, forms in index.items() for f in forms}
    by_key = {name_key(f): canonical for canonical, forms in index.items() for f in forms}
    return by_form, by_key


def _resolve(names: list[str], by_form: dict[str, str], by_key: dict[str, str]) -> list[str]:
    """Map each name to the actor it designates (``by_form``, ``by_key``: see _forms): by its canonical name or an
    alias, else by the longest actor name it contains ("east Libya military strongman Khalifa Haftar" ->
    "Khalifa Haftar"); else keep it."""
    out = []
    for name in names:
        if name.casefold() in by_form or name_key(name) in by_key:
            out.append(by_form.get(name.casefold()) or by_key[name_key(name)])
            continue
        inside = [f for f in by_form if len(f) > 2 and occurs(f, name.casefold())]
        out.append(by_form[max(inside, key=len)] if inside else name)
    return list(dict.fromkeys(out))


def _mentions(sentence: int, name: str, ctx: dict[str, Any], adopted: dict[str, str]) -> bool:
    """Does the sentence mention the actor (a listed one by any of its forms, or a name adopted as written)?"""
    article: Article = ctx["article"]
    text = article.sentences[sentence - 1].text
    forms = (ctx.get("actor_index") or {}).get(name) or [adopted.get(name, name)]
    return any(occurs(f, text) for f in forms)


def _nearest_mention(
    sent: int, who: list[str], ctx: dict[str, Any], adopted: dict[str, str], reach: int = 2
) -> int | None:
    """The cited sentence if it mentions the participants, else the nearest one within ``reach`` that mentions
    the most of them: a small model often cites the sentence next to the right one."""
    article: Article = ctx["article"]
    best, best_count = None, 0
    for offset in sorted(range(-reach, reach + 1), key=abs):
        n = sent + offset
        if not 1 <= n <= len(article.sentences):
            continue
        count = sum(_mentions(n, w, ctx, adopted) for w in who)
        if count > best_count or (offset == 0 and count and count == best_count):
            best, best_count = n, count
        if offset == 0 and count == len(who):
            return n
    return best


MAX_CONFLICTS = 4


def _grounded_conflicts(conflicts: list[ConflictDraft], ctx: dict[str, Any],
                        forms: tuple[dict[str, str], dict[str, str]], notes: Notes) -> list[ConflictDraft]:
    """Conflicts whose sides are actors of the list and whose sentences exist, at most MAX_SENTENCES each
    (``notes.cited`` keeps every sentence cited); a conflict citing no sentence is a problem for a re-ask."""
    article: Article = ctx["article"]
    n = len(article.sentences)
    problems = {}
    for i, c in enumerate(conflicts):
        c.sides = _known(_resolve(c.sides, *forms)[:MAX_NAMES], ctx, f"conflict {c.name!r}", notes)
        cited = sorted({x for x in c.sents if 1 <= x <= n})
        notes.cited.update(cited)
        c.sents = cited[:MAX_SENTENCES]
        if not c.sents:
            problems[i] = f"{c.name!r}: cites no sentence of the article (1 to {n})"
        c.sides = list(dict.fromkeys(c.sides))
    return _settle(conflicts, problems, ctx, "conflicts", notes)[:MAX_CONFLICTS]


def _conflicts_schema(schema: dict[str, Any], violence_sents: list[int]) -> dict[str, Any]:
    """``schema`` with its conflicts citing only ``violence_sents`` (none when there are none)."""
    if violence_sents:
        schema["$defs"]["ConflictDraft"]["properties"]["sents"]["items"] = {"type": "integer",
                                                                           "enum": list(violence_sents)}
    else:
        schema["properties"]["conflicts"]["maxItems"] = 0
    return schema


def _salvaged_conflicts(data: dict, warnings: list[str]) -> list[dict]:
    """The conflicts of a salvaged answer that validate on their own; the others listed in ``warnings``."""
    conflicts = []
    raw_conflicts = data.get("conflicts")
    for item in raw_conflicts if isinstance(raw_conflicts, list) else []:
        try:
            conflicts.append(ConflictDraft.model_validate(item).model_dump())
        except ValueError as err:
            warnings.append(f"dropped conflict: {first_error(err)}")
    return conflicts


class MeetingDraft(Draft):
    who: list[str] = Field(description="Names of the actors who meet, from the actor list.")
    status: MeetingStatus


class ConflictDraft(Draft):
    name: str = Field(min_length=1, description="A short name, e.g. 'Syrian civil war'.")
    sents: list[int] = Field(description="Numbers of the sentences that report its violence.")
    sides: list[str] = Field(description="Names of the actors fighting, from the actor list.")
    status: ConflictStatus


class EventsPass(Draft):
    """Step 'events': for each sentence that may tell a meeting, the meeting or null; then the conflicts."""

    meetings: dict[str, MeetingDraft | None] = Field(description="Sentence number -> the meeting it tells, or null.")
    conflicts: list[ConflictDraft]

    def meeting_items(self) -> list[tuple[int, MeetingDraft]]:
        return [(int(k), m) for k, m in self.meetings.items() if m is not None]

    @classmethod
    def salvage(cls, data: Any, context: dict[str, Any]) -> EventsPass:
        """After the allowed re-asks: keep every meeting and conflict that validates on its own; list the rest."""
        warnings: list[str] = []
        if not isinstance(data, dict):
            warnings.append("the events pass gave no usable JSON after the re-asks: no meetings or conflicts kept")
            data = {}
        meetings = {}
        raw_meetings = data.get("meetings")
        for key, item in (raw_meetings.items() if isinstance(raw_meetings, dict) else []):
            try:
                meetings[str(key)] = None if item is None else MeetingDraft.model_validate(item).model_dump()
            except ValueError as err:
                warnings.append(f"dropped meeting {key}: {first_error(err)}")
        conflicts = _salvaged_conflicts(data, warnings)
        value = cls.model_validate({"meetings": meetings, "conflicts": conflicts}, context=context)
        value.notes.warnings[:0] = warnings
        return value

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> EventsPass:
        ctx = validation_context(info)
        article: Article | None = ctx.get("article")
        if article is None:
            return self
        notes = Notes()
        n = len(article.sentences)
        items = [(k, m) for k, m in self.meetings.items() if m is not None]
        forms = _forms(ctx)
        problems: dict[int, str] = {}
        for i, (key, m) in enumerate(items):
            m.who = _known(_resolve(m.who, *forms)[:MAX_NAMES], ctx, f"meeting {key}", notes)
            if not m.who:
                problems[i] = f"meeting {key} names no actor of the list: use the names exactly as listed"
            elif not key.isdigit() or not 1 <= int(key) <= n:
                problems[i] = f"key {key!r} is not a sentence number (1 to {n})"
        items = _settle(items, problems, ctx, "meetings", notes)
        self.meetings = {}
        offered = set(ctx.get("meeting_sents") or ())
        for key, m in items:  # a cited sentence must mention who it is cited for
            m.who = list(dict.fromkeys(m.who))
            # One of the sentences offered (a meeting word and two actors) stays the evidence: the pipeline takes
            # the participants it names. Any other citation moves to the neighbour that names the participants.
            sent = int(key) if int(key) in offered else _nearest_mention(int(key), m.who, ctx, notes.adopted)
            if sent is None:
                notes.warnings.append(f"dropped meeting of {m.who}: no sentence near {key} mentions them")
            elif str(sent) not in self.meetings:
                self.meetings[str(sent)] = m
        self.conflicts = _grounded_conflicts(self.conflicts, ctx, forms, notes)
        self._notes = notes
        return self

    @staticmethod
    def forced_schema(who: dict[int, list[str]], violence_sents: list[int]) -> dict[str, Any]:
        """For a grammar: one key per candidate meeting sentence (``who``: its number -> the actors it may tell a
        meeting of), whose answer is a meeting among those actors or null, and conflict sentences limited to the
        sentences that mention violence. Offered the whole actor list, the small model copied it into every
        meeting; a handful of names per sentence keeps its choice to the sentence, and at most as many names as
        there are (unbounded, it once repeated "Syria" until the answer was cut off). Other lists have no length
        bounds: llama.cpp expands a bounded repetition into nested rules, which slowed some answers' generation
        several-fold (benchmarks/bench_local.py); they are truncated when validated instead. Conflict sides stay
        free strings (an enum of every name also slows sampling); they are resolved against the actor list when
        validated."""
        schema = _conflicts_schema(json_schema(EventsPass), violence_sents)
        slots = {}
        for sent, names in who.items():
            meeting = {
                "type": "object",
                "properties": {"who": {"type": "array", "items": {"type": "string", "enum": list(names)},
                                       "maxItems": len(names)},
                               "status": {"$ref": "#/$defs/MeetingStatus"}},
                "required": ["who", "status"], "additionalProperties": False,
            } if names else {"$ref": "#/$defs/MeetingDraft"}
            slots[str(sent)] = {"anyOf": [meeting, {"type": "null"}]}
        schema["properties"]["meetings"] = {
            "type": "object", "properties": slots, "required": list(slots), "additionalProperties": False,
        }
        return schema


class ConflictsPass(Draft):
    """Step 'conflicts': the conflicts that violence sentences no conflict of the events pass cited report (a
    second war told in passing, an earlier round of violence), in the events pass's shape."""

    conflicts: list[ConflictDraft]

    @classmethod
    def salvage(cls, data: Any, context: dict[str, Any]) -> ConflictsPass:
        """After the allowed re-asks: keep every conflict that validates on its own; list the rest."""
        warnings: list[str] = []
        if not isinstance(data, dict):
            warnings.append("the conflicts pass gave no usable JSON after the re-asks: no conflict added")
            data = {}
        value = cls.model_validate({"conflicts": _salvaged_conflicts(data, warnings)}, context=context)
        value.notes.warnings[:0] = warnings
        return value

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ConflictsPass:
        ctx = validation_context(info)
        if ctx.get("article") is None:
            return self
        notes = Notes()
        self.conflicts = _grounded_conflicts(self.conflicts, ctx, _forms(ctx), notes)
        self._notes = notes
        return self

    @staticmethod
    def forced_schema(violence_sents: list[int]) -> dict[str, Any]:
        """For a grammar: conflicts citing only ``violence_sents`` (see EventsPass.forced_schema)."""
        return _conflicts_schema(json_schema(ConflictsPass), violence_sents)


# --- the single-call baseline: one request with the whole schema, quotes written out by the model --------------


class SingleActor(Draft):
    name: str
    kind: ActorKind
    title: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-3 code")
    evidence: list[str] = Field(description="Verbatim quotes from the article.")


class SingleMeeting(Draft):
    participants: list[str] = Field(description="Actor names.")
    host: str | None = None
    location: str | None = None
    date: str | None = Field(None, description="As written in the article.")
    status: MeetingStatus
    mode: MeetingMode = MeetingMode.in_person
    topics: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(description="Verbatim quotes from the article.")


class SingleConflict(Draft):
    name: str
    locations: list[str] = Field(default_factory=list)
    parties: list[str] = Field(default_factory=list, description="Actor names.")
    status: ConflictStatus = ConflictStatus.ongoing
    evidence: list[str] = Field(description="Verbatim quotes from the article.")


class SingleCall(Draft):
    """The whole summary in one answer (the baseline the passes are measured against)."""

    headline: str
    summary: str = Field(description="Two to four neutral sentences.")
    actors: list[SingleActor]
    meetings: list[SingleMeeting]
    conflicts: list[SingleConflict]


PASS_MODELS: dict[str, type[Draft]] = {"actors": ActorsPass, "events": EventsPass, "conflicts": ConflictsPass,
                                        "single": SingleCall}
