"""POST /scan: news screening of one article (plain text or HTML), the same JSON as `vigil scan --json`."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from vigil.api.auth import Caller, require_screen
from vigil.api.deps import JSONBytes, loaded_index, state_of
from vigil.media.article import MAX_ARTICLE_BYTES, MAX_ARTICLE_CHARS, ArticleError, ArticleTooLarge, from_html, from_text

router = APIRouter(tags=["News"])


class ScanRequest(BaseModel):
    # No max_length here: a text above the limits is a 413 with one message (below), not a 422.
    text: str = Field(..., description=f"The article: plain text (at most {MAX_ARTICLE_CHARS:,} characters) or an "
                      f"HTML page (at most {MAX_ARTICLE_BYTES // (1024 * 1024)} MB); longer is refused with 413")
    format: Literal["text", "html", "auto"] = Field("auto", description="auto: HTML when it looks like a page")
    source: str = Field("<api>", max_length=500, description="A label for the article (file name, URL)")
    ner: bool = Field(True, description="Run spaCy NER besides the gazetteer of list names")


@router.post("/scan", response_class=JSONBytes, summary="Scan a news article for listed entities",
             responses={400: {"description": "Empty, binary or unreadable article"},
                        413: {"description": "Article above the size limit"}})
async def scan(request: Request, body: ScanRequest, caller: Caller = Depends(require_screen)):
    from vigil.media.scan import scan_article

    index = loaded_index(request)
    text = body.text
    is_html = body.format == "html" or (body.format == "auto" and text.lstrip()[:200].lower().startswith(
        ("<!doctype html", "<html", "<head", "<body", "<article")))
    # refused before any parsing or cleaning: the extracted text is checked again (MAX_ARTICLE_CHARS)
    if is_html and len(text) > MAX_ARTICLE_BYTES:
        raise HTTPException(status_code=413, detail=f"{body.source}: the HTML page has {len(text):,} characters, "
                            f"above the limit of {MAX_ARTICLE_BYTES // (1024 * 1024)} MB for one page")
    if not is_html and len(text) > MAX_ARTICLE_CHARS:
        raise HTTPException(status_code=413, detail=f"{body.source}: the article has {len(text):,} characters, above "
                            f"the limit of {MAX_ARTICLE_CHARS:,} for one article; split it into parts")
    try:
        article = from_html(text, body.source) if is_html else from_text(text, body.source)
    except ArticleTooLarge as exc:
        raise HTTPException(status_code=413, detail=str(exc)) from None
    except ArticleError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    # spaCy and the matcher are CPU-bound: keep the event loop free.
    from vigil.service.graph import graph_or_none

    graph = await run_in_threadpool(graph_or_none, state_of(request).store)
    result = await run_in_threadpool(scan_article, article, index.matcher, ner=body.ner,
                                     fingerprint=index.fingerprint, graph=graph)
    return JSONBytes(result.to_dict())
