"""API-key authentication: `Authorization: Bearer KEY` (or `ApiKey KEY`, as yente clients send) or `X-API-Key`.

Keys are required when the app was created with `require_auth` (VIGIL_REQUIRE_AUTH=1,
or `vigil serve` on a non-loopback host). Without it, anonymous calls may do
everything a local single user needs (screen, search, scan, case work) except the
admin actions (reload, list uploads, the review policy), which need an admin key on
every server; a key that is sent is still checked, so the screening log can name
the caller. Which origins may send state changes is the guard's business (api/guard.py).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request

from vigil.service.keys import ApiKey, hash_key, verify_key

CACHE_SECONDS = 5.0  # a revoked key stops working within this time in a running server


@dataclass(frozen=True)
class Caller:
    name: str | None  # None: anonymous (auth not required)
    scope: str | None


def key_from_request(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, value = auth.strip().partition(" ")
        if scheme.lower() in ("bearer", "apikey") and value.strip():
            return value.strip()
        raise HTTPException(401, "Authorization header must be 'Bearer <key>' or 'ApiKey <key>'",
                            headers={"WWW-Authenticate": "Bearer"})
    return None


class KeyVerifier:
    """Verifies keys against the store, with a short in-memory cache (hot path of every request)."""

    def __init__(self, engine_provider):
        self._engine_provider = engine_provider
        self._cache: dict[str, tuple[ApiKey | None, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, key: str) -> ApiKey | None:
        digest = hash_key(key)
        now = time.monotonic()
        hit = self._cache.get(digest)
        if hit is not None and hit[1] > now:
            return hit[0]
        record = verify_key(self._engine_provider(), key)
        with self._lock:
            if len(self._cache) > 10_000:  # bounded: random bad keys must not grow memory
                self._cache.clear()
            self._cache[digest] = (record, now + CACHE_SECONDS)
        return record


def caller_for(request: Request, scope: str) -> Caller:
    app = request.app
    key = key_from_request(request)
    if key is None:
        if scope == "admin":  # reload, list uploads, policy: an admin key (or the local CLI) on every server
            raise HTTPException(401, "this endpoint changes what every user screens against and needs an admin "
                                     "API key on every server, loopback included: send 'Authorization: Bearer <key>' "
                                     "(create one with `vigil keys create --name NAME --scope admin`), or use the "
                                     "CLI on the server (`vigil ingest`, `vigil update`)",
                                headers={"WWW-Authenticate": "Bearer"})
        if app.state.require_auth:
            raise HTTPException(401, "an API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>' "
                                     "(create one with `vigil keys create --name NAME`)",
                                headers={"WWW-Authenticate": "Bearer"})
        return Caller(None, None)
    record = app.state.verify_key(key)
    if record is None:
        raise HTTPException(401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"})
    if not record.allows(scope):
        raise HTTPException(403, f"API key {record.name!r} has scope {record.scope!r}; this endpoint needs {scope!r}")
    return Caller(record.name, record.scope)


# async on purpose: FastAPI runs sync dependencies in a thread pool, a measurable cost on every
# /match call; key checks are cached in memory (KeyVerifier), so they rarely touch the database.
async def require_screen(request: Request) -> Caller:
    return caller_for(request, "screen")


async def require_admin(request: Request) -> Caller:
    return caller_for(request, "admin")
