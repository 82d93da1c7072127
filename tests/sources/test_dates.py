"""Date shapes found in the lists -> ISO prefixes (vigil.sources.dates)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from vigil.sources.dates import is_circa, iso, parse_date, parse_datetime


@pytest.mark.parametrize("text, expected", [
    ("11 Mar 1957", ["1957-03-11"]),
    ("1957", ["1957"]),
    ("circa 1957", ["1957"]),
    ("1957 to 1959", ["1957", "1959"]),
    ("1957-1959", ["1957", "1959"]),
    ("11/03/1957", ["1957-03-11"]),           # day first, as UN/OFSI/EU write it
    ("00/00/1957", ["1957"]),                 # OFSI: unknown day and month
    ("00/03/1957", ["1957-03"]),
    ("1957-03-11", ["1957-03-11"]),
    ("March 11, 1957", ["1957-03-11"]),
    ("Nov. 1973", ["1973-11"]),
    ("1 Sept 1960", ["1960-09-01"]),
    ("31/02/1970", ["1970-02"]),              # impossible day: keep what is certain
    ("DOB 1955; alt. DOB 1956", ["1955", "1956"]),
    ("", []),
    (None, []),
    ("unknown", []),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_date_returns_a_fresh_list():
    first = parse_date("11/03/1957")
    first.append("x")
    assert parse_date("11/03/1957") == ["1957-03-11"]


def test_iso_parts():
    assert iso(1957, 3, 11) == "1957-03-11"
    assert iso("1957", "0", "11") == "1957"
    assert iso("abc") is None


def test_circa_and_datetime():
    assert is_circa("circa 1957") and is_circa("approximately 1960") and not is_circa("1957")
    assert parse_datetime("2026-02-27T00:00:09.554Z") == datetime(2026, 2, 27, 0, 0, 9, 554000, tzinfo=timezone.utc)
    assert parse_datetime("14/04/2025") == datetime(2025, 4, 14)
    assert parse_datetime("2026-03-02T18:01:43+01:00").utcoffset() == timedelta(hours=1)
    assert parse_datetime("no date") is None
