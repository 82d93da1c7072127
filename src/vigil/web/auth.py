"""Who is using the UI, and may they see this page?

The UI sends the same API keys as the HTTP API: `X-API-Key` (or `Authorization: Bearer`) on
script requests, or the `vigil_key` cookie that the login page sets for ordinary page loads
(HttpOnly, SameSite=Strict: scripts cannot read it and other sites cannot post with it).
Scopes are the API's: `screen` for screening, entities, lists and scanning; `analyst` for
alerts; `admin` for everything.
"""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from vigil.api.auth import key_from_request

COOKIE = "vigil_key"
SCOPES = ("screen", "analyst", "admin")


class UIAuthError(Exception):
    """No key, a bad key, or a key without the scope a page needs; rendered as the login page or a 403."""

    def __init__(self, status: int, message: str, scope: str):
        super().__init__(message)
        self.status = status
        self.message = message
        self.scope = scope


@dataclass(frozen=True)
class UIUser:
    name: str | None  # None: anonymous, auth not required
    scope: str | None
    auth_required: bool

    def allows(self, scope: str) -> bool:
        if self.scope is None:  # anonymous on a server without auth: everything a local user needs
            return not self.auth_required
        return self.scope == "admin" or self.scope == scope or (self.scope == "analyst" and scope == "screen")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.scope})" if self.name else "local user"


def _key(request: Request) -> str | None:
    try:
        key = key_from_request(request)
    except HTTPException:
        key = None
    return key or request.cookies.get(COOKIE) or None


def current_user(request: Request) -> UIUser:
    """The caller, without checking any scope (for the navigation bar and the login page)."""
    required = bool(request.app.state.require_auth)
    key = _key(request)
    if key is None:
        return UIUser(None, None, required)
    record = request.app.state.verify_key(key)
    if record is None or not record.active:
        return UIUser(None, None, required)
    return UIUser(record.name, record.scope, required)


def user_with(request: Request, scope: str) -> UIUser:
    """The caller if allowed `scope`; otherwise UIAuthError (login prompt or 403 page)."""
    user = current_user(request)
    if user.allows(scope):
        return user
    if user.name is None:
        bad = _key(request) is not None
        raise UIAuthError(401, "that API key is invalid or revoked" if bad else "this server requires an API key",
                          scope)
    raise UIAuthError(403, f"your key {user.name!r} has scope {user.scope!r}; this page needs {scope!r}", scope)


def need(scope: str):
    """FastAPI dependency: `user: UIUser = Depends(need("screen"))`."""
    def dependency(request: Request) -> UIUser:
        return user_with(request, scope)

    dependency.__name__ = f"need_{scope}"
    return dependency
