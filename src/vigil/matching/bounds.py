"""Cheap, exact upper bounds on name scores, so that candidates that cannot score are skipped.

`align_bound(q, c, ...)` is never below `scoring.align(q, c, ...).score`: it relaxes the
alignment (each name part may take its best partner, ignoring that pairs are one to one) and
keeps only the penalties that certainly apply. It reads the same token similarities `align`
does (the shared cache), but skips the greedy pairing, the bookkeeping and the alternatives
(joined compounds, acronyms), which the matcher only computes for the pairs it cannot skip.

The matcher compares the bound with the qualifiers (exact and cheap): a candidate whose bound
plus qualifiers cannot exceed 0 would score 0 and is dropped, as full scoring would drop it;
everything else is scored in full, so results are identical with and without the bounds
(`Matcher(prune=False)`; tests/matching/test_bounds.py compares the two).

The relaxation relies on these facts of `scoring.align`, to be revisited if they change:
* score = num / den; num = sum over aligned pairs of s' x (wq + wc), where s' is the pair
  similarity after the fuzzy-floor fall-off, and only pairs with similarity >= min_token_score
  align; den counts every part's weight, an unaligned part's at least x unmatched_candidate_factor,
  and every part in full when both names have a strong (non-weak) part left over;
* every other adjustment multiplies by a factor in [0, 1] or caps the score (`usable` checks the
  request's config: other requests are scored without bounds);
* when both names certainly have a strong part left over, `substitution_factor` applies (a country
  or state word left over may not count: for organisations `align` sets those aside);
* with no strong pair the score is at most 0.3; with exactly one strong pair and a candidate of
  two strong parts or more it is x single_token_factor.
"""
from __future__ import annotations

from typing import NamedTuple

from .names import Token, make_token
from .scoring import LONG_CHAIN_ENDS, QUALIFIER_WORDS, merge_acronym, merge_compounds, sim_miss, sim_row

# Config keys `align` / the matcher use as multipliers: the bound assumes each is in [0, 1].
_FACTORS = ("weak_alias_factor", "unmatched_candidate_factor", "single_token_factor", "swapped_parts_factor",
            "conflict_factor", "substitution_factor", "reorder_factor", "nasab_swap_factor", "edge_part_factor",
            "legal_mismatch_factor", "org_extra_token_factor", "acronym_factor", "number_mismatch_factor",
            "pet_form_family_factor", "dropped_word_factor", "given_as_family_factor", "chain_middle_factor")
MARGIN = 1e-9  # float slack: a bound computed another way may round differently from the score


def usable(cfg: dict, weights: dict) -> bool:
    """Whether the bounds hold for this request's config and weights."""
    if weights.get("name", 1.0) < 0:
        return False
    for key, v in cfg.items():
        # multipliers in [0, 1]; similarities (a name score is then at most 1)
        if (key in _FACTORS or key.endswith(("_factor", "_score"))) and not 0.0 <= v <= 1.0:
            return False
    # The fall-off below the floor is positive for every pair that aligns only above 0.5.
    return cfg["fuzzy_floor"] > 0.5 and cfg["min_token_score"] > 0.5


def align_bound(q: tuple[Token, ...], c: tuple[Token, ...], wq: tuple[float, ...], wc: tuple[float, ...], cfg: dict) -> float:
    """Upper bound of `scoring.align(q, c, cfg, weigh, org).score` for either `org`; `wq`/`wc`:
    the parts' weights as `align` computes them (0.25 for weak parts, else `weigh`)."""
    nq, nc = len(q), len(c)
    if not nq or not nc:
        return 0.0
    min_tok = cfg["min_token_score"]
    floor = cfg["fuzzy_floor"]
    fall = floor - 0.5
    col = [0.0] * nc  # best similarity (after the floor fall-off) of each candidate part
    strong_c_hit = [False] * nc  # candidate part a strong query part can align with
    num_q = 0.0  # sum of query parts' best similarity x weight
    q_left = False  # a strong query part aligns with nothing
    strong_q = 0
    weak_aligns = False  # a weak query part aligns with something (it may take a strong part's partner)
    lows: list[tuple[float, float]] = []
    for i, a in enumerate(q):
        short_a = len(a.text) <= 1
        best = 0.0
        row = sim_row(a, cfg)  # the similarity cache, read inline
        for j, b in enumerate(c):
            s = row.get(b)
            if s is None:
                s = sim_miss(a, b, cfg, row)
            if s < min_tok:
                continue
            if s < floor and not short_a and len(b.text) > 1:
                s = s * (s - 0.5) / fall
            if s > best:
                best = s
            if s > col[j]:
                col[j] = s
            if not a.weak:
                strong_c_hit[j] = True
        if best == 0.0:
            if not a.weak and a.text not in QUALIFIER_WORDS:
                q_left = True  # (a country word left over may not count: `scoring._country_qualifiers`)
        else:
            num_q += best * wq[i]
            lows.append((best, wq[i]))
            if a.weak:
                weak_aligns = True
            else:
                strong_q += 1
    if not lows:
        return 0.0  # nothing aligns
    c_left = False
    c_strong = 0
    for j in range(nc):
        if c[j].weak or c[j].text in QUALIFIER_WORDS:
            continue  # (nor counts as a strong part, for organisations)
        c_strong += 1
        if col[j] == 0.0:
            c_left = True
    both_left = q_left and c_left
    f = 1.0 if both_left else cfg["unmatched_candidate_factor"]
    if (not q_left and nc >= LONG_CHAIN_ENDS and col[0] > 0.0 and col[nc - 1] > 0.0
            and cfg["chain_middle_factor"] < f):
        f = cfg["chain_middle_factor"]  # (both ends of a long chain align: `scoring.align`)
    # Each part either aligns (weight in full, credit <= its best similarity x weight) or not
    # (weight x f at least, no credit). A part whose credit per added weight, best / (1 - f), is
    # >= 1 raises any ratio <= 1 and is counted as aligned; the others may or may not be: their
    # credit is counted but not their added weight (an over-estimate, so still a bound).
    total_w = 0.0
    for x in wq:
        total_w += x
    num = num_q
    den_add = 0.0
    cut = 1.0 - f
    for best, w in lows:
        if best >= cut:
            den_add += cut * w
    for j in range(nc):
        w = wc[j]
        total_w += w
        s = col[j]
        if s > 0.0:
            num += s * w
            if s >= cut:
                den_add += cut * w
    den = f * total_w + den_add
    score = num / den if den > 0 else 0.0
    if score > 1.0:
        score = 1.0
    if both_left:
        score *= cfg["substitution_factor"]
    if strong_q == 0:
        return min(score, 0.3)
    strong_c = sum(strong_c_hit)
    if c_strong >= 2 and (strong_q == 1 or strong_c == 1):
        # At most one strong pair, and exactly one unless a weak part takes the partner.
        stf = score * cfg["single_token_factor"]
        score = max(stf, min(score, 0.3)) if weak_aligns else stf
    return score


class Shape(NamedTuple):
    """What the pre-checks below read of a name (computed once per name)."""
    lens: tuple[int, ...]  # each part's length
    pair_lens: tuple[int, ...]  # lengths of adjacent pairs of parts joined
    triple_lens: tuple[int, ...]  # lengths of adjacent triples joined
    long_lens: tuple[int, ...]  # lengths of the parts of five letters or more
    odd: bool  # a part is not ASCII letters and digits (a joined part's length is then uncertain:
    # joined parts are analysed again by `make_token`)
    skel: bool  # a strong part joins by skeleton (no vowel-shape key: Arabic script ...)
    initials: str  # the parts' first letters
    strong: tuple[str, ...]  # strong alphabetic parts of two to six letters (`merge_acronym`'s acronyms)
    latin_pairs: tuple[tuple[str, str, int], ...]  # (first two letters, last letter, joined length) of
    # each adjacent pair of Latin-letter strong parts (`_split_from`)
    latin_long: tuple[tuple[str, str, int], ...]  # (first two letters, last letter, length) of each
    # Latin-letter strong part of five letters or more


class Alternative(NamedTuple):
    """Another pair of token tuples `matcher.name_alignment` may align for two names."""
    query: tuple[Token, ...]
    candidate: tuple[Token, ...]
    acronym: bool  # a run of parts read as an acronym: scored x acronym_factor


_SHAPES: dict[tuple[Token, ...], Shape] = {}


def shape(toks: tuple[Token, ...]) -> Shape:
    """The `Shape` of a name: what `_compound_possible`, `_acronym_possible` and `_split_from` read."""
    lens = []
    odd = skel = False
    initials = []
    strong = []
    pairs = []
    long = []
    prev = None  # the previous part, when a Latin-letter strong part
    for t in toks:  # (one plain loop: a name's shape is computed for every new name tuple)
        x = t.text
        n = len(x)
        lens.append(n)
        if not odd and not (x.isascii() and x.isalnum()):
            odd = True
        initials.append(x[:1])
        if t.weak:
            prev = None
            continue
        if t.vkey is None:
            skel = True
            prev = None
        else:
            if prev is not None:
                pairs.append((prev.text[:2], x[-1:], len(prev.text) + n))
            if n >= 5:
                long.append((x[:2], x[-1:], n))
            prev = t
        if 2 <= n <= 6 and x.isalpha():
            strong.append(x)  # (`merge_acronym` reads no other part as an acronym)
    k = len(lens)
    return Shape(
        tuple(lens),
        tuple([lens[i] + lens[i + 1] for i in range(k - 1)]),
        tuple([lens[i] + lens[i + 1] + lens[i + 2] for i in range(k - 2)]),
        tuple([n for n in lens if n >= 5]),
        odd,
        skel,
        "".join(initials),
        tuple(strong),
        tuple(pairs),
        tuple(long),
    )


def _shape(toks: tuple[Token, ...]) -> Shape:
    sh = _SHAPES.get(toks)
    if sh is None:
        if len(_SHAPES) >= 200_000:
            _SHAPES.clear()
        sh = _SHAPES[toks] = shape(toks)
    return sh


def _compound_possible(sa: Shape, sb: Shape) -> bool:
    if len(sa.lens) < 2 or len(sa.lens) <= len(sb.lens):
        return False
    if sa.odd or sb.odd or sb.skel:
        return True
    b_lens, b_long = sb.lens, sb.long_lens
    for n in sa.pair_lens:
        if n in b_lens:
            return True
        for m in b_long:
            if abs(n - m) <= 0.2 * (n if n > m else m):
                return True
    for n in sa.triple_lens:
        if n in b_lens:
            return True
    return False


def _acronym_possible(sa: Shape, sb: Shape) -> bool:
    initials = sb.initials
    if len(initials) < 2:
        return False
    for t in sa.strong:
        if t in initials:
            return True
    return False


def compound_possible(a: tuple[Token, ...], b: tuple[Token, ...]) -> bool:
    """False only when `scoring.merge_compounds(a, b)` is certainly None: no run of two or three
    adjacent parts of `a` joined has the length of a part of `b` (equal text) or, for a part of
    five letters or more, a length within 20 % of it (`_joins`: edit similarity >= 0.8). Checked
    against `merge_compounds` itself by tests/matching/test_bounds.py."""
    return _compound_possible(_shape(a), _shape(b))


def acronym_possible(a: tuple[Token, ...], b: tuple[Token, ...]) -> bool:
    """False only when `scoring.merge_acronym(a, b, ...)` is certainly None: no strong part of `a`
    is a run of the initials of `b`'s parts (checked against it by tests/matching/test_bounds.py)."""
    return _acronym_possible(_shape(a), _shape(b))


def alternatives(q: tuple[Token, ...], c: tuple[Token, ...], org: bool, sq: Shape | None = None,
                 sc: Shape | None = None) -> list[Alternative]:
    """The other token tuples `matcher.name_alignment` may align, each with whether it is an acronym
    (scored x acronym_factor): for names of different lengths joined compounds and acronyms, for
    names of as many parts `even_joins`. `sq`, `sc`: the names' `shape`, when known."""
    sq = sq or _shape(q)
    sc = sc or _shape(c)
    if len(q) == len(c):
        return [Alternative(qt, ct, False) for qt, ct in even_joins(q, c, sq, sc)]
    out: list[Alternative] = []
    if _compound_possible(sq, sc):
        qt = merge_compounds(q, c, make_token)
        if qt is not None:
            out.append(Alternative(qt, c, False))
    if _compound_possible(sc, sq):
        ct = merge_compounds(c, q, make_token)
        if ct is not None:
            out.append(Alternative(q, ct, False))
    if _acronym_possible(sq, sc):
        ct = merge_acronym(q, c, make_token, not org)
        if ct is not None:
            out.append(Alternative(q, ct, True))
    if _acronym_possible(sc, sq):
        qt = merge_acronym(c, q, make_token, not org)
        if qt is not None:
            out.append(Alternative(qt, c, True))
    return out


def even_joins(q: tuple[Token, ...], c: tuple[Token, ...], sq: Shape | None = None,
               sc: Shape | None = None) -> list[tuple[tuple[Token, ...], tuple[Token, ...]]]:
    """For two names with as many parts, the (query, candidate) token tuples with two adjacent parts
    of one side joined to spell a part of the other, which then has a part more: a word split inside
    one name (Nikolai Patr ushev / Nikolai Platonovich Patrushev). `sq`, `sc`: the names' `shape`."""
    sq = sq or _shape(q)
    sc = sc or _shape(c)
    out = [(qt, c) for qt in _joins_even(q, c)] if _split_from(sq, sc) else []
    if _split_from(sc, sq):
        out += [(q, ct) for ct in _joins_even(c, q)]
    return out


def _split_from(sa: Shape, sb: Shape) -> bool:
    """Whether two adjacent parts of a name may spell one part of another (their `shape`s): Latin
    letters, the same first two and last letters, and the joined length within 20 % of a part of five
    letters or more (as `scoring._joins` needs)."""
    long = sb.latin_long
    if long:
        for head, tail, n in sa.latin_pairs:
            for t_head, t_tail, m in long:
                if t_head == head and t_tail == tail and abs(n - m) <= 0.2 * (n if n > m else m):
                    return True
    return False


def _joins_even(a: tuple[Token, ...], b: tuple[Token, ...]) -> list[tuple[Token, ...]]:
    """`merge_compounds(a, b)` for names of equal length: adjacent parts of `a` joined to match a
    part of `b`, tried against `b` less each one of its parts (merge_compounds wants `a` longer)."""
    out: list[tuple[Token, ...]] = []
    if len(a) < 2:
        return out
    for j in range(len(b)):
        rest = b[:j] + b[j + 1:]
        if compound_possible(a, rest):
            joined = merge_compounds(a, rest, make_token)
            if joined is not None and joined not in out:
                out.append(joined)
    return out
