"""Analyst decisions on alerts (kept for imports): the case work itself is in `vigil.monitor.cases`.

`decide()` moves the alert with `UPDATE ... WHERE id = :id AND version = :v`: when two analysts (or two API
clients) decide the same alert at once, exactly one UPDATE matches, the other gets `DecisionConflict`. Under
the default four-eyes policy a closing decision goes to `pending_review` until a second analyst approves it; an
approved (or unreviewed, when the policy allows) false positive whitelists the (customer, entity) pair at the
entity's current version, so it stays quiet until the list entity (or the customer record) changes.
"""
from __future__ import annotations

from vigil.monitor.alerts import AlertNotFound
from vigil.monitor.cases import (
    DECISIONS, MAX_REASON, DecisionConflict, DecisionError, FourEyesError, assign, decide, history, reopen, review,
    whitelist_entries,
)


def decisions_for(engine, alert_id: int) -> list[dict]:
    """The alert's case-work history, oldest first (decisions, proposals, reviews, reopenings, assignments)."""
    return history(engine, alert_id)


__all__ = ["decide", "review", "reopen", "assign", "DECISIONS", "MAX_REASON", "DecisionError", "DecisionConflict",
           "FourEyesError", "AlertNotFound", "decisions_for", "whitelist_entries"]
