"""Actors merged across articles: one :class:`MergedActor` for every (document, actor) that names the same
actor, by ISO code, shared names or aliases, or a lone surname."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..grounding import country_code, fold_accents, surname
from ..schema import Actor
from .docs import Doc

def norm_name(name: str) -> str:
    """A name folded for comparison: accents, case, dots, a leading 'the' and punctuation dropped."""
    text = fold_accents(name).replace("’", "'").replace(".", "")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"[^\w]+", " ", text).strip()


@dataclass
class MergedActor:
    """One actor across articles: every (document, actor) that names it, merged by name, alias, surname or code."""

    key: str
    members: list[tuple[Doc, Actor]]
    mentions: int = 0

    @property
    def name(self) -> str:
        """The fullest name for a person, else the name the articles use most."""
        names = Counter(a.name for _, a in self.members)
        if self.kind == "person":
            return max(names, key=lambda n: (len(n.split()), names[n], len(n)))
        return max(names, key=lambda n: (names[n], len(n)))

    @property
    def kind(self) -> str:
        """The kind most members have."""
        return Counter(a.kind.value for _, a in self.members).most_common(1)[0][0]

    @property
    def country(self) -> str | None:
        """The one country code the members give, if they agree."""
        codes = {a.country for _, a in self.members if a.country}
        return codes.pop() if len(codes) == 1 else None

    @property
    def forms(self) -> list[str]:
        """Every other surface form: names and aliases, in first-seen order."""
        seen = dict.fromkeys(f for _, a in self.members for f in (a.name, *a.aliases))
        seen.pop(self.name, None)
        return list(seen)

    @property
    def docs(self) -> list[Doc]:
        """The documents naming this actor, each once."""
        return list({d.index: d for d, _ in self.members}.values())

    @property
    def member_keys(self) -> list[str]:
        """Page keys of every per-article actor merged here."""
        return [d.item_key(a.id) for d, a in self.members]


class _Clusters:
    """Union-find over (doc index, actor id) that refuses to join clusters of different countries or families."""

    def __init__(self, entries: list[tuple[Doc, Actor]]):
        self.parent = list(range(len(entries)))
        self.countries = [{a.country} if a.country else set() for _, a in entries]
        self.person = [a.kind.value == "person" for _, a in entries]
        self.fulls = [{f for f in _forms(a) if len(f.split()) > 1} if a.kind.value == "person" else set()
                      for _, a in entries]

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
        if self.fulls[a] and self.fulls[b] and not _same_person(self.fulls[a], self.fulls[b]):
            return False
        self.parent[b] = a
        self.countries[a] |= self.countries[b]
        self.fulls[a] |= self.fulls[b]
        return True


def _same_person(names: set[str], others: set[str]) -> bool:
    """Do two sets of full names share one, or one that ends the other ('president vladimir putin')?"""
    return any(a == b or a.endswith(" " + b) or b.endswith(" " + a) for a in names for b in others)


def _state_code(actor: Actor) -> str | None:
    """The ISO code of a state actor: its country, or the code its name stands for."""
    if actor.kind.value != "state":
        return None
    return actor.country or country_code(actor.name, fuzzy=False)


def _forms(actor: Actor) -> set[str]:
    """Normalized name and aliases."""
    return {f for f in (norm_name(x) for x in (actor.name, *actor.aliases)) if f}


def merge_actors(docs: Sequence[Doc]) -> list[MergedActor]:
    """Actors across articles, merged: states by ISO code, then shared names or aliases, then a lone surname
    with the one full name it ends (persons only, when unambiguous). Sorted by articles, then mentions."""
    entries = [(d, a) for d in docs for a in d.summary.actors]
    uf = _Clusters(entries)
    by_code: dict[str, int] = {}
    by_form: dict[tuple[bool, str], int] = {}
    for i, (_, a) in enumerate(entries):
        code = _state_code(a)
        if code:
            uf.union(by_code.setdefault(code, i), i)
        for form in _forms(a):
            uf.union(by_form.setdefault((a.kind.value == "person", form), i), i)
    _merge_surnames(entries, uf)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(entries)):
        groups[uf.find(i)].append(i)
    merged = [MergedActor("", [entries[i] for i in idx]) for idx in groups.values()]
    for m in merged:
        m.mentions = sum(count_mentions(d.article.text, a) for d, a in m.members)
    merged.sort(key=lambda m: (-len(m.docs), -m.mentions, m.name.casefold()))
    for n, m in enumerate(merged, 1):
        m.key = f"x{n}"
    return merged


def _merge_surnames(entries: list[tuple[Doc, Actor]], uf: _Clusters) -> None:
    """Join a person known only by one word ('Lavrov') to the single cluster whose full name ends with it."""
    ending: dict[str, set[int]] = defaultdict(set)
    for i, (_, a) in enumerate(entries):
        if a.kind.value == "person":
            for form in (a.name, *a.aliases):
                last = surname(form)
                if last:
                    ending[norm_name(last)].add(uf.find(i))
    for i, (_, a) in enumerate(entries):
        if a.kind.value != "person" or any(len(f.split()) > 1 for f in _forms(a)):
            continue
        for form in _forms(a):
            owners = {uf.find(o) for o in ending.get(form, ())} - {uf.find(i)}
            if len(owners) == 1:
                uf.union(owners.pop(), i)


def count_mentions(text: str, actor: Actor) -> int:
    """How often the article writes the actor's name or an alias (whole words, longest form first); at least 1."""
    forms = sorted({f for f in (actor.name, *actor.aliases) if f.strip()}, key=len, reverse=True)
    if not forms:
        return 1
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)")
    return max(1, len(pattern.findall(text)))

