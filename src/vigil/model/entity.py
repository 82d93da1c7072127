"""`Entity`: the one small type that carries a listed party everywhere (parsers, store, matcher, API).

It reads and writes FollowTheMoney JSON (`id`, `schema`, `properties`, plus the
yente/OpenSanctions envelope: `caption`, `datasets`, `referents`, `first_seen`,
`last_seen`, `last_change`, `target`). vigil adds `source`: where in the published
file the record came from (e.g. ``sdn.csv#12111``).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from .schema import Schema, SchemaError, model

# Properties whose values are names of the entity itself (in order of preference for captions).
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
CAPTION_PROPS = ("name", "alias", "lastName", "number", "full", "passportNumber")
MAX_VALUE_LEN = 8000


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s{2,}|[\t\n\r\f\v]")


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    # Hot path (every value of every ingest): str.isprintable() is C-fast and false for
    # any control character or tab/newline; only then do the regex clean-up.
    if not (text.isprintable() and "  " not in text):
        text = _CONTROL.sub(" ", text)
        text = " ".join(text.split())
    text = text.strip()
    if not text:
        return None
    return text[:MAX_VALUE_LEN]


class Entity:
    __slots__ = (
        "id", "schema", "properties", "datasets", "referents", "first_seen",
        "last_seen", "last_change", "target", "source",
    )

    def __init__(
        self,
        schema: str,
        id: str | None = None,
        properties: dict[str, Iterable[str]] | None = None,
        datasets: Iterable[str] = (),
        referents: Iterable[str] = (),
        first_seen: str | None = None,
        last_seen: str | None = None,
        last_change: str | None = None,
        target: bool = False,
        source: str | None = None,
    ):
        self.schema: Schema = model().get(schema)
        self.id = id
        self.properties: dict[str, list[str]] = {}
        self.datasets: list[str] = list(dict.fromkeys(datasets))
        self.referents: list[str] = list(dict.fromkeys(referents))
        self.first_seen = first_seen
        self.last_seen = last_seen
        self.last_change = last_change
        self.target = target
        self.source = source
        for prop, values in (properties or {}).items():
            self.add(prop, values, strict=False)

    # -- properties -------------------------------------------------------
    def add(self, prop: str, values: Any, strict: bool = True) -> None:
        """Add one value or an iterable of values; empty values and duplicates are ignored.

        `strict` rejects properties the schema does not define (catches parser typos);
        importing foreign FtM JSON uses strict=False and keeps unknown properties.
        """
        if strict and prop not in self.schema.properties:
            raise SchemaError(f"{self.schema.name} has no property {prop!r}")
        if values is None:
            return
        if isinstance(values, (str, int, float)):
            values = (values,)
        bucket = self.properties.get(prop)
        for value in values:
            text = _clean(value)
            if text is None:
                continue
            if bucket is None:
                bucket = self.properties[prop] = []
            if text not in bucket:
                bucket.append(text)

    def get(self, prop: str) -> list[str]:
        return self.properties.get(prop, [])

    def first(self, prop: str) -> str | None:
        values = self.properties.get(prop)
        return values[0] if values else None

    def has(self, prop: str) -> bool:
        return bool(self.properties.get(prop))

    def get_type(self, type_: str) -> list[str]:
        """All values of properties of one type, e.g. every `identifier` or `country`."""
        out: list[str] = []
        for prop, values in self.properties.items():
            if self.schema.prop_type(prop) == type_:
                out.extend(v for v in values if v not in out)
        return out

    @property
    def names(self) -> list[str]:
        out: list[str] = []
        for prop in NAME_PROPS:
            for v in self.properties.get(prop, ()):
                if v not in out:
                    out.append(v)
        return out

    def iter_names(self) -> Iterator[tuple[str, str]]:
        """(property, value) for every name of the entity, strong names first."""
        for prop in NAME_PROPS:
            for v in self.properties.get(prop, ()):
                yield prop, v

    @property
    def caption(self) -> str:
        for prop in CAPTION_PROPS:
            v = self.first(prop)
            if v:
                return v
        return self.id or self.schema.name

    # -- merging and serialisation ---------------------------------------
    def merge(self, other: "Entity") -> None:
        """Fold another record of the same party into this one (same id, compatible schema)."""
        common = model().common_schema(self.schema.name, other.schema.name)
        if common is None:
            raise SchemaError(f"cannot merge {self.schema.name} with {other.schema.name}")
        self.schema = model().get(common)
        for prop, values in other.properties.items():
            self.add(prop, values, strict=False)
        self.datasets = list(dict.fromkeys(self.datasets + other.datasets))
        self.referents = list(dict.fromkeys(self.referents + other.referents))
        self.target = self.target or other.target

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "caption": self.caption,
            "schema": self.schema.name,
            "properties": {k: list(v) for k, v in self.properties.items()},
            "datasets": list(self.datasets),
            "referents": list(self.referents),
            "target": self.target,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "last_change": self.last_change,
        }
        if self.source:
            data["source"] = self.source
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Entity":
        if not isinstance(data, dict) or "schema" not in data:
            raise SchemaError("not an entity: an object with 'schema' and 'properties' is required")
        props = data.get("properties") or {}
        if not isinstance(props, dict):
            raise SchemaError("entity 'properties' must be an object")
        return cls(
            schema=data["schema"],
            id=data.get("id"),
            properties={k: v if isinstance(v, list) else [v] for k, v in props.items()},
            datasets=data.get("datasets") or (),
            referents=data.get("referents") or (),
            first_seen=data.get("first_seen"),
            last_seen=data.get("last_seen"),
            last_change=data.get("last_change"),
            target=bool(data.get("target", False)),
            source=data.get("source"),
        )

    def __repr__(self) -> str:
        return f"<Entity {self.id} {self.schema.name} {self.caption!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entity) and self.to_dict() == other.to_dict()

    __hash__ = None  # mutable
