"""Tabular input: CSV/TSV, XLSX and JSON-lines files of parties, read the same way for `vigil batch`
and `vigil book import`.

CSV/TSV text is decoded by what the bytes say, not by hope: a byte-order mark (UTF-8, UTF-16, UTF-32:
Excel's "Unicode Text" is UTF-16 with tabs), else strict UTF-8, else `charset-normalizer`'s reading
(cp1252 when it reads just as well: what Excel writes on Western Windows). The delimiter is sniffed
(`, ; TAB |`). Files that are not text in the format their name says are refused with one line:
an XLSX workbook (a ZIP file) named .csv, an old binary .xls, a PDF, or bytes that decode to control
characters. Every reader yields `(row number as seen in the file, {column: value})`; a row that cannot
be read carries `__error__` instead of failing the run.
"""
from __future__ import annotations

import codecs
import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".json": "jsonl"}
SAMPLE = 64 * 1024
Rows = Iterator[tuple[int, dict[str, Any]]]

# Header spellings recognised for each field, compared after lower-casing and dropping non-alphanumerics.
CANDIDATES = {
    "name": ["name", "fullname", "customername", "clientname", "partyname", "entityname", "legalname",
             "companyname", "counterparty", "beneficiary", "beneficiaryname", "accountname", "nom", "nombre"],
    "dob": ["dob", "birthdate", "dateofbirth", "birthday", "born", "dateborn", "geburtsdatum"],
    "country": ["country", "nationality", "citizenship", "countrycode", "nationalitycode", "residence",
                "countryofresidence", "jurisdiction"],
    "id": ["id", "idnumber", "passport", "passportnumber", "passportno", "nationalid", "documentnumber",
           "registrationnumber", "taxid", "taxnumber", "imo", "imonumber"],
    "schema": ["schema", "type", "entitytype", "partytype"],
    "gender": ["gender", "sex"],
}

# Magic numbers of files that are often misnamed .csv: (prefix, what it is, what to do).
SIGNATURES = (
    (b"PK\x03\x04", "a ZIP file (an XLSX workbook?)", "save it as CSV or give it the .xlsx name"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old binary Excel (.xls) file", "save it as .xlsx or CSV"),
    (b"%PDF", "a PDF document", "export the table as CSV"),
    (b"\x1f\x8b", "a gzip archive", "decompress it first"),
)
BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TabularError(ValueError):
    """An input file that cannot be read as the table it claims to be. Exit code 2, one line."""


@dataclass
class Table:
    """An opened input file: its columns, its rows (read lazily, once) and how its text was read."""

    path: Path
    format: str  # csv | xlsx | jsonl
    headers: list[str]
    rows: Rows
    delimiter: str = ","
    encoding: str | None = None


def detect_format(path: Path) -> str:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise TabularError(f"{path}: unsupported file type {Path(path).suffix!r}; use .csv, .tsv, .xlsx or .jsonl")
    return fmt


def header_key(header: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def read_table(path: Path) -> Table:
    """Open `path` by its extension, checking that its content is what the extension says."""
    path = Path(path)
    if not path.is_file():
        raise TabularError(f"{path}: no such file")
    fmt = detect_format(path)
    return {"csv": read_csv, "xlsx": read_xlsx, "jsonl": read_jsonl}[fmt](path)


# -- text: encoding and content checks -------------------------------------------------

def _head(path: Path, size: int = SAMPLE) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(size)


def _refuse_binary(path: Path, head: bytes, expected: str) -> None:
    for magic, what, fix in SIGNATURES:
        if head.startswith(magic):
            raise TabularError(f"{path}: this is {what}, not {expected}; {fix}")


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes strictly (streamed: C-speed, bounded memory)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: every other byte of ASCII-range text is NUL."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def detect_encoding(path: Path, head: bytes | None = None) -> str:
    """The file's text encoding (a Python codec name); TabularError when it is not text."""
    head = _head(path) if head is None else head
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    guess = _utf16_without_bom(head)
    if guess:
        return guess
    if _decodes(path, "utf-8"):
        return "utf-8"
    from charset_normalizer import from_path

    matches = from_path(path)
    best = matches.best()
    if best is None:
        raise TabularError(f"{path}: not text in any encoding vigil recognises (a binary file?)")
    # Single-byte Latin code pages often read a Western file equally well; prefer cp1252 then,
    # which is what Excel writes on Western Windows (charset-normalizer would pick e.g. cp1250).
    tied = [m.encoding for m in matches if m.chaos <= best.chaos + 0.01]
    if "cp1252" in tied or (best.encoding.startswith(("cp125", "iso8859", "latin", "mac_", "cp8", "cp7"))
                            and best.encoding not in ("cp1251", "cp1253", "cp1255", "cp1256")
                            and _decodes(path, "cp1252") and _same_text(path, best.encoding, "cp1252")):
        return "cp1252"
    return best.encoding


def _same_text(path: Path, a: str, b: str) -> bool:
    raw = _head(path, 1 << 20)
    return raw.decode(a, errors="replace") == raw.decode(b, errors="replace")


def _check_text(path: Path, text: str, expected: str) -> None:
    """Decoded text full of control characters is a binary file that happened to decode."""
    sample = text[:SAMPLE]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or controls > max(2, len(sample) // 200):
        raise TabularError(f"{path}: binary content, not {expected} (control characters in the text)")


def _open_text(path: Path, expected: str) -> tuple[Any, str, str]:
    """(open text file, its encoding, a decoded sample) after the content checks."""
    head = _head(path)
    _refuse_binary(path, head, expected)
    encoding = detect_encoding(path, head)
    fh = open(path, newline="", encoding=encoding, errors="strict")
    try:
        sample = fh.read(SAMPLE)
        fh.seek(0)
    except UnicodeDecodeError:
        fh.close()
        raise TabularError(f"{path}: not valid {encoding} text") from None
    _check_text(path, sample, expected)
    return fh, encoding, sample


def _lines(fh: Any, path: Path, encoding: str) -> Iterator[str]:
    try:
        yield from fh
    except UnicodeDecodeError:
        raise TabularError(f"{path}: not valid {encoding} text further down the file; save it as UTF-8") from None


# -- CSV / TSV -------------------------------------------------------------------

def sniff_delimiter(sample: str) -> str:
    """The field delimiter of CSV/TSV text: `,` `;` TAB or `|`, judged from the first lines."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        # The sniffer wants consistent counts; fall back to the delimiter the header uses most.
        counts = {d: lines[0].count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def read_csv(path: Path) -> Table:
    fh, encoding, sample = _open_text(path, "CSV text")
    delimiter = sniff_delimiter(sample)
    reader = csv.reader(_lines(fh, path, encoding), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        fh.close()
        raise TabularError(f"{path}: the file is empty") from None
    except csv.Error as exc:
        fh.close()
        raise TabularError(f"{path}: unreadable CSV header ({exc})") from None
    if not any(headers):
        fh.close()
        raise TabularError(f"{path}: the first row must hold the column names")

    def rows() -> Rows:
        with fh:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # e.g. a NUL or an unterminated quote: report the row, go on
                    yield reader.line_num, {"__error__": f"unreadable CSV row ({exc})"}
                    continue
                if not any(v.strip() for v in values):
                    continue
                row = {h: (values[i] if i < len(values) else "") for i, h in enumerate(headers)}
                if len(values) > len(headers):
                    row["__error__"] = f"{len(values)} fields, the header has {len(headers)}"
                yield reader.line_num, row

    return Table(path, "csv", headers, rows(), delimiter=delimiter, encoding=encoding)


# -- XLSX ------------------------------------------------------------------------

def read_xlsx(path: Path) -> Table:
    head = _head(path, 8)
    if not head.startswith(b"PK\x03\x04"):
        _refuse_binary(path, head, "an XLSX workbook")
        raise TabularError(f"{path}: not an XLSX workbook (no ZIP container; a CSV file named .xlsx? "
                           "give it the .csv name)")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise TabularError(f"{path}: not a readable XLSX workbook ({exc.__class__.__name__})") from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        headers = ["" if h is None else str(h).strip() for h in next(it)]
    except StopIteration:
        wb.close()
        raise TabularError(f"{path}: the first sheet is empty") from None

    def rows() -> Rows:
        try:
            for i, values in enumerate(it, start=2):
                if not any(v not in (None, "") for v in values):
                    continue
                yield i, {h: cell_text(values[j] if j < len(values) else None) for j, h in enumerate(headers) if h}
        finally:
            wb.close()

    return Table(path, "xlsx", [h for h in headers if h], rows())


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: dates as ISO (a birth-date cell), whole floats without `.0`."""
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "isoformat"):  # datetime cells (dates of birth)
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- JSON lines ------------------------------------------------------------------

def read_jsonl(path: Path) -> Table:
    fh, encoding, _ = _open_text(path, "JSON lines")
    keys: dict[str, None] = {}
    first_seen = False
    with fh:
        for line in _lines(fh, path, encoding):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                if not first_seen:
                    raise TabularError(f"{path}: the first line must be a JSON object") from None
                continue  # reported as a bad row when the rows are read
            if not first_seen and not isinstance(obj, dict):
                raise TabularError(f"{path}: the first line must be a JSON object")
            first_seen = True
            if isinstance(obj, dict):  # objects may each carry different keys: the columns are all of them
                keys.update(dict.fromkeys(str(k) for k in obj))
    if not keys:
        raise TabularError(f"{path}: the first line must be a JSON object")

    def rows() -> Rows:
        with open(path, encoding=encoding) as fh:
            for i, line in enumerate(_lines(fh, path, encoding), start=1):
                line = line.lstrip("\ufeff")
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield i, {"__error__": f"invalid JSON ({exc.msg})", "__raw__": line.rstrip("\n")}
                    continue
                if not isinstance(obj, dict):
                    yield i, {"__error__": "not a JSON object", "__raw__": line.rstrip("\n")}
                    continue
                yield i, obj

    return Table(path, "jsonl", list(keys), rows(), encoding=encoding)


def count_rows(table: Table) -> int | None:
    """Rows to do, for a progress bar's ETA (an estimate: blank lines count); None when unknown."""
    if table.format == "xlsx":
        return None
    with open(table.path, "rb") as fh:  # a newline is one 0x0A byte in UTF-8, UTF-16 and UTF-32 alike
        n = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    return max(n - 1, 0) if table.format == "csv" else n
