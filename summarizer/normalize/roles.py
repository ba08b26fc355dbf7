"""Which actors have a part in the story (guideline: "every named entity that plays a role: it acts, speaks or
is quoted, meets, fights, is attacked ..."; people and bodies named only in passing are not actors).

An actor keeps its place when it takes part in a meeting or a conflict, or when at one of its mentions the
sentence's grammar, as spaCy's parser reads it (grounding/ner.py), gives it a part: a subject or an object, the
agent of a passive, the object of a preposition attached to a verb or to an event noun ("talks with", "the attack
on"), unless that preposition gives a place ("won in Namibia"), the owner of an event ("Russia's invasion"). One
named only inside a phrase about something else ("the war in Syria", "Obama's policy", "U.S. Air Force
officials") is dropped, with a warning, as is one named only in the dateline ("MARANCHON, SPAIN — "); so is a
people named by its identity ("Muslims", "South Koreans"), unless it takes part in an event or violence targets
it."""

from __future__ import annotations

from ..article import Article
from ..grounding.ner import a_people, plays_a_role
from ..schema import Actor, ActorKind, Conflict, Meeting
from .common import spots
from .conflicts import LOCATIVE_PREPOSITIONS, VIOLENCE_CUE
from .meetings import MEETING_CUE

#: Kinds under which a people is an actor: a community that violence targets ("Copts"), fighters ("Houthis").
_GROUPS = frozenset({ActorKind.civilians, ActorKind.armed_group, ActorKind.military})


def _event_word(word: str) -> bool:
    """A noun or verb that names a meeting or violence ("talks", "summit", "attack", "war")."""
    return bool(MEETING_CUE.fullmatch(word) or VIOLENCE_CUE.fullmatch(word))


def with_a_part(actors: list[Actor], meetings: list[Meeting], conflicts: list[Conflict], article: Article,
                warnings: list[str]) -> list[Actor]:
    """The actors that take part in an event or, by the grammar of one of their mentions, in a sentence; the
    others are listed in ``warnings``."""
    engaged = {i for m in meetings for i in m.participants} | {i for c in conflicts for i in c.parties}
    kept = []
    for actor in actors:
        if (actor.id not in engaged and actor.kind not in _GROUPS
                and all(a_people(article.text, form) for form in (actor.name, *actor.aliases))):
            warnings.append(f"actor {actor.name!r} dropped: a people named by its identity, not a named actor")
            continue
        if actor.id in engaged or any(m.start() >= article.dateline  # a dateline says where, not who
                                      and plays_a_role(article.text, m.start(), m.end(), _event_word,
                                                       LOCATIVE_PREPOSITIONS.__contains__)
                                      for m in spots((actor.name, *actor.aliases), article.text)):
            kept.append(actor)
        else:
            warnings.append(f"actor {actor.name!r} dropped: only mentioned in passing")
    return kept
