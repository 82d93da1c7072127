"""Liveness and readiness probes."""
from __future__ import annotations

from fastapi import APIRouter, Request

from vigil.api.deps import JSONBytes
from vigil.api.models import ERRORS, StatusResponse

router = APIRouter(tags=["System information"])


# async: a plain `def` endpoint runs in the thread pool, several times the CPU of the answer itself
@router.get("/healthz", response_model=StatusResponse, summary="The process is up")
async def healthz():
    return JSONBytes({"status": "ok"})


@router.get("/readyz", response_model=StatusResponse, responses={503: ERRORS[503]}, summary="The index is loaded")
async def readyz(request: Request):
    state = request.app.state.index
    if state.current is None:
        return JSONBytes({"status": "loading", "detail": state.error or "the index is still loading"}, status_code=503)
    return JSONBytes({"status": "ok", "detail": f"{state.current.entity_count} entities loaded"})
