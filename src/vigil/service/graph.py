"""The relation graph in memory: neighbours, walks, yente's adjacent shape.

`graph_for(store)` loads every resolved relation of the lists' latest snapshots once (a few thousand
rows) and keeps it until a list changes, so a look-up is a dictionary read (well under a millisecond).
Entities at the ends are fetched with a caller's `lookup(id) -> Entity | None` (the matcher's index in
the API, the store in the CLI).
"""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import orjson

from vigil.model import Entity, model

Lookup = Callable[[str], "Entity | None"]
MAX_NODES = 200  # a walk stops growing here (the IRGC has hundreds of Linked To records)


@dataclass(frozen=True)
class Edge:
    """One relation seen from one end: `other` is the entity at the far end."""
    relation_id: str
    schema: str
    source: str
    target: str
    data: bytes
    stated_by: str = ""  # the record whose text states it (its role reads from that record's side)

    def other(self, entity_id: str) -> str:
        return self.target if self.source == entity_id else self.source

    def outgoing(self, entity_id: str) -> bool:
        return self.source == entity_id

    def entity(self) -> Entity:
        return Entity.from_dict(orjson.loads(self.data))

    @property
    def props(self) -> dict[str, list[str]]:
        return orjson.loads(self.data).get("properties") or {}

    def label(self, entity_id: str) -> str:
        """How the relation reads from `entity_id`: 'Linked To', 'member of', 'owned by', 'son of' ..."""
        props = self.props
        role = (props.get("role") or [""])[0]
        edge = model().get(self.schema).edge
        if entity_id == (self.stated_by or self.source):
            return role or (edge.label if edge else self.schema)
        return _inverse(self.schema, role, edge.label if edge else self.schema)


_INVERSE_ROLES = {
    "owned or controlled by": "owns or controls", "owned by": "owns", "controlled by": "controls",
    "owned and controlled by": "owns and controls", "parent company": "parent company of",
    "subsidiary of": "parent of", "a subsidiary of": "parent of", "wholly owned subsidiary of": "parent of",
    "member of": "has member", "linked to": "linked from", "Linked To": "Linked From",
}


_ACTIVE = {"led": "leads", "headed": "heads", "commanded": "commands", "run": "runs", "directed": "directs",
           "founded": "founded"}


def _inverse(schema: str, role: str, label: str) -> str:
    if role in _INVERSE_ROLES:
        return _INVERSE_ROLES[role]
    if schema == "Family":  # "X: father of Y" read from Y: Y has father X
        return f"has {role.removesuffix(' of').strip(' –—-')}" if role else "relative"
    if schema == "Directorship":
        if role.endswith(" by"):  # "led by X" read from X: leads
            verb = role[:-3]
            return _ACTIVE.get(verb, f"{verb} (by)")
        return f"has {role.removesuffix(' of').removesuffix(' in')}" if role else "directed by"
    if role.endswith(" of") or role.endswith(" in"):
        return f"has {role[:-3]}"
    return f"{role or label} (from the other side)"


@dataclass
class Graph:
    key: tuple = ()
    edges: dict[str, list[Edge]] = field(default_factory=dict)
    count: int = 0

    @classmethod
    def build(cls, rows: Iterable[tuple[Any, ...]], key: tuple = ()) -> "Graph":
        """From (relation id, schema, source, target, FtM JSON, stated_by) rows."""
        g = cls(key=key)
        for rel_id, schema, source, target, data, stated_by in rows:
            raw = data.encode() if isinstance(data, str) else data
            edge = Edge(rel_id, schema, source, target, raw, stated_by)
            g.edges.setdefault(source, []).append(edge)
            if target != source:
                g.edges.setdefault(target, []).append(edge)
            g.count += 1
        for edges in g.edges.values():
            edges.sort(key=lambda e: (e.schema, e.relation_id))
        return g

    @classmethod
    def from_relations(cls, relations: Iterable[Any]) -> "Graph":
        """From `vigil.sources.relations.Relation`s, without a store (tests, a list parsed on the fly)."""
        return cls.build((r.id, r.schema, r.source, r.target, orjson.dumps(r.entity().to_dict()), r.stated_by)
                         for r in relations if r.resolved)

    def of(self, entity_id: str) -> list[Edge]:
        return self.edges.get(entity_id, [])

    def neighbours(self, entity_id: str) -> list[str]:
        return list(dict.fromkeys(e.other(entity_id) for e in self.of(entity_id)))

    def related(self, a: str, b: str) -> list[Edge]:
        """The relations directly between two entities."""
        return [e for e in self.of(a) if e.other(a) == b]

    def walk(self, root: str, depth: int = 1, max_nodes: int = MAX_NODES) -> tuple[list[str], list[Edge], bool]:
        """Breadth-first from `root`: (nodes in visit order, edges among them, whether it was cut short)."""
        nodes = {root: 0}
        order = [root]
        edges: dict[str, Edge] = {}
        queue = deque([root])
        truncated = False
        while queue:
            current = queue.popleft()
            if nodes[current] >= depth:
                continue
            for edge in self.of(current):
                other = edge.other(current)
                if other not in nodes:
                    if len(nodes) >= max_nodes:
                        truncated = True
                        continue
                    nodes[other] = nodes[current] + 1
                    order.append(other)
                    queue.append(other)
                edges[edge.relation_id] = edge
        return order, list(edges.values()), truncated

    # -- yente's shapes -----------------------------------------------------
    def nested(self, entity: Entity | dict[str, Any], lookup: Lookup, limit: int | None = None) -> dict[str, Any]:
        """The entity as yente's nested view: each reverse property (membershipMember, unknownLinkSubject ...)
        holds the relation entities, with the entity at their far end nested in them. A merged party
        (yente-style `referents`) has the relations of all its records."""
        data = entity.to_dict() if isinstance(entity, Entity) else dict(entity)
        data["properties"] = dict(data.get("properties") or {})
        for prop, results, _ in self._by_reverse(_ids_of(data), lookup, limit, 0):
            data["properties"][prop] = results
        return data

    def adjacent(self, entity: Entity | dict[str, Any], lookup: Lookup, limit: int = 10,
                 offset: int = 0) -> dict[str, Any]:
        """yente's `/entities/{id}/adjacent` body: the entity, and per property a page of related entities."""
        data = entity.to_dict() if isinstance(entity, Entity) else entity
        adjacent: dict[str, Any] = {}
        for prop, results, total in self._by_reverse(_ids_of(data), lookup, limit, offset):
            adjacent[prop] = {"results": results, "total": {"value": total, "relation": "eq"},
                              "limit": limit, "offset": offset}
        return {"entity": data, "adjacent": adjacent, "limit": limit, "offset": offset}

    def _by_reverse(self, ids: list[str], lookup: Lookup, limit: int | None, offset: int):
        """(reverse property, page of relation dicts with the far end nested, total) per property, for the
        relations of any of `ids` (a record, or every record of a party)."""
        groups: dict[str, list[tuple[str, Edge]]] = {}
        seen: set[str] = set()
        for own in ids:
            for edge in self.of(own):
                spec = model().get(edge.schema).edge
                if spec is None or edge.relation_id in seen:
                    continue
                seen.add(edge.relation_id)
                end = spec.source if edge.source == own else spec.target
                groups.setdefault(spec.reverse[end], []).append((own, edge))
        for prop in sorted(groups):
            edges = groups[prop]
            page = edges[offset: offset + limit] if limit is not None else edges
            results = []
            for own, edge in page:
                rel = edge.entity().to_dict()
                spec = model().get(edge.schema).edge
                assert spec is not None
                far_prop = spec.target if edge.source == own else spec.source
                far = lookup(edge.other(own))
                if far is not None:
                    rel["properties"][far_prop] = [far.to_dict()]
                results.append(rel)
            yield prop, results, len(edges)


def _ids_of(data: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys([data.get("id") or "", *(data.get("referents") or ())]))


_cache: dict[str, Graph] = {}
_lock = threading.Lock()


def graph_for(store: Any) -> Graph:
    """The store's current relation graph, rebuilt only when a list's latest snapshot changes."""
    from vigil.sources.relations import EXTRACTOR_VERSION

    with store.engine.connect() as conn:
        key = (EXTRACTOR_VERSION, tuple(sorted(store._latest_ids(conn))))
    cached = _cache.get(store.url)
    if cached is not None and cached.key == key:
        return cached
    with _lock:
        cached = _cache.get(store.url)
        if cached is not None and cached.key == key:
            return cached
        from vigil.store.relations import everything

        graph = Graph.build(everything(store), key)
        _cache[store.url] = graph
        return graph


def graph_or_none(store: Any) -> Graph | None:
    """`graph_for`, or None (logged) when the relations cannot be read: callers that use the graph as extra
    evidence carry on without it."""
    import logging

    try:
        return graph_for(store)
    except Exception:
        logging.getLogger(__name__).exception("the relation graph could not be loaded")
        return None
