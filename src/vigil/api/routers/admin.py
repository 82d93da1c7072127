"""Admin endpoints: reload the index from the store (after `vigil update` / `vigil ingest`), upload a list."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, Path as PathParam, Query, Request, UploadFile

from vigil.api.auth import Caller, require_admin
from vigil.api.deps import JSONBytes, state_of
from vigil.api.models import ERRORS, UpdateResponse
from vigil.settings import current as current_settings

router = APIRouter(tags=["Admin"])


@router.post("/updatez", response_model=UpdateResponse, responses=ERRORS, summary="Re-read the store, swap the index")
def updatez(
    request: Request,
    force: bool = Query(False, description="Rebuild even when the store did not change"),
    caller: Caller = Depends(require_admin),
):
    state = state_of(request)
    # Runs in the thread pool: other requests keep being served from the old index meanwhile.
    swapped = state.try_reload(force=force)
    current = state.current
    if current is None:
        raise HTTPException(503, state.error or "no index could be loaded")
    return JSONBytes({
        "status": "ok", "reloaded": swapped, "fingerprint": current.fingerprint,
        "entity_count": current.entity_count,
    })


MAX_UPLOAD = 200 * 1024 * 1024


@router.post("/ingest/{source}", responses=ERRORS, summary="Upload a published list file (or the files of one list)")
def ingest(
    request: Request,
    source: str = PathParam(..., max_length=20, description="ofac | ofac-cons | un | uk | eu | eu-journal | ftm"),
    files: list[UploadFile] = File(..., description="One file, or the files of one list (e.g. sdn.csv, add.csv, alt.csv)"),
    dataset: str | None = Query(None, max_length=100, description="ftm only: load just the entities of this "
                                "dataset of a multi-dataset file and store them under its name (`--dataset`)"),
    store_as: str | None = Query(None, alias="as", max_length=100, description="ftm only: store the snapshot "
                                 "under this dataset name (`--as`)"),
    allow_shrink: bool = Query(False, description="Confirm a publication that removes more than the shrink limit "
                               "(VIGIL_SHRINK_LIMIT, default 10 %) of the list or of one schema's entities "
                               "(`--allow-shrink`); needs an admin API key. Without it such an upload gets 409."),
    caller: Caller = Depends(require_admin),
):
    """Same as `vigil ingest SOURCE PATH [--dataset NAME] [--as NAME] [--allow-shrink]` (audited, monitored
    books rescreened), then a reload: the new snapshot is served at once. A publication that would remove
    more than the shrink limit is refused with 409 (audited; nothing changes, monitoring does nothing)."""
    from vigil.monitor.hooks import acting_as, attach
    from vigil.parties.hooks import attach as attach_parties
    from vigil.service.index_cache import matcher_loader
    from vigil.sources import SOURCES, IngestError
    from vigil.store import ShrinkRefused, StoreError

    if source not in SOURCES:
        raise HTTPException(404, f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}")
    options = {k: v for k, v in (("dataset", dataset), ("store_as", store_as)) if v is not None}
    if options and source != "ftm":
        raise HTTPException(400, f"dataset and as apply to /ingest/ftm only; {source} is always stored as "
                                 f"{SOURCES[source].dataset}")
    if not files:
        raise HTTPException(400, "no file uploaded")
    if allow_shrink and caller.scope != "admin":  # anonymous callers (auth not required) may not confirm a shrink
        raise HTTPException(403, "allow_shrink needs an admin API key (create one with "
                                 "`vigil keys create --name NAME --scope admin`)")
    state = state_of(request)
    with tempfile.TemporaryDirectory(prefix="vigil-upload-") as tmp:
        folder = Path(tmp)
        total = 0
        for upload in files:
            # keep only a safe base name: uploads must not choose where they land
            name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.filename or "upload").name).lstrip(".") or "upload"
            target = folder / name
            with open(target, "wb") as out:
                shutil.copyfileobj(upload.file, out, 1 << 20)
            total += target.stat().st_size
            if total > MAX_UPLOAD:
                raise HTTPException(413, f"upload above {MAX_UPLOAD // (1024 * 1024)} MB")
        path = folder if len(files) > 1 else next(folder.iterdir())
        store = state.store
        store.attach_relations()  # the relations of the new snapshot (as the CLI's store does)
        cfg = state.settings or current_settings()
        if cfg.parties_auto:  # as the CLI does: re-resolve cross-list parties first, then the monitor rescreens
            attach_parties(store, matcher=matcher_loader(store, cfg))  # actor "system", as the CLI's
        attach(store)  # the CLI's hook (cli.common.open_store): audit the ingest, rescreen books on a change
        try:
            with acting_as(caller.name or "anonymous"):
                result = store.ingest_file(source, path, allow_shrink=allow_shrink, **options)
        except ShrinkRefused as exc:
            raise HTTPException(409, str(exc).replace(" with --allow-shrink (allow_shrink=true over HTTP, admin keys "
                                                      "only)", " with allow_shrink=true (admin API keys only)")) from None
        except IngestError as exc:
            raise HTTPException(400, f"cannot ingest: {exc}".replace(str(folder) + "/", "")) from None
        except StoreError as exc:
            raise HTTPException(503, str(exc)) from None
    swapped = state.try_reload()
    summary = result.to_dict() if hasattr(result, "to_dict") else {}
    return JSONBytes({"status": "ok", "reloaded": swapped, "result": summary})
