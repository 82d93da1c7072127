"""`vigil screen NAME` and `vigil batch INPUT --out OUTPUT`: thin front ends over `vigil.service`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from vigil.cli.common import (
    EMPTY_STORE, EXIT_MATCH, actor, err_console, examples, fail, loaded_datasets, open_matcher, store,
)
from vigil.settings import DEFAULT_THRESHOLD
from vigil.matching.display import format_score

__all__ = ["EMPTY_STORE", "open_matcher", "loaded_datasets"]  # used by `vigil scan` and tests
LONG_ID = 24  # longer ids stack the name and lists under the id in narrow tables


def _options(limit: int, threshold: float, algorithm: Optional[str], dataset: str, loaded: list[str],
             per_record: bool = False):
    from vigil.service.screening import ScreenOptions, check_options, resolve_datasets

    datasets = None if dataset == "default" else resolve_datasets(dataset, loaded)
    return check_options(ScreenOptions(limit=limit, threshold=threshold, algorithm=algorithm, datasets=datasets,
                                       merge=not per_record))


def party_map():
    """The record -> party map of the store's last resolve (a function, called when the screening runs)."""
    from vigil.parties.live import LiveMap

    return LiveMap(store(False))


def _others(r: dict[str, Any]) -> list[str]:
    """A merged result's other records (the id column names the one that matched best)."""
    return [ref for ref in r.get("referents") or () if ref != r["id"]] if r.get("records") is not None else []


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
    merged = bool(results) and results[0].get("records") is not None
    total = response["total"]
    of = f"{'at least ' if total.get('relation') == 'gte' else ''}{total['value']} " + (
        "parties" if merged else "candidates")
    table = Table(
        title=f"Screening {name!r}: {matches} match{'es' if matches != 1 else ''}, "
        f"{len(results)} result(s) of {of}",
        title_justify="left",
        show_lines=False,
    )
    ids = [r["id"] for r in results]

    def id_cell(r: dict[str, Any]) -> Text:
        cell = Text(r["id"])
        others = _others(r)
        if others:  # the party's other records: the id is the one that matched best
            cell.append("\n" + "\n".join(f"+ {o}" for o in others), style="dim")
        return cell

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
                str(i), Text(r["caption"]), id_cell(r), Text(", ".join(r["datasets"])), format_score(r['score']),
                "[bold red]MATCH[/]" if r["match"] else "no", Text(explain(r)),
                style="bold red" if r["match"] else None,
            )
        return table
    key_column(table, "score", ["MATCH"], justify="right")
    # Long ids (EU journal `eu-oj-32012R0267-VIII.A.PERSONS-38`) leave no room for a name column beside them:
    # the name and the lists then go under the id in one cell (as in `vigil diff`), the id keeping its own line.
    every_id = ids + [o for r in results for o in _others(r)]
    stacked = max((len(i) for i in every_id), default=0) > LONG_ID
    if stacked:  # "+ other record" lines are 2 wider than the id
        table.add_column("id / name / lists", overflow="fold", ratio=2,
                         min_width=max(len(i) + (0 if i in ids else 2) for i in every_id))
    else:
        key_column(table, "id", ids)
        table.add_column("name / lists", overflow="fold", ratio=2)
    table.add_column("why", overflow="fold", ratio=3)
    for r in results:
        score = Text(format_score(r['score']))
        if r["match"]:
            score.append("\nMATCH", style="bold red")
        who = Text(r["caption"])
        who.append("\n" + "\n".join(r["datasets"]), style="dim")
        # The title names the query; repeating it in every explanation only takes room.
        why = explain(r).replace(f"({name} ~ ", "(~ ")
        cells = [id_cell(r) + Text("\n") + who] if stacked else [id_cell(r), who]
        table.add_row(score, *cells, Text(why), style="bold red" if r["match"] else None)
    return table


SCREEN_EXAMPLES = examples(
    'vigil screen "Qasem Soleimani" --dob 1957-03-11 --country Iran',
    'vigil screen "Hizballah" --per-record --fail-on-match   # one row per list record, not per party',
    'vigil screen "Mahmoud Alavi" --associate "MOIS"   # results the lists relate to MOIS say so',
)


def screen_command(
    name: str = typer.Argument(..., help="The name to screen, in any script."),
    schema: Optional[str] = typer.Option(None, "--schema", help="Person, Organization, Company, LegalEntity, Vessel, "
                                         "Airplane (any case; default: LegalEntity, or Person with --dob/--gender)."),
    dob: Optional[str] = typer.Option(None, "--dob", help="Date of birth: 1957, 1957-03, 1957-03-11, 11.03.1957 or "
                                      "11 Mar 1957 (03/11/1957 is refused as ambiguous; 13/03/1957 is read)."),
    country: Optional[str] = typer.Option(None, "--country", help="Country or nationality: ISO code (ir, irn), "
                                          "name (Iran) or demonym (Iranian)."),
    id_number: Optional[str] = typer.Option(None, "--id", help="Passport, national ID, registration or IMO number."),
    gender: Optional[str] = typer.Option(None, "--gender", help="male, female or other."),
    associate: Optional[list[str]] = typer.Option(None, "--associate", help="A party the subject is associated "
                                                  "with (repeatable): results the lists relate to it say so."),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, "--threshold", min=0.0, max=1.0,
                                    help="Score at which a result counts as a match."),
    limit: int = typer.Option(5, "--limit", min=1, max=500, help="Results to show."),
    dataset: str = typer.Option("default", "--dataset", help="One dataset (e.g. us_ofac_sdn) or `default` for all."),
    algorithm: Optional[str] = typer.Option(None, "--algorithm", help="Matching algorithm (see the API's /algorithms)."),
    as_json: bool = typer.Option(False, "--json", help="Print one /match response entry as JSON."),
    fail_on_match: bool = typer.Option(False, "--fail-on-match", help="Exit 1 when any result matches."),
    per_record: bool = typer.Option(False, "--per-record", help="One result per list record instead of one per "
                                    "party (a party's records on OFAC, UN, UK, EU are one result by default)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who screens (audit log); default: the OS user."),
) -> None:
    """Screen one name (plus DOB, country, ID) against all loaded lists, with the reasons for every score."""
    from vigil.service.screening import Fields, QueryError, Screener, UnknownDatasetError
    from vigil.service.screening_log import DirectRecorder, RecordError

    if not name.strip():
        fail("NAME is empty")
    fields = Fields(name=name, schema=schema, dob=dob, country=country, id_number=id_number, gender=gender)
    try:
        query = Screener.query(fields)  # bad input fails before the store or the index is opened
        for party in associate or []:
            if not party.strip() or len(party) > 500:
                fail("--associate needs a name of at most 500 characters")
            query.add("associatedParty", party)
        opts = _options(limit, threshold, algorithm, dataset, loaded_datasets(), per_record)
        from vigil.service.graph import graph_or_none

        screener = Screener(matcher=lambda: open_matcher()[0], recorder=DirectRecorder(store(False).engine),
                            parties=None if per_record else party_map(),
                            graph=(lambda: graph_or_none(store(False))) if associate else None)
        result = screener.screen(query, opts)
        screener.record(f"cli:screen/{dataset}", [result], actor=actor(by))
    except (QueryError, UnknownDatasetError) as exc:
        fail(str(exc.args[0] if exc.args else exc))
    except RecordError as exc:
        fail(f"{exc}; the result is withheld: every screening must be on record")
    if as_json:
        typer.echo(json.dumps(result.entry, ensure_ascii=False, indent=2))
    else:
        from vigil.cli.common import console

        console.print(_table(result.entry, name))
    if fail_on_match and result.matched:
        raise typer.Exit(EXIT_MATCH)


class _ProgressBar:
    """`vigil batch`'s progress bar (rows, rate, ETA) on stderr; batch itself only reports (done, total)."""

    def __init__(self) -> None:
        self.progress = None
        self.task = None

    def __call__(self, done: int, total: int | None) -> None:
        if self.progress is None:
            self._start(done, total)
        else:
            self.progress.update(self.task, completed=done)

    def _start(self, done: int, total: int | None) -> None:
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(TextColumn):
            def __init__(self):
                super().__init__("")

            def render(self, task):  # rows per second over this run (resumed rows excluded)
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} rows/s" if speed else "… rows/s", style="cyan")

        self.progress = Progress(
            TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(), Rate(),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err_console, transient=False,
        )
        self.task = self.progress.add_task("screening", total=total, completed=done)
        self.progress.start()

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


BATCH_EXAMPLES = examples(
    "vigil batch customers.csv --out screened.csv",
    "vigil batch export.txt --out screened.txt --restart   # Excel 'Unicode Text' (UTF-16, tabs) works too",
    "vigil batch hdfs:///books/2026-12.parquet --out hdfs:///screened/2026-12.parquet --engine spark --master yarn",
)


def batch_command(
    # text, not Path: a Spark input may be a URL (hdfs://, s3a://), whose `//` a Path would collapse
    input: str = typer.Argument(..., help="CSV/TSV (any common encoding), XLSX or JSON-lines file, one party per row "
                                "(with --engine spark: CSV, Parquet or JSON lines, any Hadoop path)."),
    out: str = typer.Option(..., "--out", "-o", help="Output file (same format as the input; with --engine spark: "
                            "a .parquet or .csv folder of part files)."),
    name_col: Optional[str] = typer.Option(None, "--name-col", help="Column with the name (default: auto-detect)."),
    dob_col: Optional[str] = typer.Option(None, "--dob-col", help="Column with the date of birth."),
    country_col: Optional[str] = typer.Option(None, "--country-col", help="Column with the country / nationality."),
    id_col: Optional[str] = typer.Option(None, "--id-col", help="Column with an ID / passport number."),
    gender_col: Optional[str] = typer.Option(None, "--gender-col", help="Column with the gender."),
    schema_col: Optional[str] = typer.Option(None, "--schema-col", help="Column with a per-row schema."),
    schema: Optional[str] = typer.Option(None, "--schema", help="Schema for every row (default: LegalEntity, Person when a DOB is given)."),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, "--threshold", min=0.0, max=1.0,
                                    help="Score at which a result counts as a match."),
    limit: int = typer.Option(5, "--limit", min=1, max=50, help="Results per row (their ids go in top_ids)."),
    dataset: str = typer.Option("default", "--dataset", help="One dataset (e.g. us_ofac_sdn) or `default` for all."),
    algorithm: Optional[str] = typer.Option(None, "--algorithm", help="Matching algorithm (see the API's /algorithms)."),
    restart: bool = typer.Option(False, "--restart", help="Ignore earlier progress and start over."),
    fail_on_match: bool = typer.Option(False, "--fail-on-match", help="Exit 1 when any row matches."),
    per_record: bool = typer.Option(False, "--per-record", help="Results per list record instead of per party "
                                    "(top_ids then lists records of one party separately)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who screens (audit log); default: the OS user."),
    engine: str = typer.Option("process", "--engine", help="process (this process, resumable) or spark (Apache "
                               "Spark: CSV/Parquet/JSONL in, a Parquet or CSV folder out; pip install -e \".[spark]\")."),
    master: Optional[str] = typer.Option(None, "--master", help="Spark master URL (default local[*]): local[N], "
                                         "spark://HOST:7077, yarn, k8s://URL. Needs --engine spark."),
    partitions: Optional[int] = typer.Option(None, "--partitions", help="Spark partitions to screen in (default: "
                                             "4 per core). Needs --engine spark."),
) -> None:
    """Screen a file of customers; resumable (Ctrl-C, then run the same command again to continue).

    Rows are parsed exactly as `vigil screen` parses its options; a row that cannot be screened gets its
    reason in the `error` column. Exit 2 when the file cannot be read or every row is malformed.
    """
    from vigil.service.batch import Columns, open_input, run_batch
    from vigil.service.fields import parse_schema
    from vigil.service.screening import QueryError, Screener, UnknownDatasetError
    from vigil.service.tabular import TabularError

    columns = Columns(name=name_col, dob=dob_col, country=country_col, id=id_col, schema=schema_col, gender=gender_col)
    if engine != "process" or master or partitions:
        from vigil.cli import spark as on_spark

        on_spark.check_engine(engine, master, partitions)
        try:
            parse_schema(schema)
            opts = _options(limit, threshold, algorithm, dataset, loaded_datasets(), per_record)
        except (QueryError, UnknownDatasetError) as exc:
            fail(str(exc.args[0] if exc.args else exc))
        on_spark.batch(input, out, columns, opts, schema, master, partitions, fail_on_match, by,
                       parties=None if per_record else party_map())
        return
    input, out = Path(input), Path(out)
    opts = None
    bar = _ProgressBar()
    try:
        open_input(input, out, columns)  # bad input and an unwritable output fail fast, before the index loads
        parse_schema(schema)  # --schema checked once, before any row
        loaded = loaded_datasets()
        opts = _options(limit, threshold, algorithm, dataset, loaded, per_record)
        screener = Screener(matcher=lambda: open_matcher()[0], parties=None if per_record else party_map())
        summary = run_batch(input, out, screener, opts, columns=columns, schema=schema, restart=restart,
                            progress=bar)
    except (TabularError, QueryError, UnknownDatasetError) as exc:
        fail(str(exc.args[0] if exc.args else exc))
    except KeyboardInterrupt:
        bar.stop()
        if opts is not None:
            _record_batch(input, out, opts, by, "interrupted")
        err_console.print("[yellow]interrupted[/]: progress is saved; run the same command again to continue")
        raise typer.Exit(130)
    finally:
        bar.stop()
    _record_batch(input, out, opts, by, "complete", summary)
    err_console.print(
        f"screened {summary.rows} rows ({summary.resumed} from an earlier run) in {summary.seconds:.1f} s: "
        f"{summary.matched} with a match, {len(summary.errors)} malformed; wrote {out}",
        highlight=False,
    )
    for row, message in summary.errors[:20]:
        err_console.print(f"  row {row}: {message}", highlight=False, markup=False)
    if len(summary.errors) > 20:
        err_console.print(f"  ... and {len(summary.errors) - 20} more (see the error column in {out})", markup=False)
    if summary.all_malformed:
        row, message = summary.errors[0]
        fail(f"every row of {input} is malformed ({summary.rows} rows; row {row}: {message}); "
             "is it the file you meant, with a header row?")
    if fail_on_match and summary.matched:
        raise typer.Exit(EXIT_MATCH)


def _record_batch(input: Path, out: Path, opts: Any, by: Optional[str], status: str, summary: Any = None) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from vigil.service.batch import record_run

    try:
        record_run(store(False).engine, actor(by), input, out, opts, status, summary)
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
        fail(f"could not write the audit log ({reason}); {out.name} was written, but this run is not on record")


def register(app: typer.Typer) -> None:
    app.command("screen", epilog=SCREEN_EXAMPLES)(screen_command)
    app.command("batch", epilog=BATCH_EXAMPLES)(batch_command)
