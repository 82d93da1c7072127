"""Alerts: a potential match between a book customer and a listed entity, awaiting a decision.

Status machine (vigil.monitor.cases; with the default four-eyes policy):
                 open -> escalated
                 open | escalated -> pending_review -> true_match | false_positive   (a second analyst approves)
                                     pending_review -> open | escalated            (sent back, with a reason)
                 true_match | false_positive -> open                              (reopened, with a reason)
                 open | escalated | pending_review -> delisted   (the list entity was removed; closed by the system)
Without review in the policy, open | escalated -> true_match | false_positive directly.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy import Connection, Engine, and_, func, insert, select, update

from vigil.service import audit
from vigil.matching.display import format_score
from vigil.monitor import tables as t

OPEN_STATUSES = ("open", "escalated", "pending_review")  # not closed: the pair is not raised again
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
    assignee: str | None = None
    assigned_at: str | None = None
    proposed_status: str | None = None
    proposed_by: str | None = None
    proposed_at: str | None = None
    proposed_reason: str | None = None
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    # Age and SLA: seconds since raised (until closed, for closed alerts), the due time, and whether an
    # open alert is past it (set from the policy's sla_days by get_alert/list_alerts).
    age_seconds: float = 0.0
    sla_due: str | None = None
    overdue: bool = False
    party_id: str | None = None  # the party (vp-…) and all its records when raised; None: a per-record alert
    referents: list[str] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def age(self) -> str:
        return age_text(self.age_seconds)

    def to_dict(self, full: bool = True) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["age"] = self.age
        if not full:
            data.pop("entity")
            data.pop("explanations")
        return data


def age_text(seconds: float) -> str:
    """'3d 4h', '5h 12m', '40m': the age column of the CLI and UI."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"


def _parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    value = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _with_sla(alert: "Alert", sla_days: float, now: datetime) -> "Alert":
    created = _parse(alert.created_at) or now
    end = _parse(alert.decided_at) if alert.status in FINAL_STATUSES else None
    alert.age_seconds = max(0.0, ((end or now) - created).total_seconds())
    due = created + timedelta(days=sla_days)
    alert.sla_due = due.isoformat(timespec="seconds")
    alert.overdue = alert.open and now > due
    return alert


def _alert(row: Any) -> Alert:
    return Alert(
        id=row.id, book=row.book, customer_id=row.customer_id, customer_name=row.customer_name,
        entity_id=row.entity_id, entity_caption=row.entity_caption, datasets=json.loads(row.datasets),
        score=round(float(row.score), 4), explanation=row.explanation, status=row.status, version=row.version,
        reason=row.reason, created_at=row.created_at, updated_at=row.updated_at, trigger=row.trigger,
        diff=json.loads(row.diff) if row.diff else None, decided_by=row.decided_by, decided_at=row.decided_at,
        decision_reason=row.decision_reason, explanations=json.loads(row.explanations),
        entity=json.loads(row.entity), entity_version=row.entity_version, assignee=row.assignee,
        assigned_at=row.assigned_at, proposed_status=row.proposed_status, proposed_by=row.proposed_by,
        proposed_at=row.proposed_at, proposed_reason=row.proposed_reason, reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at, party_id=getattr(row, "party_id", None),
        referents=json.loads(row.referents) if getattr(row, "referents", None) else [],
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
    from vigil.monitor.policy import get_policy

    return _with_sla(_alert(row), get_policy(engine).sla_days, datetime.now(timezone.utc))


UNASSIGNED = "-"  # the owner filter value for alerts nobody owns


def list_alerts(engine: Engine, *, status: Iterable[str] | None = None, open_only: bool = False,
                book: str | None = None, customer_id: str | None = None, entity_id: str | None = None,
                assignee: str | None = None, dataset: str | None = None, older_than_days: float | None = None,
                overdue: bool = False, oldest_first: bool = False,
                limit: int | None = None, offset: int = 0) -> tuple[list[Alert], int]:
    """(alerts newest first, or oldest first; total matching). Queue views: by `status`, owner (`assignee`,
    `UNASSIGNED` for nobody's), list (`dataset`), age (`older_than_days`, `overdue` = open past the policy's SLA)."""
    from vigil.monitor.policy import get_policy

    t.ensure_tables(engine)
    now = datetime.now(timezone.utc)
    sla_days = get_policy(engine).sla_days
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
    if assignee == UNASSIGNED:
        conds.append(t.alerts.c.assignee.is_(None))
    elif assignee:
        conds.append(t.alerts.c.assignee == assignee)
    if dataset:
        conds.append(t.alerts.c.datasets.contains(json.dumps(dataset), autoescape=True))  # the JSON list holds '"us_ofac_sdn"'
    if older_than_days is not None:
        if older_than_days < 0:
            raise ValueError("the age filter needs a number of days >= 0")
        conds.append(t.alerts.c.created_at <= (now - timedelta(days=older_than_days)).isoformat(timespec="microseconds"))
    if overdue:
        conds.append(t.alerts.c.status.in_(OPEN_STATUSES))
        conds.append(t.alerts.c.created_at <= (now - timedelta(days=sla_days)).isoformat(timespec="microseconds"))
    where = and_(True, *conds)
    order = t.alerts.c.id.asc() if oldest_first else t.alerts.c.id.desc()
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(t.alerts).where(where)).scalar() or 0
        query = select(t.alerts).where(where).order_by(order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        rows = conn.execute(query).all()
    return [_with_sla(_alert(r), sla_days, now) for r in rows], total


def summarize_explanations(explanations: dict[str, Any], limit: int = 3) -> str:
    """'name 1.00 (Mahmoud Alavi ~ ALAVI, Mahmoud); birth date matches (1954-04-24 ~ 1954-04-24)'."""
    def weight(item: tuple[str, Any]) -> float:
        return abs(float(_get(item[1], "score") or 0) * float(_get(item[1], "weight") or 1))

    parts = []
    for feature, exp in sorted(explanations.items(), key=weight, reverse=True)[:limit]:
        score = _get(exp, "score")
        if not score:
            continue
        text = _get(exp, "detail") or f"{feature} {format_score(score)}"
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
                 actor: str, party_id: str | None = None, referents: list[str] | None = None,
                 datasets: list[str] | None = None) -> int:
    """Insert an alert, queue its notification in the outbox and audit it, all in the caller's transaction.
    A party alert names the party and its records (`party_id`, `referents`) and every list they are on
    (`datasets`); `entity` is the record that matched best."""
    stamp = t.now()
    caption = entity.get("caption") or _caption(entity)
    explanation = summarize_explanations(explanations)
    datasets = list(datasets or entity.get("datasets") or [])
    values = dict(
        customer_pk=customer.id, book=customer.book, customer_id=customer.customer_id, customer_name=customer.name,
        customer_hash=customer.row_hash, entity_id=entity["id"], entity_caption=caption,
        datasets=json.dumps(datasets), entity_version=entity_version,
        party_id=party_id, referents=json.dumps(list(referents)) if referents else None,
        entity=json.dumps(entity, ensure_ascii=False), score=float(score), explanation=explanation,
        explanations=json.dumps(explanations, ensure_ascii=False, default=str), reason=reason,
        diff=json.dumps(diff, ensure_ascii=False) if diff else None, trigger=trigger, status="open", version=1,
        created_at=stamp, updated_at=stamp,
    )
    alert_id = conn.execute(insert(t.alerts).values(**values)).inserted_primary_key[0]
    payload = {
        "id": alert_id, "book": customer.book, "customer_id": customer.customer_id, "customer_name": customer.name,
        "entity_id": entity["id"], "entity_caption": caption, "datasets": datasets,
        "score": round(float(score), 4), "explanation": explanation, "reason": reason, "trigger": trigger,
        "diff": diff, "created_at": stamp,
    }
    if party_id:
        payload.update(party_id=party_id, referents=list(referents or ()))
    conn.execute(insert(t.outbox).values(alert_id=alert_id, event="alert.raised",
                                         payload=json.dumps(payload, ensure_ascii=False), created_at=stamp,
                                         delivered=False, attempts=0))
    audit.append(actor, "alert.raised", payload, conn=conn)
    return alert_id


def delist_alerts(conn: Connection, entity_id: str, trigger: str | None, actor: str,
                  still_listed: Any = None) -> list[int]:
    """Close every open alert on a removed list entity as `delisted` (system decision, audited, notified).
    `still_listed(party_id)`: true when the alert's party is still on a list through another record (a party
    alert then stays open)."""
    rows = conn.execute(select(t.alerts.c.id, t.alerts.c.book, t.alerts.c.customer_id, t.alerts.c.customer_name,
                               t.alerts.c.version, t.alerts.c.party_id)
                        .where(t.alerts.c.entity_id == entity_id, t.alerts.c.status.in_(OPEN_STATUSES))).all()
    closed = []
    stamp = t.now()
    for row in rows:
        if row.party_id and still_listed is not None and still_listed(row.party_id):
            continue
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
