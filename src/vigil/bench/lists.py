"""The lists the list-level benchmarks screen against.

From the store (VIGIL_HOME / VIGIL_DATABASE_URL) when any dataset has been ingested there,
else parsed directly from a local mirror laid out like ../shared/data, with the same file
choice as `vigil update --mirror DIR` (nothing is written).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from vigil.model import Entity
from vigil.model.schema import SchemaError

@dataclass
class LoadedLists:
    entities: list[Entity]
    origin: str  # "store <url>" or "mirror <dir>"
    datasets: dict[str, int] = field(default_factory=dict)  # dataset -> entity count
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        counts = ", ".join(f"{name} {count:,}" for name, count in sorted(self.datasets.items()))
        return f"{len(self.entities):,} entities from {self.origin} ({counts})"


def _count(entities: list[Entity]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entity in entities:
        for dataset in entity.datasets or ["?"]:
            counts[dataset] = counts.get(dataset, 0) + 1
    return counts


def from_store() -> LoadedLists | None:
    """Every current entity in the configured store, or None when nothing has been ingested."""
    from vigil.store import Store

    started = time.perf_counter()
    store = Store()
    if not store.datasets():
        return None
    entities = list(store.entities())
    return LoadedLists(entities, f"store {store.engine.url.render_as_string(hide_password=True)}",
                       _count(entities), time.perf_counter() - started)


def from_mirror(mirror: Path) -> LoadedLists:
    """Parse each source present in the mirror (no store involved); missing sources are skipped with a warning."""
    from vigil.sources import IngestError, parse
    from vigil.store.update import UPDATE_ORDER, Skip, mirror_path

    started = time.perf_counter()
    by_id: dict[str, Entity] = {}
    warnings: list[str] = []
    for source in UPDATE_ORDER:  # the same files `vigil update --mirror DIR` would ingest
        try:
            pub = parse(source, mirror_path(source, Path(mirror)))
        except (Skip, IngestError) as exc:
            warnings.append(f"{source}: {exc}")
            continue
        for entity in pub.entities:
            if not entity.datasets:
                entity.datasets = [pub.dataset]
            # Same id on two lists (both OFAC lists): one entity, as the store does it.
            if entity.id in by_id:
                try:
                    by_id[entity.id].merge(entity)
                except SchemaError as exc:
                    warnings.append(f"{entity.id}: {exc}")
            else:
                by_id[entity.id] = entity
    if not by_id:
        raise FileNotFoundError(f"no list could be parsed from {mirror}: " + "; ".join(warnings))
    entities = list(by_id.values())
    return LoadedLists(entities, f"mirror {mirror}", _count(entities), time.perf_counter() - started, warnings)


def load_lists(mirror: Path, prefer_store: bool = True) -> LoadedLists:
    if prefer_store:
        loaded = from_store()
        if loaded is not None:
            return loaded
    return from_mirror(mirror)
