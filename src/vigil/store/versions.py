"""Entity versions: the canonical form that is hashed, and a fast path back to `Entity`."""
from __future__ import annotations

import hashlib
from typing import Any

import orjson

from vigil.model import Entity, model

# Not part of an entity's content: they describe when we saw it, not what the list says.
TIMESTAMP_FIELDS = ("first_seen", "last_seen", "last_change")


def stored_dict(entity: Entity) -> dict[str, Any]:
    data = entity.to_dict()
    for key in TIMESTAMP_FIELDS:
        data.pop(key, None)
    data.pop("caption", None)  # derived from the properties
    return data


def version_hash(data: dict[str, Any]) -> str:
    """Hash of the content; the order of values within a property does not count as a change."""
    canonical = dict(data)
    canonical["properties"] = {k: sorted(v) for k, v in data["properties"].items() if v}
    canonical["datasets"] = sorted(data.get("datasets") or ())
    canonical["referents"] = sorted(data.get("referents") or ())
    # Where in the file a record sits (e.g. a line number) moves when other rows change.
    canonical.pop("source", None)
    raw = orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def encode(data: dict[str, Any]) -> str:
    return orjson.dumps(data).decode()


def decode_entity(raw: str | bytes) -> Entity:
    """Rebuild an Entity from stored JSON without re-cleaning every value.

    Values were cleaned by `Entity.add` before they were stored; skipping that pass
    makes loading all lists for the matcher several times faster.
    """
    data = orjson.loads(raw)
    entity = Entity.__new__(Entity)
    entity.schema = model().get(data["schema"])
    entity.id = data.get("id")
    entity.properties = {k: list(v) for k, v in (data.get("properties") or {}).items()}
    entity.datasets = list(data.get("datasets") or ())
    entity.referents = list(data.get("referents") or ())
    entity.first_seen = entity.last_seen = entity.last_change = None
    entity.target = bool(data.get("target", False))
    entity.source = data.get("source")
    return entity


def property_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """prop -> {added: [...], removed: [...]} between two stored versions (schema changes under 'schema')."""
    changes: dict[str, dict[str, list[str]]] = {}
    if old.get("schema") != new.get("schema"):
        changes["schema"] = {"added": [new.get("schema")], "removed": [old.get("schema")]}
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    for prop in sorted(set(old_props) | set(new_props)):
        before, after = old_props.get(prop, []), new_props.get(prop, [])
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        if added or removed:
            changes[prop] = {"added": added, "removed": removed}
    for key in ("referents", "datasets"):
        before, after = old.get(key) or [], new.get(key) or []
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        if added or removed:
            changes[key] = {"added": added, "removed": removed}
    return changes
