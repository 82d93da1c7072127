"""The `vigil` command. Each concern registers its commands from its own module.

Any exception reaching the top prints one line on stderr (plus a hint to `--debug` for the
traceback): exit 2 when the input or the environment is at fault (a bad VIGIL_HOME, an unreadable
file), 3 for anything vigil did not foresee.
"""
from __future__ import annotations

import sys

import click
import typer
from typer.core import TyperGroup, TyperOption

from vigil import __version__
from vigil.cli import common


def _flag_type(self: TyperOption, ctx: click.Context) -> str | None:
    """Flags are shown as flags (`--json`), not as `--json <bool>` (typer >= 0.16 prints a type for every
    option); every other option keeps typer's type column."""
    if self.is_flag:
        return None
    return _typer_display_type(self, ctx)


_typer_display_type = getattr(TyperOption, "display_type_rich", None)
if _typer_display_type is not None:  # typer versions that print a type column (older ones show flags plainly)
    TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]


def input_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean the user's input or environment is at fault (exit 2)."""
    from vigil.errors import QueryError
    from vigil.service.tabular import TabularError
    from vigil.settings import SettingsError

    errors: list[type[BaseException]] = [SettingsError, QueryError, TabularError, FileNotFoundError,
                                         PermissionError, IsADirectoryError, NotADirectoryError]
    for module, name in (("vigil.store", "StoreError"), ("vigil.sources", "IngestError"), ("vigil.spark", "SparkError")):
        loaded = sys.modules.get(module)  # only what this command imported can have been raised
        if loaded is not None:
            errors.append(getattr(loaded, name))
    return tuple(errors)


def report(exc: BaseException) -> int:
    """One line for an exception that reached the top; the exit code for it."""
    code = common.EXIT_BAD_INPUT if isinstance(exc, input_errors()) else common.EXIT_INTERNAL
    message = " ".join(str(exc).split()) or exc.__class__.__name__
    if getattr(exc, "exit_code", None) == 2 and hasattr(exc, "format_message"):
        # a usage error of the click copy inside typer (not click.ClickException): "Invalid value for '--limit' …"
        code, message = common.EXIT_BAD_INPUT, " ".join(exc.format_message().split())
    if code == common.EXIT_INTERNAL:
        message = f"internal error ({exc.__class__.__name__}): {message}"
    if common.debug():
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    else:
        message += " (run with --debug for the traceback)"
    try:
        common.fail(message, code)
    except typer.Exit:
        pass
    return code


class VigilGroup(TyperGroup):
    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
            common.after_command()
            return result
        except (click.exceptions.Exit, typer.Exit):
            common.after_command()  # e.g. a refused ingest (exit 2) was audited: checkpoint when due
            raise
        except (click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            common.err_console.print("[yellow]interrupted[/]")
            raise typer.Exit(130) from None
        except Exception as exc:
            raise typer.Exit(report(exc)) from None


app = typer.Typer(
    name="vigil",
    cls=VigilGroup,
    help="Sanctions screening you can explain: keep official lists current, screen names in any script, "
    "screen customer books, scan news, and keep an audit trail.",
    epilog=common.examples("vigil update --mirror ../shared/data", 'vigil screen "Qasem Soleimani" --dob 1957',
                           "vigil serve --port 8000"),
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
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback when a command fails."),
) -> None:
    """vigil: sanctions screening you can explain."""
    common.new_invocation(debug=debug)


# Command modules: each defines `register(app)`.
from vigil.cli import data as _data  # noqa: E402
from vigil.cli import screen as _screen  # noqa: E402
from vigil.cli import serve as _serve  # noqa: E402
from vigil.cli import monitor as _monitor  # noqa: E402
from vigil.cli import bench as _bench  # noqa: E402
from vigil.cli import scan as _scan  # noqa: E402
from vigil.cli import parties as _parties  # noqa: E402
from vigil.cli import graph as _graph  # noqa: E402

for _module in (_data, _screen, _serve, _monitor, _bench, _scan, _parties, _graph,):
    _module.register(app)


def main() -> None:
    app()
