"""FtM JSON lines import/export: round trip on the OpenSanctions/yente exports, and bad lines."""
from __future__ import annotations

import io
import json
import re

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


def _raw(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_official_dataset_name_needs_explicit_choice_and_its_ids(ftm_dir, tmp_path):
    # An OpenSanctions copy of eu_fsf must not silently replace the official EU list's snapshot ...
    with pytest.raises(IngestError, match="official dataset 'eu_fsf'.*--as NAME"):
        parse("ftm", ftm_dir / FILES[0])
    # ... nor when named explicitly: its ids (NK-...) are not the eu-fsf-<logicalId> of the brief's contract.
    with pytest.raises(IngestError, match=r"'NK-2GdmHtZTeNXjNVrBGEXZNj' does not follow the eu_fsf id contract"):
        parse_ftm(ftm_dir / FILES[0], dataset="eu_fsf")
    pub = parse_ftm(ftm_dir / FILES[0], store_as="os_eu_fsf")  # beside the official list, under its own name
    assert pub.dataset == "os_eu_fsf" and len(pub.entities) == 7
    assert {d for e in pub.entities for d in e.datasets} == {"os_eu_fsf"}
    org = next(e for e in pub.entities if e.id == "NK-2GdmHtZTeNXjNVrBGEXZNj")
    assert org.schema.name == "Organization" and "ofac-32733" in org.referents
    assert org.last_change == "2023-07-26T20:01:14" and org.target is True
    # A file with the contract's ids (e.g. `vigil export --dataset eu_fsf`) may restore the official name.
    export = tmp_path / "eu.ftm.json"
    export.write_text(json.dumps({"id": "eu-fsf-13301", "schema": "Person", "datasets": ["eu_fsf"],
                                  "properties": {"name": ["Jane Roe"]}}) + "\n")
    with pytest.raises(IngestError, match="official dataset"):
        parse("ftm", export)  # still only when asked for
    assert parse_ftm(export, dataset="eu_fsf").dataset == "eu_fsf"


def test_multi_dataset_file_lists_its_datasets(ftm_dir):
    with pytest.raises(IngestError, match="spans 27 datasets") as info:
        parse("ftm", ftm_dir / FILES[1])
    message = str(info.value)
    # Every dataset is named, most entities first, with the way out.
    assert "datasets found: ext_ru_egrul (31), us_ofac_sdn (22), us_sam_exclusions (14)" in message
    assert "lv_fiu_sanctions (1)" in message and "--dataset NAME" in message and "--as NAME" in message
    pub = parse_ftm(ftm_dir / FILES[1], store_as="opensanctions_zala")
    assert pub.dataset == "opensanctions_zala" and len(pub.entities) == 91
    assert all(e.datasets == ["opensanctions_zala"] for e in pub.entities)
    # Schemata beyond the screening ones (Sanction, Ownership, Family ...) are read too.
    assert {"Sanction", "Ownership", "Family", "Passport", "Address"} <= {e.schema.name for e in pub.entities}


def test_dataset_selects_its_entities(ftm_dir):
    path = ftm_dir / FILES[1]
    raw = _raw(path)
    pub = parse_ftm(path, dataset="us_sam_exclusions")
    expected = [r["id"] for r in raw if "us_sam_exclusions" in r["datasets"]]
    assert pub.dataset == "us_sam_exclusions" and [e.id for e in pub.entities] == expected and len(expected) == 14
    # Filed under the stored dataset only: vigil's dataset filter must not see an OpenSanctions entity as
    # a member of us_ofac_sdn or gb_fcdo_sanctions because the export said so.
    assert all(e.datasets == ["us_sam_exclusions"] for e in pub.entities)
    # The same file with another selection is other content (no false "unchanged").
    other = parse_ftm(path, dataset="ext_ru_egrul")
    whole = parse_ftm(path, store_as="us_sam_exclusions")
    assert len({pub.checksum, other.checksum, whole.checksum}) == 3
    # An official name is refused for OpenSanctions ids; --as keeps the copy apart.
    with pytest.raises(IngestError, match="us_ofac_sdn id contract \\(ofac-<ent_num>\\)"):
        parse_ftm(path, dataset="us_ofac_sdn")
    copy = parse_ftm(path, dataset="us_ofac_sdn", store_as="os_us_ofac_sdn")
    assert copy.dataset == "os_us_ofac_sdn" and len(copy.entities) == 22


def test_dataset_of_a_single_dataset_file_changes_nothing(tmp_path):
    path = tmp_path / "mine.ftm.json"
    path.write_text("".join(json.dumps({"id": f"p{i}", "schema": "Person", "datasets": ["my_watchlist"],
                                        "properties": {"name": [f"Jane Roe {i}"]}}) + "\n" for i in range(3)))
    plain, named = parse("ftm", path), parse_ftm(path, dataset="my_watchlist")
    assert plain.dataset == named.dataset == "my_watchlist"
    assert plain.checksum == named.checksum and len(named.entities) == 3


@pytest.mark.parametrize("kwargs, message", [
    ({"dataset": "nope"}, "no entity in the file belongs to dataset 'nope'; datasets found: ext_ru_egrul (31)"),
    ({"dataset": "US SAM"}, "invalid dataset name 'US SAM'"),
    ({"store_as": "Bad/Name"}, "invalid dataset name 'Bad/Name'"),
], ids=["absent", "bad-dataset", "bad-as"])
def test_bad_dataset_choice(ftm_dir, kwargs, message):
    with pytest.raises(IngestError, match=re.escape(message)):
        parse_ftm(ftm_dir / FILES[1], **kwargs)


@pytest.mark.parametrize("name", FILES)
def test_round_trip(ftm_dir, tmp_path, name):
    original = _raw(ftm_dir / name)
    pub = parse_ftm(ftm_dir / name, store_as="roundtrip")
    # Import keeps every property and value of the source, known to vigil's schemata or not
    # (the entity model only collapses runs of whitespace).
    for raw, entity in zip(original, pub.entities):
        assert entity.id == raw["id"] and entity.schema.name == raw["schema"]
        expected = {k: list(dict.fromkeys(" ".join(x.split()) for x in v)) for k, v in raw["properties"].items() if v}
        assert entity.properties == expected
        assert entity.datasets == ["roundtrip"] and entity.referents == raw["referents"]
    out = tmp_path / "export.ftm.json"
    with open(out, "w", encoding="utf-8") as fh:
        assert export_entities(pub.entities, fh) == len(pub.entities)
    again = parse_ftm(out, dataset="roundtrip")  # the export names the dataset it was stored under
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
