"""In-memory candidate index: posting lists from name keys to name records.

Keys per name part: the romanised token (`t`), its phonetic skeleton(s) (`k`), its learned
variant class (`y`), its 4-letter prefix and suffix (`p`, `s`: a typo leaves one of them
intact) and the skeleton of adjacent parts joined (`k`, for Nasr Allah / Nasrallah).
Identifiers have their own exact index. A query adds up IDF weights per name record and
only the best few dozen records are scored in full, so a query never scans the lists.
"""
from __future__ import annotations

import math
import threading

import numpy as np
from collections import defaultdict
from dataclasses import dataclass, field

from vigil.model import Entity

from .names import (ARABIC_PARTICLES, HONORIFICS, LEGAL_CLASS, NASAB_PARTICLES, PARTICLES, Token, kind_of,
                    latin_skeleton, name_tokens, org_words_of, split_words, title_positions)
from .translit import fold_arabic
from .bounds import Shape
from .frequency import NameStats, build as build_stats
from .scoring import norm_id

KEY_FACTORS = {"t": 1.0, "k": 0.8, "a": 0.6, "p": 0.45, "s": 0.45, "i": 0.8}
# Acronyms looked up by their letters (`acronym_keys`), as `scoring.merge_acronym` reads them, from four
# letters: so many organisations' names have any three initials that looking those up made 22 % of random
# three-letter company queries and 0.67 % of random three-word company names (Cedar Stone Trading: a
# listed CST) alarms, against 9 % and 0.17 % without (issue 15, measured on all lists).
ACRONYM_LENGTHS = (4, 6)
PER_ENTITY = 3
MAX_POSTINGS = 2500  # keys more common than this rank nothing (used only when alone)
FAMILY_CAP = 2.0  # one query part's spellings (or skeletons) add up to at most 2x the best of them


_TOKEN_KEYS: dict[Token, tuple[str, ...]] = {}


def token_keys(tok: Token) -> tuple[str, ...]:
    """The index keys of one name part (memoised: tokens are interned, and common ones recur)."""
    keys = _TOKEN_KEYS.get(tok)
    if keys is None:
        if len(_TOKEN_KEYS) >= 200_000:
            _TOKEN_KEYS.clear()
        keys = _TOKEN_KEYS[tok] = tuple(_token_keys(tok))
    return keys


def _token_keys(tok: Token) -> list[str]:
    if tok.weak:
        return []
    keys = ["t" + tok.text]
    if tok.syn:
        keys.extend("t" + v for v in tok.syn)
    keys.extend("k" + k for k in tok.skels if len(k) >= 2)
    if len(tok.text) >= 3:
        keys.append("a" + "".join(sorted(tok.text)))  # letters swapped: Lakahl / Lakhal
    if len(tok.text) >= 6:
        keys.append("p" + tok.text[:4])
        keys.append("s" + tok.text[-4:])
    return keys


def _short_forms(ent: Entity, kind: str) -> list[tuple[str, tuple[Token, ...]]]:
    """(name as displayed, tokens) of the short forms `names.short_forms` derives from the entity's
    names (Ministry of A and B -> Ministry of A) that are not names of the entity already."""
    from .names import short_forms

    if kind != "org":
        return []
    seen = {name_tokens(v, kind) for _, v in ent.iter_names()}
    out = []
    for _, value in ent.iter_names():
        for short in short_forms(value, kind):
            tokens = name_tokens(short, kind)
            if tokens and tokens not in seen:
                seen.add(tokens)
                out.append((f"{short} (short form of {value})", tokens))
    return out


def packed_names(ent: Entity, kind: str) -> list[tuple[str, str, str, tuple[Token, ...]]]:
    """(property, name, name as displayed, tokens) of the names packed into the entity's name fields
    (`names.packed_forms`: "Amir Khazmat (original script: Амир Хазмат)", "Encep Nurjaman (birth
    name)", "EASTERN TURKISTAN ISLAMIC MOVEMENT (ETIM)") that are not names of the entity already.
    A name keeps its field's property; an acronym is a weak alias (a few letters: weak evidence)."""
    from .names import packed_forms

    out: list[tuple[str, str, str, tuple[Token, ...]]] = []
    seen: set[tuple[Token, ...]] | None = None
    for prop, value in ent.iter_names():
        if "(" not in value and ")" not in value and ";" not in value and "-" not in value and "/" not in value:
            continue  # (the common case: nothing packed)
        for form, acronym in packed_forms(value, kind):
            tokens = name_tokens(form, kind)
            if seen is None:
                seen = {name_tokens(v, kind) for _, v in ent.iter_names()}
            if tokens and tokens not in seen:
                seen.add(tokens)
                if acronym:
                    out.append(("weakAlias", form, f"{form} (acronym in {value})", tokens))
                else:
                    out.append((prop, form, f"{form} (in {value})", tokens))
    return out


def name_keys(tokens: tuple[Token, ...]) -> set[str]:
    keys: set[str] = set()
    for tok in tokens:
        keys.update(token_keys(tok))
    for a, b in zip(tokens, tokens[1:]):
        if not a.weak and not b.weak:
            keys.add("k" + latin_skeleton(a.text + b.text))
    return keys


def acronym_keys(tokens: tuple[Token, ...]) -> set[str]:
    """Keys ("i" + initials) under which an organisation's name is found by its acronym (SBIG for
    SHAHID BAKERI INDUSTRIAL GROUP, NIOEC for ...): the initials of each run of parts
    between legal forms of a stated kind (`scoring._acronym_run`), also without a country word at
    either end or a generic word at its end (NIOEC = National Iranian Oil Engineering and Construction
    Company), when they are four to six letters (ACRONYM_LENGTHS). `scoring.merge_acronym` then aligns it.
    A query name's own such initials also look up names that are an acronym ("t" + initials:
    EJERCITO DE LIBERACION NACIONAL finds ELN; see `Index.candidates`)."""
    from .scoring import QUALIFIER_WORDS, _acronym_run

    keys: set[str] = set()
    runs: list[list[Token]] = [[]]
    for t in tokens:
        if t.weak and t.text in LEGAL_CLASS:
            runs.append([])
        elif t.text:
            runs[-1].append(t)
    lo, hi = ACRONYM_LENGTHS
    for run in runs:
        ends = [len(run)]
        while ends[-1] > 1 and (run[ends[-1] - 1].text in QUALIFIER_WORDS or run[ends[-1] - 1].weak):
            ends.append(ends[-1] - 1)  # ... OF IRAN, ... HOLDING COMPANY: with and without
        for end in ends:
            for start in range(end):
                sub = run[start:end]
                if lo <= len(sub) <= hi and _acronym_run(tuple(sub), False):
                    keys.add("i" + "".join(t.text[0] for t in sub))
                if run[start].text not in QUALIFIER_WORDS:
                    break  # (IRANIAN ... : also without the country word)
    return keys


# Consonants that one transliteration writes for another's (skeleton letters, see `latin_skeleton`), the
# commonest single-consonant differences between spellings of one word in one entity's names on the
# loaded lists: Ukrainian and Belarusian h for the Russian g of Г (253 pairs: Sergei / Siarhei, Gleb /
# Hleb, Hotsaniuk / Gotsanyuk), s / z (178), kh / h (117: Khalil / Halil), French ch for the sh of ش and
# ш (114: Achraf / Ashraf, HAMCHO / HAMSHO), kh / ch (82: Mikhail / Michail), Spanish and Greek b / v
# (TROVER / TROBER), kh / k (101: KHAZAI / KAZA'I), g / j (75: KATRANGI / KATRANJI).
SKELETON_ALTERNATIONS = (("h", "g"), ("g", "h"), ("C", "S"), ("S", "C"), ("X", "h"), ("h", "X"), ("X", "C"),
                         ("C", "X"), ("b", "v"), ("v", "b"), ("s", "z"), ("z", "s"), ("k", "X"), ("X", "k"),
                         ("g", "j"), ("j", "g"))


def alternation_keys(tok: Token) -> list[str]:
    """For a Latin query part of five letters or more that no listed name contains: skeleton keys
    with one consonant written the way another transliteration writes it (SKELETON_ALTERNATIONS), and
    the word without a joined Arabic article (ALANHAR: anhar), so that the listed spelling is a
    candidate; how alike the two spellings are is the scorer's business."""
    if tok.weak or tok.vkey is None or len(tok.text) < 5 or not tok.skels:
        return []
    skel = tok.skels[0]
    out = []
    text = tok.text
    if text[:2] in ("al", "el") and len(text) >= 7:
        # the Arabic article written joined (ALHAKIM): the name without it (`scoring._joined_article`)
        rest = text[3:] if text[2] == text[3] else text[2:]
        out.append("t" + rest)
    for a, b in SKELETON_ALTERNATIONS:
        k = skel.find(a)
        while k >= 0:
            alt = skel[:k] + b + skel[k + 1:]
            if len(alt) >= 3 and alt != skel:
                out.append("k" + alt)
            k = skel.find(a, k + 1)
    return out[:16]


def query_acronyms(tokens: tuple[Token, ...]) -> list[str]:
    """The acronym keys a query name may find organisation names by: its strong parts of four to six
    letters (see `acronym_keys`)."""
    lo, hi = ACRONYM_LENGTHS
    return ["i" + t.text for t in tokens if not t.weak and lo <= len(t.text) <= hi and t.text.isalpha()
            and t.text.isascii()]


@dataclass(slots=True)
class NameRecord:
    entity: int  # index into Index.entities
    prop: str
    value: str
    tokens: tuple[Token, ...]
    weights: tuple[float, ...] = ()  # each part's weight as `scoring.align` computes it (for bounds)
    shape: Shape | None = None  # `bounds.shape(tokens)`, filled in when first needed
    words: int = 0  # a person's name of one strong part: its words as written (`lone_words`), else 0


@dataclass(slots=True)
class EntityRecord:
    entity: Entity
    kind: str
    dobs: list[str]
    countries: set[str]
    ids: dict[str, str]  # normalised -> as published
    gender: str | None
    first_keys: frozenset[str]
    last_keys: frozenset[str]
    topics: frozenset[str]
    changed: str | None
    # A record of unknown kind (LegalEntity) whose names mark an organisation (`names.org_words_of`):
    # a Person query does not match it, as it does not match an Organization (`Index.build`).
    org_names: bool = False


@dataclass
class Index:
    """Posting lists in one CSR layout: key -> key id -> flat[offsets[id]:offsets[id + 1]].

    A few large numpy arrays instead of ~140k small ones: the pickled index (the `vigil screen`
    cache) loads several times faster, and the candidate stage slices instead of looking up.
    """

    entities: list[EntityRecord] = field(default_factory=list)
    names: list[NameRecord] = field(default_factory=list)
    key_ids: dict[str, int] = field(default_factory=dict)
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    flat: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    kweight: np.ndarray = field(default_factory=lambda: np.zeros(0))  # IDF x key-kind factor
    ids: dict[str, list[int]] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)
    tokweight: dict[str, float] = field(default_factory=dict)
    name_len: np.ndarray = field(default_factory=lambda: np.zeros(0))
    name_entity: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    name_native: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # a part in a native script
    datasets: frozenset[str] = frozenset()  # every dataset any entity belongs to
    stats: NameStats = field(default_factory=NameStats)  # how common persons' names are (`frequency`)
    _tok_ids: dict = field(default_factory=dict, repr=False, compare=False)  # see `_token_ids`

    @classmethod
    def build(cls, entities) -> "Index":
        idx = cls()
        postings: dict[str, list[int]] = defaultdict(list)
        ids: dict[str, list[int]] = defaultdict(list)
        for ent in entities:
            eidx = len(idx.entities)
            rec = entity_record(ent)
            idx.entities.append(rec)
            if ent.id:
                idx.by_id[ent.id] = eidx
            for key in rec.ids:
                ids[key].append(eidx)
            for prop, value in ent.iter_names():
                tokens = name_tokens(value, rec.kind)
                if not tokens:
                    continue
                nidx = len(idx.names)
                idx.names.append(NameRecord(eidx, prop, value, tokens, words=lone_words(value, tokens, rec.kind)))
                keys = name_keys(tokens)
                if rec.kind != "person":
                    keys |= acronym_keys(tokens)
                for key in keys:
                    postings[key].append(nidx)
            for prop, form, shown, tokens in packed_names(ent, rec.kind):
                # Names packed into one field of the list (names.packed_forms).
                nidx = len(idx.names)
                idx.names.append(NameRecord(eidx, prop, shown, tokens, words=lone_words(form, tokens, rec.kind)))
                keys = name_keys(tokens)
                if rec.kind != "person":
                    keys |= acronym_keys(tokens)  # (as the entity's own names)
                for key in keys:
                    postings[key].append(nidx)
            for form, tokens in _short_forms(ent, rec.kind):
                # A ministry's short form, as a weak alias (names.short_forms).
                nidx = len(idx.names)
                idx.names.append(NameRecord(eidx, "weakAlias", form, tokens))
                for key in name_keys(tokens):
                    postings[key].append(nidx)
        n = max(len(idx.names), 1)
        idx.key_ids = {k: i for i, k in enumerate(postings)}
        lengths = np.fromiter((len(v) for v in postings.values()), dtype=np.int64, count=len(postings))
        idx.offsets = np.zeros(len(postings) + 1, dtype=np.int64)
        np.cumsum(lengths, out=idx.offsets[1:])
        idx.flat = np.fromiter((i for v in postings.values() for i in v), dtype=np.int32, count=int(lengths.sum()))
        idf = {k: math.log(1 + n / len(v)) for k, v in postings.items()}
        idx.kweight = np.fromiter((idf[k] * KEY_FACTORS[k[0]] for k in postings), dtype=np.float64,
                                  count=len(postings))
        idx.ids = dict(ids)
        idx.name_len = np.asarray([1.0 + 0.15 * max(0, len(n.tokens) - 1) for n in idx.names], dtype=np.float64)
        idx.name_entity = np.asarray([n.entity for n in idx.names], dtype=np.int32)
        idx.name_native = np.asarray([any(t.script for t in n.tokens) for n in idx.names], dtype=bool)
        idx.tokweight = {k[1:]: min(1.2, max(0.4, v / 8.0)) for k, v in idf.items() if k[0] == "t"}
        for nrec in idx.names:
            nrec.weights = idx.part_weights(nrec.tokens)
        # "" stands for entities without a dataset, which no dataset filter lets through.
        idx.datasets = frozenset(d for rec in idx.entities for d in (rec.entity.datasets or [""]))
        by_entity: list[list[tuple[Token, ...]]] = [[] for _ in idx.entities]
        for nrec in idx.names:
            if nrec.prop != "weakAlias":
                by_entity[nrec.entity].append(nrec.tokens)
        idx.stats = build_stats(zip(idx.entities, by_entity))
        _mark_org_names(idx)
        return idx

    def weigh(self, tok: Token) -> float:
        """Weight of a name part by rarity; parts the lists never use weigh most."""
        return self.tokweight.get(tok.text, 1.2)

    def part_weights(self, tokens: tuple[Token, ...]) -> tuple[float, ...]:
        """The parts' weights as `scoring.align` computes them with `weigh`."""
        return tuple(0.25 if t.weak else self.tokweight.get(t.text, 1.2) for t in tokens)

    def postings(self, key: str) -> np.ndarray | None:
        """The name records carrying `key` (None when no name has it)."""
        k = self.key_ids.get(key)
        if k is None:
            return None
        return self.flat[self.offsets[k]:self.offsets[k + 1]]

    def candidates(self, queries: list[tuple[Token, ...]], limit: int, acronyms: bool = False) -> list[int]:
        """The `limit` name records with the most (IDF-weighted) keys in common with any query name.

        The keys of one query part's spellings (the token and its learned variants: `t` keys) that a
        record carries add up to at most FAMILY_CAP x the best of them, and so do its skeletons'
        (`k`). Summed without a cap, two parts with long variant lists (Aleksandr: 11 spellings)
        outweighed a rare family name shared in full (Alexander PETROV); a plain maximum would lose
        the preference for names sharing two spellings (SULAYMAN, Qasim for قاسم سلیمانی).

        A query with parts in a native script (Arabic, Hebrew, Han ...) also keeps at least
        `limit // 2` names written in Latin letters, when that many rank: its own-script keys are
        rare in the lists, so their IDF weights would otherwise fill the pool with the few list
        entries written in that script (عبد الله).

        `acronyms`: a query part may be an organisation's acronym (`acronym_keys`; not for persons'
        names, whose short parts would fill the pool with organisations a person cannot match).
        """
        key_ids = self.key_ids
        tok_ids = self._tok_ids
        native = False
        done: set[int] = set()
        single: list[int] = []  # key ids that count alone
        families: dict[tuple, list[int]] = {}  # (query part, "t" or "k") -> its key ids
        for tokens in queries:
            for tok in tokens:
                if tok.weak:
                    continue
                native = native or tok.script != ""
                ids = tok_ids.get(tok)
                if ids is None:
                    ids = self._token_ids(tok)
                for kind, kids in zip("tk", ids[:2]):
                    for i in kids:
                        if i not in done:
                            done.add(i)
                            families.setdefault((tok, kind), []).append(i)
                for i in ids[2]:
                    if i not in done:
                        done.add(i)
                        single.append(i)
            for a, b in zip(tokens, tokens[1:]):
                if not a.weak and not b.weak:
                    i = key_ids.get("k" + latin_skeleton(a.text + b.text))
                    if i is not None and i not in done:
                        done.add(i)
                        single.append(i)
            if acronyms:
                for key in query_acronyms(tokens):
                    i = key_ids.get(key)
                    if i is not None and i not in done:
                        done.add(i)
                        single.append(i)
                if len(tokens) >= 3:
                    for key in acronym_keys(tokens):  # the name written as its acronym
                        i = key_ids.get("t" + key[1:])
                        if i is not None and i not in done:
                            done.add(i)
                            single.append(i)
        # Key ids in a fixed order, so the sums below add up the same way in every process: the
        # families of several keys first (each sorted), then the other keys sorted.
        order: list[int] = []
        fam_of: list[int] = []
        for ids in families.values():
            if len(ids) > 1:
                fam_of.extend([fam_of[-1] + 1 if fam_of else 0] * len(ids))
                order.extend(sorted(ids))
            else:
                single.extend(ids)
        n_multi = len(order)
        order.extend(sorted(set(single)))
        if not order:
            return []
        kid = np.asarray(order, dtype=np.intp)
        starts = self.offsets[kid]
        lens = self.offsets[kid + 1] - starts
        keep = lens <= MAX_POSTINGS
        fam = np.asarray(fam_of, dtype=np.intp) if n_multi else None
        if not keep.all():
            if not keep.any():
                # Only very common name parts ("Mohammad Ali"): rank within the rarest of them.
                keep[int(np.argmin(lens))] = True
            kid, starts, lens = kid[keep], starts[keep], lens[keep]
            if fam is not None:
                fam = fam[keep[:n_multi]]
                n_multi = len(fam)
                if not n_multi:
                    fam = None
        flat = self.flat
        if len(kid) == 1:
            idx = flat[int(starts[0]):int(starts[0] + lens[0])]
        else:
            idx = np.concatenate([flat[s:s + n] for s, n in zip(starts.tolist(), lens.tolist())])
        w = np.repeat(self.kweight[kid], lens)
        n = len(idx)
        n_names = len(self.names)
        if fam is not None:
            # Families of several keys: per record their sum, at most FAMILY_CAP x the best of
            # them, kept on one of the record's postings in the family (the others weigh 0). One
            # pass over all of them, indexed by (family, record).
            m = int(lens[:n_multi].sum())
            comp = np.repeat(fam * n_names, lens[:n_multi]) + idx[:m]
            best, total, bmark, positions = _family_scratch(int(fam[-1] + 1) * n_names, m)
            np.maximum.at(best, comp, w[:m])
            np.add.at(total, comp, w[:m])
            bmark[comp] = positions[:m]
            w[:m] = np.where(bmark[comp] == positions[:m], np.minimum(total[comp], FAMILY_CAP * best[comp]), 0.0)
            best[comp] = 0.0
            total[comp] = 0.0
        mark, positions = _scratch(n_names, n)
        # Sum the key weights per name record over the touched postings only. A scratch array
        # indexed by name record finds the distinct records without sorting all postings: each
        # posting writes its position, and the one position that stays per record picks it.
        mark[idx] = positions[:n]
        names = idx[mark[idx] == positions[:n]]
        names.sort()
        mark[names] = positions[:len(names)]
        # Prefer names without extra parts: HIZBALLAH before LEBANESE HIZBALLAH ESO.
        scores = np.bincount(mark[idx], weights=w) / self.name_len[names]
        out = self._pick(names, scores, limit)
        if native and len(out) >= limit:
            # Keep a share of names written in Latin letters (see above), in place of the
            # lowest-ranked native-script names.
            nat = self.name_native
            have = sum(1 for x in out if not nat[x])
            share = limit // 2
            if have < share:
                latin = ~nat[names]
                natives = [i for i, x in enumerate(out) if nat[x]]
                drop = set(natives[len(natives) - (share - have):])
                kept = [x for i, x in enumerate(out) if i not in drop]
                seen: dict[int, int] = {}
                for e in self.name_entity[kept].tolist():
                    seen[e] = seen.get(e, 0) + 1
                extra = self._pick(names[latin], scores[latin], share - have, seen, set(kept))
                # (when fewer Latin names rank than the share, the native ones stay)
                out = kept + extra + [out[i] for i in sorted(drop)][:len(drop) - len(extra)]
        return out

    def _token_ids(self, tok: Token) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """The key ids `candidates` looks up for one query part: its spellings (`t`), its skeletons
        (`k`) and the others (sorted letters; prefix and suffix only for parts the lists do not
        contain: typos), memoised per index."""
        key_ids = self.key_ids
        out: tuple[list[int], list[int], list[int]] = ([], [], [])
        for key in token_keys(tok):
            kind = key[0]
            if kind == "p" or kind == "s":
                continue
            i = key_ids.get(key)
            if i is not None:
                out[0 if kind == "t" else 1 if kind == "k" else 2].append(i)
        if "t" + tok.text not in key_ids and len(tok.text) >= 6:
            for key in ("p" + tok.text[:4], "s" + tok.text[-4:]):
                i = key_ids.get(key)
                if i is not None:
                    out[2].append(i)
        if "t" + tok.text not in key_ids:
            for key in alternation_keys(tok):
                i = key_ids.get(key)
                if i is not None and i not in out[1]:
                    out[1].append(i)  # (one of the part's skeletons: capped with them)
        ids = (tuple(out[0]), tuple(out[1]), tuple(out[2]))
        if len(self._tok_ids) >= 200_000:
            self._tok_ids.clear()
        self._tok_ids[tok] = ids
        return ids

    def _pick(self, names: np.ndarray, scores: np.ndarray, limit: int, seen: dict | None = None,
              skip: set | None = None) -> list[int]:
        """The best-scored `limit` of `names`, at most PER_ENTITY names of one entity (`seen`:
        names of each entity already taken), none of `skip`."""
        pool = limit * 5
        if len(names) > pool:
            top = np.argpartition(-scores, pool - 1)[:pool]
        else:
            top = np.arange(len(names))
        top = top[np.argsort(-scores[top], kind="stable")]
        # At most PER_ENTITY names of one entity, so an entity with many similar aliases
        # cannot crowd out another entity with the same name.
        out: list[int] = []
        seen = {} if seen is None else seen
        chosen = names[top]
        for nidx, e in zip(chosen.tolist(), self.name_entity[chosen].tolist()):
            c = seen.get(e, 0)
            if c >= PER_ENTITY or (skip and nidx in skip):
                continue
            seen[e] = c + 1
            out.append(nidx)
            if len(out) >= limit:
                break
        return out

    def keys(self) -> frozenset[str]:
        """Every key a query can find a record of this index by: the name keys, and each
        identifier as "#" + its normalised form (see `query_keys`)."""
        return frozenset(self.key_ids).union("#" + k for k in self.ids)


def lone_words(value: str, tokens: tuple[Token, ...], kind: str) -> int:
    """For a person's name of one strong part, 1 + how many of its words were read as particles or
    titles and dropped ("Al Green": 2; "GREEN": 1; "AL-ZAWAHIRI": 2); 0 for other names. A one-part
    name matched by a query with more such words leaves a query word unaccounted for (Al Green is
    not GREEN: `matcher.best_name`)."""
    if kind != "person":
        return 0
    strong = 0
    for t in tokens:
        if not t.weak:
            strong += 1
    if strong != 1:
        return 0
    words = split_words(value)
    titles = title_positions(words)  # (in any script: سید, Sheikh, Haji ...)
    return 1 + sum(1 for i, w in enumerate(words)
                   if i in titles or w in PARTICLES or w in HONORIFICS or w in NASAB_PARTICLES
                   or (not w.isascii() and fold_arabic(w) in ARABIC_PARTICLES))


def query_keys(names: list[tuple[Token, ...]], ids) -> frozenset[str]:
    """Every key `Index.candidates` (and the identifier lookup) could look up for a query with
    these analysed names and normalised identifiers: a superset, so a query none of whose keys an
    index holds (`Index.keys`) cannot find anything in it."""
    keys: set[str] = set()
    for tokens in names:
        keys |= name_keys(tokens)
        keys.update(query_acronyms(tokens))
        keys.update("t" + k[1:] for k in acronym_keys(tokens))
        for tok in tokens:
            keys.update(alternation_keys(tok))
    keys.update("#" + k for k in ids)
    return frozenset(keys)


_SCRATCH = threading.local()


def _scratch(n_names: int, n_postings: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-thread scratch arrays for `Index.candidates` (matching stays thread-safe)."""
    mark = getattr(_SCRATCH, "mark", None)
    if mark is None or len(mark) < n_names:
        mark = _SCRATCH.mark = np.zeros(n_names, dtype=np.intp)
    return mark, _positions(n_postings)


def _positions(n: int) -> np.ndarray:
    positions = getattr(_SCRATCH, "positions", None)
    if positions is None or len(positions) < n:
        positions = _SCRATCH.positions = np.arange(max(n, 65_536), dtype=np.intp)
    return positions


def _family_scratch(size: int, n_postings: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-thread scratch arrays indexed by (key family, name record); `best` and `total` are all
    zeros between calls."""
    best = getattr(_SCRATCH, "best", None)
    if best is None or len(best) < size:
        best = _SCRATCH.best = np.zeros(size, dtype=np.float64)
        _SCRATCH.total = np.zeros(size, dtype=np.float64)
        _SCRATCH.bmark = np.zeros(size, dtype=np.intp)
    return best, _SCRATCH.total, _SCRATCH.bmark, _positions(n_postings)


PART_PROPS = {"first": ("firstName", "middleName"), "last": ("lastName",)}
COUNTRY_PROPS = ("nationality", "citizenship", "country", "birthCountry", "jurisdiction", "mainCountry", "flag")


def _mark_org_names(idx: "Index") -> None:
    """`EntityRecord.org_names` for the records of unknown kind: one of its names carries a word of
    organisation names (a legal form, a generic or head word, its bracketed acronym) that no listed
    person's name carries. On the lists 76 % of the EU journal's LegalEntity records (its entities
    annex) carry one, and 14 of 15,822 Person records (Sae, Pao, Pat, La Firma, Vezarat, a job title
    in brackets): those words are the ones excluded."""
    person_words: set[str] = set()
    for nrec in idx.names:
        if idx.entities[nrec.entity].kind == "person":
            person_words.update(t.text for t in nrec.tokens)
    for rec in idx.entities:
        if rec.kind != "any":
            continue
        values = [value for _, value in rec.entity.iter_names()]
        for value in values:
            if any(w[0] == "(" or w not in person_words for w in org_words_of(value)):
                rec.org_names = True
                break
        else:
            rec.org_names = _initials_alias(values)


def _initials_alias(values: list[str]) -> bool:
    """One of the names is an acronym in capitals, of three to six letters, of another (Jamaat-ud-Dawa /
    JUD, Moscow Aviation Institute / MAI): on the lists 51 LegalEntity records and no Person record
    (persons' initials aliases have two letters: SO for Sheik OMAR)."""
    for a in values:
        a = a.strip()
        if not (3 <= len(a) <= 6 and a.isalpha() and a.isupper()):
            continue
        acronym = a.lower()
        for v in values:
            words = split_words(v, join_dotted=False)
            if v != a and len(words) >= 2 and acronym in ("".join(w[0] for w in words),
                                                          "".join(w[0] for w in words if len(w) > 2)):
                return True
    return False


def entity_record(ent: Entity) -> EntityRecord:
    kind = kind_of(ent.schema.name)
    ids = {}
    for value in ent.get_type("identifier"):
        key = norm_id(value)
        if len(key) >= 4:
            ids[key] = value
    countries = {c.lower() for p in COUNTRY_PROPS for c in ent.get(p)}
    first = frozenset(t.key for p in PART_PROPS["first"] for v in ent.get(p) for t in name_tokens(v, kind))
    last = frozenset(t.key for p in PART_PROPS["last"] for v in ent.get(p) for t in name_tokens(v, kind))
    if kind == "person" and not first and not last:
        first, last = parts_from_case(ent.get("name"))
    gender = (ent.first("gender") or "").lower() or None
    return EntityRecord(
        entity=ent, kind=kind, dobs=ent.get("birthDate"), countries=countries, ids=ids,
        gender=gender, first_keys=first, last_keys=last, topics=frozenset(ent.get("topics")),
        changed=ent.last_change,
    )


_PUNCT = ".,;:'’()-"


def parts_from_case(names: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(given, family) name-part keys of a person's names written "Given FAMILY" or "FAMILY Given"
    (the EU journal writes 3,743 of its 4,498 person names so, without name-part fields): the words
    in capitals are the family name. Names all in one case say nothing; single letters (initials)
    are neither."""
    first: set[str] = set()
    last: set[str] = set()
    for value in names:
        if value.isupper() or value.islower():
            continue  # (all in one case: the common quick exit)
        upper: list[str] = []
        other: list[str] = []
        for word in value.split():
            if len(word.strip(_PUNCT)) < 2:
                continue
            (upper if word.isupper() else other).append(word)
        if upper and other:
            last.update(t.key for t in name_tokens(" ".join(upper), "person"))
            first.update(t.key for t in name_tokens(" ".join(other), "person"))
    return frozenset(first), frozenset(last)
