"""Armed forces that the article names by their country: "the Pakistan military", "Somali security forces".

Their head noun is written in lower case, so the name finder, which reads capitalized spans, never offers them to
the model. They are added after the model's passes, so its requests do not change. By the guideline
(eval/GUIDELINE.md, "Armed forces"), a force named as an institution ("the U.S. military") is a ``military`` actor
of its own; a force named by the nationality of its members ("Djiboutian soldiers") is one only when its state is
not otherwise an actor in the article, and is otherwise folded into that state. Like every actor, a force named
only in passing ("U.S. military aid") is dropped afterwards (normalize/roles.py)."""

from __future__ import annotations

import re

from ..article import Article
from ..grounding import country_code
from ..rules import alternatives, load
from ..schema import Actor, ActorKind
from .actors import country_of_name
from .common import mention_sentences, sentence_evidence

_RULES = load("summarizer.normalize", "actors.yaml")
_INSTITUTIONS = frozenset(_RULES["force_institutions"])
# One to three capitalized words ("Kenyan", "United States", "U.S."), then the force's noun in lower case.
_FORCE = re.compile(
    r"(?<![\w'’.-])((?:[A-Z][\w.'’-]*\s+){0,2}[A-Z][\w.'’-]*)\s+"
    rf"({alternatives([*_RULES['force_institutions'], *_RULES['force_members']])})\b")
_STATEISH = frozenset({ActorKind.state, ActorKind.government, ActorKind.military})


def _country(owner: str) -> tuple[str, str] | None:
    """The longest ending of ``owner`` that is a country's name or demonym, with its alpha-3 code."""
    words = owner.split()
    for k in range(len(words)):
        tail = " ".join(words[k:])
        code = country_code(tail, fuzzy=False)
        if code:
            return tail, code
    return None


def _countries_of(actor: Actor) -> set[str]:
    """The countries an actor is or stands for: its own code and the one its name gives ("Washington" -> USA)."""
    return {c for c in (actor.country, country_of_name(actor.name)) if c}


def forces(actors: list[Actor], article: Article) -> list[Actor]:
    """The actors for the forces the article names by their country and that ``actors`` lack, numbered after
    them: institutions first-come, then members' nationalities whose state none of the actors (nor a force just
    added) stands for."""
    known = {form.casefold() for a in actors for form in (a.name, *a.aliases)}
    found: list[tuple[str, str, bool]] = []  # (name, code, institution) in order of first mention
    for m in _FORCE.finditer(article.text):
        owner = _country(m.group(1))
        if owner is None:
            continue
        name = f"{owner[0]} {m.group(2)}"
        if name.casefold() not in known and all(name != f[0] for f in found):
            found.append((name, owner[1], m.group(2) in _INSTITUTIONS))
    added: list[Actor] = []
    for institution in (True, False):
        for name, code, _ in (f for f in found if f[2] is institution):
            standing = [a for a in [*actors, *added] if a.kind in _STATEISH and code in _countries_of(a)]
            if any(a.kind == ActorKind.military for a in standing) or (not institution and standing):
                continue  # the country's force is already an actor, or its members fold into the state
            evidence = sentence_evidence(article, mention_sentences(article, [name]))
            if evidence:
                added.append(Actor(id=f"a{len(actors) + len(added) + 1}", name=name, kind=ActorKind.military,
                                   country=code, evidence=evidence))
    return added
