"""POST /scan: news screening of one article (plain text or HTML), the same JSON as `vigil scan --json`."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from vigil.api.auth import Caller, require_screen
from vigil.api.deps import JSONBytes, loaded_index, state_of
from vigil.media.article import MAX_ARTICLE_BYTES, ArticleError, from_html, from_text

router = APIRouter(tags=["News"])


class ScanRequest(BaseModel):
    text: str = Field(..., description="The article: plain text or an HTML page", max_length=MAX_ARTICLE_BYTES)
    format: Literal["text", "html", "auto"] = Field("auto", description="auto: HTML when it looks like a page")
    source: str = Field("<api>", max_length=500, description="A label for the article (file name, URL)")
    ner: bool = Field(True, description="Run spaCy NER besides the gazetteer of list names")


@router.post("/scan", response_class=JSONBytes, summary="Scan a news article for listed entities",
             responses={400: {"description": "Empty, binary or unreadable article"}})
async def scan(request: Request, body: ScanRequest, caller: Caller = Depends(require_screen)):
    from vigil.media.scan import scan_article

    index = loaded_index(request)
    text = body.text
    is_html = body.format == "html" or (body.format == "auto" and text.lstrip()[:200].lower().startswith(
        ("<!doctype html", "<html", "<head", "<body", "<article")))
    try:
        article = from_html(text, body.source) if is_html else from_text(text, body.source)
    except ArticleError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    # spaCy and the matcher are CPU-bound: keep the event loop free.
    from vigil.service.graph import graph_or_none

    graph = await run_in_threadpool(graph_or_none, state_of(request).store)
    result = await run_in_threadpool(scan_article, article, index.matcher, ner=body.ner,
                                     fingerprint=index.fingerprint, graph=graph)
    return JSONBytes(result.to_dict())
