"""Case-work commands: `vigil review`, `vigil reopen`, `vigil assign`, `vigil history`, `vigil policy show|set`
(`vigil alerts` and `vigil decide` live with the monitoring commands and use `act()` from here).

The acting identity on the CLI is the OS account running it (its real user id, not $USER). `--by NAME` is only
recorded as "on behalf of NAME": it never changes who acted, so nobody can approve their own proposal by typing
another name. Whoever can open the database (SQLite file, PostgreSQL role) can change the policy: keep that
access to the people who administer vigil (`policy.changed` is audited with the OS user).
"""
from __future__ import annotations

from typing import Optional

import typer

from vigil.cli.common import console, err_console, fail, open_store

policy_app = typer.Typer(help="The four-eyes and SLA policy of case work.", no_args_is_help=True)


def act(fn, alert: int, *args, version: int | None = None, by: str | None = None, **kwargs):
    """Run a case-work step as the OS user; errors as one line and exit 2 (four-eyes, conflicts, bad input)."""
    from vigil.monitor import AlertNotFound, DecisionConflict, DecisionError, FourEyesError
    from vigil.monitor.cases import os_identity

    store = open_store()
    if version is not None:
        kwargs["expected_version"] = version
    try:
        return fn(store.engine, alert, *args, os_identity(), on_behalf_of=by, **kwargs)
    except FourEyesError as exc:
        fail(str(exc))
    except (AlertNotFound, DecisionError) as exc:
        fail(str(exc))
    except DecisionConflict as exc:
        fail(f"conflict: {exc}")


def print_alert(result, as_json: bool) -> None:
    if as_json:
        from vigil.cli.monitor import _json

        _json(result.to_dict())
        return
    if result.status == "pending_review":
        text = (f"alert {result.id}: pending_review — {result.proposed_status} proposed by {result.proposed_by}; "
                f"another analyst approves it: vigil review {result.id} approve")
    elif result.status in ("true_match", "false_positive"):
        extra = " (pair whitelisted)" if result.status == "false_positive" else ""
        reviewed = f", approved by {result.reviewed_by}" if result.reviewed_by else ""
        text = f"alert {result.id}: {result.status} by {result.decided_by}{reviewed}{extra}"
    else:
        owner = f", assigned to {result.assignee}" if result.assignee else ""
        text = f"alert {result.id}: {result.status}{owner}"
    console.print(text, highlight=False)


def review(
    alert: int = typer.Argument(..., help="Alert id (see `vigil alerts --status pending_review`)."),
    action: str = typer.Argument(..., help="approve | send-back"),
    reason: Optional[str] = typer.Option(None, "--reason", help="Why (required to send back)."),
    by: Optional[str] = typer.Option(None, "--by", help="Recorded as 'on behalf of' this name."),
    version: Optional[int] = typer.Option(None, "--version", help="Fail if the alert changed since this version."),
    as_json: bool = typer.Option(False, "--json", help="Print the alert as JSON."),
) -> None:
    """Second pair of eyes: approve a pending true-match / false-positive (it takes effect; a false positive
    whitelists the pair) or send it back to the queue with a reason. You cannot review your own proposal.

    Examples:

      vigil review 4 approve

      vigil review 4 approve --reason "agree: DOB and nationality differ"

      vigil review 9 send-back --reason "check the passport number first"
    """
    from vigil.monitor import review as do_review

    print_alert(act(do_review, alert, action, reason, version=version, by=by), as_json)


def reopen(
    alert: int = typer.Argument(..., help="Alert id of a true_match or false_positive."),
    reason: str = typer.Option(..., "--reason", help="Why it is reopened: recorded in the audit log."),
    by: Optional[str] = typer.Option(None, "--by", help="Recorded as 'on behalf of' this name."),
    version: Optional[int] = typer.Option(None, "--version", help="Fail if the alert changed since this version."),
    as_json: bool = typer.Option(False, "--json", help="Print the alert as JSON."),
) -> None:
    """Reopen a closed alert. A false positive's whitelist entry is removed, so the pair alerts again.

    Examples:

      vigil reopen 4 --reason "whitelisted by mistake: the customer's passport is on the UN entry"

      vigil reopen 12 --reason "regulator asked for a second look" --version 3
    """
    from vigil.monitor import reopen as do_reopen

    print_alert(act(do_reopen, alert, reason, version=version, by=by), as_json)


def assign(
    alert: int = typer.Argument(..., help="Alert id."),
    user: Optional[str] = typer.Argument(None, help="Who owns it (default: you)."),
    unassign: bool = typer.Option(False, "--unassign", help="Remove the owner."),
    by: Optional[str] = typer.Option(None, "--by", help="Recorded as 'on behalf of' this name."),
    as_json: bool = typer.Option(False, "--json", help="Print the alert as JSON."),
) -> None:
    """Assign an open alert to an analyst (or take it yourself), or unassign it.

    Examples:

      vigil assign 4                # take it

      vigil assign 4 ben

      vigil assign 4 --unassign
    """
    from vigil.monitor import assign as do_assign
    from vigil.monitor.cases import os_identity

    if unassign and user:
        fail("give a user or --unassign, not both")
    owner = None if unassign else (user or os_identity())
    print_alert(act(do_assign, alert, owner, by=by), as_json)


def history(
    alert: int = typer.Argument(..., help="Alert id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every case-work step on an alert, oldest first, with the audit row that records it.

    Examples:

      vigil history 4

      vigil history 4 --json
    """
    from rich.table import Table

    from vigil.monitor import AlertNotFound, get_alert
    from vigil.monitor.cases import describe_step
    from vigil.monitor.cases import history as steps_of

    engine = open_store().engine
    try:
        get_alert(engine, alert)
    except AlertNotFound as exc:
        fail(str(exc))
    steps = steps_of(engine, alert)
    if as_json:
        from vigil.cli.monitor import _json

        _json(steps)
        return
    from vigil.cli.common import key_column

    rows = [(s["at"][:16].replace("T", " ") + (f"\naudit #{s['audit_seq']}" if s.get("audit_seq") else ""),
             s["by"] + (f" (for {s['on_behalf_of']})" if s.get("on_behalf_of") else ""), describe_step(s), s["reason"])
            for s in steps]
    table = Table()
    key_column(table, "when", ["2026-01-01 00:00"])  # whole, never cut; the other columns fold
    table.add_column("who", overflow="fold", min_width=8)
    table.add_column("step", overflow="fold", min_width=12)
    table.add_column("reason", overflow="fold", min_width=12, ratio=1)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if not steps:
        err_console.print(f"no case work on alert {alert} yet")


@policy_app.command("show")
def policy_show(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The current policy: which closing decisions need a second analyst, and the SLA in days.

    Examples:

      vigil policy show

      vigil policy show --json
    """
    from vigil.monitor import get_policy

    policy = get_policy(open_store().engine)
    if as_json:
        from vigil.cli.monitor import _json

        _json(policy.to_dict())
        return
    for key, value in policy.to_dict().items():
        console.print(f"{key} = {str(value).lower() if isinstance(value, bool) else value}", highlight=False)


@policy_app.command("set")
def policy_set(
    changes: list[str] = typer.Argument(..., help="KEY=VALUE: review_false_positive, review_true_match "
                                        "(true/false), sla_days (number)."),
) -> None:
    """Change the policy (audited as policy.changed with the values before and after, by your OS user).

    Examples:

      vigil policy set sla_days=3

      vigil policy set review_true_match=false

      vigil policy set review_false_positive=true review_true_match=true
    """
    from vigil.monitor import PolicyError, set_policy
    from vigil.monitor.cases import os_identity
    from vigil.monitor.policy import parse_value

    values = {}
    try:
        for item in changes:
            key, sep, text = item.partition("=")
            if not sep:
                raise PolicyError(f"expected KEY=VALUE, got {item!r}")
            values[key.strip()] = parse_value(key.strip(), text)
        policy = set_policy(open_store().engine, values, os_identity())
    except PolicyError as exc:
        fail(str(exc))
    console.print("policy: " + ", ".join(f"{k}={v}" for k, v in policy.to_dict().items()), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("review")(review)
    app.command("reopen")(reopen)
    app.command("assign")(assign)
    app.command("history")(history)
    app.add_typer(policy_app, name="policy")
