"""`/`: screen one name (plus birth date, country, ID) against all loaded lists, as you type."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from vigil.service.screening import (
    DEFAULT_THRESHOLD, Fields, QueryError, ScreenOptions, Screener, check_options, explain, reasons,
)
from vigil.web.auth import UIUser, need
from vigil.web.render import page
from vigil.web.routes.common import is_partial, loaded

router = APIRouter(include_in_schema=False)

SCHEMATA = ("Person", "Organization", "Company", "Vessel", "Airplane")
LIMIT = 10


def run_screen(screener: Screener, fields: Fields, threshold: float, user: str | None) -> dict[str, Any]:
    """One screening through the Screener (the CLI's and the API's path: same parsing, same error texts,
    same record); each result with its reasons in words."""
    opts = check_options(ScreenOptions(limit=LIMIT, threshold=threshold))
    screening = screener.screen_fields(fields, opts, endpoint="/ui/screen", key_name=user)
    for result in screening.results:
        result["explained"] = explain(result)
        result["why"] = [r.to_dict() for r in reasons(result)]
    return screening.entry


@router.get("/")
def screen_page(
    request: Request,
    q: str = Query("", max_length=5000),  # the matcher refuses > 1000 with a clear message
    schema: str = Query("", max_length=64),
    dob: str = Query("", max_length=40),
    country: str = Query("", max_length=100),
    id: str = Query("", max_length=200),
    threshold: float = Query(DEFAULT_THRESHOLD, ge=0.0, le=1.0),
    user: UIUser = Depends(need("screen")),
):
    form = {"q": q.strip(), "schema": schema.strip(), "dob": dob.strip(), "country": country.strip(),
            "id": id.strip(), "threshold": threshold}
    response, error, status = None, None, 200
    if form["q"] or form["id"]:
        index = loaded(request)
        screener = Screener(index.matcher, recorder=getattr(request.app.state, "recorder", None),
                            parties=request.app.state.index.parties)
        fields = Fields(name=form["q"], schema=form["schema"], dob=form["dob"], country=form["country"],
                        id_number=form["id"])
        try:
            response = run_screen(screener, fields, threshold, user.name)
        except QueryError as exc:
            error, status = str(exc), 400
    context = {"form": form, "response": response, "error": error, "schemata": SCHEMATA,
               "title": f"{form['q']} — screen" if form["q"] else "Screen — vigil"}
    if is_partial(request):
        return page(request, "_results.html", status_code=status, **context)
    if response is None and error is None:
        index = request.app.state.index.current
        context["index"] = index
    return page(request, "screen.html", status_code=status, **context)
