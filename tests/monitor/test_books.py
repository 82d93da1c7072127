"""Books: import CSV/XLSX/JSONL with column auto-detection, upsert by customer id, clear errors."""
from __future__ import annotations

import json

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from vigil.service import audit
from vigil.cli.main import app
from vigil.monitor import BookError, ColumnMapping, import_book, list_books
from vigil.monitor import tables as t


def _customers(engine):
    with engine.connect() as conn:
        return {r.customer_id: r for r in conn.execute(select(t.customers))}


def test_csv_import_detects_columns_and_builds_queries(store, fixtures):
    result = import_book("retail", fixtures / "monitor" / "customers.csv", engine=store.engine)
    assert (result.rows, result.added, result.updated) == (4, 4, 0)
    assert result.mapping["id"] == "Customer ID" and result.mapping["name"] == "Full Name"
    assert result.mapping["dob"] == "Date of Birth" and result.mapping["id_number"] == "Passport"
    rows = _customers(store.engine)
    alavi = json.loads(rows["C001"].data)
    assert alavi["schema"] == "Person"
    assert alavi["properties"]["name"] == ["Mahmoud Alavi"]
    assert alavi["properties"]["birthDate"] == ["1954-04-24"]
    assert json.loads(rows["C004"].data)["schema"] == "Company"
    assert all(r.pending for r in rows.values())
    [info] = list_books(store.engine)
    assert (info.name, info.customers, info.pending) == ("retail", 4, 4)
    assert [e.action for e in audit.entries(store.engine)] == ["book.import"]


def test_reimport_updates_by_id_and_marks_only_changed_rows(store, fixtures, tmp_path):
    import_book("retail", fixtures / "monitor" / "customers.csv", engine=store.engine)
    with store.engine.begin() as conn:  # as after a monitoring run
        conn.execute(t.customers.update().values(pending=False))
    edited = tmp_path / "customers.csv"
    text = (fixtures / "monitor" / "customers.csv").read_text()
    edited.write_text(text.replace("John Smith", "John Smyth") + "C005,Ali Khamenei,person,,,\n")
    result = import_book("retail", edited, engine=store.engine)
    assert (result.added, result.updated, result.unchanged) == (1, 1, 3)
    rows = _customers(store.engine)
    assert {cid for cid, r in rows.items() if r.pending} == {"C003", "C005"}
    assert rows["C003"].name == "John Smyth"


def test_xlsx_and_jsonl_with_explicit_mapping(store, fixtures, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Client No", "Party", "Kind"])
    ws.append([101, "Hizballah Trading", "organisation"])
    ws.append([102, "Jane Doe", "individual"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    result = import_book("corporate", path, ColumnMapping(id="Client No", name="Party", schema="Kind"),
                         engine=store.engine)
    assert result.added == 2
    rows = _customers(store.engine)
    assert json.loads(rows["101"].data)["schema"] == "Organization"

    result = import_book("journalists", fixtures / "monitor" / "customers.jsonl",
                         ColumnMapping(id="cid", dob="born", schema="kind"), engine=store.engine)
    assert result.added == 2 and result.mapping["name"] == "name"
    assert json.loads(_customers(store.engine)["J2"].data)["properties"]["birthDate"] == ["1975"]


def test_bad_books_give_clear_errors(store, tmp_path):
    no_id = tmp_path / "noid.csv"
    no_id.write_text("who,where\nA,B\n")
    with pytest.raises(BookError, match="no customer id column"):
        import_book("x", no_id, engine=store.engine)
    dup = tmp_path / "dup.csv"
    dup.write_text("id,name\n1,A\n1,B\n")
    with pytest.raises(BookError, match="appears twice"):
        import_book("x", dup, engine=store.engine)
    with pytest.raises(BookError, match="not in the file"):
        import_book("x", dup, ColumnMapping(id="customer"), engine=store.engine)
    binary = tmp_path / "b.xlsx"
    binary.write_bytes(b"\x00\x01garbage")
    with pytest.raises(BookError, match="XLSX"):
        import_book("x", binary, engine=store.engine)
    assert list_books(store.engine) == []  # nothing half-written


def test_cli_import_and_list(store, fixtures, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["book", "import", "retail", str(fixtures / "monitor" / "customers.csv")])
    assert res.exit_code == 0, res.output
    assert "4 added" in res.output
    listed = runner.invoke(app, ["book", "list", "--json"])
    assert json.loads(listed.stdout)[0]["customers"] == 4
    missing = runner.invoke(app, ["book", "import", "retail", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_bad_rows_are_reported_with_their_number_and_skipped(store, tmp_path):
    path = tmp_path / "book.csv"
    path.write_text("id,name,dob,country\n1,Ali Khamenei,1939-04-19,Iran\n2,Jane Roe,sometime,\n3,,1970,\n"
                    "4,John Roe,1970,Utopia\n5,Extra Field,1970,fr,oops\n")
    result = import_book("x", path, engine=store.engine)
    assert result.added == 2
    assert any(p.startswith("row 3:") and "date of birth" in p for p in result.skipped)
    assert any(p.startswith("row 4:") and "no name" in p for p in result.skipped)
    assert any(p.startswith("row 6:") and "fields" in p for p in result.skipped)
    rows = _customers(store.engine)
    assert json.loads(rows["1"].data)["properties"]["country"] == ["ir"]
    assert "country" not in json.loads(rows["4"].data)["properties"]  # unknown country ignored, as in batch
