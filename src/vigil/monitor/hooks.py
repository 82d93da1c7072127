"""Wiring monitoring into the store: every ingest is audited, and a changed dataset triggers a rescreen.

`attach(store)` adds one hook to `store.on_ingest` (idempotent). The CLI attaches it to the
store every command opens; a server attaches it to the store behind its ingest endpoints.
A failing rescreen never fails the ingest: it is logged, and `vigil monitor run` catches up
later (processed snapshots are tracked, so nothing is skipped).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator

from vigil.service import audit
from vigil.monitor.notify import Notifier, deliver
from vigil.monitor.rescreen import Monitor, RunReport
from vigil.parties.hooks import run_after_resolve

log = logging.getLogger(__name__)
_MARK = "_vigil_monitor_hook"
# Who triggers an ingest when that differs per call (e.g. the API key behind POST /ingest/{source}).
_acting: ContextVar[str | None] = ContextVar("vigil_ingest_actor", default=None)


@contextmanager
def acting_as(actor: str | None) -> Iterator[None]:
    """Ingests inside this block are audited (and rescreened) as `actor` instead of the hook's default."""
    token = _acting.set(actor)
    try:
        yield
    finally:
        _acting.reset(token)


def attach(store: Any, *, actor: str = "system", rescreen: bool = True, settings: Any = None) -> None:
    """`settings`: the front end's (the notifier's command and webhook, the matcher's options)."""
    if getattr(store, _MARK, False):
        return

    def on_ingest(result: Any) -> None:
        who = _acting.get() or actor
        try:
            audit.append(who, "ingest", {
                "dataset": result.dataset, "status": result.status, "files": list(result.files or []),
                "source": getattr(result, "source", None),
                "snapshot": result.snapshot.id if getattr(result, "snapshot", None) else None,
                "diff": dict(result.diff_summary or {}), "entities": result.entity_count, "error": result.error,
                **({"refusal": result.refusal} if getattr(result, "refusal", None) else {}),
            }, engine=store.engine)
        except Exception:  # the ingest itself succeeded; never turn it into a failure
            log.exception("could not write the ingest to the audit log")
        # Only a stored snapshot is acted on: an unchanged, failed or refused (shrink guard) ingest never
        # rescreens books or closes alerts as delisted.
        if rescreen and result.status == "created":
            def run() -> None:
                try:
                    report = rescreen_after_ingest(store, actor=who, settings=settings)
                    if report.alerts or report.delisted:
                        log.warning("monitoring: %d new alerts, %d delisted after %s ingest",
                                    len(report.alerts), len(report.delisted), result.dataset)
                except Exception:
                    log.exception("rescreen after ingest of %s failed; run `vigil monitor run`", result.dataset)

            # Within `vigil update` (parties resolved once at the end) the rescreen waits for the resolve, so
            # its alerts name the parties of the new lists; otherwise the parties hook, attached first, has run.
            if not run_after_resolve(store, "monitor rescreen", run):
                run()

    store.on_ingest.append(on_ingest)
    setattr(store, _MARK, True)


def rescreen_after_ingest(store: Any, actor: str = "system", settings: Any = None) -> RunReport:
    report = Monitor(store, settings=settings).run(actor=actor)
    notifier = Notifier.from_settings(settings)
    if notifier.configured and (report.alerts or report.delisted):
        deliver(store.engine, notifier)
    return report
