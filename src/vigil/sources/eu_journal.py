"""EU sanctions as published in the Official Journal: OpenSanctions' transcription of the annexes.

Input: the `consolidated/` folder of OpenSanctions' `eu/journal_sanctions` dataset (one UTF-8 CSV per EU
framework act, named `<CELEX>.csv`, e.g. `32012R0267.csv` for the Iran regulation), the folder above it
(which also holds `consolidation_pins.txt`), or one such CSV. Format: FORMAT.md beside the data. This is
a hand-reviewed transcription of the legal acts, **not** the Commission's Financial Sanctions File
(`eu_fsf`, parsed by `eu.py`), and its licence is CC BY-NC 4.0 (OpenSanctions).

One entity per annex entry, with a stable id:

* `eu-oj-<celex>-<annex>-<recordId>` when the act prints an entry number (`eu-oj-32001R2580-II.B-6`, the
  Directorate for Internal Security of the Iranian MOIS, entry 6 of Annex II.B of Regulation 2580/2001).
  Entry numbers restart in every annex (Annex II.A lists persons 1..13, II.B groups 1..23), so the annex
  is part of the id; annex and entry are written as their letter/digit groups joined by dots (entry
  `5 (a)` of Annex IX.I.B of the Iran regulation: `eu-oj-32012R0267-IX.I.B-5.a`);
* `eu-oj-<celex>-<annex>-n<10 hex>` when it prints none (the al-Qaida annex of 881/2002 numbers nothing):
  the hex is a hash of the name (Unicode-normalised, case-folded, spaces collapsed), so it is stable as long
  as the act keeps the name.

Rows with the same id (one entry in several legal contexts: programmes, measures) are one entity. Rows of
one act naming the same party in different annexes (a bank under a financing ban and a transaction ban;
same schema, same name, no conflicting birth date) stay separate records that name each other in
`referents`: the act itself says they are one, so the parties resolver links them (docs/parties.md).

What each column becomes: `name`/`alias`/`weakAlias`/`previousName` as printed (`;`-separated lists per
FORMAT.md); `programKey` -> `programId` and `program` (with the act); `startDate` -> `createdAt` (the
listing date); `reason` -> `summary`, verbatim; `notes` -> `notes`, verbatim (the raw "Associated with …"
prose relation extraction reads); dates, countries and identifiers normalised (ISO dates, ISO country
codes, bare identifier numbers, with the printed wording kept in `notes` whenever normalising dropped
something). A value that fits no property of the schema is kept as a labelled note, never dropped.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import unicodedata
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from vigil.model import Entity, model

from .base import IngestError, Publication, check_file, utf8_csv_text
from .countries import to_code
from .dates import is_circa, parse_date

DATASET = "eu_journal_sanctions"
PUBLISHER = "Official Journal of the European Union (transcription by OpenSanctions, CC BY-NC 4.0)"
EURLEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{}"

COLUMNS = (
    "celex", "recordId", "programKey", "annex", "measure", "startDate", "reason", "schema", "name", "alias",
    "weakAlias", "previousName", "country", "nationality", "jurisdiction", "birthDate", "birthPlace", "position",
    "passportNumber", "gender", "appearance", "ethnicity", "fatherName", "motherName", "incorporationDate",
    "legalForm", "sector", "registrationNumber", "taxNumber", "idNumber", "innCode", "ogrnCode", "kppCode",
    "okpoCode", "leiCode", "swiftBic", "ticker", "imoNumber", "mmsi", "flag", "address", "phone", "email",
    "website", "notes",
)
_COLUMN_SET = frozenset(COLUMNS)
REQUIRED = ("celex", "programKey", "annex", "measure", "schema", "name")
SCHEMATA = ("Person", "LegalEntity", "Organization", "Company", "Vessel", "Asset")
CELEX = re.compile(r"^3\d{4}[RDL]\d{4}$")
_PIN = re.compile(r"^\s*(3\d{4}[RDL]\d{4})\s*:\s*(0\d{4}[RDL]\d{4}-(\d{8}))\s*$")
# Identifier columns: (column, label in notes).
IDENTIFIERS = {
    "passportNumber": "Passport", "idNumber": "Identification number", "registrationNumber": "Registration number",
    "taxNumber": "Tax number", "innCode": "INN", "ogrnCode": "OGRN", "kppCode": "KPP", "okpoCode": "OKPO",
    "leiCode": "LEI", "swiftBic": "SWIFT/BIC", "ticker": "Ticker", "imoNumber": "IMO number", "mmsi": "MMSI",
}
# Plain text columns copied as printed (only where the schema has the property).
TEXT = ("birthPlace", "position", "appearance", "ethnicity", "fatherName", "motherName", "legalForm", "sector",
        "address", "phone", "email", "website")
LABELS = {"birthPlace": "Place of birth", "position": "Position", "appearance": "Appearance",
          "ethnicity": "Ethnicity", "fatherName": "Father's name", "motherName": "Mother's name",
          "legalForm": "Type of entity", "sector": "Sector", "address": "Address", "phone": "Phone",
          "email": "Email", "website": "Website", "gender": "Gender", "nationality": "Nationality",
          "country": "Country", "jurisdiction": "Jurisdiction", "flag": "Flag", "birthDate": "Date of birth",
          "incorporationDate": "Date of incorporation", "alias": "Alias", "weakAlias": "Low quality a.k.a.",
          "previousName": "Formerly known as"}


# -- reading ------------------------------------------------------------------------

def parse(path: Path) -> Publication:
    path = Path(path)
    files, pins_file = _files(path)
    pins = _read_pins(pins_file) if pins_file else {}
    rows: list[tuple[dict[str, str], str, int]] = []
    warnings: list[str] = []
    for file in files:
        rows += _read_csv(file, warnings)
    if not rows:
        raise IngestError("no designations in the EU Official Journal CSV files", path)
    entities = _build_all(rows, pins, warnings)
    published = max((datetime.strptime(d, "%Y%m%d") for _, d in pins.values()), default=None)
    inputs = files + ([pins_file] if pins_file else [])
    return Publication(dataset=DATASET, entities=entities, published=published, files=inputs, warnings=warnings)


def _files(path: Path) -> tuple[list[Path], Path | None]:
    """The consolidated CSVs to read, and the consolidation pins file when there is one."""
    if path.is_dir():
        folder = path / "consolidated" if (path / "consolidated").is_dir() else path
        files = sorted(p for p in folder.glob("*.csv") if p.is_file())
        if not files:
            raise IngestError("no consolidated EU Official Journal CSV files (<CELEX>.csv) in the folder", folder)
        pins = next((p for p in (folder / "consolidation_pins.txt", folder.parent / "consolidation_pins.txt")
                     if p.is_file()), None)
        return [check_file(f) for f in files], pins
    check_file(path)
    pins = path.parent.parent / "consolidation_pins.txt"
    return [path], pins if pins.is_file() else None


def _read_pins(path: Path) -> dict[str, tuple[str, str]]:
    """consolidation_pins.txt: `32012R0267: 02012R0267-20260801` -> {celex: (version, yyyymmdd)}."""
    pins: dict[str, tuple[str, str]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise IngestError("not UTF-8 text; wrong encoding", path) from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _PIN.match(line)
        if not m:
            raise IngestError(f"not a consolidation pin (expected `<CELEX>: 0<CELEX>-YYYYMMDD`): {line.strip()[:80]!r}",
                              path, number)
        try:
            datetime.strptime(m.group(3), "%Y%m%d")
        except ValueError:
            raise IngestError(f"invalid date in consolidation pin {m.group(2)}", path, number) from None
        pins[m.group(1)] = (m.group(2), m.group(3))
    return pins


def _read_csv(path: Path, warnings: list[str]) -> list[tuple[dict[str, str], str, int]]:
    text = utf8_csv_text(path, "an EU journal CSV")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[dict[str, str], str, int]] = []
    try:
        header = [h.strip() for h in next(reader, None) or []]
        if "amendedCelex" in header or "amendmentCelex" in header:
            raise IngestError("an amendment file (amendedCelex/amendmentCelex columns); only the consolidated "
                              "files (consolidated/<CELEX>.csv) are read", path, 1)
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise IngestError(f"not an EU Official Journal consolidated CSV: missing column(s) {', '.join(missing)} "
                              f"(see FORMAT.md)", path, 1)
        extra = [h for h in header if h not in COLUMNS]
        if extra:
            warnings.append(f"{path.name}: unknown column(s) ignored: {', '.join(extra)}")
        if len(set(header)) != len(header):
            raise IngestError("a column appears twice in the header", path, 1)
        stem = path.stem.upper()
        wanted = [(i, h) for i, h in enumerate(header) if h in _COLUMN_SET]
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise IngestError(f"row has {len(values)} fields, header has {len(header)}", path, reader.line_num)
            row = {h: v for i, h in wanted if (v := values[i].strip())}  # empty cells left out
            _check_row(row, path, reader.line_num, stem)
            out.append((row, path.name, reader.line_num))
    except csv.Error as exc:
        raise IngestError(f"malformed CSV ({exc})", path, reader.line_num) from None
    return out


def _check_row(row: dict[str, str], path: Path, line: int, stem: str) -> None:
    for column in REQUIRED:
        if not row.get(column):
            raise IngestError(f"empty {column!r} (required)", path, line)
    if not CELEX.match(row["celex"]):
        raise IngestError(f"celex {row['celex']!r} is not a bare CELEX number such as 32012R0267", path, line)
    if CELEX.match(stem) and row["celex"] != stem:
        raise IngestError(f"celex {row['celex']} differs from the file's act {stem}", path, line)
    if row["schema"] not in SCHEMATA:
        raise IngestError(f"unknown schema {row['schema']!r} (expected one of {', '.join(SCHEMATA)})", path, line)


# -- ids --------------------------------------------------------------------------------

def name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _id_part(value: str) -> str:
    """Letters and digits, groups joined by dots: 'II.B' -> 'II.B', '5 (a)' -> '5.a'."""
    return ".".join(re.findall(r"[A-Za-z0-9]+", value))


def entity_id(row: dict[str, str]) -> str:
    """`eu-oj-<celex>-<annex>-<recordId>`, or `...-n<hash of the name>` when the act numbers nothing."""
    base = f"eu-oj-{row['celex']}-{_id_part(row['annex'])}"
    if row.get("recordId"):
        return f"{base}-{_id_part(row['recordId'])}"
    return f"{base}-n{hashlib.sha1(name_key(row['name']).encode()).hexdigest()[:10]}"


# -- building -----------------------------------------------------------------------

def act_title(celex: str) -> str:
    """'32012R0267' -> 'Regulation 267/2012'; '32015R0735' -> 'Regulation 2015/735'; '32011D0173' ->
    'Decision 2011/173/CFSP' (the Official Journal's numbering, which changed in 2015)."""
    year, kind, number = int(celex[1:5]), celex[5], int(celex[6:])
    if kind == "D":
        return f"Decision {year}/{number}/CFSP"
    label = {"R": "Regulation", "L": "Directive"}[kind]
    return f"{label} {year}/{number}" if year >= 2015 else f"{label} {number}/{year}"


def _build_all(rows: list[tuple[dict[str, str], str, int]], pins: dict[str, tuple[str, str]],
               warnings: list[str]) -> list[Entity]:
    entities: dict[str, Entity] = {}
    first_row: dict[str, tuple[str, int]] = {}
    unknown_countries: set[str] = set()
    for row, filename, line in rows:
        eid = entity_id(row)
        entity = entities.get(eid)
        if entity is not None:
            common = model().common_schema(entity.schema.name, row["schema"])
            if common is None or name_key(entity.first("name") or "") != name_key(row["name"]):
                where = first_row[eid]
                raise IngestError(f"entry {eid} is also on line {where[1]} of {where[0]} with a different "
                                  f"{'schema' if common is None else 'name'}", filename, line)
            if common != entity.schema.name:
                merged = Entity(common, id=eid, datasets=[DATASET], source=entity.source)
                merged.properties = {p: v for p, v in entity.properties.items() if p in merged.schema.properties}
                entity = entities[eid] = merged
        else:
            # FORMAT.md's schemata are FtM's and vigil's (Asset: a port, a zone, a crypto-asset; not screened).
            entity = entities[eid] = Entity(row["schema"], id=eid, datasets=[DATASET], source=f"{filename}#{line}")
            first_row[eid] = (filename, line)
        _add_row(entity, row, pins, unknown_countries)
    _link_annexes(list(entities.values()))
    if unknown_countries:
        shown = sorted(unknown_countries)
        warnings.append(f"{len(shown)} country value(s) not recognised, kept as notes: "
                        + "; ".join(shown[:10]) + (" …" if len(shown) > 10 else ""))
    return list(entities.values())


def _note(entity: Entity, label: str, value: str) -> None:
    entity.add("notes", f"{label}: {value}")


def _add(entity: Entity, prop: str, values, label: str | None = None) -> None:
    """Add to `prop` when the schema has it; otherwise keep the printed values as a labelled note."""
    values = [v for v in (values if isinstance(values, list) else [values]) if v]
    if not values:
        return
    if prop in entity.schema.properties:
        entity.add(prop, values)
    else:
        for v in values:
            _note(entity, label or LABELS.get(prop, prop), v)


def split_values(cell: str) -> list[str]:
    """A multi-valued cell: `;`-separated, CSV-quoted where a value holds `;` or `"` (FORMAT.md)."""
    if not cell:
        return []
    if '"' not in cell:
        values = cell.split(";")
    else:
        try:
            values = next(csv.reader([cell], delimiter=";", skipinitialspace=True))
        except (csv.Error, StopIteration):
            values = cell.split(";")
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def _add_row(entity: Entity, row: dict[str, str], pins: dict[str, tuple[str, str]], unknown: set[str]) -> None:
    celex = row["celex"]
    person = entity.schema.name == "Person" or row["schema"] == "Person"
    if not entity.has("name"):
        entity.add("name", row["name"])
    elif name_key(row["name"]) != name_key(entity.first("name") or ""):
        entity.add("alias", row["name"])
    for prop in ("alias", "weakAlias", "previousName"):
        _add(entity, prop, split_values(row.get(prop, "")))
    entity.add("topics", "sanction")
    act = act_title(celex)
    entity.add("program", f"{row['programKey']} — {act}")
    entity.add("programId", row["programKey"])
    entity.add("publisher", PUBLISHER)
    version = pins.get(celex, (celex, ""))[0]
    entity.add("sourceUrl", EURLEX.format(version))
    entry = f"entry {row['recordId']}" if row.get("recordId") else "unnumbered entry"
    entity.add("notes", f"{act} (CELEX {celex}), Annex {row['annex']}, {entry}: {row['measure'].lower()}")
    listed = parse_date(row.get("startDate"))[:1]
    if listed:
        entity.add("createdAt", listed)
        entity.properties["createdAt"] = [min(entity.properties["createdAt"])]  # the earliest listing
    elif row.get("startDate"):
        _note(entity, "Listed on", row["startDate"])
    if row.get("reason"):
        entity.add("summary", row["reason"])  # verbatim: the act's statement of reasons
    for value in split_values(row.get("notes", "")):
        entity.add("notes", value)  # verbatim "other information" (relations: "Associated with …")
    # dates
    for column, prop in (("birthDate", "birthDate"), ("incorporationDate", "incorporationDate")):
        for value in split_values(row.get(column, "")):
            _add_date(entity, prop, value)
    # countries
    for column in ("nationality", "country", "jurisdiction", "flag"):
        prop = column
        if column == "nationality" and not person:
            prop = "country"
        for value in split_values(row.get(column, "")):
            codes = countries(value)
            if codes and prop in entity.schema.properties:
                entity.add(prop, codes)
                if column == "nationality" and not _plain_country(value):
                    _note(entity, "Nationality", value)  # "Saudi citizenship withdrawn, Afghan nationality …"
            else:
                if not codes:
                    unknown.add(value[:60])
                _note(entity, LABELS[column], value)
    gender = row.get("gender", "").strip(" .").lower()
    if gender:
        _add(entity, "gender", gender if gender in ("male", "female") else [], "Gender")
        if gender not in ("male", "female"):
            _note(entity, "Gender", row["gender"])
    for column in TEXT:
        _add(entity, column, split_values(row.get(column, "")))
    for place in split_values(row.get("birthPlace", "")):
        code = _place_country(place)
        if code and "birthCountry" in entity.schema.properties:
            entity.add("birthCountry", code)
    for address in split_values(row.get("address", "")):
        code = _place_country(address)
        if code and "country" in entity.schema.properties:
            entity.add("country", code)
    for column, label in IDENTIFIERS.items():
        for value in split_values(row.get(column, "")):
            _add_identifier(entity, column, label, value)


def _add_date(entity: Entity, prop: str, value: str) -> None:
    dates = parse_date(value)
    label = LABELS[prop]
    if dates and prop in entity.schema.properties:
        entity.add(prop, dates)
        if is_circa(value) or not re.fullmatch(r"[\d.\s/-]+", value):
            _note(entity, label, value)  # "circa 1957", "6.3.1955 or 15.3.1955": the wording counts
    else:
        _note(entity, label, value)


_COUNTRY_SPLIT = re.compile(r"\s*(?:,|/|;|\band/or\b|\band\b|\bor\b)\s*", re.I)
_COUNTRY_NOISE = re.compile(r"\((?:presumed|possibly|probably|alleged)\)|\b(?:possibly|probably|presumed|allegedly)\b"
                            r"|\bby birth\b|\bcitizen(?:ship)? of\b|\bnational(?:ity)?\b|^\(?[a-z]\)\s*|[\"“”]",
                            re.I)


def _plain_country(value: str) -> bool:
    return to_code(value) is not None


def countries(value: str) -> list[str]:
    """'Iranian' -> ['ir']; 'Russian, Belarusian' -> ['ru', 'by']; 'Syrian (presumed)' -> ['sy']; [] when any part
    is not a country (the value is then kept as a note)."""
    code = to_code(value)
    if code:
        return [code]
    parts = [_COUNTRY_NOISE.sub(" ", p).strip(" .()") for p in _id_parts(value)] if _ENUM.search(value) else [value]
    if len(parts) > 1:  # "(a) Algerian (b) German"
        found = [countries(p) for p in parts]
        return list(dict.fromkeys(c for f in found for c in f)) if all(found) else []
    head = _PAREN.sub(" ", value.split(". ")[0])  # "Indonesian. National Identification No.: …", "(DPRK)"
    head = re.sub(r"\b(?:since|until|as at|as of)\b.*$", "", head, flags=re.I)
    parts = [_COUNTRY_NOISE.sub(" ", p).strip(" .()") for p in _COUNTRY_SPLIT.split(head)]
    parts = [p for p in parts if p]
    codes = [to_code(p) for p in parts]
    if parts and all(codes):
        return list(dict.fromkeys(c for c in codes if c))
    return []


def _place_country(place: str) -> str | None:
    """The country a place of birth or an address ends with: 'Tehran (Iran)', 'Sidon, Lebanon', 'Iran'."""
    m = re.search(r"\(([^()]+)\)\s*$", place)
    if m and (code := to_code(m.group(1))):
        return code
    tail = re.split(r"[,;]", re.sub(r"\([^()]*\)\s*$", "", place))[-1].strip(" .")
    return to_code(tail) if tail else None


# -- identifiers ----------------------------------------------------------------------

_ENUM = re.compile(r"(?:^|(?<=[\s,;]))\(?[a-z]\)\s+", re.I)
_PAREN = re.compile(r"\([^()]*\)")
_VALIDITY = re.compile(r"\s*(?:issued|expir|valid|dated|date of)", re.I)
_BIC = re.compile(r"\b[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b")
_TOKEN = re.compile(r"[A-Za-z\u0400-\u04FF]{0,4}[-‐]?\d[\w\-‐/.]*")
# Labels printed inside an identifier value that name a more specific property.
_ID_LABELS = (
    (re.compile(r"\bOGRN\b", re.I), "ogrnCode"), (re.compile(r"\bKPP\b", re.I), "kppCode"),
    (re.compile(r"\bOKPO\b", re.I), "okpoCode"), (re.compile(r"\bINN\b", re.I), "innCode"),
    (re.compile(r"\b(?:tax|TIN)\b", re.I), "taxNumber"), (re.compile(r"\bpassport\b", re.I), "passportNumber"),
    (re.compile(r"\b(?:national|civil)\s+(?:ID|identi\w+)|\bidentity card\b", re.I), "idNumber"),
)


def _id_parts(value: str) -> list[str]:
    """'(a) 349054 (…passport…), b) 3490054 (…)' -> ['349054 (…)', '3490054 (…)']."""
    marks = list(_ENUM.finditer(value))
    if len(marks) < 2:
        return [value]
    parts: list[str] = []
    bounds = [m.start() for m in marks] + [len(value)]
    for i, m in enumerate(marks):
        parts.append(value[m.end():bounds[i + 1]].strip(" ,;"))
    head = value[:marks[0].start()].strip(" ,;")
    return ([head] if head else []) + [p for p in parts if p]


def id_numbers(value: str) -> list[tuple[str | None, str]]:
    """The bare numbers in one printed identifier value, each with the property its own label names (None:
    the column's). '7720821959 (Tax ID number)' -> [('taxNumber', '7720821959')]; 'Morocco number V06359364'
    -> [(None, 'V06359364')]; '3525023010 OKPO: 07500548 KPP: 352501001' -> three numbers."""
    out: list[tuple[str | None, str]] = []
    for part in _id_parts(value):
        # A label applies to the number that follows it ("KPP 773001001") or, in brackets, to the one before.
        pieces = re.split(r"[,;]\s*|\s+(?=(?:OGRN|KPP|OKPO|INN)\b)", part)
        for piece in pieces:
            if _VALIDITY.match(piece):
                continue  # "issued on 21 Apr. 2009", "expires …": about the number before it
            label_text = piece
            bare = _PAREN.sub(" ", piece)  # the first number is the identifier; dates of issue come after it
            numbers = [t.strip(".-‐/") for t in _TOKEN.findall(bare)]
            numbers = [n for n in numbers if sum(c.isdigit() for c in n) >= 4 and not _is_date(n)]
            if not numbers:
                continue
            prop = next((p for rx, p in _ID_LABELS if rx.search(label_text)), None)
            out.append((prop, numbers[0]))
    return out


def _is_date(token: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}|(?:19|20)\d\d", token))


def _add_identifier(entity: Entity, column: str, label: str, value: str) -> None:
    found = [(None, bic) for bic in _BIC.findall(value)] if column == "swiftBic" else id_numbers(value)
    props = entity.schema.properties
    clean = bool(found) and len(found) == 1 and found[0][1] == value
    for prop, number in found:
        prop = prop if prop and prop in props else column
        if prop not in props:
            prop = next((p for p in ("registrationNumber", "idNumber") if p in props), None)
        if prop is None:
            clean = False
            continue
        if prop == "imoNumber" and not re.fullmatch(r"\d{7}", number):
            clean = False
            continue
        entity.add(prop, number)
    if not clean:
        _note(entity, label, value)  # the printed wording: issuing country, expiry, what kind of number


# -- within one act: one party in several annexes -----------------------------------

def _link_annexes(entities: list[Entity]) -> None:
    """Records of one act with the same schema and name in different annexes, and no birth date that differs,
    name each other in `referents` (the act lists one party under several measures)."""
    groups: dict[tuple[str, str, str], list[Entity]] = defaultdict(list)
    for e in entities:
        celex = e.id.split("-")[2]
        groups[(celex, e.schema.name, name_key(e.first("name") or ""))].append(e)
    for members in groups.values():
        if len(members) < 2:
            continue
        annexes = [m.id.split("-")[3] for m in members]
        if len(set(annexes)) != len(annexes):
            continue  # one annex numbers them apart: two parties of one name
        births = [set(m.get("birthDate")) for m in members if m.get("birthDate")]
        if len(births) > 1 and not set.intersection(*births):
            continue
        for m in members:
            m.referents = list(dict.fromkeys([*m.referents, *(o.id for o in members if o is not m)]))
