"""Case work on alerts: decide, four-eyes review, reopen, assign.

Every step is one transaction that (1) moves the alert with `UPDATE ... WHERE id = :id AND version = :v`
(optimistic concurrency: of two analysts acting at once exactly one wins, the other gets DecisionConflict),
(2) appends an audit event and (3) records a history row in `monitor_decisions` that carries the seq and hash
of that audit event, so each case-work row points at the tamper-evident record of itself.

Identity: `by` is the authenticated identity (API key name, UI login, the OS user on the CLI). The same
identity can never both propose a closing decision and approve it. `on_behalf_of` is a free-text note
(the CLI's `--by`, the API's `by`): recorded and shown, never used for the four-eyes check.
"""
from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from vigil.service import audit
from vigil.service.reasons import reason_problem
from vigil.monitor import tables as t
from vigil.monitor.alerts import FINAL_STATUSES, Alert, get_alert
from vigil.monitor.policy import get_policy

# CLI/API word -> stored status
DECISIONS = {"true-match": "true_match", "false-positive": "false_positive", "escalate": "escalated"}
REVIEW_ACTIONS = ("approve", "send-back")
MAX_REASON = 4000
MAX_NAME = 200


class DecisionError(ValueError):
    """A decision the caller got wrong (unknown decision, empty reason ...). Exit 2 / HTTP 400."""


class FourEyesError(DecisionError):
    """The same identity tried to approve (or send back) its own proposal. Exit 2 / HTTP 403."""


class DecisionConflict(RuntimeError):
    """Someone else acted on (or the system closed) the alert first, or it is in the wrong state. Exit 2 / HTTP 409."""


def os_identity() -> str:
    """The OS account running this process (one definition: `service.keys.default_actor`)."""
    from vigil.service.keys import default_actor

    return default_actor()


def _text(value: str | None, what: str, required: bool = True, limit: int = MAX_REASON) -> str:
    """Reasons, names and notes: stripped, bounded, and readable (a zero-width space alone is no reason)."""
    value = (value or "").strip()
    if required and not value:
        raise DecisionError(f"{what} is required")
    if len(value) > limit:
        raise DecisionError(f"{what} is longer than {limit} characters")
    problem = reason_problem(value, what) if value else None
    if problem:
        raise DecisionError(problem)
    return value


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def _load(engine: Engine, alert_id: int, expected_version: int | None) -> tuple[Alert, int]:
    t.ensure_tables(engine)
    current = get_alert(engine, alert_id)
    version = current.version if expected_version is None else int(expected_version)
    if current.version != version:
        raise DecisionConflict(f"alert {alert_id} changed since you loaded it (version {version}, now "
                               f"{current.version}: {current.status.replace('_', ' ')}"
                               f"{' by ' + current.decided_by if current.decided_by else ''}); reload and try again")
    return current, version


def _move(conn: Connection, alert_id: int, version: int, **values: Any) -> None:
    won = conn.execute(update(t.alerts).where(t.alerts.c.id == alert_id, t.alerts.c.version == version)
                       .values(version=version + 1, updated_at=values.pop("stamp"), **values)).rowcount
    if won != 1:
        raise DecisionConflict(f"alert {alert_id} was changed by someone else a moment ago; reload it to see what "
                               f"they did")


def _record(conn: Connection, alert: Alert, *, action: str, status: str, reason: str, by: str, version: int,
            stamp: str, on_behalf_of: str | None, event: str, extra: dict[str, Any] | None = None,
            whitelist: dict[str, Any] | None = None) -> None:
    """The audit event and the history row that points at it (seq + hash), in the caller's transaction.
    With `whitelist` (the entry a false positive creates), its values go into the event too and the entry
    is written carrying the event's seq and hash, so `vigil audit verify` can compare the two."""
    payload = {"alert": alert.id, "action": action, "status": status, "reason": reason,
               "customer_id": alert.customer_id, "book": alert.book, "entity_id": alert.entity_id,
               "entity_version": alert.entity_version, "alert_version": version, "at": stamp, **(extra or {})}
    if on_behalf_of:
        payload["on_behalf_of"] = on_behalf_of
    if whitelist is not None:
        payload["whitelist"] = whitelist_payload(whitelist)
    entry = audit.append(by, event, payload, conn=conn)
    conn.execute(insert(t.decisions).values(alert_id=alert.id, decision=status, reason=reason, by=by, at=stamp,
                                            alert_version=version, action=action, on_behalf_of=on_behalf_of or None,
                                            audit_seq=entry.seq, audit_hash=entry.hash))
    if whitelist is not None:
        _write_whitelist(conn, whitelist, entry)


def whitelist_payload(values: dict[str, Any]) -> dict[str, Any]:
    """What the audit event records of a whitelist entry: every column but the entity JSON (by its hash)."""
    out = {k: values[k] for k in ("customer_pk", "entity_id", "entity_version", "customer_hash", "alert_id", "by",
                                  "reason", "at")}
    out["entity_sha256"] = hashlib.sha256((values["entity"] or "").encode("utf-8")).hexdigest()
    return out


def _whitelist_values(conn: Connection, alert_id: int, by: str, reason: str, stamp: str) -> dict[str, Any]:
    row = conn.execute(select(t.alerts.c.customer_pk, t.alerts.c.customer_hash, t.alerts.c.entity_id,
                              t.alerts.c.entity_version, t.alerts.c.entity)
                       .where(t.alerts.c.id == alert_id)).one()
    return dict(customer_pk=row.customer_pk, entity_id=row.entity_id, entity_version=row.entity_version,
                customer_hash=row.customer_hash, entity=row.entity, alert_id=alert_id, by=by, reason=reason, at=stamp)


def _write_whitelist(conn: Connection, values: dict[str, Any], entry: Any) -> None:
    values = dict(values, audit_seq=entry.seq, audit_hash=entry.hash)
    pk, entity_id = values.pop("customer_pk"), values.pop("entity_id")
    if not conn.execute(update(t.whitelist).where(t.whitelist.c.customer_pk == pk,
                                                  t.whitelist.c.entity_id == entity_id).values(**values)).rowcount:
        conn.execute(insert(t.whitelist).values(customer_pk=pk, entity_id=entity_id, **values))


def decide(engine: Engine, alert_id: int, decision: str, reason: str, by: str,
           expected_version: int | None = None, on_behalf_of: str | None = None) -> Alert:
    """The first decision on an alert. `escalate` always applies at once. `true-match` and `false-positive`
    close the alert at once only when the policy does not ask for review; otherwise the alert goes to
    `pending_review` with the proposal, and a second, different analyst must `review()` it."""
    status = DECISIONS.get((decision or "").strip().lower().replace("_", "-"))
    if status is None:
        raise DecisionError(f"unknown decision {decision!r}; choose one of: {', '.join(DECISIONS)}")
    reason = _text(reason, "a reason (--reason)")
    by = _text(by, "the acting user", limit=MAX_NAME)
    note = _text(on_behalf_of, "on behalf of", required=False, limit=MAX_NAME) or None
    current, version = _load(engine, alert_id, expected_version)
    if current.status in FINAL_STATUSES:
        raise DecisionConflict(f"alert {alert_id} is already closed as {current.status} by {current.decided_by} "
                               f"at {current.decided_at}; reopen it first (vigil reopen {alert_id} --reason ...)")
    if current.status == "pending_review":
        raise DecisionConflict(f"alert {alert_id} is pending review of {current.proposed_by}'s proposal "
                               f"({current.proposed_status}); a second analyst approves or sends it back first")
    if status == "escalated" and current.status == "escalated":
        raise DecisionConflict(f"alert {alert_id} is already escalated by {current.decided_by}")
    stamp = t.now()
    review = status != "escalated" and get_policy(engine).needs_review(status)
    with engine.begin() as conn:
        if review:
            _move(conn, alert_id, version, stamp=stamp, status="pending_review", proposed_status=status,
                  proposed_by=by, proposed_at=stamp, proposed_reason=reason, review_from=current.status)
            _record(conn, current, action="proposed", status=status, reason=reason, by=by,
                    version=version, stamp=stamp, on_behalf_of=note, event="alert.proposed",
                    extra={"alert_status": "pending_review"})
        else:
            _move(conn, alert_id, version, stamp=stamp, status=status, decided_by=by, decided_at=stamp,
                  decision_reason=reason)
            listed = _whitelist_values(conn, alert_id, by, reason, stamp) if status == "false_positive" else None
            _record(conn, current, action="decided", status=status, reason=reason, by=by, version=version,
                    stamp=stamp, on_behalf_of=note, event="alert.decided",
                    extra={"decision": status, "whitelisted": status == "false_positive"}, whitelist=listed)
    return get_alert(engine, alert_id)


def review(engine: Engine, alert_id: int, action: str, reason: str | None, by: str,
           expected_version: int | None = None, on_behalf_of: str | None = None) -> Alert:
    """A second analyst's `approve` (the proposal takes effect: closed, and a false positive whitelists the
    pair) or `send-back` (a reason is required; the alert returns to open or escalated)."""
    action = (action or "").strip().lower().replace("_", "-")
    if action not in REVIEW_ACTIONS:
        raise DecisionError(f"unknown review action {action!r}; choose one of: {', '.join(REVIEW_ACTIONS)}")
    approve = action == "approve"
    reason = _text(reason, "a reason for sending back (--reason)", required=not approve) or "approved"
    by = _text(by, "the acting user", limit=MAX_NAME)
    note = _text(on_behalf_of, "on behalf of", required=False, limit=MAX_NAME) or None
    current, version = _load(engine, alert_id, expected_version)
    if current.status != "pending_review":
        raise DecisionConflict(f"alert {alert_id} is {current.status.replace('_', ' ')}, not pending review")
    if _same(by, current.proposed_by):
        raise FourEyesError(f"four-eyes: {by} proposed this decision and cannot also {action.replace('-', ' ')} it; "
                            f"another analyst must review alert {alert_id}")
    stamp = t.now()
    proposed = current.proposed_status or ""
    with engine.begin() as conn:
        if approve:
            _move(conn, alert_id, version, stamp=stamp, status=proposed, decided_by=current.proposed_by,
                  decided_at=stamp, decision_reason=current.proposed_reason, reviewed_by=by, reviewed_at=stamp)
            listed = _whitelist_values(conn, alert_id, current.proposed_by or by,
                                       f"{current.proposed_reason} (approved by {by})", stamp) \
                if proposed == "false_positive" else None
            _record(conn, current, action="approved", status=proposed, reason=reason, by=by, version=version,
                    stamp=stamp, on_behalf_of=note, event="alert.approved",
                    extra={"decision": proposed, "proposed_by": current.proposed_by,
                           "proposed_reason": current.proposed_reason, "whitelisted": proposed == "false_positive"},
                    whitelist=listed)
        else:
            back = _review_from(conn, alert_id)
            _move(conn, alert_id, version, stamp=stamp, status=back, proposed_status=None, proposed_by=None,
                  proposed_at=None, proposed_reason=None, review_from=None)
            _record(conn, current, action="sent_back", status=back, reason=reason, by=by, version=version,
                    stamp=stamp, on_behalf_of=note, event="alert.sent_back",
                    extra={"proposed": proposed, "proposed_by": current.proposed_by})
    return get_alert(engine, alert_id)


def _review_from(conn: Connection, alert_id: int) -> str:
    back = conn.execute(select(t.alerts.c.review_from).where(t.alerts.c.id == alert_id)).scalar()
    return back if back in ("open", "escalated") else "open"


def reopen(engine: Engine, alert_id: int, reason: str, by: str, expected_version: int | None = None,
           on_behalf_of: str | None = None) -> Alert:
    """Reopen a true match or false positive (a reason is required). A false positive's whitelist entry is
    removed, so the pair is screened and alerted again. Delisted alerts stay closed: the entity left every list."""
    reason = _text(reason, "a reason (--reason)")
    by = _text(by, "the acting user", limit=MAX_NAME)
    note = _text(on_behalf_of, "on behalf of", required=False, limit=MAX_NAME) or None
    current, version = _load(engine, alert_id, expected_version)
    if current.status == "delisted":
        raise DecisionConflict(f"alert {alert_id} was closed by the system because {current.entity_id} left every "
                               f"list; it cannot be reopened")
    if current.status not in ("true_match", "false_positive"):
        raise DecisionConflict(f"alert {alert_id} is {current.status.replace('_', ' ')}, not closed; nothing to reopen")
    stamp = t.now()
    with engine.begin() as conn:
        removed = 0
        if current.status == "false_positive":
            pk = conn.execute(select(t.alerts.c.customer_pk).where(t.alerts.c.id == alert_id)).scalar_one()
            # only this alert's entry: a later decision on the same pair made its own
            removed = conn.execute(delete(t.whitelist).where(t.whitelist.c.customer_pk == pk,
                                                             t.whitelist.c.entity_id == current.entity_id,
                                                             t.whitelist.c.alert_id == alert_id)).rowcount
        _move(conn, alert_id, version, stamp=stamp, status="open", decided_by=None, decided_at=None,
              decision_reason=None, proposed_status=None, proposed_by=None, proposed_at=None, proposed_reason=None,
              review_from=None, reviewed_by=None, reviewed_at=None)
        _record(conn, current, action="reopened", status="open", reason=reason, by=by, version=version, stamp=stamp,
                on_behalf_of=note, event="alert.reopened",
                extra={"was": current.status, "was_decided_by": current.decided_by,
                       "was_reviewed_by": current.reviewed_by, "whitelist_removed": bool(removed),
                       "customer_pk": pk if current.status == "false_positive" else None})
    return get_alert(engine, alert_id)


def assign(engine: Engine, alert_id: int, assignee: str | None, by: str, on_behalf_of: str | None = None,
           expected_version: int | None = None) -> Alert:
    """Give an open alert an owner (`assignee=None`: unassign). Like every step it moves the alert's version, so
    each history row is one (alert, version) and a page loaded before the assignment is told it changed."""
    by = _text(by, "the acting user", limit=MAX_NAME)
    owner = _text(assignee, "the assignee", required=False, limit=MAX_NAME) or None
    note = _text(on_behalf_of, "on behalf of", required=False, limit=MAX_NAME) or None
    current, version = _load(engine, alert_id, expected_version)
    if current.status in FINAL_STATUSES:
        raise DecisionConflict(f"alert {alert_id} is closed ({current.status.replace('_', ' ')}); reopen it to assign it")
    if current.assignee == owner:
        raise DecisionConflict(f"alert {alert_id} is already {'assigned to ' + owner if owner else 'unassigned'}")
    stamp = t.now()
    action = "assigned" if owner else "unassigned"
    with engine.begin() as conn:
        _move(conn, alert_id, version, stamp=stamp, assignee=owner, assigned_at=stamp if owner else None)
        reason = f"assigned to {owner}" if owner else f"unassigned from {current.assignee}"
        _record(conn, current, action=action, status=current.status, reason=reason, by=by, version=version,
                stamp=stamp, on_behalf_of=note, event=f"alert.{action}",
                extra={"assignee": owner, "previous": current.assignee})
    return get_alert(engine, alert_id)


def history(engine: Engine, alert_id: int) -> list[dict[str, Any]]:
    """Every case-work step on the alert, oldest first, each with the audit row (seq, hash) that records it."""
    t.ensure_tables(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.decisions).where(t.decisions.c.alert_id == alert_id)
                            .order_by(t.decisions.c.id)).all()
    out = []
    for r in rows:
        item = {str(k): v for k, v in r._mapping.items()}  # plain str keys (JSON encoders refuse quoted_name)
        item["action"] = item.get("action") or "decided"
        out.append(item)
    return out


def whitelist_entries(engine: Engine) -> list[dict]:
    t.ensure_tables(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.whitelist.c.id, t.whitelist.c.customer_pk, t.whitelist.c.entity_id,
                                   t.whitelist.c.entity_version, t.whitelist.c.alert_id, t.whitelist.c.by,
                                   t.whitelist.c.reason, t.whitelist.c.at, t.whitelist.c.audit_seq,
                                   t.whitelist.c.audit_hash)).all()
    return [dict(r._mapping) for r in rows]


def describe_step(step: dict[str, Any]) -> str:
    """One history row in words: 'proposed false positive', 'approved → true match', 'assigned to ana' ..."""
    action, status = step["action"], (step["decision"] or "").replace("_", " ")
    if action in ("assigned", "unassigned"):
        return step["reason"]
    if action in ("proposed", "decided"):
        return f"{action} {status}"
    return f"{action.replace('_', ' ')} → {status}"


__all__ = ["os_identity", "decide", "review", "reopen", "assign", "history", "whitelist_entries", "DECISIONS", "REVIEW_ACTIONS",
           "DecisionError", "DecisionConflict", "FourEyesError", "describe_step"]
