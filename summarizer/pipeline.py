"""Article -> prompt -> LLM -> drafts -> grounding and normalization -> ArticleSummary.

The conversation for one article is ordered for llama.cpp's prefix cache: the fixed system text, then the
numbered article with the first request, then each later request appended after the model's previous answer,
so every pass re-reads nothing it has already read.

The CPU-bound steps between the calls (name finding, grounding, normalization) are plain functions of picklable
values (:func:`_find_names`, :func:`_actors_for_events`, :func:`_assemble`, :func:`_from_single`): a Summarizer given
an ``executor`` (a process pool: the batch job's) runs them there, so that its event loop only waits on I/O;
without one they run inline.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pydantic_core

from . import injection
from .article import Article, check_text, parse_date, title_from_text
from .config import Settings, resolve
from .errors import InputError, LLMError, OutputInvalid, SummarizerError
from .extraction import (
    PASS_MODELS,
    ActorDraft,
    ActorsPass,
    ConflictsPass,
    EventsPass,
    SingleCall,
    json_schema,
    validating,
)
from .grounding import capital_of, is_city, is_country, locative_only, name_candidates, ner
from .llm import LLM, CallResult, InvalidOutput
from .normalize import (
    MEETING_CUE,
    VIOLENCE_CUE,
    Context,
    build_actors,
    build_conflicts,
    build_meetings,
    build_summary_text,
    cue_sentences,
    dedupe,
    enrich,
    forces,
    from_single_call,
    guess_kind,
    merge_actors,
    sentence_participants,
    violent,
    with_a_part,
)
from .prompts import Template, load
from .schema import ActorKind, ArticleSummary, Provenance, Usage
from .version import PIPELINE_VERSION

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class _Run:
    """The state of one article's extraction."""

    article: Article
    template: Template
    messages: list[dict] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    warnings: list[str] = field(default_factory=list)


# --- running the passes ---------------------------------------------------------------------------------------


@dataclass
class _Part:
    """What the passes found in one part of an article (the whole article unless it is long)."""

    candidates: list
    drafts: list[ActorDraft]
    first: ActorsPass
    events: EventsPass
    places: list[str]
    actors: list  # built from ``drafts`` before the events pass adopted any name
    actor_warnings: list[str]
    adopted: bool
    parse: bytes | None  # the recognizer's parse of the whole article (grounding.ner.export), for another process


def _local_crash(settings: Settings) -> SummarizerError | None:
    """When the embedded server this process started has died, its crash, which a failed request only shows as
    "cannot reach the server"."""
    if not settings.local:
        return None
    from .local import crashed_server_error

    return crashed_server_error()


#: At most this many meeting sentences are offered per part (past it, those naming the most actors): each costs
#: the model a few output tokens even when it tells no meeting.
MEETING_SENTENCES = 16
#: At most this many violence sentences are offered per part (a second war told late in the article is kept).
VIOLENCE_SENTENCES = 16


# --- the CPU-bound steps (module functions of picklable values: they may run in another process) ----------------


@dataclass
class _Names:
    """The names of some sentences and what is settled about them without asking the model."""

    candidates: list
    people: list[str]  # written with an office
    cities: list[str]  # big cities: places
    regions: list[str]  # regions, continents, seas (the recognizer's LOC at every mention): places
    settled_places: list[str]  # countries and capitals where every mention is a location
    states: list[str]  # countries and capitals otherwise
    names: list[str]  # the rest, for the model to label
    capitals: list[str]
    parse: bytes | None  # the recognizer's parse of the article for the last step, when that may run elsewhere


def _find_names(sentences: list, article: Article, handover: bool = False) -> _Names:
    """Candidate names of ``sentences``, and those settled without asking (each label costs ~9 output tokens): big
    cities and regions (the recognizer's LOC at every mention) are places, names written with an office are people,
    countries and capitals are places where every mention is a location and states otherwise. With ``handover``
    (the steps run in worker processes), also the recognizer's parse of the article as bytes, so that the last
    step, maybe in another worker, adopts it."""
    candidates = name_candidates(sentences, article.text)
    people = [c.name for c in candidates if c.title is not None]
    cities = [c.name for c in candidates if c.title is None and is_city(c.name)]
    geo = [c.name for c in candidates if c.title is None and (is_country(c.name) or capital_of(c.name))]
    settled_places = [n for n in geo if locative_only(n, article.text)]
    states = [n for n in geo if n not in settled_places]
    regions = [c.name for c in candidates if c.title is None and c.name not in {*cities, *geo}
               and ner.only_a_region(article.text, c.name)]
    names = [c.name for c in candidates if c.name not in {*cities, *people, *geo, *regions}]
    capitals = [c.name for c in candidates if capital_of(c.name)]
    parse = ner.export(article.text) if handover else None  # a later step in another process need not parse again
    return _Names(candidates, people, cities, regions, settled_places, states, names, capitals, parse)


def _actors_for_events(drafts: list[ActorDraft], candidates: list, article: Article,
                       sentences: list) -> tuple[list, list[str], dict[int, list[str]], list[int]]:
    """The actors as the events pass sees them (with their warnings, given once with the final list), the
    sentences with a meeting cue (number -> the actors who may take part in what it tells) and the numbers of
    those with a violence cue."""
    actor_warnings: list[str] = []
    actors = build_actors(merge_actors(enrich(drafts, candidates, article), article), article, actor_warnings)
    # Every sentence with a meeting word and an actor is offered: the model judges whether it tells a meeting (one
    # whose other side is named collectively, by a pronoun or in the sentence before is still one).
    meeting_sents = cue_sentences(article, MEETING_CUE, actors, min_actors=1, limit=MEETING_SENTENCES,
                                  sentences=sentences)
    violence_sents = cue_sentences(article, VIOLENCE_CUE, limit=VIOLENCE_SENTENCES, sentences=sentences)
    return actors, actor_warnings, sentence_participants(article, actors, meeting_sents), violence_sents


def _assemble(article: Article, parts: list[_Part], first_summary, warnings: list[str]) -> tuple:
    """The final actors (merged across parts, unless one part's stand), summary text, meetings and conflicts;
    ``warnings`` with what they added."""
    ner.adopt(article.text, parts[0].parse)  # parsed once, in the step that found the names (maybe elsewhere)
    if len(parts) == 1 and not parts[0].adopted:  # the actors the events pass saw are the final ones
        actors = parts[0].actors
        warnings.extend(parts[0].actor_warnings)
    else:
        candidates = list({c.name: c for p in parts for c in p.candidates}.values())
        drafts = [d for p in parts for d in p.drafts]
        actors = build_actors(merge_actors(enrich(drafts, candidates, article), article), article, warnings)
    events = EventsPass.model_construct(
        meetings={k: m for p in parts for k, m in p.events.meetings.items() if m is not None},
        conflicts=[c for p in parts for c in p.events.conflicts],
    )
    facts = Context(article=article, places=dedupe([x for p in parts for x in p.places]), actors=actors,
                    warnings=warnings)
    summary = build_summary_text(article, first_summary)
    meetings, conflicts = build_meetings(events, facts), build_conflicts(events, facts)
    actors = actors + forces(actors, article)  # after the passes: the model's requests stay as they were
    return with_a_part(actors, meetings, conflicts, article, warnings), summary, meetings, conflicts, warnings


def _from_single(out: SingleCall, article: Article, warnings: list[str]) -> tuple:
    """The single call's actors, meetings and conflicts; ``warnings`` with what they added."""
    return (*from_single_call(out, article, warnings), warnings)


class Summarizer:
    """Summarize articles with one configured LLM. Use as a context manager to keep a local server warm."""

    def __init__(self, settings: Settings | None = None, *, progress: Progress | None = None,
                 executor: concurrent.futures.Executor | None = None, **overrides):
        self.settings = settings or resolve(**overrides)
        self.template = load(self.settings.template, self.settings.templates_dir)
        self.progress = progress or (lambda stage: None)
        self.executor = executor  # where the CPU-bound steps run (None: inline)
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
        run.article, flags = injection.masked(article, run.warnings)  # instruction text: read as data only
        summary = await (self._single(run) if self.template.strategy == "single" else self._passes(run))
        summary = injection.scrub(summary, flags)
        summary.provenance.seconds = round(time.perf_counter() - started, 2)
        return summary

    async def _cpu(self, fn, *args):
        """``fn(*args)``, a CPU-bound step: in the executor when there is one, so the event loop is free meanwhile."""
        if self.executor is None:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def _call(self, run: _Run, name: str, request: str, context: dict, schema: dict | None = None) -> CallResult:
        """One request of the conversation. The answer's validators check it against ``context``; what they
        dropped (the accepted answer's only: a re-asked one leaves nothing) joins the run's warnings."""
        model = PASS_MODELS[name]
        run.messages.append({"role": "user", "content": request})
        self.progress(f"pass {name}")
        assert self._llm is not None  # asummarize() opened the summarizer
        try:
            with validating(context):
                result = await self._llm.astructured(model, run.messages, schema)
        except InvalidOutput as err:
            result = _salvage(err, model, context, name)
        except LLMError as err:
            crash = _local_crash(self.settings)
            if crash is None:
                raise
            raise crash from err
        run.warnings.extend(result.value.notes.warnings)
        run.usage = run.usage.add(result.usage)
        run.messages.append({"role": "assistant", "content": result.raw})
        return result

    async def _passes(self, run: _Run) -> ArticleSummary:
        """The two passes over the article, or over each overlapping part of a long one (its parts read in
        turn, their actors merged, the same meeting or conflict found in two parts merged)."""
        a = run.article
        chunks = a.chunks(self.settings.chunk_chars)
        if len(chunks) > 1:
            log.info("article %s: %d chars, read in %d overlapping parts", a.id or "", len(a.text), len(chunks))
        parts = [await self._part(run, sentences) for sentences in chunks]
        first = parts[0].first
        actors, summary, meetings, conflicts, warnings = await self._cpu(
            _assemble, a, parts, first.summary, run.warnings)
        run.warnings[:] = warnings
        return ArticleSummary(
            headline=a.title or (first.headline or "").strip() or a.sentences[0].text[:120],
            summary=summary, actors=actors, meetings=meetings, conflicts=conflicts, provenance=self._provenance(run),
        )

    async def _part(self, run: _Run, sentences: list) -> _Part:
        """Both passes over some sentences of the article (all of them unless it is long), in one conversation."""
        t, a = run.template, run.article
        local = self.settings.response_format == "json_object"
        shared = dict(title=a.title, published=a.published.isoformat() if a.published else None)
        run.messages = [{"role": "system", "content": t.render("system", **shared)}]
        found: _Names = await self._cpu(_find_names, sentences, a, self.executor is not None)
        candidates = found.candidates
        request = (t.render("article", numbered=a.numbered(sentences), **shared) + "\n\n"
                   + t.render("passes.actors", names=found.names, people=found.people, **shared))
        forced = (ActorsPass.forced_schema(found.names, with_headline=not a.title, sentences=len(a.sentences))
                  if local else None)
        first: ActorsPass = (await self._call(run, "actors", request, {"article": a}, forced)).value
        drafts = [ActorDraft(name=n, kind=ActorKind.person) for n in found.people]
        drafts += [ActorDraft(name=n, kind=ActorKind.state) for n in found.states] + first.drafts()
        order = {c.name: i for i, c in enumerate(candidates)}
        drafts.sort(key=lambda d: order.get(d.name, len(order)))
        actors, actor_warnings, who, violence_sents = await self._cpu(
            _actors_for_events, drafts, candidates, a, sentences)
        meeting_sents = list(who)
        ctx = {"article": a, "actor_index": {x.name: [x.name, *x.aliases] for x in actors},
               "meeting_sents": meeting_sents}
        request = t.render("passes.events", actors=[x.name for x in actors], meeting_sents=meeting_sents,
                           violence_sents=violence_sents, **shared)
        forced = EventsPass.forced_schema(who, violence_sents) if local else None
        events: EventsPass = (await self._call(run, "events", request, ctx, forced)).value
        adopted_forms = list(events.notes.adopted.values())
        # Violence sentences that none of its conflicts cites: a second war told in passing, an earlier round of
        # violence. A small model folds everything into one conflict; asked about these alone, it names theirs.
        uncited = [n for n in violence_sents if n not in events.notes.cited and violent(a.sentences[n - 1].text)]
        if uncited and t.has("passes.conflicts"):
            request = t.render("passes.conflicts", sents=uncited, listed=[c.name for c in events.conflicts],
                               **shared)
            forced = ConflictsPass.forced_schema(uncited) if local else None
            more: ConflictsPass = (await self._call(run, "conflicts", request, ctx, forced)).value
            events.conflicts = [*events.conflicts, *more.conflicts]
            adopted_forms += more.notes.adopted.values()
        # Names the events or conflicts pass used that the actors pass had not labelled as actors.
        adopted = [ActorDraft(name=form, kind=guess_kind(form)) for form in dict.fromkeys(adopted_forms)]
        places = [*first.places(), *found.cities, *found.regions, *found.settled_places, *found.capitals]
        return _Part(candidates=candidates, drafts=drafts + adopted, first=first, events=events, places=places,
                     actors=actors, actor_warnings=actor_warnings, adopted=bool(adopted), parse=found.parse)

    def _provenance(self, run: _Run) -> Provenance:
        t, a = run.template, run.article
        return Provenance(
            model=self.settings.model, template=t.name, template_version=t.version,
            pipeline_version=PIPELINE_VERSION, article_id=a.id, source=a.source,
            title=a.title, published=a.published, usage=run.usage, warnings=run.warnings,
        )

    async def _single(self, run: _Run) -> ArticleSummary:
        """The baseline: the whole summary in one call, quotes written by the model and aligned afterwards."""
        t, a = run.template, run.article
        shared = dict(title=a.title, published=a.published.isoformat() if a.published else None)
        schema = json_schema(SingleCall)
        run.messages = [{"role": "system", "content": t.render("system", schema=json.dumps(schema), **shared)}]
        request = (t.render("article", text=a.text, numbered=a.numbered(), **shared) + "\n\n"
                   + t.render("single", **shared))
        out: SingleCall = (await self._call(run, "single", request, {"article": a}, schema)).value
        actors, meetings, conflicts, warnings = await self._cpu(_from_single, out, a, run.warnings)
        run.warnings[:] = warnings
        return ArticleSummary(
            headline=out.headline or a.title or a.sentences[0].text[:120], summary=out.summary, actors=actors,
            meetings=meetings, conflicts=conflicts, provenance=self._provenance(run),
        )


def _salvage(err: InvalidOutput, model, context: dict, name: str) -> CallResult:
    """After the allowed re-asks: keep what validates, drop (and list) the rest (of an answer cut off, what it
    completed); fail only if nothing parses."""
    lenient = {**context, "lenient": True}
    raw = err.raw.strip()
    try:  # the first JSON object of the answer, ignoring anything the model wrote after it
        data = json.JSONDecoder().raw_decode(raw)[0] if raw else None
    except ValueError:
        # An answer cut off by the token limit (a small model can repeat a name until it runs out): its complete
        # items, as pydantic's partial JSON parser reads them (an unfinished trailing string is left out).
        try:
            data = pydantic_core.from_json(raw, allow_partial=True) if raw else None
        except ValueError:
            data = None
    try:
        if hasattr(model, "salvage"):
            value = model.salvage(data, lenient)
        else:
            value = model.model_validate(data, context=lenient)
    except ValueError:
        raise OutputInvalid(str(err)) from err
    return CallResult(value, err.usage, err.raw, err.errors)


def as_article(
    text: str | Article, *, max_chars: int = 60_000, title=None, published=None, id=None, source=None, url=None
) -> Article:
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


def summarize(
    text: str | Article, *, title: str | None = None, published: str | dt.date | None = None, **settings
) -> ArticleSummary:
    """Summarize one article with the configured LLM (the embedded local model by default)."""
    meta = {k: settings.pop(k) for k in ("id", "source", "url") if k in settings}
    with Summarizer(**settings) as summarizer:
        return summarizer.summarize(text, title=title, published=published, **meta)


async def asummarize(
    text: str | Article, *, title: str | None = None, published: str | dt.date | None = None, **settings
) -> ArticleSummary:
    """The async variant of summarize()."""
    meta = {k: settings.pop(k) for k in ("id", "source", "url") if k in settings}
    with Summarizer(**settings) as summarizer:
        return await summarizer.asummarize(text, title=title, published=published, **meta)
