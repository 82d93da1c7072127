"""The FastAPI application: `create_app(state=None)`.

`vigil serve` runs it under uvicorn (`vigil.api.app:create_app`, factory mode,
so each worker process builds its own app and loads the index itself).
"""
from __future__ import annotations

import asyncio
import logging
import signal
import threading
from contextlib import asynccontextmanager

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from vigil import __version__
from vigil.settings import Settings
from vigil.api.auth import KeyVerifier
from vigil.api.guard import Guard, HostPolicy
from vigil.api.routers import admin, alerts, catalog, entities, health, match, reconcile, scan, search
from vigil.api.state import IndexState
from vigil.errors import QueryError
from vigil.service.screening import UnknownDatasetError
from vigil.service.screening_log import RecorderFull, ScreeningRecorder

# Swagger UI and ReDoc (GET /docs, /redoc) load their scripts from here, served from the fastapi-offline
# package: the docs work offline and the pages fetch nothing from a CDN.
DOCS_ASSETS = "/docs-assets"

log = logging.getLogger(__name__)

DESCRIPTION = """Sanctions screening you can explain. Compatible with the
[yente](https://github.com/opensanctions/yente) API: `POST /match/{dataset}`,
`GET /search/{dataset}`, `GET /entities/{id}`, `GET /catalog`. `{dataset}` is one
list (`us_ofac_sdn`, `un_sc_sanctions`, `gb_hmt_sanctions`, `eu_fsf`, ...) or `default` for all.
Send an API key as `Authorization: Bearer <key>` or `X-API-Key: <key>` when the server requires one."""


def _watch(state: IndexState, interval: float, stop: threading.Event) -> None:
    """Pick up store changes made elsewhere (another worker's /updatez, a cron `vigil update`)."""
    while not stop.wait(interval):
        try:
            if state.is_stale():
                state.try_reload()
        except Exception:
            log.exception("store check failed")


def create_app(
    state: IndexState | None = None,
    *,
    settings: Settings | None = None,
    require_auth: bool | None = None,
    background_load: bool = False,
    watch_interval: float | None = None,
    record: bool = True,
):
    """Build the app around an `IndexState` (a fresh one over the settings' store by default).

    `settings`: the front end's (`vigil serve` hands its own to the worker processes, whose factory
    call reads them back from the environment once, here). `require_auth` and `watch_interval`
    override `settings.require_auth` and `settings.reload_interval`. The index loads at start-up
    unless `state` is already loaded; `background_load` lets the server answer /healthz (and
    /readyz with 503) while it loads.
    """
    settings = settings or Settings.from_env()
    state = state or IndexState(settings=settings)
    if require_auth is None:
        require_auth = settings.require_auth
    if watch_interval is None:
        watch_interval = settings.reload_interval

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop = threading.Event()
        vlog = logging.getLogger("vigil")
        if not vlog.handlers:  # under uvicorn: show index loads and reloads in the server log
            for handler in logging.getLogger("uvicorn").handlers or logging.getLogger("uvicorn.error").handlers:
                vlog.addHandler(handler)
            vlog.setLevel(logging.INFO)
        if not state.ready:
            if background_load:
                threading.Thread(target=state.try_reload, name="vigil-index-load", daemon=True).start()
            else:
                await asyncio.to_thread(state.try_reload)
        if record:
            app.state.recorder = ScreeningRecorder(state.store.engine, spill_dir=settings.home)
        if watch_interval > 0:
            threading.Thread(target=_watch, args=(state, watch_interval, stop), daemon=True,
                             name="vigil-store-watch").start()
        if record:  # signed audit checkpoints when due (VIGIL_AUDIT_CHECKPOINT_ROWS / _MINUTES)
            from vigil.service.checkpoints import start_checkpointer

            start_checkpointer(state.store.engine, settings, stop)
        loop = asyncio.get_running_loop()
        hup = False
        try:  # only possible in the main thread (uvicorn worker); not under test clients
            loop.add_signal_handler(signal.SIGHUP, lambda: threading.Thread(
                target=state.try_reload, kwargs={"force": True}, daemon=True).start())
            hup = True
        except (RuntimeError, ValueError, NotImplementedError, AttributeError):
            pass
        try:
            yield
        finally:
            stop.set()
            if hup:
                loop.remove_signal_handler(signal.SIGHUP)
            if app.state.recorder is not None:
                app.state.recorder.close()
                app.state.recorder = None

    app = FastAPIOffline(
        static_url=DOCS_ASSETS,
        docs_url=None,  # our own /docs and /redoc (docs_pages): a CSP that allows only their start-up script
        redoc_url=None,
        title="vigil",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        contact={"name": "vigil"},
        license_info={"name": "MIT"},
    )
    app.state.index = state
    app.state.settings = settings
    app.state.require_auth = require_auth
    app.state.recorder = None
    app.state.verify_key = KeyVerifier(lambda: state.store.engine)

    @app.exception_handler(QueryError)
    async def _bad_query(request: Request, exc: QueryError):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(UnknownDatasetError)
    async def _unknown_dataset(request: Request, exc: UnknownDatasetError):
        return JSONResponse({"detail": str(exc.args[0] if exc.args else exc)}, status_code=404)

    @app.exception_handler(RecorderFull)
    async def _log_full(request: Request, exc: RecorderFull):
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        # FastAPI's default shape, but without echoing huge inputs back
        errors = []
        for err in exc.errors():
            err = {k: v for k, v in err.items() if k in ("type", "loc", "msg")}
            errors.append(err)
        return JSONResponse({"detail": errors}, status_code=422)

    for router in (match.router, search.router, entities.router, catalog.router, health.router, admin.router,
                   alerts.router, scan.router, reconcile.router):
        app.include_router(router)
    from vigil.web import mount as mount_web  # the analysts' web UI at / (imported here: keeps the API importable alone)

    mount_web(app)
    docs_pages(app)
    # Outermost: the Host allow-list, the same-origin check of state changes and the security headers
    # come before every route, the UI's included (docs/security.md).
    app.add_middleware(Guard, hosts=HostPolicy(settings.allowed_hosts))
    return app


INLINE_STYLES = " 'unsafe-inline'"


def _with_script_hashes(response, styles_inline: bool) -> None:
    """A CSP for a docs page: its own inline start-up script allowed by hash, nothing else inline."""
    import base64
    import hashlib
    import re

    body = response.body.decode()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", body, flags=re.S))
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' {hashes}; "
        f"style-src 'self'{INLINE_STYLES if styles_inline else ''}; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def docs_pages(app) -> None:
    """GET /docs (Swagger UI) and /redoc from fastapi-offline's local assets, as fastapi-offline serves them,
    with a Content-Security-Policy of their own: the one inline start-up script Swagger UI needs is allowed
    by its hash, and inline styles (ReDoc's styled-components, Swagger UI's) are allowed on these two
    pages only. They show the public OpenAPI document and change nothing."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request):
        root = request.scope.get("root_path", "")
        response = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png", swagger_ui_parameters=app.swagger_ui_parameters)
        _with_script_hashes(response, styles_inline=True)
        return response

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request):
        root = request.scope.get("root_path", "")
        response = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js", with_google_fonts=False,
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png")
        _with_script_hashes(response, styles_inline=True)
        return response
