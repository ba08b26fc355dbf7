"""What the templates show: one article's view (text, tables, provenance) and the cross-article actor index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import cast

from ..entities import MergedActor
from ..schema import Actor, Conflict, Meeting
from .docs import Doc
from .highlight import doc_items, doc_spans, event_key, highlight
from .labels import actor_names, event_label, item_label, safe_url, when


def article_view(doc: Doc) -> dict:
    """What the article template needs: highlighted text, item rows with their keys, warnings, provenance."""
    s = doc.summary
    labels = {key: item_label(doc, kind, item) for key, kind, item in doc_items(doc)}
    spans, missing = doc_spans(doc)
    counts = Counter(sp.key for sp in spans)
    p = s.provenance
    usage = p.usage
    return {
        "doc": doc, "key": doc.key, "anchor": doc.anchor, "title": doc.title, "ident": doc.ident,
        "published": doc.published.isoformat() if doc.published else None, "url": safe_url(doc.article.url),
        "source": doc.article.source, "headline": s.headline, "summary": s.summary,
        "text": highlight(doc.article.text, spans, labels), "span_count": len(spans),
        "actors": [_actor_row(doc, a, counts) for a in s.actors],
        "meetings": [_meeting_row(doc, m, counts) for m in s.meetings],
        "conflicts": [_conflict_row(doc, c, counts) for c in s.conflicts],
        "warnings": list(p.warnings), "missing": missing,
        "provenance": f"{p.model} · template {p.template}@{p.template_version} · schema {p.schema_version} · "
                      f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens, "
                      f"{usage.requests} requests, {usage.reasks} re-asks"
                      + (f" · {p.seconds:.1f}s" if p.seconds else ""),
    }


def _refs(doc: Doc, ids: Iterable[str], host: str | None = None) -> list[dict]:
    """Actor chips: name and page key of each actor id, the host flagged."""
    names = dict(zip(ids := list(ids), actor_names(doc.summary, ids), strict=True))
    return [{"key": doc.item_key(i), "name": names[i], "host": i == host} for i in ids]


def _actor_row(doc: Doc, a: Actor, counts: Counter) -> dict:
    """One row of the actors table."""
    return {"key": doc.item_key(a.id), "id": a.id, "name": a.name, "aliases": a.aliases, "kind": a.kind.value,
            "title": a.title, "country": a.country,
            "spans": counts[doc.item_key(a.id)]}


def _meeting_row(doc: Doc, m: Meeting, counts: Counter) -> dict:
    """One row of the meetings table."""
    participants = list(dict.fromkeys([*m.participants, *m.visitors, *([m.host] if m.host else [])]))
    return {"key": doc.item_key(m.id), "id": m.id, "participants": _refs(doc, participants, m.host),
            "where": ", ".join(x for x in (m.location, m.country) if x), "when": when(m.date, m.date_text),
            "sort_date": m.date.isoformat() if m.date else "", "status": m.status.value, "mode": m.mode.value,
            "topics": m.topics, "spans": counts[doc.item_key(m.id)]}


def _conflict_row(doc: Doc, c: Conflict, counts: Counter) -> dict:
    """One row of the conflicts table, with its events."""
    events = [{"key": event_key(doc, c, n), "label": event_label(e), "spans": counts[event_key(doc, c, n)]}
              for n, e in enumerate(c.events, 1)]
    return {"key": doc.item_key(c.id), "id": c.id, "name": c.name, "locations": c.locations,
            "parties": _refs(doc, c.parties), "status": c.status.value, "events": events,
            "also": [e["key"] for e in events], "spans": counts[doc.item_key(c.id)],
            "killed": sum(e.killed or 0 for e in c.events)}



def actor_index(merged: Sequence[MergedActor]) -> list[dict]:
    """Rows of the actor index."""
    return [{"key": m.key, "name": m.name, "forms": m.forms, "kind": m.kind, "country": m.country,
             "mentions": m.mentions, "also": m.member_keys,
             "articles": [{"anchor": d.anchor, "title": d.title, "ident": d.ident} for d in cast("list[Doc]", m.docs)]}
            for m in merged]

