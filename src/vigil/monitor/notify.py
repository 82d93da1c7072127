"""Notifications without email: a command fed JSON on stdin, and/or a webhook POST.

Alerts are written to the `monitor_outbox` table in the same transaction that raises them,
so a crash or an unreachable receiver never loses one: delivery marks rows `delivered` only
after every configured channel accepted them, and the next run retries what is left
(at-least-once; each event carries the alert id so receivers can de-duplicate).

Document sent: {"source": "vigil", "events": [{"event": "alert.raised", "id": 7, ...}, ...]}
"""
from __future__ import annotations

import json
import logging
import shlex
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
from sqlalchemy import Engine, select, update

from vigil.monitor import tables as t

log = logging.getLogger(__name__)

BATCH = 500


@dataclass
class Notifier:
    notify_cmd: str | None = None
    webhook: str | None = None
    retries: int = 3  # attempts per channel per delivery round
    backoff: float = 0.5  # seconds; doubles after each failed attempt
    timeout: float = 10.0
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_env(cls, notify_cmd: str | None = None, webhook: str | None = None, **kw: Any) -> "Notifier":
        from vigil.settings import current

        settings = current()
        return cls(notify_cmd or settings.notify_cmd, webhook or settings.webhook_url, **kw)

    @property
    def configured(self) -> bool:
        return bool(self.notify_cmd or self.webhook)

    def channels(self) -> list[tuple[str, Callable[[bytes], None]]]:
        out: list[tuple[str, Callable[[bytes], None]]] = []
        if self.notify_cmd:
            out.append((f"command {self.notify_cmd!r}", self._run_cmd))
        if self.webhook:
            out.append((f"webhook {self.webhook}", self._post))
        return out

    def _run_cmd(self, body: bytes) -> None:
        try:
            proc = subprocess.run(shlex.split(self.notify_cmd or ""), input=body, capture_output=True,
                                  timeout=self.timeout)
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"cannot run: {exc}") from None
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"timed out after {self.timeout:.0f}s") from None
        if proc.returncode != 0:
            tail = proc.stderr.decode(errors="replace").strip()[-300:]
            raise RuntimeError(f"exit code {proc.returncode}" + (f": {tail}" if tail else ""))

    def _post(self, body: bytes) -> None:
        try:
            resp = httpx.post(self.webhook or "", content=body, timeout=self.timeout,
                              headers={"content-type": "application/json", "user-agent": "vigil-monitor"})
        except httpx.HTTPError as exc:
            raise RuntimeError(f"{exc.__class__.__name__}: {exc}") from None
        if resp.status_code >= 300:
            raise RuntimeError(f"HTTP {resp.status_code}")

    def _attempt(self, name: str, send: Callable[[bytes], None], body: bytes) -> str | None:
        """Try one channel with retries; None on success, else the last error."""
        error = None
        for attempt in range(self.retries):
            try:
                send(body)
                return None
            except RuntimeError as exc:
                error = f"{name}: {exc}"
                log.warning("notification attempt %d/%d failed: %s", attempt + 1, self.retries, error)
                if attempt + 1 < self.retries:
                    self.sleep(self.backoff * (2 ** attempt))
        return error


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0  # events still in the outbox after this round
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def pending(engine: Engine) -> list[dict[str, Any]]:
    t.ensure_tables(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.outbox).where(t.outbox.c.delivered == False)  # noqa: E712
                            .order_by(t.outbox.c.id)).all()
    return [dict(r._mapping) for r in rows]


def deliver(engine: Engine, notifier: Notifier) -> DeliveryReport:
    """Send every undelivered outbox event through every configured channel."""
    report = DeliveryReport()
    if not notifier.configured:
        return report
    t.ensure_tables(engine)
    last = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(select(t.outbox.c.id, t.outbox.c.event, t.outbox.c.payload)
                                .where(t.outbox.c.delivered == False, t.outbox.c.id > last)  # noqa: E712
                                .order_by(t.outbox.c.id).limit(BATCH)).all()
        if not rows:
            return report
        last = rows[-1].id
        events = [{"event": r.event, **json.loads(r.payload)} for r in rows]
        body = json.dumps({"source": "vigil", "events": events}, ensure_ascii=False).encode()
        errors = [e for e in (notifier._attempt(n, send, body) for n, send in notifier.channels()) if e]
        ids = [r.id for r in rows]
        with engine.begin() as conn:
            if errors:
                conn.execute(update(t.outbox).where(t.outbox.c.id.in_(ids))
                             .values(attempts=t.outbox.c.attempts + 1, last_error="; ".join(errors)[:2000]))
            else:
                conn.execute(update(t.outbox).where(t.outbox.c.id.in_(ids))
                             .values(delivered=True, delivered_at=t.now(), attempts=t.outbox.c.attempts + 1,
                                     last_error=None))
        if errors:
            report.failed += len(ids)
            report.errors.extend(errors)
            log.error("could not deliver %d alert notifications (kept in the outbox for the next run): %s",
                      len(ids), "; ".join(errors))
            # Keep order: later events wait for earlier ones.
            report.failed += _count_after(engine, last)
            return report
        report.delivered += len(ids)


def _count_after(engine: Engine, last: int) -> int:
    from sqlalchemy import func

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.outbox)
                            .where(t.outbox.c.delivered == False, t.outbox.c.id > last)).scalar() or 0  # noqa: E712
