"""Article -> prompt -> LLM -> drafts -> grounding and normalization -> ArticleSummary.

The conversation for one article is ordered for llama.cpp's prefix cache: the fixed system text, then the
numbered article with the first request, then each later request appended after the model's previous answer,
so every pass re-reads nothing it has already read.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .article import Article, check_text, parse_date, title_from_text
from .config import Settings, resolve
from .errors import InputError, OutputInvalid
from .extraction import PASS_MODELS, ActorDraft, ActorsPass, ConflictsPass, Label, MeetingsPass
from .grounding import Candidate, acronym, country_code, name_candidates, occurs, resolve_date, surname
from .llm import LLM, CallResult, InvalidOutput
from .prompts import Template, load
from .schema import (
    Actor,
    ActorKind,
    ArticleSummary,
    Conflict,
    ConflictEvent,
    Evidence,
    MatchKind,
    Meeting,
    MeetingStatus,
    Provenance,
    Usage,
)

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
MAX_EVIDENCE = 3


@dataclass
class _Run:
    """The state of one article's extraction."""

    article: Article
    template: Template
    messages: list[dict] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    warnings: list[str] = field(default_factory=list)


# --- building the summary -------------------------------------------------------------------------------------


def sentence_evidence(article: Article, numbers: list[int], limit: int = MAX_EVIDENCE) -> list[Evidence]:
    """Exact quotes of the given sentences (distinct texts, in article order)."""
    seen: set[str] = set()
    spans = []
    for n in sorted(set(numbers)):
        if not 1 <= n <= len(article.sentences):
            continue
        s = article.sentences[n - 1]
        if s.text in seen:
            continue
        seen.add(s.text)
        spans.append(Evidence(quote=s.text, start=s.start, end=s.end, match=MatchKind.exact, score=1.0, sentence=n))
    return spans[:limit]


def mention_sentences(article: Article, forms: list[str]) -> list[int]:
    return [s.number for s in article.sentences if any(occurs(f, s.text) for f in forms)]


@dataclass
class _Entity:
    draft: ActorDraft
    forms: list[str]


def drafts_from_labels(labels: dict[str, Label], candidates: list[Candidate]) -> list[ActorDraft]:
    """Actor drafts for the names the model labelled as actors, with the office and country written near them."""
    known = {c.name: c for c in candidates}
    drafts = []
    for name, label in labels.items():
        if label in (Label.place, Label.not_actor):
            continue
        cand = known.get(name, Candidate(name))
        kind = ActorKind(label.value)
        country = cand.country
        if country is None and kind in (ActorKind.state, ActorKind.government, ActorKind.military):
            country = country_code(name)
        drafts.append(ActorDraft(name=name, kind=kind, title=cand.title if kind == ActorKind.person else None, country=country))
    return drafts


def _person_key(draft: ActorDraft) -> str | None:
    return surname(draft.name) if draft.kind.value == "person" else None


def merge_actors(drafts: list[ActorDraft], article: Article) -> tuple[list[_Entity], list[int]]:
    """One entity per actor: 'Sergei Lavrov' and 'Lavrov' merge. Returns entities and, per draft, its entity."""
    entities: list[_Entity] = []
    owner: list[int] = []
    for draft in drafts:
        match = None
        for k, ent in enumerate(entities):
            names = {ent.draft.name.casefold(), *(f.casefold() for f in ent.forms)}
            key_a, key_b = _person_key(ent.draft), _person_key(draft)
            same_person = draft.kind == ent.draft.kind and (
                draft.name.casefold() in names
                or (key_a is not None and draft.name == key_a)
                or (key_b is not None and ent.draft.name == key_b)
            )
            same_state = (
                draft.kind == ent.draft.kind == ActorKind.state
                and draft.country is not None
                and draft.country == ent.draft.country
            )
            if draft.name.casefold() in names or same_person or same_state:
                match = k
                break
        if match is None:
            entities.append(_Entity(draft, [draft.name]))
            owner.append(len(entities) - 1)
            continue
        ent = entities[match]
        if len(draft.name) > len(ent.draft.name):  # keep the fullest form as the canonical name
            ent.forms.append(ent.draft.name)
            ent.draft = draft.model_copy(update={"title": draft.title or ent.draft.title})
        else:
            ent.forms.append(draft.name)
            if not ent.draft.title and draft.title:
                ent.draft.title = draft.title
        owner.append(match)
    for ent in entities:
        extra = [surname(ent.draft.name) if ent.draft.kind.value == "person" else None, acronym(ent.draft.name, article.text)]
        ent.forms = _dedupe([ent.draft.name, *ent.forms, *[x for x in extra if x and occurs(x, article.text)]])
    return entities, owner


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def build_actors(entities: list[_Entity], article: Article, warnings: list[str]) -> list[Actor]:
    actors = []
    for i, ent in enumerate(entities, 1):
        d = ent.draft
        code = country_code(d.country)
        if d.country and code is None:
            warnings.append(f"actor {d.name!r}: unknown country {d.country!r} left empty")
        evidence = sentence_evidence(article, mention_sentences(article, ent.forms))
        actors.append(
            Actor(
                id=f"a{i}", name=d.name, aliases=[f for f in ent.forms if f != d.name], kind=d.kind,
                title=d.title or None, country=code, evidence=evidence,
            )
        )
    return actors


def build_meetings(drafts: MeetingsPass, ids: dict[str, str], article: Article) -> list[Meeting]:
    merged: list[Meeting] = []
    for m in drafts.meetings:
        participants = _dedupe([ids[n] for n in m.who])
        host = ids[m.host] if m.host else None
        if host and host not in participants:
            participants.append(host)
        future = m.status == MeetingStatus.planned
        meeting = Meeting(
            id=f"m{len(merged) + 1}", participants=participants, host=host,
            visitors=[p for p in participants if host and p != host],
            location=m.where or None, country=country_code(m.where) if m.where else None,
            date_text=m.when or None, date=resolve_date(m.when, article.published, future=future),
            status=m.status, mode=m.mode, topics=_dedupe(m.topics), evidence=sentence_evidence(article, m.sents),
        )
        twin = next((x for x in merged if _same_meeting(x, meeting)), None)
        if twin is None:
            merged.append(meeting)
        else:
            _absorb_meeting(twin, meeting)
    return merged


def _same_meeting(a: Meeting, b: Meeting) -> bool:
    if a.status != b.status or set(a.participants) != set(b.participants):
        return False
    return not (a.location and b.location and a.location.casefold() != b.location.casefold())


def _absorb_meeting(into: Meeting, other: Meeting) -> None:
    into.topics = _dedupe([*into.topics, *other.topics])
    into.location = into.location or other.location
    into.date_text = into.date_text or other.date_text
    into.date = into.date or other.date
    into.host = into.host or other.host
    into.evidence = _merge_evidence(into.evidence, other.evidence)


def _merge_evidence(a: list[Evidence], b: list[Evidence]) -> list[Evidence]:
    seen = {e.quote for e in a}
    return (a + [e for e in b if e.quote not in seen])[:MAX_EVIDENCE]


def build_conflicts(drafts: ConflictsPass, ids: dict[str, str], article: Article) -> list[Conflict]:
    merged: list[Conflict] = []
    for c in drafts.conflicts:
        events: list[ConflictEvent] = []
        for event in (
            ConflictEvent(
                type=e.type, date_text=e.when or None, date=resolve_date(e.when, article.published),
                location=e.where or None, killed=e.killed, injured=e.injured,
                evidence=sentence_evidence(article, e.sents),
            )
            for e in c.events
            if sentence_evidence(article, e.sents)
        ):
            if not any(_same_event(event, x) for x in events):
                events.append(event)
        conflict = Conflict(
            id=f"c{len(merged) + 1}", name=c.name, locations=_dedupe(c.where),
            parties=_dedupe([ids[n] for n in c.sides]), status=c.status, events=events,
            evidence=sentence_evidence(article, c.sents),
        )
        twin = next((x for x in merged if _same_conflict(x, conflict)), None)
        if twin is None:
            merged.append(conflict)
        else:
            twin.locations = _dedupe([*twin.locations, *conflict.locations])
            twin.parties = _dedupe([*twin.parties, *conflict.parties])
            twin.events += [e for e in conflict.events if not any(_same_event(e, x) for x in twin.events)]
            twin.evidence = _merge_evidence(twin.evidence, conflict.evidence)
    return merged


def _same_event(a: ConflictEvent, b: ConflictEvent) -> bool:
    return (a.type, a.location, a.date_text) == (b.type, b.location, b.date_text) and a.evidence[0].quote == b.evidence[0].quote


def _same_conflict(a: Conflict, b: Conflict) -> bool:
    if a.name.casefold() == b.name.casefold():
        return True
    la, lb = {x.casefold() for x in a.locations}, {x.casefold() for x in b.locations}
    return bool(la and la == lb)


def build_summary_text(article: Article, numbers: list[int]) -> str:
    chosen = sentence_evidence(article, numbers, limit=4)
    if article.title:
        chosen = [e for e in chosen if e.quote != article.title]
    if len(chosen) < 2:  # the model chose too few: fall back to the lead
        lead = [s.number for s in article.sentences if s.text != article.title and len(s.text.split()) > 5]
        chosen = sentence_evidence(article, [*[e.sentence for e in chosen], *lead[:3]], limit=3)
    return " ".join(e.quote for e in chosen)


# --- running the passes ---------------------------------------------------------------------------------------


class Summarizer:
    """Summarize articles with one configured LLM. Use as a context manager to keep a local server warm."""

    def __init__(self, settings: Settings | None = None, *, progress: Progress | None = None, **overrides):
        self.settings = settings or resolve(**overrides)
        self.template = load(self.settings.template, self.settings.templates_dir)
        self.progress = progress or (lambda stage: None)
        self._stack = contextlib.ExitStack()
        self._llm: LLM | None = None

    # lifecycle
    def open(self) -> Summarizer:
        if self._llm is None:
            base_url = self.settings.base_url
            if self.settings.local:
                from .local import ensure_server

                self.progress("starting the local model")
                base_url = self._stack.enter_context(ensure_server(self.settings))
            self._llm = LLM(self.settings, base_url=base_url)
        return self

    def close(self) -> None:
        self._llm = None
        self._stack.close()

    def __enter__(self) -> Summarizer:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    # API
    def summarize(self, text: str | Article, **meta) -> ArticleSummary:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.asummarize(text, **meta))
        raise RuntimeError("summarize() cannot run inside an event loop: await asummarize() instead")

    async def asummarize(self, text: str | Article, **meta) -> ArticleSummary:
        article = as_article(text, max_chars=self.settings.max_chars, **meta)
        self.open()
        started = time.perf_counter()
        run = _Run(article=article, template=self.template)
        summary = await self._passes(run)
        summary.provenance.seconds = round(time.perf_counter() - started, 2)
        return summary

    async def _call(self, run: _Run, name: str, request: str, context: dict, schema: dict | None = None) -> CallResult:
        model = PASS_MODELS[name]
        run.messages.append({"role": "user", "content": request})
        self.progress(f"pass {name}")
        try:
            result = await self._llm.astructured(model, run.messages, context, schema)
        except InvalidOutput as err:
            result = _salvage(err, model, context, name)
        run.usage = run.usage.add(result.usage)
        run.messages.append({"role": "assistant", "content": result.raw})
        return result

    async def _passes(self, run: _Run) -> ArticleSummary:
        t, a = run.template, run.article
        shared = dict(title=a.title, published=a.published.isoformat() if a.published else None)
        run.messages = [{"role": "system", "content": t.render("system", **shared)}]
        candidates = name_candidates(a.sentences, a.text)
        names = [c.name for c in candidates]
        first = t.render("article", numbered=a.numbered(), **shared) + "\n\n" + t.render("passes.actors", names=names, **shared)
        forced = ActorsPass.forced_schema(names, with_headline=not a.title) if self.settings.response_format == "json_object" else None
        ctx: dict = {"article": a, "warnings": run.warnings}
        actors_pass: ActorsPass = (await self._call(run, "actors", first, ctx, forced)).value
        entities, _ = merge_actors(drafts_from_labels(actors_pass.names, candidates), a)
        names = [e.draft.name for e in entities]
        ctx = {"article": a, "warnings": run.warnings, "actor_index": {e.draft.name: e.forms for e in entities}}
        local = self.settings.response_format == "json_object"
        request = t.render("passes.meetings", actors=names, **shared)
        meetings = (await self._call(run, "meetings", request, ctx, MeetingsPass.forced_schema(names) if local else None)).value
        request = t.render("passes.conflicts", actors=names, **shared)
        conflicts = (await self._call(run, "conflicts", request, ctx, ConflictsPass.forced_schema(names) if local else None)).value
        actors = build_actors(entities, a, run.warnings)
        ids = {x.name: x.id for x in actors}
        return ArticleSummary(
            headline=a.title or (actors_pass.headline or "").strip() or a.sentences[0].text[:120],
            summary=build_summary_text(a, actors_pass.summary),
            actors=actors,
            meetings=build_meetings(meetings, ids, a),
            conflicts=build_conflicts(conflicts, ids, a),
            provenance=Provenance(
                model=self.settings.model, template=t.name, template_version=t.version, article_id=a.id,
                source=a.source, title=a.title, published=a.published, usage=run.usage, warnings=run.warnings,
            ),
        )


def _salvage(err: InvalidOutput, model, context: dict, name: str) -> CallResult:
    """After the allowed re-asks: keep what validates, drop (and list) the rest; fail only if nothing parses."""
    lenient = {**context, "lenient": True}
    try:
        value = model.model_validate_json(err.raw, context=lenient)
    except ValueError:
        if name == "actors":
            raise OutputInvalid(str(err)) from err
        context["warnings"].append(f"pass {name}: output invalid after re-asks, nothing kept ({err.errors[-1][:200]})")
        value = model.model_validate({name: []})
    return CallResult(value, err.usage, err.raw, err.errors)


def as_article(text: str | Article, *, max_chars: int = 60_000, title=None, published=None, id=None, source=None, url=None) -> Article:
    """An Article from text or an Article, with metadata; one-line InputError for empty or oversize text."""
    if isinstance(text, Article):
        article = text
    elif isinstance(text, str):
        article = Article(text=text, title=title_from_text(text))
    else:
        raise InputError(f"expected article text, got {type(text).__name__}")
    check_text(article.text, source=source or article.source or article.id or "article", max_chars=max_chars)
    article.title = title or article.title
    article.published = parse_date(published) or article.published
    article.id = id or article.id
    article.source = source or article.source
    article.url = url or article.url
    return article


def summarize(text: str | Article, *, title: str | None = None, published: str | dt.date | None = None, **settings) -> ArticleSummary:
    """Summarize one article with the configured LLM (the embedded local model by default)."""
    meta = {k: settings.pop(k) for k in ("id", "source", "url") if k in settings}
    with Summarizer(**settings) as summarizer:
        return summarizer.summarize(text, title=title, published=published, **meta)


async def asummarize(text: str | Article, *, title: str | None = None, published: str | dt.date | None = None, **settings) -> ArticleSummary:
    """The async variant of summarize()."""
    meta = {k: settings.pop(k) for k in ("id", "source", "url") if k in settings}
    with Summarizer(**settings) as summarizer:
        return await summarizer.asummarize(text, title=title, published=published, **meta)
