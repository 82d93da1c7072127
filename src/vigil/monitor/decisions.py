"""Analyst decisions on alerts, with optimistic concurrency and whitelisting.

`decide()` updates the alert with `UPDATE ... WHERE id = :id AND version = :v`: when two
analysts (or two API clients) decide the same alert at once, exactly one UPDATE matches,
the other gets `DecisionConflict`. A false positive whitelists the (customer, entity) pair
at the entity's current version, so it stays quiet until the list entity (or the customer
record) changes.
"""
from __future__ import annotations

from sqlalchemy import Engine, insert, select, update

from vigil.service import audit
from vigil.monitor import tables as t
from vigil.monitor.alerts import FINAL_STATUSES, Alert, AlertNotFound, get_alert

# CLI/API word -> stored status
DECISIONS = {"true-match": "true_match", "false-positive": "false_positive", "escalate": "escalated"}
MAX_REASON = 4000


class DecisionError(ValueError):
    """A decision the caller got wrong (unknown decision, empty reason ...). Exit 2 / HTTP 400."""


class DecisionConflict(RuntimeError):
    """Someone else decided (or the system closed) the alert first. Exit 2 / HTTP 409."""


def decide(engine: Engine, alert_id: int, decision: str, reason: str, by: str,
           expected_version: int | None = None) -> Alert:
    """Record one decision. `expected_version`: the alert version the analyst looked at (API clients send it);
    without it, the version read here is used, which still makes concurrent deciders conflict."""
    status = DECISIONS.get((decision or "").strip().lower().replace("_", "-"))
    if status is None:
        raise DecisionError(f"unknown decision {decision!r}; choose one of: {', '.join(DECISIONS)}")
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError("a decision needs a reason (--reason)")
    if len(reason) > MAX_REASON:
        raise DecisionError(f"reason is longer than {MAX_REASON} characters")
    by = (by or "").strip()
    if not by:
        raise DecisionError("a decision needs the deciding user (--by)")
    t.ensure_tables(engine)
    current = get_alert(engine, alert_id)
    version = current.version if expected_version is None else int(expected_version)
    if current.version != version:
        raise DecisionConflict(f"alert {alert_id} changed since you loaded it (version {version}, now "
                               f"{current.version}: {current.status} by {current.decided_by}); reload and decide again")
    if current.status in FINAL_STATUSES:
        raise DecisionConflict(f"alert {alert_id} is already closed as {current.status} by {current.decided_by} "
                               f"at {current.decided_at}")
    if status == "escalated" and current.status == "escalated":
        raise DecisionConflict(f"alert {alert_id} is already escalated by {current.decided_by}")
    stamp = t.now()
    with engine.begin() as conn:
        won = conn.execute(
            update(t.alerts).where(t.alerts.c.id == alert_id, t.alerts.c.version == version)
            .values(status=status, version=version + 1, updated_at=stamp, decided_by=by, decided_at=stamp,
                    decision_reason=reason)
        ).rowcount
        if won != 1:
            raise DecisionConflict(f"alert {alert_id} was decided by someone else a moment ago; reload it to see "
                                   f"their decision")
        conn.execute(insert(t.decisions).values(alert_id=alert_id, decision=status, reason=reason, by=by, at=stamp,
                                                alert_version=version))
        if status == "false_positive":
            row = conn.execute(select(t.alerts.c.customer_pk, t.alerts.c.customer_hash, t.alerts.c.entity_id,
                                      t.alerts.c.entity_version, t.alerts.c.entity)
                               .where(t.alerts.c.id == alert_id)).one()
            values = dict(entity_version=row.entity_version, customer_hash=row.customer_hash, entity=row.entity,
                          alert_id=alert_id, by=by, reason=reason, at=stamp)
            updated = conn.execute(update(t.whitelist).where(t.whitelist.c.customer_pk == row.customer_pk,
                                                             t.whitelist.c.entity_id == row.entity_id)
                                   .values(**values)).rowcount
            if not updated:
                conn.execute(insert(t.whitelist).values(customer_pk=row.customer_pk, entity_id=row.entity_id, **values))
        audit.append(by, "alert.decided", {
            "alert": alert_id, "decision": status, "reason": reason, "customer_id": current.customer_id,
            "book": current.book, "entity_id": current.entity_id, "entity_version": current.entity_version,
            "alert_version": version, "whitelisted": status == "false_positive",
        }, conn=conn)
    return get_alert(engine, alert_id)


def decisions_for(engine: Engine, alert_id: int) -> list[dict]:
    t.ensure_tables(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.decisions).where(t.decisions.c.alert_id == alert_id)
                            .order_by(t.decisions.c.id)).all()
    return [dict(r._mapping) for r in rows]


def whitelist_entries(engine: Engine) -> list[dict]:
    t.ensure_tables(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.whitelist.c.id, t.whitelist.c.customer_pk, t.whitelist.c.entity_id,
                                   t.whitelist.c.entity_version, t.whitelist.c.alert_id, t.whitelist.c.by,
                                   t.whitelist.c.reason, t.whitelist.c.at)).all()
    return [dict(r._mapping) for r in rows]


__all__ = ["decide", "DECISIONS", "DecisionError", "DecisionConflict", "AlertNotFound", "decisions_for",
           "whitelist_entries"]
