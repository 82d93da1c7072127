"""Upper bounds skip candidates that cannot score; with and without them the results are the same.

The comparison runs on real queries against all lists: synthetic negatives and perturbed UN names with
their details (as `vigil bench` screens them), the same names alone, and the must-find names.
"""
from __future__ import annotations

import json

import pytest

from vigil.bench.evalsets import load_negatives, load_un_pairs
from vigil.bench.queries import person_entity
from vigil.matching import Matcher, bounds, native
from vigil.matching import matcher as matcher_module
from vigil.matching.matcher import name_alignment
from vigil.matching.names import make_token, name_tokens
from vigil.matching.scoring import DEFAULT_CONFIG, align, merge_acronym, merge_compounds

MUST_FIND = [
    ("Person", "قاسم سلیمانی"), ("Person", "Ghasem Soleimani"), ("Person", "محمود علوی"), ("Person", "Mahmood Alavi"),
    ("Organization", "Ministry of Intelligence and Security of Iran"), ("Organization", "VEVAK"),
    ("Organization", "Hizbullah"), ("LegalEntity", "Hizbullah"), ("Person", "Nasr Allah Hassan"),
    ("Organization", "IRGC"), ("Organization", "Islamic Revolutionary Guard Corps"),
    # country and state words set aside, an own acronym, dropped particles, a pet form (issue 15)
    ("Organization", "Ministry of Intelligence and Security"), ("Organization", "Iran's Ministry of Intelligence"),
    ("Organization", "Bank Melli Iran Armenia"), ("Organization", "Islamic Revolutionary Guard Corps IRGC"),
    ("Organization", "Lebanese Hizballah"), ("Organization", "Ministry of Defense of the Islamic Republic of Iran"),
    ("Person", "Al Green"), ("Person", "Joe Wilson"), ("LegalEntity", "Syrian Arab Airlines"),
]


@pytest.fixture(scope="module")
def queries(shared_data):
    negatives = load_negatives(shared_data)
    un = load_un_pairs(shared_data)
    rows = negatives[:120] + negatives[1000:1080] + [treated for treated, _ in un[:150]]
    out = [person_entity(r) for r in rows]
    out += [person_entity(r, with_details=False) for r in negatives[200:260] + [u for _, u in un[300:360]]]
    out += [{"schema": s, "properties": {"name": [n]}} for s, n in MUST_FIND]
    return out


def _run(matcher, queries, prune: bool, counts: list[int] | None = None, **kw):
    """Each response as comparable values; `counts` gets the candidates scored in full added."""
    previous = matcher.prune
    matcher.prune = prune
    try:
        out = []
        for q in queries:
            resp = matcher.match(q, **kw)
            if counts is not None:
                counts[0] += resp.scored
            out.append((resp.total, [(r.entity.id, r.score, r.match, json.dumps(r.to_dict()["explanations"], sort_keys=True))
                                     for r in resp.results]))
        return out
    finally:
        matcher.prune = previous


def _differences(a, b) -> list[int]:
    bad = []
    for i, ((ta, ra), (tb, rb)) in enumerate(zip(a, b)):
        same = ta == tb and len(ra) == len(rb) and all(
            x[0] == y[0] and abs(x[1] - y[1]) <= 1e-9 and x[2] == y[2] and x[3] == y[3] for x, y in zip(ra, rb))
        if not same:
            bad.append(i)
    return bad


@pytest.mark.parametrize("limit", [5, 50])
def test_pruning_changes_no_result(matcher, queries, limit):
    scored_full, scored_pruned = [0], [0]
    full = _run(matcher, queries, prune=False, counts=scored_full, limit=limit, threshold=0.7)
    pruned = _run(matcher, queries, prune=True, counts=scored_pruned, limit=limit, threshold=0.7)
    assert _differences(full, pruned) == []
    # ... and the bounds did skip most candidates (else this compared nothing).
    assert scored_pruned[0] < 0.6 * scored_full[0], (scored_pruned, scored_full)
    assert sum(len(r) for _, r in full) > len(queries)  # results to compare, not empty lists


def test_the_comparison_catches_a_bound_that_is_too_low(matcher, queries, monkeypatch, rerun_in_pure_python):
    if native.MODE == "compiled":
        # Compiled modules call each other directly: the patch below needs the Python code.
        rerun_in_pure_python()
        return
    original = bounds.align_bound
    monkeypatch.setattr(bounds, "align_bound", lambda *a: original(*a) * 0.6)
    subset = queries[:150]
    assert _differences(_run(matcher, subset, False), _run(matcher, subset, True))


def test_requests_with_other_factors_are_scored_in_full(matcher, queries):
    config = {"substitution_factor": 1.2} if "substitution_factor" in DEFAULT_CONFIG else {"conflict_factor": 1.2}
    assert not bounds.usable({**DEFAULT_CONFIG, **config}, {"name": 1.0})
    assert not bounds.usable(DEFAULT_CONFIG, {"name": -1.0})
    assert bounds.usable(DEFAULT_CONFIG, {"name": 1.0})
    subset = queries[:60]
    assert _differences(_run(matcher, subset, False, config=config), _run(matcher, subset, True, config=config)) == []


def _name_pairs(matcher, queries, per_query: int = 20):
    index = matcher.index
    for q in queries:
        prepared = matcher.prepare(q)
        for nidx in index.candidates([t for _, t in prepared.names], per_query):
            for _, qtoks in prepared.names:
                yield qtoks, index.names[nidx].tokens


def test_align_bound_is_never_below_the_alignment(matcher, queries):
    index = matcher.index
    checked = 0
    for qtoks, ctoks in _name_pairs(matcher, queries[:250]):
        ub = bounds.align_bound(qtoks, ctoks, index.part_weights(qtoks), index.part_weights(ctoks), DEFAULT_CONFIG)
        for org in (False, True):
            score = align(qtoks, ctoks, DEFAULT_CONFIG, index.weigh, org).score
            assert ub >= score - 1e-12, ([t.text for t in qtoks], [t.text for t in ctoks], org, ub, score)
        checked += 1
    assert checked > 2000


HAND_PAIRS = [
    ("Nasr Allah", "Nasrallah", "person"), ("Hasan Nasr Allah", "Hassan Nasrallah", "person"),
    ("van den Berg Holding", "Vandenberg Holding", "org"), ("Abdul Rahman Yasin", "Abdulrahman Yasin", "person"),
    ("IRGC", "Islamic Revolutionary Guard Corps", "org"), ("JP Morgan", "Jean Pierre Morgan", "person"),
    ("Al Qaida", "Alqaida", "org"), ("Bin Laden Osama", "Osama Binladen", "person"),
    ("Ndrangheta", "Andrang Heta", "org"), ("U S Bank", "US Bank", "org"),
]


def test_alternatives_are_found_whenever_the_alignment_tries_them(matcher, queries):
    """The cheap pre-checks never miss a joined compound or an acronym that `merge_*` would make."""
    pairs = list(_name_pairs(matcher, queries, per_query=10))
    pairs += [(name_tokens(a, kind), name_tokens(b, kind)) for a, b, kind in HAND_PAIRS]
    pairs += [(b, a) for a, b in pairs]
    made = 0
    for a, b in pairs:
        if merge_compounds(a, b, make_token) is not None:
            made += 1
            assert bounds.compound_possible(a, b), ([t.text for t in a], [t.text for t in b])
        for person in (True, False):
            if merge_acronym(a, b, make_token, person) is not None:
                made += 1
                assert bounds.acronym_possible(a, b), ([t.text for t in a], [t.text for t in b])
    assert made >= 5
    # The name-level bound (base alignment and every alternative) is never below name_alignment.
    index = matcher.index
    for a, b in pairs:
        for org in (False, True):
            s = name_alignment(a, b, DEFAULT_CONFIG, index.weigh, org)[1]
            ub = bounds.align_bound(a, b, index.part_weights(a), index.part_weights(b), DEFAULT_CONFIG)
            for qt, ct, is_acronym in bounds.alternatives(a, b, org):
                alt = bounds.align_bound(qt, ct, index.part_weights(qt), index.part_weights(ct), DEFAULT_CONFIG)
                ub = max(ub, alt * DEFAULT_CONFIG["acronym_factor"] if is_acronym else alt)
            assert ub >= s - 1e-12, ([t.text for t in a], [t.text for t in b], org, ub, s)


def test_prune_follows_the_environment_unless_given(matcher, queries, monkeypatch):
    """VIGIL_MATCH_PRUNE=0 (read at import into PRUNE_DEFAULT) turns the bounds off for matchers
    built without `prune=`."""
    previous = matcher.prune
    matcher.prune = None
    try:
        counts = {}
        for default in (False, True):
            monkeypatch.setattr(matcher_module, "PRUNE_DEFAULT", default)
            counts[default] = sum(matcher.match(q).scored for q in queries[:80])
    finally:
        matcher.prune = previous
    assert counts[True] < counts[False]
    assert Matcher([], prune=False).prune is False and Matcher([]).prune is None
