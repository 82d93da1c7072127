"""`/ui/lists`: loaded datasets and their snapshots; `/ui/lists/{dataset}/diff`: what changed between two."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Path, Query, Request

from vigil.web.auth import UIUser, need
from vigil.web.render import page
from vigil.web.routes.common import PageError

router = APIRouter(include_in_schema=False)

SHOW = 200  # entities listed per section before "show all"


def _store(request: Request):
    return request.app.state.index.store


@router.get("/ui/lists")
def lists_page(request: Request, user: UIUser = Depends(need("screen"))):
    store = _store(request)
    datasets = store.datasets()
    snapshots = {d.name: list(reversed(store.snapshots(d.name))) for d in datasets}
    # The compare form starts on a dataset that has something to compare.
    preselect = next((d.name for d in datasets if d.snapshots > 1), datasets[0].name if datasets else None)
    return page(request, "lists.html", title="Lists — vigil", datasets=datasets, snapshots=snapshots,
                preselect=preselect,
                index=request.app.state.index.current)


@router.get("/ui/lists/{dataset}/diff")
def diff_page(
    request: Request,
    dataset: str = Path(..., max_length=100),
    from_: Optional[str] = Query(None, alias="from", max_length=20),
    to: Optional[str] = Query(None, max_length=20),
    all: bool = Query(False),
    user: UIUser = Depends(need("screen")),
):
    from vigil.store.store import NotFound, StoreError

    store = _store(request)
    if "\x00" in dataset:  # PostgreSQL refuses NUL in a query; no dataset has one
        raise PageError(404, f"no dataset {dataset!r} in the store", title="Not found")
    try:
        frm = int(from_) if from_ else None
        until = int(to) if to else None
    except ValueError:
        raise PageError(400, "snapshot ids are numbers (see the lists page)", title="Bad request") from None
    if any(sid is not None and not 0 < sid < 2**63 for sid in (frm, until)):
        raise PageError(404, "no such snapshot (see the lists page)", title="Not found")
    if frm is not None and until is not None and frm >= until:
        raise PageError(400, f"pick an older snapshot on the left: {frm} is not before {until}", title="Bad request")
    try:
        diff = store.diff(dataset, frm, until)
    except NotFound as exc:
        raise PageError(404, str(exc), title="Not found") from None
    except StoreError as exc:
        raise PageError(500, str(exc)) from None
    snaps = list(reversed(store.snapshots(dataset)))
    limit = None if all else SHOW
    return page(request, "diff.html", title=f"{dataset} changes — vigil", diff=diff, dataset=dataset,
                snapshots=snaps, limit=limit, show=SHOW)


@router.get("/ui/lists/diff")
def diff_form_target(request: Request, dataset: str = Query(..., max_length=100),
                     from_: str = Query("", alias="from", max_length=20), to: str = Query("", max_length=20),
                     user: UIUser = Depends(need("screen"))):
    """The lists page's form (dataset as a field) lands on the dataset's diff URL."""
    from urllib.parse import quote, urlencode

    from fastapi.responses import RedirectResponse

    params = urlencode({k: v for k, v in (("from", from_), ("to", to)) if v})
    return RedirectResponse(f"/ui/lists/{quote(dataset, safe='')}/diff" + (f"?{params}" if params else ""),
                            status_code=303)
