"""FtM JSON lines import/export: round trip on the OpenSanctions/yente exports, and bad lines."""
from __future__ import annotations

import io
import json

import pytest

from vigil.model import Entity
from vigil.sources import IngestError, parse
from vigil.sources.ftm import export_entities, parse as parse_ftm

FILES = ["yente_fixture_t1_eu_fsf.entities.ftm.json", "yente_fixture_zala.entities.ftm.json"]


@pytest.fixture(scope="module")
def ftm_dir(shared_data):
    return shared_data / "opensanctions_ftm"


def test_single_dataset_file_takes_its_dataset(tmp_path):
    path = tmp_path / "mine.ftm.json"
    path.write_text(json.dumps({"id": "p1", "schema": "Person", "datasets": ["my_watchlist"],
                                "properties": {"name": ["Jane Roe"]}}) + "\n")
    pub = parse("ftm", path)
    assert pub.dataset == "my_watchlist" and [e.id for e in pub.entities] == ["p1"]


def test_official_dataset_name_needs_explicit_choice(ftm_dir):
    # An OpenSanctions copy of eu_fsf must not silently replace the official EU list's snapshot.
    with pytest.raises(IngestError, match="official dataset 'eu_fsf'"):
        parse("ftm", ftm_dir / FILES[0])
    pub = parse_ftm(ftm_dir / FILES[0], dataset="eu_fsf")
    assert pub.dataset == "eu_fsf" and len(pub.entities) == 7
    org = next(e for e in pub.entities if e.id == "NK-2GdmHtZTeNXjNVrBGEXZNj")
    assert org.schema.name == "Organization" and "ofac-32733" in org.referents
    assert org.last_change == "2023-07-26T20:01:14" and org.target is True


def test_multi_dataset_file_needs_a_name(ftm_dir):
    with pytest.raises(IngestError, match="spans 27 datasets"):
        parse("ftm", ftm_dir / FILES[1])
    pub = parse_ftm(ftm_dir / FILES[1], dataset="opensanctions_zala")
    assert pub.dataset == "opensanctions_zala" and len(pub.entities) == 91
    # Schemata beyond the screening ones (Sanction, Ownership, Family ...) are read too.
    assert {"Sanction", "Ownership", "Family", "Passport", "Address"} <= {e.schema.name for e in pub.entities}


@pytest.mark.parametrize("name", FILES)
def test_round_trip(ftm_dir, tmp_path, name):
    original = [json.loads(line) for line in (ftm_dir / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    pub = parse_ftm(ftm_dir / name, dataset="roundtrip")
    # Import keeps every property and value of the source, known to vigil's schemata or not
    # (the entity model only collapses runs of whitespace).
    for raw, entity in zip(original, pub.entities):
        assert entity.id == raw["id"] and entity.schema.name == raw["schema"]
        expected = {k: list(dict.fromkeys(" ".join(x.split()) for x in v)) for k, v in raw["properties"].items() if v}
        assert entity.properties == expected
        assert entity.datasets == raw["datasets"] and entity.referents == raw["referents"]
    out = tmp_path / "export.ftm.json"
    with open(out, "w", encoding="utf-8") as fh:
        assert export_entities(pub.entities, fh) == len(pub.entities)
    again = parse_ftm(out, dataset="roundtrip")
    assert [e.to_dict() for e in again.entities] == [e.to_dict() for e in pub.entities]
    # Binary handles (e.g. sys.stdout.buffer) get the same bytes.
    buf = io.BytesIO()
    export_entities(pub.entities, buf)
    assert buf.getvalue().decode("utf-8") == out.read_text(encoding="utf-8")


def test_unknown_property_is_kept(tmp_path):
    path = tmp_path / "x.ftm.json"
    path.write_text(json.dumps({"id": "p1", "schema": "Person", "datasets": ["mine"],
                                "properties": {"name": ["Jane"], "someNewProp": ["v"]}}) + "\n")
    (e,) = parse("ftm", path).entities
    assert e.get("someNewProp") == ["v"]
    buf = io.StringIO()
    export_entities([e], buf)
    assert Entity.from_dict(json.loads(buf.getvalue())).to_dict() == e.to_dict()


@pytest.mark.parametrize("lines, message, line", [
    ([{"id": "a", "schema": "Person", "datasets": ["d"], "properties": {}}, "{not json"], "malformed JSON", 2),
    (["[1, 2]"], "JSON object", 1),
    ([{"schema": "Person", "properties": {}}], "without an 'id'", 1),
    ([{"id": "a", "schema": "NoSuchSchema", "properties": {}}], "not a valid FtM entity", 1),
    ([{"id": "a", "schema": "Person", "properties": {}}], "names no dataset", None),
], ids=["bad-json", "array", "no-id", "bad-schema", "no-dataset"])
def test_bad_lines(tmp_path, lines, message, line):
    path = tmp_path / "bad.ftm.json"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    with pytest.raises(IngestError, match=message) as info:
        parse("ftm", path)
    assert info.value.line == line


def test_wrong_encoding_and_binary(tmp_path):
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"id": "a", "schema": "Person", "datasets": ["d"], "properties": {"name": ["Jos\xe9"]}}\n')
    with pytest.raises(IngestError, match="UTF-8") as info:
        parse("ftm", latin)
    assert info.value.line == 1
    binary = tmp_path / "bin.json"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(IngestError, match="binary"):
        parse("ftm", binary)


def test_repeated_id_is_merged(tmp_path):
    path = tmp_path / "dup.json"
    rows = [{"id": "a", "schema": "Person", "datasets": ["d"], "properties": {"name": ["A"]}},
            {"id": "a", "schema": "Person", "datasets": ["d"], "properties": {"alias": ["B"]}}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    pub = parse("ftm", path)
    assert len(pub.entities) == 1 and pub.entities[0].get("alias") == ["B"]
    assert pub.warnings and ":2:" in pub.warnings[0]
