"""A party's merged view: one FtM entity over its records, which list says what, and where it is listed."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigil.model import Entity, SchemaError, model

from .links import Link

# Whose primary name leads the merged entity (its caption): the UN list first, as the other lists
# copy its entries; then the EU, the UK and OFAC; other datasets after them.
DATASET_ORDER = ("un_sc_sanctions", "eu_fsf", "eu_journal_sanctions", "gb_hmt_sanctions", "us_ofac_sdn",
                 "us_ofac_cons")


@dataclass
class Listing:
    """Where one record of the party is listed."""
    record_id: str
    datasets: list[str]
    caption: str
    schema: str
    programs: list[str]
    listed_on: str | None  # the list's own listing date (createdAt), when it gives one
    modified: str | None
    first_seen: str | None  # when vigil first saw the record

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Party:
    id: str
    members: list[str]
    entity: Entity  # merged: id = party id, referents = every member record id
    provenance: dict[str, dict[str, list[str]]]  # property -> value -> record ids stating it
    listings: list[Listing]
    links: list[Link] = field(default_factory=list)

    @property
    def datasets(self) -> list[str]:
        return list(self.entity.datasets)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "caption": self.entity.caption, "members": list(self.members),
                "datasets": self.datasets, "entity": self.entity.to_dict(), "provenance": self.provenance,
                "listings": [l.to_dict() for l in self.listings], "links": [l.to_dict() for l in self.links]}


def _rank(entity: Entity) -> tuple[int, str]:
    ranks = [DATASET_ORDER.index(d) for d in entity.datasets if d in DATASET_ORDER]
    return (min(ranks) if ranks else len(DATASET_ORDER), entity.id or "")


def merge(party_id: str, entities: list[Entity]) -> tuple[Entity, dict[str, dict[str, list[str]]]]:
    """One entity over the records (UN first, see DATASET_ORDER) and, per property value, who states it."""
    entities = sorted(entities, key=_rank)
    schema = entities[0].schema.name
    for e in entities[1:]:
        schema = model().common_schema(schema, e.schema.name) or schema  # the clusterer keeps them compatible
    merged = Entity(schema, id=party_id)
    provenance: dict[str, dict[str, list[str]]] = {}
    for e in entities:
        for prop, values in e.properties.items():
            try:
                merged.add(prop, values)
            except SchemaError:
                merged.add(prop, values, strict=False)
            per_value = provenance.setdefault(prop, {})
            for value in values:
                ids = per_value.setdefault(value, [])
                if e.id not in ids:
                    ids.append(e.id or "")
        merged.datasets = list(dict.fromkeys(merged.datasets + e.datasets))
        merged.target = merged.target or e.target
    merged.referents = sorted(e.id for e in entities if e.id)
    merged.first_seen = min((e.first_seen for e in entities if e.first_seen), default=None)
    merged.last_seen = max((e.last_seen for e in entities if e.last_seen), default=None)
    merged.last_change = max((e.last_change for e in entities if e.last_change), default=None)
    return merged, provenance


def listing(entity: Entity) -> Listing:
    return Listing(entity.id or "", list(entity.datasets), entity.caption, entity.schema.name,
                   entity.get("program"), min(entity.get("createdAt"), default=None),
                   max(entity.get("modifiedAt"), default=None), entity.first_seen)


def build(party_id: str, entities: list[Entity], links: list[Link] | None = None) -> Party:
    entity, provenance = merge(party_id, entities)
    ordered = sorted(entities, key=_rank)
    return Party(party_id, [e.id or "" for e in ordered], entity, provenance, [listing(e) for e in ordered],
                 list(links or []))
