"""The structured parts of OFAC's free-text `Remarks` and of its XML `idList`.

OFAC writes most details of a listing as `;`-separated statements in one Remarks
field: ``DOB 11 Mar 1957; POB Qom, Iran; nationality Iran; Passport 008827 (Iran);
a.k.a. 'MOIS'; Linked To: HAMAS.`` The classic XML carries the same statements as
`idList` items (`idType` = the label, `idNumber` = the value), so both formats share
`apply_detail`. The full remarks text always stays in `notes`; this module only
lifts what has an FtM property (dates, places, countries, identifiers, weak names).
"""
from __future__ import annotations

import re

from vigil.model import Entity

from .countries import to_code

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
MAX_EXPANDED_YEARS = 10  # "DOB 1957 to 1959" -> 1957, 1958, 1959; longer ranges keep only their ends

_DATE_RE = re.compile(r"^(?:(\d{1,2})\s+)?(?:([A-Za-z]{3})[a-z]*\.?\s+)?(\d{4})$")


def parse_date(text: str) -> str | None:
    """'11 Mar 1957' -> '1957-03-11', 'Mar 1957' -> '1957-03', '1957' -> '1957'; None if not a date."""
    m = _DATE_RE.match(text.strip().rstrip("."))
    if not m:
        return None
    day, month, year = m.groups()
    if month is None:
        return year if day is None else None
    mon = MONTHS.get(month.lower())
    if mon is None:
        return None
    if day is None:
        return f"{year}-{mon:02d}"
    if not 1 <= int(day) <= 31:
        return None
    return f"{year}-{mon:02d}-{int(day):02d}"


def parse_dob(text: str) -> tuple[list[str], bool]:
    """DOB value -> (ISO prefixes, circa). Handles 'circa 1957', '1957 to 1959', '01 Jan 1960 to 31 Dec 1962'."""
    text = text.strip().rstrip(".").strip()
    circa = False
    if text.lower().startswith("circa "):
        circa, text = True, text[6:].strip()
    if " to " in text:
        start, end = (parse_date(p) for p in text.split(" to ", 1))
        if not start or not end:
            return [], circa
        # A range of whole years (1957 to 1959, or 01 Jan 1957 to 31 Dec 1959) becomes every year in it,
        # so a screening query with any year inside the range compares equal.
        y1, y2 = int(start[:4]), int(end[:4])
        whole_years = (len(start) == 4 or start[4:] == "-01-01") and (len(end) == 4 or end[4:] == "-12-31")
        if whole_years and 0 <= y2 - y1 <= MAX_EXPANDED_YEARS:
            return [str(y) for y in range(y1, y2 + 1)], circa
        return [start, end], circa
    date = parse_date(text)
    return ([date] if date else []), circa


def place_country(place: str) -> str | None:
    """'Lamard, Fars Province, Iran' -> 'ir'; 'Pyongyang, Korea, North' -> 'kp'; 'Iran' -> 'ir'."""
    parts = [p.strip() for p in place.strip().rstrip(".").split(",") if p.strip()]
    if not parts:
        return None
    # "Korea, North" and "Congo, Democratic Republic of the" span the last two comma parts.
    candidates = [parts[-1]] + ([", ".join(parts[-2:])] if len(parts) > 1 else [])
    for candidate in candidates:
        code = to_code(candidate)
        if code:
            return code
    return None


# Label (as OFAC writes it in Remarks and as XML idType) -> FtM property.
# Labels not listed here stay in `notes` only.
ID_LABELS: dict[str, str] = {
    # travel and identity documents
    "Passport": "passportNumber", "Diplomatic Passport": "passportNumber", "Passport Booklet": "passportNumber",
    "Passport Booklet:": "passportNumber", "Travel Document Number": "passportNumber",
    "National ID No.": "idNumber", "Cedula No.": "idNumber", "Identification Number": "idNumber",
    "D.N.I.": "idNumber", "C.U.R.P.": "idNumber", "C.U.R.P. #": "idNumber", "Personal ID Card": "idNumber",
    "Turkish Identification Number": "idNumber", "Citizen's Card Number": "idNumber", "Kenyan ID No.": "idNumber",
    "Numero de Identidad": "idNumber", "Electoral Registry No.": "idNumber", "Credencial electoral": "idNumber",
    "I.F.E.": "idNumber", "Birth Certificate Number": "idNumber", "Residency Number": "idNumber",
    "National Foreign ID Number": "idNumber", "Refugee ID Card": "idNumber", "C.U.I.": "idNumber",
    "C.U.I.P.": "idNumber", "Tazkira National ID Card": "idNumber", "UAE Identification": "idNumber",
    "Driver's License No.": "idNumber", "Cartilla de Servicio Militar Nacional": "idNumber",
    "LE Number": "idNumber", "Pilot License Number": "idNumber", "VisaNumberID": "idNumber",
    "SSN": "socialSecurityNumber",
    # tax numbers
    "Tax ID No.": "taxNumber", "NIT #": "taxNumber", "RUC #": "taxNumber", "R.F.C.": "taxNumber",
    "R.F.C. #": "taxNumber", "RFC": "taxNumber", "V.A.T. Number": "vatCode", "C.U.I.T.": "taxNumber",
    "Italian Fiscal Code": "taxNumber", "Italian Fiscal Code:": "taxNumber", "RIF #": "taxNumber",
    "US FEIN": "taxNumber", "C.I.F.": "taxNumber", "RTN": "taxNumber",
    "Numero Unico de Identificacao Tributaria (NUIT)": "taxNumber",
    # company registers
    "Registration Number": "registrationNumber", "Registration ID": "registrationNumber",
    "Business Registration Number": "registrationNumber", "Company Number": "registrationNumber",
    "UK Company Number": "registrationNumber", "Commercial Registry Number": "registrationNumber",
    "Government Gazette Number": "registrationNumber", "Folio Mercantil No.": "registrationNumber",
    "Matricula Mercantil No": "registrationNumber", "Chamber of Commerce Number": "registrationNumber",
    "C.R. No.": "registrationNumber", "Trade License No.": "registrationNumber",
    "Economic Register Number (CBLS)": "registrationNumber",
    "Unified Social Credit Code (USCC)": "registrationNumber",
    "United Social Credit Code Certificate (USCCC)": "registrationNumber",
    "Central Registration System Number": "registrationNumber",
    "Certificate of Incorporation Number": "registrationNumber", "Public Registration Number": "registrationNumber",
    "Business Number": "registrationNumber", "Enterprise Number": "registrationNumber",
    "Branch Unit Number": "registrationNumber", "Romanian C.R.": "registrationNumber",
    "Istanbul Chamber of Comm. No.": "registrationNumber", "Business Registration Document #": "registrationNumber",
    "Dubai Chamber of Commerce Membership No.": "registrationNumber", "Registered Charity No.": "registrationNumber",
    "Organization Code": "registrationNumber", "File Number": "registrationNumber", "License": "registrationNumber",
    "Legal Entity Number": "leiCode", "SWIFT/BIC": "swiftBic", "D-U-N-S Number": "dunsCode",
    "BIK (RU)": "idNumber", "ISIN": "isinCode", "Equity Ticker": "ticker",
    # vessels and aircraft
    "Vessel Registration Identification": "imoNumber", "Identification Number IMO": "imoNumber",
    "Company Number IMO": "imoNumber", "MMSI": "mmsi", "Other Vessel Call Sign": "callSign",
    "Other Vessel Flag": "flag", "Former Vessel Flag": "pastFlags", "Vessel Year of Build": "buildDate",
    "Aircraft Manufacturer's Serial Number (MSN)": "serialNumber", "Aircraft Tail Number": "registrationNumber",
    "Aircraft Model": "model", "Aircraft Manufacture Date": "buildDate",
    "Aircraft Construction Number (also called L/N or S/N or F/N)": "serialNumber",
    "Aircraft Serial Identification": "serialNumber",
    # contact and company details
    "Email Address": "email", "Website": "website", "Phone Number": "phone", "Telephone": "phone",
    "Telephone:": "phone", "Telephone No.": "phone", "Organization Established Date": "incorporationDate",
    "Organization Type:": "sector", "Gender": "gender", "ethnicity": "ethnicity",
}
DATE_PROPS = {"incorporationDate", "buildDate"}
COUNTRY_PROPS = {"flag", "pastFlags"}
# Identifier properties a schema may lack fall back to one it has (e.g. an idNumber on a Vessel).
ID_FALLBACK = ("idNumber", "registrationNumber")
IDENTIFIER_PROPS = {
    "passportNumber", "idNumber", "socialSecurityNumber", "taxNumber", "vatCode", "registrationNumber", "leiCode",
    "swiftBic", "dunsCode", "isinCode", "ticker", "imoNumber", "mmsi", "callSign", "serialNumber",
}

_MAX_LABEL_WORDS = max(len(label.split(" ")) for label in ID_LABELS)
_TRAILING_COUNTRY = re.compile(r"\s*\(([^()]+)\)\s*$")
_ISSUED = re.compile(r"\s+(?:issued|expires)\b.*$", re.IGNORECASE)
_QUOTED_NAME = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.+)'$", re.IGNORECASE)
NAME_MARKERS = {"a.k.a.": "weakAlias", "n.k.a.": "weakAlias", "f.k.a.": "previousName"}


def put(entity: Entity, prop: str, value: str | None) -> bool:
    """Add a value if the entity's schema has the property (identifiers fall back to idNumber/...)."""
    if not value:
        return False
    props = entity.schema.properties
    if prop not in props:
        if prop in IDENTIFIER_PROPS:
            prop = next((p for p in ID_FALLBACK if p in props), "")
        if prop not in props:
            return False
    entity.add(prop, value)
    return True


def split_value(value: str) -> tuple[str, str | None]:
    """'008827 (Iran) issued 1999' -> ('008827', 'ir'); 'HRA 738077 (Stuttgart) (Germany)' -> ('HRA 738077', 'de')."""
    value = _ISSUED.sub("", value.strip().rstrip("."))
    country = None
    while True:
        m = _TRAILING_COUNTRY.search(value)
        if not m:
            break
        code = to_code(m.group(1))
        if code and country is None:
            country = code
        value = value[: m.start()].rstrip()
        if not code:  # a non-country parenthesis such as "(Stuttgart)" is dropped too
            continue
    return value.strip(" ,;:"), country


def apply_detail(entity: Entity, label: str, value: str, country: str | None = None) -> bool:
    """One OFAC statement (Remarks segment or XML id item) -> properties. True when something was set."""
    prop = ID_LABELS.get(label)
    if prop is None:
        return False
    value = value.strip()
    if prop == "gender":
        g = value.lower().rstrip(".")
        return put(entity, "gender", g if g in ("male", "female") else None)
    if prop in DATE_PROPS:
        return put(entity, prop, parse_date(value))
    if prop in COUNTRY_PROPS:
        return put(entity, prop, to_code(value))
    if prop in ("email", "website", "phone", "sector", "ethnicity", "model"):
        return put(entity, prop, value.rstrip("."))
    number, _ = split_value(value)
    if prop == "imoNumber":
        number = number.removeprefix("IMO").strip()
    return put(entity, prop, number)


def apply_dob(entity: Entity, value: str) -> None:
    dates, circa = parse_dob(value)
    if "birthDate" not in entity.schema.properties:
        return
    entity.add("birthDate", dates)
    if circa:
        entity.add("notes", f"DOB circa {value.strip().rstrip('.')[6:].strip()}")


def apply_pob(entity: Entity, value: str) -> None:
    place = value.strip().rstrip(".")
    put(entity, "birthPlace", place)
    put(entity, "birthCountry", place_country(place))


def apply_country(entity: Entity, prop: str, value: str) -> None:
    put(entity, prop, place_country(value))


def split_segments(remarks: str) -> list[str]:
    return [s.strip() for s in re.split(r";\s*", remarks) if s.strip()]


def parse_remarks(entity: Entity, remarks: str) -> list[str]:
    """Lift the structured statements of a Remarks text onto the entity; returns 'Linked To' names.

    The caller keeps the whole text in `notes`.
    """
    linked: list[str] = []
    for seg in split_segments(remarks):
        seg = seg.removeprefix("alt. ").removeprefix("Alt. ").strip()
        m = _QUOTED_NAME.match(seg[:-1] if seg.endswith("'.") else seg)
        if m:
            entity.add(NAME_MARKERS[m.group(1).lower()], m.group(2))
            continue
        head, _, rest = seg.partition(" ")
        if head == "DOB":
            apply_dob(entity, rest)
        elif head == "POB":
            apply_pob(entity, rest)
        elif head == "nationality":
            apply_country(entity, "nationality", rest)
        elif head == "citizen":
            apply_country(entity, "citizenship", rest)
        elif seg.startswith("Linked To:"):
            name = seg[len("Linked To:"):].strip().rstrip(".").strip()
            if name:
                linked.append(name)
        else:
            # Longest known label that is a whole-word prefix of the statement.
            words = seg.split(" ")
            for k in range(min(len(words) - 1, _MAX_LABEL_WORDS), 0, -1):
                label = " ".join(words[:k])
                if label in ID_LABELS:
                    apply_detail(entity, label, " ".join(words[k:]))
                    break
    return linked
