"""The `vigil` command. Each concern registers its commands from its own module."""
from __future__ import annotations

import typer

from vigil import __version__

app = typer.Typer(
    name="vigil",
    help="Sanctions screening you can explain: keep official lists current, screen names in any script, "
    "screen customer books, scan news, and keep an audit trail.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from vigil.matching import native

        reason = f" ({native.REASON})" if native.REASON else ""
        typer.echo(f"vigil {__version__}, matching code: {native.MODE}{reason}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """vigil: sanctions screening you can explain."""


# Command modules: each defines `register(app)`.
from vigil.cli import data as _data  # noqa: E402
from vigil.cli import screen as _screen  # noqa: E402
from vigil.cli import serve as _serve  # noqa: E402
from vigil.cli import monitor as _monitor  # noqa: E402
from vigil.cli import bench as _bench  # noqa: E402
from vigil.cli import scan as _scan  # noqa: E402
from vigil.cli import parties as _parties  # noqa: E402

for _module in (_data, _screen, _serve, _monitor, _bench, _scan, _parties,):
    _module.register(app)


def main() -> None:
    app()
