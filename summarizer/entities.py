"""Actors linked across articles: the one rule that says two articles' actors are the same entity.

Both the HTML report's actor index (``report.py``) and the analysts' export (``export.py``) use it, so an actor
merged in one is merged in the other. The rule, in order:

1. states by ISO code (their country, or the code their name stands for: "Egypt" and "EGY");
2. a shared normalized name or alias (accents, case, dots, a leading "the" and punctuation ignored), persons
   only with persons and the others only with the others;
3. a person known only by one word ("Lavrov") joins the one cluster whose full name ends with it, when exactly
   one does.

A join is refused when it would put a person with a non-person, two different countries, or two different full
names ("Jean Dupont" and "Marc Dupont") in one cluster. The result depends on the order of the actors (the first
actor with a name anchors it): give them in the order of the articles.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .names import norm_name, surname
from .schema import Actor, ActorKind


class ActorLike(Protocol):
    """What the merging rule reads of an actor: a schema Actor, or an actor row of the export's store."""

    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> list[str]: ...
    @property
    def kind(self) -> ActorKind: ...
    @property
    def country(self) -> str | None: ...


class Document(Protocol):
    """What merging needs of a document: its position, its article text and its page keys (report.Doc)."""

    index: int
    article: Any  # has .text
    summary: Any  # an ArticleSummary

    def item_key(self, item_id: str) -> str: ...


def actor_forms(actor: ActorLike) -> set[str]:
    """Normalized name and aliases."""
    return {f for f in (norm_name(x) for x in (actor.name, *actor.aliases)) if f}


def state_code(actor: ActorLike) -> str | None:
    """The ISO code of a state actor (the schema's country: the index reads no pipeline rule)."""
    if actor.kind.value != "state":
        return None
    return actor.country


def same_person(names: set[str], others: set[str]) -> bool:
    """Do two sets of full names share one, or one that ends the other ('president vladimir putin')?"""
    return any(a == b or a.endswith(" " + b) or b.endswith(" " + a) for a in names for b in others)


class _Clusters:
    """Union-find over actors that refuses to join clusters of different countries or families."""

    def __init__(self, actors: Sequence[ActorLike]):
        self.parent = list(range(len(actors)))
        self.countries = [{a.country} if a.country else set() for a in actors]
        self.person = [a.kind.value == "person" for a in actors]
        self.fulls = [{f for f in actor_forms(a) if len(f.split()) > 1} if a.kind.value == "person" else set()
                      for a in actors]

    def find(self, i: int) -> int:
        """The root of i's cluster (with path halving)."""
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        """Join the clusters of i and j unless they are of different families, countries or full names."""
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        if self.person[a] != self.person[b]:
            return False
        if self.countries[a] and self.countries[b] and self.countries[a] != self.countries[b]:
            return False
        if self.fulls[a] and self.fulls[b] and not same_person(self.fulls[a], self.fulls[b]):
            return False
        self.parent[b] = a
        self.countries[a] |= self.countries[b]
        self.fulls[a] |= self.fulls[b]
        return True


def cluster_actors(actors: Sequence[ActorLike]) -> list[list[int]]:
    """The merging rule: groups of indices into ``actors`` that are one entity. States by ISO code, then shared
    names or aliases, then a lone surname with the one full name it ends (persons only, when unambiguous).
    Groups come in the order of their first actor, each in the actors' order."""
    uf = _Clusters(actors)
    by_code: dict[str, int] = {}
    by_form: dict[tuple[bool, str], int] = {}
    for i, a in enumerate(actors):
        code = state_code(a)
        if code:
            uf.union(by_code.setdefault(code, i), i)
        for form in actor_forms(a):
            uf.union(by_form.setdefault((a.kind.value == "person", form), i), i)
    _merge_surnames(actors, uf)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(actors)):
        groups[uf.find(i)].append(i)
    return list(groups.values())


def _merge_surnames(actors: Sequence[ActorLike], uf: _Clusters) -> None:
    """Join a person known only by one word ('Lavrov') to the single cluster whose full name ends with it."""
    ending: dict[str, set[int]] = defaultdict(set)
    for i, a in enumerate(actors):
        if a.kind.value == "person":
            for form in (a.name, *a.aliases):
                last = surname(form)
                if last:
                    ending[norm_name(last)].add(uf.find(i))
    for i, a in enumerate(actors):
        if a.kind.value != "person" or any(len(f.split()) > 1 for f in actor_forms(a)):
            continue
        for form in actor_forms(a):
            owners = {uf.find(o) for o in ending.get(form, ())} - {uf.find(i)}
            if len(owners) == 1:
                uf.union(owners.pop(), i)


def entity_kind(actors: Sequence[ActorLike]) -> str:
    """The kind most members of a cluster have."""
    return Counter(a.kind.value for a in actors).most_common(1)[0][0]


def entity_name(actors: Sequence[ActorLike]) -> str:
    """A cluster's name: the fullest name for a person, else the name the articles use most."""
    names = Counter(a.name for a in actors)
    if entity_kind(actors) == "person":
        return max(names, key=lambda n: (len(n.split()), names[n], len(n)))
    return max(names, key=lambda n: (names[n], len(n)))


def entity_country(actors: Sequence[ActorLike]) -> str | None:
    """The one country code a cluster's members give, if they agree."""
    codes = {a.country for a in actors if a.country}
    return codes.pop() if len(codes) == 1 else None


def entity_forms(actors: Sequence[ActorLike]) -> list[str]:
    """Every other surface form of a cluster: names and aliases, in first-seen order, without its name."""
    seen = dict.fromkeys(f for a in actors for f in (a.name, *a.aliases))
    seen.pop(entity_name(actors), None)
    return list(seen)


def count_mentions(text: str, actor: Actor) -> int:
    """How often the article writes the actor's name or an alias (whole words, longest form first); at least 1."""
    forms = sorted({f for f in (actor.name, *actor.aliases) if f.strip()}, key=len, reverse=True)
    if not forms:
        return 1
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)")
    return max(1, len(pattern.findall(text)))


@dataclass
class MergedActor:
    """One actor across articles: every (document, actor) that names it, merged by name, alias, surname or code."""

    key: str
    members: list[tuple[Document, Actor]]
    mentions: int = 0

    @property
    def actors(self) -> list[Actor]:
        """The per-article actors merged here."""
        return [a for _, a in self.members]

    @property
    def name(self) -> str:
        """The fullest name for a person, else the name the articles use most."""
        return entity_name(self.actors)

    @property
    def kind(self) -> str:
        """The kind most members have."""
        return entity_kind(self.actors)

    @property
    def country(self) -> str | None:
        """The one country code the members give, if they agree."""
        return entity_country(self.actors)

    @property
    def forms(self) -> list[str]:
        """Every other surface form: names and aliases, in first-seen order."""
        return entity_forms(self.actors)

    @property
    def docs(self) -> list[Document]:
        """The documents naming this actor, each once."""
        return list({d.index: d for d, _ in self.members}.values())

    @property
    def member_keys(self) -> list[str]:
        """Page keys of every per-article actor merged here."""
        return [d.item_key(a.id) for d, a in self.members]


def merge_actors(docs: Sequence[Document]) -> list[MergedActor]:
    """Actors across documents, merged by :func:`cluster_actors`, with their mentions; sorted by articles, then
    mentions, then name, and keyed x1, x2, ... in that order."""
    entries = [(d, a) for d in docs for a in d.summary.actors]
    groups = cluster_actors([a for _, a in entries])
    merged = [MergedActor("", [entries[i] for i in idx]) for idx in groups]
    for m in merged:
        m.mentions = sum(count_mentions(d.article.text, a) for d, a in m.members)
    merged.sort(key=lambda m: (-len(m.docs), -m.mentions, m.name.casefold()))
    for n, m in enumerate(merged, 1):
        m.key = f"x{n}"
    return merged
