"""`/ui/login`: ask for an API key when the server requires one; keep it in an HttpOnly cookie."""
from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from vigil.web.auth import COOKIE, current_user
from vigil.web.render import page

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only paths on this server: never an open redirect to another site.
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/ui/login")
def login_form(request: Request, next: str = "/"):
    return page(request, "login.html", title="API key — vigil", message=None, next=_safe_next(next))


@router.post("/ui/login")
def login(request: Request, key: str = Form(..., max_length=200), next: str = Form("/", max_length=2000)):
    key = key.strip()
    record = request.app.state.verify_key(key) if key else None
    if record is None or not record.active:
        return page(request, "login.html", status_code=401, title="API key — vigil",
                    message="that API key is invalid or revoked", next=_safe_next(next))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, key, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        max_age=12 * 3600, path="/")
    return response


@router.post("/ui/logout")
def logout(request: Request):
    response = RedirectResponse("/ui/login" if current_user(request).auth_required else "/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
