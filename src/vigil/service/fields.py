"""Raw user fields -> a query entity: the one place where typed input is parsed and checked.

`vigil screen`, `POST /match`, `GET /search`, the web UI's screen form, batch rows and book imports
all call these functions, so the same input gives the same query (or the same error text) everywhere.

Birth dates (`parse_birth_date`), documented in docs/service.md:
* ISO `1957`, `1957-03`, `1957-03-11` (a time after the date is ignored), and `1957/03/11`;
* day first with dots `11.03.1957` (and month-year `03.1957`), the European way;
* month names: `11 Mar 1957`, `11 March 1957`, `March 11, 1957`, `Mar 1957`;
* slashes or dashes with the year last (`03/11/1957`, `03-11-1957`) are read day-first or month-first
  only when one reading is impossible (`13/03/1957` is 13 March, `03/13/1957` is 13 March) or both
  agree (`05/05/1957`); otherwise the date is ambiguous and refused with a message naming both readings.
A date that does not exist (`1957-13-45`, `1957-02-30`) or lies in the future is an error, never
shortened to its year.

Countries (`parse_country`): an ISO 3166-1 alpha-2 or alpha-3 code, an English name or a demonym
(`ir`, `IRN`, `Iran`, `Islamic Republic of Iran`, `Iranian`), via `vigil.sources.countries`.
Gender (`parse_gender`): male, female or other (`m`, `f` accepted). Schema (`parse_schema`): a matchable
schema name in any case, or a common word for one (`individual`, `company`, `ship`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields as dc_fields
from datetime import date
from functools import lru_cache
from typing import Any, Mapping

from vigil.errors import QueryError
from vigil.model import Entity, SchemaError, model

DEFAULT_SCHEMA = "LegalEntity"  # matches people, organisations and companies alike
MAX_FIELD = 1000  # characters; the matcher refuses longer names with the same limit
MIN_YEAR = 1800

DATE_FORMATS = "1957, 1957-03, 1957-03-11, 11.03.1957 or 11 Mar 1957"
GENDERS = {"male": "male", "m": "male", "man": "male", "female": "female", "f": "female", "woman": "female",
           "other": "other"}
SCHEMA_WORDS = {
    "person": "Person", "individual": "Person", "natural": "Person", "naturalperson": "Person",
    "people": "Person", "company": "Company", "business": "Company", "corporate": "Company",
    "corporation": "Company", "organization": "Organization", "organisation": "Organization",
    "org": "Organization", "entity": "LegalEntity", "legalentity": "LegalEntity", "vessel": "Vessel",
    "ship": "Vessel", "airplane": "Airplane", "aircraft": "Airplane",
}

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
          "nov": 11, "dec": 12}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_ISO = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_DOTS = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[./](\d{4})")
_SLASHED = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})")
_D_MON_Y = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s*[- ]?\s*{_MONTH}\s*[- ,]?\s*(\d{{4}})", re.I)
_MON_D_Y = re.compile(rf"{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", re.I)
_MON_Y = re.compile(rf"{_MONTH},?\s+(\d{{4}})", re.I)


@dataclass(frozen=True)
class Fields:
    """One screening as a user types it: every value raw, unparsed (None or "" = not given)."""

    name: str | None = None
    schema: str | None = None
    dob: str | None = None
    country: str | None = None
    id_number: str | None = None
    gender: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "Fields":
        known = {f.name for f in dc_fields(cls)}
        return cls(**{k: _text(v) or None for k, v in data.items() if k in known})


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _check_length(what: str, value: str) -> str:
    if len(value) > MAX_FIELD:
        raise QueryError(f"{what} is too long ({len(value)} characters; at most {MAX_FIELD})")
    return value


# -- dates ----------------------------------------------------------------------

def _day(what: str, year: int, month: int, day: int | None) -> str:
    """An ISO prefix for real calendar parts; a clear QueryError for parts that do not exist."""
    if not MIN_YEAR <= year:
        raise QueryError(f"{what}: year {year} is before {MIN_YEAR}")
    if not 1 <= month <= 12:
        raise QueryError(f"{what} is not a date: month {month} does not exist (use {DATE_FORMATS})")
    if day is None:
        value = f"{year:04d}-{month:02d}"
    else:
        try:
            date(year, month, day)
        except ValueError:
            raise QueryError(f"{what} is not a date: {MONTH_NAMES[month - 1]} {year} has no day {day}") from None
        value = f"{year:04d}-{month:02d}-{day:02d}"
    return value


@lru_cache(maxsize=4096)
def parse_birth_date(text: str | None) -> str | None:
    """A birth date as typed -> an ISO prefix (`1957`, `1957-03`, `1957-03-11`); None when empty.
    Raises QueryError for unreadable, impossible, ambiguous or future dates (the rules are in the module doc)."""
    raw = _text(text)
    if not raw:
        return None
    what = f"date of birth {raw!r}"
    value = _birth_date(raw, what)
    if value[:4] > str(date.today().year) or (len(value) == 10 and value > date.today().isoformat()):
        raise QueryError(f"{what} is in the future")
    return value


def _birth_date(raw: str, what: str) -> str:
    m = _ISO.fullmatch(raw)
    if m:
        year = int(m.group(1))
        if m.group(2) is None:
            if year < MIN_YEAR:
                raise QueryError(f"{what}: year {year} is before {MIN_YEAR}")
            return f"{year:04d}"
        return _day(what, year, int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    m = _DOTS.fullmatch(raw)
    if m:
        return _day(what, int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = _MONTH_YEAR.fullmatch(raw)
    if m:
        return _day(what, int(m.group(2)), int(m.group(1)), None)
    m = _SLASHED.fullmatch(raw)
    if m:
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day_first = 1 <= second <= 12 and 1 <= first <= 31
        month_first = 1 <= first <= 12 and 1 <= second <= 31
        if day_first and month_first and first != second:
            a, b = _day(what, year, second, first), _day(what, year, first, second)
            raise QueryError(f"{what} is ambiguous: day-month ({a}) or month-day ({b})? "
                             f"Write it as {a} or {b}")
        if day_first:
            return _day(what, year, second, first)
        if month_first:
            return _day(what, year, first, second)
        raise QueryError(f"{what} is not a date: neither {first} nor {second} is a month (use {DATE_FORMATS})")
    m = _D_MON_Y.fullmatch(raw)
    if m:
        return _day(what, int(m.group(3)), MONTHS[m.group(2).lower()[:3]], int(m.group(1)))
    m = _MON_D_Y.fullmatch(raw)
    if m:
        return _day(what, int(m.group(3)), MONTHS[m.group(1).lower()[:3]], int(m.group(2)))
    m = _MON_Y.fullmatch(raw)
    if m:
        return _day(what, int(m.group(2)), MONTHS[m.group(1).lower()[:3]], None)
    raise QueryError(f"unreadable {what}: use {DATE_FORMATS}")


# -- countries, gender, schema, ids, names ----------------------------------------

@lru_cache(maxsize=1)
def _extra_codes() -> frozenset[str]:
    from vigil.sources.countries import DEMONYMS, EXTRA

    return frozenset(EXTRA.values()) | frozenset(DEMONYMS.values())


@lru_cache(maxsize=4096)
def parse_country(text: str | None) -> str | None:
    """A country as typed (code, name or demonym) -> ISO 3166-1 alpha-2, lowercase; None when empty."""
    from vigil.sources.countries import to_code

    raw = _text(text)
    if not raw:
        return None
    code = to_code(raw)
    if code is None and raw.lower() in _extra_codes():  # codes only our tables know (xk Kosovo ...)
        code = raw.lower()
    if code is None:
        raise QueryError(f"unknown country {raw!r}: use an ISO code (ir, irn), a name (Iran) or a demonym (Iranian)")
    return code


def parse_gender(text: str | None) -> str | None:
    raw = _text(text)
    if not raw:
        return None
    value = GENDERS.get(raw.lower())
    if value is None:
        raise QueryError(f"unknown gender {raw!r}: use male, female or other")
    return value


def matchable_schemata() -> list[str]:
    return sorted(s.name for s in model().schemata.values() if s.matchable)


@lru_cache(maxsize=256)
def parse_schema(text: str | None, screenable: bool = True) -> str | None:
    """A schema name in any case, or a common word for one (`individual` -> Person); None when empty.
    `screenable`: only schemata the matcher screens (a search may name any, e.g. Thing)."""
    raw = _text(text)
    if not raw:
        return None
    by_lower = {name.lower(): name for name in model().schemata}
    name = by_lower.get(raw.lower()) or SCHEMA_WORDS.get(re.sub(r"[^a-z]", "", raw.lower()))
    if name is None:
        raise QueryError(f"unknown schema {raw!r}; use one of: {', '.join(matchable_schemata())}")
    if screenable and not model().get(name).matchable:
        raise QueryError(f"schema {name!r} cannot be screened; use one of: {', '.join(matchable_schemata())}")
    return name


# -- the query --------------------------------------------------------------------

def query_from_fields(fields: Fields) -> Entity:
    """The query entity for one screening: every field parsed and checked here, once.
    The schema defaults to Person when a birth date or gender is given, else LegalEntity."""
    name = _check_length("the name", _text(fields.name))
    id_number = _check_length("the ID number", _text(fields.id_number))
    if not name and not id_number:
        raise QueryError("empty name (a screening needs a name or an ID number)")
    dob = parse_birth_date(fields.dob)
    country = parse_country(fields.country)
    gender = parse_gender(fields.gender)
    schema = parse_schema(fields.schema) or ("Person" if (dob or gender) else DEFAULT_SCHEMA)
    sch = model().get(schema)
    entity = Entity(schema)
    for prop, value in (("name", name), ("birthDate", dob), ("country", country), ("idNumber", id_number),
                        ("gender", gender)):
        if not value:
            continue
        if prop not in sch.properties:
            raise QueryError(f"schema {schema} has no property {prop!r} (a {schema} has no "
                             f"{'birth date' if prop == 'birthDate' else prop})")
        entity.add(prop, value)
    return entity


# Property types whose values are parsed like the fields above when a query comes as an FtM example
# (POST /match): a birth date typed 03/11/1957 means the same there as in `vigil screen --dob`.
TYPE_PARSERS = {"date": parse_birth_date, "country": parse_country, "gender": parse_gender}


def query_from_example(schema: str | None, properties: Mapping[str, Any] | None, id: str | None = None) -> Entity:
    """The query entity for a yente-style example `{schema, properties}`; strict about names, and date,
    country and gender values parsed by the same rules as the typed fields."""
    name = parse_schema(schema) if schema else DEFAULT_SCHEMA
    try:
        sch = model().get(name)
    except SchemaError:  # pragma: no cover - parse_schema only returns known names
        raise QueryError(f"unknown schema {schema!r}") from None
    entity = Entity(sch.name, id=id or None)
    for prop, values in (properties or {}).items():
        prop_type = sch.prop_type(prop)
        if prop_type is None:
            raise QueryError(f"schema {sch.name} has no property {prop!r}")
        if values is None:
            continue
        if not isinstance(values, (list, tuple)):
            values = [values]
        parse = TYPE_PARSERS.get(prop_type)
        for value in values:
            if isinstance(value, (dict, list)):
                raise QueryError(f"property {prop!r}: values must be strings, got {type(value).__name__}")
        values = [v for v in values if not isinstance(v, bool)]
        if parse is not None:
            try:
                values = [parse(str(v)) for v in values]
            except QueryError as exc:
                raise QueryError(f"{prop}: {exc}") from None
        entity.add(prop, values, strict=False)  # one call per property: this is /match's hot path
    if not entity.names and not entity.get_type("identifier"):
        raise QueryError("a query needs at least one name (name, alias ...) or identifier")
    return entity
