"""Reading and writing the resolver's stored state (tables.py) in one transaction each.

Writes are diffs against what is stored, so a resolve after a small list update touches a few rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import orjson
from sqlalchemy import Connection, bindparam, delete, insert, select, update

from . import tables as t
from .candidates import Pair
from .links import Link
from .resolution import Decision

CHUNK = 5000  # bound parameters per IN (...): below SQLite's and PostgreSQL's limits


def dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


@dataclass
class Stored:
    generation: int = 0
    fingerprints: dict[str, tuple[str, str]] = field(default_factory=dict)  # record -> (list key, fingerprint)
    pairs: dict[tuple[str, str], Pair] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)  # record -> party
    age: dict[str, int] = field(default_factory=dict)  # party -> seq
    live: set[str] = field(default_factory=set)
    taken: set[str] = field(default_factory=set)
    links: dict[tuple[str, str], tuple] = field(default_factory=dict)  # key -> (stage, score, evidence json)
    decisions: list[Decision] = field(default_factory=list)


def load(conn: Connection) -> Stored:
    s = Stored()
    row = conn.execute(select(t.state.c.generation).where(t.state.c.id == 1)).first()
    s.generation = row[0] if row else 0
    s.fingerprints = {r[0]: (r[1], r[2]) for r in conn.execute(select(t.records))}
    for r in conn.execute(select(t.pairs)):
        s.pairs[(r.a, r.b)] = Pair(r.a, r.b, r.query, r.score, r.raw, r.share, orjson.loads(r.evidence))
    s.members = dict(conn.execute(select(t.members.c.record_id, t.members.c.party_id)).all())
    for pid, seq, retired in conn.execute(select(t.parties.c.id, t.parties.c.seq, t.parties.c.retired_at)):
        s.age[pid] = seq
        s.taken.add(pid)
        if retired is None:
            s.live.add(pid)
    s.links = {(r.a, r.b): (r.stage, r.score, r.evidence) for r in conn.execute(select(t.links))}
    s.decisions = decisions(conn)
    return s


def decisions(conn: Connection) -> list[Decision]:
    q = select(t.reviews).where(t.reviews.c.status.in_(("accepted", "rejected")))
    return [Decision(r.a, r.b, r.status, r.decided_by or "", r.reason or "", r.decided_at or "")
            for r in conn.execute(q)]


def _delete_in(conn: Connection, table, column, values: Iterable[str]) -> None:
    values = sorted(set(values))
    for chunk in _chunks(values):
        conn.execute(delete(table).where(column.in_(chunk)))


def save_screening(conn: Connection, fingerprints: dict[str, tuple[str, str]], rescreened: set[str],
                   removed: set[str], new_pairs: dict[tuple[str, str], Pair], full: bool) -> None:
    """Per-record fingerprints and the pairs of the records screened this time."""
    if full:
        conn.execute(delete(t.records))
        conn.execute(delete(t.pairs))
    else:
        gone = rescreened | removed
        _delete_in(conn, t.records, t.records.c.record_id, gone)
        _delete_in(conn, t.pairs, t.pairs.c.a, gone)
        _delete_in(conn, t.pairs, t.pairs.c.b, gone)
    rows = [{"record_id": rid, "list_key": key, "fingerprint": fp}
            for rid, (key, fp) in fingerprints.items() if full or rid in rescreened]
    for chunk in _chunks(rows):
        conn.execute(insert(t.records), list(chunk))
    prows = [{**p.to_row(), "evidence": dumps(p.evidence)} for p in new_pairs.values()]
    for chunk in _chunks(prows):
        conn.execute(insert(t.pairs), list(chunk))


def save_links(conn: Connection, old: dict[tuple[str, str], tuple], new: list[Link]) -> None:
    wanted = {l.key: (l.stage, l.score, dumps(l.evidence)) for l in new}
    stale = [{"ka": a, "kb": b} for (a, b), v in old.items() if wanted.get((a, b)) != v]
    if stale:
        conn.execute(delete(t.links).where(t.links.c.a == bindparam("ka"), t.links.c.b == bindparam("kb")), stale)
    rows = [{"a": a, "b": b, "stage": v[0], "score": v[1], "evidence": v[2]}
            for (a, b), v in wanted.items() if old.get((a, b)) != v]
    for chunk in _chunks(rows):
        conn.execute(insert(t.links), list(chunk))


def save_parties(conn: Connection, stored: Stored, assignment_ids: list[str], clusters: list[list[str]],
                 created: set[str], retired: dict[str, str | None], at: str) -> int:
    """Members, new and retired parties; returns how many parties changed membership."""
    new_members = {m: pid for pid, ms in zip(assignment_ids, clusters) for m in ms}
    old = stored.members
    moved = [m for m, pid in new_members.items() if old.get(m) != pid]
    gone = [m for m in old if m not in new_members]
    _delete_in(conn, t.members, t.members.c.record_id, moved + gone)
    for chunk in _chunks([{"record_id": m, "party_id": new_members[m]} for m in moved]):
        conn.execute(insert(t.members), list(chunk))
    seq = max(stored.age.values(), default=0)
    rows = []
    for pid in sorted(created):
        seq += 1
        rows.append({"id": pid, "seq": seq, "created_at": at, "updated_at": at})
    for chunk in _chunks(rows):
        conn.execute(insert(t.parties), list(chunk))
    for pid, successor in retired.items():
        conn.execute(update(t.parties).where(t.parties.c.id == pid)
                     .values(retired_at=at, successor=successor, updated_at=at))
    touched = ({new_members[m] for m in moved} | {old[m] for m in moved + gone if m in old}) - created - set(retired)
    for chunk in _chunks(sorted(touched)):
        conn.execute(update(t.parties).where(t.parties.c.id.in_(chunk)).values(updated_at=at))
    return len(touched)


def save_queue(conn: Connection, pending: list[tuple[Pair, str]], at: str) -> None:
    """Replace the pending items (decided pairs are never touched here)."""
    old = {(r.a, r.b): r.queued_at for r in conn.execute(
        select(t.reviews.c.a, t.reviews.c.b, t.reviews.c.queued_at).where(t.reviews.c.status == "pending"))}
    conn.execute(delete(t.reviews).where(t.reviews.c.status == "pending"))
    rows = [{"a": p.a, "b": p.b, "status": "pending", "strength": p.strength, "why": why,
             "evidence": dumps(p.evidence), "queued_at": old.get(p.key, at)} for p, why in pending]
    for chunk in _chunks(rows):
        conn.execute(insert(t.reviews), list(chunk))


def save_state(conn: Connection, generation: int, report: dict[str, Any], at: str) -> None:
    values = {"generation": generation, "resolved_at": at, "report": dumps(report)}
    if conn.execute(update(t.state).where(t.state.c.id == 1).values(**values)).rowcount == 0:
        conn.execute(insert(t.state).values(id=1, **values))
