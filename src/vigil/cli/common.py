"""Shared CLI plumbing: consoles, the exit-code contract, store access."""
from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from vigil.settings import WIDE_TERMINAL

console = Console()
err_console = Console(stderr=True)

EXIT_OK = 0
EXIT_MATCH = 1  # screening found a match and --fail-on-match was given
EXIT_BAD_INPUT = 2


def is_wide() -> bool:
    """Below `WIDE_TERMINAL` columns the tables fold secondary columns into the main ones so the
    explanation keeps room; ids and scores are never wrapped or cut (an analyst copies them)."""
    return console.width >= WIDE_TERMINAL


def key_column(table, header: str, values, justify: str = "left") -> None:
    """A column that always shows its values whole: as wide as the longest one, no wrapping, no ellipsis."""
    longest = max((len(str(v)) for v in values), default=0)
    table.add_column(header, justify=justify, no_wrap=True, overflow="fold", min_width=max(longest, len(header)))


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
    from vigil.parties.hooks import attach as attach_parties  # ... and re-resolve cross-list parties
    from vigil.settings import current

    attach(store)
    if current().parties_auto:
        attach_parties(store, matcher=index_matcher(store))
    return store


def index_matcher(store):
    """A function returning the screening Matcher from the on-disk index cache (built and cached when
    stale): the parties resolver calls it only when it has records to screen."""
    def load():
        from vigil.service.index_cache import load_matcher

        return load_matcher(store)[0]
    return load
