"""Shared CLI plumbing: consoles, the exit-code contract, settings and store access, help examples."""
from __future__ import annotations

from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from vigil.settings import WIDE_TERMINAL, Settings

console = Console()
err_console = Console(stderr=True)

EXIT_OK = 0
EXIT_MATCH = 1  # screening found a match and --fail-on-match was given
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3  # a bug or an environment problem vigil did not foresee (the message says which)
EMPTY_STORE = "no lists loaded yet: run `vigil update --mirror ../shared/data` (or `vigil ingest SOURCE PATH`) first"

# Per invocation: the root callback resets it, so one process running several commands (tests, a shell)
# reads the environment afresh for each, and each command reads it once.
_invocation: dict[str, Any] = {}
_stores: dict[str, Any] = {}  # one Store per database URL per process (cold start counts)


def new_invocation(debug: bool = False) -> None:
    _invocation.clear()
    _invocation["debug"] = debug


def debug() -> bool:
    return bool(_invocation.get("debug"))


def settings() -> Settings:
    """The settings of this command, read from the environment once (SettingsError: exit 2, one line)."""
    if "settings" not in _invocation:
        _invocation["settings"] = Settings.from_env()
    return _invocation["settings"]


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
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def print_json(data: Any) -> None:
    """JSON on stdout, indented (dates and other objects as strings)."""
    import sys

    import orjson

    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")


def examples(*lines: str) -> str:
    """A command's `--help` epilog: its examples, one per line (shown verbatim, brackets included)."""
    return "[bold]Examples[/]\n" + "\n".join(f"  {escape(line)}" for line in lines)


def store(with_hooks: bool = True):
    """The configured store (VIGIL_DATABASE_URL or SQLite under VIGIL_HOME); a clear error if it cannot be opened.
    With hooks, ingests are audited and monitored books rescreened after them."""
    from vigil.store import Store, StoreError

    cfg = settings()
    if _stores.get("url") != cfg.database_url:
        try:
            _stores.update(url=cfg.database_url, store=Store(settings=cfg))
        except StoreError as exc:
            fail(str(exc))
    opened = _stores["store"]
    _invocation["store"] = opened  # after the command: an audit checkpoint when one is due
    if with_hooks:
        from vigil.monitor.hooks import attach  # ingests are audited and rescreen monitored books
        from vigil.parties.hooks import attach as attach_parties  # ... and re-resolve cross-list parties

        opened.attach_relations()  # the relations the new snapshot states (vigil graph, /adjacent, scan)
        if cfg.parties_auto:  # first: the rescreen after an ingest then sees the resolved parties
            attach_parties(opened, matcher=index_matcher(opened))
        attach(opened, settings=cfg)
    return opened


def after_command() -> None:
    """Publish a signed audit checkpoint when one is due (VIGIL_AUDIT_CHECKPOINT_ROWS / _MINUTES) and this
    command opened the store. A failure is a warning: the command itself succeeded."""
    opened = _invocation.pop("store", None)
    if opened is None:
        return
    try:
        from vigil.service.checkpoints import maybe_checkpoint

        made = maybe_checkpoint(opened.engine, settings())
    except Exception as exc:  # noqa: BLE001 - never turn a finished command into a failure
        err_console.print(f"[yellow]warning:[/] audit checkpoint not published: {escape(str(exc))}",
                          highlight=False, soft_wrap=True)
        return
    if made is not None:
        err_console.print(f"audit checkpoint published: {made.seq:,} rows, head {made.head[:12]}… "
                          f"({settings().audit_checkpoint_path})", highlight=False, soft_wrap=True)


def index_matcher(opened):
    """`service.index_cache.matcher_loader` with the CLI's settings."""
    from vigil.service.index_cache import matcher_loader

    return matcher_loader(opened, settings())


def open_store():
    return store(with_hooks=True)


def loaded_datasets() -> list[str]:
    """Names of the datasets with entities; a clear message (exit 2) when the store is empty."""
    names = [d.name for d in store(with_hooks=False).datasets() if d.entity_count]
    if not names:
        fail(EMPTY_STORE)
    return names


def open_matcher() -> tuple[Any, list[str]]:
    """The Matcher over the current store (from the on-disk cache when fresh) and the loaded dataset names."""
    from vigil.service.index_cache import load_matcher

    names = loaded_datasets()
    matcher, _ = load_matcher(store(with_hooks=False), settings=settings())
    return matcher, names


def actor(by: str | None) -> str:
    from vigil.service.keys import default_actor

    return (by or "").strip() or default_actor()
