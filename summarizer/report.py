"""Self-contained HTML reports: evidence highlighted in the article text, linked both ways to the actors, meetings
and conflicts it supports; for several articles, an actor index merged across articles, a who-met-whom network
(inline SVG laid out here with networkx) and a timeline of meetings and conflict events.

One HTML file, nothing fetched from a network: CSS and JS are inlined from ``templates/``. Every string from the
data is escaped: Jinja2 autoescapes, the highlighted text is built from escaped segments and our own ``<mark>``
tags, JSON inside ``<script>`` has ``<``, ``>`` and ``&`` escaped, only http(s) URLs become links, and a
Content-Security-Policy allows no script but ours (by hash) and no network request at all.

Batch results (``summarizer report RESULTS.jsonl``) are JSON lines, one per article::

    {"id", "source", "ok": true, "summary": {...}, "article": {"title", "published", "url", "text"}}
    {"id", "source", "ok": false, "error": {"reason", "message"}}

Error records are listed in the report. A line that cannot be read (not JSON, not such a record, a summary that
does not validate) is listed as unreadable with its line number, or is a one-line error with ``strict=True``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from urllib.parse import urlparse

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape
from pydantic import ValidationError

from .article import Article, parse_date
from .entities import MergedActor, merge_actors
from .errors import InputError
from .schema import Actor, ArticleSummary, Conflict, ConflictEvent, Evidence, MatchKind, Meeting

Result = tuple[Article, ArticleSummary]

#: Item types, in the order their highlight layers are drawn; also CSS classes (hl-actor, ...).
TYPES = ("actor", "meeting", "conflict", "event")
#: Node colours of the network by actor kind (kinds not listed are grey).
KIND_COLOURS = {
    "person": "#2563eb", "state": "#059669", "government": "#0d9488", "military": "#7c3aed",
    "armed_group": "#dc2626", "political_party": "#db2777", "organization": "#d97706",
    "international_body": "#0891b2", "media": "#65a30d", "civilians": "#78716c",
}
OTHER_COLOUR = "#6b7280"
SVG_WIDTH = 960
PAD_X, PAD_Y = 110, 36  # room around each component of the network for labels
LABEL_CHARS = 26
MAX_NODES = 150  # the network shows at most this many actors, the best connected


# --- the documents of a report ------------------------------------------------------------------------------


@dataclass
class Doc:
    """One summarized article of the report; ``index`` makes every key on the page unique."""

    index: int
    article: Article
    summary: ArticleSummary
    record_id: str | None = None

    @property
    def key(self) -> str:
        """'d0': the prefix of every page key of this document."""
        return f"d{self.index}"

    @property
    def anchor(self) -> str:
        """The HTML id of the article's section."""
        return f"art-{self.index}"

    @property
    def title(self) -> str:
        """The article's title, else the summary's."""
        return self.article.title or self.summary.provenance.title or self.summary.headline

    @property
    def published(self) -> dt.date | None:
        """The publication date from the article, else from the provenance."""
        return self.article.published or self.summary.provenance.published

    @property
    def ident(self) -> str:
        """A short name: the record id, the article id, or its number."""
        return self.record_id or self.article.id or self.summary.provenance.article_id or str(self.index + 1)

    def item_key(self, item_id: str) -> str:
        """The page key of an actor, meeting or conflict of this document: 'd0-a1'."""
        return f"{self.key}-{item_id}"


@dataclass
class Problem:
    """A batch line without a summary: an error record from the batch job, or a line that cannot be read."""

    line: int
    kind: str  # "error" (the batch job's error record) or "unreadable"
    reason: str
    message: str
    id: str | None = None
    source: str | None = None


@dataclass
class Batch:
    """What a results file holds: the summarized articles and the lines that produced none."""

    docs: list[Doc] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def unreadable(self) -> list[Problem]:
        """Lines that could not be read."""
        return [p for p in self.problems if p.kind == "unreadable"]

    @property
    def errors(self) -> list[Problem]:
        """The batch job's error records."""
        return [p for p in self.problems if p.kind == "error"]


# --- reading batch results ----------------------------------------------------------------------------------


def load_results(path: str | Path, *, strict: bool = False) -> Batch:
    """Read a batch results JSONL file. Unreadable lines are kept as problems (an InputError if ``strict``)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file" if not p.exists() else f"{p}: is not a file")
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{p}: not UTF-8 text (invalid byte at offset {err.start})") from None
    except OSError as err:
        raise InputError(f"{p}: cannot read ({err.strerror})") from None
    batch = Batch()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            _add_record(batch, _parse_line(line), n)
        except _Unreadable as bad:
            if strict:
                raise InputError(f"{p}:{n}: {bad}") from None
            batch.problems.append(Problem(n, "unreadable", bad.reason, str(bad), id=bad.record_id))
    if not batch.docs and not batch.problems:
        raise InputError(f"{p}: no records (expected one JSON object per line)")
    return batch


class _Unreadable(Exception):
    """A batch line that is not a usable record; the message names what is wrong."""

    def __init__(self, reason: str, message: str, record_id: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.record_id = record_id


def _parse_line(line: str) -> dict:
    """A line as a JSON object."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise _Unreadable("malformed_json", f"not valid JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(record, dict):
        raise _Unreadable("not_a_record", f"expected a JSON object, got {type(record).__name__}")
    return record


def _add_record(batch: Batch, record: dict, line: int) -> None:
    """Add a success record as a Doc, an error record as a Problem."""
    rid = str(record["id"]) if record.get("id") is not None else None
    source = str(record["source"]) if record.get("source") is not None else None
    ok = record.get("ok")
    if ok is False:
        error: dict = record["error"] if isinstance(record.get("error"), dict) else {}
        batch.problems.append(Problem(line, "error", str(error.get("reason") or "unknown"),
                                      str(error.get("message") or ""), id=rid, source=source))
        return
    if ok is not True:
        raise _Unreadable("not_a_record", "the record has no boolean 'ok'", rid)
    article = _record_article(record, rid, source)
    summary = _record_summary(record, rid)
    batch.docs.append(Doc(len(batch.docs), article, summary, record_id=rid))


def _record_article(record: dict, rid: str | None, source: str | None) -> Article:
    """The article of a success record."""
    data = record.get("article")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise _Unreadable("no_article", "the record has no 'article' with a 'text' string", rid)
    title = data.get("title")
    url = data.get("url")
    return Article(
        text=data["text"], id=rid, title=str(title) if title else None, published=parse_date(data.get("published")),
        source=source, url=str(url) if url else None,
    )


def _record_summary(record: dict, rid: str | None) -> ArticleSummary:
    """The summary of a success record, validated."""
    data = record.get("summary")
    if not isinstance(data, dict):
        raise _Unreadable("no_summary", "the record has no 'summary' object", rid)
    try:
        return ArticleSummary.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "summary"
        raise _Unreadable("invalid_summary", f"the summary does not validate ({err.error_count()} errors; "
                                             f"{where}: {first['msg']})", rid) from None


def docs_from_results(results: Sequence[Result]) -> list[Doc]:
    """Docs from (Article, ArticleSummary) pairs, as the summarize command produces them."""
    return [Doc(i, article, summary) for i, (article, summary) in enumerate(results)]


# --- evidence spans and the highlighted text -----------------------------------------------------------------


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


def doc_items(doc: Doc) -> list[tuple[str, str, Actor | Meeting | Conflict | ConflictEvent]]:
    """Every item of a document as (page key, type, item): actors, meetings, conflicts and their events."""
    s = doc.summary
    items: list[tuple[str, str, Actor | Meeting | Conflict | ConflictEvent]] = [
        (doc.item_key(a.id), "actor", a) for a in s.actors
    ]
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


# --- labels ------------------------------------------------------------------------------------------------


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


# --- one article's view ------------------------------------------------------------------------------------


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
            "title": a.title, "country": a.country, "spans": counts[doc.item_key(a.id)]}


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


# --- actors merged across articles ---------------------------------------------------------------------------


def actor_index(merged: Sequence[MergedActor]) -> list[dict]:
    """Rows of the actor index."""
    return [{"key": m.key, "name": m.name, "forms": m.forms, "kind": m.kind, "country": m.country,
             "mentions": m.mentions, "also": m.member_keys,
             "articles": [{"anchor": d.anchor, "title": d.title, "ident": d.ident} for d in cast("list[Doc]", m.docs)]}
            for m in merged]


# --- who met whom -------------------------------------------------------------------------------------------


def meeting_graph(docs: Sequence[Doc], merged: Sequence[MergedActor]):
    """Merged actors as nodes, meetings as edges (every pair of participants); edges carry their meeting keys."""
    import networkx as nx

    cluster = {(d.index, a.id): m for m in merged for d, a in m.members}
    graph = nx.Graph()
    for d in docs:
        for meet in d.summary.meetings:
            ids = dict.fromkeys([*meet.participants, *meet.visitors, *([meet.host] if meet.host else [])])
            nodes = list(dict.fromkeys(cluster[(d.index, i)].key for i in ids if (d.index, i) in cluster))
            for node in nodes:
                graph.add_node(node)
            for u, v in itertools.combinations(sorted(nodes), 2):
                if not graph.has_edge(u, v):
                    graph.add_edge(u, v, meetings=[], statuses=set())
                graph.edges[u, v]["meetings"].append(d.item_key(meet.id))
                graph.edges[u, v]["statuses"].add(meet.status.value)
    return graph


def network_view(docs: Sequence[Doc], merged: Sequence[MergedActor]) -> dict:
    """The network as SVG-ready nodes and edges. Each connected component is laid out on its own (a circle for a
    clique, else a spring layout with a fixed seed: same input, same picture) and the components are packed in rows."""
    graph = meeting_graph(docs, merged)
    total = graph.number_of_nodes()
    if total > MAX_NODES:  # the best-connected actors; a bigger picture is unreadable anyway
        keep = sorted(graph.nodes, key=lambda n: (-graph.degree(n), int(n[1:])))[:MAX_NODES]
        graph = graph.subgraph(keep).copy()
    by_key = {m.key: m for m in merged}
    xy, anchors, width, height = _pack(graph)
    nodes = []
    for node in sorted(graph.nodes, key=lambda n: int(n[1:])):
        m = by_key[node]
        x, y = xy[node]
        name = m.name if len(m.name) <= LABEL_CHARS else m.name[: LABEL_CHARS - 1] + "…"
        nodes.append({"key": node, "name": m.name, "label": name, "kind": m.kind, "x": x, "y": y,
                      "r": round(5 + 2 * math.sqrt(graph.degree(node)), 1), "also": m.member_keys,
                      "colour": KIND_COLOURS.get(m.kind, OTHER_COLOUR), "degree": graph.degree(node),
                      "anchor": anchors[node]})
    edges = []
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        (x1, y1), (x2, y2) = xy[u], xy[v]
        count = len(data["meetings"])
        edges.append({"ends": [u, v], "x1": x1, "y1": y1, "x2": x2, "y2": y2, "meetings": data["meetings"],
                      "width": round(1.5 + 1.5 * math.log2(count), 1),
                      "planned": data["statuses"] <= {"planned", "cancelled"},
                      "label": f"{by_key[u].name} — {by_key[v].name}: {count} meeting{'s' if count > 1 else ''}"})
    kinds = sorted({n["kind"] for n in nodes})
    return {"nodes": nodes, "edges": edges, "width": width, "height": height, "total": total,
            "kinds": [{"kind": kd, "colour": KIND_COLOURS.get(kd, OTHER_COLOUR)} for kd in kinds]}


def _component_layout(graph) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1] for one connected component."""
    import networkx as nx

    n = graph.number_of_nodes()
    nodes = sorted(graph.nodes, key=lambda k: int(k[1:]))
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    if n == 2:
        return {nodes[0]: (-1.0, 0.0), nodes[1]: (1.0, 0.0)}
    if graph.number_of_edges() == n * (n - 1) // 2:
        pos = nx.circular_layout(nodes)
    elif hasattr(nx, "forceatlas2_layout"):  # networkx >= 3.4: keeps dense groups apart better
        pos = nx.forceatlas2_layout(graph.subgraph(nodes), seed=7, max_iter=500, scaling_ratio=2.0)
    else:
        pos = nx.spring_layout(graph.subgraph(nodes), seed=7, k=3.0 / math.sqrt(n), iterations=500)
    return _spread(_unit({k: (float(p[0]), float(p[1])) for k, p in pos.items()}), min(0.5, 1.6 / math.sqrt(n)))


def _unit(pos: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Positions centred and scaled into [-1, 1], keeping the aspect ratio."""
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    return {k: ((p[0] - cx) / half, (p[1] - cy) / half) for k, p in pos.items()}


def _spread(pos: dict[str, tuple[float, float]], gap: float) -> dict[str, tuple[float, float]]:
    """Push apart nodes closer than ``gap`` (so circles and labels do not pile up), then rescale into [-1, 1]."""
    keys = sorted(pos, key=lambda k: int(k[1:]))
    rounds = 60 if len(keys) <= 60 else 8
    p = {k: list(pos[k]) for k in keys}
    for _ in range(rounds):
        moved = False
        for a, b in itertools.combinations(keys, 2):
            dx, dy = p[b][0] - p[a][0], p[b][1] - p[a][1]
            dist = math.hypot(dx, dy)
            if dist >= gap:
                continue
            if dist < 1e-9:
                dx, dy, dist = 1.0, 0.0, 1.0
            push = (gap - dist) / 2 / dist
            p[a][0] -= dx * push
            p[a][1] -= dy * push
            p[b][0] += dx * push
            p[b][1] += dy * push
            moved = True
        if not moved:
            break
    return _unit({k: (v[0], v[1]) for k, v in p.items()})


def _pack(graph) -> tuple[dict[str, tuple[float, float]], dict[str, str], int, int]:
    """Component layouts placed in cells, in centred rows; labels point away from each cell's centre. The picture
    is at least SVG_WIDTH wide and wider for big networks (about 3:2). Returns positions, label anchors, width
    and height."""
    import networkx as nx

    components = sorted((sorted(c, key=lambda k: int(k[1:])) for c in nx.connected_components(graph)),
                        key=lambda c: (-len(c), int(c[0][1:])))
    inners = [0.0 if len(c) == 1 else 90 * math.sqrt(len(c)) for c in components]
    area = sum((i + 2 * PAD_X) * (i + 2 * PAD_Y) for i in inners)
    width = max(SVG_WIDTH, int(math.sqrt(area * 1.5)), int(max(inners, default=0) + 2 * PAD_X))
    rows: list[list[tuple[list[str], float]]] = [[]]
    for nodes, inner in zip(components, inners, strict=True):
        if rows[-1] and sum(i + 2 * PAD_X for _, i in rows[-1]) + inner + 2 * PAD_X > width:
            rows.append([])
        rows[-1].append((nodes, inner))
    xy: dict[str, tuple[float, float]] = {}
    anchors: dict[str, str] = {}
    y = 0.0
    for row in rows:
        x = (width - sum(i + 2 * PAD_X for _, i in row)) / 2
        height = max((i + 2 * PAD_Y for _, i in row), default=0)
        for nodes, inner in row:
            cx, cy = x + inner / 2 + PAD_X, y + height / 2
            for node, (px, py) in _component_layout(graph.subgraph(nodes)).items():
                xy[node] = (round(cx + px * inner / 2, 1), round(cy + py * inner / 2, 1))
                anchors[node] = "end" if px < -0.01 else "start"
            x += inner + 2 * PAD_X
        y += height
    return xy, anchors, width, max(int(math.ceil(y)), 120)


# --- timeline ------------------------------------------------------------------------------------------------


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


# --- the page ------------------------------------------------------------------------------------------------


def _env() -> Environment:
    """Templates from the package, autoescaped (every one of them)."""
    env = Environment(loader=PackageLoader("summarizer", "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["kind"] = lambda v: str(v).replace("_", " ")
    env.filters["count"] = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"
    return env


def _asset(env: Environment, name: str) -> str:
    """A CSS or JS file inlined as is (not parsed as a template)."""
    assert env.loader is not None  # _env() gives every environment the package's loader
    return env.loader.get_source(env, name)[0]


def script_json(data: object) -> Markup:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' (so no '</script>' or '<!--')."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for ch, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                     ("\u2029", "\\u2029")):
        text = text.replace(ch, code)
    return Markup(text)


def _labels(docs: Sequence[Doc], merged: Sequence[MergedActor]) -> dict[str, dict]:
    """Key -> label and type, for the selection bar."""
    labels: dict[str, dict[str, str | None]] = {
        key: {"label": item_label(d, kind, item), "type": kind, "article": d.title}
        for d in docs for key, kind, item in doc_items(d)}
    for m in merged:
        labels[m.key] = {"label": f"Actor: {m.name} ({len(m.docs)} article(s), {m.mentions} mentions)",
                         "type": "actor", "article": None}
    return labels


def render_page(docs: Sequence[Doc], problems: Sequence[Problem] = (), *, title: str | None = None) -> str:
    """The whole report: cross-article views when there are several articles, then each article, then problems."""
    env = _env()
    js = _asset(env, "report.js")
    several = len(docs) > 1
    merged = merge_actors(docs) if several else []
    groups, undated = timeline(docs) if several else ([], [])
    network = network_view(docs, merged) if several else None
    page_title = title or (docs[0].title if len(docs) == 1 else f"Summaries of {len(docs)} articles")
    totals = {"articles": len(docs), "actors": len(merged) if several else sum(len(d.summary.actors) for d in docs),
              "meetings": sum(len(d.summary.meetings) for d in docs),
              "conflicts": sum(len(d.summary.conflicts) for d in docs),
              "events": sum(len(c.events) for d in docs for c in d.summary.conflicts),
              "problems": len(problems)}
    return env.get_template("report.html").render(
        title=page_title, several=several, articles=[article_view(d) for d in docs], index=actor_index(merged),
        network=network, timeline=groups, undated=undated, problems=list(problems), totals=totals,
        css=Markup(_asset(env, "report.css")), js=Markup(js), data=script_json(_labels(docs, merged)),
        script_hash=base64.b64encode(hashlib.sha256(js.encode()).digest()).decode(),
        kind_colours=KIND_COLOURS, generated=dt.date.today().isoformat(),
    )


def article_report(results: Sequence[Result]) -> str:
    """The HTML report of summaries made by ``summarize --format html``: one or several articles."""
    return render_page(docs_from_results(results))


def batch_report(path: str | Path, *, strict: bool = False, title: str | None = None) -> tuple[str, Batch]:
    """The HTML report of a batch results file, and what was read from it."""
    batch = load_results(path, strict=strict)
    return render_page(batch.docs, batch.problems, title=title or f"Report of {Path(path).name}"), batch
