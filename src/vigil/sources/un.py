"""UN Security Council Consolidated List (XML, `CONSOLIDATED_LIST` with INDIVIDUALS and ENTITIES).

Ids are `unsc-<REFERENCE_NUMBER>` (e.g. `unsc-IRi.039`): the reference number is what the UN,
OFSI and the EU cite, so it stays stable across publications (DATAID does too, but nobody
cites it). Alias quality maps onto FtM: Good / a.k.a. -> alias, Low -> weakAlias,
f.k.a. -> previousName. ALIAS_NAME sometimes holds several names separated by ';'.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from vigil.model import Entity

from .base import IngestError, Publication
from .countries import to_code
from .dates import iso, parse_date, parse_datetime
from .xmlsafe import load_xml, text, texts

DATASET = "un_sc_sanctions"
QUALITY_PROP = {"good": "alias", "a.k.a.": "alias", "aka": "alias", "low": "weakAlias",
                "f.k.a.": "previousName", "fka": "previousName"}
IMO_RE = re.compile(r"\bIMO\)?(?:\s*(?:number|no\.?))?\s*:?\s*(\d{7})\b", re.I)


def parse(path: Path) -> Publication:
    path = Path(path)
    if path.is_dir():
        candidates = sorted(path.glob("*.xml"))
        if len(candidates) != 1:
            raise IngestError("expected exactly one UN consolidated .xml file in the folder", path)
        path = candidates[0]
    root = load_xml(path)
    if root.tag != "CONSOLIDATED_LIST":
        raise IngestError(f"not a UN consolidated list: root element is <{root.tag}>, "
                          "expected <CONSOLIDATED_LIST>", path, root.sourceline)
    entities: list[Entity] = []
    seen: set[str] = set()
    warnings: list[str] = []
    for el in root.iter("INDIVIDUAL", "ENTITY"):
        entity = _parse_record(el, path)
        if entity.id in seen:
            warnings.append(f"{path.name}:{el.sourceline}: duplicate reference {entity.id}, merged")
            next(e for e in entities if e.id == entity.id).merge(entity)
            continue
        seen.add(entity.id)
        entities.append(entity)
    if not entities:
        raise IngestError("no INDIVIDUAL or ENTITY records found", path)
    return Publication(dataset=DATASET, entities=entities,
                       published=parse_datetime(root.get("dateGenerated")), files=[path],
                       warnings=warnings)


def _parse_record(el: etree._Element, path: Path) -> Entity:
    ref = text(el, "REFERENCE_NUMBER")
    if not ref:
        raise IngestError(f"<{el.tag}> without REFERENCE_NUMBER", path, el.sourceline)
    person = el.tag == "INDIVIDUAL"
    entity = Entity("Person" if person else "Organization", id=f"unsc-{ref}",
                    datasets=[DATASET], source=f"{path.name}#{ref}")
    parts = [text(el, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    entity.add("name", " ".join(p for p in parts if p))
    if person:
        entity.add("firstName", parts[0])
        entity.add("secondName", parts[1])
        entity.add("middleName", parts[2:])
        entity.add("title", texts(el, "TITLE/VALUE"))
        entity.add("position", texts(el, "DESIGNATION/VALUE"))
        gender = (text(el, "GENDER") or "").lower()
        entity.add("gender", gender if gender in ("male", "female") else None)
    entity.add("alias", text(el, "NAME_ORIGINAL_SCRIPT"))
    for alias in el.findall("INDIVIDUAL_ALIAS") + el.findall("ENTITY_ALIAS"):
        _add_alias(entity, alias)
    entity.add("program", text(el, "UN_LIST_TYPE"))
    entity.add("topics", "sanction")
    entity.add("createdAt", parse_date(text(el, "LISTED_ON"))[:1])
    updated = sorted(d for v in texts(el, "LAST_DAY_UPDATED/VALUE") for d in parse_date(v))
    entity.add("modifiedAt", updated[-1:])
    comments = text(el, "COMMENTS1")
    entity.add("notes", comments)
    if comments and not person:
        entity.add("imoNumber", IMO_RE.findall(comments))
    for value in texts(el, "NATIONALITY/VALUE"):
        code = to_code(value)
        if code:
            entity.add("nationality", code)
        else:
            entity.add("notes", f"Nationality: {value}")
    for addr in el.findall("INDIVIDUAL_ADDRESS") + el.findall("ENTITY_ADDRESS"):
        _add_address(entity, addr)
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        _add_birth_date(entity, dob)
    for pob in el.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        place = ", ".join(p for p in (text(pob, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")) if p)
        entity.add("birthPlace", place)
        entity.add("birthCountry", to_code(text(pob, "COUNTRY")))
        if text(pob, "NOTE"):
            entity.add("notes", f"Place of birth: {place} ({text(pob, 'NOTE')})")
    for doc in el.findall("INDIVIDUAL_DOCUMENT"):
        _add_document(entity, doc)
    return entity


def _add_alias(entity: Entity, el: etree._Element) -> None:
    names = text(el, "ALIAS_NAME")
    if not names:
        return
    quality = (text(el, "QUALITY") or "").lower()
    prop = QUALITY_PROP.get(quality, "alias")
    values = [n.strip() for n in names.split(";") if n.strip()]
    entity.add(prop, values)
    # Some aliases carry their own birth details (the same person under another identity).
    dob = text(el, "DATE_OF_BIRTH")
    if entity.schema.name == "Person" and dob:
        entity.add("birthDate", parse_date(dob))
    details = [f"{label}: {text(el, tag)}" for label, tag in (
        ("date of birth", "DATE_OF_BIRTH"), ("city of birth", "CITY_OF_BIRTH"),
        ("country of birth", "COUNTRY_OF_BIRTH"), ("note", "NOTE")) if text(el, tag)]
    if details:
        entity.add("notes", f"Alias {names}: " + "; ".join(details))


def _add_address(entity: Entity, el: etree._Element) -> None:
    parts = [text(el, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
    full = ", ".join(p for p in parts if p)
    entity.add("address", full)
    entity.add("country", to_code(text(el, "COUNTRY")))
    note = text(el, "NOTE")
    if note:
        entity.add("notes", f"Address {full}: {note}" if full else f"Address: {note}")


def _add_birth_date(entity: Entity, el: etree._Element) -> None:
    kind = (text(el, "TYPE_OF_DATE") or "").upper()
    values: list[str] = []
    if text(el, "DATE"):
        values += parse_date(text(el, "DATE"))
    if text(el, "YEAR"):
        values += parse_date(text(el, "YEAR"))
    start, end = text(el, "FROM_YEAR"), text(el, "TO_YEAR")
    if start and end and start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= 10:
        # A short range: every year in it, so a query with any of them matches exactly.
        values += [iso(y) for y in range(int(start), int(end) + 1)]
    else:
        values += [v for y in (start, end) for v in parse_date(y)]
    note = text(el, "NOTE")
    if not values and note:
        values = parse_date(note)
    entity.add("birthDate", values)
    if kind == "APPROXIMATELY" and values:
        entity.add("notes", f"Date of birth approximately (circa) {', '.join(values)}")
    elif kind == "BETWEEN" and start and end:
        entity.add("notes", f"Date of birth between {start} and {end}")
    if note:
        entity.add("notes", f"Date of birth note: {note}")


DOC_PROP = {"passport": "passportNumber", "national identification number": "idNumber"}


def _add_document(entity: Entity, el: etree._Element) -> None:
    number = text(el, "NUMBER")
    kind = text(el, "TYPE_OF_DOCUMENT") or ""
    kind2 = text(el, "TYPE_OF_DOCUMENT2")
    if not number and not kind2:
        return
    key = kind.lower()
    prop = DOC_PROP.get(key) or ("passportNumber" if "pas" in key else "idNumber")
    if number:
        entity.add(prop, _bare_number(number))
    country = text(el, "ISSUING_COUNTRY") or text(el, "COUNTRY_OF_ISSUE")
    details = [d for d in (
        kind2 and kind2.strip(" :"), country and f"issued by {country}",
        text(el, "CITY_OF_ISSUE") and f"in {text(el, 'CITY_OF_ISSUE')}",
        text(el, "DATE_OF_ISSUE") and f"on {text(el, 'DATE_OF_ISSUE')}", text(el, "NOTE")) if d]
    label = kind or "Document"
    entity.add("notes", f"{label} {number or ''}".strip() + (f" ({'; '.join(details)})" if details else ""))


_NUMBERISH = re.compile(r"[A-Z0-9][A-Z0-9\-/.]*\d[A-Z0-9\-/.]*", re.I)


def _bare_number(value: str) -> list[str]:
    """'Congo service passport number SA0020249' -> ['SA0020249']; plain numbers unchanged."""
    value = re.sub(r"\s*\([^)]*\)", "", value).strip() or value.strip()
    if " " not in value:
        return [value]
    tokens = _NUMBERISH.findall(value)
    words = [w for w in value.split() if w.isalpha() and len(w) > 3]
    if tokens and words:
        return tokens
    return [value]
