"""Shared CLI plumbing: consoles, the exit-code contract, store access."""
from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)

EXIT_OK = 0
EXIT_MATCH = 1  # screening found a match and --fail-on-match was given
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one clear line on stderr and exit (2 = bad input, per the CLI contract)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def open_store():
    """The configured store (VIGIL_DATABASE_URL or SQLite under VIGIL_HOME); a clear error if it cannot be opened."""
    from vigil.store import Store, StoreError

    try:
        store = Store()
    except StoreError as exc:
        fail(str(exc))
    from vigil.monitor.hooks import attach  # ingests are audited and rescreen monitored books

    attach(store)
    return store
