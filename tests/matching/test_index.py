"""The candidate index: ranking by shared keys, and the keys the monitor's prefilter reads."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from vigil.matching import Matcher
from vigil.matching.index import FAMILY_CAP, MAX_POSTINGS, PER_ENTITY, name_keys, token_keys

QUERIES = ["Ghasem Soleimani", "Hizbullah", "Mohammad Ali", "Kim Jong Un", "Bank Melli Iran", "John Smith",
           "Nasrallah Hassan", "Abdul Rahman Yasin", "Vladimir Putin", "Mahan Air", "Rosneft Oil Company"]


def _reference_scores(index, tokens) -> dict[int, float]:
    """Per name record: the weights of the query keys it carries / its length factor, computed
    the slow way from the posting lists. Each query part's spellings (`t` keys) the record carries
    add up to at most FAMILY_CAP x the best of them, and so do its skeletons (`k` keys)."""
    family: dict[str, tuple] = {}
    for tok in tokens:
        if tok.weak:
            continue
        for key in token_keys(tok):
            if key[0] not in "ps":
                family.setdefault(key, (tok, key[0]) if key[0] in "tk" else (key,))
        if "t" + tok.text not in index.key_ids and len(tok.text) >= 6:
            for key in ("p" + tok.text[:4], "s" + tok.text[-4:]):
                family.setdefault(key, (key,))
    for key in name_keys(tokens):
        if key[0] not in "ps":
            family.setdefault(key, (key,))
    found = {k: index.postings(k) for k in family if index.postings(k) is not None}
    usable = {k: v for k, v in found.items() if len(v) <= MAX_POSTINGS} or dict([min(found.items(), key=lambda kv: len(kv[1]))])
    best: dict[tuple[int, tuple], float] = defaultdict(float)
    total: dict[tuple[int, tuple], float] = defaultdict(float)
    for key, plist in usable.items():
        w = index.kweight[index.key_ids[key]]
        for nidx in plist.tolist():
            best[nidx, family[key]] = max(best[nidx, family[key]], w)
            total[nidx, family[key]] += w
    sums: dict[int, float] = defaultdict(float)
    for (nidx, fam), w in best.items():
        sums[nidx] += min(total[nidx, fam], FAMILY_CAP * w)
    return {n: s / index.name_len[n] for n, s in sums.items()}


@pytest.mark.parametrize("text", QUERIES)
def test_candidates_are_the_best_ranked_names(matcher, text):
    index = matcher.index
    tokens = matcher.prepare({"schema": "LegalEntity", "properties": {"name": [text]}}).names[0][1]
    ref = _reference_scores(index, tokens)
    got = index.candidates([tokens], 20)
    assert got and len(got) == len(set(got)) <= 20
    scores = [ref[n] for n in got]
    assert all(a >= b - 1e-9 for a, b in zip(scores, scores[1:])), scores
    per_entity = Counter(index.names[n].entity for n in got)
    assert max(per_entity.values()) <= PER_ENTITY
    if len(got) == 20:
        # Nothing left out ranks above the last one taken, unless its entity already has its share.
        for n, s in ref.items():
            if n not in got and s > scores[-1] + 1e-9:
                assert per_entity[index.names[n].entity] == PER_ENTITY, (index.names[n].value, s, scores[-1])
    # The same result every time (the sums are added in one fixed order).
    assert index.candidates([tokens], 20) == got


@pytest.fixture(scope="module")
def small(list_entities) -> Matcher:
    return Matcher(list_entities[:400])


def test_query_keys_cover_everything_a_query_can_find(small, list_entities):
    held = small.candidate_keys()
    assert held and any(k.startswith("#") for k in held)
    found_any = missed_all = 0
    for ent in list_entities[:400:7] + list_entities[5000:5400:7]:
        query = {"schema": ent.schema.name, "properties": {"name": ent.names[:1]}}
        keys = small.query_keys(query)
        resp = small.match(query, threshold=0.0, limit=50)
        if resp.results:
            found_any += 1
            assert not keys.isdisjoint(held), ent.names[:1]
        if keys.isdisjoint(held):
            missed_all += 1
            assert resp.total == 0
    assert found_any > 20 and missed_all > 5


def test_identifier_keys(small):
    index = small.index
    number = next(iter(index.ids))
    keys = small.query_keys({"schema": "LegalEntity", "properties": {"registrationNumber": [number]}})
    assert "#" + number in keys and "#" + number in small.candidate_keys()


def test_long_variant_lists_do_not_outweigh_a_rare_shared_part(matcher):
    # Aleksandr's 11 learned spellings used to add up, filling the pool with Aleksandr X.
    tokens = matcher.prepare({"schema": "Person", "properties": {"name": ["Александр Петров"]}}).names[0][1]
    got = matcher.index.candidates([tokens], 20)
    entities = {matcher.index.entities[matcher.index.names[n].entity].entity.id for n in got}
    assert {"ofac-26170", "gb-hmt-13744"} <= entities  # MISHKIN alias PETROV, Alexander


def test_native_script_query_keeps_latin_names(matcher):
    index = matcher.index
    tokens = matcher.prepare({"schema": "Person", "properties": {"name": ["عبد الله"]}}).names[0][1]
    got = index.candidates([tokens], 20)
    assert len(got) == len(set(got)) == 20
    latin = [n for n in got if not index.name_native[n]]
    assert len(latin) >= 10
    assert any(index.names[n].value.upper() == "ABDULLAH" for n in latin)
    per_entity = Counter(index.names[n].entity for n in got)
    assert max(per_entity.values()) <= PER_ENTITY
    # The Arabic-script entries still rank: only the lowest-ranked of them gave way.
    assert len(got) - len(latin) >= 1 and all(index.name_native[n] for n in got[:5])
    # A Latin query is ranked as before, with no share.
    latin_q = matcher.prepare({"schema": "Person", "properties": {"name": ["Abdullah"]}}).names[0][1]
    assert all(not index.name_native[n] for n in index.candidates([latin_q], 20)[:5])
