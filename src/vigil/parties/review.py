"""The review queue: pairs an analyst decides, audited like alert decisions and kept across updates.

A decision is stored by record-id pair. An accept links the two records ahead of every automatic
link; a reject keeps them in different parties for good (also through other records). Deciding a
pair again replaces the decision; every decision is a row in the hash-chained audit log
(`party.link.accepted` / `party.link.rejected`) written in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Engine, insert, select, update

from vigil.service import audit
from vigil.service.reasons import reason_problem

from . import tables as t
from .candidates import SHARE_WEIGHT, pair_key

DECISIONS = {"accept": "accepted", "accepted": "accepted", "reject": "rejected", "rejected": "rejected"}
MAX_REASON = 4000


class ReviewError(ValueError):
    """A decision the caller got wrong (unknown record, no reason ...): exit 2 / HTTP 400."""


@dataclass
class ReviewItem:
    a: str
    b: str
    status: str  # pending | accepted | rejected
    strength: float | None
    why: str | None
    evidence: dict[str, Any]
    queued_at: str | None
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _item(row) -> ReviewItem:
    return ReviewItem(row.a, row.b, row.status, row.strength, row.why, orjson.loads(row.evidence or "{}"),
                      row.queued_at, row.decided_by, row.decided_at, row.reason)


def items(engine: Engine, status: str | None = "pending", record_ids: list[str] | None = None,
          limit: int | None = None) -> list[ReviewItem]:
    q = select(t.reviews)
    if status is not None:
        q = q.where(t.reviews.c.status == status)
    if record_ids:
        q = q.where(t.reviews.c.a.in_(record_ids) | t.reviews.c.b.in_(record_ids))
    q = q.order_by(t.reviews.c.strength.desc(), t.reviews.c.a, t.reviews.c.b)
    if limit is not None:
        q = q.limit(limit)
    with engine.connect() as conn:
        return [_item(r) for r in conn.execute(q)]


def decide(engine: Engine, a: str, b: str, decision: str, actor: str, reason: str,
           list_keys: dict[str, str], on_behalf_of: str | None = None) -> ReviewItem:
    """Record one decision. `list_keys`: the list key of each current record (unknown ids are refused)."""
    status = DECISIONS.get((decision or "").strip().lower())
    if status is None:
        raise ReviewError(f"unknown decision {decision!r}; choose accept or reject")
    a, b = (a or "").strip(), (b or "").strip()
    for rid in (a, b):
        if rid not in list_keys:
            raise ReviewError(f"no current list record {rid!r} (give two record ids, e.g. ofac-6366 unsc-QDe.004)")
    if a == b:
        raise ReviewError("give two different records")
    if status == "accepted" and list_keys[a] == list_keys[b]:
        raise ReviewError(f"{a} and {b} are two records of one list ({list_keys[a]}): the list itself counts them "
                          "as two parties, so they cannot be linked")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("a decision needs a reason (--reason)")
    if len(reason) > MAX_REASON:
        raise ReviewError(f"reason is longer than {MAX_REASON} characters")
    problem = reason_problem(reason, "the reason")
    if problem:
        raise ReviewError(problem)
    actor = (actor or "").strip()
    if not actor:
        raise ReviewError("a decision needs the deciding user")
    a, b = pair_key(a, b)
    at = t.now()
    t.ensure_tables(engine)
    with engine.begin() as conn:
        row = conn.execute(select(t.reviews).where(t.reviews.c.a == a, t.reviews.c.b == b)).first()
        previous = row.status if row else None
        values = {"status": status, "decided_by": actor, "decided_at": at, "reason": reason}
        if row is None:
            stored = conn.execute(select(t.pairs.c.raw, t.pairs.c.share, t.pairs.c.evidence)
                                  .where(t.pairs.c.a == a, t.pairs.c.b == b)).first()
            strength = round(stored.raw + SHARE_WEIGHT * stored.share, 4) if stored else None
            conn.execute(insert(t.reviews).values(
                a=a, b=b, strength=strength, why="decided without being queued",
                evidence=stored.evidence if stored else "{}", queued_at=None, **values))
        else:
            conn.execute(update(t.reviews).where(t.reviews.c.a == a, t.reviews.c.b == b).values(**values))
        audit.append(actor, f"party.link.{status}", {
            "a": a, "b": b, "reason": reason, "previous": previous,
            "strength": row.strength if row else None, "queued_because": row.why if row else None,
            **({"on_behalf_of": on_behalf_of.strip()} if on_behalf_of and on_behalf_of.strip() else {}),
        }, conn=conn)
        return _item(conn.execute(select(t.reviews).where(t.reviews.c.a == a, t.reviews.c.b == b)).one())
