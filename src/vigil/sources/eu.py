"""EU Financial Sanctions Files (FSF): the XML `export` format and its flat CSV.

XML (`xmlFullSanctionsList_1_1`): `export[@generationDate] > sanctionEntity[@logicalId,
@euReferenceNumber, @unitedNationId, @designationDate, @designationDetails]` with children
`remark`, `regulation`, `subjectType[@code=person|enterprise]`, `nameAlias`, `citizenship`,
`birthdate`, `identification`, `address`. The namespace (officially
`http://eu.europa.ec/fpi/fsd/export`) is ignored so older and newer exports both read.

CSV (`csvFullSanctionsList_1_1`): ';'-separated, one row per detail, columns
`fileGenerationDate`, `Entity_LogicalId`, `Entity_EU_ReferenceNumber`, `NameAlias_WholeName`,
`BirthDate_BirthDate`, `Identification_Number`, `Citizenship_CountryIso2Code`, `Address_City` ...
Each `Prefix_Column` is mapped onto the XML attribute of the same meaning, so both formats feed
one builder and give the same entities. The official CSV has no `strong` flag for names; a
`NameAlias_Strong` column is honoured when present, otherwise CSV names count as strong.
"""
from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

from lxml import etree

from vigil.model import Entity

from .base import IngestError, Publication, check_file, utf8_csv_text
from .countries import to_code
from .dates import iso, parse_date, parse_datetime
from .xmlsafe import load_xml

DATASET = "eu_fsf"
DETAILS = ("nameAlias", "birthdate", "citizenship", "identification", "address")
Record = dict  # {"attrs": {...}, "remark": str, "regulations": [...], "nameAlias": [...], ...}

# CSV column suffix -> XML attribute, where the names differ beyond lowerCamelCase.
_CSV_RENAME = {
    ("birthdate", "BirthDate"): "birthdate", ("birthdate", "Day"): "dayOfMonth",
    ("birthdate", "Month"): "monthOfYear",
    ("identification", "TypeCode"): "identificationTypeCode",
    ("identification", "TypeDescription"): "identificationTypeDescription",
}
_CSV_PREFIX = {"namealias": "nameAlias", "birthdate": "birthdate", "citizenship": "citizenship",
               "identification": "identification", "address": "address"}
_ID_PROP = {"passport": "passportNumber", "id": "idNumber", "regnumber": "registrationNumber",
            "swiftbic": "swiftBic", "fiscalcode": "taxNumber", "tin": "taxNumber", "taxid": "taxNumber",
            "imo": "imoNumber", "ssn": "socialSecurityNumber"}
_UN_REF = re.compile(r"^([A-Z]{2,3})([ie])\.(\d{1,4})$", re.I)


def parse(path: Path) -> Publication:
    path = Path(path)
    if path.is_dir():
        path = _pick_file(path)
    check_file(path)
    if path.suffix.lower() == ".xml" or _starts_with_lt(path):
        published, records = _read_xml(path)
    else:
        published, records = _read_csv(path)
    entities = [_build(rec, path.name) for rec in records]
    if not entities:
        raise IngestError("no sanctionEntity records found", path)
    return Publication(dataset=DATASET, entities=entities, published=published, files=[path])


def _pick_file(folder: Path) -> Path:
    for pattern in ("*.xml", "*.csv"):
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    raise IngestError("no EU FSF .xml or .csv file in the folder", folder)


def _starts_with_lt(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


# -- XML ---------------------------------------------------------------------------

def _read_xml(path: Path):
    root = load_xml(path)
    if _local(root.tag) != "export":
        raise IngestError(f"not an EU FSF export: root element is <{_local(root.tag)}>, expected <export>",
                          path, root.sourceline)
    records: list[Record] = []
    for el in root:
        if _local(el.tag) != "sanctionEntity":
            continue
        if not el.get("logicalId"):
            raise IngestError("<sanctionEntity> without logicalId", path, el.sourceline)
        rec: Record = {"attrs": dict(el.attrib), "remark": [], "regulations": [], "subjectType": {},
                       **{d: [] for d in DETAILS}}
        for child in el:
            name = _local(child.tag)
            if name == "remark":
                rec["remark"].append((child.text or "").strip())
            elif name == "regulation":
                rec["regulations"].append(dict(child.attrib))
            elif name == "subjectType":
                rec["subjectType"] = dict(child.attrib)
            elif name in DETAILS:
                attrs = dict(child.attrib)
                for sub in child:
                    if _local(sub.tag) in ("remark", "contactInfo") and (sub.text or "").strip():
                        attrs[_local(sub.tag)] = (sub.text or "").strip()
                rec[name].append(attrs)
        records.append(rec)
    return parse_datetime(root.get("generationDate")), records


# -- CSV ---------------------------------------------------------------------------

def _csv_key(column: str) -> tuple[str, str] | None:
    """'NameAlias_WholeName' -> ('nameAlias', 'wholeName'); 'Entity_Regulation_Programme' -> ('regulation', 'programme')."""
    parts = column.strip().split("_")
    if len(parts) < 2:
        return None
    head = parts[0].lower()
    if head == "entity":
        if parts[1] == "Regulation" and len(parts) == 3:
            return "regulation", parts[2][0].lower() + parts[2][1:]
        rest = "_".join(parts[1:])
        mapping = {"LogicalId": "logicalId", "EU_ReferenceNumber": "euReferenceNumber",
                   "UnitedNationId": "unitedNationId", "DesignationDate": "designationDate",
                   "DesignationDetails": "designationDetails", "Remark": "remark",
                   "SubjectType": "subjectClass", "SubjectType_ClassificationCode": "subjectCode"}
        return ("entity", mapping[rest]) if rest in mapping else None
    kind = _CSV_PREFIX.get(head)
    if kind is None or len(parts) != 2:
        return None  # per-detail regulation columns: the entity's regulation is enough
    suffix = parts[1]
    return kind, _CSV_RENAME.get((kind, suffix), suffix[0].lower() + suffix[1:])


def _read_csv(path: Path):
    text = utf8_csv_text(path, "an EU FSF CSV")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        header = next(reader, None)
        if not header or "Entity_LogicalId" not in [h.strip() for h in header]:
            raise IngestError("not an EU FSF CSV: no Entity_LogicalId column in the header "
                              "(expected ';'-separated csvFullSanctionsList)", path, 1)
        keys = [_csv_key(h) for h in header]
        gen_idx = next((i for i, h in enumerate(header) if h.strip() == "fileGenerationDate"), None)
        published = None
        records: dict[str, Record] = {}
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise IngestError(f"row has {len(values)} fields, header has {len(header)}", path, reader.line_num)
            if published is None and gen_idx is not None:
                published = parse_datetime(values[gen_idx])
            _merge_row(records, keys, values, path, reader.line_num)
    except csv.Error as exc:
        raise IngestError(f"malformed CSV ({exc})", path, reader.line_num) from None
    return published, list(records.values())


def _merge_row(records: dict[str, Record], keys, values: list[str], path: Path, line: int) -> None:
    groups: dict[str, dict[str, str]] = {}
    for key, value in zip(keys, values):
        if key is None:
            continue
        value = value.strip()
        if value:
            groups.setdefault(key[0], {})[key[1]] = value
    entity = groups.get("entity", {})
    lid = entity.get("logicalId")
    if not lid:
        raise IngestError("row without Entity_LogicalId", path, line)
    rec = records.get(lid)
    if rec is None:
        code = entity.pop("subjectCode", "")
        klass = entity.pop("subjectClass", "")
        remark = entity.pop("remark", "")
        rec = records[lid] = {"attrs": entity, "remark": [remark] if remark else [], "regulations": [],
                              "subjectType": {"code": code, "classificationCode": klass},
                              **{d: [] for d in DETAILS}}
    reg = groups.get("regulation")
    if reg and reg not in rec["regulations"]:
        rec["regulations"].append(reg)
    for kind in DETAILS:
        detail = groups.get(kind)
        if detail and detail not in rec[kind]:
            rec[kind].append(detail)


# -- records -> entities ----------------------------------------------------------------

def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes", "y")


def _country(code: str | None, description: str | None) -> str | None:
    code = (code or "").strip().lower()
    if len(code) == 2 and code != "00":
        return code
    return to_code(description) if description and description.upper() != "UNKNOWN" else None


def _schema(rec: Record) -> str:
    st = rec["subjectType"]
    kinds = {(st.get("code") or "").lower(), (st.get("classificationCode") or "").lower()}
    if kinds & {"person", "p"}:
        return "Person"
    if kinds & {"enterprise", "e"}:
        return "Organization"
    return "LegalEntity"


def _build(rec: Record, filename: str) -> Entity:
    attrs = rec["attrs"]
    lid = attrs["logicalId"]
    schema = _schema(rec)
    person = schema == "Person"
    entity = Entity(schema, id=f"eu-fsf-{lid}", datasets=[DATASET], source=f"{filename}#{lid}")
    _add_names(entity, rec["nameAlias"], person)
    entity.add("topics", "sanction")
    for reg in rec["regulations"]:
        entity.add("program", reg.get("programme"))
        if reg.get("numberTitle"):
            entity.add("notes", f"Regulation {reg['numberTitle']}" + (
                f", published {reg['publicationDate']}" if reg.get("publicationDate") else ""))
    listed = parse_date(attrs.get("designationDate"))[:1] or sorted(
        d for reg in rec["regulations"] for d in parse_date(reg.get("publicationDate")))[:1]
    entity.add("createdAt", listed)
    ref = attrs.get("euReferenceNumber")
    if ref:
        entity.add("notes", f"EU reference number: {ref}")
    un = (attrs.get("unitedNationId") or "").strip()
    m = _UN_REF.match(un)
    if m:
        entity.referents = [f"unsc-{m.group(1).upper()}{m.group(2).lower()}.{int(m.group(3)):03d}"]
    elif un:
        entity.add("notes", f"UN id: {un}")
    entity.add("notes", attrs.get("designationDetails"))
    entity.add("notes", rec["remark"])
    if person:
        for b in rec["birthdate"]:
            _add_birthdate(entity, b)
        for c in rec["citizenship"]:
            entity.add("nationality", _country(c.get("countryIso2Code"), c.get("countryDescription")))
    else:
        for c in rec["citizenship"]:
            entity.add("country", _country(c.get("countryIso2Code"), c.get("countryDescription")))
    for ident in rec["identification"]:
        _add_identification(entity, ident)
    for addr in rec["address"]:
        parts = [addr.get(k) for k in ("street", "poBox", "zipCode", "city", "region", "place", "countryDescription")]
        full = ", ".join(p for p in parts if p and p.upper() != "UNKNOWN")
        entity.add("address", full)
        entity.add("country", _country(addr.get("countryIso2Code"), addr.get("countryDescription")))
        if addr.get("remark"):
            entity.add("notes", f"Address {full}: {addr['remark']}")
        if addr.get("contactInfo"):
            entity.add("notes", f"Contact: {addr['contactInfo']}")
    return entity


def _add_names(entity: Entity, aliases: list[dict], person: bool) -> None:
    primary = next((a for a in aliases if a.get("wholeName") and _truthy(a.get("strong", "true"))), None)
    for alias in aliases:
        whole = alias.get("wholeName") or " ".join(
            p for p in (alias.get("firstName"), alias.get("middleName"), alias.get("lastName")) if p)
        if alias is primary:
            entity.add("name", whole)
            if person:
                entity.add("firstName", alias.get("firstName"))
                entity.add("middleName", alias.get("middleName"))
                entity.add("lastName", alias.get("lastName"))
        elif _truthy(alias.get("strong", "true")):
            entity.add("alias", whole)
        else:
            entity.add("weakAlias", whole)
        if person:
            entity.add("title", alias.get("title"))
            entity.add("position", alias.get("function"))
            gender = {"m": "male", "f": "female"}.get((alias.get("gender") or "").lower())
            entity.add("gender", gender)
        if alias.get("remark"):
            entity.add("notes", f"Name {whole}: {alias['remark']}")
    if not entity.has("name") and entity.has("alias"):
        entity.add("name", entity.properties["alias"].pop(0))


def _add_birthdate(entity: Entity, b: dict) -> None:
    values = parse_date(b.get("birthdate"))
    if not values and b.get("year"):
        value = iso(b["year"], b.get("monthOfYear"), b.get("dayOfMonth"))
        values = [value] if value else []
    start, end = b.get("yearRangeFrom"), b.get("yearRangeTo")
    if start and end and start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= 10:
        values += [iso(y) for y in range(int(start), int(end) + 1)]
    else:
        values += [v for y in (start, end) for v in parse_date(y)]
    entity.add("birthDate", values)
    if _truthy(b.get("circa")) and values:
        entity.add("notes", f"Date of birth circa {', '.join(values)}")
    place = ", ".join(p for p in (b.get("place"), b.get("city"), b.get("region"), b.get("countryDescription"))
                      if p and p.upper() != "UNKNOWN")
    entity.add("birthPlace", place)
    entity.add("birthCountry", _country(b.get("countryIso2Code"), b.get("countryDescription")))
    if b.get("remark"):
        entity.add("notes", f"Date of birth: {b['remark']}")


def _add_identification(entity: Entity, ident: dict) -> None:
    number = ident.get("number") or ident.get("latinNumber")
    if not number:
        return
    code = (ident.get("identificationTypeCode") or "").lower()
    prop = _ID_PROP.get(code, "idNumber")
    if prop not in entity.schema.properties:
        prop = "idNumber" if "idNumber" in entity.schema.properties else "registrationNumber"
    entity.add(prop, number)
    if ident.get("latinNumber") and ident.get("latinNumber") != number:
        entity.add(prop, ident["latinNumber"])
    flags = [label for key, label in (("knownFalse", "known false"), ("knownExpired", "known expired"),
                                      ("reportedLost", "reported lost"), ("revokedByIssuer", "revoked by issuer"),
                                      ("diplomatic", "diplomatic")) if _truthy(ident.get(key))]
    country = ident.get("countryDescription") if (ident.get("countryDescription") or "").upper() != "UNKNOWN" else None
    details = [d for d in (country, ident.get("issuedBy") and f"issued by {ident['issuedBy']}",
                           ident.get("issuedDate") and f"issued {ident['issuedDate']}",
                           ident.get("nameOnDocument") and f"name on document {ident['nameOnDocument']}",
                           *flags, ident.get("remark")) if d]
    label = ident.get("identificationTypeDescription") or code or "Identification"
    entity.add("notes", f"{label} {number}" + (f" ({'; '.join(details)})" if details else ""))
