"""Schemata as data: loaded once from schemata.yml (a FollowTheMoney-compatible subset)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

SCHEMATA_FILE = Path(__file__).with_name("schemata.yml")


class SchemaError(ValueError):
    """An unknown schema or property."""


@dataclass(frozen=True)
class Schema:
    name: str
    parents: tuple[str, ...]
    properties: dict[str, str]  # property name -> type, inherited ones included
    matchable: bool = False
    abstract: bool = False
    ancestors: frozenset[str] = field(default_factory=frozenset)  # includes self
    edge: "Edge | None" = None  # relation schemata (Ownership, Membership ...): their two ends

    def is_a(self, other: str) -> bool:
        return other in self.ancestors

    def prop_type(self, prop: str) -> str | None:
        return self.properties.get(prop)

    def props_of_type(self, type_: str) -> list[str]:
        return [p for p, t in self.properties.items() if t == type_]


@dataclass(frozen=True)
class Edge:
    """The two entity properties of a relation schema, read "source <label> target"."""
    source: str
    target: str
    label: str
    reverse: dict[str, str]  # end property -> its name as seen from the entity it points to


class Model:
    def __init__(self, raw: dict):
        self._raw = raw
        self.schemata: dict[str, Schema] = {}
        for name in raw:
            self._build(name)

    def _build(self, name: str) -> Schema:
        if name in self.schemata:
            return self.schemata[name]
        spec = self._raw[name]
        parents = tuple(spec.get("extends", []))
        props: dict[str, str] = {}
        ancestors = {name}
        for parent in parents:
            p = self._build(parent)
            props.update(p.properties)
            ancestors |= p.ancestors
        props.update(spec.get("properties") or {})
        schema = Schema(
            name=name,
            parents=parents,
            properties=props,
            matchable=bool(spec.get("matchable", False)),
            abstract=bool(spec.get("abstract", False)),
            ancestors=frozenset(ancestors),
            edge=Edge(**spec["edge"]) if spec.get("edge") else None,
        )
        self.schemata[name] = schema
        return schema

    def get(self, name: str) -> Schema:
        try:
            return self.schemata[name]
        except KeyError:
            raise SchemaError(f"unknown schema: {name!r}") from None

    def common_schema(self, a: str, b: str) -> str | None:
        """The more specific of two schemata if one descends from the other, else None.

        A Person query may match a LegalEntity record (and becomes a Person match),
        but a Person never matches a Vessel.
        """
        sa, sb = self.get(a), self.get(b)
        if sa.is_a(b):
            return a
        if sb.is_a(a):
            return b
        return None

    def edges(self) -> list[Schema]:
        """The relation schemata."""
        return [s for s in self.schemata.values() if s.edge is not None]

    def matchable(self) -> list[str]:
        return [s.name for s in self.schemata.values() if s.matchable]


@lru_cache(maxsize=1)
def model() -> Model:
    with open(SCHEMATA_FILE, encoding="utf-8") as fh:
        return Model(yaml.safe_load(fh))
