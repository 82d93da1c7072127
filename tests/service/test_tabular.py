"""Tabular input (issue 14): encodings, delimiters, and files that are not what their name says."""
from __future__ import annotations

import codecs
import re

import pytest

from vigil.service.tabular import TabularError, count_rows, read_table

ROWS = [("name", "date_of_birth", "nationality"), ("Qasem Soleimani", "1957-03-11", "Iran"),
        ("José Ñandú Müller", "1961-01-08", "España"), ("François Lefèvre", "1970", "France")]


def text(delimiter: str = ",") -> str:
    return "".join(delimiter.join(row) + "\r\n" for row in ROWS)


def rows_of(path):
    table = read_table(path)
    return table, [row for _, row in table.rows]


@pytest.mark.parametrize("encoding,bom,delimiter", [
    ("utf-8", b"", ","), ("utf-8", codecs.BOM_UTF8, ";"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "\t"),  # Excel's "Unicode Text"
    ("utf-16-be", codecs.BOM_UTF16_BE, ","), ("utf-32-le", codecs.BOM_UTF32_LE, ","),
    ("utf-16-le", b"", "\t"),  # no BOM
    ("cp1252", b"", ";"), ("latin-1", b"", ","),
], ids=["utf8", "utf8-bom", "utf16le-tabs", "utf16be", "utf32", "utf16-no-bom", "cp1252", "latin1"])
def test_encodings_and_delimiters(tmp_path, encoding, bom, delimiter):
    path = tmp_path / "customers.csv"
    path.write_bytes(bom + text(delimiter).encode(encoding))
    table, rows = rows_of(path)
    assert table.headers == list(ROWS[0]) and table.delimiter == delimiter
    assert [tuple(r.values()) for r in rows] == ROWS[1:]
    assert count_rows(read_table(path)) == 3


def test_cp1252_is_preferred_to_other_latin_code_pages(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(text().encode("cp1252"))
    assert read_table(path).encoding == "cp1252"  # charset-normalizer alone says cp1250: Ñ would become Ń


@pytest.mark.parametrize("content,message", [
    (b"PK\x03\x04" + b"\x00" * 200, "a ZIP file (an XLSX workbook?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "old binary Excel (.xls)"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 4, "a PDF document"),
    (bytes(range(256)) * 40, "binary"),
    (b"", "the file is empty"),
], ids=["zip", "xls", "pdf", "bytes", "empty"])
def test_files_that_are_not_csv_are_refused(tmp_path, content, message):
    path = tmp_path / "customers.csv"
    path.write_bytes(content)
    with pytest.raises(TabularError, match=re.escape(message)):
        read_table(path)


def test_real_xlsx_named_csv(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    for row in ROWS:
        wb.active.append(list(row))
    path = tmp_path / "book.csv"
    wb.save(path)
    with pytest.raises(TabularError, match="XLSX workbook"):
        read_table(path)
    good = tmp_path / "book.xlsx"
    wb.save(good)
    assert [tuple(r.values()) for _, r in read_table(good).rows] == ROWS[1:]
    bad = tmp_path / "text.xlsx"
    bad.write_text(text(), encoding="utf-8")
    with pytest.raises(TabularError, match="a CSV file named .xlsx"):
        read_table(bad)


def test_jsonl_utf16_and_bad_lines(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + '{"name": "Ali"}\n{"name": "Bo", "dob": "1990"}\nnot json\n'
                     .encode("utf-16-le"))
    table, rows = rows_of(path)
    assert table.headers == ["name", "dob"]  # every object's keys
    assert rows[0] == {"name": "Ali"} and "invalid JSON" in rows[2]["__error__"]
