"""Attack: replace a list with a tiny (or re-typed) publication. The shrink guard refuses it, stores nothing,
logs the refusal, and tells the hooks "refused" (which audit it and never rescreen); identical content in
other bytes adds no snapshot."""
from __future__ import annotations

import shutil

import pytest

from vigil.model import Entity
from vigil.settings import Settings
from vigil.sources.base import Publication
from vigil.store import ShrinkRefused, Store


def people(n: int, schema: str = "Person", start: int = 0) -> list[Entity]:
    return [Entity(schema, id=f"ofac-{i}", properties={"name": [f"NAME {i}"]}) for i in range(start, start + n)]


def pub(entities, checksum: str) -> Publication:
    return Publication("us_ofac_sdn", entities, checksum=checksum)


def test_a_shrink_beyond_the_limit_is_refused_and_nothing_changes(store):
    seen = []
    store.on_ingest.append(lambda r: seen.append((r.status, r.refusal)))
    first = store.ingest(pub(people(100), "a"))
    assert first.created
    assert store.ingest(pub(people(90), "b")).created  # exactly 10 %: allowed
    with pytest.raises(ShrinkRefused) as info:
        store.ingest(pub(people(80), "c"))  # 10 of 90 more: 11.1 %
    err = info.value
    assert (err.before, err.after, err.removed) == (90, 80, 10)
    assert "would remove 10 of the 90 entities" in str(err) and "--allow-shrink" in str(err)
    assert "\n" not in str(err)
    assert len(store.snapshots("us_ofac_sdn")) == 2 and store.count() == 90  # data intact
    log = store.ingests(limit=1)[0]
    assert log["result"] == "refused" and "11.1%" in log["message"]
    assert seen[-1][0] == "refused" and seen[-1][1]["removed"] == 10
    confirmed = store.ingest(pub(people(80), "c"), allow_shrink=True)
    assert confirmed.created and confirmed.diff_summary["removed"] == 10 and store.count() == 80


def test_a_re_typed_list_is_refused_as_a_schema_mix_change(store):
    store.ingest(pub(people(60) + people(60, "Organization", start=100), "a"))
    # same ids, same count, but every Person became a Vessel: nothing "removed", the mix changed
    with pytest.raises(ShrinkRefused, match="re-type 60 of the 60 Person entities") as info:
        store.ingest(pub(people(60, "Vessel") + people(60, "Organization", start=100), "b"))
    assert info.value.removed == 0 and info.value.schema == ("Person", 60, 60)
    assert {e.schema.name for e in store.entities()} == {"Person", "Organization"}
    # a schema below SCHEMA_GUARD_MIN entities may change freely (a dozen vessels losing two is normal)
    store.ingest(pub(people(60) + people(60, "Organization", start=100) + people(10, "Vessel", start=200), "c"))
    assert store.ingest(pub(people(60) + people(60, "Organization", start=100) + people(6, "Vessel", start=200),
                            "d")).created


def test_the_limit_is_a_setting(tmp_path):
    settings = Settings.from_env({"VIGIL_HOME": str(tmp_path), "VIGIL_SHRINK_LIMIT": "0.5"})
    store = Store(settings=settings)
    assert store.shrink_limit == 0.5
    store.ingest(pub(people(10), "a"))
    assert store.ingest(pub(people(6), "b")).created  # 40 % <= 50 %
    with pytest.raises(ShrinkRefused, match="limit 50%"):
        store.ingest(pub(people(2), "c"))
    assert Store(settings=Settings.from_env({"VIGIL_HOME": str(tmp_path), "VIGIL_SHRINK_LIMIT": "1"})).ingest(
        pub(people(1), "d")).created  # 1: no guard


def _one_entity_ofac(shared_data, folder):
    """The first entry of the real SDN list, with its addresses and aliases: a well-formed one-entity OFAC file."""
    folder.mkdir()
    sdn = (shared_data / "ofac_sdn" / "sdn.csv").read_bytes().splitlines(keepends=True)
    (folder / "sdn.csv").write_bytes(sdn[0])
    number = sdn[0].split(b",", 1)[0] + b","
    for name in ("add.csv", "alt.csv"):
        lines = (shared_data / "ofac_sdn" / name).read_bytes().splitlines(keepends=True)
        (folder / name).write_bytes(b"".join(line for line in lines if line.startswith(number)))
    return folder


def test_real_sdn_then_a_one_entity_file_is_refused(tmp_path, shared_data):
    store = Store(f"sqlite:///{tmp_path / 'real.db'}", shrink_limit=0.10)
    full = store.ingest_file("ofac", shared_data / "ofac_sdn")
    assert full.created and full.entity_count > 14000
    with pytest.raises(ShrinkRefused) as info:
        store.ingest_file("ofac", _one_entity_ofac(shared_data, tmp_path / "one"))
    assert info.value.after == 1 and info.value.removed == full.entity_count - 1
    assert f"would remove {full.entity_count - 1:,} of the {full.entity_count:,} entities" in str(info.value)
    assert store.count() == full.entity_count and len(store.snapshots("us_ofac_sdn")) == 1
    assert store.ingests(limit=1)[0]["result"] == "refused"


def test_byte_different_file_with_identical_content_adds_no_snapshot(tmp_path, shared_data):
    store = Store(f"sqlite:///{tmp_path / 'un.db'}")
    original = shared_data / "un" / "consolidated.xml"
    first = store.ingest_file("un", original)
    assert first.created
    copy = tmp_path / "un" / "consolidated.xml"
    copy.parent.mkdir()
    raw = original.read_bytes()
    end = raw.rindex(b"</CONSOLIDATED_LIST>")
    copy.write_bytes(raw[:end] + b"\n<!-- re-saved by a mirror -->\n" + raw[end:] + b"\n\n")
    again = store.ingest_file("un", copy)
    assert again.status == "unchanged" and again.snapshot is None
    assert again.message == f"other files, same content as snapshot {first.snapshot.id}"
    assert len(store.snapshots("un_sc_sanctions")) == 1
    shutil.rmtree(copy.parent)
