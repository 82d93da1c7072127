"""The Matcher cache on disk: written once, read back by the next process with the same results;
an unreadable file is rebuilt, never trusted."""
from __future__ import annotations

import logging

import pytest

from vigil.service import index_cache
from vigil.store import Store

QUERIES = [("Person", "Ghasem Soleimani"), ("Person", "محمود علوی"), ("Organization", "VEVAK"),
           ("Organization", "Hizbullah"), ("Person", "Kim Jong Un")]


def _results(matcher) -> list:
    out = []
    for schema, name in QUERIES:
        resp = matcher.match({"schema": schema, "properties": {"name": [name]}})
        out.append([r.to_dict() for r in resp.results])
    return out


@pytest.fixture
def store(lists_db, tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(index_cache, "_memo", {})  # as a new process: nothing in memory
    return Store(lists_db)


def test_the_cache_is_written_and_read_back_with_the_same_results(store, caplog):
    built, fingerprint = index_cache.load_matcher(store)
    path = index_cache.cache_path(fingerprint)
    assert path.is_file()
    with caplog.at_level(logging.WARNING, logger="vigil.service.index_cache"):
        loaded = index_cache._read(path)
    assert loaded is not None and not caplog.records, caplog.text  # read, not rebuilt
    assert loaded is not built and len(loaded) == len(built) > 20_000
    assert _results(loaded) == _results(built)
    assert _results(built)[0][0]["id"] in ("ofac-10481", "unsc-IRi.039", "gb-hmt-7876", "eu-oj-32012R0267-VIII.A.PERSONS-38")


def test_an_unreadable_cache_is_rebuilt(store, caplog):
    _, fingerprint = index_cache.load_matcher(store)
    path = index_cache.cache_path(fingerprint)
    path.write_bytes(path.read_bytes()[:5000])  # truncated (a full disk, a killed writer)
    index_cache._memo.clear()
    with caplog.at_level(logging.WARNING, logger="vigil.service.index_cache"):
        matcher, _ = index_cache.load_matcher(store)
    assert "ignoring unreadable matcher cache" in caplog.text
    assert _results(matcher)[0][0]["id"] in ("ofac-10481", "unsc-IRi.039", "gb-hmt-7876", "eu-oj-32012R0267-VIII.A.PERSONS-38")
    assert index_cache._read(path) is not None  # written again, whole
