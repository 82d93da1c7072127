"""Reading customer rows from CSV, XLSX or JSON lines with `vigil batch`'s readers and column mapping.

Explicit `--id-col/--name-col/...` options win; otherwise the same header spellings `vigil batch`
recognises are detected (case, spaces and punctuation ignored), plus the customer-id column
books need on top of a batch file.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from vigil.service.batch import CANDIDATES, READERS, BatchError, detect_format

# Field -> recognised header names (normalised: lowercase, alphanumerics only). The customer id is
# ours; the rest are batch's (its "id" column is an ID/passport number, our `id_number`).
AUTO: dict[str, tuple[str, ...]] = {
    "id": ("customerid", "custid", "clientid", "accountid", "partyid", "counterpartyid", "customerref",
           "customernumber", "clientnumber", "clientno", "customerno", "ref", "reference", "id"),
    "name": tuple(CANDIDATES["name"]),
    "schema": tuple(CANDIDATES["schema"]) + ("customertype", "kind"),
    "dob": tuple(CANDIDATES["dob"]),
    "country": tuple(CANDIDATES["country"]),
    "id_number": tuple(c for c in CANDIDATES["id"] if c != "id"),
}
SCHEMA_WORDS = {
    "person": "Person", "individual": "Person", "natural": "Person", "naturalperson": "Person", "people": "Person",
    "company": "Company", "business": "Company", "corporate": "Company", "corporation": "Company",
    "organization": "Organization", "organisation": "Organization", "org": "Organization", "entity": "LegalEntity",
    "legalentity": "LegalEntity", "vessel": "Vessel", "ship": "Vessel", "airplane": "Airplane", "aircraft": "Airplane",
}
MAX_ROWS = 5_000_000


class ColumnError(ValueError):
    pass


def _key(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(header).lower())


@dataclass
class ColumnMapping:
    """Which input column holds which field; None = auto-detect."""

    id: str | None = None
    name: str | None = None
    schema: str | None = None
    dob: str | None = None
    country: str | None = None
    id_number: str | None = None
    columns: list[str] = field(default_factory=list)  # the file's header, once read

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("columns")
        return data

    def resolve(self, header: list[str]) -> "ColumnMapping":
        by_key = {_key(h): h for h in reversed(header)}
        out = ColumnMapping(columns=list(header))
        for name in AUTO:
            chosen = getattr(self, name)
            if chosen is not None:
                if chosen not in header:
                    raise ColumnError(f"column {chosen!r} (for {name}) is not in the file; columns: {', '.join(header)}")
                setattr(out, name, chosen)
                continue
            for candidate in AUTO[name]:
                if candidate in by_key and by_key[candidate] not in out._used():
                    setattr(out, name, by_key[candidate])
                    break
        return out

    def _used(self) -> set[str]:
        return {v for k, v in asdict(self).items() if k != "columns" and v}


def schema_from(value: str | None) -> str | None:
    if not value:
        return None
    return SCHEMA_WORDS.get(_key(value), value.strip())


def read_rows(path: Path, mapping: ColumnMapping) -> tuple[ColumnMapping, Iterator[tuple[int, dict[str, str | None]]]]:
    """(resolved mapping, iterator of (row number, {id, name, schema, dob, country, id_number}));
    a malformed row yields {"error": "..."}."""
    if not path.is_file():
        raise ColumnError(f"{path}: no such file")
    try:
        fmt = detect_format(path)
        header, raw = READERS[fmt](path)
    except BatchError as exc:
        raise ColumnError(str(exc)) from None
    if fmt == "jsonl":
        header = _jsonl_keys(path, header)
    resolved = mapping.resolve(header)

    def rows() -> Iterator[tuple[int, dict[str, str | None]]]:
        for count, (number, record) in enumerate(raw):
            if count >= MAX_ROWS:
                raise ColumnError(f"{path}: more than {MAX_ROWS:,} rows; split the book")
            if "__error__" in record:
                yield number, {"error": record["__error__"]}
                continue
            out = {name: _text(record.get(col)) if col else None for name, col in resolved.to_dict().items()}
            out["schema"] = schema_from(out["schema"])
            yield number, out

    return resolved, rows()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _jsonl_keys(path: Path, first: list[str]) -> list[str]:
    """JSON lines objects may each carry different keys: the columns are all of them, in first-seen order."""
    keys = dict.fromkeys(first)
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            try:
                obj = json.loads(line)
            except ValueError:
                continue  # reported as a bad row when the rows are read
            if isinstance(obj, dict):
                keys.update(dict.fromkeys(str(k) for k in obj))
    return list(keys)
