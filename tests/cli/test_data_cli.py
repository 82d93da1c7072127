"""`vigil ingest / update / lists / diff / export` end to end, on the real lists and hostile files."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from vigil.cli.main import app

runner = CliRunner()


def vigil(*args: str, home: Path | None = None):
    env = {"VIGIL_HOME": str(home)} if home else None
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def lists_json(home: Path | None = None) -> list[dict]:
    result = vigil("lists", "--json", home=home)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the full mirror: ingested once per session, then only read ----------------
@pytest.fixture(scope="session")
def mirror_home(shared_data, tmp_path_factory) -> tuple[Path, object]:
    home = tmp_path_factory.mktemp("mirror-home")
    result = vigil("update", "--mirror", str(shared_data), "--json", home=home)
    return home, result


def test_update_from_mirror_loads_all_official_lists(mirror_home):
    home, result = mirror_home
    assert result.exit_code == 0, result.output
    report = {r["source"]: r for r in json.loads(result.stdout)}
    assert {s: r["status"] for s, r in report.items()} == {
        "ofac": "created", "ofac-cons": "created", "un": "created", "uk": "created", "eu": "skipped",
        "eu-journal": "created"}
    assert "the mirror has no EU file" in report["eu"]["message"]
    assert "the mirror has no EU file" in result.stderr  # said to the user, not only in JSON
    assert report["ofac-cons"]["path"].endswith("ofac_consolidated")  # the CSV set is preferred over the XML
    counts = {d["name"]: d["entity_count"] for d in lists_json(home)}
    assert counts == {"us_ofac_sdn": 14965, "us_ofac_cons": 442, "un_sc_sanctions": 1003, "gb_hmt_sanctions": 4688,
                      "eu_journal_sanctions": 8015}
    # Nothing EU-like sneaks in as the official list (eu_oj_opensanctions is a transcription, its own dataset).
    assert "eu_fsf" not in counts
    assert report["eu-journal"]["path"].endswith("eu_oj_opensanctions")
    eu = next(d for d in lists_json(home) if d["name"] == "eu_journal_sanctions")
    assert eu["license"].startswith("CC BY-NC 4.0") and "not the Commission's official" in eu["summary"]
    assert eu["published"].startswith("2026-08-01")
    shown = vigil("lists", home=home)
    assert shown.exit_code == 0 and "CC BY-NC 4.0" in shown.stdout and "transcription" in shown.stdout


def test_export_has_mois_with_alt_and_remarks_aliases(mirror_home):
    home, _ = mirror_home
    result = vigil("export", "--dataset", "us_ofac_sdn", home=home)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 14965
    mois = next(orjson.loads(line) for line in lines if line.startswith('{"id":"ofac-12111"'))
    props = mois["properties"]
    assert {"MOIS", "VEVAK"} <= set(props["weakAlias"])
    assert "VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR" in props["alias"]
    assert mois["datasets"] == ["us_ofac_sdn"] and mois["first_seen"] and mois["last_change"]


def test_export_all_to_file_and_unknown_dataset(mirror_home, tmp_path):
    home, _ = mirror_home
    out = tmp_path / "entities.ftm.json"
    result = vigil("export", "--output", str(out), home=home)
    assert result.exit_code == 0, result.stderr
    entities = {e["id"]: e for e in map(orjson.loads, out.read_bytes().splitlines())}
    assert "ofac-12111" in entities and len(entities) == sum(1 for _ in out.open("rb"))  # one line per id
    soleimani = entities["unsc-IRi.039"]["properties"]
    assert "Qasem Sulaimani" in soleimani["alias"] + soleimani.get("weakAlias", [])
    # UK groups keep their non-Latin-script names through the store.
    uk_names = [n for e in entities.values() if e["id"].startswith("gb-hmt-")
                for p in ("name", "alias") for n in e["properties"].get(p, [])]
    assert any("\u0600" <= ch <= "\u06ff" or "\u0400" <= ch <= "\u04ff" for n in uk_names for ch in n)
    bad = vigil("export", "--dataset", "eu_fsf", home=home)
    assert bad.exit_code == 2 and "no dataset 'eu_fsf'" in bad.stderr


def test_mirror_update_twice_creates_no_snapshot(mirror_home):
    home, _ = mirror_home
    before = lists_json(home)
    result = vigil("update", "--mirror", str(mirror_home[0].parent / "no-such-mirror"), home=home)
    assert result.exit_code == 2 and "mirror folder not found" in result.stderr
    assert lists_json(home) == before


# -- diff on the real sdn.csv ---------------------------------------------------
def _first_entnum_without_alias(sdn: bytes, alt: bytes) -> bytes:
    with_alias = {line.split(b",", 1)[0] for line in alt.splitlines()}
    for line in sdn.splitlines():
        ent = line.split(b",", 1)[0]
        if ent.isdigit() and ent not in with_alias:
            return ent
    raise AssertionError("no candidate")


def test_diff_reports_exactly_one_removal_and_one_new_alias(shared_data, tmp_path):
    folder = tmp_path / "ofac"
    folder.mkdir()
    shutil.copy(shared_data / "ofac_sdn" / "sdn.csv", folder / "sdn.csv")
    shutil.copy(shared_data / "ofac_sdn" / "alt.csv", folder / "alt.csv")

    first = vigil("ingest", "ofac", str(folder))
    assert first.exit_code == 0, first.stderr
    assert "snapshot 1 created, 14,965 entities" in first.stdout
    again = vigil("ingest", "ofac", str(folder))
    assert again.exit_code == 0 and "unchanged" in again.stdout
    assert [d["snapshots"] for d in lists_json()] == [1]

    # The next publication: one entry delisted, one alias added to MOIS (OFAC's own line format).
    sdn, alt = (folder / "sdn.csv").read_bytes(), (folder / "alt.csv").read_bytes()
    gone = _first_entnum_without_alias(sdn, alt)
    kept = [line for line in sdn.split(b"\r\n") if not line.startswith(gone + b",")]
    assert len(kept) == len(sdn.split(b"\r\n")) - 1
    (folder / "sdn.csv").write_bytes(b"\r\n".join(kept))
    assert alt.endswith(b"\r\n\x1a")
    (folder / "alt.csv").write_bytes(alt[:-1] + b'12111,99999,"aka","MINISTRY OF INTELLIGENCE OF IRAN",-0- \r\n\x1a')
    third = vigil("ingest", "ofac", str(folder))
    assert third.exit_code == 0, third.stderr
    assert "14,964 entities (+0 added, -1 removed, ~1 changed)" in " ".join(third.stdout.split())

    result = vigil("diff", "us_ofac_sdn", "--json")
    assert result.exit_code == 0, result.stderr
    d = json.loads(result.stdout)
    assert (d["from"]["id"], d["to"]["id"]) == (1, 2)
    assert d["added"] == []
    assert [e["id"] for e in d["removed"]] == [f"ofac-{gone.decode()}"]
    assert d["changed"] == [{
        "id": "ofac-12111", "schema": "Organization", "caption": "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY",
        "properties": {"alias": {"added": ["MINISTRY OF INTELLIGENCE OF IRAN"], "removed": []}},
    }]
    # Explicit snapshots, and the human view.
    assert json.loads(vigil("diff", "us_ofac_sdn", "--from", "2", "--to", "1", "--json").stdout)["added"][0]["id"] \
        == f"ofac-{gone.decode()}"
    table = vigil("diff", "us_ofac_sdn")
    assert table.exit_code == 0 and "1 removed, 1 changed" in table.stdout
    assert "ofac-12111" in table.stdout and "+MINISTRY OF" in table.stdout
    bad = vigil("diff", "us_ofac_sdn", "--from", "7")
    assert bad.exit_code == 2 and "snapshot 7 is not a snapshot of us_ofac_sdn" in bad.stderr


# -- bad input: exit 2, one clear line, the store unchanged --------------------------
@pytest.fixture
def loaded_home(vigil_home, fixtures):
    # A small list in the published format first, so "unchanged" means something.
    result = vigil("ingest", "eu", str(fixtures / "eu" / "fsf_sample.xml"))
    assert result.exit_code == 0, result.stderr
    return vigil_home


@pytest.mark.parametrize("source,name,expected", [
    ("un", "truncated_un.xml", "truncated_un.xml"),
    ("un", "xxe.xml", "xxe.xml"),
    ("un", "billion_laughs.xml", "billion_laughs.xml"),
    ("ofac", "binary.bin", "binary.bin"),
    ("uk", "binary.bin", "binary.bin"),
    ("eu", "truncated_un.xml", "truncated_un.xml"),
    ("eu-journal", "binary.bin", "binary.bin"),
    ("eu-journal", "truncated_un.xml", "missing column(s) celex"),
])
def test_hostile_files_exit_2_and_leave_lists_unchanged(loaded_home, fixtures, source, name, expected):
    before = lists_json()
    result = vigil("ingest", source, str(fixtures / "hostile" / name))
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.startswith("error: cannot ingest") and expected in message and "Traceback" not in message
    assert "the store is unchanged" in message
    assert lists_json() == before


def test_xxe_content_never_reaches_the_store(loaded_home, fixtures):
    vigil("ingest", "un", str(fixtures / "hostile" / "xxe.xml"))
    export = vigil("export").stdout
    assert "root:" not in export


def test_bad_arguments_exit_2(vigil_home, tmp_path):
    r = vigil("ingest", "nope", str(tmp_path))
    assert r.exit_code == 2 and "unknown source 'nope'" in r.stderr
    r = vigil("ingest", "un", str(tmp_path / "missing.xml"))
    assert r.exit_code == 2 and "no such file or folder" in r.stderr
    r = vigil("diff", "us_ofac_sdn")
    assert r.exit_code == 2 and "no dataset 'us_ofac_sdn'" in r.stderr
    r = vigil("update", "--only", "nope")
    assert r.exit_code == 2
    assert lists_json() == []
    assert "No lists yet" in vigil("lists").stdout


def test_lists_table(vigil_home, fixtures):
    assert vigil("ingest", "eu", str(fixtures / "eu" / "fsf_sample.xml")).exit_code == 0
    out = vigil("lists").stdout
    assert "eu_fsf" in out and "Sanctions lists in the store" in out


def test_update_download_failure_is_reported_per_source(vigil_home, monkeypatch):
    from vigil.store import update as upd

    dead = {s: [upd.RemoteFile("http://127.0.0.1:9/" + r.filename, r.filename, r.required) for r in files]
            for s, files in upd.DOWNLOADS.items()}
    monkeypatch.setattr(upd, "DOWNLOADS", dead)
    monkeypatch.setattr(upd.time, "sleep", lambda s: None)
    monkeypatch.delenv(upd.EU_TOKEN_ENV, raising=False)
    result = vigil("update", "--timeout", "2", "--json")
    assert result.exit_code == 2
    report = {r["source"]: r for r in json.loads(result.stdout)}
    assert {s: r["status"] for s, r in report.items()} == {
        "ofac": "failed", "ofac-cons": "failed", "un": "failed", "uk": "failed", "eu": "skipped",
        "eu-journal": "skipped"}
    assert "--mirror" in report["eu-journal"]["message"]
    assert "sdn.csv: cannot connect" in report["ofac"]["message"]
    assert "VIGIL_EU_FSF_TOKEN" in report["eu"]["message"]
    assert lists_json() == []


# -- vigil ingest ftm --dataset / --as ------------------------------------------------
def test_ingest_ftm_picks_a_dataset_from_a_multi_dataset_file(shared_data):
    zala = str(shared_data / "opensanctions_ftm" / "yente_fixture_zala.entities.ftm.json")
    mixed = vigil("ingest", "ftm", zala)
    assert mixed.exit_code == 2
    message = " ".join(mixed.stderr.split())
    assert "spans 27 datasets" in message and "us_ofac_sdn (22), us_sam_exclusions (14)" in message
    assert "--dataset NAME" in message and "the store is unchanged" in message

    sam = vigil("ingest", "ftm", zala, "--dataset", "us_sam_exclusions")
    assert sam.exit_code == 0, sam.stderr
    assert "us_sam_exclusions: snapshot 1 created, 14 entities" in sam.stdout
    again = vigil("ingest", "ftm", zala, "--dataset", "us_sam_exclusions")
    assert "unchanged (identical to snapshot 1)" in again.stdout

    # OpenSanctions ids under an official name: refused; --as keeps the copy beside the official list.
    official = vigil("ingest", "ftm", zala, "--dataset", "us_ofac_sdn")
    assert official.exit_code == 2 and "us_ofac_sdn id contract" in official.stderr and "--as NAME" in official.stderr
    copy = vigil("ingest", "ftm", zala, "--dataset", "us_ofac_sdn", "--as", "os_us_ofac_sdn", "--json")
    assert copy.exit_code == 0, copy.stderr
    assert json.loads(copy.stdout)["entity_count"] == 22
    typo = vigil("ingest", "ftm", zala, "--dataset", "us_sam_exclusion")
    assert typo.exit_code == 2 and "no entity in the file belongs to dataset 'us_sam_exclusion'" in typo.stderr
    assert {d["name"]: d["entity_count"] for d in lists_json()} == {"us_sam_exclusions": 14, "os_us_ofac_sdn": 22}
    # Stored entities belong to the vigil dataset they were ingested as, nothing else.
    exported = [orjson.loads(line) for line in vigil("export", "--dataset", "os_us_ofac_sdn").stdout.splitlines()]
    assert len(exported) == 22 and all(e["datasets"] == ["os_us_ofac_sdn"] for e in exported)


def test_dataset_options_are_for_ftm_only(fixtures):
    r = vigil("ingest", "eu", str(fixtures / "eu" / "fsf_sample.xml"), "--dataset", "mine")
    assert r.exit_code == 2 and "apply to `vigil ingest ftm` only" in r.stderr
    assert lists_json() == []


# -- --force: re-read and re-validate; a snapshot only for new content -------------------
def test_update_force_rereads_but_stores_only_new_content(fixtures, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "eu_fsf").mkdir(parents=True)
    shutil.copy(fixtures / "eu" / "fsf_sample.xml", mirror / "eu_fsf" / "fsf_sample.xml")
    first = vigil("update", "--mirror", str(mirror), "--only", "eu")
    assert first.exit_code == 0 and "eu_fsf: snapshot 1 created" in first.stderr  # progress lines: stderr

    import vigil.sources.eu as eu

    original = eu.parse
    calls = []
    monkeypatch.setattr(eu, "parse", lambda path, **kw: calls.append(path) or original(path, **kw))
    plain = vigil("update", "--mirror", str(mirror), "--only", "eu")
    assert "unchanged (identical to snapshot 1)" in plain.stderr and calls == []
    forced = vigil("update", "--mirror", str(mirror), "--only", "eu", "--force")
    assert forced.exit_code == 0 and len(calls) == 1
    assert "eu_fsf: unchanged (re-read, same content as snapshot 1)" in " ".join(forced.stderr.split())
    assert [d["snapshots"] for d in lists_json()] == [1]  # identical content never adds a snapshot

    def upgraded(path, **kw):  # what a parser upgrade looks like: more read from the same file
        pub = original(path, **kw)
        pub.entities[0].add("notes", "read by a newer parser")
        return pub

    monkeypatch.setattr(eu, "parse", upgraded)
    again = vigil("update", "--mirror", str(mirror), "--only", "eu", "--force", "--json")
    assert again.exit_code == 0, again.stderr
    (entry,) = json.loads(again.stdout)
    assert entry["status"] == "created" and entry["result"]["diff_summary"]["changed"] == 1
    assert "same file as snapshot 1, read differently" in entry["message"]
    assert [d["snapshots"] for d in lists_json()] == [2]
    help_text = " ".join(vigil("update", "--help").stdout.replace("│", " ").split())
    assert "--force" in help_text and "identical content never adds one" in help_text


def test_ingest_force_no_longer_duplicates_a_snapshot(fixtures):
    sample = str(fixtures / "eu" / "fsf_sample.xml")
    assert vigil("ingest", "eu", sample).exit_code == 0
    forced = vigil("ingest", "eu", sample, "--force")
    assert forced.exit_code == 0 and "re-read, same content as snapshot 1" in forced.stdout
    assert [d["snapshots"] for d in lists_json()] == [1]


# -- narrow terminals -------------------------------------------------------------------
def test_diff_table_at_80_columns_shows_ids_whole(fixtures, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert vigil("ingest", "eu", str(fixtures / "eu" / "fsf_sample.xml")).exit_code == 0
    out = vigil("diff", "eu_fsf").stdout
    ids = [e["id"] for e in json.loads(vigil("diff", "eu_fsf", "--json").stdout)["added"]]
    table = [line for line in out.splitlines() if line[:1] in "┏┃┡│└"]
    assert ids and table and all(len(line) <= 80 for line in table)
    rows = [line for line in table if "added" in line]
    assert [line.split("│")[2].strip() for line in rows] == ids[:50]
    assert "…" not in out
