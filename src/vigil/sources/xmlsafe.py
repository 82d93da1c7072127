"""Safe XML loading for published lists.

Official sanctions XML never carries a DOCTYPE, so any document type declaration is refused: it is
the door to XXE (external entities reading local files or the network) and to entity-expansion
bombs ("billion laughs"). The refusal is the parsers', not a text search:

1. an expat parser reads the prolog with a DOCTYPE handler that refuses (defusedxml's `forbid_dtd`),
   and stops at the root element, so it costs nothing on a real list; it reads the XML declaration's
   encoding and a BOM itself, so a DOCTYPE after a comment, a processing instruction, a BOM or in
   UTF-16 is seen exactly as the document is;
2. lxml then parses with entity resolution, DTD loading, network access and huge trees off (nothing is
   fetched or expanded), and the document is refused if it recorded a DOCTYPE, an internal subset or an
   external DTD anyway (`docinfo`, the check defusedxml applies to lxml), e.g. in an encoding expat lacks.

Every failure becomes an `IngestError` naming the file and line.
"""
from __future__ import annotations

from pathlib import Path
from xml.parsers import expat

from lxml import etree

from .base import IngestError, check_file

DTD_REFUSED = ("XML with a DOCTYPE/ENTITY declaration refused (official lists have none; it enables XXE and "
               "entity-expansion attacks)")


def _parser(**extra) -> etree.XMLParser:
    options = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                   attribute_defaults=False, huge_tree=False, remove_comments=True, remove_pis=True)
    options.update(extra)
    return etree.XMLParser(**options)


def _doctype_line(data: bytes, root: etree._Element) -> int | None:
    """Where the refused declaration stands, for the message only (the refusal is the parser's): libxml2
    keeps no line for it, so the prolog before the root element is searched; None when not found there
    (e.g. UTF-16)."""
    prolog = data.split(b"\n")[: (root.sourceline or 1)]
    for number, line in enumerate(prolog, start=1):
        if b"<!DOCTYPE" in line.upper() or b"<!ENTITY" in line.upper():
            return number
    return None


class _Stop(Exception):
    pass


class _Doctype(Exception):
    def __init__(self, line: int):
        self.line = line


def _refuse_doctype_in_prolog(data: bytes, path: Path) -> None:
    """Expat over the prolog: a DOCTYPE handler that refuses, a start-element handler that stops."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(name, system_id, public_id, has_internal_subset):
        raise _Doctype(parser.CurrentLineNumber)

    def start(name, attrs):
        raise _Stop

    def entity(*args):  # an ENTITY outside a DOCTYPE is a syntax error anyway; never let one through
        raise _Doctype(parser.CurrentLineNumber)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Doctype as exc:
        raise IngestError(DTD_REFUSED, path, exc.line) from None
    except (_Stop, expat.ExpatError, ValueError, LookupError):
        return  # root reached; or a prolog expat cannot read (an encoding it lacks): lxml decides below


def parse_bytes(data: bytes, path: Path, **parser_options) -> etree._Element:
    """Parse with the hardened parsers; a document with any DTD is refused (IngestError)."""
    _refuse_doctype_in_prolog(data, path)
    try:
        root = etree.fromstring(data, _parser(**parser_options))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if getattr(exc, "position", None) else None)
        msg = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
        if "encoding" in msg.lower() or "UTF-8" in msg:
            msg = f"wrong encoding ({msg})"
        else:
            msg = f"malformed or truncated XML ({msg})"
        raise IngestError(msg, path, line) from None
    if root is None:
        raise IngestError("empty XML document", path)
    tree = root.getroottree()
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None or info.system_url:
        raise IngestError(DTD_REFUSED, path, _doctype_line(data, root))
    return root


def load_xml(path: Path) -> etree._Element:
    """Parse an XML file safely and return its root element, or raise IngestError."""
    path = check_file(Path(path))
    data = path.read_bytes()
    head = data[:4]
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<")
    if not utf16 and b"\x00" in data:
        raise IngestError("binary data (NUL bytes), not an XML file", path, data[: data.index(b"\x00")].count(b"\n") + 1)
    if not utf16 and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise IngestError("not an XML file (does not start with '<')", path, 1)
    return parse_bytes(data, path)


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
