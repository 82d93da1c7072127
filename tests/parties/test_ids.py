"""Stable party ids: kept while members overlap, never reused, the same on a fresh database."""
from __future__ import annotations

from vigil.parties.ids import assign, new_id


def test_fresh_ids_are_deterministic_and_distinct():
    first = assign([["gb-hmt-6965", "ofac-6366"], ["ofac-1"]], {}, {}, set())
    again = assign([["gb-hmt-6965", "ofac-6366"], ["ofac-1"]], {}, {}, set())
    assert first.ids == again.ids and len(set(first.ids)) == 2
    assert all(pid.startswith("vp-") and len(pid) == 13 for pid in first.ids)
    assert first.created == set(first.ids) and not first.kept


def test_a_taken_id_is_never_given_out_again():
    pid = new_id("ofac-1", set())
    assert new_id("ofac-1", {pid}) != pid


def test_ids_survive_growth_shrinking_and_reordering():
    before = assign([["a", "b"], ["c"]], {}, {}, set())
    previous = {"a": before.ids[0], "b": before.ids[0], "c": before.ids[1]}
    age = {before.ids[0]: 1, before.ids[1]: 2}
    after = assign([["c"], ["a", "b", "d"]], previous, age, set(age))
    assert after.ids == [before.ids[1], before.ids[0]] and not after.created and not after.retired
    shrunk = assign([["b"], ["c"]], previous, age, set(age))  # a delisted
    assert shrunk.ids == [before.ids[0], before.ids[1]]


def test_a_split_leaves_the_id_with_the_larger_part():
    previous = {"a": "vp-1", "b": "vp-1", "c": "vp-1"}
    out = assign([["c"], ["a", "b"]], previous, {"vp-1": 1}, {"vp-1"})
    assert out.ids[1] == "vp-1" and out.ids[0] in out.created


def test_a_merge_keeps_the_older_id_and_retires_the_other_with_a_successor():
    previous = {"a": "vp-old", "b": "vp-new"}
    out = assign([["a", "b"]], previous, {"vp-old": 1, "vp-new": 2}, {"vp-old", "vp-new"})
    assert out.ids == ["vp-old"] and out.retired == {"vp-new": "vp-old"}


def test_a_party_whose_records_all_left_is_retired_without_successor():
    out = assign([["b"]], {"a": "vp-1", "b": "vp-2"}, {"vp-1": 1, "vp-2": 2}, {"vp-1", "vp-2"})
    assert out.ids == ["vp-2"] and out.retired == {"vp-1": None}
