"""Resolving parties where ingests complete.

`attach(store)` adds a hook to `store.on_ingest` (idempotent): after an ingest that stored a new
snapshot, the parties are resolved again (only new and changed records are screened). Inside
`deferred(store)` — `vigil update` loads several lists in a row — the hook only notes that a
resolve is due, and one resolve runs when the block ends. A failing resolve never fails the
ingest: it is logged, and `vigil parties resolve` catches up (the next resolve sees every change).
The front end decides whether to attach it (settings: VIGIL_PARTIES_AUTO).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

log = logging.getLogger(__name__)
_MARK = "_vigil_parties_hook"


@dataclass
class Pending:
    """What a deferred block did: whether a resolve was due, and its report or error."""
    due: bool = False
    report: Any = None
    error: str | None = None
    after: dict[str, Callable[[], Any]] = field(default_factory=dict)  # work that wants the resolved parties


def run_after_resolve(store: Any, key: str, fn: Callable[[], Any]) -> bool:
    """Inside a `deferred` block, run `fn` once (per `key`) after the block's resolve, instead of now: the
    monitor's rescreen after `vigil update` sees the parties of the new lists (and runs once for all of
    them). False outside such a block: the caller runs it itself."""
    pending = getattr(store, "_vigil_parties_pending", None)
    if pending is None:
        return False
    pending.after[key] = fn
    return True


def attach(store: Any, *, actor: str = "system", matcher: Any = None) -> None:
    """`matcher`: a Matcher, or a function returning one (called only when records must be screened)."""
    if getattr(store, _MARK, False):
        return

    def on_ingest(result: Any) -> None:
        if result.status != "created":
            return
        pending = getattr(store, "_vigil_parties_pending", None)
        if pending is not None:
            pending.due = True
            return
        _run(store, actor, matcher, Pending(due=True))

    store.on_ingest.append(on_ingest)
    setattr(store, _MARK, True)
    setattr(store, "_vigil_parties_args", (actor, matcher))


@contextmanager
def deferred(store: Any) -> Iterator[Pending]:
    """Ingests inside the block resolve once, at its end (if any stored a new snapshot)."""
    pending = Pending()
    previous = getattr(store, "_vigil_parties_pending", None)
    store._vigil_parties_pending = pending
    try:
        yield pending
    finally:
        store._vigil_parties_pending = previous
        if previous is not None:
            previous.due = previous.due or pending.due
            previous.after.update(pending.after)
        else:
            if pending.due and getattr(store, _MARK, False):
                actor, matcher = getattr(store, "_vigil_parties_args", ("system", None))
                _run(store, actor, matcher, pending)
            for key, fn in pending.after.items():
                try:
                    fn()
                except Exception:  # like the hooks themselves: logged, never fails the ingest
                    log.exception("%s after resolving parties failed", key)


def _run(store: Any, actor: str, matcher: Any, pending: Pending) -> None:
    from .api import Parties

    try:
        pending.report = Parties(store).resolve(matcher, actor=actor)
    except Exception as exc:  # the ingest itself succeeded; never turn it into a failure
        pending.error = f"{type(exc).__name__}: {exc}"
        log.exception("resolving parties after an ingest failed; run `vigil parties resolve`")
