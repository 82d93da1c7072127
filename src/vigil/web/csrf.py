"""Per-session CSRF tokens for the UI's forms (a second lock besides the guard's same-origin check).

Every page sets a `vigil_csrf` session cookie (random, HttpOnly, SameSite=Strict) once, and every form
carries `csrf_token` = HMAC-SHA256(server secret, that cookie). A POST to a UI route without a matching
pair is refused (403) before the route runs. The secret lives in `VIGIL_HOME/csrf.key` (created
0600 on first use), so every worker process of one server, and a restarted server, accept the tokens
of open pages. Without a token an attacker who can set cookies for the host (another port on
localhost, a sibling subdomain) still cannot forge the pair: the HMAC needs the secret.

A request with an API key in a header (`X-API-Key`, `Authorization: Bearer`: a program, or the user's own
script; see `vigil.api.guard.carries_api_key`) needs no token.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
from pathlib import Path

from fastapi import Request

COOKIE = "vigil_csrf"
FIELD = "csrf_token"
SECRET_FILE = "csrf.key"

log = logging.getLogger(__name__)
_lock = threading.Lock()
_secrets: dict[str, bytes] = {}


class CSRFError(Exception):
    """A UI form post without a valid token; rendered as a 403 page."""


def _secret(home: Path) -> bytes:
    key = str(home)
    hit = _secrets.get(key)
    if hit is not None:
        return hit
    with _lock:
        if key in _secrets:
            return _secrets[key]
        path = home / SECRET_FILE
        value: bytes | None = None
        try:
            home.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                value = path.read_bytes()
            else:
                with os.fdopen(fd, "wb") as out:
                    value = secrets.token_bytes(32)
                    out.write(value)
        except OSError as exc:
            log.warning("cannot keep the CSRF secret in %s (%s): using one for this process only", path, exc)
        if not value or len(value) < 16:
            value = value if value and len(value) >= 16 else secrets.token_bytes(32)
        _secrets[key] = value
        return value


def _home(request: Request) -> Path:
    return request.app.state.settings.home


def token_for(request: Request, sid: str) -> str:
    return hmac.new(_secret(_home(request)), sid.encode(), hashlib.sha256).hexdigest()


def session_id(request: Request) -> tuple[str, bool]:
    """(this browser's session id, whether it is new and must be set as a cookie)."""
    sid = getattr(request.state, "csrf_sid", None)
    if sid:
        return sid, bool(getattr(request.state, "csrf_new", False))
    sid = request.cookies.get(COOKIE) or ""
    new = len(sid) < 20 or len(sid) > 100
    if new:
        sid = secrets.token_urlsafe(24)
    request.state.csrf_sid, request.state.csrf_new = sid, new
    return sid, new


def form_token(request: Request) -> str:
    """The token for the forms of the page being rendered."""
    return token_for(request, session_id(request)[0])


def set_cookie(request: Request, response) -> None:
    sid, new = session_id(request)
    if new:
        response.set_cookie(COOKIE, sid, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                            path="/")


def key_client(request: Request) -> bool:
    from vigil.api.guard import carries_api_key

    return carries_api_key(request.headers)


async def csrf_protect(request: Request) -> None:
    """FastAPI dependency on every UI route: a state-changing request needs the session's token."""
    if request.method in ("GET", "HEAD", "OPTIONS") or key_client(request):
        return
    sid = request.cookies.get(COOKIE)
    form = await request.form()
    sent = form.get(FIELD)
    if not sid or not isinstance(sent, str) or not hmac.compare_digest(sent, token_for(request, sid)):
        raise CSRFError("This form has expired or was not sent from vigil's own page (missing or wrong security "
                        "token). Reload the page and try again.")
