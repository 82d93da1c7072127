"""OFAC's classic `sdnList` XML (sdn.xml, consolidated.xml), namespace-agnostic.

Parsed by `xmlsafe.parse_bytes`: lxml with entity resolution, DTD loading and network access off, and any
DOCTYPE the parser sees is refused (OFAC's files have none; a DOCTYPE is how XXE and entity-expansion attacks
arrive).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from vigil.model import Entity

from .base import IngestError, Publication, check_file, looks_binary
from .xmlsafe import parse_bytes
from .ofac_entity import add_address, add_remarks, add_vessel, new_entity, person_name, resolve_links
from .ofac_remarks import apply_country, apply_detail, apply_dob, apply_pob

AKA_PROPS = {"a.k.a.": "alias", "n.k.a.": "alias", "f.k.a.": "previousName"}


def looks_like_xml(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def load_tree(path: Path) -> etree._Element:
    """Safe parse; hostile or broken XML -> IngestError with the line."""
    check_file(path)
    if looks_binary(path):
        raise IngestError("binary data (NUL bytes): not an XML file", path)
    raw = path.read_bytes()
    root = parse_bytes(raw, path, remove_blank_text=True)
    if etree.QName(root).localname != "sdnList":
        raise IngestError(f"root element is <{etree.QName(root).localname}>, expected OFAC <sdnList>", path, root.sourceline)
    return root


def _text(el: etree._Element | None, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(f"{{*}}{tag}")
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _items(el: etree._Element, path: str) -> list[etree._Element]:
    return el.findall("/".join(f"{{*}}{p}" for p in path.split("/")))


def publish_date(root: etree._Element) -> datetime | None:
    text = _text(root.find("{*}publshInformation"), "Publish_Date")
    if not text:
        return None
    try:
        return datetime.strptime(text, "%m/%d/%Y").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def entry_entity(el: etree._Element, dataset: str, path: Path) -> tuple[Entity, list[str]]:
    uid = _text(el, "uid")
    if not uid or not uid.isdigit():
        raise IngestError(f"<sdnEntry> without a numeric <uid> ({uid!r})", path, el.sourceline)
    sdn_type = _text(el, "sdnType")
    name = person_name(_text(el, "lastName"), _text(el, "firstName"))
    if not name:
        raise IngestError(f"entry {uid} has no name", path, el.sourceline)
    programs = [p.text.strip() for p in _items(el, "programList/program") if p.text and p.text.strip()]
    entity = new_entity(dataset, uid, name, sdn_type, f"{path.name}#{uid}", programs, _text(el, "title"))
    if entity.schema.name == "Person":
        entity.add("firstName", _text(el, "firstName"))
        entity.add("lastName", _text(el, "lastName"))

    for aka in _items(el, "akaList/aka"):
        aka_name = person_name(_text(aka, "lastName"), _text(aka, "firstName"))
        prop = AKA_PROPS.get((_text(aka, "type") or "a.k.a.").lower(), "alias")
        if prop == "alias" and (_text(aka, "category") or "").lower() == "weak":
            prop = "weakAlias"
        entity.add(prop, aka_name)

    for item in _items(el, "idList/id"):
        id_type, number, country = _text(item, "idType"), _text(item, "idNumber"), _text(item, "idCountry")
        if not id_type or not number:
            continue
        # XML has no remarks text for these, so the statement is kept as a note as OFAC's CSV would show it.
        entity.add("notes", f"{id_type} {number}" + (f" ({country})" if country else ""))
        apply_detail(entity, id_type.strip(), number)

    for item in _items(el, "dateOfBirthList/dateOfBirthItem"):
        if dob := _text(item, "dateOfBirth"):
            apply_dob(entity, dob)
    for item in _items(el, "placeOfBirthList/placeOfBirthItem"):
        if pob := _text(item, "placeOfBirth"):
            apply_pob(entity, pob)
    for item in _items(el, "nationalityList/nationality"):
        if country := _text(item, "country"):
            apply_country(entity, "nationality", country)
    for item in _items(el, "citizenshipList/citizenship"):
        if country := _text(item, "country"):
            apply_country(entity, "citizenship", country)
    for item in _items(el, "addressList/address"):
        parts = [_text(item, t) for t in ("address1", "address2", "address3")]
        # Written as OFAC's CSV writes it ("Mumbai, Maharashtra 40051"), so both formats give the same address.
        city = ", ".join(p for p in (_text(item, "city"), _text(item, "stateOrProvince")) if p)
        city = " ".join(p for p in (city, _text(item, "postalCode")) if p)
        add_address(entity, [*parts, city], _text(item, "country"))

    vessel = el.find("{*}vesselInfo")
    if vessel is not None:
        add_vessel(
            entity, _text(vessel, "callSign"), _text(vessel, "vesselType"), _text(vessel, "tonnage"),
            _text(vessel, "grossRegisteredTonnage"), _text(vessel, "vesselFlag"), _text(vessel, "vesselOwner"),
        )
    linked = add_remarks(entity, _text(el, "remarks"))
    return entity, linked


def parse_xml(path: Path, dataset: str) -> Publication:
    root = load_tree(path)
    entities: list[Entity] = []
    seen: set[str] = set()
    links: dict[str, list[str]] = {}
    for el in root.iterfind("{*}sdnEntry"):
        entity, linked = entry_entity(el, dataset, path)
        if entity.id in seen:
            raise IngestError(f"entry {entity.id} appears twice", path, el.sourceline)
        seen.add(entity.id or "")
        entities.append(entity)
        if linked:
            links[entity.id or ""] = linked
    if not entities:
        raise IngestError("no <sdnEntry> records", path)
    warnings: list[str] = []
    count = _text(root.find("{*}publshInformation"), "Record_Count")
    if count and count.isdigit() and int(count) != len(entities):
        warnings.append(f"{path.name}: Record_Count says {count}, file holds {len(entities)} entries")
    resolve_links(entities, links)
    return Publication(dataset=dataset, entities=entities, published=publish_date(root), files=[path], warnings=warnings)
