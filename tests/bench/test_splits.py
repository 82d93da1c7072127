"""Tuning / held-out halves: stable, content-keyed, disjoint, and roughly even on the real sets."""
import hashlib

from vigil.bench import evalsets, splits
from vigil.bench.splits import HELD_OUT, TUNING, entity_check_key, name_case_key, partition, split_of


def test_split_is_the_documented_hash():
    for key in ("Person|Olaf Scholze|Olaf Scholz", "ofac:ofac-12111", "uk:gb-hmt-10661"):
        odd = hashlib.sha256(f"vigil-split-v1|{key}".encode()).digest()[0] & 1
        assert split_of(key) == (HELD_OUT if odd else TUNING)
        assert split_of(key) == split_of(key)


def test_name_bench_halves_are_disjoint_and_balanced(shared_data):
    cases = evalsets.load_name_bench(shared_data)
    halves = partition(cases, lambda c: name_case_key(c.schema, c.name1, c.name2))
    assert len(halves[HELD_OUT]) + len(halves[TUNING]) == len(cases) == 826
    assert 0.4 < len(halves[HELD_OUT]) / len(cases) < 0.6
    for half in halves.values():  # both labels in both halves
        assert 0.35 < sum(c.is_match for c in half) / len(half) < 0.65
    # A case's half depends on its content only: the same case in another order, same half.
    assert partition(list(reversed(cases)), lambda c: name_case_key(c.schema, c.name1, c.name2))[HELD_OUT] == \
        list(reversed(halves[HELD_OUT]))


def test_entity_checks_halves(shared_data):
    checks = evalsets.load_entity_checks(shared_data)
    halves = partition(checks, lambda c: entity_check_key(c.schema, c.query, c.candidate))
    assert len(halves[HELD_OUT]) + len(halves[TUNING]) == 228
    assert min(len(h) for h in halves.values()) > 80
