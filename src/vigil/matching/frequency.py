"""How common a person's name is, from the lists' own names (built with the index).

Two statistics, both read only for the few name pairs that would otherwise flag a match:

* **given-name share** of a name part: how often the lists' name-part fields (OFAC, UK: firstName,
  middleName, lastName) use it as a given name. Faysal, Joseph, Mohammad are given names in > 90 %
  of their uses; Kim, Ibrahim, Ali are family names often enough to be either.
* **name share** of a run of name parts: the share of the lists' persons of one country that carry
  each part, multiplied, in the country where that is highest (a naive frequency model of names
  per country). Each count leaves out one person (the candidate itself): a name is common when
  *other* persons of the lists share its parts (more than MIN_OTHERS of them). Hossein Mousavi is
  about 1 in 1,150 Iranian persons' names of the lists, Kim Song Hun 1 in 1,650 North Korean ones;
  Soleimani, Alavi, Deif are family names of too few other listed persons to say.

A name that common identifies nobody on its own: `matcher.best_name` caps its score below the
threshold (`common_name_cap`), so that an alert needs some other evidence (a birth year, a nationality).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .names import Token, name_tokens
from .nicknames import NICKNAME_GROUPS

MIN_COUNTRY_PERSONS = 100  # countries with fewer listed persons give no reliable shares
MIN_OTHERS = 5  # a part fewer other persons of the country carry is no common name there (a family of listed relatives)
PRIOR_PERSONS = 20  # weight (in persons) of the part's share of all listed persons in a country's share
MIN_ROLE_USES = 5  # name parts used fewer times in name-part fields have no given-name share
GIVEN_PROPS = ("firstName", "middleName")
FAMILY_PROPS = ("lastName",)


def part_key(tok: Token) -> str:
    """The spelling class a name part is looked up under: the vowel-shape key of a part of three
    consonants or more (the spellings `scoring` reads as one name: Hossein = Husayn = Hassan,
    Mousavi = Musavi), else the part as written (Kim, Hun, Han are different names)."""
    v = tok.vkey
    if v is not None and len(v) - v.count("V") >= 3:
        return v
    return tok.text


def part_keys(tok: Token) -> set[str]:
    """The keys a listed name part is counted under: its class, its spelling and its learned
    variants (a person named Hosein counts for Hossein and Husayn too)."""
    keys = {part_key(tok), tok.text}
    if tok.syn:
        keys.update(tok.syn)
    return keys


@dataclass
class NameStats:
    given_share: dict[str, float] = field(default_factory=dict)  # part text -> share of given-name uses
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # part_key -> country -> persons
    persons: dict[str, int] = field(default_factory=dict)  # country -> persons (>= MIN_COUNTRY_PERSONS)
    everyone: int = 1  # listed persons with a country ("" in `counts`: the part's count among them)

    def name_share(self, parts: Iterable[Token]) -> tuple[float, str]:
        """(share, country): the share of a country's listed persons (each part leaving one person
        out) whose names carry all these parts, assuming parts independent, in the country where
        it is highest (the query's person may come from any); (0, "") for fewer than two parts or
        when no country has each part on more than MIN_OTHERS other persons."""
        rows = []
        for t in parts:
            if t.weak:
                continue
            row = self.row(t)
            if row is None:
                return 0.0, ""
            rows.append(row)
        if len(rows) < 2:
            return 0.0, ""
        rows.sort(key=len)
        best, where = 0.0, ""
        for country in rows[0]:
            n = rows[0].get(country, 0)
            if n <= MIN_OTHERS or not country:
                continue
            total = self.persons[country] - 1 + PRIOR_PERSONS
            share = 1.0
            for row in rows:
                m = row.get(country, 0)
                if m <= MIN_OTHERS:
                    share = 0.0
                    break
                # (shrunk towards the part's share of all listed persons: a country of few listed
                # persons says little)
                share *= (m - 1 + PRIOR_PERSONS * row.get("", 0) / self.everyone) / total
            if share > best:
                best, where = share, country
        return best, where

    def row(self, tok: Token) -> dict[str, int] | None:
        """The part's persons per country: of its spelling class, or for a part in another script
        (Arabic, Hangul ...) of its commonest Latin reading (its romanisation or one the learned
        tables give: محمد Mohammad, 남 Nam)."""
        if not tok.script:
            return self.counts.get(part_key(tok))
        best: dict[str, int] | None = None
        for v in sorted({tok.text, *(tok.syn or ())}):
            row = self.counts.get(v)
            if row is not None and (best is None or row.get("", 0) > best.get("", 0)):
                best = row
        return best

    def is_given_name(self, tok: Token, at_least: float) -> bool:
        """The part is a given name in at least `at_least` of its uses in the lists' name-part fields;
        for a part they use too rarely, whether it is a given name the pet-form table knows
        (Michael, Robert, Mike: given names the lists seldom carry)."""
        share = self.given_share.get(tok.text)
        if share is None:
            return tok.text in NICKNAME_GROUPS
        return share >= at_least


def build(records) -> NameStats:
    """`records`: (EntityRecord, its name token tuples) of every entity of the index."""
    given: dict[str, int] = {}
    family: dict[str, int] = {}
    counts: dict[str, dict[str, int]] = {}
    persons: dict[str, int] = {}
    done: set[tuple[str, tuple[str, ...]]] = set()
    keys_of: dict[Token, tuple[str, ...]] = {}
    for rec, names in records:
        if rec.kind != "person":
            continue
        ent = rec.entity
        for props, into in ((GIVEN_PROPS, given), (FAMILY_PROPS, family)):
            seen = set()
            for p in props:
                for v in ent.get(p):
                    for t in name_tokens(v, "person"):
                        if not t.weak and t.text not in seen:
                            seen.add(t.text)
                            into[t.text] = into.get(t.text, 0) + 1
        if not rec.countries or not names:
            continue
        # One person on several lists (or twice on one) is counted once: by its first name's parts.
        sig = tuple(sorted(part_key(t) for t in names[0] if not t.weak))
        keys: set[str] = set()
        for tokens in names:
            for t in tokens:
                if not t.weak and not t.script:
                    tk = keys_of.get(t)
                    if tk is None:
                        tk = keys_of[t] = tuple(part_keys(t))
                    keys.update(tk)
        for c in ("", *rec.countries):
            if (c, sig) in done:
                continue
            done.add((c, sig))
            persons[c] = persons.get(c, 0) + 1
            for k in keys:
                row = counts.get(k)
                if row is None:
                    row = counts[k] = {}
                row[c] = row.get(c, 0) + 1
    everyone = persons.pop("", 1)
    big = {c: n for c, n in persons.items() if n >= MIN_COUNTRY_PERSONS}
    counts = {k: {c: n for c, n in row.items() if (c in big or c == "") and n >= 2} for k, row in counts.items()}
    shares = {}
    for text in set(given) | set(family):
        g, f = given.get(text, 0), family.get(text, 0)
        if g + f >= MIN_ROLE_USES:
            shares[text] = g / (g + f)
    return NameStats(shares, {k: row for k, row in counts.items() if len(row) > 1}, big, everyone)
