"""Monitoring commands: `vigil book import|list`, `vigil monitor run`, `vigil alerts`, `vigil decide`,
`vigil audit verify|export`."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Optional

import orjson
import typer
from rich.table import Table

from vigil.cli.common import console, err_console, examples, fail, open_store, print_json, settings
from vigil.settings import DEFAULT_THRESHOLD
from vigil.matching.display import format_score

book_app = typer.Typer(help="Customer books: import and list the customers vigil monitors.", no_args_is_help=True)
monitor_app = typer.Typer(help="Rescreen books against list changes.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


_json = print_json


def _engine():
    return open_store()  # with the monitoring hooks attached


def _user(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@book_app.command("import", epilog=examples(
    "vigil book import retail customers.csv",
    "vigil book import retail customers.xlsx --id-col \"Client No\" --name-col \"Client\" --by alice",
    "vigil book import vendors vendors.jsonl --json"))
def book_import(
    name: str = typer.Argument(..., help="Book name, e.g. retail-customers."),
    file: Path = typer.Argument(..., help="CSV, XLSX or JSON lines; one customer per row."),
    id_col: Optional[str] = typer.Option(None, "--id-col", help="Column with the stable customer id (auto-detected)."),
    name_col: Optional[str] = typer.Option(None, "--name-col", help="Column with the name (auto-detected)."),
    schema_col: Optional[str] = typer.Option(None, "--schema-col", help="Column with the type: person, company ..."),
    dob_col: Optional[str] = typer.Option(None, "--dob-col", help="Column with the birth date."),
    country_col: Optional[str] = typer.Option(None, "--country-col", help="Column with country / nationality."),
    idnum_col: Optional[str] = typer.Option(None, "--idnum-col", help="Column with an ID or passport number."),
    gender_col: Optional[str] = typer.Option(None, "--gender-col", help="Column with the gender (male, female, other)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who imports (audit log); default: the OS user."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import (or re-import) a book; rows are matched by customer id, new and changed rows get screened next run."""
    from vigil.monitor import BookError, ColumnMapping, import_book

    mapping = ColumnMapping(id=id_col, name=name_col, schema=schema_col, dob=dob_col, country=country_col,
                            id_number=idnum_col, gender=gender_col)
    store = _engine()
    try:
        result = import_book(name, file, mapping, engine=store.engine, actor=_user(by))
    except BookError as exc:
        fail(str(exc))
    if as_json:
        _json(result.to_dict())
        return
    console.print(f"book [bold]{result.book}[/]: {result.rows:,} rows; {result.added:,} added, {result.updated:,} "
                  f"updated, {result.unchanged:,} unchanged ({result.added + result.updated:,} to screen at the next "
                  f"`vigil monitor run`)", highlight=False)
    used = ", ".join(f"{k}={v}" for k, v in result.mapping.items() if v)
    err_console.print(f"columns: {used}", highlight=False)
    for problem in result.skipped[:10]:
        err_console.print(f"[yellow]skipped[/] {problem}", highlight=False)
    if len(result.skipped) > 10:
        err_console.print(f"[yellow]... and {len(result.skipped) - 10} more skipped rows[/]")


@book_app.command("list", epilog=examples("vigil book list", "vigil book list --json"))
def book_list(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """Books with their customer counts, pending rescreens and open alerts."""
    from vigil.monitor import list_books

    books = list_books(_engine().engine)
    if as_json:
        _json([b.to_dict() for b in books])
        return
    from vigil.cli.common import is_wide, key_column

    wide = is_wide()  # the source file only when there is room; the full path is in --json
    table = Table()
    key_column(table, "book", [b.name for b in books])
    for header in ("customers", "pending", "open alerts"):
        table.add_column(header, justify="right", no_wrap=True)
    key_column(table, "updated", ["2026-01-01 00:00"])
    if wide:
        table.add_column("source", overflow="fold")
    for b in books:
        cells = [b.name, f"{b.customers:,}", f"{b.pending:,}", f"{b.open_alerts:,}",
                 b.updated_at[:16].replace("T", " ")]
        table.add_row(*cells, *([b.source or ""] if wide else []))
    console.print(table)


@monitor_app.command("run", epilog=examples(
    "vigil monitor run --webhook https://hooks.example.org/vigil --by cron",
    "vigil monitor run --full --per-record   # alerts per list record, not per party",
    "vigil monitor run --full --engine spark --master spark://spark-master:7077 --staging hdfs:///tmp/vigil"))
def monitor_run(
    notify_cmd: Optional[str] = typer.Option(None, "--notify-cmd", help="Command fed the new alerts as JSON on stdin "
                                             "(or VIGIL_NOTIFY_CMD)."),
    webhook: Optional[str] = typer.Option(None, "--webhook", help="URL to POST the new alerts to as JSON "
                                          "(or VIGIL_WEBHOOK_URL)."),
    full: bool = typer.Option(False, "--full", help="Screen every customer against all lists (slow; normally only "
                              "the changes are screened)."),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, "--threshold", min=0.0, max=1.0, help="Score that raises an alert."),
    per_record: bool = typer.Option(False, "--per-record", help="Raise alerts per list record instead of per party "
                                    "(by default a party's records on several lists raise one alert)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who runs it (audit log)."),
    as_json: bool = typer.Option(False, "--json", help="Print the run report as JSON."),
    engine: str = typer.Option("process", "--engine", help="process (default) or spark: the --full rescreen on "
                               "Apache Spark (pip install -e \".[spark]\"), alerts written here as always."),
    master: Optional[str] = typer.Option(None, "--master", help="Spark master URL (default local[*]). "
                                         "Needs --engine spark."),
    partitions: Optional[int] = typer.Option(None, "--partitions", help="Spark partitions (default: 4 per core). "
                                             "Needs --engine spark."),
    staging: Optional[str] = typer.Option(None, "--staging", help="Folder the customers are staged in for Spark "
                                          "(default: a temporary folder; a shared path, e.g. hdfs://..., when the "
                                          "master is not local)."),
) -> None:
    """Rescreen new/changed customers against all lists and all customers against list changes; raise alerts."""
    from vigil.monitor import Monitor, Notifier, deliver

    if engine != "process" or master or partitions or staging:
        from vigil.cli import spark as on_spark

        on_spark.check_engine(engine, master, partitions or (1 if staging else None))
        if not full:
            fail("--engine spark runs the full rescreen: add --full (the delta rescreen stays single-process)")
        store = _engine()
        report = on_spark.monitor_full(store, threshold, _user(by), master, partitions, staging, per_record)
    else:
        store = _engine()
        report = Monitor(store, threshold=threshold, settings=settings(), per_record=per_record).run(
            actor=_user(by), full=full)
    notifier = Notifier.from_settings(settings(), notify_cmd, webhook)
    delivery = deliver(store.engine, notifier)
    if as_json:
        _json({"run": report.to_dict(), "notifications": delivery.to_dict()})
    else:
        for dataset, info in report.datasets.items():
            console.print(f"{dataset}: snapshot {info['from'] or '-'} → {info['to']} "
                          f"(+{info['added']} ~{info['changed']} -{info['removed']})", highlight=False)
        console.print(
            f"screened {report.pending_screened:,} new/changed customers against all lists, "
            f"{report.delta_screened:,} customers against {report.delta_entities:,} changed list entities; "
            f"{report.candidates:,} candidate pairs scored in {report.seconds:.2f}s", highlight=False)
        console.print(f"[bold]{len(report.alerts)} new alerts[/], {len(report.delisted)} closed as delisted, "
                      f"{report.suppressed} whitelisted hits kept quiet", highlight=False)
        if notifier.configured:
            console.print(f"notifications: {delivery.delivered} delivered, {delivery.failed} kept in the outbox",
                          highlight=False)
    if delivery.errors:
        for error in delivery.errors[:5]:
            err_console.print(f"[yellow]notification failed:[/] {error}", highlight=False)


def alerts(
    open_only: bool = typer.Option(False, "--open", help="Only alerts not closed: open, escalated, pending_review."),
    status: list[str] = typer.Option([], "--status", help="Only these statuses (repeatable): open, escalated, "
                                     "pending_review, true_match, false_positive, delisted."),
    book: Optional[str] = typer.Option(None, "--book", help="Only this book."),
    customer: Optional[str] = typer.Option(None, "--customer", help="Only this customer id."),
    owner: Optional[str] = typer.Option(None, "--owner", help="Only alerts assigned to this user; '-' for unassigned."),
    mine: bool = typer.Option(False, "--mine", help="Only alerts assigned to you (the OS user)."),
    dataset: Optional[str] = typer.Option(None, "--list", help="Only alerts on this list, e.g. us_ofac_sdn."),
    older_than: Optional[float] = typer.Option(None, "--older-than", min=0, help="Only alerts raised at least this "
                                               "many days ago."),
    overdue: bool = typer.Option(False, "--overdue", help="Only open alerts past the policy's SLA (vigil policy show)."),
    oldest_first: bool = typer.Option(False, "--oldest-first", help="Oldest first (work the queue in order)."),
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (full explanations and entity snapshots)."),
) -> None:
    """List alerts, newest first, with their owner and age (⚠ past the SLA).

    Examples:

      vigil alerts --open --oldest-first

      vigil alerts --status pending_review          # the review queue (--mine --overdue: yours, past the SLA)

      vigil alerts --owner - --list us_ofac_sdn --older-than 3
    """
    from vigil.monitor import list_alerts
    from vigil.monitor.cases import os_identity

    try:
        rows, total = list_alerts(_engine().engine, status=status or None, open_only=open_only, book=book,
                                  customer_id=customer, assignee=os_identity() if mine else owner, dataset=dataset,
                                  older_than_days=older_than, overdue=overdue, oldest_first=oldest_first, limit=limit)
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        _json({"total": total, "alerts": [a.to_dict() for a in rows]})
        return
    several_books = len({a.book for a in rows}) > 1
    table = _alerts_table(rows, several_books)
    console.print(table)
    if total > len(rows):
        err_console.print(f"{total - len(rows)} more; use --limit")


def _status_cell(a) -> str:
    """'pending_review (true_match by ana)' / 'open @ben' / '3d 4h ⚠' pieces of the status column."""
    text = a.status
    if a.status == "pending_review" and a.proposed_status:
        text += f" ({a.proposed_status} by {a.proposed_by})"
    if a.assignee:
        text += f" @{a.assignee}"
    return text


def _age_cell(a) -> str:
    return a.age + (" ⚠" if a.overdue else "")


def _alerts_table(rows, several_books: bool) -> Table:
    """One row per alert. Below 120 columns the status goes under the alert id and the list entity under
    the customer, so the explanation keeps room; alert, customer and entity ids and scores are never cut."""
    from rich.text import Text

    from vigil.cli.common import is_wide, key_column

    def customer(a) -> str:
        return f"{a.book}/{a.customer_id}" if several_books else a.customer_id

    def why(a, short: bool = False) -> Text:
        text = a.explanation + (" | entity changed: " + ", ".join(a.diff) if a.diff else "")
        if short:  # the customer's name is in the row already
            text = text.replace(f"({a.customer_name} ~ ", "(~ ")
        return Text(text)

    def also(a) -> str:  # the party's other records: one alert stands for all of them
        others = [r for r in a.referents if r != a.entity_id]
        return ("\n+ " + "\n+ ".join(others)) if others else ""

    table = Table()
    if is_wide():
        key_column(table, "id", [str(a.id) for a in rows], justify="right")
        table.add_column("status", overflow="fold")
        key_column(table, "age", [_age_cell(a) for a in rows], justify="right")
        table.add_column("customer", overflow="fold")
        table.add_column("list entity", overflow="fold")
        key_column(table, "score", ["0.00"], justify="right")
        table.add_column("why", overflow="fold", ratio=2)
        for a in rows:
            table.add_row(str(a.id), Text(_status_cell(a)), _age_cell(a), Text(f"{customer(a)} {a.customer_name}"),
                          Text(f"{a.entity_id} {a.entity_caption}{also(a)}"), format_score(a.score), why(a))
        return table
    key_column(table, "alert", [str(a.id) for a in rows] + [a.status for a in rows] + [_age_cell(a) for a in rows])
    widest = max([len(customer(a)) for a in rows] + [len(a.entity_id) for a in rows], default=0)
    table.add_column("customer → list entity", overflow="fold", min_width=widest, ratio=2)
    key_column(table, "score", ["0.00"], justify="right")
    table.add_column("why", overflow="fold", ratio=3)
    for a in rows:
        pair = Text(customer(a), style="bold")
        pair.append(f" {a.customer_name}\n")
        pair.append(f"→ {a.entity_id}", style="bold")  # the arrow's line may be wider than the min width
        pair.append(f" {a.entity_caption}")
        pair.append(also(a), style="dim")
        owner = f"\n@{a.assignee}" if a.assignee else ""
        table.add_row(Text(f"{a.id}\n{a.status}\n{_age_cell(a)}{owner}"), pair, format_score(a.score), why(a, short=True))
    return table


def decide(
    alert: int = typer.Argument(..., help="Alert id (see `vigil alerts`)."),
    decision: str = typer.Argument(..., help="true-match | false-positive | escalate"),
    reason: str = typer.Option(..., "--reason", help="Why: recorded in the audit log."),
    by: Optional[str] = typer.Option(None, "--by", help="Recorded as 'on behalf of' this name; the acting identity "
                                     "is always your OS user."),
    version: Optional[int] = typer.Option(None, "--version", help="Fail if the alert changed since this version."),
    as_json: bool = typer.Option(False, "--json", help="Print the alert as JSON."),
) -> None:
    """Decide an alert. Under the default four-eyes policy, true-match and false-positive go to pending_review
    until another analyst approves them (`vigil review`); an approved false positive whitelists the pair until
    the list entity or the customer changes.

    Examples:

      vigil decide 4 false-positive --reason "different person: DOB 1980 vs 1957"

      vigil decide 7 escalate --reason "same name and nationality; passport needed"

      vigil decide 9 true-match --reason "passport matches" --by "ana (phone)" --version 2
    """
    from vigil.cli.cases import act, print_alert
    from vigil.monitor import decide as do_decide

    print_alert(act(do_decide, alert, decision, reason, version=version, by=by), as_json)


@audit_app.command("verify", epilog=examples(
    "vigil audit verify",
    "vigil audit verify --checkpoint ~/.vigil/audit-checkpoints.jsonl",
    "vigil audit verify --checkpoint /mnt/worm/cp-2026-12-01.json --checkpoint /mnt/worm/cp-2026-12-07.json "
    "--public-key audit.pub --json"))
def audit_verify(
    checkpoint: list[Path] = typer.Option([], "--checkpoint", help="A published checkpoint file (one JSON object, or "
                                          "JSON lines as VIGIL_AUDIT_CHECKPOINT_FILE holds them); repeatable. Each "
                                          "must be signed by the key and its prefix of the log must be unchanged."),
    public_key: Optional[Path] = typer.Option(None, "--public-key", help="The Ed25519 public key (PEM) the "
                                              "checkpoints must be signed with; default: VIGIL_AUDIT_KEY's .pub file."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check the audit log: the hash chain, the case-work tables against it (decisions and whitelist
    entries), and with --checkpoint the signed checkpoints published outside the database (a truncated tail,
    forged or re-chained rows). Exit 1 and name what is wrong if anything is; exit 2 for unreadable input."""
    from vigil.monitor.audit_links import check_links
    from vigil.service import audit
    from vigil.service.checkpoints import (
        CheckpointError, load_public_key, public_path, read_checkpoints, verify_checkpoints,
    )

    checkpoints = []
    for path in checkpoint:
        try:
            checkpoints += [(f"{path}", cp) for cp in read_checkpoints(path)]
        except ValueError as exc:
            fail(str(exc))
    key_file = public_key or public_path(settings().audit_key_path)
    public = None
    if checkpoints:
        if public_key is None and not key_file.exists():
            key_file = settings().audit_key_path  # the private key file holds the public half too
        try:
            public = load_public_key(key_file)
        except CheckpointError as exc:
            fail(f"{exc}; give the public key with --public-key")
    engine = _engine().engine
    chain = audit.verify(engine)
    links = check_links(engine)
    checks = verify_checkpoints(engine, checkpoints, public) if public is not None else []
    ok = chain.ok and links.ok and all(c.ok for c in checks)
    if as_json:
        _json({"ok": ok, "chain": chain.__dict__, "tables": links.to_dict(),
               "checkpoints": [c.to_dict() for c in checks]})
    else:
        for good, line in [(chain.ok, str(chain)), (links.ok, str(links))] + [(c.ok, str(c)) for c in checks]:
            (console if good else err_console).print(f"[green]✓[/] {line}" if good else f"[bold red]✗[/] {line}",
                                                     highlight=False, soft_wrap=True)
        if not checkpoint:
            console.print("[dim]no --checkpoint given: a rewritten tail or re-chained log is only caught against "
                          "a published checkpoint[/]", highlight=False, soft_wrap=True)
    if not ok:
        raise typer.Exit(1)


@audit_app.command("checkpoint", epilog=examples(
    "vigil audit checkpoint", "vigil audit checkpoint --output /mnt/worm/vigil-$(date +%F).json",
    "VIGIL_AUDIT_CHECKPOINT_CMD='mail -s vigil-checkpoint audit@example.org' vigil audit checkpoint --json"))
def audit_checkpoint(
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write the checkpoint to this file "
                                          "(appended as one JSON line)."),
    as_json: bool = typer.Option(False, "--json", help="Print the checkpoint as JSON."),
) -> None:
    """Sign the audit log's current row count and head hash with the Ed25519 key outside the database
    (VIGIL_AUDIT_KEY, created on first use) and publish it: appended to VIGIL_AUDIT_CHECKPOINT_FILE, fed to
    VIGIL_AUDIT_CHECKPOINT_CMD, and --output. The log is checked first; a broken log is not signed (exit 2).
    vigil also publishes one automatically every VIGIL_AUDIT_CHECKPOINT_ROWS rows or _MINUTES minutes."""
    from vigil.service.checkpoints import CheckpointError, Destinations, make_checkpoint, public_path

    cfg = settings()
    to = Destinations.from_settings(cfg)
    if output is not None:
        to.extra_files.append(output)
    try:
        made = make_checkpoint(_engine().engine, cfg.audit_key_path, to)
    except CheckpointError as exc:
        fail(str(exc))
    if as_json:
        _json({"checkpoint": orjson.loads(made.to_json()), "public_key": str(public_path(cfg.audit_key_path)),
               "published": [str(p) for p in ([to.file] if to.file else []) + to.extra_files]
               + (["command"] if to.command else [])})
        return
    where = ", ".join([str(p) for p in ([to.file] if to.file else []) + to.extra_files]
                      + (["the checkpoint command"] if to.command else []))
    console.print(f"[green]✓[/] checkpoint signed: {made.seq:,} audit rows, head {made.head}, {made.time}, key "
                  f"{made.key_id} ({public_path(cfg.audit_key_path)}); published to {where}",
                  highlight=False, soft_wrap=True)


@audit_app.command("export", epilog=examples("vigil audit export -o audit.jsonl", "vigil audit export | head"))
def audit_export(output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (default stdout).")
                 ) -> None:
    """Write the audit log as JSON lines (all stored fields, so the chain can be re-checked elsewhere)."""
    from vigil.service import audit

    engine = _engine().engine
    if output is None:
        audit.export(sys.stdout, engine)
        return
    tmp = output.with_name(output.name + ".part")
    try:
        count = audit.export(tmp, engine)
        tmp.replace(output)  # nothing half-written under the real name
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"cannot write {output}: {exc}")
    err_console.print(f"{count:,} audit entries written to {output}", highlight=False)


def register(app: typer.Typer) -> None:
    from vigil.cli import cases

    cases.register(app)
    app.add_typer(book_app, name="book")
    app.add_typer(monitor_app, name="monitor")
    app.add_typer(audit_app, name="audit")
    app.command("alerts")(alerts)  # examples in the docstrings
    app.command("decide")(decide)
