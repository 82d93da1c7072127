"""nomenklatura's `logic-v2` / `logic-v1` as comparison anchors (optional `bench` extra).

Used the way nomenklatura's own contrib/name_bench and entity_bench do: build FtM
`ValueEntity` proxies with followthemoney and call `Algorithm.compare(query, candidate,
Algorithm.default_config())`. When nomenklatura is not installed, `available()` is False
and the report shows NOT_INSTALLED instead of a figure.
"""
from __future__ import annotations

import importlib.util
import itertools
from functools import lru_cache
from typing import Any, Callable

from vigil.model import Entity

ANCHORS = ("logic-v2", "logic-v1")
NOT_INSTALLED = "not installed (pip install -e .[bench])"
_ids = itertools.count()


def available() -> bool:
    # find_spec keeps nomenklatura (and its memory) out of the process until a section needs it.
    return importlib.util.find_spec("nomenklatura") is not None and importlib.util.find_spec("followthemoney") is not None


@lru_cache(maxsize=None)
def algorithm(name: str) -> tuple[Any, Any]:
    from nomenklatura.matching import get_algorithm

    found = get_algorithm(name)
    if found is None:
        raise ValueError(f"nomenklatura has no algorithm {name!r}")
    return found, found.default_config()


def _proxy(schema: str, props: dict[str, list[str]]) -> Any:
    from followthemoney import ValueEntity, model

    schema_obj = model.get(schema) or model.get("LegalEntity")
    proxy = ValueEntity(schema_obj, {"id": f"bench-{next(_ids)}"})
    for prop, values in props.items():
        if prop in schema_obj.properties:
            proxy.add(prop, values, cleaned=False, quiet=True)
    if not proxy.names:
        # As nomenklatura's entity_bench does: a name from its parts when only parts are given.
        parts = [proxy.first(p) for p in ("firstName", "secondName", "middleName", "fatherName", "motherName", "lastName")
                 if p in schema_obj.properties]
        name = " ".join(p for p in parts if p)
        if name:
            proxy.add("name", name)
    return proxy


def proxy_from_entity(entity: Entity) -> Any:
    return _proxy(entity.schema.name, entity.properties)


def comparer(name: str) -> Callable[[Entity, Entity], float]:
    """A `(query, candidate) -> score` function backed by the named nomenklatura algorithm."""
    algo, config = algorithm(name)

    def compare(query: Entity, candidate: Entity) -> float:
        return float(algo.compare(proxy_from_entity(query), proxy_from_entity(candidate), config).score)

    compare.__name__ = name
    return compare


def version() -> str | None:
    if not available():
        return None
    from importlib.metadata import version as dist_version

    return dist_version("nomenklatura")
