"""The versioned store on hand-built publications: snapshots, no-op re-ingest, diffs, history, atomicity."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from vigil.model import Entity
from vigil.sources.base import IngestError, Publication
from vigil.store import NotFound, StoreError


def mois(**extra) -> Entity:
    e = Entity("Organization", id="ofac-12111", properties={
        "name": ["IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY"],
        "alias": ["VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR"],
        "weakAlias": ["MOIS", "VEVAK"],
        "program": ["SDGT", "IRAN-HR"],
    }, source="sdn.csv#12111")
    for prop, values in extra.items():
        e.add(prop, values)
    return e


def alavi() -> Entity:
    return Entity("Person", id="ofac-30422", properties={"name": ["ALAVI, Mahmoud"], "birthDate": ["1954-04-24"]})


def soleimani() -> Entity:
    return Entity("Person", id="ofac-10481", properties={"name": ["SOLEIMANI, Qasem"], "alias": ["SOLEYMANI, Ghasem"]})


def pub(*entities: Entity, dataset: str = "us_ofac_sdn", checksum: str = "", published=None) -> Publication:
    return Publication(dataset, list(entities), published=published, checksum=checksum)


def test_snapshots_and_noop_reingest(store):
    first = store.ingest(pub(mois(), alavi(), published=datetime(2024, 5, 3, tzinfo=timezone.utc)))
    assert first.created and first.snapshot.entity_count == 2
    assert first.diff_summary == {"added": 2, "removed": 0, "changed": 0}

    again = store.ingest(pub(mois(), alavi()))
    assert again.status == "unchanged" and again.snapshot is None and again.previous.id == first.snapshot.id
    assert len(store.snapshots("us_ofac_sdn")) == 1

    [info] = store.datasets()
    assert (info.name, info.entity_count, info.snapshots) == ("us_ofac_sdn", 2, 1)
    assert info.published.startswith("2024-05-03")
    assert info.title.startswith("US OFAC")
    assert [i["result"] for i in store.ingests()] == ["unchanged", "created"]


def test_same_checksum_is_noop_and_same_content_is_no_snapshot(store):
    store.ingest(pub(mois(), checksum="abc"))
    assert store.ingest(pub(mois(), checksum="abc")).status == "unchanged"
    # Other files (another checksum) with identical content after parsing add no (empty) snapshot.
    later = store.ingest(pub(mois(), checksum="def"))
    assert later.status == "unchanged" and later.snapshot is None
    assert later.message == f"other files, same content as snapshot {later.previous.id}"
    assert store.datasets()[0].snapshots == 1
    assert store.ingests(limit=1)[0]["result"] == "unchanged"
    changed = store.ingest(pub(mois(alias="MINISTRY OF INTELLIGENCE"), checksum="ghi"))
    assert changed.created and changed.diff_summary == {"added": 0, "removed": 0, "changed": 1}


def test_diff_added_removed_changed_with_properties(store):
    s1 = store.ingest(pub(mois(), alavi())).snapshot
    # one of two entities removed: far above the shrink guard's 10 %, confirmed
    s2 = store.ingest(pub(mois(alias="MINISTRY OF INTELLIGENCE"), soleimani()), allow_shrink=True).snapshot
    d = store.diff("us_ofac_sdn")
    assert (d.from_snapshot.id, d.to_snapshot.id) == (s1.id, s2.id)
    assert [e.id for e in d.added] == ["ofac-10481"]
    assert [e.id for e in d.removed] == ["ofac-30422"] and d.removed[0].caption == "ALAVI, Mahmoud"
    [changed] = d.changed
    assert changed.id == "ofac-12111"
    assert changed.properties == {"alias": {"added": ["MINISTRY OF INTELLIGENCE"], "removed": []}}
    # Any two snapshots, either direction.
    back = store.diff("us_ofac_sdn", from_snapshot=s2.id, to_snapshot=s1.id)
    assert [e.id for e in back.added] == ["ofac-30422"] and [e.id for e in back.removed] == ["ofac-10481"]
    assert back.changed[0].properties == {"alias": {"added": [], "removed": ["MINISTRY OF INTELLIGENCE"]}}
    # The first snapshot diffs against nothing.
    first = store.diff("us_ofac_sdn", to_snapshot=s1.id)
    assert first.from_snapshot is None and len(first.added) == 2
    with pytest.raises(NotFound, match="no dataset 'nope'"):
        store.diff("nope")
    with pytest.raises(NotFound, match="snapshot 999"):
        store.diff("us_ofac_sdn", from_snapshot=999)


def test_value_order_is_not_a_change(store):
    store.ingest(pub(mois()))
    reordered = mois()
    reordered.properties["weakAlias"] = ["VEVAK", "MOIS"]
    result = store.ingest(pub(reordered, checksum="other-file"))
    assert result.diff_summary["changed"] == 0


def test_entities_carry_first_seen_last_seen_last_change(store):
    s1 = store.ingest(pub(mois(), alavi())).snapshot
    s2 = store.ingest(pub(mois(alias="MINISTRY OF INTELLIGENCE"), alavi())).snapshot
    s3 = store.ingest(pub(mois(alias="MINISTRY OF INTELLIGENCE"), alavi(), soleimani())).snapshot
    ents = {e.id: e for e in store.entities()}
    assert list(ents) == sorted(ents)
    m = ents["ofac-12111"]
    assert (m.first_seen, m.last_change, m.last_seen) == (s1.ingested_at, s2.ingested_at, s3.ingested_at)
    a = ents["ofac-30422"]
    assert (a.first_seen, a.last_change, a.last_seen) == (s1.ingested_at, s1.ingested_at, s3.ingested_at)
    assert ents["ofac-10481"].first_seen == s3.ingested_at
    assert "MOIS" in m.get("weakAlias") and m.source == "sdn.csv#12111" and m.datasets == ["us_ofac_sdn"]
    assert store.entity("ofac-12111").get("alias") == m.get("alias")
    assert store.entity("nope") is None
    assert store.count() == 3


def test_removed_then_readded_keeps_first_seen(store):
    s1 = store.ingest(pub(mois(), alavi())).snapshot
    store.ingest(pub(mois()), allow_shrink=True)
    s3 = store.ingest(pub(mois(), alavi())).snapshot
    a = store.entity("ofac-30422")
    assert a.first_seen == s1.ingested_at and a.last_change == s3.ingested_at
    kinds = [(c.kind, c.snapshot) for c in store.history("ofac-30422")]
    assert kinds == [("added", s1.id), ("removed", s1.id + 1), ("added", s3.id)]


def test_history_of_an_entity(store):
    s1 = store.ingest(pub(mois())).snapshot
    s2 = store.ingest(pub(mois(alias="MINISTRY OF INTELLIGENCE"))).snapshot
    history = store.history("ofac-12111")
    assert [(c.kind, c.snapshot) for c in history] == [("added", s1.id), ("changed", s2.id)]
    assert history[1].properties == {"alias": {"added": ["MINISTRY OF INTELLIGENCE"], "removed": []}}
    assert store.history("nope") == []


def test_an_id_in_two_datasets_is_merged(store):
    store.ingest(pub(mois()))
    cons = Entity("Organization", id="ofac-12111", properties={"name": ["IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY"],
                                                                 "program": ["NS-PLC"]})
    store.ingest(pub(cons, dataset="us_ofac_cons"))
    [merged] = list(store.entities())
    assert set(merged.datasets) == {"us_ofac_cons", "us_ofac_sdn"}
    assert set(merged.get("program")) == {"SDGT", "IRAN-HR", "NS-PLC"}
    assert [e.id for e in store.entities(["us_ofac_cons"])] == ["ofac-12111"]
    assert store.entities(["us_ofac_cons"]).__next__().get("program") == ["NS-PLC"]


def test_invalid_publications_write_nothing(store):
    store.ingest(pub(mois(), alavi()))
    before = [d.to_dict() for d in store.datasets()]
    with pytest.raises(IngestError, match="no entities"):
        store.ingest(pub())
    with pytest.raises(IngestError, match="has no id"):
        store.ingest(pub(Entity("Person", properties={"name": ["X"]})))
    with pytest.raises(IngestError, match="invalid dataset name"):
        store.ingest(pub(mois(), dataset="Bad Name!"))
    assert [d.to_dict() for d in store.datasets()] == before
    assert [i["result"] for i in store.ingests()][:3] == ["failed"] * 3


def test_duplicate_ids_in_one_publication_are_merged(store):
    extra = Entity("Organization", id="ofac-12111", properties={"alias": ["MOIS HQ"]})
    store.ingest(pub(mois(), extra))
    assert "MOIS HQ" in store.entity("ofac-12111").get("alias")


def test_database_failure_midway_rolls_back_and_keeps_previous_snapshot(store):
    store.ingest(pub(mois(), alavi()))
    before = ([d.to_dict() for d in store.datasets()], [e.to_dict() for e in store.entities()])

    def explode(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO SNAPSHOT_ENTITIES"):
            raise sa.exc.OperationalError(statement, None, Exception("disk full"))

    event.listen(store.engine, "before_cursor_execute", explode)
    try:
        with pytest.raises(StoreError, match="nothing was changed"):
            store.ingest(pub(mois(alias="NEW"), soleimani()), allow_shrink=True)
    finally:
        event.remove(store.engine, "before_cursor_execute", explode)
    after = ([d.to_dict() for d in store.datasets()], [e.to_dict() for e in store.entities()])
    assert after == before
    with store.engine.connect() as conn:  # the new versions were rolled back too
        assert conn.scalar(sa.text("select count(*) from entity_versions")) == 2
    assert store.ingests()[0]["result"] == "failed"


def test_on_ingest_hooks_see_every_result(store):
    seen = []
    store.on_ingest.append(lambda r: seen.append((r.dataset, r.status)))
    store.ingest(pub(mois()))
    store.ingest(pub(mois()))
    with pytest.raises(IngestError):
        store.ingest(pub())
    assert seen == [("us_ofac_sdn", "created"), ("us_ofac_sdn", "unchanged"), ("us_ofac_sdn", "failed")]


def test_ingest_file_parse_error_is_logged(store, tmp_path):
    bad = tmp_path / "consolidated.xml"
    bad.write_text("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATA")
    with pytest.raises(IngestError):
        store.ingest_file("un", bad)
    [entry] = store.ingests()
    assert entry["result"] == "failed" and entry["dataset"] == "un_sc_sanctions" and str(bad) in entry["files"]


def test_identical_file_is_not_even_parsed(store, fixtures, monkeypatch):
    sample = fixtures / "eu" / "fsf_sample.xml"
    first = store.ingest_file("eu", sample)
    assert first.created

    import vigil.sources as sources

    def no_parse(*a, **k):
        raise AssertionError("identical input must not be parsed again")

    monkeypatch.setattr(sources, "parse", no_parse)
    again = store.ingest_file("eu", sample)
    assert again.status == "unchanged" and again.previous.id == first.snapshot.id
    monkeypatch.undo()
    forced = store.ingest_file("eu", sample, force=True)  # parsed again, but the same content adds no snapshot
    assert forced.status == "unchanged" and forced.parse_seconds > 0 and len(store.snapshots("eu_fsf")) == 1
