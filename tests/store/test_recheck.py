"""`recheck` (what `vigil update --force` and `vigil ingest --force` use): identical files are parsed and
validated again, but a snapshot is stored only when the parsed content differs."""
from __future__ import annotations

import pytest

import vigil.sources.eu as eu
from vigil.sources import IngestError


def test_recheck_parses_again_but_stores_only_new_content(store, fixtures, monkeypatch):
    sample = fixtures / "eu" / "fsf_sample.xml"
    first = store.ingest_file("eu", sample)
    assert first.created

    original = eu.parse
    calls = []
    monkeypatch.setattr(eu, "parse", lambda path, **kw: calls.append(path) or original(path, **kw))
    plain = store.ingest_file("eu", sample)
    assert plain.status == "unchanged" and calls == []  # identical bytes: not even parsed
    again = store.ingest_file("eu", sample, recheck=True)
    assert again.status == "unchanged" and len(calls) == 1  # parsed and validated; same content: no snapshot
    assert again.previous.id == first.snapshot.id and again.parse_seconds > 0
    assert [s.id for s in store.snapshots("eu_fsf")] == [first.snapshot.id]
    assert store.ingests(limit=1)[0]["message"] == f"re-read; content identical to snapshot {first.snapshot.id}"

    # A parser "upgrade" that reads one more value from the same file.
    changed_id = original(sample).entities[0].id

    def upgraded(path, **kw):
        pub = original(path, **kw)
        pub.entities[0].add("notes", "read by a newer parser")
        return pub

    monkeypatch.setattr(eu, "parse", upgraded)
    assert store.ingest_file("eu", sample).status == "unchanged"  # without recheck the upgrade is not seen
    new = store.ingest_file("eu", sample, recheck=True)
    assert new.created and new.diff_summary == {"added": 0, "removed": 0, "changed": 1}
    assert new.snapshot.checksum == first.snapshot.checksum  # same file, other content
    assert "read by a newer parser" in store.entity(changed_id).get("notes")
    assert store.ingest_file("eu", sample, recheck=True).status == "unchanged"  # and only once
    assert len(store.snapshots("eu_fsf")) == 2


def test_recheck_still_refuses_bad_input(store, fixtures):
    assert store.ingest_file("eu", fixtures / "eu" / "fsf_sample.xml").created
    with pytest.raises(IngestError):
        store.ingest_file("eu", fixtures / "hostile" / "truncated_un.xml", recheck=True)
    assert len(store.snapshots("eu_fsf")) == 1 and store.ingests(limit=1)[0]["result"] == "failed"
