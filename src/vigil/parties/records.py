"""List records as the resolver sees them: which list says it, what to screen it with, what changed.

A *list key* names the unit inside which two records are two different parties: a list's own
numbering. Both OFAC lists share one numbering (`ofac-<ent_num>`), so they are one key; the EU
Official Journal transcription numbers records per legal act, so each act (CELEX) is its own key
(the IRGC is listed under the Iran regime and under the terrorist list: two records, one party).
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable

import orjson

from vigil.matching import normalize
from vigil.model import Entity

OFAC_DATASETS = ("us_ofac_sdn", "us_ofac_cons")
EU_JOURNAL = "eu_journal_sanctions"
_EU_JOURNAL_ID = re.compile(r"^eu-oj-(\d{5}[A-Z]\d{4})-")

# What a record is screened with (the brief: names, birth date, nationality, identifiers).
# Whole names only: name parts (firstName, secondName ...) are often incomplete, and a query made of
# one part ("ABBAS") would match every record carrying that word as a name.
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
FACT_PROPS = ("birthDate", "gender", "nationality", "citizenship", "birthCountry", "country", "jurisdiction", "flag")
# Identifiers that name one party: shared by two lists with compatible names, they link the records.
# Left out: codes shared by design (KPP: every branch), reused (call signs) or naming a thing, not a party.
STRONG_IDS = (
    "passportNumber", "idNumber", "socialSecurityNumber", "personalNumber", "registrationNumber", "taxNumber",
    "vatCode", "innCode", "ogrnCode", "okpoCode", "leiCode", "swiftBic", "dunsCode", "bvdId", "uniqueEntityId",
    "imoNumber", "mmsi",
)
_ID_CHARS = re.compile(r"[^0-9A-Z]")
# "Iranian Revolutionary Guard Corps (IRGC)": a name declaring its acronym in brackets.
_DECLARED_ACRONYM = re.compile(r"^(?P<full>.{4,}?)\s*\((?P<acronym>[A-Z][A-Za-z]{1,9})\)$")
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "in", "de", "du", "des", "la", "le", "al", "el", "&"})


def list_key(entity: Entity) -> str:
    """The numbering this record belongs to (see the module docstring)."""
    if entity.id and entity.id.startswith("ofac-"):
        return "ofac"
    if EU_JOURNAL in entity.datasets:
        m = _EU_JOURNAL_ID.match(entity.id or "")
        return f"{EU_JOURNAL}/{m.group(1)}" if m else EU_JOURNAL
    return entity.datasets[0] if entity.datasets else "?"


def name_key(name: str) -> str:
    """A name as a sorted bag of normalised words: 'SLEWA, Roodi' and 'Roodi Slewa' are one key."""
    return " ".join(sorted(normalize(name).split()))


def id_key(value: str) -> str | None:
    """An identifier as bare upper-case letters and digits, or None when too weak to link on
    (shorter than 6, no digit, one repeated character)."""
    key = _ID_CHARS.sub("", value.upper())
    if len(key) < 6 or not any(c.isdigit() for c in key) or len(set(key)) == 1:
        return None
    return key


class Record:
    """One current list record: its list key, what it is screened with, and a fingerprint of that.

    The query entity and the name keys are made on first use: a resolve after a small update
    needs them only for the few records it screens again."""
    __slots__ = ("id", "key", "schema", "datasets", "entity", "fingerprint", "ids", "referents", "screen_ids",
                 "_names", "_query")

    def __init__(self, entity: Entity, screen_ids: bool = True):
        self.entity = entity
        self.screen_ids = screen_ids  # False: identifiers withheld from the query (the bench's OFAC<->UN run)
        self.id = entity.id or ""
        self.key = list_key(entity)
        self.schema = entity.schema.name
        self.datasets = tuple(entity.datasets)
        self.referents = tuple(entity.referents)
        props = entity.properties
        screened = {p: props[p] for p in (*NAME_PROPS, *FACT_PROPS, *STRONG_IDS) if p in props}
        self.fingerprint = hashlib.blake2b(orjson.dumps([self.key, self.schema, screened], option=orjson.OPT_SORT_KEYS),
                                           digest_size=12).hexdigest()
        self.ids = frozenset(k for p in STRONG_IDS for v in props.get(p, ()) if (k := id_key(v)))
        self._names: frozenset[str] | None = None
        self._query: Entity | None = None

    @property
    def query(self) -> Entity:
        if self._query is None:
            self._query = query_of(self.entity, self.screen_ids)
        return self._query

    @property
    def acronym_query(self) -> Entity | None:
        """The acronyms the record's names declare, as a query of their own (None without any): in a query
        with several longer names, a bare acronym loses its exact match among the candidates."""
        if self.schema == "Person":
            return None
        acronyms = list(dict.fromkeys(found[1] for n in self.entity.names if (found := declared_acronym(n))))
        if not acronyms:
            return None
        query = Entity(self.schema)
        query.properties = {"name": acronyms, **{p: v for p, v in self.query.properties.items()
                                                 if p not in NAME_PROPS}}
        return query

    @property
    def names(self) -> frozenset[str]:
        if self._names is None:
            self._names = frozenset(k for n in self.entity.names if (k := name_key(n)))
        return self._names


def declared_acronym(name: str) -> tuple[str, str] | None:
    """("Iranian Revolutionary Guard Corps", "IRGC") for "Iranian Revolutionary Guard Corps (IRGC)": only when
    the bracketed word spells the initials of the name's words (minor words may be skipped), so a bracketed
    place, legal form or spelling variant ("VTB BANK (KIEV)", "SANTOS, Ahmad (Ahmed)") is not taken."""
    m = _DECLARED_ACRONYM.match(name.strip())
    if not m:
        return None
    full, acronym = m.group("full").strip(), m.group("acronym").upper()
    words = [w for w in re.split(r"[\s\-]+", full) if w]
    initials = "".join(w[0] for w in words if w[0].isalpha()).upper()
    major = "".join(w[0] for w in words if w[0].isalpha() and w.lower() not in _MINOR_WORDS).upper()
    return (full, acronym) if acronym in (initials, major) else None


def query_of(entity: Entity, with_ids: bool = True) -> Entity:
    """The record as a screening query (its values are already clean: no need to re-add them). An
    organisation's name declaring its acronym is screened also as the name alone and the acronym alone
    (and the acronym once more in a query of its own: `Record.acronym_query`): lists write one party as
    "Islamic Revolutionary Guard Corps (IRGC)", "IRGC" or without the acronym."""
    query = Entity(entity.schema.name)
    props = (*NAME_PROPS, *FACT_PROPS, *STRONG_IDS) if with_ids else (*NAME_PROPS, *FACT_PROPS)
    query.properties = {p: list(entity.properties[p]) for p in props
                        if entity.properties.get(p) and p in entity.schema.properties}
    if entity.schema.name != "Person":
        parts = [part for n in entity.names if (found := declared_acronym(n)) for part in found]
        extra = [p for p in dict.fromkeys(parts) if p not in query.properties.get("alias", [])]
        if extra:
            query.properties["alias"] = query.properties.get("alias", []) + extra
    return query


def records_of(entities: Iterable[Entity], screen_ids: bool = True) -> dict[str, Record]:
    """Records of the listed parties among `entities` (relation entities, Ownership and the like, are not parties)."""
    return {e.id: Record(e, screen_ids) for e in entities if e.id and getattr(e.schema, "edge", None) is None}


def name_share(a: Record, b: Record) -> float:
    """The share of the shorter name list the other list also carries (word order and case aside)."""
    if not a.names or not b.names:
        return 0.0
    return len(a.names & b.names) / min(len(a.names), len(b.names))
