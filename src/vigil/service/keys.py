"""API keys for `vigil serve`: created once, shown once, stored only as a SHA-256 hash.

Keys are 256-bit random tokens, so a fast unsalted hash is enough (no password
stretching needed); the plain key never touches the database. The table lives in
the store's database (`Store().engine`), next to the lists it protects.
"""
from __future__ import annotations

import getpass
import os
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, MetaData, String, Table, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from vigil.service import audit

SCOPES = ("screen", "analyst", "admin")  # analyst: screen + read/decide alerts; admin: everything, plus reload and ingest
KEY_PREFIX = "vgl_"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")

metadata = MetaData()
api_keys = Table(
    "api_keys",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("scope", String(16), nullable=False),
    Column("hash", String(64), nullable=False, unique=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)


class ApiKeyError(ValueError):
    """Bad key name/scope, duplicate name, unknown key. Exit code 2 in the CLI."""


@dataclass(frozen=True)
class ApiKey:
    name: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return self.active and (self.scope == "admin" or self.scope == scope
                                or (self.scope == "analyst" and scope == "screen"))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def ensure_table(engine: Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


def default_actor() -> str:
    """The OS account running this process, from the effective user id (not $USER, which anyone can set):
    the CLI's identity in the audit log, and that of anonymous requests to a server without API keys."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, AttributeError):  # Windows, or a uid without a passwd entry
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"


def create_key(engine: Engine, name: str, scope: str = "screen", actor: str | None = None) -> str:
    """Create a key and return it in plain text: the only time it is ever visible.

    The creation is appended to the audit log in the same transaction (name and scope only:
    never the key or its hash)."""
    if not NAME_RE.match(name or ""):
        raise ApiKeyError("key name: 1-64 letters, digits, '_', '.', '@' or '-', starting with a letter or digit")
    if scope not in SCOPES:
        raise ApiKeyError(f"scope must be one of: {', '.join(SCOPES)}")
    ensure_table(engine)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    try:
        with engine.begin() as conn:
            created = _now()
            conn.execute(api_keys.insert().values(name=name, scope=scope, hash=hash_key(key), created_at=created))
            audit.append(actor or default_actor(), "key.created",
                         {"name": name, "scope": scope, "created_at": created.isoformat()}, conn=conn)
    except IntegrityError:
        raise ApiKeyError(f"a key named {name!r} already exists (revoke it or pick another name)") from None
    return key


def _row(row) -> ApiKey:
    return ApiKey(name=row.name, scope=row.scope, created_at=row.created_at, revoked_at=row.revoked_at)


def list_keys(engine: Engine) -> list[ApiKey]:
    ensure_table(engine)
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(select(api_keys).order_by(api_keys.c.created_at))]


def revoke_key(engine: Engine, name: str, actor: str | None = None) -> None:
    """Revoke the active key `name`; audited in the same transaction."""
    ensure_table(engine)
    with engine.begin() as conn:
        revoked = _now()
        res = conn.execute(
            update(api_keys).where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None)).values(revoked_at=revoked)
        )
        if res.rowcount == 0:
            raise ApiKeyError(f"no active key named {name!r}")  # rolls back: nothing to audit
        scope = conn.execute(select(api_keys.c.scope).where(api_keys.c.name == name)).scalar()
        audit.append(actor or default_actor(), "key.revoked",
                     {"name": name, "scope": scope, "revoked_at": revoked.isoformat()}, conn=conn)


def verify_key(engine: Engine, key: str) -> ApiKey | None:
    """The key's record if it exists and is not revoked, else None."""
    if not key or len(key) > 200:
        return None
    ensure_table(engine)
    with engine.connect() as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.hash == hash_key(key))).first()
    if row is None or row.revoked_at is not None:
        return None
    return _row(row)


def any_active_key(engine: Engine) -> bool:
    return any(k.active for k in list_keys(engine))
