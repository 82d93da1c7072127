"""Safe XML loading for published lists.

Official sanctions XML never carries a DOCTYPE, so any DOCTYPE is refused outright: it is the
door to XXE (external entities reading local files or the network) and to entity-expansion
bombs ("billion laughs"). On top of that the lxml parser runs with entity resolution, DTD
loading and network access off, so nothing slips through if the check were bypassed.
Every failure becomes an `IngestError` naming the file and line.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .base import IngestError, check_file, looks_binary

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_DOCTYPE_UTF16 = ("<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"),
                  "<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )


def load_xml(path: Path) -> etree._Element:
    """Parse an XML file safely and return its root element, or raise IngestError."""
    path = check_file(Path(path))
    data = path.read_bytes()
    head = data[:4]
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<")
    if not utf16 and b"\x00" in data[:8192]:
        raise IngestError("binary data, not an XML file", path)
    if not utf16 and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise IngestError("not an XML file (does not start with '<')", path, 1)
    match = _DOCTYPE.search(data)
    if match or any(marker in data for marker in _DOCTYPE_UTF16):
        line = data[: match.start()].count(b"\n") + 1 if match else None
        raise IngestError(
            "XML with a DOCTYPE/ENTITY declaration refused (official lists have none; "
            "it enables XXE and entity-expansion attacks)", path, line)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        msg = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
        if "Premature end" in msg or "EndTag" in msg or "end of data" in msg.lower():
            msg = f"truncated or malformed XML ({msg})"
        elif "encoding" in msg.lower() or "UTF-8" in msg:
            msg = f"wrong encoding ({msg})"
        else:
            msg = f"malformed XML ({msg})"
        raise IngestError(msg, path, line) from None
    if root is None:
        raise IngestError("empty XML document", path)
    if root.getroottree().docinfo.doctype:  # second line of defence, should the byte scan be fooled
        raise IngestError("XML with a DOCTYPE declaration refused", path, 1)
    return root


def text(el: etree._Element | None, path: str | None = None) -> str | None:
    """Stripped text of `el` (or of its child at `path`), None when empty."""
    if el is None:
        return None
    if path is not None:
        el = el.find(path)
        if el is None:
            return None
    value = el.text
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def texts(el: etree._Element, path: str) -> list[str]:
    out = []
    for child in el.findall(path):
        value = text(child)
        if value:
            out.append(value)
    return out
