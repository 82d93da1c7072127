"""UK OFSI Consolidated List (ConList) as CSV or XLSX.

Both formats share one layout: line 1 `Last Updated,dd/mm/yyyy`, line 2 the header, then one
row per name of a listed party. Rows are grouped by `Group ID` into one entity
`gb-hmt-<Group ID>`. Both readers yield the same rows of strings, and one builder turns them
into entities, so CSV and XLSX give identical entities by construction.

Structured facts hide in `Other Information` as `(Key):value` runs: the UK list reference,
the UN reference (kept as the referent `unsc-<ref>`), gender, and for ships IMO number, flag,
type, tonnage and year built. The UN reference that a ship row mentions for its *owner*
("Listed as asset of ... UN Ref KPe.064") is not the ship's own and is not taken.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from vigil.model import Entity

from .base import IngestError, Publication, check_file, looks_binary, refuse_nul
from .countries import to_code
from .dates import parse_date, parse_datetime

DATASET = "gb_hmt_sanctions"
REQUIRED = ("Name 6", "Group Type", "Alias Type", "Group ID")
SCHEMA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
ROW = dict[str, str]

_NUMBERED = re.compile(r"\(\d{1,2}\)\s*")
_INFO_KEY = re.compile(r"\(([A-Z][A-Za-z &'/-]{1,40})\)\s*:")
_UN_REF = re.compile(r"\b([A-Z]{2,3})([ie])\.\s*(\d{1,4})\b", re.I)


def parse(path: Path) -> Publication:
    path = Path(path)
    if path.is_dir():
        path = _pick_file(path)
    check_file(path)
    if looks_binary(path) and path.suffix.lower() != ".xlsx":
        raise IngestError("binary data, not a CSV file", path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        published, rows = _read_xlsx(path)
    else:
        published, rows = _read_csv(path)
    entities = build_entities(rows, path.name)
    if not entities:
        raise IngestError("no listed parties (rows with a Group ID) found", path)
    return Publication(dataset=DATASET, entities=entities, published=published, files=[path])


def _pick_file(folder: Path) -> Path:
    # A folder may hold OFSI's xlsx and a CSV made from it: both give the same entities; CSV reads faster.
    for pattern in ("ConList*.csv", "*.csv", "ConList*.xlsx", "*.xlsx"):
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    raise IngestError("no ConList .csv or .xlsx file in the folder", folder)


# -- readers: both yield (line number, row of stripped strings) ---------------------

def _clean_cell(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _header(first: list[str], second: list[str] | None, path: Path) -> tuple[list[str], bool]:
    """Returns (header, header_is_second_line)."""
    if first and first[0].strip().lower() == "last updated" and second is not None:
        header, on_second = second, True
    else:
        header, on_second = first, False
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise IngestError(f"not an OFSI ConList: header lacks {', '.join(missing)}", path,
                          2 if on_second else 1)
    return header, on_second


def _published(first: list[str]):
    if first and first[0].strip().lower() == "last updated" and len(first) > 1:
        return parse_datetime(_clean_cell(first[1]))
    return None


def _read_csv(path: Path):
    raw = path.read_bytes()
    refuse_nul(raw, path, "an OFSI ConList CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IngestError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); wrong encoding or not a CSV",
                          path, line) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
        second = next(reader, None)
        if first is None:
            raise IngestError("empty CSV", path, 1)
        header, on_second = _header(first, second, path)
        rows: list[tuple[int, ROW]] = []
        if not on_second and second is not None:
            rows.append((reader.line_num, _as_row(header, second)))
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((reader.line_num, _as_row(header, values)))
    except csv.Error as exc:
        raise IngestError(f"malformed CSV ({exc})", path, reader.line_num) from None
    return _published(first), rows


def _read_xlsx(path: Path):
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise IngestError(f"not a readable XLSX workbook ({exc.__class__.__name__}: {exc})", path) from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        first = [_clean_cell(v) for v in next(it, ())]
        second_raw = next(it, None)
        second = [_clean_cell(v) for v in second_raw] if second_raw is not None else None
        header, on_second = _header(first, second, path)
        rows: list[tuple[int, ROW]] = []
        line = 2
        if not on_second and second is not None:
            rows.append((line, _as_row(header, second)))
        for values in it:
            line += 1
            cells = [_clean_cell(v) for v in values]
            if any(cells):
                rows.append((line, _as_row(header, cells)))
    finally:
        wb.close()
    return _published(first), rows


def _as_row(header: list[str], values: list[str]) -> ROW:
    return {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header) if h}


# -- rows -> entities ------------------------------------------------------------

def build_entities(rows: list[tuple[int, ROW]], filename: str) -> list[Entity]:
    groups: dict[str, list[ROW]] = {}
    for _line, row in rows:
        gid = row.get("Group ID", "")
        if gid:
            groups.setdefault(gid, []).append(row)
    return [_build(gid, grows, filename) for gid, grows in groups.items()]


def split_numbered(value: str) -> list[str]:
    """'(1) Germany. (2) Morocco' -> ['Germany', 'Morocco']; plain values -> [value]."""
    if not value:
        return []
    if not _NUMBERED.match(value):
        return [value.strip()]
    parts = [p.strip().rstrip(".,;").strip() for p in _NUMBERED.split(value)]
    return [p for p in parts if p]


def info_fields(text: str) -> list[tuple[str, str]]:
    """'(Gender):Male (IMO number):7408873' -> [('Gender', 'Male'), ('IMO number', '7408873')]."""
    out = []
    matches = list(_INFO_KEY.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        out.append((m.group(1).strip(), text[m.end():end].strip().rstrip(".").strip()))
    return out


def _full_name(row: ROW) -> str:
    parts = [row.get(f"Name {i}", "") for i in (1, 2, 3, 4, 5, 6)]
    return " ".join(p for p in parts if p)


def _build(gid: str, rows: list[ROW], filename: str) -> Entity:
    schema = SCHEMA.get(rows[0].get("Group Type", "").lower(), "LegalEntity")
    entity = Entity(schema, id=f"gb-hmt-{gid}", datasets=[DATASET], source=f"{filename}#{gid}")
    person = schema == "Person"
    primary = [r for r in rows if r.get("Alias Type", "").lower() == "primary name"] or rows[:1]
    # One name per entity; a group with two "Primary name" rows keeps the second as an alias.
    entity.add("name", _full_name(primary[0]))
    entity.add("alias", [_full_name(r) for r in primary[1:]])
    if person:
        first = primary[0]
        entity.add("firstName", first.get("Name 1"))
        entity.add("middleName", [first.get(f"Name {i}") for i in (2, 3, 4, 5)])
        entity.add("lastName", first.get("Name 6"))
    for row in rows:
        _add_row(entity, row, person)
    entity.add("topics", "sanction")
    # Several rows repeat one fact; the earliest listing and the latest update are the ones that count.
    for prop, pick in (("createdAt", min), ("modifiedAt", max)):
        values = entity.properties.pop(prop, [])
        if values:
            entity.add(prop, pick(values))
    return entity


def _add_row(entity: Entity, row: ROW, person: bool) -> None:
    kind = row.get("Alias Type", "").lower()
    quality = row.get("Alias Quality", "").lower()
    full = _full_name(row)
    if kind == "primary name":
        pass  # the name, or (a second primary row) already an alias
    elif kind == "fka":
        entity.add("previousName", full)
    elif kind == "aka" and quality.startswith("low"):
        entity.add("weakAlias", full)
    else:  # primary name variation, good-quality or unrated AKA
        entity.add("alias", full)
    script = row.get("Name Non-Latin Script", "")
    if script:
        entity.add("alias", script)  # kept exactly as written (Arabic, Cyrillic, Persian ...)
    if person:
        entity.add("title", split_numbered(row.get("Title", "")))
        entity.add("position", split_numbered(row.get("Position", "")))
        entity.add("birthDate", parse_date(row.get("DOB", "")))
        _add_birth_place(entity, row)
        for nat in split_numbered(row.get("Nationality", "")):
            codes = [to_code(nat)] if to_code(nat) else [to_code(p) for p in re.split(r"[.,;/]|\band\b", nat)]
            if codes and all(codes):  # "Estonia, Russia" -> ee, ru
                entity.add("nationality", codes)
            else:
                entity.add("notes", f"Nationality: {nat}")
        _add_ids(entity, "passportNumber", "Passport", row.get("Passport Number", ""),
                 row.get("Passport Details", ""))
    _add_ids(entity, "idNumber" if entity.schema.name != "Vessel" else "registrationNumber",
             "National identification", row.get("National Identification Number", ""),
             row.get("National Identification Details", ""))
    _add_address(entity, row)
    entity.add("program", row.get("Regime"))
    entity.add("createdAt", parse_date(row.get("Listed On", ""))[:1])
    entity.add("modifiedAt", parse_date(row.get("Last Updated", ""))[:1])
    designated = row.get("UK Sanctions List Date Designated", "")
    if designated:
        entity.add("notes", f"UK Sanctions List date designated: {designated}")
    info = row.get("Other Information", "")
    if info and info not in entity.get("notes"):  # rows of a group mostly repeat it: parse once
        entity.add("notes", info)
        _add_info(entity, info)


def _add_birth_place(entity: Entity, row: ROW) -> None:
    towns = split_numbered(row.get("Town of Birth", ""))
    countries = split_numbered(row.get("Country of Birth", ""))
    if towns and len(towns) == len(countries):
        entity.add("birthPlace", [f"{t}, {c}" for t, c in zip(towns, countries)])
    else:
        entity.add("birthPlace", towns or countries)
    entity.add("birthCountry", [code for c in countries if (code := to_code(c))])


def _add_ids(entity: Entity, prop: str, label: str, numbers: str, details: str) -> None:
    values = split_numbered(numbers)
    entity.add(prop, [v.rstrip(".") for v in values])
    if numbers and details:
        entity.add("notes", f"{label} {numbers}: {details}")


def _add_address(entity: Entity, row: ROW) -> None:
    parts = [row.get(f"Address {i}", "") for i in range(1, 7)] + [row.get("Post/Zip Code", ""), row.get("Country", "")]
    full = ", ".join(p for p in parts if p)
    entity.add("address", full)
    for country in split_numbered(row.get("Country", "")):
        entity.add("country", to_code(country))


def _un_ref(value: str) -> str | None:
    m = _UN_REF.search(value)
    if not m:
        return None
    return f"{m.group(1).upper()}{m.group(2).lower()}.{int(m.group(3)):03d}"


def _add_info(entity: Entity, info: str) -> None:
    schema = entity.schema.name
    for key, value in info_fields(info):
        k = key.lower()
        if not value:
            continue
        if k == "un ref":
            ref = _un_ref(value)
            if ref:
                entity.referents = list(dict.fromkeys([*entity.referents, f"unsc-{ref}"]))
        elif k == "uk sanctions list ref":
            entity.add("notes", f"UK Sanctions List Ref: {value.split()[0].rstrip('.')}")
        elif k == "gender" and schema == "Person":
            gender = value.split()[0].strip(".").lower()
            entity.add("gender", gender if gender in ("male", "female") else None)
        elif schema == "Vessel":
            _add_ship_field(entity, k, value)
        elif k in ("phone number", "tel") and schema != "Vessel":
            entity.add("phone", split_numbered(value))
        elif k == "email address":
            entity.add("email", split_numbered(value))
        elif k == "website":
            entity.add("website", split_numbered(value))
        elif k == "type of entity" and schema != "Person":
            entity.add("legalForm", value)
        elif k.startswith("business reg"):
            _add_business_ids(entity, value)


_BUSINESS_NUMBER = re.compile(r"(?<![\w-])(\d[\d-]{4,}\d|[A-Z]{1,3}\d{5,})(?![\w-])")
_SWIFT = re.compile(r"SWIFT\S*\s*[:\-]?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
_LABELS = (("ogrn", "ogrnCode"), ("inn", "innCode"), ("okpo", "okpoCode"), ("kpp", "kppCode"),
           ("tin", "taxNumber"), ("tax", "taxNumber"))


def _add_business_ids(entity: Entity, value: str) -> None:
    """'(1) OGRN – 1125261000040 (2) INN – 5261079332' -> ogrnCode, innCode; unlabelled -> registrationNumber."""
    props = entity.schema.properties
    for m in _BUSINESS_NUMBER.finditer(value):
        before = value[max(0, m.start() - 14):m.start()].lower()
        label = next((prop for key, prop in _LABELS if re.search(rf"\b{key}\b", before)), "registrationNumber")
        if label not in props:
            label = "registrationNumber" if "registrationNumber" in props else "idNumber"
        entity.add(label, m.group(1))
    for m in _SWIFT.finditer(value):
        if "swiftBic" in props:
            entity.add("swiftBic", m.group(1))


def _add_ship_field(entity: Entity, key: str, value: str) -> None:
    if key == "imo number":
        entity.add("imoNumber", re.findall(r"\d{7}", value) or value)
    elif key == "flag of ship":
        entity.add("flag", to_code(value))
    elif key == "previous flags":
        entity.add("pastFlags", [c for v in re.split(r"[,;]|\(\d+\)", value) if (c := to_code(v.strip()))])
    elif key == "type of ship":
        entity.add("type", value)
    elif key == "tonnage of ship":
        entity.add("tonnage", value)
    elif key == "year built":
        entity.add("buildDate", parse_date(value)[:1])
    elif key == "current owners":
        entity.add("notes", f"Current owners: {value}")
