"""The analysts' web UI: server-rendered pages (Jinja2) over the same Python API as the CLI and HTTP API.

`mount(app)` adds the pages to the FastAPI app built by `vigil.api.app.create_app()`:

    /                      screen a name (results update as you type)
    /ui/entities/{id}      one listed entity: names by script and quality, details, history, cross-list links
    /ui/lists              datasets and snapshots; /ui/lists/{dataset}/diff shows what changed
    /ui/scan               scan a news article for listed parties
    /ui/alerts             the monitoring queue; /ui/alerts/{id} to decide one
    /ui/login              API key prompt when the server requires keys
    /ui/static/...         our CSS and the small live-search script (no build step, nothing from the network)

A browser asking for `GET /entities/{id}` (Accept: text/html) is redirected to the entity page;
API clients keep getting the yente JSON.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import RedirectResponse

from vigil.web.auth import UIAuthError
from vigil.web.csrf import CSRFError, csrf_protect
from vigil.web.render import auth_error_response, error_page
from vigil.web.routes.common import PageError
from vigil.web.routes import alerts, entities, lists, login, scan, screen

STATIC_DIR = Path(__file__).parent / "static"


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


def mount(app: FastAPI) -> None:
    """Add the UI's routes, static files and the browser redirect for /entities/{id}."""
    for module in (screen, entities, lists, scan, alerts, login):
        # every UI route: a POST needs the session's CSRF token (the guard checks its origin besides)
        app.include_router(module.router, dependencies=[Depends(csrf_protect)])
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="ui-static")
    app.add_exception_handler(UIAuthError, auth_error_response)

    async def _page_error(request: Request, exc: PageError):
        return error_page(request, exc.status, exc.message, title=exc.title)

    app.add_exception_handler(PageError, _page_error)

    async def _csrf_error(request: Request, exc: CSRFError):
        return error_page(request, 403, str(exc), title="Not allowed")

    app.add_exception_handler(CSRFError, _csrf_error)

    app.add_middleware(_EntityPagesForBrowsers)


class _EntityPagesForBrowsers:
    """Send browsers asking for /entities/{id} to the entity page; API clients keep the JSON.

    A plain ASGI middleware: Starlette's BaseHTTPMiddleware costs time on every request.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith("/entities/"):
            request = Request(scope)
            if _wants_html(request):
                response = RedirectResponse(quote(f"/ui{scope['path']}", safe="/"), status_code=303)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
