"""The candidate index: ranking by shared keys, and the keys the monitor's prefilter reads."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from vigil.matching import Matcher
from vigil.matching.index import MAX_POSTINGS, PER_ENTITY, name_keys

QUERIES = ["Ghasem Soleimani", "Hizbullah", "Mohammad Ali", "Kim Jong Un", "Bank Melli Iran", "John Smith",
           "Nasrallah Hassan", "Abdul Rahman Yasin", "Vladimir Putin", "Mahan Air", "Rosneft Oil Company"]


def _reference_scores(index, tokens) -> dict[int, float]:
    """Per name record: the summed weights of the query keys it carries / its length factor,
    computed the slow way from the posting lists."""
    keys = {k for k in name_keys(tokens) if k[0] not in "ps"}
    for tok in tokens:
        if not tok.weak and "t" + tok.text not in index.key_ids and len(tok.text) >= 6:
            keys |= {"p" + tok.text[:4], "s" + tok.text[-4:]}
    found = {k: index.postings(k) for k in keys if index.postings(k) is not None}
    usable = {k: v for k, v in found.items() if len(v) <= MAX_POSTINGS} or dict([min(found.items(), key=lambda kv: len(kv[1]))])
    sums: dict[int, float] = defaultdict(float)
    for key, plist in usable.items():
        for nidx in plist.tolist():
            sums[nidx] += index.kweight[index.key_ids[key]]
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
