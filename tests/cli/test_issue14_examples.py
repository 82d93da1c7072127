"""Issue 14's examples, one test each: exit 2 with one clear line, or the right result."""
from __future__ import annotations

import codecs
import csv
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigil.cli.main import app


@pytest.fixture
def loaded(lists_db, session_cache, monkeypatch):
    monkeypatch.setenv("VIGIL_DATABASE_URL", lists_db)
    monkeypatch.setenv("VIGIL_CACHE_DIR", str(session_cache))
    monkeypatch.setenv("COLUMNS", "200")


def vigil(*args: str):
    return CliRunner().invoke(app, list(args))


def one_clear_line(result, needle: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], result.stderr
    assert "Traceback" not in result.output


# -- typed fields -----------------------------------------------------------------------------------

def test_out_of_range_option_is_a_usage_error_exit_2():
    # typer's own copy of click raises these (not click.ClickException): still input, never "internal error"
    one_clear_line(vigil("screen", "Qasem", "--limit", "0"), "Invalid value for '--limit'")


def test_impossible_birth_date_is_refused_not_truncated(loaded):
    one_clear_line(vigil("screen", "Qasem", "--dob", "1957-13-45"), "month 13 does not exist")


def test_day_after_twelve_reads_month_first(loaded):
    r = vigil("screen", "Qasem Soleimani", "--dob", "03/13/1957", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["query"]["properties"]["birthDate"] == ["1957-03-13"]  # not just 1957


def test_ambiguous_slashed_date_is_refused(loaded):
    one_clear_line(vigil("screen", "Qasem Soleimani", "--dob", "03/11/1957"),
                   "ambiguous: day-month (1957-11-03) or month-day (1957-03-11)")


def test_unknown_gender_is_refused(loaded):
    one_clear_line(vigil("screen", "Qasem", "--gender", "xyz"), "unknown gender 'xyz'")


def test_same_error_text_in_cli_api_and_ui(loaded, lists_db):
    from fastapi.testclient import TestClient

    from vigil.api.app import create_app
    from vigil.api.state import IndexState
    from vigil.store import Store

    cli = vigil("screen", "Qasem", "--dob", "1957-13-45").stderr.split("error:", 1)[1].strip()
    state = IndexState(store=Store(lists_db))
    with TestClient(create_app(state, require_auth=False, watch_interval=0, record=False)) as client:
        api = client.post("/match/default", json={"queries": {"q": {"schema": "Person", "properties": {
            "name": ["Qasem"], "birthDate": ["1957-13-45"]}}}})
        ui = client.get("/", params={"q": "Qasem", "dob": "1957-13-45"}, headers={"Accept": "text/html"})
    assert api.status_code == 400 and api.json()["detail"].endswith(cli)
    assert ui.status_code == 400 and cli.replace("'", "&#39;") in ui.text  # the UI no longer keeps 1957-13-45


# -- input files ------------------------------------------------------------------------------------

def _excel_unicode_text(path: Path, rows: list[list[str]]) -> Path:
    """What Excel writes as "Unicode Text": UTF-16 LE with a BOM, tab-separated, CRLF."""
    path.write_bytes(codecs.BOM_UTF16_LE + "".join("\t".join(r) + "\r\n" for r in rows).encode("utf-16-le"))
    return path


def test_utf16_csv_as_excel_writes_it_is_screened(loaded, tmp_path):
    src = _excel_unicode_text(tmp_path / "u16.csv", [
        ["name", "date_of_birth", "nationality"], ["Qasem Soleimani", "11.03.1957", "Iran"],
        ["Mahmoud Alavi", "1954-04-24", "Iranian"], ["Patricia Lucas Wheeler", "2002-07-14", "Ethiopia"]])
    out = tmp_path / "u16-out.csv"
    r = vigil("batch", str(src), "--out", str(out), "--fail-on-match")
    assert r.exit_code == 1, r.output  # a match: the pipeline does not pass
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert [row["error"] for row in rows] == ["", "", ""]
    assert rows[0]["best_id"] == "ofac-10481" and rows[1]["best_id"] == "ofac-30422"


@pytest.mark.parametrize("content,needle", [
    (bytes(range(256)) * 64, "binary"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 8, "a ZIP file (an XLSX workbook?)"),
], ids=["binary", "xlsx-named-csv"])
def test_binary_or_mislabeled_file_is_refused(loaded, tmp_path, content, needle):
    src = tmp_path / "customers.csv"
    src.write_bytes(content)
    out = tmp_path / "out.csv"
    one_clear_line(vigil("batch", str(src), "--out", str(out)), needle)
    assert not out.exists()


def test_a_run_where_every_row_is_malformed_exits_2(loaded, tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("name,dob\n,1990\nSomeone,yesterday\n", encoding="utf-8")
    r = vigil("batch", str(src), "--out", str(tmp_path / "o.csv"))
    assert r.exit_code == 2, r.output
    assert "every row of" in r.stderr and "malformed" in r.stderr


def test_batch_output_folder_is_checked_before_work(loaded, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("name\nQasem Soleimani\n", encoding="utf-8")
    one_clear_line(vigil("batch", str(src), "--out", str(tmp_path / "missing" / "o.csv")), "does not exist")


# -- news -------------------------------------------------------------------------------------------

def test_scan_html_target_checked_before_scanning(tmp_path):
    """With an empty store: the --html problem is reported first, so nothing was loaded or scanned."""
    article = tmp_path / "a.txt"
    article.write_text("Treasury sanctioned the Islamic Revolutionary Guard Corps on Monday.")
    one_clear_line(vigil("scan", str(article), "--html", "/missing/dir/x.html"), "does not exist")


def test_one_line_article_is_english():
    from vigil.media.language import detect_language

    assert detect_language("Mahmoud Alavi met Qasem Soleimani in Tehran.")[0] == "en"  # was "nl": NER skipped
    assert detect_language("Het is een mooie dag en de zon schijnt op het plein.")[0] == "nl"
    assert detect_language("Die Sanktionen gegen den Iran wurden verschärft und die Bank ist betroffen.")[0] == "de"


def test_exact_name_not_linked_says_exactly_why(loaded, tmp_path):
    article = tmp_path / "one.txt"
    article.write_text("Mahmoud Alavi met Qasem Soleimani in Tehran.\n")
    r = vigil("scan", str(article), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["language"] == "en" if "language" in data else data["article"]["language"] == "en"
    by_name = {u["name"]: u for u in data["unlinked"]}
    alavi = by_name["Mahmoud Alavi"]
    assert alavi["possible_matches"][0]["score"] == 1.0
    assert alavi["possible_matches"][0]["status"] == "possible, not linked"
    assert "the listing's countries (ir) are not named" in alavi["reason"]
    assert "no listed role" in alavi["reason"] and "linked to" in alavi["reason"]


# -- settings and the top level ---------------------------------------------------------------------

@pytest.mark.parametrize("home", ["file", "file/sub"])
def test_bad_vigil_home_is_one_line_exit_2(tmp_path, home):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    env = {**os.environ, "VIGIL_HOME": str(tmp_path / home)}
    env.pop("VIGIL_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", "from vigil.cli.main import main; main()", "lists"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "VIGIL_HOME=" in lines[0], proc.stderr


def test_unexpected_exception_is_one_line_exit_3_and_debug_shows_the_traceback(monkeypatch):
    import vigil.cli.data as data

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(data, "open_store", broken)
    r = vigil("lists")
    assert r.exit_code == 3
    assert r.stderr.strip().splitlines() == [
        "error: internal error (RuntimeError): disk on fire (run with --debug for the traceback)"]
    r = vigil("--debug", "lists")
    assert r.exit_code == 3 and "Traceback" in r.stderr and "disk on fire" in r.stderr


def test_serve_checks_the_port_before_the_store(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {**os.environ, "VIGIL_HOME": str(tmp_path / "home")}
        env.pop("VIGIL_DATABASE_URL", None)
        proc = subprocess.run([sys.executable, "-c", "from vigil.cli.main import main; main()", "serve",
                               "--port", str(port)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1 and f"port {port} on 127.0.0.1 is already in use" in proc.stderr
    assert "no lists loaded" not in proc.stderr  # the store was not even opened
    assert not (tmp_path / "home" / "vigil.db").exists()


def test_diff_with_long_ids_is_readable_at_80_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    long_id = "eu-oj-32024R1485-0099-annex-ii-legal-persons-entities-bodies"
    base = {"id": long_id, "schema": "Organization", "datasets": ["demo_list"],
            "properties": {"name": ["Joint Stock Company Scientific Production Association of Precision Engineering"]}}
    changed = {**base, "properties": {**base["properties"], "alias": ["JSC SPA PIE"]}}
    for i, entity in enumerate((base, changed)):
        path = tmp_path / f"s{i}.ftm.json"
        path.write_text(json.dumps(entity) + "\n")
        assert vigil("ingest", "ftm", str(path), "--as", "demo_list").exit_code == 0
    out = vigil("diff", "demo_list").stdout
    lines = [line for line in out.splitlines() if line[:1] in "┏┃┡│├└"]  # the table
    assert lines and all(len(line) <= 80 for line in lines)
    body = " ".join(line.strip("│ ") for line in lines)
    assert long_id in out and "alias: +JSC SPA PIE" in body and "Joint Stock Company" in body


def test_bench_install_hint_keeps_its_extra():
    import io

    from rich.console import Console

    from vigil.bench.anchors import NOT_INSTALLED
    from vigil.bench.report import Report, Row

    report = Report(rows=[Row("speed", "queries/s", {"vigil": 5000.0, "logic-v2": NOT_INSTALLED})])
    buf = io.StringIO()
    Console(file=buf, width=250, color_system=None).print(report.table())
    assert "[bench]" in buf.getvalue()  # (the column wraps the hint; rich markup used to swallow "[bench]")
