"""Case work over HTTP: `GET /alerts`, `GET /alerts/{id}`, `POST /alerts/{id}/decision` (scope `analyst`)."""
from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from vigil.api.auth import Caller, caller_for
from vigil.api.deps import NO_NUL, JSONBytes, state_of
from vigil.monitor.alerts import MAX_ID

router = APIRouter(tags=["Alerts"])


def require_analyst(request: Request) -> Caller:
    return caller_for(request, "analyst")


class DecisionBody(BaseModel):
    decision: Literal["true-match", "false-positive", "escalate"]
    reason: str = Field(..., min_length=1, max_length=4000, description="Why; recorded in the audit log.")
    by: Optional[str] = Field(None, max_length=200, description="The analyst (defaults to the API key's name).")
    version: Optional[int] = Field(None, ge=1, le=MAX_ID, description="The alert version you looked at; a newer one is a 409.")


def _engine(request: Request):
    return state_of(request).store.engine


@router.get("/alerts", summary="List alerts, newest first")
def get_alerts(
    request: Request,
    status: list[str] = Query([], description="open, escalated, true_match, false_positive, delisted"),
    open_only: bool = Query(False, alias="open", description="Only open and escalated alerts"),
    book: Optional[str] = Query(None, max_length=200, pattern=NO_NUL),
    customer_id: Optional[str] = Query(None, max_length=255, pattern=NO_NUL),
    entity_id: Optional[str] = Query(None, max_length=255, pattern=NO_NUL),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
    caller: Caller = Depends(require_analyst),
):
    from vigil.monitor import list_alerts

    try:
        rows, total = list_alerts(_engine(request), status=status or None, open_only=open_only, book=book,
                                  customer_id=customer_id, entity_id=entity_id, limit=limit, offset=offset)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONBytes({"total": total, "limit": limit, "offset": offset, "results": [a.to_dict() for a in rows]})


@router.get("/alerts/{alert_id}", summary="One alert with its explanation, entity snapshot and decisions")
def get_alert(request: Request, alert_id: int = Path(..., ge=1, le=MAX_ID), caller: Caller = Depends(require_analyst)):
    from vigil.monitor import AlertNotFound
    from vigil.monitor import get_alert as fetch
    from vigil.monitor.decisions import decisions_for

    engine = _engine(request)
    try:
        alert = fetch(engine, alert_id)
    except AlertNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return JSONBytes({**alert.to_dict(), "decisions": decisions_for(engine, alert_id)})


@router.post("/alerts/{alert_id}/decision", summary="Decide an alert (409 when someone else decided first)")
def post_decision(request: Request, body: DecisionBody, alert_id: int = Path(..., ge=1, le=MAX_ID),
                  caller: Caller = Depends(require_analyst)):
    from vigil.monitor import AlertNotFound, DecisionConflict, DecisionError, decide

    by = (body.by or "").strip() or caller.name or "anonymous"
    if caller.name and body.by and body.by.strip() != caller.name:
        by = f"{body.by.strip()} (key {caller.name})"  # the key is always on record, whoever it acts for
    try:
        alert = decide(_engine(request), alert_id, body.decision, body.reason, by, expected_version=body.version)
    except AlertNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except DecisionConflict as exc:
        raise HTTPException(409, str(exc)) from None
    except DecisionError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONBytes(alert.to_dict())
