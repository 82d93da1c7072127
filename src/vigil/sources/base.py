"""What every parser returns, and how it reports bad input.

A parser reads one published list (a file or a folder of files) completely and
returns a `Publication`; it never touches the store. Any problem with the input
raises `IngestError` naming the file and, where known, the line.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from vigil.model import Entity

MAX_INPUT_BYTES = 200 * 1024 * 1024  # far above any official list; refuses accidents
# What a dataset name may be: parsers check it before reading a file, the store before writing one.
DATASET_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,99}$")


class IngestError(Exception):
    """Bad input: malformed, truncated, wrongly encoded or hostile. Exit code 2 in the CLI."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if self.path and self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Publication:
    """One publication of one dataset, fully parsed and validated."""

    dataset: str
    entities: list[Entity]
    published: datetime | None = None  # the list's own publication date, when the file states it
    files: list[Path] = field(default_factory=list)
    checksum: str = ""  # sha256 over the input files; identical input -> identical checksum
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.checksum and self.files:
            self.checksum = checksum_files(self.files)


def checksum_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def check_file(path: Path) -> Path:
    """Exists, is a regular file, non-empty, not absurdly large."""
    path = Path(path)
    if not path.exists():
        raise IngestError("no such file", path)
    if not path.is_file():
        raise IngestError("not a file", path)
    size = path.stat().st_size
    if size == 0:
        raise IngestError("file is empty", path)
    if size > MAX_INPUT_BYTES:
        raise IngestError(f"file is {size // (1024 * 1024)} MB, above the {MAX_INPUT_BYTES // (1024 * 1024)} MB limit", path)
    return path


def refuse_nul(raw: bytes, path: Path, what: str) -> None:
    """A NUL byte anywhere (not just in the first few KiB) refuses the whole file: no list publishes one, and
    text readers would otherwise drop it or turn it into a space inside a name."""
    at = raw.find(b"\x00")
    if at >= 0:
        raise IngestError(f"NUL byte at offset {at:,}: binary or corrupt data, not {what} (nothing was stored)",
                          path, raw[:at].count(b"\n") + 1)


def looks_binary(path: Path, sample: int = 8192) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(sample)
    return b"\x00" in head


def utf8_csv_text(path: Path, what: str) -> str:
    """A UTF-8 CSV file's text (BOM dropped); binary data, NUL bytes and other encodings refused with the line."""
    if looks_binary(path):
        raise IngestError("binary data, not a CSV file", path)
    raw = path.read_bytes()
    refuse_nul(raw, path, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IngestError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); wrong encoding", path, line) from None
