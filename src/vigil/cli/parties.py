"""`vigil parties resolve | show | review | accept | reject`: cross-list parties and their review queue."""
from __future__ import annotations

from typing import Any, Optional

import typer
from rich.table import Table

from vigil.cli.common import (
    console, err_console, examples, fail, index_matcher, is_wide, key_column, open_store, print_json,
)
from vigil.service.keys import default_actor

parties_app = typer.Typer(
    help="Parties: which records of the OFAC, UN, UK and EU lists are one party (docs/parties.md).",
    no_args_is_help=True, rich_markup_mode="rich")


def _parties():
    from vigil.parties import Parties

    store = open_store()
    if not any(d.entity_count for d in store.datasets()):
        fail("no lists loaded yet: run `vigil update --mirror ../shared/data` (or `vigil ingest SOURCE PATH`) first")
    return Parties(store)


@parties_app.command("resolve", epilog=examples(
    "vigil parties resolve            # after `vigil update`: screens only records that changed",
    "vigil parties resolve --full     # screen every record again (e.g. after upgrading vigil)",
    "vigil parties resolve --json"))
def resolve(
    full: bool = typer.Option(False, "--full", help="Screen every record again, not only new and changed ones."),
    as_json: bool = typer.Option(False, "--json", help="Print the resolve report as JSON."),
) -> None:
    """Recompute the parties from the current lists (also done after every `vigil update` / `vigil ingest`)."""
    parties = _parties()
    report = parties.resolve(index_matcher(parties.store), full=full, actor=default_actor())
    if as_json:
        print_json(report.to_dict())
        return
    console.print(describe(report), highlight=False, soft_wrap=True)


def describe(report) -> str:
    links = ", ".join(f"{n:,} {stage}" for stage, n in sorted(report.links.items())) or "none"
    unresolved = sum(len(v) for v in report.unresolved_references.values())
    return (f"parties: {report.records:,} records -> {report.parties:,} parties ({report.multi_record_parties:,} on "
            f"several lists); links: {links}; {report.review_pending:,} pairs to review; {len(report.conflicts):,} "
            f"conflicting links refused; {unresolved} list references to no current record; ids: "
            f"{report.kept:,} kept, {report.created:,} new, {report.retired:,} retired; {report.screened:,} records "
            f"screened in {report.seconds.get('total', 0):.1f}s")


@parties_app.command("show", epilog=examples(
    "vigil parties show ofac-6366          # the party of a record: al-Qa'ida on OFAC, UN and UK",
    "vigil parties show vp-4ydpq2mvxg      # a party id (a retired id shows its successor)",
    "vigil parties show unsc-IRi.039 --json"))
def show(
    any_id: str = typer.Argument(..., metavar="ID", help="A party id (vp-...) or a list record id (ofac-10481)."),
    as_json: bool = typer.Option(False, "--json", help="Print the party as JSON (merged entity, provenance, links)."),
) -> None:
    """One party: its records on each list (programmes, listing dates), merged names and facts with the
    lists that state them, the links that join the records, and pairs waiting for review."""
    parties = _parties()
    party = parties.party(any_id.strip())
    if party is None:
        hint = " (run `vigil parties resolve` first)" if not parties.map() else ""
        fail(f"no party or list record {any_id!r}{hint}")
    pending = parties.review_queue(record_ids=party.members)
    decided = parties.decisions(record_ids=party.members)
    if as_json:
        print_json({**party.to_dict(), "pending_reviews": [i.to_dict() for i in pending],
               "decisions": [i.to_dict() for i in decided]})
        return
    console.print(f"[bold]{party.id}[/] {party.entity.caption} ({party.entity.schema.name}) — on "
                  f"{', '.join(party.datasets)}", highlight=False, soft_wrap=True)
    table = Table(header_style="bold", title="records")
    key_column(table, "record", [l.record_id for l in party.listings])
    for column in ("lists", "name", "programmes", "listed on"):
        table.add_column(column)
    for l in party.listings:
        table.add_row(l.record_id, ", ".join(l.datasets), l.caption, "; ".join(l.programs), l.listed_on or "")
    console.print(table)
    facts = Table(header_style="bold", title="names and facts (which record states each)")
    facts.add_column("property")
    facts.add_column("value")
    facts.add_column("stated by")
    for prop in ("name", "alias", "weakAlias", "previousName", "birthDate", "nationality", "passportNumber",
                 "idNumber", "registrationNumber", "imoNumber"):
        for value, who in party.provenance.get(prop, {}).items():
            facts.add_row(prop, value, ", ".join(who))
    console.print(facts)
    for link in party.links:
        detail = (link.evidence.get("name") or {}).get("detail") or link.evidence.get("identifier") or \
            link.evidence.get("reason") or (f"{link.evidence.get('stated_by')} names {link.evidence.get('referent')}"
                                            if link.stage == "reference" else "")
        score = f" {link.score:.2f}" if link.score is not None else ""
        console.print(f"link {link.a} — {link.b}: {link.stage}{score} {detail}", highlight=False, soft_wrap=True)
    for item in decided:
        console.print(f"[dim]decided[/] {item.a} — {item.b}: {item.status} by {item.decided_by}: {item.reason}",
                      highlight=False, soft_wrap=True)
    for item in pending:
        console.print(f"[yellow]to review[/] {item.a} — {item.b} ({item.strength:.2f}): {item.why}",
                      highlight=False, soft_wrap=True)


@parties_app.command("review", epilog=examples(
    "vigil parties review                  # the queue, strongest pairs first",
    "vigil parties review --limit 10 --json"))
def review_queue(
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many pairs."),
    as_json: bool = typer.Option(False, "--json", help="Print the queue as JSON."),
) -> None:
    """Pairs the resolver would not decide alone (near the threshold, or one record matching two records
    of one list): decide each with `vigil parties accept|reject A B --reason ...`."""
    parties = _parties()
    items = parties.review_queue(limit=limit)
    if as_json:
        print_json([i.to_dict() for i in items])
        return
    if not items:
        console.print("nothing to review", highlight=False)
        return
    wide = is_wide()
    table = Table(header_style="bold")
    key_column(table, "record A", [i.a for i in items])
    key_column(table, "record B", [i.b for i in items])
    table.add_column("strength", justify="right")
    if wide:
        table.add_column("names compared")
    table.add_column("why")
    for i in items:
        name = i.evidence.get("name") or {}
        names = [f"{name.get('query', '')} / {name.get('candidate', '')}"] if wide else []
        table.add_row(i.a, i.b, f"{i.strength:.2f}" if i.strength is not None else "", *names, i.why or "")
    console.print(table)


def _decide(decision: str, a: str, b: str, reason: str, by: Optional[str], as_json: bool) -> None:
    from vigil.parties import ReviewError

    parties = _parties()
    try:
        item = parties.decide((a, b), decision, actor=default_actor(), reason=reason, resolve=False, on_behalf_of=by)
    except ReviewError as exc:
        fail(str(exc))
    report = parties.resolve(index_matcher(parties.store), actor=default_actor())
    if as_json:
        print_json({"decision": item.to_dict(), "party_a": parties.party_of(item.a), "party_b": parties.party_of(item.b),
               "resolve": report.to_dict()})
        return
    pa, pb = parties.party_of(item.a), parties.party_of(item.b)
    where = f"one party {pa}" if pa == pb else f"parties {pa} and {pb}"
    console.print(f"{item.a} — {item.b}: {item.status} by {item.decided_by}; now in {where}", highlight=False)
    if decision == "accept" and pa != pb:
        err_console.print("[yellow]warning:[/] the accepted pair could not be joined: "
                          + next((c["why"] for c in report.conflicts if {c["a"], c["b"]} == {item.a, item.b}),
                                 "see `vigil parties resolve --json`"), highlight=False)


DECIDE_ARGS = dict(
    a=typer.Argument(..., metavar="A", help="A list record id, e.g. ofac-6366."),
    b=typer.Argument(..., metavar="B", help="A record of another list, e.g. unsc-QDe.004."),
)


@parties_app.command("accept", epilog=examples(
    "vigil parties accept ofac-6366 unsc-QDe.004 --reason \"same aliases, same founder\"",
    "vigil parties accept gb-hmt-11784 unsc-IRi.026 --reason \"same DOB and position\""))
def accept(
    a: str = DECIDE_ARGS["a"], b: str = DECIDE_ARGS["b"],
    reason: str = typer.Option(..., "--reason", help="Why: recorded in the audit log."),
    by: Optional[str] = typer.Option(None, "--by", help="Recorded as an 'on behalf of' note; the decision is always yours (your OS account)."),
    as_json: bool = typer.Option(False, "--json", help="Print the decision and the parties as JSON."),
) -> None:
    """Link two records of different lists as one party (ahead of every automatic link; audited;
    kept across list updates)."""
    _decide("accept", a, b, reason, by, as_json)


@parties_app.command("reject", epilog=examples(
    "vigil parties reject ofac-6366 unsc-QDe.003 --reason \"Egyptian Islamic Jihad is a separate group\"",
    "vigil parties reject ofac-12111 gb-hmt-13742 --reason \"the directorate is a sub-unit of MOIS\""))
def reject(
    a: str = DECIDE_ARGS["a"], b: str = DECIDE_ARGS["b"],
    reason: str = typer.Option(..., "--reason", help="Why: recorded in the audit log."),
    by: Optional[str] = typer.Option(None, "--by", help="Recorded as an 'on behalf of' note; the decision is always yours (your OS account)."),
    as_json: bool = typer.Option(False, "--json", help="Print the decision and the parties as JSON."),
) -> None:
    """Keep two records apart for good: never in one party, not even through other records (audited;
    kept across list updates)."""
    _decide("reject", a, b, reason, by, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(parties_app, name="parties")
