"""Explainable scoring: name similarity by best alignment of name parts, plus qualifiers.

final score = clamp(name_weight * name_score + sum(feature weight * feature score), 0, 1)

Every feature that could be evaluated produces an `Explanation` (score, weight, detail,
and the query/candidate strings it compared), so an analyst sees why a result scored.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import OSA, Levenshtein

from .names import LEGAL_CLASS, Token, latin_readings, make_token, wade_giles_readings
from .nicknames import NICKNAME_GROUPS, nickname_of

# Qualifier features and their default weights: `matcher.CHECKS` (DEFAULT_WEIGHTS).
# Tunables of the name comparison; overridable per request (`config=`).
DEFAULT_CONFIG: dict[str, float] = {
    "weak_alias_factor": 0.92,  # names from weakAlias (OFAC weak a.k.a., UN Low) count a little less
    "unmatched_candidate_factor": 0.5,  # extra candidate name parts (middle names) cost half
    "chain_middle_factor": 0.3,  # ... a third when the query has the first and last parts of a chain of four or more
    "single_token_factor": 0.75,  # only one part matched while the candidate has several
    "swapped_parts_factor": 0.9,  # given name matched the candidate's family name and vice versa
    "pet_form_family_factor": 0.7,  # a pet form matched a family name (Joe / Wilson JOSEPH): no pet form of it
    "given_as_family_factor": 0.75,  # the query's first part, a given name, matched only the candidate's family name (Faysal Ibrahim / AL-FAISAL, Abdullah Ibrahim)
    "common_name_share": 0.0005,  # a name this common in the lists (`frequency`: 1 in 2,000 persons of a country) ...
    "common_name_cap": 0.67,  # ... scores at most this on its own: an alert needs more (a birth year, a nationality)
    "dropped_word_factor": 0.65,  # a one-part name matched by a query with other words read as particles (Al Green / GREEN)
    "skeleton_score": 0.92,  # same phonetic skeleton (Soleimani/Sulaymani)
    "synonym_score": 0.95,  # same learned variant class (Mohammad/Muhammad)
    "nickname_score": 0.85,  # a given name and its pet form (Ted/Theodore, Bill/William)
    "min_token_score": 0.55,  # token pairs below this do not align
    "fuzzy_floor": 0.8,  # token pairs below this similarity count as different parts
    "conflict_factor": 0.85,  # a pair of parts that differ by more than a slip
    "substitution_factor": 0.8,  # each name has a part the other lacks (another father, clan or family name)
    "reorder_factor": 0.9,  # aligned parts in a different (non-cyclic) order
    "nasab_swap_factor": 0.75,  # father and son swapped (Salman bin Muhammad / Muhammad bin Salman)
    "edge_part_factor": 0.85,  # a first or last name part of the candidate is missing from the query
    "legal_mismatch_factor": 0.6,  # different kinds of legal entity (AG / GmbH, JSC / LLC)
    "org_extra_token_factor": 0.75,  # an organisation name part the other name lacks (a subsidiary: Chile)
    "generic_part_cost": 0.4,  # ... counted by its weight (rarity in the lists), at least this much (Ministry)
    "number_mismatch_factor": 0.85,  # the names' numbers differ or only one has one (Fund II / Fund III)
    "acronym_factor": 0.8,  # a query part equals the initials of the other name (IRGC)
    "candidates": 20,  # name records fully scored per query
}


@dataclass(slots=True)
class Explanation:
    score: float
    weight: float
    detail: str
    query: Any = None
    candidate: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "weight": self.weight, "detail": self.detail,
                "query": self.query, "candidate": self.candidate}


# -- token and name similarity -----------------------------------------------------------
# Similarities under the default config: a row per token (`a` -> `b` -> similarity). Rows rather
# than (a, b) tuple keys: a query reads one row per query part, and the cache holds a few thousand
# dicts instead of several hundred thousand tuples for the garbage collector to walk.
_SIM_CACHE: dict[Token, dict[Token, float]] = {}
_SIM_ENTRIES = 0
_SIM_MAX_ENTRIES = 500_000


def sim_row(a: Token, cfg: dict[str, float]) -> dict[Token, float]:
    """The cached similarities of `a` for hot loops to read inline (`row.get(b)`, then `sim_miss`
    on None). Requests with their own config get an empty throwaway row, so they never see or
    spoil another's values."""
    if cfg is not DEFAULT_CONFIG:
        return {}
    row = _SIM_CACHE.get(a)
    if row is None:
        row = _SIM_CACHE[a] = {}
    return row


def token_sim(a: Token, b: Token, cfg: dict[str, float]) -> float:
    """Similarity of two name parts in [0, 1]. Cached (tokens are interned) for the default
    config only."""
    row = sim_row(a, cfg)
    hit = row.get(b)
    if hit is not None:
        return hit
    return sim_miss(a, b, cfg, row)


def sim_miss(a: Token, b: Token, cfg: dict[str, float], row: dict[Token, float]) -> float:
    """`token_sim` for a pair not in `row` (= `sim_row(a, cfg)`): computed and kept there."""
    global _SIM_ENTRIES
    val = _token_sim(a, b, cfg)
    if val < cfg["fuzzy_floor"] and a.vkey is not None and b.vkey is not None and not (a.weak or b.weak):
        ra, rb = latin_readings(a.text), latin_readings(b.text)
        if ra or rb:  # (most pairs: neither word has a German/French reading)
            val = max(val, _reading_sim(a, b, cfg, ra, rb))
    if cfg is DEFAULT_CONFIG:
        if _SIM_ENTRIES >= _SIM_MAX_ENTRIES:
            # Bounded: a long-running server meets new query words forever. (`row` is then a
            # detached dict, filled in vain until the caller's loop ends.)
            _SIM_CACHE.clear()
            _SIM_ENTRIES = 0
        _SIM_ENTRIES += 1
    row[b] = val
    return val


def _consonants(vkey: str) -> int:
    """The consonants of a vowel-shape key, a final -ng counted once: it is one sound (Tung / Tong,
    Hoang / Heng, Jang / Jiyeong are names of two consonants that differ in their vowels)."""
    n = len(vkey) - vkey.count("V")
    return n - 1 if vkey.endswith("ng") else n


def _token_sim(a: Token, b: Token, cfg: dict[str, float], fast: bool = True) -> float:
    """`fast=False` skips the shortcut for clearly different Latin spellings (tests compare the two)."""
    if a.script in _SYLLABIC and a.script == b.script:
        # Two Hangul syllables or Han characters: as written, equal or different name parts
        # (영 / 용, 明 / 名 read alike but are different names).
        return 1.0 if a.key == b.key else 0.0
    if a.text == b.text:
        return 1.0
    if (a.text[1:2] == "l" or b.text[1:2] == "l") and _joined_article(a.text, b.text):
        return cfg["synonym_score"]  # ALHAKIM / AL-HAKIM, ALRRAFIDAYN / AL-RAFIDAYN
    ca = COUNTRY_WORDS.get(a.text)
    if ca is not None and ca == COUNTRY_WORDS.get(b.text):
        return cfg["synonym_score"]  # one country's name, demonym or possessive: Iran / Iranian / Iran's
    if a.text.isdigit() and b.text.isdigit():
        # Another number of the same series (Fund III / Fund IV, Snow Storm 1 / 2, Trust 2004-1 /
        # 2004-2): the same name otherwise, flagged lower by `number_mismatch_factor`.
        return 0.8
    if a.script == "han" or b.script == "han":
        if (a.syn is not None and b.text in a.syn) or (b.syn is not None and a.text in b.syn):
            return cfg["synonym_score"]  # a Japanese or Korean reading (山田 Yamada, 金 Kim)
        # Pinyin without tones is already ambiguous: one syllable more or less (cheng / chen,
        # jing / jinghe) is another name.
        return 0.0
    if a.role == "zh" and b.role == "zh":
        # Two syllables (or pairs of syllables) of Chinese names in pinyin: one syllable differing
        # is another name, as in Han characters (Li / Lei, Liu / Li, Juan / Jian).
        # Wade-Giles spellings are pinyin syllables too (CHANG, Wen-Fu / ZHANG, Wen-Fu): their readings count.
        if ((a.syn is not None and b.text in a.syn) or (b.syn is not None and a.text in b.syn)
                or b.text in wade_giles_readings(a.text) or a.text in wade_giles_readings(b.text)):
            return cfg["synonym_score"]
        return 0.0
    if a.weak or b.weak:
        # Legal forms: the same kind of entity (Ltd / LLC) is nearly the same; otherwise not comparable.
        ca, cb = LEGAL_CLASS.get(a.text), LEGAL_CLASS.get(b.text)
        return 0.9 if a.weak and b.weak and ca is not None and ca == cb else 0.0
    if (a.syn is not None and b.text in a.syn) or (b.syn is not None and a.text in b.syn):
        return cfg["synonym_score"]
    if (a.role == "kr" and len(a.text) == 1) or (b.role == "kr" and len(b.text) == 1):
        # A one-letter syllable of a Korean name (O 오, U 우: family names) is a name, not an initial
        # (Okada Jun / O, In Jun).
        return 0.0
    if a.vkey is not None and b.vkey is not None:
        if a.text in NICKNAME_GROUPS and nickname_of(a.text, b.text):
            return cfg["nickname_score"]  # a pet form: Ted / Theodore, Bill / William
        if a.vkey != b.vkey and _h_for_g(a.vkey, b.vkey):
            # Ukrainian and Belarusian h for the Russian g of Г (Ihorovych / Igorevich, Hotsaniuk /
            # Gotsanyuk: 253 such pairs of spellings within one entity's names on the lists).
            consonants = len(a.vkey) - a.vkey.count("V")
            if consonants >= 3:
                return cfg["skeleton_score"]
            # (two consonants: as the same vowel-shape key would, below the floor: Hill / Gill differ)
            return 0.78 if OSA.normalized_similarity(a.text, b.text) >= 0.6 else 0.65
        if fast and a.vkey != b.vkey:
            # Shortcut, the same value as the full path below (most new pairs of a query are
            # different names): two spellings with vowel-shape keys that differ, neither a prefix of
            # the other nor ending in -s (suffix and case-ending rules), and edit similarity below
            # 0.6 get no credit from any rule below (the swap rules need one
            # or two edits, i.e. similarity >= 0.67) but the vowel-shape one.
            ta, tb = a.text, b.text
            la, lb = len(ta), len(tb)
            if la == 1 or lb == 1:
                return 0.75 if ta[0] == tb[0] else 0.0  # an initial (no rule above applies to it)
            if ((la < 5 or lb < 5 or (ta[-1] != "s" and tb[-1] != "s")) and not ta.startswith(tb)
                    and not tb.startswith(ta) and OSA.normalized_similarity(ta, tb) < 0.6):
                if la <= 3 and lb <= 3:
                    return 0.0
                va, vb = a.vkey, b.vkey
                if _consonants(va) >= 3 and _consonants(vb) >= 3:
                    return max(0.0, Levenshtein.normalized_similarity(va, vb) - 0.1)
                return 0.0
    # An Arabic-script word whose Latin readings the learned tables know, against a Latin
    # spelling that is not one of them: possibly a different name that merely shares the
    # consonants (محمود Mahmoud vs Muhammad), so the skeleton lifts it less.
    known_apart = (a.vkey is None and a.syn is not None and b.vkey is not None) or (
        b.vkey is None and b.syn is not None and a.vkey is not None)
    ta, tb = a.text, b.text
    la, lb = len(ta), len(tb)
    best = 0.0
    fz = OSA.normalized_similarity(ta, tb)  # a transposition is one slip, not two
    if a.vkey is not None and b.vkey is not None:
        if a.vkey == b.vkey:
            if _consonants(a.vkey) >= 3:
                best = cfg["skeleton_score"]
            else:
                best = 0.78 if fz >= 0.6 else 0.65
    else:
        # Cross-script: Arabic-script skeletons (several readings) against a Latin one.
        common = set(a.skels) & set(b.skels)
        if not common and "arabic" in (a.script, b.script):
            # Arabic script has no p or v: foreign names write them ب and ف (بيريز Pérez, فلاديمير Vladimir).
            lat, ar = (a, b) if b.script == "arabic" else (b, a)
            if lat.vkey is not None:
                common = {k.translate(_AR_FOREIGN) for k in lat.skels} & set(ar.skels)
        if common:
            klen = max(len(k) for k in common)
            longest = max(len(k) for k in a.skels + b.skels)
            # A 2-consonant match is weaker when it needed the reading that drops a letter
            # (علوی read as "Ali" rather than "Alavi").
            best = 0.9 if klen >= 3 else (0.8 if longest <= 2 else 0.72)
            if known_apart:
                best = min(best, 0.82)  # the tables' readings are incomplete: demote, don't drop
    if best < 0.88 and min(la, lb) >= 5 and _case_ending(a, b):
        best = 0.88  # Greek/Latin/Baltic nominative -s: Konstantinos / Konstantin, Petrovs / Petrov
    if min(la, lb) == 1:
        # An initial: "J." vs "John".
        return max(best, 0.75 if ta[0] == tb[0] else 0.0)
    if min(la, lb) >= 4 and (ta.startswith(tb) or tb.startswith(ta)):
        # Iran / Iranian, Mohammad / Mohammadi: a suffix, not a typo.
        best = max(best, 0.85 if abs(la - lb) <= 3 else 0.75)
        if min(la, lb) >= 6 and _russian_adjective(ta, tb):
            best = max(best, 0.9)  # Zelenodolsk / Zelenodolsky, Novosibirsk / Novosibirskii
    if la == lb and la >= 3 and sorted(ta) == sorted(tb) and OSA.distance(ta, tb) == 1:
        return max(best, 0.85)  # two letters swapped: a typing slip (Sko / Sok, Afiz / Faiz)
    if max(la, lb) <= 3:
        return best  # short tokens: only exact or phonetic equality, no edit distance
    if fz >= 0.6:
        best = max(best, fz)
    if best < 0.85 and not known_apart:
        if a.vkey is not None and b.vkey is not None:
            if min(_consonants(a.vkey), _consonants(b.vkey)) >= 3:
                best = max(best, Levenshtein.normalized_similarity(a.vkey, b.vkey) - 0.1)
        else:
            for sa in a.skels:
                for sb in b.skels:
                    if min(len(sa), len(sb)) >= 4 and Levenshtein.distance(sa, sb) == 1:
                        best = max(best, 0.78)
    return best


def _reading_sim(a: Token, b: Token, cfg: dict[str, float], ra: tuple[str, ...], rb: tuple[str, ...]) -> float:
    """Similarity of two Latin spellings read in English transliteration when one (or both) is written
    in the German or French one (`names.latin_readings`: Boris Jelzin = Yeltsin, Julija = Yuliya,
    Selenskyj = Zelenskyy; Poutine = Putin, Iouri = Yuri); 0 when neither has such a reading. At most
    `synonym_score`: another transliteration of the name. `ra`, `rb`: `latin_readings` of a and b."""
    best = 0.0
    for x in (a.text, *ra):
        for y in (b.text, *rb):
            if x is a.text and y is b.text:
                continue
            s = 1.0 if x == y else _token_sim(make_token(x), make_token(y), cfg)
            if s > best:
                best = s
    return min(best, cfg["synonym_score"])


_RU_ADJ_ENDINGS = frozenset("ii iy y i ij yi aya aja oe oye ogo oi oy".split())


def _russian_adjective(ta: str, tb: str) -> bool:
    """One word is a place name in -sk, the other its Russian adjective (ZELENODOLSK / ZELENODOLSKY
    PROJECT AND DESIGN BUREAU, NOVOSIBIRSK / NOVOSIBIRSKII ... ZAVOD), as the lists write one company's
    English and transliterated names."""
    if len(ta) < len(tb):
        ta, tb = tb, ta
    return tb.endswith("sk") and ta[len(tb):] in _RU_ADJ_ENDINGS


LOANWORD_SCORE = 0.9
# English spellings and their Russian-style Latin transliterations (OFAC, EU and UK write a Russian
# company's name both ways: MIKROTEKH / MICROTECH, ENERDZHI / ENERGY, AKVARIUS / AQUARIUS, LODZHISTIKS /
# LOGISTICS, FIZTEKH / PHYSTECH, LAZERBI / LASERBEE), in order.
_LOAN_RULES = (("dzh", "j"), ("zh", "j"), ("kh", "h"), ("ch", "h"), ("qu", "kv"), ("ck", "k"), ("c", "k"),
               ("x", "ks"), ("ph", "f"), ("th", "t"), ("w", "v"), ("ee", "i"), ("y", "i"), ("z", "s"),
               ("ge", "je"), ("gi", "ji"))
_LOAN_KEYS: dict[str, str] = {}


def loanword_key(text: str) -> str:
    """A word of an organisation name as its Russian-style transliteration would spell it, both
    ways folded to one key (microtech, mikrotekh -> mikroteh; energy, enerdzhi -> enerji): the
    lists' own organisations write 33 pairs of words of one entry so that the spelling rules do not
    find (tuning-half OFAC and all other lists), such as MIKROTEKH / MICROTECH, ENERDZHI / ENERGY,
    AKVARIUS / AQUARIUS, SINEZIS / SYNESIS, DIDZHITAL / DIGITAL. Words of six letters or more
    (Saman / Zaman stay apart)."""
    key = _LOAN_KEYS.get(text)
    if key is None:
        key = text
        for a, b in _LOAN_RULES:
            if a in key:
                key = key.replace(a, b)
        out: list[str] = []
        for ch in key:
            if not out or out[-1] != ch:
                out.append(ch)
        key = "".join(out)
        if len(_LOAN_KEYS) >= 200_000:
            _LOAN_KEYS.clear()
        _LOAN_KEYS[text] = key
    return key


def _h_for_g(va: str, vb: str) -> bool:
    """Two vowel-shape keys that differ only in h for g (see `_token_sim`)."""
    if len(va) != len(vb) or ("h" not in va and "h" not in vb):
        return False
    for x, y in zip(va, vb):
        if x != y and not ((x == "h" and y == "g") or (x == "g" and y == "h")):
            return False
    return True


def _joined_article(ta: str, tb: str) -> bool:
    """One spelling is the other with the Arabic article al-/el- written joined to it (ALHAKIM / AL-HAKIM,
    ALANHAR / AL ANHAR, ALRRAFIDAYN / AL-RAFIDAYN with the sun letter doubled): the article, written
    apart, is a dropped particle. The rest must be five letters or more (Alfred is not Fred)."""
    if len(ta) < len(tb):
        ta, tb = tb, ta
    if len(tb) < 5 or ta[:2] not in ("al", "el") or len(ta) - len(tb) not in (2, 3):
        return False
    rest = ta[2:]
    return rest == tb or (rest[0] == rest[1] and rest[1:] == tb)


_SYLLABIC = ("hangul", "han")
# A person's name of this many parts or more is a chain (given name, father's, grandfather's, tribe or
# clan: UN TAi.067 SHER MOHAMMAD ABBAS STANEKZAI PADSHAH KHAN): its trailing parts are dropped as often as
# its middle ones, so a missing last part costs as a middle one does (no `edge_part_factor`). On the
# lists, 310 of 777 shorter names of a person whose name has five parts or more lack its last part.
LONG_NAME_CHAIN = 5
LONG_CHAIN_ENDS = 4
_AR_FOREIGN = str.maketrans("pv", "bf")
_VOWEL_S = ("os", "us", "as", "is")


def _case_ending(a: Token, b: Token) -> bool:
    """Equal but for a nominative ending -os/-us/-s (Greek, Latin, Baltic; on the lists: Valerius /
    Valeri, Martinus / Martin as names of one entry)."""
    if len(a.text) < len(b.text):
        a, b = b, a
    ka, kb, ta = a.skels[0], b.skels[0], a.text
    if not ta.endswith("s") or len(kb) < 4:
        return False
    if len(ka) == len(kb) + 1 and ka.startswith(kb):
        return ta.endswith(_VOWEL_S) or ta[-2] not in "aeiouy"
    return False


@dataclass(slots=True)
class Alignment:
    score: float
    pairs: list[tuple[int, int, float]]
    q_unmatched: int
    c_unmatched: int


def _unit_weight(t: Token) -> float:
    return 1.0


def legal_mismatch(q: tuple[Token, ...], c: tuple[Token, ...]) -> bool:
    """Both names state a legal form and no kind agrees (Mahan Air AG / Mahan Air GmbH)."""
    qc = {LEGAL_CLASS[t.text] for t in q if t.weak and t.text in LEGAL_CLASS}
    if not qc:
        return False
    cc = {LEGAL_CLASS[t.text] for t in c if t.weak and t.text in LEGAL_CLASS}
    return bool(cc) and not (qc & cc)


def _last_strong(toks: tuple[Token, ...]) -> int:
    k = len(toks) - 1
    while k >= 0 and toks[k].weak:
        k -= 1
    return k


def _unwritten_initials(q: tuple[Token, ...], c: tuple[Token, ...], pairs: list[tuple[int, int, float]],
                        used_q: set[int], used_c: set[int], wq: list[float], wc: list[float]) -> tuple[float, int]:
    """An initial stands for a name its own side does not write in full: when that side's last part
    (its family name), written in full, found no partner (Thomas L. GREEN / THOMAS LUBANGA, Carrie L.
    JOHNSON / LAM, Carrie), the names disagree on the family name and one shared letter of another
    part is no evidence. Such initial pairs are taken out of the alignment (their parts left over);
    returns their credit (removed from the numerator) and how many were strong pairs. Runs only for
    name pairs with an initial."""
    removed = 0.0
    strong = 0
    k = len(pairs) - 1
    while k >= 0:
        i, j, s = pairs[k]
        lq, lc = len(q[i].text), len(c[j].text)
        if (lq == 1) != (lc == 1):
            if lq == 1:
                last = _last_strong(q)
                left = last >= 0 and last not in used_q and len(q[last].text) > 1
            else:
                last = _last_strong(c)
                left = last >= 0 and last not in used_c and len(c[last].text) > 1
            if left:
                pairs.pop(k)
                used_q.discard(i)
                used_c.discard(j)
                removed += s * (wq[i] + wc[j])
                strong += not q[i].weak
        k -= 1
    return removed, strong


def align(q: tuple[Token, ...], c: tuple[Token, ...], cfg: dict[str, float], weigh=_unit_weight,
          org: bool = False) -> Alignment:
    """Greedy best alignment of name parts (order-free).

    Parts weigh by rarity in the lists (`weigh`: common given names count less than rare
    family names). Extra candidate parts (middle names) cost half, unless the query also has
    parts left over: then the names disagree rather than one being shorter.
    """
    if not q or not c:
        return Alignment(0.0, [], len(q), len(c))
    min_tok = cfg["min_token_score"]
    cands = []
    for i, a in enumerate(q):
        row = sim_row(a, cfg)  # token_sim's cache, read inline (hot loop)
        for j, b in enumerate(c):
            s = row.get(b)
            if s is None:
                s = sim_miss(a, b, cfg, row)
            if org and s < LOANWORD_SCORE and len(a.text) >= 6 and len(b.text) >= 6 and loanword_key(a.text) == loanword_key(b.text):
                s = LOANWORD_SCORE  # (organisation names only; see `loanword_key`)
            if s >= min_tok:
                cands.append((s, -abs(i - j), i, j))
    cands.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    wq = [0.25 if t.weak else weigh(t) for t in q]
    wc = [0.25 if t.weak else weigh(t) for t in c]
    num = 0.0
    conflicts = 0
    strong_pairs = 0
    sure_pairs = 0  # strong pairs of (nearly) the same spelling
    floor = cfg["fuzzy_floor"]
    initials = 0
    for s, _, i, j in cands:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append((i, j, s))
        if min(len(q[i].text), len(c[j].text)) == 1:
            initials += 1
        if not q[i].weak:
            strong_pairs += 1
            if s >= 0.9:
                sure_pairs += 1
        # A weakly similar pair is two different name parts, not a typo: its contribution falls
        # off steeply below `fuzzy_floor`.
        if s < floor and min(len(q[i].text), len(c[j].text)) > 1:  # initials keep their 0.75
            conflicts += not q[i].weak
            s = max(0.0, s * (s - 0.5) / (floor - 0.5))
        num += s * (wq[i] + wc[j])
    if initials:
        lost, lost_strong = _unwritten_initials(q, c, pairs, used_q, used_c, wq, wc)
        num -= lost
        strong_pairs -= lost_strong
    q_left = [i for i in range(len(q)) if i not in used_q and not q[i].weak]
    c_left = [j for j in range(len(c)) if j not in used_c and not c[j].weak]
    c_country = 0
    if org and (q_left or c_left):
        # A country word only one organisation name has (Iranian / of Iran / Islamic Republic of
        # Iran) says where, not which: the names do not disagree on it.
        cq = _country_qualifiers(q, q_left, c)
        if cq:
            q_left = [i for i in q_left if i not in cq]
        cc = _country_qualifiers(c, c_left, q)
        if cc:
            c_left = [j for j in c_left if j not in cc]
            c_country = len(cc)
    # Parts only one side has are middle names (cost half), unless both sides have some (then the
    # names disagree) or the part is the last one of a person's name: a given name in family-first
    # writing or a second family name, not a middle name (Song Kim / KIM SONG CHOL).
    f = 1.0 if (q_left and c_left) else cfg["unmatched_candidate_factor"]
    edge_left = not org and not q_left and 3 <= len(c) < LONG_NAME_CHAIN and (len(c) - 1) in c_left
    if edge_left and _first_family_name_kept(q, c, pairs):
        edge_left = False
    if edge_left and _repeats(c, len(c) - 1, cfg):
        # A part repeating another of the same name is no separate family name (the lists write
        # 138 names so: MATUQ MOHAMMED MATUQ, Ramadan Mahmoud RAMADAN).
        edge_left = False
    den = 0.0
    # Korean and Chinese names have no middle names: every syllable is part of a given or family name.
    hangul_left = False
    # (also Chinese names in pinyin: `names.chinese_latin_name`)
    for i in q_left:
        hangul_left = hangul_left or q[i].script in _SYLLABIC or q[i].role == "zh"
    for j in c_left:
        hangul_left = hangul_left or c[j].script in _SYLLABIC or c[j].role == "zh"
    for i in range(len(q)):
        # (query parts only one side has: half cost only in long name chains of four parts or more)
        full = i in used_q or q[i].script in _SYLLABIC or q[i].role == "zh" or (
            not org and (len(q) <= 3 or i in (0, len(q) - 1)))
        den += wq[i] if full else f * wq[i]
    fc = f
    if (not org and not q_left and len(c) >= LONG_CHAIN_ENDS and 0 in used_c and (len(c) - 1) in used_c
            and len(pairs) >= 2):
        fc = cfg["chain_middle_factor"]
    for j in range(len(c)):
        if j in used_c or c[j].script in _SYLLABIC or c[j].role == "zh":
            den += wc[j]
        else:
            den += wc[j] if edge_left and j == len(c) - 1 else fc * wc[j]
    score = num / den if den else 0.0
    if q_left and c_left:
        # Each side has a part the other lacks: a different family, clan or father name, however
        # many other parts agree.
        score *= cfg["substitution_factor"]
    elif conflicts:
        score *= cfg["conflict_factor"]  # a part that differs by more than a slip
    if len(pairs) >= 3 and not _is_rotation([j for i, j, _ in sorted(pairs)]):
        # Parts in other roles (Abdullah bin Omar / Omar bin Abdullah); a rotation is just
        # family-name-first writing (KIM Jong Un / Jong Un KIM).
        score *= cfg["reorder_factor"]
    if len(pairs) >= 2:
        for t in q:  # (plain loops: this runs for every name pair)
            if t.role:
                score *= _role_factor(q, c, pairs, cfg)
                break
        else:
            for t in c:
                if t.role:
                    score *= _role_factor(q, c, pairs, cfg)
                    break
    c_strong = -c_country
    for t in c:
        if not t.weak:
            c_strong += 1
    if strong_pairs == 1 and c_strong >= 2:
        score *= cfg["single_token_factor"]
    if strong_pairs == 0:
        score = min(score, 0.3)
    if (edge_left and c_strong >= 3) or hangul_left:
        # ... and the name is then likely another person's: Song Kim / KIM SONG CHOL,
        # Maria Lopez / Ana Maria LOPEZ GARCIA.
        score *= cfg["edge_part_factor"]
    if all(min(len(q[i].text), len(c[j].text)) == 1 for i, j, _ in pairs if not q[i].weak):
        score = min(score, 0.6)  # initials alone (N.N.) are no name match
    if org:
        # In organisation names an extra part names another entity (Bank Melli Iran Armenia,
        # a Trust Company, Fund II): each costs more than its weight, a distinctive part (rare in
        # the lists: `weigh`) in full, a generic one (Ministry, Company) less.
        if (q_left and c_left) or not all(
                t.role == "qualifier" or _self_acronym(t, side)
                for t, side in ([(q[i], q) for i in q_left] or [(c[j], c) for j in c_left])):
            # (unless only one name has a qualifier in parentheses, Deutsche Bank (Schweiz) AG, or
            # its own acronym, Islamic Revolutionary Guard Corps IRGC)
            extra = 0.0
            for i in q_left:
                extra += _distinctive(wq[i], cfg)
            for j in c_left:
                extra += _distinctive(wc[j], cfg)
            extra *= _longer_form_share(q, c, q_left, c_left, sure_pairs)
            score *= cfg["org_extra_token_factor"] ** min(extra, 2.0)
        if _numbers_differ(q, c, pairs, q_left, c_left):
            score *= cfg["number_mismatch_factor"]  # another entity of a numbered series
        if legal_mismatch(q, c):
            score *= cfg["legal_mismatch_factor"]
    return Alignment(score, pairs, len(q) - len(used_q), len(c) - len(used_c))


def _country_words() -> dict[str, str]:
    """One-word country names and demonyms as name parts (and their possessives: Iran's -> irans) ->
    country code, from the country table the lists' countries are read with."""
    from vigil.sources.countries import DEMONYMS, EXTRA, country_names, to_code

    from .names import normalize

    out: dict[str, str] = {}
    for name in (*EXTRA, *DEMONYMS, *country_names()):
        words = normalize(name).split()
        code = to_code(name)
        if len(words) == 1 and len(words[0]) >= 4 and code:
            out.setdefault(words[0], code)
            out.setdefault(words[0] + "s", code)
    return out


COUNTRY_WORDS: dict[str, str] = _country_words()
# Words of a state's name that qualify a country word next to them (Islamic Republic of Iran,
# Democratic People's Republic of Korea, the Government of Syria).
STATE_WORDS = frozenset("islamic republic democratic peoples people federal federation kingdom arab socialist "
                        "united state states government".split())
QUALIFIER_WORDS = frozenset(COUNTRY_WORDS) | STATE_WORDS


def _country_qualifiers(toks: tuple[Token, ...], left: list[int], other: tuple[Token, ...]) -> set[int]:
    """The parts among `left` (unaligned strong parts of `toks`) that only say which country: country
    words (Iranian, of Iran, Iran's) when the other name names no other country, and the state words
    of a name with a country word (Islamic Republic of)."""
    left_codes: set[str] = set()
    for i in left:
        code = COUNTRY_WORDS.get(toks[i].text)
        if code is not None:
            left_codes.add(code)
    if left_codes:
        for t in other:
            code = COUNTRY_WORDS.get(t.text)
            if code is not None and code not in left_codes:
                return set()  # another country: another entity (Bank Melli Iran / Bank Melli Iran Armenia)
    else:
        for t in toks:
            if t.text in COUNTRY_WORDS:
                break
        else:
            return set()
    return {i for i in left if toks[i].text in QUALIFIER_WORDS}


def _first_family_name_kept(q: tuple[Token, ...], c: tuple[Token, ...], pairs: list[tuple[int, int, float]]) -> bool:
    """The candidate's missing last part is a later family name (`Token.role` "family2": BASTARDO
    MENDOZA, Rafael Enrique; ROSTAMI CHESHMEH GACHI, Mohammad) and the query has both its first given
    name and its first family name, as its first and last parts: the usual short form of a Spanish,
    Portuguese or Persian name (BASTARDO, Rafael), so the later family names cost as middle names do. (Maria Lopez / Ana Maria LOPEZ GARCIA lacks
    the first given name: not so.)"""
    n = len(c)
    if n < 3 or c[n - 1].role != "family2" or len(q) >= n:
        return False
    k = n - 1
    while k > 0 and c[k - 1].role == "family2":
        k -= 1  # c[k - 1]: the first family name
    given = family = False
    for i, j, _ in pairs:
        if i == 0 and j == 0:
            given = True
        elif i == len(q) - 1 and j == k - 1:
            family = True
    return given and family and k >= 2


def _longer_form_share(q: tuple[Token, ...], c: tuple[Token, ...], q_left: list[int], c_left: list[int],
                       sure_pairs: int) -> float:
    """How much of `org_extra_token_factor` the parts only one organisation name has cost: half when
    the other name is all in it and agrees on three strong parts or more, each spelt (nearly) the same
    (similarity >= 0.9; a longer form of the same
    name: ZELENODOLSK DESIGN BUREAU / ZELENODOLSKY PROJECT AND DESIGN BUREAU), else in full. The lists'
    own names (OFAC SDN organisations, pairs of names one of which has all the other's strong parts):
    with three shared parts or more and one extra the two name the same entity 70 % of the time, with
    two shared parts 39 %, with one 14 % (SEPAH / BANK SEPAH). Not when the extra part is a country
    or state word that names another country (BANK MELLI IRAN / BANK MELLI IRAN ARMENIA)."""
    if sure_pairs >= 3 and not (q_left and c_left):
        for i in q_left:
            if q[i].text in QUALIFIER_WORDS:
                return 1.0  # another country's entity (Bank Melli Iran Armenia)
        for j in c_left:
            if c[j].text in QUALIFIER_WORDS:
                return 1.0
        return 0.5
    return 1.0


def _distinctive(w: float, cfg: dict[str, float]) -> float:
    """How much an organisation name part the other name lacks counts (`org_extra_token_factor`
    per part): its weight by rarity in the lists, from `generic_part_cost` (the commonest words) to 1."""
    lo = cfg["generic_part_cost"]
    return lo if w < lo else (1.0 if w > 1.0 else w)


def _self_acronym(t: Token, toks: tuple[Token, ...]) -> bool:
    """`t` is the acronym of a run of the other parts of its own name, stopwords' initials allowed
    (Islamic Revolutionary Guard Corps IRGC, MOIS Ministry of Intelligence and Security)."""
    a = t.text
    if not (2 <= len(a) <= 8 and a.isalpha()):
        return False
    initials = "".join(x.text[0] for x in toks if x is not t and not x.weak and x.text)
    for start in range(len(initials)):
        if initials[start] != a[0]:
            continue
        k = start
        extra = 0
        for ch in a:
            if k < len(initials) and initials[k] == ch:
                k += 1
            elif ch in "oadtf" and extra < 2:
                extra += 1  # of, and, de, the, for
            else:
                break
        else:
            if k - start >= 2 and a[-1] == initials[k - 1]:
                return True
    return False


def _numbers_differ(q, c, pairs, q_left, c_left) -> bool:
    """The names' numbers differ (Fund III / Fund IV) or only one name has one (Fund / Fund II)."""
    for i, j, _ in pairs:
        if q[i].text.isdigit() and q[i].text != c[j].text:
            return True
    for i in q_left:
        if q[i].text.isdigit():
            return True
    for j in c_left:
        if c[j].text.isdigit():
            return True
    return False


def _role_factor(q: tuple[Token, ...], c: tuple[Token, ...], pairs: list[tuple[int, int, float]],
                 cfg: dict[str, float]) -> float:
    """Penalties that depend on the role of the aligned parts (`Token.role`)."""
    f = 1.0
    if any(t.role == "nasab" for t in q) and any(t.role == "nasab" for t in c):
        # bin/ibn marks the father's name: a part that is the father's name on one side and the
        # person's own (or another) name on the other, in both directions, is another person.
        fwd = any(q[i].role == "nasab" and c[j].role != "nasab" for i, j, _ in pairs)
        if fwd and any(c[j].role == "nasab" and q[i].role != "nasab" for i, j, _ in pairs):
            f *= cfg["nasab_swap_factor"]
    # A name in Han characters is read in one language: one part by its Chinese reading and
    # another by its Korean or Japanese one is no reading of the name (朱成 Zhu Cheng / Ju Seong).
    how = set()
    for i, j, _ in pairs:
        a, b = q[i], c[j]
        if a.role in _HAN_READINGS or b.role in _HAN_READINGS:
            how.add(a.text == b.text)
    if len(how) == 2:
        f *= 0.6
    return f


_HAN_READINGS = ("ja", "ko")


def _repeats(c: tuple[Token, ...], k: int, cfg: dict[str, float]) -> bool:
    """Part k of a name is (a spelling of) another of its parts: Mohamed Mohamed Caddow, Ramadan Mahmoud RAMADAN."""
    t = c[k]
    return any(j != k and token_sim(t, o, cfg) >= cfg["fuzzy_floor"] for j, o in enumerate(c))


def _is_rotation(order: list[int]) -> bool:
    """True when candidate positions, read in query order, are a cyclic shift (1 2 3 / 3 1 2)."""
    ranks = {x: r for r, x in enumerate(sorted(order))}
    pos = [ranks[x] for x in order]
    n = len(pos)
    return all(pos[(k + 1) % n] == (pos[k] + 1) % n for k in range(n))


def _joins(joined: Token, t: Token, loose: bool = False) -> bool:
    if t.weak or len(t.text) < 5:
        return False
    if t.vkey is None:  # Arabic script: skeleton agreement
        return bool(set(joined.skels) & set(t.skels))
    if joined.vkey == t.vkey:
        return Levenshtein.normalized_similarity(joined.text, t.text) >= 0.8
    # Split in another place and one slip per ten letters ('Ndrangheta / Andrang Heta): two words
    # of three letters or more, never a number or an initial (Solutions II / Solutions).
    return loose and len(t.text) >= 8 and OSA.normalized_similarity(joined.text, t.text) >= 0.9


def _has_digit(text: str) -> bool:
    for ch in text:
        if ch.isdigit():
            return True
    return False


def _wade_giles_join(x: Token, y: Token, b: tuple[Token, ...]) -> Token | None:
    """Two syllables of a Chinese given name written apart in one romanisation and joined in the
    other (Mao Tse-tung / Mao Zedong; Mao Ze Dong / Mao Tse-tung): one part, when the pair read in
    Wade-Giles (or the other name's Wade-Giles part read in pinyin) is a part of `b` of the joined
    length, or within 20 % of a part of five letters or more (`bounds.compound_possible`)."""
    cat = x.text + y.text
    readings = wade_giles_readings(cat) if x.role == "wg" and y.role == "wg" else frozenset()
    n = len(cat)
    for t in b:
        m = len(t.text)
        if t.weak or not (m == n or (m >= 5 and 5 * abs(n - m) <= (n if n > m else m))):
            continue
        if t.text in readings:
            return make_token(cat, role="wg")
        if t.role == "wg" and t.syn is not None and cat in t.syn:
            return make_token(cat)
    return None


LINK_EXTRA = 3  # letters a compound joined with a linking vowel has more than its parts (Nur Din / Nureddine)
_LINK_VOWELS = "aeiou"


def _linked_join(x: str, y: str, b_long: list[Token], make) -> Token | None:
    """Two parts written as one word with a linking vowel, the Arabic article assimilated (Taj al-Din /
    TAJIDEEN, Nur ad-Din / Nureddin, Badr al-Din / Badreddin, Bashir ud-Din / Bashiruddin, Inayat
    ur-Rahman / Inayaturrahman: 41 such pairs of spellings within one entry of the lists' persons): `x`
    + the vowel after it in the part of `b` that starts with `x` + `y`, when that part has the same
    vowel-shape key (a doubled consonant, a long vowel: Salahuddin, Tajideen)."""
    if x[-1] in _LINK_VOWELS or y[0] in _LINK_VOWELS or len(x) < 3 or len(y) < 3:
        return None
    n = len(x) + len(y)
    for t in b_long:
        tt = t.text
        if t.vkey is None or not 0 < len(tt) - n <= LINK_EXTRA or not tt.startswith(x):
            continue
        v = tt[len(x)]
        if v in _LINK_VOWELS:
            joined = make(x + v + y)
            if joined.vkey == t.vkey:
                return joined
    return None


def merge_compounds(a: tuple[Token, ...], b: tuple[Token, ...], make, fast: bool = True) -> tuple[Token, ...] | None:
    """Join adjacent parts of `a` whose concatenation equals a part of `b` (Nasr Allah / Nasrallah,
    van den Berg / Vandenberg). `fast=False` skips the length shortcut (tests compare the two)."""
    if len(a) < 2 or len(a) <= len(b):
        return None
    b_texts = {t.text for t in b}
    for t in b:
        if t.script == "han" and t.syn:
            b_texts |= t.syn  # 正恩 read Jong Un: "Jong" + "Un" join to one of its readings
    # Parts `_joins` may join to (five letters or more); when none is Arabic-script (a skeleton
    # match, any length), a joined Latin word whose length is not within 20 % of one of theirs
    # can only join by equal text (edit similarity >= 0.8 needs it), so it is not made.
    b_long = [t for t in b if not t.weak and len(t.text) >= 5]
    b_lens = None if any(t.vkey is None for t in b_long) else [len(t.text) for t in b_long]
    wade_giles = False  # (syllables of a Chinese given name: `_wade_giles_join`)
    for t in a:
        if t.role == "wg":
            wade_giles = True
    for t in b:
        if t.role == "wg":
            wade_giles = True
    out: list[Token] = []
    changed = False
    i = 0
    while i < len(a):
        if i + 2 < len(a) and not any(t.weak for t in a[i:i + 3]) and a[i].vkey is not None:
            text3 = a[i].text + a[i + 1].text + a[i + 2].text
            if text3 in b_texts:
                out.append(make(text3))
                changed = True
                i += 3
                continue
        if i + 1 < len(a) and not a[i].weak and not a[i + 1].weak:
            if a[i].text in b_texts and a[i + 1].text in b_texts:
                out.append(a[i])
                i += 1
                continue
            cat = a[i].text + a[i + 1].text
            if cat not in b_texts and (_has_digit(a[i].text) or _has_digit(a[i + 1].text)):
                # A number joins a word only by equal text: Victory 3 is not a slip of Victory
                # (another ship of a numbered series; joined, its digit would read as a letter).
                out.append(a[i])
                i += 1
                continue
            if wade_giles:
                wg = _wade_giles_join(a[i], a[i + 1], b)
                if wg is not None:
                    out.append(wg)
                    changed = True
                    i += 2
                    continue
            if fast and b_lens is not None and cat.isascii() and cat.isalpha() and cat not in b_texts:
                # (such a word is its own text: `make` changes nothing in it)
                n = len(cat)
                for m in b_lens:
                    if 5 * abs(n - m) <= (n if n > m else m) or 0 < m - n <= LINK_EXTRA:
                        break
                else:
                    out.append(a[i])
                    i += 1
                    continue
            joined = make(cat)
            loose = (len(a[i].text) >= 3 and len(a[i + 1].text) >= 3 and a[i].text.isalpha()
                     and a[i + 1].text.isalpha())
            # (syllables of a Chinese name join only to the same text: one syllable differing is
            # another name, joined or not: 易荣 Yi Rong is not Yurong)
            syllables = a[i].script == "han" or a[i].role == "zh" or a[i + 1].script == "han" or a[i + 1].role == "zh"
            if joined.text in b_texts or (not syllables and any(_joins(joined, t, loose) for t in b_long)):
                out.append(joined)
                changed = True
                i += 2
                continue
            if loose:
                linked = _linked_join(a[i].text, a[i + 1].text, b_long, make)
                if linked is not None:
                    out.append(linked)
                    changed = True
                    i += 2
                    continue
        out.append(a[i])
        i += 1
    return tuple(out) if changed else None


# -- qualifiers ---------------------------------------------------------------------------
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@lru_cache(maxsize=65_536)
def parse_date(value: str) -> tuple[int, int | None, int | None] | None:
    m = _DATE_RE.match(value.strip())
    if not m:
        return None
    y, mo, d = m.groups()
    return int(y), int(mo) if mo else None, int(d) if d else None


_DATES: dict[tuple[str, ...], tuple] = {}


def _dates(values) -> tuple[tuple[tuple[str, tuple], ...], tuple[int, ...]]:
    """The parseable dates of a list of values, with their distinct years sorted (memoised: a
    candidate's birth dates are compared with every query that finds it)."""
    key = tuple(values)
    hit = _DATES.get(key)
    if hit is None:
        parsed = tuple((v, d) for v, d in ((v, parse_date(v)) for v in key) if d)
        hit = (parsed, tuple(sorted({d[0] for _, d in parsed})))
        if len(_DATES) >= 200_000:
            _DATES.clear()
        _DATES[key] = hit
    return hit


def compare_dates(query: list[str], cand: list[str]) -> tuple[str, float, str, str] | None:
    """('match'|'mismatch', strength, query value, candidate value) or None if not comparable."""
    qd = _dates(query)[0]
    if not qd:
        return None
    cd, cy = _dates(cand)
    if not cd:
        return None
    best: tuple[str, float, str, str] | None = None
    for qv, q in qd:
        for cv, c in cd:
            if q == c and q[2] is not None:
                return ("match", 1.0, qv, cv)
            if q[0] == c[0]:
                if q[1] and c[1] and (q[1] != c[1] or (q[2] and c[2] and q[2] != c[2])):
                    # Same year, different day or month: weak evidence either way (typos, swaps).
                    cand_ = ("match", 0.3, qv, cv)
                else:
                    cand_ = ("match", 0.6, qv, cv)
                if best is None or best[0] != "match" or best[1] < cand_[1]:
                    best = cand_
    if best:
        return best
    # Ranges: several candidate years (e.g. 1960, 1962) span the query year.
    if len(cy) > 1:
        for qv, q in qd:
            if cy[0] <= q[0] <= cy[-1]:
                return ("match", 0.6, qv, f"{cy[0]}..{cy[-1]}")
    # A one-year gap is the usual slip between lists; neither agreement nor contradiction.
    for _, q in qd:
        for _, c in cd:
            if -1 <= q[0] - c[0] <= 1:
                return None
    return ("mismatch", 1.0, qd[0][0], cd[0][0])


_ID_RE = re.compile(r"[^0-9A-Z]")


_ID_PREFIXES = ("IMO", "MMSI", "NO", "NR", "NUMBER")


def norm_id(value: str) -> str:
    """Identifier as bare upper-case letters and digits; "IMO 9116412" -> "9116412"."""
    key = _ID_RE.sub("", value.upper())
    for prefix in _ID_PREFIXES:
        if key.startswith(prefix) and key[len(prefix):].isdigit():
            return key[len(prefix):]
    return key


def merge_acronym(a: tuple[Token, ...], b: tuple[Token, ...], make, person: bool = False) -> tuple[Token, ...] | None:
    """`b` with a run of its parts replaced by one part when their initials spell a part of `a`
    (IRGC / Islamic Revolutionary Guard Corps, U.S. / United States; for persons only vowel-less
    initials: JP / Jean-Pierre); None when there is no such acronym."""
    if len(b) < 2:
        return None
    for t in a:
        n = len(t.text)
        if t.weak or not 2 <= n <= (3 if person else 6) or not t.text.isalpha() or n > len(b):
            continue
        if person and (n == len(b) or any(ch in "aeiouy" for ch in t.text)):
            # (a person's initials spell part of a name, JP / Jean-Pierre BEMBA; initials for the
            # whole name, LJ / Lu Jie, are initials alone, as N.N. is: no name match)
            continue
        for i in range(len(b) - n + 1):
            run = b[i:i + n]
            if "".join(x.text[0] for x in run) == t.text and _acronym_run(run, person):
                rest = b[:i] + b[i + n:]
                if any(x.text == t.text for x in rest):
                    return rest  # the name writes its acronym beside it: ABDALLAH AZZAM BRIGADES (AAB)
                return b[:i] + (make(t.text),) + b[i + n:]
    return None


def _acronym_run(run: tuple[Token, ...], person: bool) -> bool:
    """Whether a run of name parts may be spelt by its initials: strong parts, and in organisation
    names also generic words other than a legal form of a stated kind (DIO = Defense *Industries*
    Organization, NITC = National Iranian Tanker *Company*; not *Ltd*, *LLC*, *JSC*); at least two
    strong parts, or one in a run of three or more."""
    strong = 0
    for x in run:
        if not x.weak:
            strong += 1
        elif person or x.text in LEGAL_CLASS:
            return False
    return strong >= 2 or (strong == 1 and len(run) >= 3)  # (DTO = Drug Trafficking Organization)
