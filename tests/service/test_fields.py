"""The one parser of typed input (issue 14): birth dates, countries, gender, schema, the query entity."""
from __future__ import annotations

import re
from datetime import date

import pytest

from vigil.errors import QueryError
from vigil.matching import QueryError as MatcherQueryError
from vigil.service.fields import (
    Fields, parse_birth_date, parse_country, parse_gender, parse_schema, query_from_example, query_from_fields,
)
from vigil.service.screening import QueryError as ServiceQueryError


def test_one_query_error_class():
    assert QueryError is MatcherQueryError is ServiceQueryError


@pytest.mark.parametrize("text,iso", [
    ("1957", "1957"), ("1957-03", "1957-03"), ("1957-03-11", "1957-03-11"), ("1957-3-1", "1957-03-01"),
    ("1957/03/11", "1957-03-11"), ("1957-03-11T00:00:00Z", "1957-03-11"),
    ("11.03.1957", "1957-03-11"), ("03.1957", "1957-03"),
    ("11 Mar 1957", "1957-03-11"), ("11 March 1957", "1957-03-11"), ("11-Mar-1957", "1957-03-11"),
    ("March 11, 1957", "1957-03-11"), ("Mar 1957", "1957-03"), ("  1957-03-11 ", "1957-03-11"),
    # slashes/dashes with the year last: read when only one reading is a date, or both agree
    ("13/03/1957", "1957-03-13"), ("03/13/1957", "1957-03-13"), ("05/05/1957", "1957-05-05"),
    ("25-12-1960", "1960-12-25"),
    ("", None), (None, None),
])
def test_birth_dates_read(text, iso):
    assert parse_birth_date(text) == iso


@pytest.mark.parametrize("text,message", [
    ("1957-13-45", "month 13 does not exist"),
    ("1957-02-30", "February 1957 has no day 30"),
    ("31.04.1980", "April 1980 has no day 31"),
    ("03/11/1957", "ambiguous: day-month (1957-11-03) or month-day (1957-03-11)"),
    ("13/13/1957", "neither 13 nor 13 is a month"),
    ("not a date", "unreadable date of birth 'not a date'"),
    ("1957 or 1958", "unreadable"),
    ("1650", "before 1800"),
    (f"{date.today().year + 1}-01-01", "in the future"),
])
def test_bad_birth_dates_are_errors_never_shortened(text, message):
    with pytest.raises(QueryError, match=re.escape(message)):
        parse_birth_date(text)


@pytest.mark.parametrize("text,code", [("ir", "ir"), ("IR", "ir"), ("IRN", "ir"), ("Iran", "ir"),
                                       ("Islamic Republic of Iran", "ir"), ("Iranian", "ir"),
                                       ("Russian Federation", "ru"), ("xk", "xk"), ("", None)])
def test_countries_by_code_name_or_demonym(text, code):
    assert parse_country(text) == code


def test_unknown_country_is_an_error():
    with pytest.raises(QueryError, match="unknown country 'Atlantis'"):
        parse_country("Atlantis")


def test_gender_is_a_closed_set():
    assert [parse_gender(g) for g in ("male", "F", "Other", "", None)] == ["male", "female", "other", None, None]
    with pytest.raises(QueryError, match="unknown gender 'xyz': use male, female or other"):
        parse_gender("xyz")


def test_schema_names_and_words():
    assert [parse_schema(s) for s in ("Person", "person", "individual", "Company", "ship", None)] == \
        ["Person", "Person", "Person", "Company", "Vessel", None]
    with pytest.raises(QueryError, match="unknown schema 'Spaceship'"):
        parse_schema("Spaceship")
    with pytest.raises(QueryError, match="cannot be screened"):
        parse_schema("Thing")
    assert parse_schema("Thing", screenable=False) == "Thing"


def test_query_from_fields():
    q = query_from_fields(Fields(name="  Qasem   Soleimani ", dob="11.03.1957", country="Iranian", id_number="X1",
                                 gender="m"))
    assert q.schema.name == "Person"  # a birth date or gender makes it a person
    assert q.to_dict()["properties"] == {"name": ["Qasem Soleimani"], "birthDate": ["1957-03-11"],
                                         "country": ["ir"], "idNumber": ["X1"], "gender": ["male"]}
    assert query_from_fields(Fields(name="IRGC")).schema.name == "LegalEntity"
    assert query_from_fields(Fields(id_number="IMO 9187629")).get("idNumber") == ["IMO 9187629"]
    with pytest.raises(QueryError, match="empty name"):
        query_from_fields(Fields(name="   "))
    with pytest.raises(QueryError, match="has no property 'birthDate'"):
        query_from_fields(Fields(name="Acme", schema="Company", dob="1990"))


def test_an_example_and_typed_fields_give_the_same_query():
    """POST /match properties are parsed by the same rules as `vigil screen` options."""
    typed = query_from_fields(Fields(name="Qasem Soleimani", dob="13/03/1957", country="Iran", schema="Person"))
    example = query_from_example("Person", {"name": ["Qasem Soleimani"], "birthDate": "13/03/1957",
                                            "country": ["Iran"]})
    assert typed.to_dict() == example.to_dict()
    with pytest.raises(QueryError, match="birthDate: date of birth '1957-13-45' is not a date"):
        query_from_example("Person", {"name": "X", "birthDate": ["1957-13-45"]})
    with pytest.raises(QueryError, match="has no property 'wings'"):
        query_from_example("Person", {"name": "X", "wings": ["2"]})
