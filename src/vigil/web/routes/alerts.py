"""`/ui/alerts`: the monitoring queue; `/ui/alerts/{id}`: customer vs list entity, decide with a reason."""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from vigil.model import Entity
from vigil.web import text as webtext
from vigil.web.auth import UIUser, need
from vigil.web.render import page
from vigil.web.routes.common import PageError

router = APIRouter(include_in_schema=False)

OPEN = ("open", "escalated", "pending_review")
# view -> list_alerts filters; the owner views are filled in per user
VIEWS: dict[str, dict[str, Any]] = {
    "open": {"status": OPEN}, "review": {"status": ("pending_review",)}, "mine": {"status": OPEN, "assignee": "me"},
    "unassigned": {"status": OPEN, "assignee": "-"}, "overdue": {"overdue": True},
    "escalated": {"status": ("escalated",)}, "decided": {"status": ("true_match", "false_positive")},
    "delisted": {"status": ("delisted",)}, "all": {},
}
PAGE = 50


def _engine(request: Request):
    return request.app.state.index.store.engine


def identity(user: UIUser) -> str:
    """The UI login (API key name); without keys, the OS user running the server (one local user)."""
    from vigil.monitor.cases import os_identity

    return user.name or os_identity()


@router.get("/ui/alerts")
def alerts_page(request: Request, view: str = Query("open", max_length=20), offset: int = Query(0, ge=0, le=10**7),
                dataset: str = Query("", max_length=100, pattern=r"^[A-Za-z0-9_.-]*$"),
                oldest: bool = Query(False), user: UIUser = Depends(need("analyst"))):
    from vigil.monitor import get_policy, list_alerts

    if view not in VIEWS:
        raise PageError(400, f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}", title="Bad request")
    filters = dict(VIEWS[view])
    if filters.get("assignee") == "me":
        filters["assignee"] = identity(user)
    if "status" in filters:
        filters["status"] = list(filters["status"])
    engine = _engine(request)
    rows, total = list_alerts(engine, **filters, dataset=dataset or None, oldest_first=oldest, limit=PAGE,
                              offset=offset)
    index = request.app.state.index.current
    return page(request, "alerts.html", title="Alerts — vigil", alerts=rows, total=total, view=view, views=VIEWS,
                offset=offset, page_size=PAGE, dataset=dataset, oldest=oldest,
                datasets=index.dataset_names if index is not None else [], sla_days=get_policy(engine).sla_days)


def _customer(engine, alert) -> dict[str, Any] | None:
    """The customer record as screened (the book's row, as a query entity)."""
    from vigil.monitor import tables as t

    with engine.connect() as conn:
        row = conn.execute(
            select(t.customers.c.data, t.customers.c.schema, t.customers.c.name, t.customers.c.updated_at)
            .join(t.books, t.books.c.id == t.customers.c.book_id)
            .where(t.books.c.name == alert.book, t.customers.c.customer_id == alert.customer_id)).first()
    if row is None:
        return None
    data = json.loads(row.data)
    return {"schema": row.schema, "name": row.name, "updated_at": row.updated_at,
            "properties": data.get("properties") or {}}


def _country(value: str) -> str:
    from vigil.sources.countries import to_code

    code = value.lower() if len(value) == 2 else (to_code(value) or value)
    return webtext.country_name(code)


def _side_by_side(customer: dict[str, Any] | None, entity: dict[str, Any]) -> list[tuple[str, list[str], list[str]]]:
    """(label, customer values, list values) for the properties an analyst compares."""
    cprops = (customer or {}).get("properties") or {}
    eprops = entity.get("properties") or {}
    rows = []
    for label, keys in (("Names", ("name", "alias", "previousName", "weakAlias")), ("Birth date", ("birthDate",)),
                        ("Birth place", ("birthPlace",)), ("Gender", ("gender",)),
                        ("Country", ("country", "nationality", "citizenship", "jurisdiction")),
                        ("Identifiers", ("idNumber", "passportNumber", "taxNumber", "registrationNumber",
                                         "imoNumber", "swiftBic")),
                        ("Programs", ("program",))):
        left = [v for k in keys for v in cprops.get(k, [])]
        right = [v for k in keys for v in eprops.get(k, [])]
        if label == "Country":
            left, right = [_country(v) for v in left], [_country(v) for v in right]
        left, right = list(dict.fromkeys(left)), list(dict.fromkeys(right))
        if left or right:
            rows.append((label, left, right))
    return rows


@router.get("/ui/alerts/{alert_id}")
def alert_page(request: Request, alert_id: int, user: UIUser = Depends(need("analyst")), error: str | None = None,
               status_code: int = 200, reason: str = ""):
    from vigil.monitor import AlertNotFound, get_alert, get_policy
    from vigil.monitor.cases import describe_step, history
    from vigil.service.screening import explain

    engine = _engine(request)
    try:
        alert = get_alert(engine, alert_id)
    except AlertNotFound:
        raise PageError(404, f"No alert {alert_id}.", title="Not found") from None
    customer = _customer(engine, alert)
    entity = alert.entity or {}
    index = request.app.state.index.current
    current = index.matcher.get(alert.entity_id) if index is not None else None
    names = webtext.group_names(Entity.from_dict({**entity, "schema": entity.get("schema") or "LegalEntity"}))
    why = []
    for feature, e in (alert.explanations or {}).items():
        if isinstance(e, dict) and float(e.get("score") or 0):
            why.append({"feature": webtext.feature_label(feature), "score": float(e.get("score") or 0),
                        "detail": e.get("detail") or "", "query": e.get("query") or "",
                        "candidate": e.get("candidate") or ""})
    steps = history(engine, alert_id)
    for step in steps:
        step["text"] = describe_step(step)
    me = identity(user)
    policy = get_policy(engine)
    return page(request, "alert.html", status_code=status_code, title=f"Alert {alert.id} — vigil", alert=alert,
                customer=customer, entity=entity, names=names, compare=_side_by_side(customer, entity), why=why,
                summary=explain({"explanations": alert.explanations}), decisions=steps,
                still_listed=current is not None, error=error, reason=reason, me=me,
                my_proposal=alert.status == "pending_review" and (alert.proposed_by or "").casefold() == me.casefold(),
                review_needed={s: policy.needs_review(s) for s in ("true_match", "false_positive")})


def _step(request: Request, alert_id: int, user: UIUser, reason: str, fn, *args, **kwargs):
    """Run a case-work step for the page's user; errors re-render the alert page with the message."""
    from vigil.monitor import AlertNotFound, DecisionConflict, DecisionError, FourEyesError

    try:
        fn(_engine(request), alert_id, *args, identity(user), **kwargs)
    except AlertNotFound:
        raise PageError(404, f"No alert {alert_id}.", title="Not found") from None
    except DecisionConflict as exc:
        return alert_page(request, alert_id, user, error=str(exc), status_code=409, reason=reason)
    except FourEyesError as exc:
        return alert_page(request, alert_id, user, error=str(exc), status_code=403, reason=reason)
    except DecisionError as exc:
        return alert_page(request, alert_id, user, error=str(exc), status_code=400, reason=reason)
    return RedirectResponse(f"/ui/alerts/{alert_id}", status_code=303)


@router.post("/ui/alerts/{alert_id}/decision")
def decide_alert(request: Request, alert_id: int, decision: str = Form(..., max_length=40),
                 reason: str = Form("", max_length=4000), version: int = Form(..., ge=1),
                 user: UIUser = Depends(need("analyst"))):
    from vigil.monitor import decide

    return _step(request, alert_id, user, reason, decide, decision, reason, expected_version=version)


@router.post("/ui/alerts/{alert_id}/review")
def review_alert(request: Request, alert_id: int, action: str = Form(..., max_length=20),
                 reason: str = Form("", max_length=4000), version: int = Form(..., ge=1),
                 user: UIUser = Depends(need("analyst"))):
    from vigil.monitor import review

    return _step(request, alert_id, user, reason, review, action, reason, expected_version=version)


@router.post("/ui/alerts/{alert_id}/reopen")
def reopen_alert(request: Request, alert_id: int, reason: str = Form("", max_length=4000),
                 version: int = Form(..., ge=1), user: UIUser = Depends(need("analyst"))):
    from vigil.monitor import reopen

    return _step(request, alert_id, user, reason, reopen, reason, expected_version=version)


@router.post("/ui/alerts/{alert_id}/assign")
def assign_alert(request: Request, alert_id: int, assignee: str = Form("", max_length=200),
                 user: UIUser = Depends(need("analyst"))):
    from vigil.monitor import assign

    owner = identity(user) if assignee == "@me" else (assignee.strip() or None)
    return _step(request, alert_id, user, "", assign, owner)
