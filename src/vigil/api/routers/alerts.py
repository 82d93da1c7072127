"""Case work over HTTP (scope `analyst`; the policy change needs `admin`).

`GET /alerts` (queues by status, owner, list and age), `GET /alerts/{id}` (with its history),
`POST /alerts/{id}/decision`, `/review` (approve or send back), `/reopen`, `/assign`;
`GET /alerts/policy`, `PUT /alerts/policy`.

The actor is the API key's name (on a server without keys: the OS user running it). A `by` in the body is
recorded as "on behalf of", never as the identity, so a key cannot approve its own proposal under another name.
"""
from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from vigil.api.auth import Caller, caller_for, require_admin
from vigil.api.deps import NO_NUL, JSONBytes, state_of
from vigil.monitor.alerts import MAX_ID

router = APIRouter(tags=["Alerts"])

ID = Path(..., ge=1, le=MAX_ID)


def require_analyst(request: Request) -> Caller:
    return caller_for(request, "analyst")


def identity(caller: Caller) -> str:
    from vigil.monitor.cases import os_identity

    return caller.name or os_identity()


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: Optional[str] = Field(None, max_length=200, pattern=NO_NUL,
                              description="Recorded as 'on behalf of' (the identity is the API key's name).")
    version: Optional[int] = Field(None, ge=1, le=MAX_ID,
                                   description="The alert version you looked at; a newer one is a 409.")


class DecisionBody(_Body):
    decision: Literal["true-match", "false-positive", "escalate"]
    reason: str = Field(..., min_length=1, max_length=4000, description="Why; recorded in the audit log.")


class ReviewBody(_Body):
    action: Literal["approve", "send-back"]
    reason: Optional[str] = Field(None, max_length=4000, description="Required to send back.")


class ReopenBody(_Body):
    reason: str = Field(..., min_length=1, max_length=4000)


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: Optional[str] = Field(..., max_length=200, pattern=NO_NUL, description="null to unassign")
    by: Optional[str] = Field(None, max_length=200, pattern=NO_NUL)
    version: Optional[int] = Field(None, ge=1, le=MAX_ID, description="The alert version you looked at")


class PolicyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    review_false_positive: Optional[bool] = None
    review_true_match: Optional[bool] = None
    sla_days: Optional[float] = Field(None, gt=0, le=3650)


def _engine(request: Request):
    return state_of(request).store.engine


def _act(fn, *args, **kwargs):
    """Run a case-work step; its errors as HTTP statuses (404, 409 conflict, 403 four-eyes, 400)."""
    from vigil.monitor import AlertNotFound, DecisionConflict, DecisionError, FourEyesError

    try:
        return JSONBytes(fn(*args, **kwargs).to_dict())
    except AlertNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except DecisionConflict as exc:
        raise HTTPException(409, str(exc)) from None
    except FourEyesError as exc:
        raise HTTPException(403, str(exc)) from None
    except DecisionError as exc:
        raise HTTPException(400, str(exc)) from None


@router.get("/alerts", summary="Alert queues: by status, owner, list and age")
def get_alerts(
    request: Request,
    status: list[str] = Query([], description="open, escalated, pending_review, true_match, false_positive, delisted"),
    open_only: bool = Query(False, alias="open", description="Only alerts not closed (open, escalated, pending_review)"),
    book: Optional[str] = Query(None, max_length=200, pattern=NO_NUL),
    customer_id: Optional[str] = Query(None, max_length=255, pattern=NO_NUL),
    entity_id: Optional[str] = Query(None, max_length=255, pattern=NO_NUL),
    assignee: Optional[str] = Query(None, max_length=200, pattern=NO_NUL, description="Owner; `-` for unassigned"),
    dataset: Optional[str] = Query(None, max_length=100, pattern=NO_NUL, description="Only alerts on this list"),
    older_than_days: Optional[float] = Query(None, ge=0, le=36500, description="Raised at least this long ago"),
    overdue: bool = Query(False, description="Only open alerts past the policy's SLA"),
    sort: Literal["newest", "oldest"] = Query("newest"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
    caller: Caller = Depends(require_analyst),
):
    """Each alert carries `age` (e.g. `3d 4h`), `age_seconds`, `sla_due` and `overdue`."""
    from vigil.monitor import list_alerts

    try:
        rows, total = list_alerts(_engine(request), status=status or None, open_only=open_only, book=book,
                                  customer_id=customer_id, entity_id=entity_id, assignee=assignee, dataset=dataset,
                                  older_than_days=older_than_days, overdue=overdue, oldest_first=sort == "oldest",
                                  limit=limit, offset=offset)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONBytes({"total": total, "limit": limit, "offset": offset,
                      "results": [a.to_dict() for a in rows]})


@router.get("/alerts/policy", summary="The four-eyes and SLA policy")
def get_policy(request: Request, caller: Caller = Depends(require_analyst)):
    from vigil.monitor import get_policy as read

    return JSONBytes(read(_engine(request)).to_dict())


@router.put("/alerts/policy", summary="Change the policy (admin; audited as policy.changed)")
def put_policy(request: Request, body: PolicyBody, caller: Caller = Depends(require_admin)):
    from vigil.monitor import PolicyError, set_policy

    changes = body.model_dump(exclude_none=True)
    try:
        return JSONBytes(set_policy(_engine(request), changes, identity(caller)).to_dict())
    except PolicyError as exc:
        raise HTTPException(400, str(exc)) from None


@router.get("/alerts/{alert_id}", summary="One alert with its explanation, entity snapshot and history")
def get_alert(request: Request, alert_id: int = ID, caller: Caller = Depends(require_analyst)):
    from vigil.monitor import AlertNotFound
    from vigil.monitor import get_alert as fetch
    from vigil.monitor.cases import history

    engine = _engine(request)
    try:
        alert = fetch(engine, alert_id)
    except AlertNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return JSONBytes({**alert.to_dict(), "decisions": history(engine, alert_id)})


@router.post("/alerts/{alert_id}/decision", summary="Decide an alert: escalate, or propose a closing decision")
def post_decision(request: Request, body: DecisionBody, alert_id: int = ID, caller: Caller = Depends(require_analyst)):
    """Under the default policy `true-match` and `false-positive` put the alert in `pending_review` for a second
    analyst; 409 when someone else acted first."""
    from vigil.monitor import decide

    return _act(decide, _engine(request), alert_id, body.decision, body.reason, identity(caller),
                expected_version=body.version, on_behalf_of=body.by)


@router.post("/alerts/{alert_id}/review", summary="Approve or send back a pending decision (a different analyst)")
def post_review(request: Request, body: ReviewBody, alert_id: int = ID, caller: Caller = Depends(require_analyst)):
    """403 when the caller proposed the decision itself (four-eyes)."""
    from vigil.monitor import review

    return _act(review, _engine(request), alert_id, body.action, body.reason, identity(caller),
                expected_version=body.version, on_behalf_of=body.by)


@router.post("/alerts/{alert_id}/reopen", summary="Reopen a closed alert (a false positive's whitelist entry goes)")
def post_reopen(request: Request, body: ReopenBody, alert_id: int = ID, caller: Caller = Depends(require_analyst)):
    from vigil.monitor import reopen

    return _act(reopen, _engine(request), alert_id, body.reason, identity(caller), expected_version=body.version,
                on_behalf_of=body.by)


@router.post("/alerts/{alert_id}/assign", summary="Assign (or with assignee null, unassign) an alert")
def post_assign(request: Request, body: AssignBody, alert_id: int = ID, caller: Caller = Depends(require_analyst)):
    from vigil.monitor import assign

    return _act(assign, _engine(request), alert_id, body.assignee, identity(caller), on_behalf_of=body.by,
                expected_version=body.version)
