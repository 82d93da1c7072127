"""Batch screening of a customer file: CSV, XLSX or JSON lines in, the same format out.

Each output row is the input row plus decision-ready columns (match_count,
best_id, best_caption, best_score, best_match, best_explanation, top_ids, error).

Resumable: every finished row is appended (and flushed) to a sidecar progress
file `OUTPUT.progress.jsonl` before the next one starts. Rerunning the same
command after Ctrl-C or a crash rewrites the output from the sidecar and
continues with the first unfinished row, so no row is screened or written twice.
The sidecar is removed when the run completes. XLSX output is written at the end.
"""
from __future__ import annotations

import csv
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from vigil.service.screening import QueryError, ScreenOptions, explain, query_from_fields, screen
from vigil.sources.countries import to_code
from vigil.sources.dates import parse_date

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".json": "jsonl"}
RESULT_COLUMNS = ["match_count", "best_id", "best_caption", "best_score", "best_match", "best_explanation",
                  "top_ids", "error"]

# Header spellings we recognise, compared after lower-casing and dropping non-letters.
CANDIDATES = {
    "name": ["name", "fullname", "customername", "clientname", "partyname", "entityname", "legalname",
             "companyname", "counterparty", "beneficiary", "beneficiaryname", "accountname", "nom", "nombre"],
    "dob": ["dob", "birthdate", "dateofbirth", "birthday", "born", "dateborn", "geburtsdatum"],
    "country": ["country", "nationality", "citizenship", "countrycode", "nationalitycode", "residence",
                "countryofresidence", "jurisdiction"],
    "id": ["id", "idnumber", "passport", "passportnumber", "passportno", "nationalid", "documentnumber",
           "registrationnumber", "taxid", "taxnumber", "imo", "imonumber"],
    "schema": ["schema", "type", "entitytype", "partytype"],
}


class BatchError(ValueError):
    """The run cannot start (unreadable input, no name column, mismatched progress file). Exit code 2."""


@dataclass
class Columns:
    name: str | None = None
    dob: str | None = None
    country: str | None = None
    id: str | None = None
    schema: str | None = None


@dataclass
class BatchSummary:
    rows: int = 0
    resumed: int = 0
    matched: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0
    columns: Columns = field(default_factory=Columns)


def detect_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BatchError(f"{path}: unsupported file type {path.suffix!r}; use .csv, .xlsx or .jsonl")
    return fmt


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def detect_columns(headers: list[str], given: Columns) -> Columns:
    """Resolve explicit column names (must exist) and auto-detect the rest from common headers."""
    by_key = {}
    for h in headers:
        by_key.setdefault(_key(h), h)
    out = Columns()
    for fld in ("name", "dob", "country", "id", "schema"):
        explicit = getattr(given, fld)
        if explicit:
            if explicit not in headers:
                raise BatchError(f"column {explicit!r} (--{fld}-col) not in the input; columns are: {', '.join(headers)}")
            setattr(out, fld, explicit)
            continue
        for cand in CANDIDATES[fld]:
            if cand in by_key:
                setattr(out, fld, by_key[cand])
                break
    if out.name is None:
        raise BatchError(
            f"no name column found among: {', '.join(headers) or '(none)'}; name it with --name-col"
        )
    return out


# -- readers: (row number as seen in the file, {column: value}) ---------------------

def _sniff_csv(sample: str) -> csv.Dialect | type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def read_csv(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    try:
        fh = open(path, newline="", encoding="utf-8-sig")
        sample = fh.read(64 * 1024)
    except UnicodeDecodeError:
        fh = open(path, newline="", encoding="cp1252")
        sample = fh.read(64 * 1024)
    fh.seek(0)
    reader = csv.reader(fh, _sniff_csv(sample))
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        fh.close()
        raise BatchError(f"{path}: the file is empty") from None
    if not any(headers):
        fh.close()
        raise BatchError(f"{path}: the first row must hold the column names")

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with fh:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                row = {h: (values[i] if i < len(values) else "") for i, h in enumerate(headers)}
                if len(values) > len(headers):
                    row["__error__"] = f"{len(values)} fields, the header has {len(headers)}"
                yield line, row

    return headers, rows()


def read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise BatchError(f"{path}: not a readable XLSX workbook ({exc.__class__.__name__})") from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        headers = ["" if h is None else str(h).strip() for h in next(it)]
    except StopIteration:
        wb.close()
        raise BatchError(f"{path}: the first sheet is empty") from None

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for i, values in enumerate(it, start=2):
                if not any(v not in (None, "") for v in values):
                    continue
                yield i, {h: _cell(values[j] if j < len(values) else None) for j, h in enumerate(headers) if h}
        finally:
            wb.close()

    return [h for h in headers if h], rows()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "isoformat"):  # datetime cells (dates of birth)
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_jsonl(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    headers: list[str] = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:  # headers: the keys of the first object (others may add more)
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError:
                    first = None
                if isinstance(first, dict):
                    headers = [str(k) for k in first]
                break
    if not headers:
        raise BatchError(f"{path}: the first line must be a JSON object")

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with open(path, encoding="utf-8-sig") as fh:
            for i, line in enumerate(fh, start=1):
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

    return headers, rows()


READERS = {"csv": read_csv, "xlsx": read_xlsx, "jsonl": read_jsonl}


def count_rows(path: Path, fmt: str) -> int | None:
    """Rows to do, for the progress bar's ETA (an estimate: blank lines count)."""
    if fmt == "xlsx":
        return None
    with open(path, "rb") as fh:
        n = sum(1 for line in fh if line.strip())
    return max(n - 1, 0) if fmt == "csv" else n


# -- one row -----------------------------------------------------------------

def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def screen_row(matcher: Any, row: dict[str, Any], cols: Columns, opts: ScreenOptions,
               schema: str | None) -> dict[str, Any]:
    """The result columns for one input row; bad rows get an `error` and no results."""
    if "__error__" in row:
        raise QueryError(row["__error__"])
    name = _text(row.get(cols.name))
    if not name:
        raise QueryError(f"empty name in column {cols.name!r}")
    dob = None
    if cols.dob and _text(row.get(cols.dob)):
        dates = parse_date(_text(row.get(cols.dob)))
        if not dates:
            raise QueryError(f"unreadable date of birth {_text(row.get(cols.dob))!r}")
        dob = dates[0]
    country = None
    if cols.country and _text(row.get(cols.country)):
        raw = _text(row.get(cols.country))
        country = to_code(raw)  # unknown countries are ignored rather than failing the row
    id_number = _text(row.get(cols.id)) if cols.id else ""
    row_schema = (_text(row.get(cols.schema)) if cols.schema else "") or schema
    query = query_from_fields(name, schema=row_schema, dob=dob, country=country, id_number=id_number or None)
    resp = screen(matcher, query, opts)
    results = resp["results"]
    best = results[0] if results else None
    return {
        "match_count": sum(1 for r in results if r["match"]),
        "best_id": best["id"] if best else "",
        "best_caption": best["caption"] if best else "",
        "best_score": round(best["score"], 4) if best else "",
        "best_match": bool(best and best["match"]),
        "best_explanation": explain(best) if best else "",
        "top_ids": ";".join(r["id"] for r in results),
        "error": "",
    }


def _error_result(message: str) -> dict[str, Any]:
    return {"match_count": "", "best_id": "", "best_caption": "", "best_score": "", "best_match": "",
            "best_explanation": "", "top_ids": "", "error": message}


# -- writers -------------------------------------------------------------------

class _Writer:
    """Streams rows to CSV / JSONL as they finish; collects them for XLSX (written at close)."""

    def __init__(self, path: Path, fmt: str, headers: list[str], delimiter: str = ","):
        self.path, self.fmt, self.headers = path, fmt, headers
        self.rows: list[dict[str, Any]] = []
        self.fh = None
        if fmt in ("csv", "jsonl"):
            self.fh = open(path, "w", newline="", encoding="utf-8")
            if fmt == "csv":
                self.csv = csv.DictWriter(self.fh, fieldnames=headers, delimiter=delimiter, extrasaction="ignore")
                self.csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        if self.fmt == "csv":
            self.csv.writerow({k: _csv_value(v) for k, v in row.items()})
        elif self.fmt == "jsonl":
            self.fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        else:
            self.rows.append(row)

    def flush(self) -> None:
        if self.fh:
            self.fh.flush()

    def close(self, complete: bool) -> None:
        if self.fh:
            self.fh.close()
        if self.fmt == "xlsx" and complete:
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("screening")
            ws.append(self.headers)
            for row in self.rows:
                ws.append([_xlsx_value(row.get(h)) for h in self.headers])
            tmp = self.path.with_name(self.path.name + ".tmp")
            wb.save(tmp)
            os.replace(tmp, self.path)


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


# -- the run -------------------------------------------------------------------

def progress_path(out: Path) -> Path:
    return out.with_name(out.name + ".progress.jsonl")


def _run_key(input: Path, cols: Columns, opts: ScreenOptions, schema: str | None) -> dict[str, Any]:
    st = input.stat()
    return {
        "input": str(input.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
        "columns": asdict(cols), "schema": schema,
        "options": {"limit": opts.limit, "threshold": opts.threshold, "algorithm": opts.algorithm,
                    "datasets": opts.datasets},
    }


def _load_progress(path: Path, key: dict[str, Any]) -> list[dict[str, Any]]:
    """Finished rows from an earlier run; drops a torn last line (the process died mid-write)."""
    if not path.exists():
        return []
    done: list[dict[str, Any]] = []
    with open(path, "rb") as fh:
        raw = fh.read()
    lines = raw.split(b"\n")
    good_bytes = 0
    for i, line in enumerate(lines):
        if not line.strip():
            good_bytes += len(line) + (1 if i < len(lines) - 1 else 0)
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            break
        if i == 0:
            if rec.get("run") != key:
                raise BatchError(
                    f"{path} holds progress of a different run (other input file, columns or options); "
                    "rerun with the same options, or pass --restart to start over"
                )
        else:
            done.append(rec)
        good_bytes += len(line) + 1
    if good_bytes < len(raw):
        with open(path, "r+b") as fh:
            fh.truncate(good_bytes)
    return done


def open_input(input: Path, out: Path, columns: Columns | None = None):
    """Check the run can start (readable input, same format out, a name column): (format, headers, rows, columns)."""
    input, out = Path(input), Path(out)
    if not input.is_file():
        raise BatchError(f"{input}: no such file")
    fmt = detect_format(input)
    if detect_format(out) != fmt:
        raise BatchError(f"output must have the same format as the input ({fmt}): got {out.name}")
    if input.resolve() == out.resolve():
        raise BatchError("the output must not overwrite the input")
    headers, rows = READERS[fmt](input)
    return fmt, headers, rows, detect_columns(headers, columns or Columns())


def run_batch(
    input: Path,
    out: Path,
    matcher: Any,
    opts: ScreenOptions,
    columns: Columns | None = None,
    schema: str | None = None,
    restart: bool = False,
    progress: bool = False,
) -> BatchSummary:
    """Screen every row of `input` into `out`; resumes from `out`'s progress file unless `restart`."""
    input, out = Path(input), Path(out)
    fmt, headers, rows, cols = open_input(input, out, columns)
    out_headers = headers + [c for c in RESULT_COLUMNS if c not in headers]

    delimiter = ","
    if fmt == "csv":
        with open(input, newline="", encoding="utf-8-sig", errors="replace") as fh:
            delimiter = getattr(_sniff_csv(fh.read(64 * 1024)), "delimiter", ",")

    side = progress_path(out)
    key = _run_key(input, cols, opts, schema)
    if restart and side.exists():
        side.unlink()
    done = _load_progress(side, key)
    summary = BatchSummary(columns=cols, resumed=len(done))
    done_rows = {rec["row"] for rec in done}

    writer = _Writer(out, fmt, out_headers, delimiter)
    for rec in done:  # rewrite what earlier runs finished, so the output and the sidecar agree
        writer.write(rec["out"])
        _tally(summary, rec)
    writer.flush()

    new_side = not side.exists() or side.stat().st_size == 0
    side_fh = open(side, "a", encoding="utf-8")
    if new_side:
        side_fh.write(json.dumps({"run": key}) + "\n")
        side_fh.flush()

    started = time.perf_counter()
    complete = False
    bar = _progress(count_rows(input, fmt), len(done)) if progress else None
    try:
        if bar:
            bar[0].start()
        for line_no, row in rows:
            if line_no in done_rows:
                continue
            try:
                result = screen_row(matcher, row, cols, opts, schema)
            except QueryError as exc:
                result = _error_result(str(exc))
            base = {h: row.get(h, "") for h in headers} if "__raw__" not in row else {headers[0]: row["__raw__"]}
            out_row = {**base, **result}
            rec = {"row": line_no, "out": out_row}
            side_fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
            side_fh.flush()
            writer.write(out_row)
            writer.flush()
            _tally(summary, rec)
            if bar:
                bar[0].advance(bar[1])
        complete = True
    finally:
        if bar:
            bar[0].stop()
        side_fh.close()
        writer.close(complete)
        summary.seconds = time.perf_counter() - started
    side.unlink()
    return summary


def _tally(summary: BatchSummary, rec: dict[str, Any]) -> None:
    summary.rows += 1
    res = rec["out"]
    if res.get("error"):
        summary.errors.append((rec["row"], res["error"]))
    elif res.get("match_count"):
        summary.matched += 1


def _progress(total: int | None, already: int):
    from rich.progress import (
        BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from vigil.cli.common import err_console

    class _Rate(TextColumn):
        def __init__(self):
            super().__init__("")

        def render(self, task):  # rows per second over this run (resumed rows excluded)
            from rich.text import Text

            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} rows/s" if speed else "… rows/s", style="cyan")

    prog = Progress(
        TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(), _Rate(),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err_console, transient=False,
    )
    task = prog.add_task("screening", total=total, completed=already)
    return prog, task
