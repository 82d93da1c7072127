"""The relation graph of the entity page, laid out on the server as plain SVG.

No script and nothing from a network: the entity sits in the middle, the entities the lists relate it to
on one or two rings around it; every node is an SVG link to its page, every edge carries its stated role
("Linked To", "member of", "owned or controlled by" ...). The template draws it (`entity.html`).
Styling is by class (vigil.css), so a strict Content-Security-Policy needs nothing inline.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

MAX_DRAWN = 24  # more than this go to the list under the picture only
WIDTH = 960
LABEL_CHARS = 24


@dataclass
class Node:
    id: str
    caption: str
    short: str
    schema: str
    x: float
    y: float
    kind: str  # person | organization | other
    root: bool = False
    datasets: list[str] = field(default_factory=list)
    anchor: str = "middle"
    lx: float = 0.0
    ly: float = 0.0
    degree: int = 0


@dataclass
class EdgeView:
    id: str
    schema: str
    label: str
    short: str
    x1: float
    y1: float
    x2: float
    y2: float
    lx: float
    ly: float
    outgoing: bool
    text: str = ""


@dataclass
class GraphView:
    width: int
    height: int
    nodes: list[Node]
    edges: list[EdgeView]
    rows: list[dict[str, Any]]  # every relation, for the list under the picture
    hidden: int  # relations not drawn
    common_label: str = ""  # when every drawn edge reads the same, said once instead of on every edge


def _short(text: str, n: int = LABEL_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _kind(schema: str | None) -> str:
    if schema == "Person":
        return "person"
    if schema in ("Organization", "Company", "LegalEntity", "PublicBody"):
        return "organization"
    return "other"


def layout(root: Any, graph: Any, lookup: Any) -> GraphView | None:
    """The picture for `root` (an Entity) from a service.graph.Graph; None when the lists state no relation."""
    root_id = root.id or ""
    edges = graph.of(root_id)
    if not edges:
        return None
    rows = []
    others: dict[str, list[Any]] = {}
    for edge in edges:
        other = edge.other(root_id)
        others.setdefault(other, []).append(edge)
        entity = lookup(other)
        props = edge.props
        rows.append({"id": other, "caption": entity.caption if entity else other, "loaded": entity is not None,
                     "datasets": entity.datasets if entity else [], "label": edge.label(root_id),
                     "schema": edge.schema, "text": (props.get("description") or [""])[0]})
    rows.sort(key=lambda r: (r["label"], r["caption"]))
    drawn = sorted(others, key=lambda o: (others[o][0].label(root_id), lookup(o).caption if lookup(o) else o))
    drawn = drawn[:MAX_DRAWN]
    n = len(drawn)
    rings = 1 if n <= 10 else 2
    radii = [170.0] if rings == 1 else [150.0, 260.0]
    height = int(2 * radii[-1] + 120)
    cx, cy = WIDTH / 2, height / 2
    nodes = [Node(root_id, root.caption, _short(root.caption), root.schema.name, cx, cy, _kind(root.schema.name),
                  root=True, datasets=list(root.datasets), ly=cy + 34, lx=cx, degree=len(edges))]
    views: list[EdgeView] = []
    for i, other in enumerate(drawn):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radii[i % rings]
        x, y = cx + r * math.cos(angle) * 1.15, cy + r * math.sin(angle)
        entity = lookup(other)
        caption = entity.caption if entity else other
        schema = entity.schema.name if entity else ""
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        lx = x + (14 if anchor == "start" else -14 if anchor == "end" else 0)
        ly = y + (4 if anchor != "middle" else (26 if math.sin(angle) > 0 else -16))
        nodes.append(Node(other, caption, _short(caption), schema, x, y, _kind(schema), datasets=list(
            entity.datasets) if entity else [], anchor=anchor, lx=lx, ly=ly, degree=len(graph.of(other))))
        for edge in others[other][:1]:
            label = edge.label(root_id)
            extra = len(others[other]) - 1
            views.append(EdgeView(edge.relation_id, edge.schema, label, _short(label, 22) + (f" +{extra}" if extra else ""),
                                  cx, cy, x, y, cx + (x - cx) * 0.55, cy + (y - cy) * 0.55 - 3,
                                  edge.outgoing(root_id), (edge.props.get("description") or [""])[0]))
    common = ""
    labels = {v.label for v in views}
    if len(views) > 6 and len(labels) == 1:
        common = labels.pop()
        for v in views:
            v.short = ""
    return GraphView(WIDTH, height, nodes, views, rows, hidden=max(0, len(others) - len(drawn)), common_label=common)
