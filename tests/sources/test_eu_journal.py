"""EU Official Journal transcription (eu_journal_sanctions): the real 45 framework acts, and bad input."""
from __future__ import annotations

import csv
import hashlib
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from vigil.sources import DATASETS, IngestError, parse
from vigil.sources.eu_journal import act_title, countries, id_numbers, split_values
from vigil.store import Store

ID = re.compile(r"^eu-oj-3\d{4}[RD]\d{4}-[A-Za-z0-9.]+-(?:[0-9A-Za-z.]+|n[0-9a-f]{10})$")


@pytest.fixture(scope="session")
def eu_dir(shared_data) -> Path:
    folder = shared_data / "eu_oj_opensanctions"
    if not (folder / "consolidated").is_dir():
        pytest.skip(f"EU Official Journal transcription not found at {folder}")
    return folder


@pytest.fixture(scope="session")
def pub(eu_dir):
    return parse("eu-journal", eu_dir)


@pytest.fixture(scope="session")
def eu(pub):
    return {e.id: e for e in pub.entities}


@pytest.fixture(scope="session")
def raw_rows(eu_dir) -> list[dict[str, str]]:
    """The CSVs read independently of the parser (plain csv.DictReader)."""
    rows = []
    for path in sorted((eu_dir / "consolidated").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def _raw_id(row: dict[str, str]) -> str:
    """The documented id scheme, written out again here."""
    annex = ".".join(re.findall(r"[A-Za-z0-9]+", row["annex"]))
    if row["recordId"]:
        return f"eu-oj-{row['celex']}-{annex}-{'.'.join(re.findall(r'[A-Za-z0-9]+', row['recordId']))}"
    key = " ".join(unicodedata.normalize("NFKC", row["name"]).casefold().split())
    return f"eu-oj-{row['celex']}-{annex}-n{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def test_counts_schemata_and_publication(pub, raw_rows):
    assert pub.dataset == "eu_journal_sanctions"
    assert len(raw_rows) == 8017
    # One entity per annex entry: two rows of the al-Qaida annex repeat an unnumbered entry word for word.
    assert len(pub.entities) == len({_raw_id(r) for r in raw_rows}) == 8015
    kinds = Counter(e.schema.name for e in pub.entities)
    assert kinds == {"Person": 4498, "LegalEntity": 2553, "Vessel": 708, "Company": 200, "Asset": 29,
                     "Organization": 27}
    assert pub.published.date().isoformat() == "2026-08-01"  # the newest consolidated version pinned
    assert len({e.id for e in pub.entities}) == len(pub.entities)
    assert all(ID.match(e.id) for e in pub.entities), [e.id for e in pub.entities if not ID.match(e.id)][:5]
    assert {p.name for p in pub.files} >= {"32001R2580.csv", "32012R0267.csv", "consolidation_pins.txt"}


def test_ids_are_stable_and_follow_the_documented_scheme(eu_dir, pub, raw_rows):
    assert {_raw_id(r) for r in raw_rows} == {e.id for e in pub.entities}
    again = parse("eu-journal", eu_dir / "consolidated")  # the folder itself reads the same
    assert [e.to_dict() for e in again.entities] == [e.to_dict() for e in pub.entities]


def test_founding_article_listings(eu):
    """The EU terrorist list (Regulation 2580/2001, Annex II) as of 2019: MOIS's directorate and two officers."""
    directorate = eu["eu-oj-32001R2580-II.B-6"]
    assert directorate.schema.name == "Organization"
    assert directorate.get("name") == ["Directorate for Internal Security of the Iranian Ministry for Intelligence "
                                       "and Security"]
    asadi = eu["eu-oj-32001R2580-II.A-6"]
    assert asadi.schema.name == "Person"
    assert asadi.get("name") == ["ASSADI Assadollah"] and asadi.get("alias") == ["Assadollah Asadi"]
    assert asadi.get("birthDate") == ["1971-12-22"] and asadi.get("birthPlace") == ["Tehran (Iran)"]
    assert asadi.get("birthCountry") == ["ir"] and asadi.get("nationality") == ["ir"]
    assert asadi.get("passportNumber") == ["D9016657"]
    moghadam = eu["eu-oj-32001R2580-II.A-8"]
    assert moghadam.get("name") == ["HASHEMI MOGHADAM Saeid"]
    assert moghadam.get("birthDate") == ["1962-08-06"] and moghadam.get("passportNumber") == ["D9016290"]
    for e in (directorate, asadi, moghadam):
        assert e.get("programId") == ["EU-TERR"]
        assert e.get("program") == ["EU-TERR — Regulation 2580/2001"]
        assert e.get("sourceUrl") == ["https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02001R2580-20260227"]
        assert any(n.startswith("Regulation 2580/2001 (CELEX 32001R2580), Annex II.") for n in e.get("notes"))
        assert e.datasets == ["eu_journal_sanctions"] and "sanction" in e.get("topics")


def test_every_printed_name_reason_and_note_is_kept_verbatim(eu, raw_rows):
    """Names, the statement of reasons (`summary`) and other information (`notes`) exactly as printed: relation
    extraction and analysts read this prose."""
    missing = []
    for row in raw_rows:
        e = eu[_raw_id(row)]
        names = set(e.get("name") + e.get("alias") + e.get("weakAlias") + e.get("previousName"))
        wanted = [row["name"]] + [v for c in ("alias", "weakAlias", "previousName") for v in split_values(row[c])]
        missing += [(e.id, n) for n in wanted if " ".join(n.split()) not in names]
        if row["reason"]:
            missing += [] if " ".join(row["reason"].split()) in e.get("summary") else [(e.id, "reason")]
        missing += [(e.id, n[:40]) for n in split_values(row["notes"]) if " ".join(n.split()) not in e.get("notes")]
    assert missing == []
    assert sum(1 for e in eu.values() if e.get("summary")) > 6000


def test_listing_dates_programmes_and_weak_aliases(eu, raw_rows):
    dated = [r for r in raw_rows if r["startDate"]]
    assert len(dated) > 7000
    unparsed = [r for r in dated if not eu[_raw_id(r)].get("createdAt")]
    assert unparsed == []
    al_qaida = next(e for e in eu.values() if e.id.startswith("eu-oj-32002R0881-I-") and e.get("name") == ["Al-Qaida"])
    assert al_qaida.get("createdAt") == ["2001-10-06"] and al_qaida.get("programId") == ["EU-TAQA-EUAQ"]
    assert "Al Qa'ida" in al_qaida.get("alias") and "Formerly listed as Al Qa'ida/Islamic Army" in al_qaida.get("notes")
    programmes = {p for e in eu.values() for p in e.get("programId")}
    assert len(programmes) == 32 and {"EU-IRN", "EU-TERR", "EU-RUS", "EU-SYR"} <= programmes
    weak = [r for r in raw_rows if r["weakAlias"]]
    assert len(weak) == 65
    assert all(set(split_values(r["weakAlias"])) <= set(eu[_raw_id(r)].get("weakAlias")) for r in weak)


def test_identifiers_are_bare_numbers_with_the_printed_wording_in_notes(eu):
    arbabsiar = eu["eu-oj-32001R2580-II.A-5"]
    assert arbabsiar.get("passportNumber") == ["C2002515", "477845448"]
    assert arbabsiar.get("birthDate") == ["1955-03-06", "1955-03-15"] and arbabsiar.get("nationality") == ["ir", "us"]
    assert "Passport: C2002515 (Iran)" in arbabsiar.get("notes")
    assert "Date of birth: 6.3.1955 or 15.3.1955" in arbabsiar.get("notes")
    imos = [v for e in eu.values() for v in e.get("imoNumber")]
    assert len(imos) > 700 and all(re.fullmatch(r"\d{7}", v) for v in imos)
    # every entity's identifiers are identifier-shaped (a digit, no spaces, no prose)
    bad = [(e.id, p, v) for e in eu.values() for p in ("passportNumber", "idNumber", "registrationNumber",
                                                          "taxNumber", "innCode", "ogrnCode")
           for v in e.get(p) if " " in v or not any(c.isdigit() for c in v)]
    assert bad == []


def test_id_number_extraction():
    assert id_numbers("(a) 349054 (Bosnia and Herzegovina passport number), b) 3490054 (Bosnia and Herzegovina "
                      "passport number)") == [("passportNumber", "349054"), ("passportNumber", "3490054")]
    assert id_numbers("7730239877, KPP 773001001, OKPO 20239393") == [
        (None, "7730239877"), ("kppCode", "773001001"), ("okpoCode", "20239393")]
    assert id_numbers("Chad national identity card no. 103-00653129-22, issued on 21 Apr. 2009 (expires on 21 "
                      "April 2019)") == [("idNumber", "103-00653129-22")]
    assert id_numbers("(a) UZ6430184 (Moroccan passport number), (b) CD595054 (Moroccan national identity "
                      "number)") == [("passportNumber", "UZ6430184"), ("idNumber", "CD595054")]
    assert id_numbers("expired") == []


def test_country_wording():
    assert countries("Iranian") == ["ir"]
    assert countries("Russian, Belarusian") == ["ru", "by"]
    assert countries("Syrian (presumed)") == ["sy"]
    assert countries("Democratic People’s Republic of Korea (DPRK)") == ["kp"]
    assert countries("(a) Algerian (b) German") == ["dz", "de"]
    assert countries("Saudi citizenship withdrawn, Afghan nationality given by the Taliban regime") == []


def test_act_titles():
    assert act_title("32001R2580") == "Regulation 2580/2001"
    assert act_title("32012R0267") == "Regulation 267/2012"
    assert act_title("32015R1755") == "Regulation 2015/1755"
    assert act_title("32011D0173") == "Decision 2011/173/CFSP"


def test_one_party_in_two_annexes_of_one_act_is_linked_by_the_act(eu):
    legmash = [e for e in eu.values() if e.get("name") == ["Legmash Plant OJSC"]]
    assert len(legmash) == 2
    a, b = sorted(legmash, key=lambda e: e.id)
    assert a.id == "eu-oj-32006R0765-I.B-51" and b.id.startswith("eu-oj-32006R0765-V-n")  # Annex V numbers nothing
    assert a.referents == [b.id] and b.referents == [a.id]
    # Two entries of one annex with one name are two parties (the annex numbers them apart): not linked.
    myint = [e for e in eu.values() if e.get("name") == ["Aung Moe Myint"]]
    assert len(myint) == 2 and all(e.referents == [] for e in myint)
    # The act's references never point across acts.
    assert all(r.split("-")[2] == e.id.split("-")[2] for e in eu.values() for r in e.referents)


def test_catalog_entry_says_licence_and_transcription():
    source = DATASETS["eu_journal_sanctions"]
    assert source.name == "eu-journal" and source.license.startswith("CC BY-NC 4.0")
    assert "transcription" in source.summary and "not the Commission's official Financial Sanctions File" in \
        source.summary
    assert DATASETS["eu_fsf"].module == "eu"  # the official FSF parser is untouched


# -- bad input ------------------------------------------------------------------------------
@pytest.fixture
def act(eu_dir, tmp_path) -> Path:
    """A copy of one real act (the terrorist list) in a folder of its own."""
    folder = tmp_path / "eu" / "consolidated"
    folder.mkdir(parents=True)
    shutil.copy(eu_dir / "consolidated" / "32001R2580.csv", folder)
    return folder / "32001R2580.csv"


def test_one_act_alone(act):
    pub = parse("eu-journal", act.parent.parent)
    assert len(pub.entities) == 36 and pub.published is None  # no pins file beside it
    assert [e.id for e in parse("eu-journal", act).entities] == [e.id for e in pub.entities]  # the file alone


@pytest.mark.parametrize("damage, message", [
    (lambda text: text.encode("utf-16"), "binary data"),
    (lambda text: text.replace("Assadollah", "Assadollah\xe9").encode("latin-1", "replace"), "not UTF-8"),
    (lambda text: text.replace(",weakAlias,", ",", 1).encode(), "missing column(s) weakAlias"),
    (lambda text: text.replace(",ASSADI Assadollah,", ',"ASSADI Assadollah,', 1).encode(), "malformed CSV"),
    (lambda text: text.replace("32001R2580,6,EU-TERR", "32001R2580,6,EU-TERR,extra", 1).encode(), "fields"),
    (lambda text: text.replace("32001R2580,6,EU-TERR,II.A,Asset freeze,,,Person",
                               "32001R2580,6,EU-TERR,II.A,Asset freeze,,,Alien", 1).encode(), "unknown schema"),
    (lambda text: text.replace("32001R2580,6,", "32012R0267,6,", 1).encode(), "differs from the file's act"),
    (lambda text: text.replace("32001R2580,6,", "CELEX:32001R2580,6,", 1).encode(), "not a bare CELEX"),
    (lambda text: "amendedCelex,amendmentCelex," + text.split(",", 1)[1], "amendment file"),
])
def test_bad_input_is_a_clear_error(act, damage, message):
    data = damage(act.read_text(encoding="utf-8"))
    act.write_bytes(data if isinstance(data, bytes) else data.encode())
    with pytest.raises(IngestError) as err:
        parse("eu-journal", act.parent.parent)
    assert message in str(err.value) and "32001R2580.csv" in str(err.value)


def test_empty_folder_and_bad_pins(tmp_path, act):
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestError, match="no consolidated EU Official Journal CSV"):
        parse("eu-journal", tmp_path / "empty")
    (act.parent.parent / "consolidation_pins.txt").write_text("32001R2580: yesterday\n")
    with pytest.raises(IngestError, match="not a consolidation pin"):
        parse("eu-journal", act.parent.parent)


def test_bad_ingest_leaves_the_stored_list_intact(act, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    first = store.ingest_file("eu-journal", act.parent.parent)
    assert first.entity_count == 36
    act.write_bytes(act.read_bytes().replace(b"Assadollah", b"Assadollah\xff"))
    with pytest.raises(IngestError):
        store.ingest_file("eu-journal", act.parent.parent)
    (info,) = store.datasets()
    assert (info.name, info.entity_count, info.snapshots) == ("eu_journal_sanctions", 36, 1)
    assert info.license.startswith("CC BY-NC") and "transcription" in info.summary
    assert store.entity("eu-oj-32001R2580-II.A-6").get("name") == ["ASSADI Assadollah"]
    store.engine.dispose()


def test_an_opensanctions_ftm_export_named_eu_journal_sanctions_is_not_taken_for_it(tmp_path):
    """OpenSanctions' own FtM export of this dataset has the same name and other ids: refused unless stored --as."""
    path = tmp_path / "os.ftm.json"
    path.write_text('{"id": "eu-jrnl-abc123", "schema": "Person", "properties": {"name": ["X"]}, '
                    '"datasets": ["eu_journal_sanctions"]}\n')
    with pytest.raises(IngestError, match="official dataset 'eu_journal_sanctions'"):
        parse("ftm", path)
    with pytest.raises(IngestError, match="eu-oj-<celex>-<annex>-<entry>"):
        parse("ftm", path, dataset="eu_journal_sanctions")
    assert parse("ftm", path, store_as="os_eu_journal").dataset == "os_eu_journal"
