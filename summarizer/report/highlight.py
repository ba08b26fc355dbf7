"""Evidence spans located in the article text, and the text highlighted with them."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ..schema import Conflict, Evidence, MatchKind
from .docs import Doc

#: Item types, in the order their highlight layers are drawn; also CSS classes (hl-actor, ...).
TYPES = ("actor", "meeting", "conflict", "event")

@dataclass(frozen=True)
class Span:
    """A located evidence span and the item (page key, type) it supports."""

    start: int
    end: int
    key: str
    type: str


def locate(text: str, ev: Evidence) -> tuple[int, int] | None:
    """Where the evidence stands in ``text``: its offsets when they hold, else the quote's first occurrence."""
    if ev.start is not None and ev.end is not None and 0 <= ev.start < ev.end <= len(text):
        if ev.match not in (None, MatchKind.exact) or text[ev.start : ev.end] == ev.quote:
            return ev.start, ev.end
    at = text.find(ev.quote)
    return (at, at + len(ev.quote)) if at >= 0 else None


def doc_items(doc: Doc) -> list[tuple[str, str, Any]]:
    """Every item of a document as (page key, type, item): actors, meetings, conflicts and their events."""
    s = doc.summary
    items: list[tuple[str, str, Any]] = [(doc.item_key(a.id), "actor", a) for a in s.actors]
    items += [(doc.item_key(m.id), "meeting", m) for m in s.meetings]
    for c in s.conflicts:
        items.append((doc.item_key(c.id), "conflict", c))
        items += [(event_key(doc, c, n), "event", e) for n, e in enumerate(c.events, 1)]
    return items


def event_key(doc: Doc, conflict: Conflict, number: int) -> str:
    """The page key of a conflict's n-th event."""
    return f"{doc.item_key(conflict.id)}-e{number}"


def doc_spans(doc: Doc) -> tuple[list[Span], list[str]]:
    """Located spans of every item, and a warning for each evidence quote that is not in the text."""
    spans, missing = [], []
    for key, kind, item in doc_items(doc):
        for ev in item.evidence:
            where = locate(doc.article.text, ev)
            if where:
                spans.append(Span(where[0], where[1], key, kind))
            else:
                missing.append(f"{kind} {key.split('-', 1)[1]}: evidence not found in the text: {ev.quote!r}")
    return spans, missing


def highlight(text: str, spans: Iterable[Span], labels: dict[str, str] | None = None) -> Markup:
    """The text, escaped, with one ``<mark>`` per stretch covered by the same set of spans (overlaps split).
    ``data-items`` lists the items of every span covering the stretch, ``data-starts`` those whose span starts there."""
    spans = list(spans)
    labels = labels or {}
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[Markup] = []
    for a, b in itertools.pairwise(bounds):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        segment = escape(text[a:b])
        if not covering:
            out.append(segment)
            continue
        keys = list(dict.fromkeys(s.key for s in covering))
        starts = list(dict.fromkeys(s.key for s in covering if s.start == a))
        kinds = [t for t in TYPES if any(s.type == t for s in covering)]
        out.append(Markup('<mark class="ev {}" data-items="{}"{} title="{}">{}</mark>').format(
            " ".join(f"hl-{t}" for t in kinds), " ".join(keys),
            Markup(' data-starts="{}"').format(" ".join(starts)) if starts else "",
            "\n".join(labels.get(k, k) for k in keys), segment))
    return Markup("").join(out)

