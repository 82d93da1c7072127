"""`vigil bench`: the accuracy and speed report (see docs/bench.md)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from rich.markup import escape

from vigil.cli.common import console, examples, fail


def bench(
    only: Optional[list[str]] = typer.Option(None, "--only", help="Run only this section (repeatable): speed, ingest, alias_holdout, cross_list, "
                                             "name_bench, entity_bench, un_positives, negatives, cross_script, ar2en, parties, relations."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the full report (with error analysis) as JSON."),
    quick: bool = typer.Option(False, "--quick", help="Fixed subsamples for a fast smoke run (figures are indicative)."),
    mirror: Optional[Path] = typer.Option(None, "--mirror", help="Data folder laid out like ../shared/data "
                                          "(default: $VIGIL_SHARED_DATA or ../shared/data). Lists come from the "
                                          "store when ingested, else are parsed from here."),
    no_store: bool = typer.Option(False, "--no-store", help="Parse the lists from --mirror even if the store has lists."),
) -> None:
    """Accuracy and speed on the evaluation sets: vigil next to nomenklatura logic-v2 / logic-v1."""
    from vigil.bench import BenchError, EvalDataError, run_bench

    if json_out is not None and (json_out.is_dir() or not json_out.resolve().parent.is_dir()):
        fail(f"cannot write the JSON report to {json_out}: not a file in an existing folder")
    if only:
        only = [s for item in only for s in item.split(",") if s.strip()]
    try:
        report = run_bench(mirror=mirror, only=only, quick=quick, prefer_store=not no_store)
    except (BenchError, EvalDataError) as exc:
        fail(str(exc))
    meta = report.meta
    title = f"vigil bench{' --quick' if quick else ''} — {meta.get('lists', 'no lists loaded')}"
    # Off a terminal (piped, CI logs) rich would wrap the wide table at 80 columns.
    out = console if console.is_terminal else Console(width=160)
    out.print(report.table(title=title))
    # escape: "pip install -e .[bench]" is text, not rich markup (the [bench] would vanish)
    out.print(escape(f"matching code: {meta.get('matching_code')}; nomenklatura: {meta.get('nomenklatura')}; "
                     f"data: {meta.get('mirror')}"), highlight=False)
    if json_out is not None:
        report.write_json(json_out)
        out.print(f"JSON report written to {json_out}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("bench", epilog=examples("vigil bench", "vigil bench --quick --only speed",
                                         "vigil bench --mirror ../shared/data --json bench.json"))(bench)
