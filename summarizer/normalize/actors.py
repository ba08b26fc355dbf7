"""Actors: the drafts the model labelled, corrected where the text contradicts their kind, merged into one actor
per entity (surnames, spelling variants, nicknames, acronyms, a country's names and capital), organs of a state
folded into it, and names the article does not present as actors dropped and listed. The vocabulary is
``actors.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..article import Article
from ..extraction import ActorDraft
from ..grounding import (
    AFFILIATION_ROLES,
    ORG_WORDS,
    Candidate,
    acronym,
    capital_of,
    country_code,
    is_city,
    is_country_name,
    is_subdivision,
    occurs,
    word_pattern,
)
from ..names import fold_accents, surname, without_honorific
from ..rules import alternatives, load
from ..schema import Actor, ActorKind
from .common import dedupe, mention_sentences, sentence_evidence, spots
from .conflicts import VIOLENCE_CUE

_RULES = load("summarizer.normalize", "actors.yaml")
_STATEISH = (ActorKind.state, ActorKind.government)


@dataclass
class Entity:
    """One actor being assembled: its canonical draft, every form it goes by, and the drafts merged into it."""

    draft: ActorDraft
    forms: list[str]
    drafts: list[ActorDraft]


def _context_of(name: str, article: Article | None) -> str:
    """The sentences that mention a name, joined."""
    if article is None:
        return ""
    return " ".join(s.text for s in article.sentences if occurs(name, s.text))


def enrich(drafts: list[ActorDraft], candidates: list[Candidate], article: Article | None = None) -> list[ActorDraft]:
    """Add the office and country written next to each name ("Russia's Foreign Minister Sergei Lavrov") and
    correct kinds the text contradicts: a country is a state, a titled name is a person; a country given any
    other kind was a place."""
    known = {c.name: c for c in candidates}
    out = []
    for d in drafts:
        cand = known.get(d.name, Candidate(d.name))
        is_country = is_country_name(d.name) or country_code(d.name, fuzzy=False) is not None and not capital_of(d.name)
        is_country = is_country and not is_subdivision(d.name)
        kind = d.kind
        if kind == ActorKind.state and is_subdivision(d.name):
            continue  # "California" labelled a state: a place (its government would be named so)
        if is_country and kind == ActorKind.government:
            kind = ActorKind.state
        elif is_country and kind not in (ActorKind.state, ActorKind.military):
            continue  # "Kazakhstan" labelled an international body: a location, not an actor
        elif kind in _STATEISH and not is_country and cand.title:
            kind = ActorKind.person  # "President Vladimir Putin" labelled a state
        elif kind == ActorKind.state and not is_country and not capital_of(d.name):
            kind = ActorKind.armed_group if VIOLENCE_CUE.search(_context_of(d.name, article)) else ActorKind.government
        if kind != ActorKind.person and not is_country and capital_of(d.name):
            kind = ActorKind.state  # "Washington" labelled an international body: the capital stands for its state
        elif not_an_actor(d.name) or (kind != ActorKind.person and is_city(d.name)):
            continue
        country = cand.country
        if kind in (ActorKind.state, ActorKind.government, ActorKind.military):
            country = country_code(d.name) or country
        title = cand.title if kind == ActorKind.person else None
        out.append(d.model_copy(update={"kind": kind, "title": title, "country": country}))
    return out


_GENERIC_ALONE = frozenset(_RULES["generic_words"]) - frozenset(_RULES["generic_but_actor"])
_ADJECTIVE = re.compile(rf"[A-Z][a-z]+(?:{alternatives(_RULES['adjective_endings'])})")
# Names of events and documents, not of actors: "Hanoi Summit", "State of the Union", "Minsk Agreement".
_EVENT_NAME = re.compile(
    rf".*\b(?:{alternatives(_RULES['event_name_words'])})|{alternatives(_RULES['event_names'])}")


def not_an_actor(name: str) -> bool:
    """Words the model may label that cannot be an actor on their own: a lone generic or adjective
    ("Cabinet", "International", "Islamist", "African"), the name of an event or a document ("Hanoi Summit").
    "Congress" or "Parliament" alone are kept."""
    return (name.lower() in _GENERIC_ALONE or _ADJECTIVE.fullmatch(name) is not None
            or _EVENT_NAME.fullmatch(name) is not None)


def guess_kind(name: str) -> ActorKind:
    """A kind for a name no pass labelled: a country is a state, an organization word makes an organization,
    two or three capitalized words make a person, anything else an armed group or other body."""
    if is_country_name(name) or country_code(name, fuzzy=False):
        return ActorKind.state
    words = name.split()
    if any(w.lower().rstrip("s") in ORG_WORDS for w in words):
        return ActorKind.organization
    if 2 <= len(words) <= 3 and all(w[0].isupper() for w in words):
        return ActorKind.person
    return ActorKind.armed_group


def country_of_name(name: str) -> str | None:
    """The country a name is or stands for ("U.S." -> USA, "Pyongyang" -> PRK), without fuzzy guessing."""
    return country_code(name, fuzzy=False) or country_code(name.replace(".", ""), fuzzy=False) or capital_of(name)


def initials(name: str) -> str:
    """The capitals' initials of a name, small words skipped: "Democratic People's Republic of Korea" -> DPRK."""
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w[:1].isupper())


def _letters(name: str) -> str:
    return re.sub(r"[^A-Za-z]", "", name)


_COUNTS: dict[int, str] = _RULES["group_counts"]


def same_actor(a: ActorDraft, b: ActorDraft) -> bool:
    """Do two drafts name one actor? The same name; a person and their surname or leading name ("Lavrov",
    "Kim" for "Kim Jong Un"); two states of one country code ("U.S.", "United States", "Washington"); an
    acronym and the name it abbreviates ("NISA", "HNP", "U.N.")."""
    if a.name.casefold() == b.name.casefold():
        return True
    if a.kind == b.kind == ActorKind.person:
        # "Mr Zinni" is "Zinni": a courtesy title before a surname (or, as "Sir Allan", a first name) names no one else
        short, full = sorted((without_honorific(a.name), without_honorific(b.name)), key=lambda n: len(n.split()))
        if short.casefold() == full.casefold():
            return True
        words = full.split()
        if len(short.split()) == 1 and len(words) > 1:
            last = _core(surname(full) or words[-1])
            if short in (words[0], words[-1], surname(full)) or _core(short) == last:
                return True  # "Lavrov", "Kim", "Assad" for "Bashar al-Assad"
            if len(short) >= 5 and short[0] == last[0] and fuzz.ratio(short, last) >= 85:
                return True  # "Pederson" for "Geir Pedersen": a spelling variant the article also uses
        elif len(words) > 1 and len(short.split()) > 1 and fold_accents(short) == fold_accents(full):
            return True  # "Jovenel Moise" and "Jovenel Moïse"
    if a.kind in _STATEISH and b.kind in _STATEISH:
        code = country_of_name(a.name)
        if code is not None and code == country_of_name(b.name):
            return True
    if a.kind != ActorKind.person and b.kind != ActorKind.person:
        short, full = sorted((a.name, b.name), key=len)
        group = re.fullmatch(r"G-?(\d{1,2})", short)
        if group and full.casefold() == f"group of {_COUNTS.get(int(group.group(1)), group.group(1))}":
            return True  # "G7" and "Group of Seven"
        letters = _letters(short)
        if 2 <= len(letters) <= 8 and letters.isupper() and len(full.split()) > 1 and initials(full) == letters:
            return True
    return False


def _core(name: str) -> str:
    """A surname without its Arabic article: "al-Assad" -> "Assad"."""
    return re.sub(r"^(?:al|el|ad|as|ash)[-\s]", "", name, flags=re.I)


def known_as(article: Article) -> list[tuple[str, str]]:
    """Pairs (name, nickname) the article states: "Mohamed, known by his nickname Farmajo", "also known as X",
    "commonly Known by his abbreviation MBS"."""
    pattern = re.compile(
        r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}),?\s+(?:also\s+|better\s+|popularly\s+|widely\s+|commonly\s+)?"
        r"[Kk]nown\s+(?:by\s+(?:his|her|its|the)\s+(?:nickname|name|abbreviation|initials|acronym)\s+|as\s+)"
        r"[\"“]?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})")
    return [(m.group(1), m.group(2)) for m in pattern.finditer(article.text)]


def merge_actors(drafts: list[ActorDraft], article: Article) -> list[Entity]:
    """One entity per actor (see same_actor), every surface form kept as an alias."""
    entities: list[Entity] = []
    nicknames = known_as(article)

    def called(name: str, written: str) -> bool:
        return occurs(written, name) or occurs(name, written)

    def nickname(a: ActorDraft, b: ActorDraft) -> bool:  # the article says so: whatever kinds the model gave
        return bool(nicknames) and any(
            (called(a.name, x) and y == b.name) or (called(b.name, x) and y == a.name) for x, y in nicknames)

    for draft in drafts:
        ent = next((e for e in entities if any(same_actor(draft, d) or nickname(draft, d) for d in e.drafts)), None)
        if ent is None:
            entities.append(Entity(draft, [draft.name], [draft]))
            continue
        ent.drafts.append(draft)
        if _better_name(draft, ent.draft):  # keep the country's name, else the fullest form, as canonical
            ent.forms.append(ent.draft.name)
            ent.draft = draft.model_copy(update={"title": draft.title or ent.draft.title})
        else:
            ent.forms.append(draft.name)
            if not ent.draft.title and draft.title:
                ent.draft.title = draft.title
    people = [e.draft.name.split() for e in entities if e.draft.kind == ActorKind.person]
    for ent in entities:
        short = [surname(ent.draft.name) if ent.draft.kind == ActorKind.person else None,
                 acronym(ent.draft.name, article.text)]
        if ent.draft.kind == ActorKind.person:
            short.append(_first_word_alone(ent.draft.name, article.text, people))
        ent.forms = dedupe([ent.draft.name, *ent.forms, *[x for x in short if x and occurs(x, article.text)]])
    return entities


def _first_word_alone(name: str, text: str, people: list[list[str]]) -> str | None:
    """The first word of a person's name when the article also writes it alone, as news copy does with a family
    name written first ("Kim" for "Kim Jong Un", "Xi" for "Xi Jinping"), and no other person of the article has
    that word in their name."""
    words = name.split()
    if len(words) < 2 or not words[0][:1].isupper() or sum(words[0] in other for other in people) > 1:
        return None
    alone = any(not _NAME_GOES_ON.match(text, m.end()) for m in word_pattern(words[0]).finditer(text))
    return words[0] if alone else None


_NAME_GOES_ON = re.compile(r"[\s-]+[A-Z]")  # "Kim Jong Un", "Robert Manning": the word is not alone there


def _better_name(new: ActorDraft, old: ActorDraft) -> bool:
    """Should ``new`` name the entity instead of ``old``: a country's name over another state form, else the longer."""
    if new.kind in _STATEISH and old.kind in _STATEISH and is_country_name(new.name) != is_country_name(old.name):
        return is_country_name(new.name)
    return len(new.name) > len(old.name)


_ROLE = rf"(?:{alternatives(AFFILIATION_ROLES)})s?"
_AFFILIATION_BEFORE = re.compile(
    rf"(?:\b{_ROLE}\b[^,.;()“”\"]{{0,50}}|\b(?:{alternatives(_RULES['affiliation_verbs'])})\b[^.;]{{0,60}})"
    rf"\b(?:{alternatives(_RULES['affiliation_prepositions'])})\s+(?:the\s+)?$", re.I)
_AFFILIATION_AFTER = re.compile(rf"^(?:['’]s)?\s+(?:[a-z]+\s+)?{_ROLE}\b|^['’]s\s+[A-Z][a-z]+\s+[A-Z]", re.I)
_MEDIA_BEFORE = re.compile(rf"\b(?:{alternatives(_RULES['media_before'])})\s+(?:the\s+)?$", re.I)
_MEDIA_AFTER = re.compile(rf"^(?:['’]s)?\s+(?:{alternatives(_RULES['media_after'])})\b", re.I)
_METONYMY_AFTER = re.compile(rf"^(?:['’]s\b|\s+(?:{alternatives(_RULES['metonymy_verbs_after'])})\b)")
_METONYMY_BEFORE = re.compile(rf"\b(?:{alternatives(_RULES['metonymy_before'])})\s+$")
# Seats of government written for the state they stand for ("the Kremlin said").
SEATS: dict[str, str] = _RULES["seats"]
_ORGAN = re.compile(rf"\b(?:{alternatives(_RULES['organ_words'])})\b")


def _mentions(ent: Entity, text: str) -> list[tuple[str, str]]:
    """(text before, text after) around every mention of an entity's forms."""
    return [(text[max(0, m.start() - 90): m.start()], text[m.end(): m.end() + 40]) for m in spots(ent.forms, text)]


def _why_not_actor(ent: Entity, text: str, codes: set[str]) -> str | None:
    """Why an entity is no actor of this article, or None: an organization named only as someone's affiliation
    ("a fellow at the Brookings Institution") or only as a medium ("told Reuters"); a capital used only as a
    place. (Guideline: eval/GUIDELINE.md.)"""
    kind, around = ent.draft.kind, _mentions(ent, text)
    if not around:
        return None
    if kind in (ActorKind.organization, ActorKind.international_body, ActorKind.government):
        if all(_AFFILIATION_BEFORE.search(b) or _AFFILIATION_AFTER.search(a) for b, a in around):
            return "affiliation"
        if all(_MEDIA_BEFORE.search(b) or _MEDIA_AFTER.search(a) for b, a in around):
            return "medium"
    if kind == ActorKind.state and all(capital_of(f) and not is_country_name(f) for f in ent.forms):
        code = capital_of(ent.draft.name)
        if code not in codes and not any(_METONYMY_AFTER.search(a) or _METONYMY_BEFORE.search(b) for b, a in around):
            return "place"
    return None


def _seat_country(ent: Entity) -> str | None:
    """The state a government body belongs to when it is one of its organs: a seat of government ("Kremlin"),
    or a ministry written with its country ("Russia's Foreign Ministry")."""
    seat = next((SEATS[f] for f in ent.forms if f in SEATS), None)
    if seat:
        return seat
    if ent.draft.kind != ActorKind.government:
        return None
    if ent.draft.country and _ORGAN.search(ent.draft.name):
        return country_code(ent.draft.country)
    return None


def prune(entities: list[Entity], article: Article, warnings: list[str]) -> list[Entity]:
    """Fold organs of a state into the state ("State Department" into the United States: one actor per
    entity) and drop what the article does not present as an actor, listed in the warnings."""
    states: dict[str, Entity] = {}
    for ent in entities:
        if ent.draft.kind == ActorKind.state:
            code = country_of_name(ent.draft.name) or country_code(ent.draft.name)
            if code:
                states.setdefault(code, ent)
    kept, dropped = [], []
    for ent in entities:
        home = states.get(_seat_country(ent) or "")
        if home is not None and home is not ent:
            home.forms = dedupe([*home.forms, *ent.forms])
            home.drafts += ent.drafts
            continue
        why = _why_not_actor(ent, article.text, set(states) - {capital_of(ent.draft.name)})
        if why:
            dropped.append(f"{ent.draft.name} ({why})")
            continue
        kept.append(ent)
    if dropped:
        warnings.append("named but not actors here: " + ", ".join(dropped))
    return kept


def build_actors(entities: list[Entity], article: Article, warnings: list[str]) -> list[Actor]:
    """The public actors: one per entity that pruning keeps and a sentence of the article names."""
    return [actor for _, actor in actors_of(entities, article, warnings)]


def actors_of(entities: list[Entity], article: Article, warnings: list[str]) -> list[tuple[Entity, Actor]]:
    """Each entity that pruning keeps and a sentence of the article names, with the actor built from it. Pruning
    folds some entities into others and drops some, so an entity's actor is found here, never by position."""
    pairs: list[tuple[Entity, Actor]] = []
    for ent in prune(entities, article, warnings):
        d = ent.draft
        code = country_code(d.country)
        if d.country and code is None:
            warnings.append(f"actor {d.name!r}: unknown country {d.country!r} left empty")
        evidence = sentence_evidence(article, mention_sentences(article, ent.forms))
        if not evidence:
            warnings.append(f"actor {d.name!r} dropped: no sentence of the article names it")
            continue
        actor = Actor(
            id=f"a{len(pairs) + 1}", name=d.name, aliases=[f for f in ent.forms if f != d.name], kind=d.kind,
            title=d.title or None, country=code, evidence=evidence,
        )
        pairs.append((ent, actor))
    return pairs

