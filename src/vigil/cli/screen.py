"""`vigil screen NAME` and `vigil batch INPUT --out OUTPUT`."""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import typer

from vigil.cli.common import EXIT_MATCH, err_console, fail

EMPTY_STORE = "no lists loaded yet: run `vigil update --mirror ../shared/data` (or `vigil ingest SOURCE PATH`) first"


def _store():
    from vigil.settings import current
    from vigil.store import Store, StoreError

    url = current().database_url
    if _stores.get("url") != url:  # one Store per process and database (cold start counts)
        try:
            _stores.update(url=url, store=Store(url))
        except StoreError as exc:
            fail(str(exc))
    return _stores["store"]


_stores: dict[str, Any] = {}


def loaded_datasets() -> list[str]:
    """Names of the datasets with entities; a clear message (exit 2) when the store is empty."""
    names = [d.name for d in _store().datasets() if d.entity_count]
    if not names:
        fail(EMPTY_STORE)
    return names


def open_matcher() -> tuple[Any, list[str]]:
    """The Matcher over the current store (from the on-disk cache when fresh) and the loaded dataset names."""
    from vigil.service.index_cache import load_matcher

    names = loaded_datasets()
    matcher, _ = load_matcher(_store())
    return matcher, names


def _options(limit: int, threshold: float, algorithm: Optional[str], dataset: str, loaded: list[str]):
    from vigil.service.screening import ScreenOptions, check_options, resolve_datasets

    datasets = None if dataset == "default" else resolve_datasets(dataset, loaded)
    return check_options(ScreenOptions(limit=limit, threshold=threshold, algorithm=algorithm, datasets=datasets))


def _table(response: dict[str, Any], name: str):
    """The results table. Wide terminals get one column per field; narrower ones (e.g. 80 columns) fold
    the datasets under the name and the match flag under the score, and drop the rank, so the explanation
    has room. Ids and scores are never wrapped or cut."""
    from rich.table import Table
    from rich.text import Text

    from vigil.cli.common import is_wide, key_column
    from vigil.service.screening import explain

    results = response["results"]
    matches = sum(1 for r in results if r["match"])
    table = Table(
        title=f"Screening {name!r}: {matches} match{'es' if matches != 1 else ''}, "
        f"{len(results)} result(s) of {response['total']['value']} candidates",
        title_justify="left",
        show_lines=False,
    )
    ids = [r["id"] for r in results]
    if is_wide():
        table.add_column("#", justify="right", style="dim")
        table.add_column("caption", overflow="fold")
        key_column(table, "id", ids)
        table.add_column("datasets", overflow="fold")
        key_column(table, "score", ["0.00"], justify="right")
        key_column(table, "match", ["MATCH"], justify="center")
        table.add_column("why", overflow="fold")
        for i, r in enumerate(results, 1):
            table.add_row(
                str(i), Text(r["caption"]), Text(r["id"]), Text(", ".join(r["datasets"])), f"{r['score']:.2f}",
                "[bold red]MATCH[/]" if r["match"] else "no", Text(explain(r)),
                style="bold red" if r["match"] else None,
            )
        return table
    key_column(table, "score", ["MATCH"], justify="right")
    key_column(table, "id", ids)
    table.add_column("name / lists", overflow="fold", ratio=2)
    table.add_column("why", overflow="fold", ratio=3)
    for r in results:
        score = Text(f"{r['score']:.2f}")
        if r["match"]:
            score.append("\nMATCH", style="bold red")
        who = Text(r["caption"])
        who.append("\n" + "\n".join(r["datasets"]), style="dim")
        # The title names the query; repeating it in every explanation only takes room.
        why = explain(r).replace(f"({name} ~ ", "(~ ")
        table.add_row(score, Text(r["id"]), who, Text(why), style="bold red" if r["match"] else None)
    return table


def screen_command(
    name: str = typer.Argument(..., help="The name to screen, in any script."),
    schema: Optional[str] = typer.Option(None, "--schema", help="Person, Organization, Company, LegalEntity, Vessel, Airplane (default: LegalEntity, or Person with --dob/--gender)."),
    dob: Optional[str] = typer.Option(None, "--dob", help="Date of birth: 1957, 1957-03 or 1957-03-11."),
    country: Optional[str] = typer.Option(None, "--country", help="Country or nationality (ISO code or name)."),
    id_number: Optional[str] = typer.Option(None, "--id", help="Passport, national ID, registration or IMO number."),
    gender: Optional[str] = typer.Option(None, "--gender", help="male / female / other."),
    threshold: float = typer.Option(0.7, "--threshold", min=0.0, max=1.0, help="Score at which a result counts as a match."),
    limit: int = typer.Option(5, "--limit", min=1, max=500, help="Results to show."),
    dataset: str = typer.Option("default", "--dataset", help="One dataset (e.g. us_ofac_sdn) or `default` for all."),
    algorithm: Optional[str] = typer.Option(None, "--algorithm", help="Matching algorithm (see the API's /algorithms)."),
    as_json: bool = typer.Option(False, "--json", help="Print one /match response entry as JSON."),
    fail_on_match: bool = typer.Option(False, "--fail-on-match", help="Exit 1 when any result matches."),
    by: Optional[str] = typer.Option(None, "--by", help="Who screens (audit log); default: the OS user."),
) -> None:
    """Screen one name (plus DOB, country, ID) against all loaded lists, with the reasons for every score."""
    from vigil.service.screening import QueryError, UnknownDatasetError, query_from_fields, screen

    if not name.strip():
        fail("NAME is empty")
    if dob:
        from vigil.sources.dates import parse_date

        dates = parse_date(dob)
        if not dates:
            fail(f"unreadable date of birth {dob!r}: use 1957, 1957-03 or 1957-03-11")
        dob = dates[0]
    if country:
        from vigil.sources.countries import to_code

        code = to_code(country)
        if code is None:
            fail(f"unknown country {country!r}: use an ISO code (ir) or an English name (Iran)")
        country = code
    try:
        opts = _options(limit, threshold, algorithm, dataset, loaded_datasets())
        query = query_from_fields(name, schema=schema, dob=dob, country=country, id_number=id_number, gender=gender)
        matcher, _ = open_matcher()  # after the checks: bad input fails fast
        response = screen(matcher, query, opts)
    except (QueryError, UnknownDatasetError) as exc:
        fail(str(exc.args[0] if exc.args else exc))
    _audit_screen(response, dataset, by)
    if as_json:
        typer.echo(json.dumps(response, ensure_ascii=False, indent=2))
    else:
        from vigil.cli.common import console

        console.print(_table(response, name))
    if fail_on_match and any(r["match"] for r in response["results"]):
        raise typer.Exit(EXIT_MATCH)


def batch_command(
    input: Path = typer.Argument(..., help="CSV, XLSX or JSON-lines file, one party per row."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file (same format as the input)."),
    name_col: Optional[str] = typer.Option(None, "--name-col", help="Column with the name (default: auto-detect)."),
    dob_col: Optional[str] = typer.Option(None, "--dob-col", help="Column with the date of birth."),
    country_col: Optional[str] = typer.Option(None, "--country-col", help="Column with the country / nationality."),
    id_col: Optional[str] = typer.Option(None, "--id-col", help="Column with an ID / passport number."),
    schema_col: Optional[str] = typer.Option(None, "--schema-col", help="Column with a per-row schema."),
    schema: Optional[str] = typer.Option(None, "--schema", help="Schema for every row (default: LegalEntity, Person when a DOB is given)."),
    threshold: float = typer.Option(0.7, "--threshold", min=0.0, max=1.0),
    limit: int = typer.Option(5, "--limit", min=1, max=50, help="Results per row (their ids go in top_ids)."),
    dataset: str = typer.Option("default", "--dataset"),
    algorithm: Optional[str] = typer.Option(None, "--algorithm"),
    restart: bool = typer.Option(False, "--restart", help="Ignore earlier progress and start over."),
    fail_on_match: bool = typer.Option(False, "--fail-on-match", help="Exit 1 when any row matches."),
    by: Optional[str] = typer.Option(None, "--by", help="Who screens (audit log); default: the OS user."),
) -> None:
    """Screen a file of customers; resumable (Ctrl-C, then run the same command again to continue)."""
    from vigil.service.batch import BatchError, Columns, open_input, run_batch
    from vigil.service.screening import QueryError, UnknownDatasetError

    columns = Columns(name=name_col, dob=dob_col, country=country_col, id=id_col, schema=schema_col)
    opts = None
    try:
        open_input(input, out, columns)  # bad input fails fast, before the index loads
        loaded = loaded_datasets()
        opts = _options(limit, threshold, algorithm, dataset, loaded)
        matcher, _ = open_matcher()
        summary = run_batch(input, out, matcher, opts, columns=columns, schema=schema, restart=restart,
                            progress=True)
    except (BatchError, QueryError, UnknownDatasetError) as exc:
        fail(str(exc.args[0] if exc.args else exc))
    except KeyboardInterrupt:
        if opts is not None:
            _audit_batch(input, out, opts, by, status="interrupted")
        err_console.print("[yellow]interrupted[/]: progress is saved; run the same command again to continue")
        raise typer.Exit(130)
    _audit_batch(input, out, opts, by, status="complete", summary=summary)
    err_console.print(
        f"screened {summary.rows} rows ({summary.resumed} from an earlier run) in {summary.seconds:.1f} s: "
        f"{summary.matched} with a match, {len(summary.errors)} malformed; wrote {out}",
        highlight=False,
    )
    for row, message in summary.errors[:20]:
        err_console.print(f"  row {row}: {message}", highlight=False)
    if len(summary.errors) > 20:
        err_console.print(f"  ... and {len(summary.errors) - 20} more (see the error column in {out})")
    if fail_on_match and summary.matched:
        raise typer.Exit(EXIT_MATCH)


def _actor(by: Optional[str]) -> str:
    from vigil.service.keys import default_actor

    return (by or "").strip() or default_actor()


def _audit_screen(response: dict[str, Any], dataset: str, by: Optional[str]) -> None:
    """One screening-log row and one audit event per `vigil screen` call, in one transaction."""
    from vigil.service.screening import top_ids
    from vigil.service.screening_log import ScreeningEntry, ensure_table, record_screening

    engine = _store().engine
    with _audit_errors("the result is withheld: every screening must be on record"):
        ensure_table(engine)
        record_screening(engine, [ScreeningEntry(
            endpoint=f"cli:screen/{dataset}", query=response["query"], top_ids=top_ids(response), actor=_actor(by),
        )])


@contextmanager
def _audit_errors(consequence: str) -> Iterator[None]:
    """A database that refuses the audit row is a clear error (exit 2), not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
        fail(f"could not write the audit log ({reason}); {consequence}")


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _audit_batch(input: Path, out: Path, opts: Any, by: Optional[str], status: str, summary: Any = None) -> None:
    """One audit event per `vigil batch` run: the input file (name and SHA-256), the options and the counts."""
    from vigil.service import audit
    from vigil.service.batch import progress_path

    payload: dict[str, Any] = {
        "endpoint": "cli:batch", "status": status, "input": input.name, "input_sha256": _sha256(input),
        "output": out.name, "threshold": opts.threshold, "limit": opts.limit, "algorithm": opts.algorithm,
        "datasets": opts.datasets,
    }
    if summary is not None:
        payload.update(rows=summary.rows, resumed=summary.resumed, matched=summary.matched,
                       errors=len(summary.errors), seconds=round(summary.seconds, 3))
    else:  # interrupted: the progress file holds the finished rows (after its one header line)
        side = progress_path(out)
        if side.exists():
            with open(side, "rb") as fh:
                payload["rows"] = max(0, sum(1 for line in fh if line.strip()) - 1)
    with _audit_errors(f"{out.name} was written, but this run is not on record"):
        audit.append(_actor(by), "screening.batch", payload, engine=_store().engine)


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_command)
    app.command("batch")(batch_command)
