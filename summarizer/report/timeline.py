"""The timeline: meetings and conflict events by date."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from .docs import Doc
from .highlight import event_key
from .labels import event_label, meeting_label


def timeline(docs: Sequence[Doc]) -> tuple[list[dict], list[dict]]:
    """Meetings and conflict events by date: (dated groups, undated entries). A missing resolved date falls back
    to the article's publication date (flagged); with neither, the entry is undated."""
    entries = []
    for d in docs:
        for m in d.summary.meetings:
            entries.append(_entry(d, "meeting", m.date, m.date_text, meeting_label(d.summary, m),
                                  m.status.value, d.item_key(m.id)))
        for c in d.summary.conflicts:
            for n, e in enumerate(c.events, 1):
                entries.append(_entry(d, "event", e.date, e.date_text, f"{event_label(e, dated=False)} — {c.name}",
                                      c.status.value, event_key(d, c, n)))
    dated = sorted((e for e in entries if e["date"]), key=lambda e: (e["date"], e["doc"].index))
    groups = [{"date": day, "entries": list(items)} for day, items in itertools.groupby(dated, key=lambda e: e["date"])]
    return groups, [e for e in entries if not e["date"]]


def _entry(doc: Doc, kind: str, date: dt.date | None, date_text: str | None, label: str, status: str,
           key: str) -> dict:
    """One timeline entry with where its date comes from."""
    if date:
        day, basis = date.isoformat(), "resolved"
    elif doc.published:
        day, basis = doc.published.isoformat(), "published"
    else:
        day, basis = None, None
    return {"date": day, "basis": basis, "date_text": date_text, "kind": kind, "label": label, "status": status,
            "key": key, "doc": doc, "anchor": doc.anchor, "title": doc.title}

