"""The store's relations: extracted per latest snapshot, kept apart from the entities, counted apart."""
from __future__ import annotations

from vigil.model import Entity
from vigil.sources.base import Publication


def _pub(*notes_of_alavi: str) -> Publication:
    mois = Entity("Organization", id="ofac-12111", properties={"name": ["IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY"]})
    alavi = Entity("Person", id="ofac-30422", properties={"name": ["ALAVI, Mahmoud"], "notes": list(notes_of_alavi)})
    return Publication("us_ofac_sdn", [mois, alavi])


def test_relations_are_stored_apart_and_follow_the_latest_snapshot(store):
    store.attach_relations()  # extracted after each ingest (the front ends attach it; else on first use)
    store.ingest(_pub("Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY (ofac-12111)",
                      "Member of the Basque Fatherland Group."))
    (rel,) = store.relations("ofac-12111")
    assert rel.schema.name == "UnknownLink" and rel.get("subject") == ["ofac-30422"]
    assert [r.id for r in store.relations("ofac-30422")] == [rel.id]
    everything = store.relations("ofac-30422", resolved_only=False)
    assert {r.schema.name for r in everything} == {"UnknownLink", "Membership"}
    # never an entity, never a screening candidate, counted apart
    assert {e.id for e in store.entities()} == {"ofac-12111", "ofac-30422"} and store.count() == 2
    counts = store.relation_counts(by_schema=True)["us_ofac_sdn"]
    assert (counts.count, counts.resolved) == (2, 1) and counts.by_schema["UnknownLink"] == [1, 1]
    # a new publication without the link: the relation goes with it
    store.ingest(_pub("DOB 24 Apr 1954."))
    assert store.relations("ofac-12111") == [] and store.relation_counts()["us_ofac_sdn"].count == 0


def test_older_rules_are_re_extracted_on_first_use(store, monkeypatch):
    from vigil.store import relations

    store.ingest(_pub("Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY (ofac-12111)"))
    assert list(relations.pending(store).values()) == ["us_ofac_sdn"]  # no hook: not yet extracted
    assert len(store.relations("ofac-12111")) == 1 and relations.pending(store) == {}  # first use did it
    monkeypatch.setattr(relations, "EXTRACTOR_VERSION", "test-newer")
    assert list(relations.pending(store).values()) == ["us_ofac_sdn"]
    store._relations_checked = None
    assert len(store.relations("ofac-12111")) == 1 and relations.pending(store) == {}


def test_graph_follows_the_store(store):
    from vigil.service.graph import graph_for

    store.ingest(_pub("Linked To: IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY (ofac-12111)"))
    graph = graph_for(store)
    assert graph.neighbours("ofac-12111") == ["ofac-30422"]
    (edge,) = graph.of("ofac-30422")
    assert edge.label("ofac-30422") == "Linked To" and edge.label("ofac-12111") == "Linked From"
    assert graph_for(store) is graph  # cached until a list changes
    store.ingest(_pub("DOB 24 Apr 1954."))
    assert graph_for(store).of("ofac-30422") == []
