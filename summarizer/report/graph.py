"""Who met whom: merged actors as nodes, meetings as edges, laid out with networkx for an inline SVG."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from ..entities import MergedActor
from .docs import Doc

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

