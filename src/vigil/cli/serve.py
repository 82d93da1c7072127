"""`vigil serve` (the yente-compatible HTTP API) and `vigil keys` (API keys)."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import replace
from typing import Optional

import typer

from vigil.cli.common import console, err_console, examples, fail, open_store, settings as cli_settings

keys_app = typer.Typer(help="API keys for `vigil serve` (stored hashed; shown once at creation).", no_args_is_help=True)


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def with_bind_name(settings, host: str):
    """`--host vigil.internal`: the name the server was started under is one its Host check accepts
    (docs/security.md); addresses need no entry (IP literals are always accepted)."""
    name = host.strip().lower().rstrip(".")
    if _is_address(name) or not name or name in settings.allowed_hosts:
        return settings
    return replace(settings, allowed_hosts=(*settings.allowed_hosts, name))


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind; anything but loopback requires API keys."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (one index each); on Linux each has its own SO_REUSEPORT socket."),
    require_auth: bool = typer.Option(False, "--require-auth", help="Require API keys even on loopback (also VIGIL_REQUIRE_AUTH=1)."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level: critical, error, warning, info, debug."),
    access_log: bool = typer.Option(False, "--access-log/--no-access-log", help="Log every request (slower)."),
) -> None:
    """Run the HTTP API: POST /match, GET /search, /entities, /catalog ... (yente-compatible). SIGHUP reloads."""
    import uvicorn

    from vigil.api.workers import PortInUse, probe_port
    from vigil.service.keys import any_active_key
    from vigil.store import Store, StoreError

    try:  # before the store and the index: a taken port is known in milliseconds
        probe_port(host, port)
    except PortInUse:
        fail(f"port {port} on {host} is already in use (another `vigil serve`?); pick another with --port", code=1)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", code=1)
    settings = cli_settings()
    auth = require_auth or not is_loopback(host) or settings.require_auth
    try:
        store = Store(settings=settings)
        if not any(d.entity_count for d in store.datasets()):
            err_console.print("[yellow]warning:[/] no lists loaded yet; /readyz answers 503 until "
                              "`vigil update --mirror ../shared/data` and POST /updatez (or SIGHUP)")
        if auth and not any_active_key(store.engine):
            fail("API keys are required (non-loopback host or --require-auth) but none exist: "
                 "create one with `vigil keys create --name NAME --scope screen`")
    except StoreError as exc:
        fail(str(exc))
    if auth:
        settings = replace(settings, require_auth=True)
    settings = with_bind_name(settings, host)
    # Worker processes (uvicorn's or our supervisor's) build their app from the environment they inherit:
    # hand them this process's settings, as decided here, explicitly.
    os.environ.update(settings.to_env())
    err_console.print(f"vigil API on http://{host}:{port} (docs at /docs, auth {'required' if auth else 'off: loopback only'})",
                      highlight=False)
    if workers > 1 and settings.reuseport:
        from vigil.api.workers import reuseport_available, supervise

        if reuseport_available():
            # one SO_REUSEPORT socket per worker: the kernel spreads connections evenly over them
            uvicorn.Config("vigil.api.app:create_app", factory=True, log_level=log_level)  # sets up logging
            try:
                code = supervise(host, port, workers, {"log_level": log_level, "access_log": access_log})
            except PortInUse:
                fail(f"port {port} on {host} is already in use (another `vigil serve`?); pick another with --port",
                     code=1)
            except OSError as exc:
                fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", code=1)
            raise typer.Exit(code)
    uvicorn.run(
        "vigil.api.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level=log_level, access_log=access_log,
        # Loading the index holds the GIL for seconds, so a worker cannot answer the supervisor's
        # liveness ping meanwhile; the default 5 s would kill and restart it in a loop on a busy machine.
        timeout_worker_healthcheck=600,
    )


@keys_app.command("create", epilog=examples("vigil keys create --name crm --scope screen",
                                            "vigil keys create --name ana --scope analyst --by lead",
                                            "vigil keys create --name ops --scope admin"))
def keys_create(
    name: str = typer.Option(..., "--name", help="Who or what uses the key (shown in the screening log)."),
    scope: str = typer.Option(
        "screen", "--scope",
        help="screen: match, search, entities, catalog, scan; "
             "analyst: screen + read and decide alerts (GET /alerts, POST /alerts/{id}/decision); "
             "admin: everything, plus reload (/updatez) and list uploads (/ingest)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who creates it (audit log); default: the OS user."),
) -> None:
    """Create an API key and print it once; only its hash is stored. Scopes: screen, analyst, admin."""
    from vigil.service.keys import ApiKeyError, create_key

    try:
        key = create_key(open_store().engine, name, scope, actor=by)
    except ApiKeyError as exc:
        fail(str(exc))
    err_console.print(f"created {scope} key {name!r}; store it now, it cannot be shown again:", highlight=False)
    typer.echo(key)


@keys_app.command("list", epilog=examples("vigil keys list", "vigil keys list --json"))
def keys_list(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """List API keys (names, scopes, dates; never the keys)."""
    import json

    from rich.table import Table

    from vigil.service.keys import list_keys

    keys = list_keys(open_store().engine)
    if as_json:
        typer.echo(json.dumps([{"name": k.name, "scope": k.scope, "created_at": k.created_at.isoformat(),
                                "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None} for k in keys]))
        return
    if not keys:
        console.print("no API keys; create one with `vigil keys create --name NAME`")
        return
    table = Table("name", "scope", "created", "status")
    for k in keys:
        table.add_row(k.name, k.scope, f"{k.created_at:%Y-%m-%d %H:%M}",
                      f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "[green]active[/]")
    console.print(table)


@keys_app.command("revoke", epilog=examples("vigil keys revoke crm", "vigil keys revoke crm --by lead"))
def keys_revoke(
    name: str = typer.Argument(..., help="The key's name."),
    by: Optional[str] = typer.Option(None, "--by", help="Who revokes it (audit log); default: the OS user."),
) -> None:
    """Revoke a key; a running server refuses it within seconds."""
    from vigil.service.keys import ApiKeyError, revoke_key

    try:
        revoke_key(open_store().engine, name, actor=by)
    except ApiKeyError as exc:
        fail(str(exc))
    console.print(f"revoked key {name!r}")


def register(app: typer.Typer) -> None:
    app.command("serve", epilog=examples("vigil serve", "vigil serve --port 8080 --workers 2",
                                         "vigil serve --host 0.0.0.0 --require-auth --access-log"))(serve_command)
    app.add_typer(keys_app, name="keys")
