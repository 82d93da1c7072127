"""Customer books: named sets of customers (or counterparties) with a stable customer id.

`import_book(name, path)` reads CSV, XLSX or JSON lines with the same column mapping as
`vigil batch` and upserts by customer id. A row whose content changed (or that is new) is
marked `pending`, so the next monitoring run screens it against all lists; unchanged rows
cost nothing. Rows absent from a re-import are kept (books are often imported in parts).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Engine, Integer, cast, func, insert, select, update

from vigil.service import audit
from vigil.model import Entity, SchemaError
from vigil.monitor import tables as t
from vigil.monitor.alerts import OPEN_STATUSES
from vigil.monitor.columns import ColumnError, ColumnMapping, read_rows
from vigil.service.screening import query_from_fields
from vigil.sources.countries import to_code
from vigil.sources.dates import parse_date

MAX_BOOK_NAME = 200


class BookError(ValueError):
    """Bad book input (missing file, no id column, duplicate ids ...). Exit code 2 in the CLI."""


@dataclass
class ImportResult:
    book: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "row 7: no name"
    mapping: dict[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class BookInfo:
    name: str
    customers: int
    pending: int
    open_alerts: int
    created_at: str
    updated_at: str
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def query_entity(row: dict[str, str | None]) -> Entity:
    """The entity a customer is screened as, built exactly as a `vigil batch` row is."""
    dob = None
    if row.get("dob"):
        dates = parse_date(row["dob"])
        if not dates:
            raise ValueError(f"unreadable date of birth {row['dob']!r}")
        dob = dates[0]
    country = to_code(row["country"]) if row.get("country") else None  # unknown countries are ignored
    return query_from_fields(row["name"] or "", schema=row.get("schema"), dob=dob, country=country,
                             id_number=row.get("id_number"))


def content_hash(entity: Entity) -> str:
    data = entity.to_dict()
    canonical = {"schema": data["schema"], "properties": {k: sorted(v) for k, v in data["properties"].items()}}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def import_book(name: str, path: str | Path, mapping: ColumnMapping | None = None, *,
                engine: Engine | None = None, actor: str = "cli") -> ImportResult:
    name = (name or "").strip()
    if not name or len(name) > MAX_BOOK_NAME:
        raise BookError(f"book name must be 1-{MAX_BOOK_NAME} characters")
    engine = engine or default_engine()
    t.ensure_tables(engine)
    mapping = mapping or ColumnMapping()
    result = ImportResult(book=name)
    parsed: dict[str, tuple[Entity, str]] = {}
    try:
        resolved, rows = read_rows(Path(path), mapping)
    except ColumnError as exc:
        raise BookError(str(exc)) from None
    result.mapping = resolved.to_dict()
    if not resolved.id:
        raise BookError(f"{path}: no customer id column found; name it with --id-col (columns: {', '.join(resolved.columns)})")
    if not resolved.name:
        raise BookError(f"{path}: no name column found; name it with --name-col (columns: {', '.join(resolved.columns)})")
    try:
        _collect(rows, parsed, result, path)
    except ColumnError as exc:
        raise BookError(str(exc)) from None
    if not parsed:
        raise BookError(f"{path}: no usable rows ({'; '.join(result.skipped[:3]) or 'file is empty'})")
    return _store(engine, name, path, parsed, result, actor)


def _collect(rows, parsed: dict[str, tuple[Entity, str]], result: ImportResult, path) -> None:
    for number, row in rows:
        result.rows += 1
        if row.get("error"):
            result.skipped.append(f"row {number}: {row['error']}")
            continue
        cid, cname = row.get("id"), row.get("name")
        if not cid:
            result.skipped.append(f"row {number}: no customer id")
            continue
        if not cname:
            result.skipped.append(f"row {number}: no name (customer {cid})")
            continue
        if cid in parsed:
            raise BookError(f"{path}: row {number}: customer id {cid!r} appears twice")
        try:
            entity = query_entity(row)
        except (ValueError, SchemaError) as exc:  # unknown type value and similar: report the row, keep going
            result.skipped.append(f"row {number}: {exc}")
            continue
        parsed[cid] = (entity, content_hash(entity))


def _store(engine: Engine, name: str, path, parsed: dict[str, tuple[Entity, str]], result: ImportResult,
           actor: str) -> ImportResult:
    stamp = t.now()
    with engine.begin() as conn:
        book = conn.execute(select(t.books.c.id).where(t.books.c.name == name)).scalar()
        if book is None:
            book = conn.execute(insert(t.books).values(name=name, created_at=stamp, updated_at=stamp,
                                                      source=str(path))).inserted_primary_key[0]
        else:
            conn.execute(update(t.books).where(t.books.c.id == book).values(updated_at=stamp, source=str(path)))
        existing = {r.customer_id: (r.id, r.row_hash) for r in conn.execute(
            select(t.customers.c.customer_id, t.customers.c.id, t.customers.c.row_hash)
            .where(t.customers.c.book_id == book))}
        new_rows = []
        for cid, (entity, digest) in parsed.items():
            values = dict(name=entity.caption, schema=entity.schema.name, data=json.dumps(entity.to_dict()),
                          row_hash=digest, pending=True, updated_at=stamp, match_keys=None, keys_version=None)
            if cid not in existing:
                new_rows.append(dict(book_id=book, customer_id=cid, **values))
                result.added += 1
            elif existing[cid][1] != digest:
                conn.execute(update(t.customers).where(t.customers.c.id == existing[cid][0]).values(**values))
                result.updated += 1
            else:
                result.unchanged += 1
        for start in range(0, len(new_rows), 5000):
            conn.execute(insert(t.customers), new_rows[start:start + 5000])
        audit.append(actor, "book.import", {
            "book": name, "file": str(path), "rows": result.rows, "added": result.added,
            "updated": result.updated, "unchanged": result.unchanged, "skipped": len(result.skipped),
        }, conn=conn)
    return result


def list_books(engine: Engine | None = None) -> list[BookInfo]:
    engine = engine or default_engine()
    t.ensure_tables(engine)
    with engine.connect() as conn:
        counts = {r.book_id: (r.n, r.pending or 0) for r in conn.execute(
            select(t.customers.c.book_id, func.count().label("n"),
                   func.sum(cast(t.customers.c.pending, Integer)).label("pending"))
            .group_by(t.customers.c.book_id))}
        open_alerts = {r.book: r.n for r in conn.execute(
            select(t.alerts.c.book, func.count().label("n"))
            .where(t.alerts.c.status.in_(OPEN_STATUSES)).group_by(t.alerts.c.book))}
        out = []
        for row in conn.execute(select(t.books).order_by(t.books.c.name)):
            n, pending = counts.get(row.id, (0, 0))
            out.append(BookInfo(row.name, n, int(pending), open_alerts.get(row.name, 0),
                                row.created_at, row.updated_at, row.source))
    return out


def customer_keys_table(conn, chunk: int = 20000) -> Iterator[Any]:
    """(id, match_keys, keys_version) of every customer: the light pass of a delta rescreen."""
    last = 0
    while True:
        rows = conn.execute(select(t.customers.c.id, t.customers.c.match_keys, t.customers.c.keys_version)
                            .where(t.customers.c.id > last).order_by(t.customers.c.id).limit(chunk)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def customers_by_id(conn, ids: list[int], chunk: int = 1000) -> Iterator[Any]:
    """Full customer rows (as `iter_customers`) for the given ids, in id order."""
    ids = sorted(ids)
    for start in range(0, len(ids), chunk):
        yield from conn.execute(_customer_query().where(t.customers.c.id.in_(ids[start:start + chunk]))
                                .order_by(t.customers.c.id)).all()


def _customer_query():
    return (select(t.customers.c.id, t.customers.c.customer_id, t.customers.c.name, t.customers.c.data,
                   t.customers.c.row_hash, t.customers.c.match_keys, t.customers.c.keys_version,
                   t.books.c.name.label("book"))
            .join(t.books, t.books.c.id == t.customers.c.book_id))


def iter_customers(conn, *, pending: bool | None = None, chunk: int = 5000) -> Iterator[Any]:
    """Customer rows (id, book, customer_id, name, data, row_hash, match_keys, keys_version), in id order, in chunks (bounded memory)."""
    last = 0
    while True:
        query = _customer_query().where(t.customers.c.id > last).order_by(t.customers.c.id).limit(chunk)
        if pending is not None:
            query = query.where(t.customers.c.pending == pending)
        rows = conn.execute(query).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def default_engine() -> Engine:
    from vigil.store import Store

    return Store().engine
