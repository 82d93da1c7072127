"""Turn evaluation rows into vigil `Entity` queries/candidates (the same properties go to every algorithm)."""
from __future__ import annotations

import itertools

from vigil.model import Entity
from vigil.model.schema import SchemaError, model
from vigil.sources.countries import to_code

from .evalsets import PersonRow

PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "motherName", "lastName")
_ids = itertools.count()


def _schema(name: str) -> str:
    try:
        model().get(name)
        return name
    except SchemaError:
        return "LegalEntity"


def name_entity(schema: str, name: str) -> Entity:
    return Entity(_schema(schema), id=f"bench-{next(_ids)}", properties={"name": [name]})


def props_entity(schema: str, props: dict[str, list[str]]) -> Entity:
    """An entity with the given properties; like nomenklatura's entity_bench, the name is built from
    its parts (first, middle, last ...) when only parts are given."""
    entity = Entity(_schema(schema), id=f"bench-{next(_ids)}")
    for prop, values in props.items():
        if prop in entity.schema.properties:
            entity.add(prop, values)
    if not entity.names:
        name = " ".join(v for p in PART_PROPS for v in entity.get(p)[:1])
        if name:
            entity.add("name", name)
    return entity


def person_entity(row: PersonRow, with_details: bool = True) -> Entity:
    """A Person query from a yente fixture row: name (+ parts), and with_details: birth date,
    nationality (ISO code), gender, birth place — what a screening client would send."""
    props: dict[str, list[str]] = {"name": [row.full_name]}
    if with_details:
        for prop, value in (("firstName", row.first_name), ("middleName", row.middle_name),
                            ("lastName", row.last_name), ("birthDate", row.birth_date),
                            ("birthPlace", row.birth_place)):
            if value:
                props[prop] = [value]
        if row.gender.lower() in ("male", "female", "other"):
            props["gender"] = [row.gender.lower()]
        if row.nationality:
            code = to_code(row.nationality)
            if code:
                props["nationality"] = [code]
    return Entity("Person", id=f"bench-{next(_ids)}", properties=props)
