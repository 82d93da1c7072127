"""Every listed name and alias, found in article text in one Aho-Corasick pass.

Article text and list names go through the same word splitter and the matcher's one
normaliser (`vigil.matching.names.normalize`), so "al-Qaeda" finds AL QAEDA, "IRGC’s"
finds IRGC and Arabic-script names find their Arabic-script (and transliterated)
list entries. Offsets map back to the original text.

Rules against the noise a naive gazetteer produces on news text:
* people need at least two name words (a lone ALAVI or ASSAD alias is a surname, not a person);
* a hit's words must be capitalised in the article (names are; "the base" is not THE BASE);
* short one-word names (<= 4 letters: MOIS, IRGC, QF, LH, ESO ...) are acronym-like: they must stand
  in upper case in the article, and `scan` keeps them only when the article defines them or the list
  gives the acronym to one party only (see `Gazetteer.is_unambiguous`);
* one-word names that are common English words, and names of < 3 letters, are never entries.
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

import ahocorasick

from vigil.model import Entity

# Words (letters/digits, with in-word apostrophes: QA'IDA, Ettela'at) plus combining marks and ZWNJ.
_WORD_RE = re.compile(r"[^\W_][\w\u0300-\u036f\u064b-\u065f\u0670\u200c]*(?:['’ʼ][^\W_][\w\u200c]*)*")
_PAREN_ACRONYM = re.compile(r"\s*\([A-Z0-9][A-Z0-9\-]{1,7}\)")
SHORT_NAME = 4  # one-word names up to this length are treated as acronyms (MOIS, IRGC, QF)
PERSON_SCHEMATA = {"Person"}

# Common English words that are also one-word aliases on the lists (ARMY, BASE, FRONT ...):
# a one-word alias equal to one of these never becomes a gazetteer entry.
_COMMON_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers him his how i if in into is it its just me more most my no nor not now of off on once only
    or other our out over own same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who whom why will with
    would you your army base front group party union council company bank trust fund state states government
    ministry office center centre force forces movement organization organisation network jihad islamic
    national international general new united republic people popular committee foundation institute service
    services industries industry trading holding holdings limited global world east west north south central
    unit brigade brigades battalion battalions martyrs revolution resistance liberation""".split()
)


def _split(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for the words of `text`; a possessive 's is cut off its word."""
    out: list[tuple[str, int, int]] = []
    for m in _WORD_RE.finditer(text):
        word = m.group()
        start, end = m.span()
        if len(word) > 2 and word[-2] in "'’ʼ" and word[-1] in "sS":  # a possessive 's
            cut = end - 2
            out.append((word[:-2], start, cut))
            out.append(("s", cut + 1, end))
            continue
        out.append((word, start, end))
    return out


@lru_cache(maxsize=300_000)
def _norm_word(word: str) -> str:
    from vigil.matching.names import normalize

    return normalize(word)


@lru_cache(maxsize=300_000)
def _norm_parts(word: str) -> tuple[str, ...]:
    return tuple(_norm_word(word).split())


def name_key(name: str) -> str:
    """The normalised form of a name, as the gazetteer stores and finds it."""
    parts = [_norm_word(w) for w, _, _ in _split(name)]
    return " ".join(p for p in parts if p)


@dataclass
class GazetteerEntry:
    entity_id: str
    schema: str
    prop: str  # name, alias, weakAlias, previousName
    name: str  # the name as listed


@dataclass
class GazetteerHit:
    start: int
    end: int
    text: str
    key: str
    entries: list[GazetteerEntry] = field(default_factory=list)
    acronym: bool = False  # a short one-word name: needs a definition in the article or an unambiguous list

    @property
    def entity_ids(self) -> list[str]:
        return list(dict.fromkeys(e.entity_id for e in self.entries))


class Gazetteer:
    def __init__(self, entities: Iterable[Entity]):
        self._entries: dict[str, list[GazetteerEntry]] = defaultdict(list)
        for entity in entities:
            if not entity.id:
                continue
            is_person = entity.schema.name in PERSON_SCHEMATA
            for prop, name in _name_forms(entity, is_person):
                key = name_key(name)
                if not self._admissible(key, is_person):
                    continue
                bucket = self._entries[key]
                if not any(e.entity_id == entity.id for e in bucket):
                    bucket.append(GazetteerEntry(entity.id, entity.schema.name, prop, name))
        self._automaton = ahocorasick.Automaton()
        for key in self._entries:
            self._automaton.add_word(f" {key} ", key)
        if self._entries:
            self._automaton.make_automaton()
        self.size = len(self._entries)

    @staticmethod
    def _admissible(key: str, is_person: bool) -> bool:
        words = key.split()
        if not words or len(key) < 3:
            return False
        if is_person and len(words) < 2:
            return False
        if len(words) == 1 and words[0] in _COMMON_WORDS:
            return False
        if all(w in _COMMON_WORDS for w in words):  # "THE BASE", "ISLAMIC ARMY", "NEW JIHAD"
            return False
        return True

    def entries(self, key: str) -> list[GazetteerEntry]:
        return self._entries.get(key, [])

    def is_unambiguous(self, key: str) -> bool:
        """An acronym the lists give to exactly one party (by id)."""
        return len({e.entity_id for e in self._entries.get(key, ())}) == 1

    def find(self, text: str) -> list[GazetteerHit]:
        """Longest non-overlapping hits, left to right, that pass the capitalisation rules."""
        if not self.size:
            return []
        words = _split(text)
        norm: list[str] = []
        spans: list[tuple[int, int]] = []
        offsets: list[int] = []  # char offset of each normalised word in `padded`
        pos = 1
        for word, start, end in words:
            for part in _norm_parts(word):
                norm.append(part)
                spans.append((start, end))
                offsets.append(pos)
                pos += len(part) + 1
        padded = " " + " ".join(norm) + " "
        found: list[tuple[int, int, str]] = []  # (first word, last word, key)
        for end_idx, key in self._automaton.iter(padded):
            start_char = end_idx - len(key)  # iter() gives the index of the closing space
            first = bisect.bisect_left(offsets, start_char)
            last = first + key.count(" ")
            if first < len(offsets) and offsets[first] == start_char:
                found.append((first, last, key))
        # Longest first, then leftmost; drop overlaps.
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        taken = [False] * len(norm)
        hits: list[GazetteerHit] = []
        for first, last, key in found:
            if any(taken[first : last + 1]):
                continue
            start, end = spans[first][0], spans[last][1]
            surface = text[start:end]
            acronym = " " not in key and len(key) <= SHORT_NAME
            if not _capitalised(text, spans[first : last + 1], acronym):
                continue
            for i in range(first, last + 1):
                taken[i] = True
            hits.append(GazetteerHit(start, end, surface, key, list(self._entries[key]), acronym))
        hits.sort(key=lambda h: h.start)
        return hits


def _name_forms(entity: Entity, is_person: bool) -> Iterable[tuple[str, str]]:
    """The listed names, plus the running-text forms of people's names.

    Lists write "KHAMENEI, Ali Husseini"; articles write "Ali Husseini Khamenei" or, with the
    first given name only, "Ali Khamenei". The latter is marked `derived` (weaker evidence).
    """
    for prop, name in entity.iter_names():
        # "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)": articles write the acronym as a definition or alone.
        name = _PAREN_ACRONYM.sub("", name).strip() or name
        yield prop, name
        if is_person and name.count(",") == 1:
            last, first = (p.strip() for p in name.split(","))
            if last and first:
                yield prop, f"{first} {last}"
    if is_person:
        for first in entity.get("firstName"):
            given = first.split()
            for last in entity.get("lastName"):
                yield "name", f"{first} {last}"
                if len(given) > 1:
                    yield "derived", f"{given[0]} {last}"


def _capitalised(text: str, spans: list[tuple[int, int]], acronym: bool) -> bool:
    """Names stand capitalised (or in a script without case); acronyms stand in upper case."""
    seen = set()
    content = 0
    for start, end in spans:
        if (start, end) in seen:
            continue
        seen.add((start, end))
        word = text[start:end]
        if acronym:
            return word.isupper() and len(word) >= 2
        if word.lower() in _FUNCTION_WORDS:
            continue
        content += 1
        first = word[0]
        if first.isalpha() and first.lower() != first.upper() and not first.isupper():
            # allow lower-case particles inside names (al-Qaeda, bin, ibn, de, van)
            if word.lower() not in _PARTICLES:
                return False
    return content > 0


_FUNCTION_WORDS = frozenset("of the and for in on to de la le du des del di da e y".split())
_PARTICLES = frozenset("al el bin ibn bint abu abd van von der den ul ud ad as ash az at".split())
