"""Mentions that name a listed party only in part, in another order or language, or by title + surname.

News rarely writes a listed organisation's full list name: "Iran's Ministry of Intelligence", "the
Iranian Intelligence Ministry", "the Vezarat-e Ettela'at" all name IRANIAN MINISTRY OF INTELLIGENCE
AND SECURITY (ofac-12111), and "Ayatollah Khamenei" names KHAMENEI, Ali Husseini. The gazetteer
finds only exact list names and the Matcher scores such partial names too low to link, rightly for
screening. Here two general rules, both requiring support from the article:

* **organisations** (`PartialNames`): a name's *key* is the set of its words, order-free, each in
  one spelling across scripts (`names.org_english`: ETTELA'AT, اطلاعات -> intelligence; VEZARAT-E ->
  ministry), without legal forms and without country words (Iranian, of Iran, Iran's), which are kept
  apart as the name's countries. A mention links to a listed organisation when its key equals the key
  of a list name (any order, any script: "Intelligence Ministry of Iran"), or the key of the list
  name's first conjunct, the words before its first "and" ("Ministry of Intelligence" for "Ministry
  of Intelligence and Security"; "va"/"و" in Persian). The listing's countries (from its name or its
  country properties) must be named in the article or with the mention whenever the list name had a
  country word or the match is a first conjunct, and all the list names that fit must be one
  organisation's (else the mention is ambiguous and stays unlinked).
* **persons** (`titled_surname`): a person named only by a title and a surname ("Ayatollah
  Khamenei", "General Soleimani", titles from `matching/titles.tsv` and the coreference roles) links
  to the listed person with that family name whom the article supports best: a party the listing is
  linked to named in the article (2), role words of the listing next to the mention (1 each, at most
  3), a country of the listing in the article (1), a stated position (prominence, 1). The best needs 2
  points and more than every listed namesake with another given name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from vigil.model import Entity

ORG_SCHEMATA = ("Organization", "Company", "LegalEntity", "PublicBody")
PARTIAL_SCORE = 0.9  # what a partial-name link shows (= linking.ORG_LINK: just linked)
TITLED_SURNAME_SCORE = 0.85  # a title + surname link, corroborated by the article
_CONJUNCTIONS = frozenset({"and", "&", "va", "wa", "و", "und", "et", "y"})
_WORD_RE = re.compile(r"[^\W_][\w'’\u200c-]*|&")


@dataclass(frozen=True, slots=True)
class PartialEntry:
    entity_id: str
    list_name: str
    form: str  # "full" (every word of the list name) or "first" (its first conjunct)
    countries: frozenset[str]  # countries of the listing (name words and country properties)
    name_had_country: bool


def _legal_forms() -> frozenset[str]:
    from vigil.matching.names import LEGAL_FORMS

    return frozenset(LEGAL_FORMS.values())


def _country(word: str) -> str | None:
    from vigil.sources.countries import to_code

    if len(word) < 3 or not word.isalpha():
        return None
    return to_code(word)


@lru_cache(maxsize=50_000)
def name_key(name: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """(sorted distinct words, countries named) of an organisation name; see the module doc."""
    from vigil.matching.names import name_tokens, org_english

    legal = _legal_forms()
    words: set[str] = set()
    countries: set[str] = set()
    for tok in name_tokens(name, "org"):
        word = org_english(tok)
        if tok.weak and word in legal:
            continue
        if word == "country":  # (Persian KESHVAR, "of the country": the listing's own country)
            continue
        code = _country(word)
        if code:
            countries.add(code)
            continue
        words.add(word)
    return tuple(sorted(words)), frozenset(countries)


def first_conjunct(name: str) -> str | None:
    """The words before the first "and" of a name (None when it has none, or nothing before it)."""
    words = _WORD_RE.findall(name)
    for i, w in enumerate(words):
        if w.casefold() in _CONJUNCTIONS and i >= 2:
            return " ".join(words[:i])
    return None


def _generic(word: str) -> bool:
    from vigil.matching.names import GENERIC_ORG_WORDS, ORG_GENERIC

    return word in GENERIC_ORG_WORDS or word in ORG_GENERIC.values()


class PartialNames:
    """Keys of listed organisation names and of their first conjuncts -> the names they come from.

    Built for the few organisations the Matcher retrieves for a mention (`partial_candidates`), not
    for the whole lists: the keys need the matcher's name analysis, seconds for every list name."""

    def __init__(self, entities: Iterable[Entity]):
        from vigil.media.linking import entity_countries

        self.by_key: dict[tuple[str, ...], list[PartialEntry]] = {}
        for ent in entities:
            if ent.schema.name not in ORG_SCHEMATA:
                continue
            props = entity_countries(ent)
            for prop in ("name", "alias", "previousName"):
                for name in ent.get(prop):
                    self._add(ent.id, name, props)

    def _add(self, eid: str, name: str, props: set[str]) -> None:
        key, named = name_key(name)
        if len(key) >= 2:
            self._put(key, PartialEntry(eid, name, "full", frozenset(props | named), bool(named)))
        head = first_conjunct(name)
        if head:
            hkey, hnamed = name_key(head)
            # A first conjunct names the listing alone only with two words or more, one of them
            # distinctive ("Ministry of Intelligence"; not "Ministry", not "Bank of Iran").
            if len(hkey) >= 2 and any(not _generic(w) for w in hkey) and hkey != key:
                self._put(hkey, PartialEntry(eid, name, "first", frozenset(props | named | hnamed),
                                             bool(named or hnamed)))

    def _put(self, key: tuple[str, ...], entry: PartialEntry) -> None:
        entries = self.by_key.setdefault(key, [])
        if all(e.entity_id != entry.entity_id or e.form != entry.form for e in entries):
            entries.append(entry)

    def find(self, name: str, countries: set[str]) -> tuple[list[PartialEntry], str]:
        """(the list names a mention fits, why not) for an organisation mention and the countries
        named in the article or with the mention; empty with the reason when none or several fit."""
        key, named = name_key(name)
        entries = self.by_key.get(key, []) if len(key) >= 2 else []
        if not entries:
            return [], ""
        known = countries | set(named)
        fit = []
        for e in entries:
            # A first conjunct, a list name with a country word, or a mention naming a country: the
            # listing's country must be the one the article (or the mention) names.
            if (e.form == "first" or e.name_had_country or named) and not (e.countries & known):
                continue
            fit.append(e)
        if not fit:
            return [], "the listing's country is not named in the article"
        # One party: the list names that fit must be one organisation's (the same full name, any list).
        parties = {name_key(e.list_name)[0] for e in fit}
        if len(parties) > 1:
            return [], f"fits {len(parties)} different listed organisations"
        return fit, ""


def partial_candidates(matcher: Any, names: list[str], countries: set[str]) -> list[Any]:
    """Candidates (`linking.Candidate`) for an organisation cluster's names: the organisations the
    Matcher retrieves for them (at any score) whose list names the names fit (`PartialNames.find`)."""
    from vigil.media.linking import Candidate

    out: dict[str, Any] = {}
    for name in names:
        if len(name_key(name)[0]) < 2:
            continue
        try:
            resp = matcher.match(Entity("LegalEntity", properties={"name": [name]}), limit=10, threshold=0.0)
        except ValueError:
            continue
        partial = PartialNames(r.entity for r in resp.results)
        entries, _why = partial.find(name, countries)
        for e in entries:
            ent = matcher.get(e.entity_id)
            if ent is None or e.entity_id in out:
                continue
            how = ("the words of the list name" if e.form == "full"
                   else "the list name's words before its first 'and'")
            detail = f"{name!r} has {how} {e.list_name!r}"
            shared = e.countries & (countries | name_key(name)[1])
            if shared:
                detail += f"; country {', '.join(sorted(shared))} named in the article"
            out[e.entity_id] = Candidate(ent, PARTIAL_SCORE, {"partial_name": {
                "score": PARTIAL_SCORE, "detail": detail, "query": name, "candidate": e.list_name}},
                "partial", name)
    return list(out.values())


_EZAFE_HEAD = re.compile(r"([^\W\d_]+)(?:-(?:e|ye|i)|(?<=e))[\s\u200c]*$")


def ezafe_start(text: str, start: int) -> int | None:
    """Where a mention starts with the generic organisation word joined to it by a Persian ezafe just
    before it ("Vezarat-e " + "Ettela'at", "Sazman-e " + "Basij"), which the NER leaves out; None
    when there is none."""
    from vigil.matching.names import _latin_word, org_generic

    lo = max(0, start - 40)
    m = _EZAFE_HEAD.search(text[lo:start])
    if not m:
        return None
    word = _latin_word(m.group(1).casefold())
    if org_generic(word) is None and org_generic(word.removesuffix("e")) is None:
        return None
    return lo + m.start()


_TITLE_WORDS_RE = re.compile(r"([^\W\d_][\w.'’\u200c-]*)[\s]+$")


def preceding_titles(text: str, start: int) -> list[str]:
    """Titles written right before a mention ("General" in "General Soleimani" when the NER span is
    the surname alone): up to three words, the longest run that is a title of titles.tsv."""
    from vigil.matching.names import TITLE_CLASS, _squash

    before = text[max(0, start - 60): start]
    line = re.split(r"[\n.;:!?()\"“”]", before)[-1]
    words = line.split()
    for k in (3, 2, 1):
        if len(words) >= k and _squash(" ".join(words[-k:])) in TITLE_CLASS:
            return [" ".join(words[-k:]).lower()]
    return []


# -- persons named by title + surname ----------------------------------------------------------------
def title_roles(roles: Iterable[str]) -> list[str]:
    """The roles of a mention that are titles (titles.tsv, or the coreference honorifics)."""
    from vigil.matching.names import TITLE_CLASS, _squash
    from vigil.media.coref import HONORIFICS

    return [r for r in roles if _squash(r) in TITLE_CLASS or r in HONORIFICS]


def _family_tokens(ent: Entity) -> set[Any]:
    from vigil.matching.names import name_tokens

    out = set()
    for v in ent.get("lastName"):
        out.update(t for t in name_tokens(v, "person") if not t.weak)
    if not out:
        for v in ent.names:
            toks = name_tokens(v, "person")
            if len(toks) >= 2:
                out.add(toks[-1])
    return out


def _given_tokens(ent: Entity) -> tuple[Any, ...]:
    from vigil.matching.names import name_tokens

    toks = name_tokens(ent.caption, "person")
    return toks[:-1] if len(toks) >= 2 else ()


def titled_surname(surname: str, titles: list[str], matcher: Any, text: str, cluster: Any,
                   article_countries: set[str], linked_names: set[str]):
    """(Candidate, evidence, reason) for a person named by title + surname, or (None, [], reason)."""
    from vigil.matching.names import name_tokens
    from vigil.matching.scoring import DEFAULT_CONFIG, token_sim
    from vigil.media.linking import Candidate, context_words, entity_countries, entity_links, entity_roles

    toks = [t for t in name_tokens(surname, "person") if not t.weak]
    if len(toks) != 1:
        return None, [], "not a single surname"
    sur = toks[0]
    try:
        resp = matcher.match(Entity("Person", properties={"name": [surname]}), limit=25, threshold=0.0)
    except ValueError:
        return None, [], "not screenable"
    near = context_words(text, cluster)
    scored = []
    for r in resp.results:
        ent = r.entity
        if ent.schema.name != "Person":
            continue
        if not any(token_sim(sur, f, DEFAULT_CONFIG) >= 0.9 for f in _family_tokens(ent)):
            continue
        points = 0
        why = []
        links = [n for n in entity_links(ent) if n.lower() in linked_names]
        if links:
            points += 2
            why.append(f"listed as linked to {links[0]}, also named in the article")
        roles = sorted(entity_roles(ent) & {w for w in near if len(w) >= 4})
        if roles:
            points += min(3, len(roles))
            why.append(f"role words near the mention match the listing: {', '.join(roles)}")
        countries = sorted(entity_countries(ent) & article_countries)
        if countries:
            points += 1
            why.append(f"country {', '.join(countries)} in the article")
        if ent.get("position"):
            points += 1
            why.append(f"a listed office holder ({ent.get('position')[0][:60]})")
        scored.append((points, ent, why))
    if not scored:
        return None, [], "no listed person has that family name"
    scored.sort(key=lambda x: (-x[0], x[1].id))
    best_points, best, why = scored[0]
    if best_points < 2:
        return None, [], f"{len(scored)} listed people named {surname}, none supported by the article"
    given = _given_tokens(best)
    for points, ent, _ in scored[1:]:
        other = _given_tokens(ent)
        same_person = bool(given) and bool(other) and all(
            any(token_sim(a, b, DEFAULT_CONFIG) >= 0.9 for b in other) for a in given)
        if points >= best_points and not same_person:
            return None, [], (f"{len(scored)} listed people named {surname}: the article supports "
                              f"{best.caption} and {ent.caption} alike")
    evidence = [f"title and surname {' '.join(titles[:1] + [surname])!r}", *why]
    cand = Candidate(best, TITLED_SURNAME_SCORE, {"titled_surname": {
        "score": TITLED_SURNAME_SCORE, "detail": "; ".join(evidence), "query": surname,
        "candidate": best.caption}}, "title+surname", surname)
    return cand, evidence, "a title and surname of a listed person, and the article supports it"
