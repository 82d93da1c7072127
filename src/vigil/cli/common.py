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
