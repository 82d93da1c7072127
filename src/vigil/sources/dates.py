"""Dates as sanctions lists write them -> ISO prefixes (`1957`, `1957-03`, `1957-03-11`).

Lists give birth dates in many shapes: "11 Mar 1957", "1957", "circa 1957", "1957 to 1959",
"11/03/1957" (day first: UN, OFSI, EU), "00/00/1957" (unknown parts zeroed, OFSI), ISO
"1957-03-11". FtM keeps dates as ISO prefixes so a partly known date stays partly known
instead of becoming a false exact date. A range gives its end years ("1957 to 1959" ->
["1957", "1959"]), per docs/ARCHITECTURE.md; "circa" is dropped here (callers add a note).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")
_MY_NUM = re.compile(r"(?<!\d)(\d{1,2})[/.](\d{4})(?!\d)")
_D_MON_Y = re.compile(rf"(?<!\d)(?:(\d{{1,2}})\s*)?({MONTH_NAMES})[a-z]*\.?,?\s*(\d{{4}})(?!\d)", re.I)
_MON_D_Y = re.compile(rf"\b({MONTH_NAMES})[a-z]*\.?\s+(\d{{1,2}}),?\s+(\d{{4}})(?!\d)", re.I)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_RANGE = re.compile(r"(?<!\d)(\d{4})\s*(?:to|-|–|—|/)\s*(\d{4})(?!\d)", re.I)
_CIRCA = re.compile(r"\b(circa|ca\.?|approx(?:imately|\.)?|about|around|c\.)\s*", re.I)


def iso(year: int | str, month: int | str | None = None, day: int | str | None = None) -> str | None:
    """Build an ISO prefix from parts; zero/empty/invalid parts shorten it ("00" month -> year only)."""
    try:
        y = int(year)
    except (TypeError, ValueError):
        return None
    if not 1000 <= y <= 2999:
        return None
    try:
        m = int(month) if month not in (None, "") else 0
        d = int(day) if day not in (None, "") else 0
    except (TypeError, ValueError):
        m, d = 0, 0
    if not 1 <= m <= 12:
        return f"{y:04d}"
    if not 1 <= d <= 31:
        return f"{y:04d}-{m:02d}"
    try:
        date(y, m, d)
    except ValueError:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def is_circa(text: str | None) -> bool:
    return bool(text and _CIRCA.search(text))


def parse_date(text: str | None) -> list[str]:
    """All dates in `text` as ISO prefixes, in order of appearance, without duplicates.

    >>> parse_date("11 Mar 1957"), parse_date("00/00/1957"), parse_date("1957 to 1959")
    (['1957-03-11'], ['1957'], ['1957', '1959'])
    """
    if not text:
        return []
    return list(_parse_date(str(text).strip()))


_SIMPLE_DMY = re.compile(r"(\d\d)/(\d\d)/(\d{4})")
_SIMPLE_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)")


@lru_cache(maxsize=65536)
def _parse_date(text: str) -> tuple[str, ...]:
    # Lists repeat the same few thousand dates on many rows: cache, and take the two common shapes fast.
    if not text:
        return ()
    m = _SIMPLE_DMY.fullmatch(text)
    if m:
        value = iso(m.group(3), m.group(2), m.group(1))
        return (value,) if value else ()
    m = _SIMPLE_ISO.fullmatch(text)
    if m:
        value = iso(m.group(1), m.group(2), m.group(3))
        return (value,) if value else ()
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def claim(match: re.Match, value: str | None) -> None:
        if value is None:
            return
        span = match.span()
        if any(s < span[1] and span[0] < e for s, e in taken):
            return
        taken.append(span)
        found.append((span[0], value))

    for m in _ISO.finditer(text):
        claim(m, iso(m.group(1), m.group(2), m.group(3)))
    for m in _DMY.finditer(text):
        claim(m, iso(m.group(3), m.group(2), m.group(1)))
    for m in _MON_D_Y.finditer(text):
        claim(m, iso(m.group(3), MONTHS[m.group(1).lower()[:3]], m.group(2)))
    for m in _D_MON_Y.finditer(text):
        claim(m, iso(m.group(3), MONTHS[m.group(2).lower()[:3]], m.group(1)))
    for m in _MY_NUM.finditer(text):
        claim(m, iso(m.group(2), m.group(1)))
    for m in _RANGE.finditer(text):
        span = m.span()
        if any(s < span[1] and span[0] < e for s, e in taken):
            continue
        taken.append(span)
        for g in (1, 2):
            value = iso(m.group(g))
            if value:
                found.append((m.start(g), value))
    for m in _YEAR.finditer(text):
        claim(m, iso(m.group(1)))
    out: list[str] = []
    for _, value in sorted(found):
        if value not in out:
            out.append(value)
    return tuple(out)


def parse_datetime(text: str | None) -> datetime | None:
    """A publication timestamp ("2026-02-27T00:00:09.554Z", "2025-04-14", "14/04/2025") -> datetime."""
    if not text:
        return None
    text = str(text).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    values = parse_date(text)
    if values and len(values[0]) == 10:
        return datetime.fromisoformat(values[0])
    return None
