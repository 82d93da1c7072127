"""`/ui/scan`: paste or upload an article; see the listed parties it names, highlighted, with context."""
from __future__ import annotations

from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from vigil.web import text as webtext
from vigil.web.auth import UIUser, need
from vigil.web.render import page
from vigil.web.routes.common import loaded, record

router = APIRouter(include_in_schema=False)

CONTEXT_LABEL = {"designated": "designated", "called_for": "sanctions called for", "delisted": "delisted / lifted",
                 "mentioned": "mentioned"}


@router.get("/ui/scan")
def scan_form(request: Request, user: UIUser = Depends(need("screen"))):
    return page(request, "scan.html", title="Scan an article — vigil", result=None, text="", error=None)


def highlighted_article(text: str, data: dict[str, Any]) -> Any:
    """The article text with every mention of a listed entity linked to its page, coloured by context."""
    spans = []
    for ent in data.get("entities", []):
        for m in ent.get("mentions", []):
            ctx = m.get("context") or "mentioned"
            spans.append((m["start"], m["end"], "a", {
                "class": f"mention ctx-{ctx}", "href": f"/ui/entities/{ent['id']}", "data-entity": ent["id"],
                "title": f"{ent['caption']} ({ent['id']}) — {CONTEXT_LABEL.get(ctx, ctx)}",
            }))
    for party in data.get("unlinked", []):
        for m in party.get("mentions", []):
            spans.append((m["start"], m["end"], "span", {"class": "mention unlisted",
                                                         "title": f"{party['name']}: not on any loaded list"}))
    return webtext.mark_spans(text, spans)


@router.post("/ui/scan")
async def scan_submit(
    request: Request,
    text: str = Form("", max_length=2_000_000),
    file: UploadFile | None = File(None),
    user: UIUser = Depends(need("screen")),
):
    from vigil.media.article import ArticleError, ArticleTooLarge, from_bytes, from_text
    from vigil.media.scan import scan_article

    index = loaded(request)
    upload = file if file is not None and file.filename else None
    try:
        if upload is not None:
            data = await upload.read()
            name = PurePath(upload.filename).name
            article = from_bytes(data, name, PurePath(name).suffix)
        else:
            article = from_text(text, "pasted text")
    except ArticleError as exc:
        return page(request, "scan.html", status_code=413 if isinstance(exc, ArticleTooLarge) else 400,
                    title="Scan an article — vigil", result=None, text=text, error=str(exc))
    # spaCy and the matcher are CPU-bound: keep the event loop free for other requests.
    import anyio

    from vigil.service.graph import graph_or_none

    graph = await anyio.to_thread.run_sync(lambda: graph_or_none(request.app.state.index.store))
    result = await anyio.to_thread.run_sync(lambda: scan_article(article, index.matcher, graph=graph))
    data = result.to_dict()
    record(request, "/ui/scan", user.name, {"article": article.source, "characters": len(article.text)},
           [e["id"] for e in data["entities"][:5]])
    return page(request, "scan.html", title=f"Scan: {article.title or article.source} — vigil", result=data,
                article_html=highlighted_article(article.text, data), text="", error=None,
                labels=CONTEXT_LABEL)
