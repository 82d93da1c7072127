"""Jinja2 set-up and the helpers every page uses."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from vigil import __version__
from vigil.matching.display import format_percent, format_score
from vigil.web import text as webtext
from vigil.web import csrf
from vigil.web.auth import UIAuthError, current_user

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
env = TEMPLATES.env
env.filters["script"] = webtext.script_of
env.filters["date"] = webtext.short_date
env.filters["datetime"] = webtext.short_datetime
env.filters["pct"] = lambda v: format_percent(min(max(float(v or 0), 0.0), 1.0))  # 0..100: the .w-N classes
env.filters["score"] = format_score  # floored: 0.6957 shows 0.69, never the threshold
env.filters["country"] = webtext.country_name
env.globals["highlight"] = webtext.highlight
env.globals["mark_equal"] = webtext.mark_equal
env.globals["version"] = __version__

NAV = (("/", "Screen", "screen"), ("/ui/lists", "Lists", "screen"), ("/ui/scan", "Scan", "screen"),
       ("/ui/alerts", "Alerts", "analyst"))


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    user = current_user(request)
    nav = [(href, label) for href, label, scope in NAV if user.allows(scope)]
    context.setdefault("title", "vigil")
    response = TEMPLATES.TemplateResponse(
        request, template, {"user": user, "nav": nav, "path": request.url.path, "csrf_field": csrf.FIELD,
                            "csrf_token": csrf.form_token(request), **context}, status_code=status_code,
    )
    csrf.set_cookie(request, response)
    # Screening data is sensitive: never keep pages in shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(request: Request, status_code: int, message: str, title: str = "Problem") -> HTMLResponse:
    return page(request, "error.html", status_code=status_code, title=title, message=message)


async def auth_error_response(request: Request, exc: UIAuthError) -> HTMLResponse:
    if exc.status == 401:
        return page(request, "login.html", status_code=401, title="API key", message=exc.message,
                    next=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    return error_page(request, 403, exc.message, title="Not allowed")
