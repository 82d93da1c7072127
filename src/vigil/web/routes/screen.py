"""`/`: screen one name (plus birth date, country, ID) against all loaded lists, as you type."""
from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from vigil.service.screening import QueryError, ScreenOptions, check_options, explain, query_from_fields, screen
from vigil.web import text as webtext
from vigil.web.auth import UIUser, need
from vigil.web.render import page
from vigil.web.routes.common import is_partial, loaded, record

router = APIRouter(include_in_schema=False)

SCHEMATA = ("Person", "Organization", "Company", "Vessel", "Airplane")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LIMIT = 10


def _country(value: str) -> str:
    from vigil.sources.countries import to_code

    value = value.strip()
    code = value.lower() if len(value) == 2 else to_code(value)
    if not code:
        raise QueryError(f"unknown country {value!r}: use a name (Iran) or an ISO code (ir)")
    return code


def run_screen(index: Any, q: str, schema: str, dob: str, country: str, id_number: str,
               threshold: float) -> dict[str, Any]:
    """One screening through `vigil.service.screening.screen` (the CLI's and API's path); results with words."""
    if schema and schema not in SCHEMATA:
        raise QueryError(f"unknown schema {schema!r}; choose one of: {', '.join(SCHEMATA)}")
    if dob and not DATE.match(dob):
        raise QueryError(f"birth date {dob!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    query = query_from_fields(q, schema=schema or None, dob=dob or None,
                              country=_country(country) if country else None, id_number=id_number or None)
    opts = check_options(ScreenOptions(limit=LIMIT, threshold=threshold))
    response = screen(index.matcher, query, opts)
    for result in response["results"]:
        result["explained"] = explain(result)
        result["why"] = _why(result)
    return response


def _why(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Features that moved the score, strongest first, each with its query and list values."""
    out = []
    for feature, e in (result.get("explanations") or {}).items():
        score, weight = float(e.get("score") or 0), float(e.get("weight") if e.get("weight") is not None else 1)
        if score == 0 or weight == 0:
            continue
        out.append({"feature": webtext.feature_label(feature), "score": score, "weight": weight,
                    "detail": e.get("detail") or "", "query": _text(e.get("query")),
                    "candidate": _text(e.get("candidate")), "penalty": score * weight < 0})
    out.sort(key=lambda f: -abs(f["score"] * f["weight"]))
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


@router.get("/")
def screen_page(
    request: Request,
    q: str = Query("", max_length=5000),  # the matcher refuses > 1000 with a clear message
    schema: str = Query("", max_length=64),
    dob: str = Query("", max_length=10),
    country: str = Query("", max_length=100),
    id: str = Query("", max_length=200),
    threshold: float = Query(0.7, ge=0.0, le=1.0),
    user: UIUser = Depends(need("screen")),
):
    form = {"q": q.strip(), "schema": schema.strip(), "dob": dob.strip(), "country": country.strip(),
            "id": id.strip(), "threshold": threshold}
    response, error, status = None, None, 200
    if form["q"] or form["id"]:
        index = loaded(request)
        try:
            response = run_screen(index, form["q"], form["schema"], form["dob"], form["country"], form["id"],
                                  threshold)
        except QueryError as exc:
            error, status = str(exc), 400
        if response is not None:
            record(request, "/ui/screen", user.name, {k: v for k, v in form.items() if v},
                   [r["id"] for r in response["results"][:5]])
    context = {"form": form, "response": response, "error": error, "schemata": SCHEMATA,
               "title": f"{form['q']} — screen" if form["q"] else "Screen — vigil"}
    if is_partial(request):
        return page(request, "_results.html", status_code=status, **context)
    if response is None and error is None:
        index = request.app.state.index.current
        context["index"] = index
    return page(request, "screen.html", status_code=status, **context)
