"""Data commands: `vigil ingest`, `update`, `lists`, `diff`, `export`."""
from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Optional

import orjson
import typer
from rich.progress import (
    BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from vigil.cli.common import console, err_console, examples, fail, is_wide, key_column, open_store, settings
from vigil.parties.hooks import deferred
from vigil.sources import SOURCES, IngestError
from vigil.store import IngestResult, NotFound, ShrinkRefused, StoreError
from vigil.store.update import UPDATE_ORDER, DownloadError, Skip, download, mirror_path

SOURCE_HELP = "one of: " + ", ".join(SOURCES)


def _print_json(data) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def _describe(result: IngestResult, rechecked: bool = False) -> str:
    s = result.diff_summary
    if result.status == "unchanged":
        snap = result.previous.id if result.previous else "?"
        how = f"re-read, same content as snapshot {snap}" if rechecked and result.parse_seconds else \
            f"identical to snapshot {snap}"
        if result.message and result.message.startswith("other files"):
            how = f"different files, same content as snapshot {snap}: no snapshot added"
        return f"{result.dataset}: unchanged ({how}), {result.entity_count:,} entities"
    changes = f"+{s.get('added', 0):,} added, -{s.get('removed', 0):,} removed, ~{s.get('changed', 0):,} changed"
    why = ""
    if rechecked and result.previous and result.snapshot and result.previous.checksum == result.snapshot.checksum:
        why = f"; same file as snapshot {result.previous.id}, read differently by this vigil"
    return f"{result.dataset}: snapshot {result.snapshot.id} created, {result.entity_count:,} entities ({changes}{why})"


def _describe_parties(parties, out) -> None:
    """One line about the parties resolve that followed the ingests (when one was due)."""
    if parties.error:
        out.print(f"[yellow]warning:[/] parties not resolved ({parties.error}); run `vigil parties resolve`",
                  highlight=False, soft_wrap=True)
    elif parties.report is not None:
        from vigil.cli.parties import describe

        out.print(describe(parties.report), highlight=False, soft_wrap=True)


def _ingest_one(store, source: str, path: Path, progress: Progress | None = None, recheck: bool = False,
                allow_shrink: bool = False, **options) -> IngestResult:
    task = progress.add_task(f"{source}: parsing {path.name}", total=None) if progress else None
    try:
        return store.ingest_file(source, path, recheck=recheck, allow_shrink=allow_shrink, **options)
    finally:
        if progress is not None and task is not None:
            progress.remove_task(task)


SHRINK_HELP = ("Confirm a publication that removes more than VIGIL_SHRINK_LIMIT (default 10 %) of a list, or of "
               "one schema's entities: without it such an ingest is refused (exit 2), audited, and nothing changes.")
FORCE_HELP = ("Re-read and re-validate the files even when they are byte-identical to those of the latest "
              "snapshot (normally they are not even parsed). A new snapshot is still stored only when the parsed "
              "entities differ, e.g. after upgrading vigil's parsers; identical content never adds one.")


def ingest(
    source: str = typer.Argument(..., help=f"The list format: {SOURCE_HELP}."),
    path: Path = typer.Argument(..., help="The published file, or the folder holding it (OFAC CSV sets)."),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="ftm only: load just the entities whose `datasets` "
                                          "include NAME (e.g. us_sam_exclusions from an OpenSanctions export) and "
                                          "store the snapshot under NAME. Needed when the file spans several "
                                          "datasets.", metavar="NAME"),
    store_as: Optional[str] = typer.Option(None, "--as", help="ftm only: store the snapshot under this dataset name "
                                           "instead (e.g. a whole multi-dataset file as one dataset, or an "
                                           "OpenSanctions copy of an official list beside the official one).",
                                           metavar="NAME"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    allow_shrink: bool = typer.Option(False, "--allow-shrink", help=SHRINK_HELP),
) -> None:
    """Ingest one published list file as a new snapshot (nothing changes when the content is identical).

    FtM JSON lines: a file naming one dataset is stored under it; for a file spanning several (an
    OpenSanctions export), pick one with --dataset NAME or name the whole file with --as NAME. The
    official list names (us_ofac_sdn, eu_fsf ...) take only entities with that list's ids (a vigil export).
    """
    if source not in SOURCES:
        fail(f"unknown source {source!r}; {SOURCE_HELP}")
    options = {k: v for k, v in (("dataset", dataset), ("store_as", store_as)) if v is not None}
    if options and source != "ftm":
        fail(f"--dataset and --as apply to `vigil ingest ftm` only; {source} is always stored as "
             f"{SOURCES[source].dataset}")
    if not path.exists():
        fail(f"{path}: no such file or folder")
    store = open_store()
    try:
        with deferred(store) as parties, Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                                  TimeElapsedColumn(), console=err_console, transient=True,
                                                  disable=not err_console.is_terminal) as progress:
            result = _ingest_one(store, source, path, progress, recheck=force, allow_shrink=allow_shrink,
                                 **options)
    except ShrinkRefused as exc:
        fail(str(exc))
    except IngestError as exc:
        fail(f"cannot ingest {source}: {exc} (the store is unchanged)")
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        _print_json(result.to_dict())
        _describe_parties(parties, err_console)
        return
    console.print(_describe(result, force), highlight=False, soft_wrap=True)
    _describe_parties(parties, console)
    for warning in result.warnings[:20]:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    if len(result.warnings) > 20:
        err_console.print(f"[yellow]... and {len(result.warnings) - 20} more warnings[/]")


def update(
    mirror: Optional[Path] = typer.Option(None, "--mirror", help="Read a local folder laid out like ../shared/data "
                                          "instead of downloading (works offline)."),
    only: list[str] = typer.Option([], "--only", help=f"Update only these sources ({', '.join(UPDATE_ORDER)}); "
                                   "repeatable."),
    timeout: float = typer.Option(60.0, "--timeout", help="Network timeout per request, in seconds."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    allow_shrink: bool = typer.Option(False, "--allow-shrink", help=SHRINK_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the per-source results as JSON."),
) -> None:
    """Fetch every official list (or read a local mirror) and ingest what changed.

    Downloads go to VIGIL_HOME/downloads; every run downloads complete files (no HTTP caching), and a
    file byte-identical to the latest snapshot's is not parsed again unless --force is given. The EU FSF
    download needs a token (VIGIL_EU_FSF_TOKEN). A source that fails is reported and the others still
    run; the exit code is 2 if any failed. A list that would lose more than VIGIL_SHRINK_LIMIT of its
    entities is refused like `vigil ingest` (confirm with --allow-shrink). Monitored books are rescreened when a new snapshot is stored
    (`vigil monitor run --full` rescreens everything regardless), and the parties across lists are resolved
    once at the end (`vigil parties resolve`; VIGIL_PARTIES_AUTO=0 skips it).
    """
    sources = list(only) or list(UPDATE_ORDER)
    unknown = [s for s in sources if s not in UPDATE_ORDER]
    if unknown:
        fail(f"unknown source {unknown[0]!r}; choose from: {', '.join(UPDATE_ORDER)}")
    if mirror is not None and not mirror.is_dir():
        fail(f"{mirror}: mirror folder not found")
    store = open_store()
    downloads = settings().ensure_home() / "downloads"
    report: list[dict] = []
    failed = False
    # One parties resolve after all the lists are in (not one per list).
    with deferred(store) as parties, Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                              DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn(),
                                              console=err_console, transient=True,
                                              disable=not err_console.is_terminal) as progress:
        overall = progress.add_task("updating lists", total=len(sources))
        for source in sources:
            entry: dict = {"source": source, "dataset": SOURCES[source].dataset}
            try:
                if mirror is not None:
                    path = mirror_path(source, mirror)
                else:
                    bar = progress.add_task(f"{source}: downloading", total=None)

                    def on_progress(name: str, done: int, total: int | None, bar=bar, source=source) -> None:
                        progress.update(bar, description=f"{source}: {name}", completed=done, total=total)

                    try:
                        path = download(source, downloads, timeout=timeout, on_progress=on_progress,
                                        eu_token=settings().eu_fsf_token)
                    finally:
                        progress.remove_task(bar)
                entry["path"] = str(path)
                result = _ingest_one(store, source, path, progress, recheck=force, allow_shrink=allow_shrink)
                entry.update(status=result.status, message=_describe(result, force), result=result.to_dict())
                progress.console.print(f"[green]✓[/] {_describe(result, force)}", highlight=False, soft_wrap=True)
                for warning in result.warnings[:5]:
                    progress.console.print(f"  [yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
                if len(result.warnings) > 5:
                    progress.console.print(f"  [yellow]... and {len(result.warnings) - 5} more warnings "
                                           f"(vigil update --json)[/]", highlight=False)
            except Skip as exc:
                entry.update(status="skipped", message=str(exc))
                progress.console.print(f"[yellow]–[/] {source}: {exc}", highlight=False, soft_wrap=True)
            except (DownloadError, IngestError, StoreError) as exc:
                failed = True
                entry.update(status="refused" if isinstance(exc, ShrinkRefused) else "failed", message=str(exc))
                progress.console.print(f"[bold red]✗[/] {source}: {exc}", highlight=False, soft_wrap=True)
            report.append(entry)
            progress.advance(overall)
    _describe_parties(parties, err_console if as_json else console)
    if as_json:
        _print_json(report)
    if failed:
        raise typer.Exit(2)


def lists(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """The datasets in the store: publication date, entity count, last change, snapshots.

    `relations` (kept apart from the entities, never screened): stated relations resolved to a listed
    entity / all the list states (see `vigil graph`)."""
    opened = open_store()
    infos = opened.datasets()
    relations = opened.relation_counts() if infos else {}
    if as_json:
        _print_json([{**i.to_dict(), "relation_count": relations[i.name].count if i.name in relations else 0,
                      "relations_resolved": relations[i.name].resolved if i.name in relations else 0}
                     for i in infos])
        return
    if not infos:
        console.print("No lists yet. Load them with [bold]vigil update[/] (or [bold]vigil update --mirror DIR[/]).")
        return
    wide = console.width >= 110  # the title does not fit a narrow terminal; `--json` always has it
    table = Table(title="Sanctions lists in the store")
    table.add_column("dataset", no_wrap=True)
    if wide:
        table.add_column("title", ratio=1)
    table.add_column("published", no_wrap=True)
    table.add_column("entities", justify="right", no_wrap=True)
    table.add_column("relations", justify="right", no_wrap=True)
    table.add_column("last change", no_wrap=True)
    table.add_column("snapshots", justify="right", no_wrap=True)
    for i in infos:
        cells = [i.name] + ([i.title] if wide else []) + [
            (i.published or "—")[:10], f"{i.entity_count:,}",
            f"{relations[i.name].resolved:,}/{relations[i.name].count:,}" if i.name in relations else "—", i.last_change[:16].replace("T", " "), str(i.snapshots)]
        table.add_row(*cells)
    console.print(table)
    for i in infos:  # terms of use and provenance where a source states them (e.g. the EU journal transcription)
        if i.license or i.summary:
            about = " ".join(p for p in (f"Licence: {i.license}." if i.license else "", i.summary or "") if p)
            console.print(f"[bold]{i.name}[/]: {about}", highlight=False, soft_wrap=True)


def diff(
    dataset: str = typer.Argument(..., help="Dataset name, e.g. us_ofac_sdn (see `vigil lists`)."),
    from_snapshot: Optional[int] = typer.Option(None, "--from", help="Older snapshot id (default: the one before --to)."),
    to_snapshot: Optional[int] = typer.Option(None, "--to", help="Newer snapshot id (default: the latest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full diff as JSON."),
    limit: int = typer.Option(50, "--limit", help="Rows shown per section in the table view."),
) -> None:
    """What changed in a list between two snapshots: added, removed and changed entities."""
    try:
        result = open_store().diff(dataset, from_snapshot, to_snapshot)
    except NotFound as exc:
        fail(str(exc))
    if as_json:
        _print_json(result.to_dict())
        return
    frm = f"snapshot {result.from_snapshot.id} ({result.from_snapshot.ingested_at[:19]})" if result.from_snapshot else "nothing"
    to = f"snapshot {result.to_snapshot.id} ({result.to_snapshot.ingested_at[:19]})"
    s = result.summary()
    console.print(f"[bold]{dataset}[/]: {frm} → {to}: {s['added']:,} added, {s['removed']:,} removed, "
                  f"{s['changed']:,} changed", highlight=False, soft_wrap=True)
    if result.empty:
        return
    shown = [*result.added[:limit], *result.removed[:limit], *result.changed[:limit]]
    rows = []  # (change markup, id, name, details)
    for kind, refs, style in (("added", result.added, "green"), ("removed", result.removed, "red")):
        for ref in refs[:limit]:
            rows.append((f"[{style}]{kind}[/]", ref.id, ref.caption, ref.schema))
    for ch in result.changed[:limit]:
        details = "; ".join(
            f"{prop}: " + ", ".join([f"+{v}" for v in c["added"]] + [f"-{v}" for v in c["removed"]])
            for prop, c in ch.properties.items()
        )
        rows.append(("[yellow]changed[/]", ch.id, ch.caption, details))
    table = Table(show_lines=not is_wide())
    key_column(table, "change", ["removed"])
    if is_wide():
        key_column(table, "id", [ref.id for ref in shown])  # ids are never wrapped or cut
        table.add_column("name", overflow="fold")
        table.add_column("details", overflow="fold")
        for change, id_, name, details in rows:
            table.add_row(change, Text(id_), Text(name), Text(details))
    else:
        # Narrow terminals: long ids (OpenSanctions, EU journal) left no room for two more columns, so the
        # name and the details go under the id in one cell; the id keeps its own whole line.
        table.add_column("id / name / details", overflow="fold", min_width=max((len(r.id) for r in shown), default=2))
        for change, id_, name, details in rows:
            cell = Text(id_, style="bold")
            cell.append(f"\n{name}")
            if details:
                cell.append(f"\n{details}", style="dim")
            table.add_row(change, cell)
    console.print(table)
    hidden = sum(max(0, len(x) - limit) for x in (result.added, result.removed, result.changed))
    if hidden:
        console.print(f"... {hidden:,} more rows; use --json for everything")


def export(
    dataset: list[str] = typer.Option([], "--dataset", "-d", help="Only these datasets (repeatable)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Export current entities as FollowTheMoney JSON lines."""
    store = open_store()
    known = {d.name for d in store.datasets()}
    missing = [d for d in dataset if d not in known]
    if missing:
        fail(f"no dataset {missing[0]!r} in the store (datasets: {', '.join(sorted(known)) or 'none yet'})")
    entities = store.entities(dataset or None)
    if output is None:
        count = _write_ftm(entities, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        partial = output.with_name(output.name + ".part")
        try:
            with open(partial, "wb") as fh:
                count = _write_ftm(entities, fh)
            partial.replace(output)  # nothing half-written under the real name
        except OSError as exc:
            partial.unlink(missing_ok=True)
            fail(f"{output}: cannot write ({exc.strerror})")
        err_console.print(f"{count:,} entities written to {output}", highlight=False, soft_wrap=True)


def _write_ftm(entities, fh) -> int:
    from vigil.sources.ftm import export_entities  # one definition of the FtM JSON lines format

    return export_entities(entities, fh)


def _help(command) -> str:
    """The docstring with each paragraph on one line: Typer keeps source line breaks, so narrow terminals got
    ragged help."""
    return "\n\n".join(" ".join(p.split()) for p in inspect.cleandoc(command.__doc__).split("\n\n"))


EXAMPLES = {
    "ingest": ("vigil ingest eu-journal ../shared/data/eu_oj_opensanctions",
               "vigil ingest ftm export.ftm.json --dataset us_sam_exclusions",
               "vigil ingest ofac sdn_after_mass_delisting/ --allow-shrink"),
    "update": ("vigil update --mirror ../shared/data", "vigil update --only ofac --only un",
               "vigil update --mirror ../shared/data --force --json"),
    "lists": ("vigil lists", "vigil lists --json"),
    "diff": ("vigil diff us_ofac_sdn", "vigil diff un_sc_sanctions --from 3 --to 7 --limit 20",
             "vigil diff gb_hmt_sanctions --json"),
    "export": ("vigil export --dataset us_ofac_sdn > sdn.ftm.json", "vigil export -d un_sc_sanctions -o un.ftm.json"),
}


def register(app: typer.Typer) -> None:
    app.command("ingest", help=_help(ingest), epilog=examples(*EXAMPLES["ingest"]))(ingest)
    app.command("update", help=_help(update), epilog=examples(*EXAMPLES["update"]))(update)
    for name, command in (("lists", lists), ("diff", diff), ("export", export)):
        app.command(name, epilog=examples(*EXAMPLES[name]))(command)
