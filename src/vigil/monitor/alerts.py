"""Alerts: a potential match between a book customer and a listed entity, awaiting a decision.

Status machine:  open -> escalated -> true_match | false_positive
                 open -> true_match | false_positive
                 open | escalated -> delisted   (the list entity was removed; closed by the system)
Decided and delisted alerts are final; a new list change raises a new alert.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import Connection, Engine, and_, func, insert, select, update

from vigil.service import audit
from vigil.monitor import tables as t

OPEN_STATUSES = ("open", "escalated")
FINAL_STATUSES = ("true_match", "false_positive", "delisted")
STATUSES = OPEN_STATUSES + FINAL_STATUSES


class AlertNotFound(LookupError):
    pass


@dataclass
class Alert:
    id: int
    book: str
    customer_id: str
    customer_name: str
    entity_id: str
    entity_caption: str
    datasets: list[str]
    score: float
    explanation: str
    status: str
    version: int
    reason: str
    created_at: str
    updated_at: str
    trigger: str | None = None
    diff: dict[str, Any] | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    decision_reason: str | None = None
    explanations: dict[str, Any] = field(default_factory=dict)
    entity: dict[str, Any] = field(default_factory=dict)
    entity_version: str = ""

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    def to_dict(self, full: bool = True) -> dict[str, Any]:
        data = dict(self.__dict__)
        if not full:
            data.pop("entity")
            data.pop("explanations")
        return data


def _alert(row: Any) -> Alert:
    return Alert(
        id=row.id, book=row.book, customer_id=row.customer_id, customer_name=row.customer_name,
        entity_id=row.entity_id, entity_caption=row.entity_caption, datasets=json.loads(row.datasets),
        score=round(float(row.score), 4), explanation=row.explanation, status=row.status, version=row.version,
        reason=row.reason, created_at=row.created_at, updated_at=row.updated_at, trigger=row.trigger,
        diff=json.loads(row.diff) if row.diff else None, decided_by=row.decided_by, decided_at=row.decided_at,
        decision_reason=row.decision_reason, explanations=json.loads(row.explanations),
        entity=json.loads(row.entity), entity_version=row.entity_version,
    )


MAX_ID = 2**31 - 1  # ids are INTEGER columns: PostgreSQL's int4; larger values make the database raise


def get_alert(engine: Engine, alert_id: int) -> Alert:
    if not isinstance(alert_id, int) or not 0 < alert_id <= MAX_ID:  # e.g. 10**20 from a URL: no such alert
        raise AlertNotFound(f"no alert {alert_id}")
    t.ensure_tables(engine)
    with engine.connect() as conn:
        row = conn.execute(select(t.alerts).where(t.alerts.c.id == alert_id)).first()
    if row is None:
        raise AlertNotFound(f"no alert {alert_id}")
    return _alert(row)


def list_alerts(engine: Engine, *, status: Iterable[str] | None = None, open_only: bool = False,
                book: str | None = None, customer_id: str | None = None, entity_id: str | None = None,
                limit: int | None = None, offset: int = 0) -> tuple[list[Alert], int]:
    """(alerts newest first, total matching)."""
    t.ensure_tables(engine)
    conds = []
    statuses = list(OPEN_STATUSES) if open_only else (list(status) if status else None)
    if statuses:
        unknown = [s for s in statuses if s not in STATUSES]
        if unknown:
            raise ValueError(f"unknown alert status {unknown[0]!r}; choose from: {', '.join(STATUSES)}")
        conds.append(t.alerts.c.status.in_(statuses))
    if book:
        conds.append(t.alerts.c.book == book)
    if customer_id:
        conds.append(t.alerts.c.customer_id == customer_id)
    if entity_id:
        conds.append(t.alerts.c.entity_id == entity_id)
    where = and_(True, *conds)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(t.alerts).where(where)).scalar() or 0
        query = select(t.alerts).where(where).order_by(t.alerts.c.id.desc()).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        rows = conn.execute(query).all()
    return [_alert(r) for r in rows], total


def summarize_explanations(explanations: dict[str, Any], limit: int = 3) -> str:
    """'name 1.00 (Mahmoud Alavi ~ ALAVI, Mahmoud); birth date matches (1954-04-24 ~ 1954-04-24)'."""
    def weight(item: tuple[str, Any]) -> float:
        return abs(float(_get(item[1], "score") or 0) * float(_get(item[1], "weight") or 1))

    parts = []
    for feature, exp in sorted(explanations.items(), key=weight, reverse=True)[:limit]:
        score = _get(exp, "score")
        if not score:
            continue
        text = _get(exp, "detail") or f"{feature} {float(score):.2f}"
        query, candidate = _get(exp, "query"), _get(exp, "candidate")
        if query and candidate:
            text += f" ({_short(query)} ~ {_short(candidate)})"
        parts.append(text)
    return "; ".join(parts)


def _short(value: Any) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def insert_alert(conn: Connection, *, customer: Any, entity: dict[str, Any], entity_version: str, score: float,
                 explanations: dict[str, Any], reason: str, trigger: str | None, diff: dict[str, Any] | None,
                 actor: str) -> int:
    """Insert an alert, queue its notification in the outbox and audit it, all in the caller's transaction."""
    stamp = t.now()
    caption = entity.get("caption") or _caption(entity)
    explanation = summarize_explanations(explanations)
    values = dict(
        customer_pk=customer.id, book=customer.book, customer_id=customer.customer_id, customer_name=customer.name,
        customer_hash=customer.row_hash, entity_id=entity["id"], entity_caption=caption,
        datasets=json.dumps(entity.get("datasets") or []), entity_version=entity_version,
        entity=json.dumps(entity, ensure_ascii=False), score=float(score), explanation=explanation,
        explanations=json.dumps(explanations, ensure_ascii=False, default=str), reason=reason,
        diff=json.dumps(diff, ensure_ascii=False) if diff else None, trigger=trigger, status="open", version=1,
        created_at=stamp, updated_at=stamp,
    )
    alert_id = conn.execute(insert(t.alerts).values(**values)).inserted_primary_key[0]
    payload = {
        "id": alert_id, "book": customer.book, "customer_id": customer.customer_id, "customer_name": customer.name,
        "entity_id": entity["id"], "entity_caption": caption, "datasets": entity.get("datasets") or [],
        "score": round(float(score), 4), "explanation": explanation, "reason": reason, "trigger": trigger,
        "diff": diff, "created_at": stamp,
    }
    conn.execute(insert(t.outbox).values(alert_id=alert_id, event="alert.raised",
                                         payload=json.dumps(payload, ensure_ascii=False), created_at=stamp,
                                         delivered=False, attempts=0))
    audit.append(actor, "alert.raised", payload, conn=conn)
    return alert_id


def delist_alerts(conn: Connection, entity_id: str, trigger: str | None, actor: str) -> list[int]:
    """Close every open alert on a removed list entity as `delisted` (system decision, audited, notified)."""
    rows = conn.execute(select(t.alerts.c.id, t.alerts.c.book, t.alerts.c.customer_id, t.alerts.c.customer_name,
                               t.alerts.c.version)
                        .where(t.alerts.c.entity_id == entity_id, t.alerts.c.status.in_(OPEN_STATUSES))).all()
    closed = []
    stamp = t.now()
    for row in rows:
        done = conn.execute(update(t.alerts).where(t.alerts.c.id == row.id, t.alerts.c.version == row.version)
                            .values(status="delisted", version=row.version + 1, updated_at=stamp,
                                    decided_by=actor, decided_at=stamp,
                                    decision_reason=f"list entity {entity_id} was removed ({trigger})")).rowcount
        if not done:
            continue  # an analyst decided it in the same instant; their decision stands
        payload = {"id": row.id, "book": row.book, "customer_id": row.customer_id, "customer_name": row.customer_name,
                   "entity_id": entity_id, "status": "delisted", "trigger": trigger, "at": stamp}
        conn.execute(insert(t.outbox).values(alert_id=row.id, event="alert.delisted",
                                             payload=json.dumps(payload, ensure_ascii=False), created_at=stamp,
                                             delivered=False, attempts=0))
        audit.append(actor, "alert.delisted", payload, conn=conn)
        closed.append(row.id)
    return closed


def _caption(entity: dict[str, Any]) -> str:
    props = entity.get("properties") or {}
    for prop in ("name", "alias"):
        if props.get(prop):
            return props[prop][0]
    return entity.get("id") or ""
