"""The qualifier features are declared once (`matcher.CHECKS`): the hot path (`qualifier_values`) and the
explanations (`qualifiers`) run the same table, and give what the features' definitions say."""
from __future__ import annotations

import pytest

from vigil.bench.evalsets import load_negatives, load_un_pairs
from vigil.bench.queries import person_entity
from vigil.matching import ALGORITHMS, DEFAULT_WEIGHTS, Matcher
from vigil.matching import matcher as m
from vigil.matching.scoring import compare_dates


def test_the_weights_are_the_tables():
    assert DEFAULT_WEIGHTS == {"name": 1.0, **{f.name: f.weight for c in m.CHECKS for f in c.features}}
    assert ALGORITHMS["vigil"]["weights"] == DEFAULT_WEIGHTS
    names = [f.name for c in m.CHECKS for f in c.features]
    assert len(names) == len(set(names))
    assert all(f.explanation for c in m.CHECKS for f in c.features)


@pytest.fixture(scope="module")
def pairs(matcher, shared_data):
    """(query, candidate record) pairs from real screening: perturbed UN names and synthetic negatives
    with their birth dates, countries and genders, against the candidates the index finds for them."""
    negatives = load_negatives(shared_data)
    un = load_un_pairs(shared_data)
    out = []
    for row in negatives[:60] + [t for t, _ in un[:120]]:
        q = Matcher.prepare(person_entity(row))
        for eidx in matcher._candidates(q, 20):
            out.append((q, matcher.index.entities[eidx]))
    # identifiers on both sides: an entity's own and another's
    with_ids = [r for r in matcher.index.entities if r.ids][:40]
    for rec, other in zip(with_ids, with_ids[1:] + with_ids[:1]):
        for ids in (rec.ids, other.ids):
            props = {"name": [rec.entity.caption], "idNumber": list(ids.values())}
            q = Matcher.prepare({"schema": rec.entity.schema.name, "properties": props})
            out.append((q, rec))
    return out


def _reference(q, rec, w) -> list[tuple[str, float]]:
    """The features as their definitions state them, written out independently of the table."""
    out = []
    if q.ids and rec.ids:
        out.append(("id_match", w["id_match"]) if set(q.ids) & set(rec.ids) else ("id_mismatch", w["id_mismatch"]))
    if q.dobs and rec.dobs:
        cmp = compare_dates(q.dobs, rec.dobs)
        if cmp is not None:
            out.append(("dob_match", cmp[1] * w["dob_match"]) if cmp[0] == "match" else ("dob_mismatch", w["dob_mismatch"]))
    if q.countries and rec.countries:
        out.append(("country_match", w["country_match"]) if q.countries & rec.countries
                   else ("country_mismatch", w["country_mismatch"]))
    if q.gender in ("male", "female") and rec.gender in ("male", "female") and q.gender != rec.gender:
        out.append(("gender_mismatch", w["gender_mismatch"]))
    return out


@pytest.mark.parametrize("weights", [DEFAULT_WEIGHTS, {**DEFAULT_WEIGHTS, "dob_match": 0.2, "country_mismatch": -0.3}])
def test_hot_path_and_explanations_run_the_same_table(pairs, weights):
    seen = set()
    memos: dict = {}
    for q, rec in pairs:
        quals = m.qualifiers(q, rec, weights, True)
        values = m.qualifier_values(q, rec, weights)
        memo = memos.setdefault(id(q), {})  # one per query, as `Matcher.match` keeps it
        assert values == m.qualifier_values(q, rec, weights, memo)  # the date memo changes nothing
        assert values == [x.strength * x.weight for x in quals]
        assert [(x.feature, x.strength * x.weight) for x in quals] == _reference(q, rec, weights)
        for x in quals:
            seen.add(x.feature)
            assert x.weight == weights[x.feature]
            if x.feature != "dob_match":
                assert x.detail == m.FEATURES[x.feature].explanation
    # the sample exercises every feature of the table
    assert seen == set(m.FEATURES)


def test_without_a_name_only_identifiers_count(pairs):
    for q, rec in pairs:
        quals = m.qualifiers(q, rec, DEFAULT_WEIGHTS, False)
        if not q.ids:
            assert quals == []
