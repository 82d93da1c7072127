"""Loading news articles: plain text, HTML (main text via trafilatura), directories and stdin.

Every loader returns an `Article` whose `text` is what gets scanned; mention offsets
in the scan result are offsets into that text. Bad input (missing, empty, binary,
huge, undecodable) raises `ArticleError` with a message fit for the command line.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from vigil.media.language import detect_language

MAX_ARTICLE_BYTES = 5 * 1024 * 1024  # ~800k words: far above any news article, refuses accidents
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
_HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<article|<\?xml[^>]*>\s*<html)", re.I)


# spaCy's NER and parser refuse longer texts (nlp.max_length; ~1 GB of working memory per 100,000 characters
# would be needed), and no news article comes near it: a longer input is refused up front with one message.
MAX_ARTICLE_CHARS = 1_000_000


class ArticleError(ValueError):
    """An input that cannot be scanned. Exit code 2 in the CLI, HTTP 400/413 in the API."""


class ArticleTooLarge(ArticleError):
    """An input above the size limits (MAX_ARTICLE_BYTES, MAX_ARTICLE_CHARS): exit 2 in the CLI, HTTP 413."""


def check_length(text: str, source: str) -> None:
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleTooLarge(f"{source}: the article has {len(text):,} characters, above the limit of "
                              f"{MAX_ARTICLE_CHARS:,} for one article; split it into parts")


@dataclass
class Article:
    text: str
    source: str = "<text>"  # file path, "-" for stdin, or a caller-chosen label
    title: str | None = None
    date: str | None = None  # ISO date when the HTML states one
    format: str = "text"  # "text" | "html"
    language: str = "en"
    language_confidence: float = 1.0
    warnings: list[str] = field(default_factory=list)

    def metadata(self) -> dict:
        return {
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "format": self.format,
            "language": self.language,
            "language_confidence": round(self.language_confidence, 3),
            "characters": len(self.text),
            "words": len(self.text.split()),
            "warnings": list(self.warnings),
        }


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise ArticleError(f"{source}: input is empty")
    head = data[:65536]
    if b"\x00" in head:
        raise ArticleError(f"{source}: input looks binary (NUL bytes), expected text or HTML")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything; latin-1 always does
        text = data.decode("latin-1")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(sample) // 100):
        raise ArticleError(f"{source}: input looks binary ({controls} control characters), expected text or HTML")
    return text


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    # Non-breaking and zero-width spaces confuse tokenisers and the gazetteer alike.
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return text.strip("\n")


def from_text(text: str, source: str = "<text>", title: str | None = None, date: str | None = None) -> Article:
    """An article from plain text; the first line is taken as the title when it looks like a headline."""
    text = _clean_text(text)
    if not text.strip():
        raise ArticleError(f"{source}: input is empty")
    if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise ArticleTooLarge(f"{source}: input is larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB")
    check_length(text, source)
    if title is None:
        first, _, rest = text.partition("\n")
        first = first.strip()
        if rest.strip() and 0 < len(first) <= 200 and not first.endswith((".", ":", ";", ",")):
            title = first
    article = Article(text=text, source=source, title=title, date=date, format="text")
    _set_language(article)
    return article


def from_html(html: str | bytes, source: str = "<html>") -> Article:
    """An article from an HTML page: main text, title and date extracted with trafilatura."""
    import trafilatura

    if isinstance(html, bytes):
        html = _decode(html, source)
    if not html.strip():
        raise ArticleError(f"{source}: input is empty")
    if len(html.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise ArticleTooLarge(f"{source}: input is larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB")
    try:
        doc = trafilatura.bare_extraction(
            html, include_comments=False, include_tables=False, with_metadata=True, favor_precision=True
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise ArticleError(f"{source}: could not parse HTML ({exc})") from None
    if doc is None:
        raise ArticleError(f"{source}: no article text found in the HTML page")
    get = (lambda k: getattr(doc, k, None)) if not isinstance(doc, dict) else doc.get
    body = (get("text") or "").strip()
    if not body:
        raise ArticleError(f"{source}: no article text found in the HTML page")
    title = (get("title") or "").strip() or None
    date = (get("date") or "").strip() or None
    # The title is part of the scanned text (headlines often carry the call for sanctions).
    text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
    text = _clean_text(text)
    check_length(text, source)
    article = Article(text=text, source=source, title=title, date=date, format="html")
    _set_language(article)
    return article


def from_bytes(data: bytes, source: str, suffix: str = "") -> Article:
    """Text or HTML, told apart by the file suffix or, failing that, by sniffing the content."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleTooLarge(
            f"{source}: input is {len(data) // (1024 * 1024)} MB, above the "
            f"{MAX_ARTICLE_BYTES // (1024 * 1024)} MB limit for one article"
        )
    text = _decode(data, source)
    is_html = suffix.lower() in HTML_SUFFIXES or (
        suffix.lower() not in TEXT_SUFFIXES and bool(_HTML_SNIFF.match(data[:2048]))
    )
    return from_html(text, source) if is_html else from_text(text, source)


def load_article(path: str | Path) -> Article:
    """One article from a file, or from stdin when `path` is "-"."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
        return from_bytes(data, "-")
    path = Path(path)
    if not path.exists():
        raise ArticleError(f"{path}: no such file")
    if not path.is_file():
        raise ArticleError(f"{path}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise ArticleError(f"{path}: file is empty")
    if size > MAX_ARTICLE_BYTES:
        raise ArticleTooLarge(
            f"{path}: file is {size // (1024 * 1024)} MB, above the {MAX_ARTICLE_BYTES // (1024 * 1024)} MB "
            "limit for one article"
        )
    return from_bytes(path.read_bytes(), str(path), path.suffix)


def expand_paths(paths: Iterable[str | Path]) -> list[str | Path]:
    """Files as given; directories expand to their .txt/.html files (sorted, recursive); "-" is stdin."""
    out: list[str | Path] = []
    for p in paths:
        if str(p) == "-":
            out.append("-")
            continue
        path = Path(p)
        if path.is_dir():
            found = sorted(
                f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES
            )
            if not found:
                raise ArticleError(f"{path}: directory holds no .txt or .html files")
            out.extend(found)
        else:
            out.append(path)
    return out


def iter_articles(paths: Iterable[str | Path]) -> Iterator[Article]:
    for p in expand_paths(paths):
        yield load_article(p)


def _set_language(article: Article) -> None:
    lang, confidence = detect_language(article.text)
    article.language, article.language_confidence = lang, confidence
    if lang != "en":
        article.warnings.append(
            f"article language looks like {lang!r}, not English: the English NER model and the "
            "sanction-context rules are skipped; only exact list names (gazetteer) are searched"
        )
