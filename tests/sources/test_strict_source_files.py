"""Hostile list files (issue 13): DTDs are refused by the parsers wherever they stand (not by sniffing the first
bytes), and a NUL byte anywhere in a CSV source refuses the file, leaving the stored list as it was."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vigil.sources import IngestError, parse
from vigil.store import Store

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
UN_BODY = ('<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z"><INDIVIDUALS><INDIVIDUAL>'
           '<FIRST_NAME>&s;</FIRST_NAME><REFERENCE_NUMBER>XXi.001</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS>'
           '</CONSOLIDATED_LIST>')
OFAC_BODY = ('<sdnList><publshInformation><Publish_Date>01/02/2026</Publish_Date></publshInformation><sdnEntry>'
             '<uid>1</uid><lastName>&s;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>')
EU_BODY = '<export generationDate="2026-01-01T00:00:00"><sanctionEntity logicalId="1">&s;</sanctionEntity></export>'


def _doctypes(secret: Path) -> dict[str, str]:
    dtd = f'<!DOCTYPE r [<!ENTITY s SYSTEM "file://{secret}">]>'
    return {
        "after a comment": f'<?xml version="1.0"?>\n<!-- published by the list owner -->\n{dtd}\n',
        "after a processing instruction": f'<?xml version="1.0"?><?xml-stylesheet href="a.xsl"?>{dtd}',
        "after comment and whitespace lines": f'<!-- a -->\n\n\n<!-- b -->\n   {dtd}',
        "lower-case keyword spacing": f'<?xml version="1.0"?><!--x--><!DOCTYPE  r  [ <!ENTITY s "x"> ]>',
        "external DTD only": '<?xml version="1.0"?><!-- c --><!DOCTYPE r SYSTEM "http://attacker.example/x.dtd">',
    }


@pytest.mark.parametrize("source, body, name", [("un", UN_BODY, "consolidated.xml"),
                                                 ("ofac", OFAC_BODY, "sdn.xml"),
                                                 ("eu", EU_BODY, "fsf.xml")])
@pytest.mark.parametrize("where", list(_doctypes(Path("/x"))))
def test_doctype_anywhere_in_the_prolog_is_refused(tmp_path, source, body, name, where):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / name
    path.write_text(_doctypes(secret)[where] + body)
    with pytest.raises(IngestError, match="DOCTYPE/ENTITY declaration refused") as info:
        parse(source, path)
    assert "TOP-SECRET" not in str(info.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_doctype_in_other_encodings_is_refused(tmp_path, encoding):
    path = tmp_path / "consolidated.xml"
    declared = "UTF-16" if encoding == "utf-16" else "UTF-8"
    path.write_bytes((f'<?xml version="1.0" encoding="{declared}"?><!-- c --><!DOCTYPE r [<!ENTITY s "x">]>'
                      + UN_BODY).encode(encoding))
    with pytest.raises(IngestError, match="DOCTYPE"):
        parse("un", path)


def test_fixture_doctype_after_comment_is_refused_by_the_store(tmp_path):
    """The issue's case as a fixture: the DOCTYPE on line 3, after the XML declaration and a comment."""
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(IngestError, match="DOCTYPE/ENTITY declaration refused") as info:
        store.ingest_file("un", HOSTILE / "doctype_after_comment.xml")
    assert info.value.line == 3 and store.datasets() == []
    assert store.ingests(limit=1)[0]["result"] == "failed"


def test_real_un_list_still_parses(shared_data):
    assert len(parse("un", shared_data / "un" / "consolidated.xml").entities) == 1003


def _with_nul(raw: bytes, after: int) -> bytes:
    """A NUL byte inside a name field well after the first `after` bytes (beyond any header sniffing)."""
    at = raw.index(b",", after) + 2
    return raw[:at] + b"\x00" + raw[at:]


def test_nul_after_the_first_8k_of_a_uk_csv_is_refused_and_the_store_is_intact(tmp_path, shared_data):
    original = shared_data / "uk_ofsi" / "ConList_from_xlsx.csv"
    if not original.is_file():
        pytest.skip(f"{original} absent")
    store = Store(f"sqlite:///{tmp_path / 'uk.db'}")
    first = store.ingest_file("uk", original)
    bad = tmp_path / "ConList.csv"
    bad.write_bytes(_with_nul(original.read_bytes(), 100_000))
    with pytest.raises(IngestError, match="NUL byte at offset") as info:
        store.ingest_file("uk", bad)
    assert info.value.line and info.value.line > 1
    assert store.count() == first.entity_count and len(store.snapshots("gb_hmt_sanctions")) == 1
    assert not any("\x00" in n or "  " in n for e in store.entities() for n in e.get("name"))
    assert store.ingests(limit=1)[0]["result"] == "failed"


def test_nul_anywhere_in_ofac_and_eu_csv_is_refused(tmp_path, shared_data, fixtures):
    folder = tmp_path / "sdn"
    folder.mkdir()
    for name in ("sdn.csv", "add.csv", "alt.csv"):
        raw = (shared_data / "ofac_sdn" / name).read_bytes()
        (folder / name).write_bytes(_with_nul(raw, 50_000) if name == "alt.csv" else raw)
    with pytest.raises(IngestError, match="NUL byte"):
        parse("ofac", folder)
    eu_csv = next(iter(sorted((fixtures / "eu").glob("*.csv"))), None)
    if eu_csv is None:
        pytest.skip("no EU CSV fixture")
    raw = eu_csv.read_bytes()
    bad = tmp_path / eu_csv.name
    bad.write_bytes(raw[:-20] + b"\x00" + raw[-20:])
    with pytest.raises(IngestError, match="NUL byte"):
        parse("eu", bad)


def test_nul_in_an_eu_journal_csv_is_refused(tmp_path, shared_data):
    """The EU journal transcription reads its CSVs through the same refusal as the other CSV sources."""
    source = shared_data / "eu_oj_opensanctions"
    folder = tmp_path / "eu_oj_opensanctions"
    shutil.copytree(source, folder)
    victim = max((folder / "consolidated").glob("*.csv"), key=lambda p: p.stat().st_size)
    victim.write_bytes(_with_nul(victim.read_bytes(), 9_000))
    with pytest.raises(IngestError, match="NUL byte"):
        parse("eu-journal", folder)
