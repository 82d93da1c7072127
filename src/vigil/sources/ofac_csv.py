"""OFAC's legacy CSV files (SDN: sdn.csv/add.csv/alt.csv/sdn_comments.csv; consolidated: cons_*.csv).

Format, as published: no header row, windows-1252, every empty field written `-0-` (often with trailing
spaces), CRLF lines, and a DOS end-of-file byte 0x1A at the very end. `*_comments.csv` rows continue the
Remarks of the same entity number (OFAC cuts remarks longer than the main file's field limit).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from vigil.model import Entity

from .base import refuse_nul, IngestError, Publication, check_file
from .ofac_entity import add_address, add_remarks, add_vessel, new_entity, resolve_links, split_programs

MAIN_COLUMNS = 12  # ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
ADD_COLUMNS = 6  # ent_num, add_num, address, city/state/zip, country, remarks
ALT_COLUMNS = 5  # ent_num, alt_num, alt_type, alt_name, remarks
COMMENT_COLUMNS = 2  # ent_num, remarks continuation
ALT_PROPS = {"aka": "alias", "a.k.a.": "alias", "nka": "alias", "n.k.a.": "alias", "fka": "previousName", "f.k.a.": "previousName"}


@dataclass(frozen=True)
class FileSet:
    """The files of one CSV publication; only `main` is required."""

    main: Path
    add: Path | None = None
    alt: Path | None = None
    comments: Path | None = None

    @property
    def files(self) -> list[Path]:
        return [p for p in (self.main, self.add, self.alt, self.comments) if p is not None]


def find_file(folder: Path, name: str) -> Path | None:
    """OFAC's files appear as sdn.csv and SDN.CSV; match names case-insensitively."""
    for child in folder.iterdir():
        if child.name.lower() == name and child.is_file():
            return child
    return None


def decode(path: Path) -> str:
    """Bytes -> text: windows-1252 as published, or UTF-8 if someone re-saved the file that way."""
    check_file(path)
    raw = path.read_bytes()
    raw = raw.rstrip(b"\x1a\r\n")  # DOS EOF marker and the last line break
    if b"\x00" in raw[:8192]:
        raise IngestError("binary data (NUL bytes): not an OFAC CSV file", path, raw[: raw.index(b"\x00")].count(b"\n") + 1)
    refuse_nul(raw, path, "an OFAC CSV file")
    if _is_utf8_text(raw):
        return raw.decode("utf-8")
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IngestError(
            f"byte 0x{raw[exc.start]:02X} is not valid windows-1252 (OFAC CSV encoding): wrong encoding or corrupt file",
            path, line,
        ) from None


def _is_utf8_text(raw: bytes) -> bool:
    """True for UTF-8 with at least one multi-byte character (windows-1252 text almost never is valid UTF-8)."""
    if raw.isascii():
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _value(text: str) -> str | None:
    text = text.strip()
    return None if not text or text == "-0-" else text


def read_rows(path: Path, columns: int) -> list[tuple[int, int, list[str | None]]]:
    """(line number, ent_num, values) for every row; wrong shape or a non-numeric ent_num is an IngestError."""
    text = decode(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, int, list[str | None]]] = []
    line = 1
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                line = reader.line_num + 1
                continue
            if len(row) != columns:
                raise IngestError(
                    f"expected {columns} columns, found {len(row)}: not an OFAC {path.name} file or a corrupt row",
                    path, line,
                )
            ent = row[0].strip()
            if not ent.isdigit():
                raise IngestError(f"entity number {ent[:40]!r} is not a number", path, line)
            rows.append((line, int(ent), [_value(v) for v in row[1:]]))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(f"malformed CSV: {exc}", path, reader.line_num or line) from None
    return rows


def parse_fileset(fs: FileSet, dataset: str) -> Publication:
    warnings: list[str] = []
    entities: dict[int, Entity] = {}
    remarks: dict[int, str | None] = {}
    main_rows = read_rows(fs.main, MAIN_COLUMNS)
    if not main_rows:
        raise IngestError("no entries", fs.main)
    for line, ent, (name, sdn_type, program, title, call_sign, vtype, tonnage, grt, flag, owner, rem) in main_rows:
        if ent in entities:
            raise IngestError(f"entity number {ent} appears twice", fs.main, line)
        if not name:
            raise IngestError(f"entity {ent} has no name", fs.main, line)
        entity = new_entity(dataset, str(ent), name, sdn_type, f"{fs.main.name}#{ent}", split_programs(program), title)
        add_vessel(entity, call_sign, vtype, tonnage, grt, flag, owner)
        entities[ent] = entity
        remarks[ent] = rem

    if fs.comments:
        orphans = 0
        for _line, ent, (more,) in read_rows(fs.comments, COMMENT_COLUMNS):
            if ent not in entities:
                orphans += 1
            elif more:
                remarks[ent] = (remarks[ent] or "") + more
        if orphans:
            warnings.append(f"{fs.comments.name}: {orphans} remarks continuations for entity numbers not in {fs.main.name} ignored")

    links: dict[str, list[str]] = {}
    for ent, entity in entities.items():
        linked = add_remarks(entity, remarks[ent])
        if linked:
            links[entity.id or ""] = linked

    if fs.alt:
        missing: set[int] = set()
        for line, ent, (_alt_num, alt_type, alt_name, _rem) in read_rows(fs.alt, ALT_COLUMNS):
            entity = entities.get(ent)
            if entity is None:
                missing.add(ent)
                continue
            prop = ALT_PROPS.get((alt_type or "aka").lower())
            if prop is None:
                raise IngestError(f"unknown alias type {alt_type!r}", fs.alt, line)
            entity.add(prop, alt_name)
        if missing:
            warnings.append(f"{fs.alt.name}: aliases of {len(missing)} entity numbers not in {fs.main.name} ignored")

    if fs.add:
        missing = set()
        for _line, ent, (_add_num, address, city, country, _rem) in read_rows(fs.add, ADD_COLUMNS):
            entity = entities.get(ent)
            if entity is None:
                missing.add(ent)
                continue
            add_address(entity, [address, city], country)
        if missing:
            warnings.append(f"{fs.add.name}: addresses of {len(missing)} entity numbers not in {fs.main.name} ignored")

    result = list(entities.values())
    resolve_links(result, links)
    return Publication(dataset=dataset, entities=result, published=None, files=fs.files, warnings=warnings)
