"""Text helpers for the pages: writing systems of names, highlighting, dates, country names."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Sequence

from markupsafe import Markup, escape

SCRIPTS = ("Latin", "Arabic", "Cyrillic", "Hebrew", "Greek", "CJK", "Hangul", "Hiragana", "Katakana", "Thai",
           "Devanagari", "Georgian", "Armenian")
NAME_QUALITY = (  # FtM property -> what analysts call it, strongest first
    ("name", "Primary name"),
    ("alias", "Alias (a.k.a.)"),
    ("previousName", "Former name (f.k.a.)"),
    ("weakAlias", "Weak alias"),
)


@lru_cache(maxsize=4096)
def _char_script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    for script in SCRIPTS:
        if name.startswith(script.upper()) or f" {script.upper()} " in f" {name} ":
            return script
    return "Other"


def script_of(text: str) -> str:
    """The writing system most letters of `text` are in ("Latin", "Arabic", "Cyrillic" ...)."""
    counts: dict[str, int] = {}
    for ch in text or "":
        s = _char_script(ch)
        if s:
            counts[s] = counts.get(s, 0) + 1
    if not counts:
        return "Other"
    best = max(counts, key=counts.get)
    if best == "Arabic" and any(ch in "پچژگکی" for ch in text):
        return "Arabic (Persian)"
    return best


def group_names(entity) -> list[dict]:
    """Names by writing system, then by quality: [{script, groups: [(label, [names])]}], Latin first."""
    by_script: dict[str, dict[str, list[str]]] = {}
    for prop, label in NAME_QUALITY:
        for value in entity.get(prop):
            by_script.setdefault(script_of(value), {}).setdefault(label, []).append(value)
    order = sorted(by_script, key=lambda s: (s != "Latin", s))
    return [{"script": s, "groups": list(by_script[s].items())} for s in order]


def mark_equal(value: str | None, needles: Iterable[str | None], cls: str = "hit") -> Markup:
    """`value` in <mark> when it is (case-insensitively) one of the needles: for whole values such as
    names and dates, where marking substrings would light up "ir" inside "Iran"."""
    value = value or ""
    wanted = {n.strip().casefold() for n in needles if isinstance(n, str) and n.strip()}
    if value.strip().casefold() in wanted:
        return Markup('<mark class="{}">{}</mark>').format(cls, value)
    return escape(value)


def highlight(text: str | None, needles: Iterable[str | None], cls: str = "hit") -> Markup:
    """`text` with every case-insensitive occurrence of the needles wrapped in <mark>, the rest escaped."""
    text = text or ""
    terms = sorted({n.strip() for n in needles if n and n.strip()}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos:m.start()]))
        out.append(Markup('<mark class="{}">{}</mark>').format(cls, m.group(0)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def mark_spans(text: str, spans: Sequence[tuple[int, int, str, dict[str, str]]]) -> Markup:
    """`text` with (start, end, tag, attributes) spans wrapped in elements; overlapping spans are dropped."""
    out, pos = [], 0
    for start, end, tag, attrs in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos or end <= start or end > len(text):
            continue
        out.append(escape(text[pos:start]))
        attr_html = Markup(" ").join(Markup('{}="{}"').format(k, v) for k, v in attrs.items())
        out.append(Markup("<{} {}>{}</{}>").format(Markup(tag), attr_html, text[start:end], Markup(tag)))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def prop_label(prop: str) -> str:
    """`passportNumber` -> "Passport number"."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", prop).lower()
    return words[:1].upper() + words[1:]


def short_date(value: str | None) -> str:
    return (value or "")[:10] or "—"


def short_datetime(value: str | None) -> str:
    if not value:
        return "—"
    return value[:16].replace("T", " ") + (" UTC" if len(value) > 10 else "")


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        import pycountry

        found = pycountry.countries.get(alpha_2=code.upper())
    except (ImportError, KeyError, LookupError):
        found = None
    return f"{found.name} ({code})" if found else code
