"""One-line labels of items, dates and links as the page shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlparse

from ..schema import ArticleSummary, ConflictEvent, Meeting
from .docs import Doc


def actor_names(summary: ArticleSummary, ids: Iterable[str]) -> list[str]:
    """Actor names for ids (the id itself if unknown)."""
    known = {a.id: a.name for a in summary.actors}
    return [known.get(i, i) for i in ids]


def event_label(e: ConflictEvent, *, dated: bool = True) -> str:
    """'air strike · eastern Libya · late Friday · 29 killed' (without the date if not ``dated``)."""
    bits = [e.type.value.replace("_", " ")]
    if e.location:
        bits.append(e.location)
    if dated and (e.date or e.date_text):
        bits.append(e.date.isoformat() if e.date else str(e.date_text))
    if e.killed is not None:
        bits.append(f"{e.killed} killed")
    if e.injured is not None:
        bits.append(f"{e.injured} injured")
    return " · ".join(bits)


def meeting_label(summary: ArticleSummary, m: Meeting) -> str:
    """'Sergei Lavrov, Sameh Shoukry (Cairo)'."""
    names = ", ".join(actor_names(summary, m.participants))
    return f"{names} ({m.location})" if m.location else names


def item_label(doc: Doc, kind: str, item) -> str:
    """A one-line label of an item for tooltips and the selection bar."""
    if kind == "actor":
        return f"Actor: {item.name}"
    if kind == "meeting":
        return f"Meeting {item.id} ({item.status.value}): {meeting_label(doc.summary, item)}"
    if kind == "conflict":
        return f"Conflict {item.id}: {item.name}"
    return f"Event: {event_label(item)}"


def when(date: dt.date | None, text: str | None) -> str:
    """A date as shown: the resolved date, with the words of the article when they differ."""
    if date and text and text != date.isoformat():
        return f"{date.isoformat()} ({text})"
    return date.isoformat() if date else (text or "")


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: no javascript: or data: links from the data."""
    if not url:
        return None
    try:
        scheme = urlparse(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None

