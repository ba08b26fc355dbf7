"""Helpers the actor, meeting and conflict builders share: sentences quoted as evidence, mentions of an actor,
cue sentences, and the context the builders read."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ..article import Article
from ..grounding import country_code, is_demonym, occurs, word_pattern
from ..schema import Actor, ActorKind, Evidence, MatchKind

MAX_EVIDENCE = 3


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
    """Numbers of the sentences that mention any of the forms: one search of the text per form."""
    sentences = article.sentences
    starts = [s.start for s in sentences]
    found = set()
    for form in forms:
        for m in word_pattern(form).finditer(article.text) if form else ():
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and m.end() <= sentences[i].end:
                found.add(sentences[i].number)
    return sorted(found)


def dedupe(items: list[str]) -> list[str]:
    """The items without repeats or empty ones, in their first order."""
    seen, out = set(), []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def spots(forms: Iterable[str], text: str) -> list[re.Match]:
    """Every whole-word occurrence in ``text`` of any of the forms."""
    return [m for f in forms for m in word_pattern(f).finditer(text)]


def merge_evidence(a: list[Evidence], b: list[Evidence]) -> list[Evidence]:
    """The evidence of two records of one item: distinct quotes, the first record's first."""
    seen = {e.quote for e in a}
    return (a + [e for e in b if e.quote not in seen])[:MAX_EVIDENCE]


# A capitalized word with a demonym's ending, plural or not ("Ukrainian", "Sudanese", "Somalis").
DEMONYM_WORD = re.compile(r"\b[A-Z][a-z]+(?:an|ian|ese|ish|ean|i)s?\b")


def mention_spans(actor: Actor, text: str) -> list[tuple[int, int]]:
    """Where ``text`` names the actor: its name and aliases, and for a state its adjective ("Pakistani troops")."""
    at = [(m.start(), m.end()) for m in spots((actor.name, *actor.aliases), text)]
    if actor.kind == ActorKind.state and actor.country:
        at += [(w.start(), w.end()) for w in DEMONYM_WORD.finditer(text) if demonym_code(w.group()) == actor.country]
    return at


def mentions(actor: Actor, text: str) -> bool:
    """Does a sentence mention the actor: one of its names, or for a state its adjective ("Ukrainian officials"
    stand for Ukraine when no one of them is named)?"""
    if any(occurs(f, text) for f in (actor.name, *actor.aliases)):
        return True
    if actor.kind != ActorKind.state or not actor.country:
        return False
    return actor.country in demonym_codes(text)


@lru_cache(maxsize=4096)
def demonym_codes(text: str) -> frozenset[str]:
    """The countries a sentence names by adjective."""
    return frozenset(code for w in DEMONYM_WORD.finditer(text) if (code := demonym_code(w.group())))


@lru_cache(maxsize=4096)
def demonym_code(word: str) -> str | None:
    """The country a demonym names ("Ukrainians" -> UKR), else None."""
    return country_code(word.rstrip("s"), fuzzy=False) if is_demonym(word) else None


def cue_sentences(article: Article, cue: re.Pattern, actors: list[Actor] | None = None, min_actors: int = 0,
                  limit: int = 12, sentences: list | None = None) -> list[int]:
    """Numbers of the sentences (distinct texts; of ``sentences`` when given) that contain a cue word and
    mention at least ``min_actors``."""
    seen, found = set(), []
    for s in article.sentences if sentences is None else sentences:
        if s.text in seen or not cue.search(s.text):
            continue
        mentioned = sum(mentions(a, s.text) for a in actors or [])
        if mentioned >= min_actors:
            seen.add(s.text)
            found.append((mentioned, s.number))
    # Past the limit, the sentences that name the most actors (a meeting late in the article is kept).
    return sorted(n for _, n in sorted(found, key=lambda x: (-x[0], x[1]))[:limit])


def places_in(sentence: str, places: list[str]) -> list[str]:
    """The known place names a sentence mentions, in order of appearance."""
    found = [(sentence.find(p), p) for p in places if occurs(p, sentence)]
    return [p for _, p in sorted(found)]


@dataclass
class Context:
    """What the builders need: the article, its place names, its actors, and the warnings list to add to."""

    article: Article
    places: list[str]
    actors: list[Actor]
    warnings: list[str] = field(default_factory=list)

    def by_name(self) -> dict[str, Actor]:
        """Every form of every actor (canonical name, aliases), case-folded, to the actor."""
        return {f.casefold(): a for a in self.actors for f in (a.name, *a.aliases)}

    def sentence(self, n: int) -> str:
        return self.article.sentences[n - 1].text


#: A summary sentence has more words than this: shorter ones are page furniture ("2 min read", "Photo: AP").
SUMMARY_MIN_WORDS = 5


def build_summary_text(article: Article, numbers: list[int]) -> str:
    """The summary: the sentences the model chose, quoted (the title left out), or the lead when it chose too few."""
    chosen = sentence_evidence(article, numbers, limit=4)
    if article.title:
        chosen = [e for e in chosen if e.quote != article.title]
    # Page furniture is no summary sentence: a "2 min read", a byline, a caption credit has no clause of its own.
    chosen = [e for e in chosen if len(e.quote.split()) > SUMMARY_MIN_WORDS]
    if len(chosen) < 2:  # the model chose too few: fall back to the lead
        lead = [s.number for s in article.sentences
                if s.text != article.title and len(s.text.split()) > SUMMARY_MIN_WORDS]
        chosen = sentence_evidence(article, [*[e.sentence for e in chosen if e.sentence], *lead[:3]], limit=3)
    return " ".join(e.quote for e in chosen)
