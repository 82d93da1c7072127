"""Batch screening of a customer file: CSV, XLSX or JSON lines in, the same format out.

Each output row is the input row plus decision-ready columns (match_count,
best_id, best_caption, best_score, best_match, best_explanation, best_party, best_referents, top_ids, error).
Results are parties by default (`best_id` is the best party's best-matching list record, `best_party` its
`vp-` id, `best_referents` all its records in scope, `top_ids` one record per party); with per-record
options (`ScreenOptions(merge=False)`, `vigil batch --per-record`) one result per list record.

Resumable: every finished row is appended (and flushed) to a sidecar progress
file `OUTPUT.progress.jsonl` before the next one starts. Rerunning the same
command after Ctrl-C or a crash rewrites the output from the sidecar and
continues with the first unfinished row, so no row is screened or written twice.
The sidecar is removed when the run completes. XLSX output is written at the end.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from vigil.service.fields import Fields
from vigil.service.screening import QueryError, ScreenOptions, Screener, explain
from vigil.service.tabular import CANDIDATES, Table, TabularError, count_rows, detect_format, header_key, read_table

RESULT_COLUMNS = ["match_count", "best_id", "best_caption", "best_score", "best_match", "best_explanation",
                  "best_party", "best_referents", "top_ids", "error"]
Progress = Callable[[int, "int | None"], None]  # (rows done, rows in all or None): the CLI draws the bar


class BatchError(TabularError):
    """The run cannot start (unreadable input, no name column, mismatched progress file). Exit code 2."""


@dataclass
class Columns:
    name: str | None = None
    dob: str | None = None
    country: str | None = None
    id: str | None = None
    schema: str | None = None
    gender: str | None = None


@dataclass
class BatchSummary:
    rows: int = 0
    resumed: int = 0
    matched: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0
    columns: Columns = field(default_factory=Columns)

    @property
    def all_malformed(self) -> bool:
        """Every row failed: the file was not what it seemed (exit 2, not a clean run)."""
        return self.rows > 0 and len(self.errors) == self.rows


def detect_columns(headers: list[str], given: Columns) -> Columns:
    """Resolve explicit column names (must exist) and auto-detect the rest from common headers."""
    by_key: dict[str, str] = {}
    for h in headers:
        by_key.setdefault(header_key(h), h)
    out = Columns()
    for fld in ("name", "dob", "country", "id", "schema", "gender"):
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


# -- one row -----------------------------------------------------------------

def fields_of(row: dict[str, Any], cols: Columns, schema: str | None = None) -> Fields:
    """The raw fields of one input row (a per-row schema column wins over --schema)."""
    def cell(col: str | None) -> str | None:
        value = row.get(col) if col else None
        return None if value is None else str(value)

    return Fields(name=cell(cols.name), schema=cell(cols.schema) or schema, dob=cell(cols.dob),
                  country=cell(cols.country), id_number=cell(cols.id), gender=cell(cols.gender))


def screen_row(screener: Screener, row: dict[str, Any], cols: Columns, opts: ScreenOptions,
               schema: str | None) -> dict[str, Any]:
    """The result columns for one input row; bad rows raise QueryError (the `error` column)."""
    if "__error__" in row:
        raise QueryError(row["__error__"])
    results = screener.screen(screener.query(fields_of(row, cols, schema)), opts).results
    best = results[0] if results else None
    return {
        "match_count": sum(1 for r in results if r["match"]),
        "best_id": best["id"] if best else "",
        "best_caption": best["caption"] if best else "",
        "best_score": round(best["score"], 4) if best else "",
        "best_match": bool(best and best["match"]),
        "best_explanation": explain(best) if best else "",
        "best_party": (best.get("party") or "") if best else "",
        "best_referents": ";".join(best.get("referents") or ()) if best and best.get("records") is not None else "",
        "top_ids": ";".join(r["id"] for r in results),
        "error": "",
    }


def output_headers(headers: list[str]) -> list[str]:
    """The columns of the output: the input's, then the result columns it does not already have."""
    return headers + [c for c in RESULT_COLUMNS if c not in headers]


def output_row(screener: Screener, row: dict[str, Any], headers: list[str], cols: Columns, opts: ScreenOptions,
               schema: str | None) -> dict[str, Any]:
    """One input row -> its output row (input columns, then the result columns). The one row function of
    every engine: single-process batch below and the Spark engine (vigil.spark) both call it."""
    try:
        result = screen_row(screener, row, cols, opts, schema)
    except QueryError as exc:
        result = _error_result(str(exc))
    base = {h: row.get(h, "") for h in headers} if "__raw__" not in row else {headers[0]: row["__raw__"]}
    return {**base, **result}


def _error_result(message: str) -> dict[str, Any]:
    return {"match_count": "", "best_id": "", "best_caption": "", "best_score": "", "best_match": "",
            "best_explanation": "", "best_party": "", "best_referents": "", "top_ids": "", "error": message}


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
            self.csv.writerow({k: csv_value(v) for k, v in row.items()})
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


def csv_value(value: Any) -> Any:
    """A cell as the CSV writer writes it (booleans as true/false, lists and objects as JSON)."""
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
                    "datasets": opts.datasets, **({} if opts.merge else {"per_record": True})},
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


def check_output(out: Path) -> None:
    """The output can be written where asked: checked before any work starts."""
    out = Path(out)
    if out.is_dir():
        raise BatchError(f"{out} is a folder; --out needs a file name")
    parent = out.resolve().parent
    if not parent.is_dir():
        raise BatchError(f"cannot write {out}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise BatchError(f"cannot write {out}: permission denied")


def open_input(input: Path, out: Path, columns: Columns | None = None) -> tuple[Table, Columns]:
    """Check the run can start (readable input, writable output of the same format, a name column)."""
    input, out = Path(input), Path(out)
    if not input.is_file():
        raise BatchError(f"{input}: no such file")
    fmt = detect_format(input)
    if detect_format(out) != fmt:
        raise BatchError(f"output must have the same format as the input ({fmt}): got {out.name}")
    if input.resolve() == out.resolve():
        raise BatchError("the output must not overwrite the input")
    check_output(out)
    table = read_table(input)
    return table, detect_columns(table.headers, columns or Columns())


def run_batch(
    input: Path,
    out: Path,
    matcher: Any,
    opts: ScreenOptions,
    columns: Columns | None = None,
    schema: str | None = None,
    restart: bool = False,
    progress: Progress | None = None,
) -> BatchSummary:
    """Screen every row of `input` into `out`; resumes from `out`'s progress file unless `restart`.

    `matcher` is a matcher or a `Screener`; `progress(done, total)` is called as rows finish."""
    input, out = Path(input), Path(out)
    screener = matcher if isinstance(matcher, Screener) else Screener(matcher)
    table, cols = open_input(input, out, columns)
    headers = table.headers
    out_headers = output_headers(headers)

    side = progress_path(out)
    key = _run_key(input, cols, opts, schema)
    if restart and side.exists():
        side.unlink()
    done = _load_progress(side, key)
    summary = BatchSummary(columns=cols, resumed=len(done))
    done_rows = {rec["row"] for rec in done}

    writer = _Writer(out, table.format, out_headers, table.delimiter)
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
    total = count_rows(table) if progress else None
    finished = len(done)
    try:
        if progress:
            progress(finished, total)
        for line_no, row in table.rows:
            if line_no in done_rows:
                continue
            out_row = output_row(screener, row, headers, cols, opts, schema)
            rec = {"row": line_no, "out": out_row}
            side_fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
            side_fh.flush()
            writer.write(out_row)
            writer.flush()
            _tally(summary, rec)
            finished += 1
            if progress:
                progress(finished, total)
        complete = True
    finally:
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


# -- the record of a run ---------------------------------------------------------------

def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def record_run(engine: Any, actor: str, input: Path, out: Path, opts: ScreenOptions, status: str,
               summary: BatchSummary | None = None) -> None:
    """One audit event per batch run (`screening.batch`): the input file (name and SHA-256), the
    options and the counts; an interrupted run counts the rows its progress file holds."""
    from vigil.service import audit

    input, out = Path(input), Path(out)
    payload: dict[str, Any] = {
        "endpoint": "cli:batch", "status": status, "input": input.name, "input_sha256": file_sha256(input),
        "output": out.name, "threshold": opts.threshold, "limit": opts.limit, "algorithm": opts.algorithm,
        "datasets": opts.datasets, "per_record": not opts.merge,
    }
    if summary is not None:
        payload.update(rows=summary.rows, resumed=summary.resumed, matched=summary.matched,
                       errors=len(summary.errors), seconds=round(summary.seconds, 3))
    else:  # interrupted: the progress file holds the finished rows (after its one header line)
        side = progress_path(out)
        if side.exists():
            with open(side, "rb") as fh:
                payload["rows"] = max(0, sum(1 for line in fh if line.strip()) - 1)
    audit.append(actor, "screening.batch", payload, engine=engine)
