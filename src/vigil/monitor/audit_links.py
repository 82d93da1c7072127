"""Cross-checking the case-work tables against the audit log.

Every row of `monitor_decisions` and `monitor_whitelist` is written in the same transaction as the
audit event that records it, and carries that event's `audit_seq` and `audit_hash`; the event's
payload holds the row's values. `check_links()` compares the two in both directions:

* a row whose values differ from its event (an edited reason, actor, decision; a whitelist entry
  moved to another entity version or customer record) is reported;
* a row pointing at no event, at an event of another kind, or with a hash the log does not have
  (a row inserted by hand) is reported;
* an event whose row is gone (a decision deleted, a whitelist entry removed without a reopening)
  is reported.

Because the events are in the hash chain, and the chain is proven by the signed checkpoints, editing
a decision or a whitelist entry in the database is found unless the log is rewritten too, which the
checkpoints catch. Rows written before vigil recorded these links (NULL `audit_seq`) are fingerprinted
once in an `audit.legacy_rows` event when the database is first opened by this version; afterwards a
changed or added unlinked row is reported too.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from vigil.service import audit
from vigil.monitor import tables as t
from vigil.monitor.tables import (  # the rows that predate the links are fingerprinted when tables are ensured
    DECISION_COLUMNS as _DECISION_COLUMNS, LEGACY_EVENT, WHITELIST_COLUMNS as _WHITELIST_COLUMNS,
    fingerprint as _fingerprint, record_legacy_rows,
)

CASE_EVENTS = ("alert.decided", "alert.proposed", "alert.approved", "alert.sent_back", "alert.reopened",
               "alert.assigned", "alert.unassigned")


def _legacy(conn) -> tuple[dict[str, dict[str, str]], int]:
    """The recorded fingerprints of unlinked rows {table: {id: sha}}, and the marker's seq (0: none)."""
    row = conn.execute(select(audit.audit_log.c.seq, audit.audit_log.c.payload)
                       .where(audit.audit_log.c.action == LEGACY_EVENT).order_by(audit.audit_log.c.seq)).first()
    if row is None:
        return {}, 0
    return json.loads(row.payload).get("rows", {}), row.seq


@dataclass
class LinkReport:
    decisions: int = 0
    whitelist: int = 0
    legacy: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "decisions": self.decisions, "whitelist": self.whitelist, "legacy": self.legacy,
                "problems": self.problems}

    def __str__(self) -> str:
        what = f"{self.decisions:,} decision rows and {self.whitelist:,} whitelist entries"
        if self.ok:
            return f"case-work tables match the audit log: {what}" + (
                f" ({self.legacy} from before the links, unchanged)" if self.legacy else "")
        return f"case-work tables DIFFER from the audit log ({what}): " + "; ".join(self.problems[:5]) + (
            f"; and {len(self.problems) - 5} more" if len(self.problems) > 5 else "")


def _differences(row: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    out = []
    for column, value in expected.items():
        if row.get(column) != value:
            out.append(f"{column} {row.get(column)!r} (log: {value!r})")
    return out


def check_links(engine: Engine) -> LinkReport:
    t.ensure_tables(engine)
    report = LinkReport()
    with engine.connect() as conn:
        legacy, legacy_seq = _legacy(conn)
        events = {r.seq: r for r in conn.execute(
            select(audit.audit_log.c.seq, audit.audit_log.c.hash, audit.audit_log.c.actor, audit.audit_log.c.action,
                   audit.audit_log.c.payload).where(audit.audit_log.c.action.in_(CASE_EVENTS)))}
        decisions = [dict(r._mapping) for r in conn.execute(select(t.decisions).order_by(t.decisions.c.id))]
        whitelist = [dict(r._mapping) for r in conn.execute(select(t.whitelist).order_by(t.whitelist.c.id))]
    payloads = {seq: json.loads(r.payload) for seq, r in events.items()}
    report.decisions, report.whitelist = len(decisions), len(whitelist)
    problems = report.problems

    def linked(kind: str, row: dict[str, Any], table: str, columns: tuple[str, ...]) -> dict[str, Any] | None:
        """The row's event payload, or None after reporting why there is none."""
        seq = row.get("audit_seq")
        if seq is None:
            recorded = legacy.get(table, {}).get(str(row["id"]))
            if recorded is None:
                problems.append(f"{kind} row {row['id']} has no audit link and was not among the rows that "
                                f"predate the links: inserted outside vigil")
            elif recorded != _fingerprint(row, columns):
                problems.append(f"{kind} row {row['id']} (from before the audit links) was edited after "
                                f"audit row {legacy_seq} fingerprinted it")
            else:
                report.legacy += 1
            return None
        event = events.get(seq)
        if event is None:
            problems.append(f"{kind} row {row['id']} points at audit row {seq}, which records no case-work step: "
                            f"inserted or re-linked outside vigil")
            return None
        if event.hash != row.get("audit_hash"):
            problems.append(f"{kind} row {row['id']}: audit_hash differs from audit row {seq}'s hash")
            return None
        return payloads[seq]

    seen: dict[int, int] = {}
    for row in decisions:
        payload = linked("decision", row, "monitor_decisions", _DECISION_COLUMNS)
        if payload is None:
            continue
        seq = row["audit_seq"]
        if seq in seen:
            problems.append(f"decision rows {seen[seq]} and {row['id']} both claim audit row {seq}: one is a copy")
            continue
        seen[seq] = row["id"]
        expected = {"alert_id": payload.get("alert"), "decision": payload.get("status"), "reason": payload.get("reason"),
                    "by": events[seq].actor, "action": payload.get("action"), "alert_version": payload.get("alert_version"),
                    "on_behalf_of": payload.get("on_behalf_of")}
        if "at" in payload:
            expected["at"] = payload["at"]
        diff = _differences(row, expected)
        if diff:
            problems.append(f"decision row {row['id']} differs from audit row {seq}: " + ", ".join(diff))
    for seq in sorted(events):
        p = payloads[seq]
        if seq > legacy_seq and seq not in seen and isinstance(p.get("alert"), int):
            problems.append(f"audit row {seq} ({events[seq].action} on alert {p.get('alert')} by "
                            f"{events[seq].actor}) has no decision row: deleted outside vigil")

    # Whitelist: each entry against its event; and the entries the log says must exist.
    live: dict[tuple[int, str], int] = {}  # (customer_pk, entity_id) -> seq of the event that created the entry
    for seq in sorted(payloads):
        p = payloads[seq]
        entry = p.get("whitelist")
        if isinstance(entry, dict):
            live[(entry.get("customer_pk"), entry.get("entity_id"))] = seq
        elif events[seq].action == "alert.reopened" and p.get("whitelist_removed"):
            pair = (p.get("customer_pk"), p.get("entity_id"))
            created = live.get(pair)
            if created is not None and payloads[created].get("alert") == p.get("alert"):
                del live[pair]
    present: set[int] = set()
    for row in whitelist:
        payload = linked("whitelist", row, "monitor_whitelist", _WHITELIST_COLUMNS)
        if payload is None:
            continue
        seq = row["audit_seq"]
        entry = payload.get("whitelist")
        if not isinstance(entry, dict):
            problems.append(f"whitelist entry {row['id']} points at audit row {seq}, which whitelisted nothing")
            continue
        present.add(seq)
        expected = {k: entry.get(k) for k in _WHITELIST_COLUMNS}
        diff = _differences(row, expected)
        if hashlib.sha256((row.get("entity") or "").encode("utf-8")).hexdigest() != entry.get("entity_sha256"):
            diff.append("entity snapshot")
        if diff:
            problems.append(f"whitelist entry {row['id']} differs from audit row {seq}: " + ", ".join(diff))
        elif live.get((row["customer_pk"], row["entity_id"])) != seq:
            problems.append(f"whitelist entry {row['id']} was removed or replaced in the log (audit row {seq} is "
                            f"no longer the pair's current entry) but is still in the table")
    for (pk, entity_id), seq in sorted(live.items(), key=lambda x: x[1]):
        if seq not in present:
            problems.append(f"whitelist entry of customer {pk} / {entity_id} (audit row {seq}) is missing: deleted "
                            f"outside vigil")
    return report


__all__ = ["check_links", "record_legacy_rows", "LinkReport", "CASE_EVENTS", "LEGACY_EVENT"]
