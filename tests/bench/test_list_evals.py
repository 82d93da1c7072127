"""The evaluations built from the lists: alias holdout (OFAC) and cross-list (UK → UN), and the
yente-like logic-v2 pipeline beside them."""
import pytest

from vigil.bench import alias_holdout, cross_list
from vigil.bench.keys import name_key
from vigil.bench.listeval import Case, Tally
from vigil.bench.splits import HELD_OUT, TUNING, split_of
from vigil.model import Entity


def test_alias_holdout_draw_is_fixed_disjoint_and_removes_the_alias(list_entities):
    held = alias_holdout.draw(list_entities, HELD_OUT, 50)
    again = alias_holdout.draw(list_entities, HELD_OUT, 50)
    tuning = alias_holdout.draw(list_entities, TUNING, 50)
    assert [(e.id, a) for e, a in held] == [(e.id, a) for e, a in again]  # fixed seed
    assert len(held) >= 45 and not {e.id for e, _ in held} & {e.id for e, _ in tuning}
    for entity, alias in held:
        assert "us_ofac_sdn" in entity.datasets and split_of(f"ofac:{entity.id}") == HELD_OUT
        assert alias in entity.names and alias not in entity.get("name")
        reduced = alias_holdout.without(entity, alias)
        assert alias not in reduced.names and reduced.names  # the entity keeps its other names
        assert name_key(alias) not in {name_key(n) for n in reduced.names}  # nothing left that equals it
        assert alias in entity.names  # the list's own entity is untouched


def test_cross_list_cases_name_un_entries_by_other_spellings(list_entities):
    cases = cross_list.build_cases(list_entities, HELD_OUT)
    un = {e.id: e for e in list_entities if "un_sc_sanctions" in e.datasets}
    assert len(cases) > 50
    for case in cases:
        assert case.targets and case.targets <= set(un)
        name = case.query.first("name")
        assert name_key(name) not in {name_key(n) for t in case.targets for n in un[t].names}
    # non-Latin names of UK groups are among the queries
    assert any(not case.query.first("name").isascii() for case in cases)


def test_tally_causes():
    a, b = Entity("Person", id="a", properties={"name": ["A"]}), Entity("Person", id="b", properties={"name": ["B"]})
    case = Case(a, frozenset(["a"]), "a")
    tally = Tally()
    tally.add(case, [(0.9, a), (0.8, b)])  # top-1
    tally.add(case, [(0.9, b), (0.8, a)])  # top-3, wrong entity first
    tally.add(case, [(0.6, a)])  # below the threshold
    tally.add(case, [(0.9, b)])  # not retrieved
    assert (tally.n, tally.top1, tally.top3) == (4, 1, 2)
    assert dict(tally.causes) == {"wrong entity": 1, "threshold": 1, "retrieval": 1}


def test_yente_like_pipeline_ranks_logic_v2_scores(list_entities):
    pytest.importorskip("nomenklatura")
    from vigil.bench.pipeline import YenteLike

    un = [e for e in list_entities if "un_sc_sanctions" in e.datasets]
    pipeline = YenteLike(un)
    target = next(e for e in un if e.schema.name == "Person" and len(e.get("name")[0].split()) >= 3)
    query = Entity("Person", id="q", properties={"name": [target.get("name")[0]]})
    ranked = pipeline.rank(query)
    assert ranked and ranked[0][1].id == target.id and ranked[0][0] >= 0.7
    assert [s for s, _ in ranked] == sorted((s for s, _ in ranked), reverse=True)
    assert all(e.schema.name in ("Person", "LegalEntity") for _, e in ranked)
