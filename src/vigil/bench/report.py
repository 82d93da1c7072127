"""The benchmark report: rows of (section, metric, one value per algorithm, target, PASS/FAIL), as a rich table or JSON."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from rich.markup import escape
from rich.table import Table


COLUMNS = ("vigil", "logic-v2", "logic-v1")
NOT_COMPARABLE = "n/a"


def fmt_ratio(value: float) -> str:
    return f"{value:.3f}"


def fmt_pct(value: float) -> str:
    return f"{value * 100:.2f}%"


@dataclass
class Row:
    section: str
    metric: str
    values: dict[str, Any]  # column -> number, or a string ("n/a", "not installed …")
    fmt: Callable[[float], str] = fmt_ratio
    target: str = ""
    check: Callable[[float], bool] | None = None  # applied to the vigil value
    note: str = ""

    @property
    def passed(self) -> bool | None:
        value = self.values.get("vigil")
        if self.check is None or not isinstance(value, (int, float)) or math.isnan(value):
            return None
        return bool(self.check(value))

    def cell(self, column: str) -> str:
        value = self.values.get(column, NOT_COMPARABLE)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, float) and math.isnan(value):
            return "–"
        return self.fmt(value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section, "metric": self.metric,
            "values": {c: self.values.get(c, NOT_COMPARABLE) for c in COLUMNS},
            "display": {c: self.cell(c) for c in COLUMNS},
            "target": self.target or None, "passed": self.passed, "note": self.note or None,
        }


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # lists loaded, versions, quick, timings
    details: dict[str, Any] = field(default_factory=dict)  # per section: failures / examples for analysis
    errors: dict[str, str] = field(default_factory=dict)  # section -> why it could not run

    def table(self, title: str = "vigil bench") -> Table:
        table = Table(title=title, show_lines=False, header_style="bold")
        table.add_column("section")
        table.add_column("metric")
        for column in COLUMNS:
            table.add_column(column, justify="right", style="cyan" if column == "vigil" else None,
                             max_width=18 if column != "vigil" else None)
        table.add_column("target", justify="right")
        table.add_column("status", justify="center")
        previous = None
        for row in self.rows:
            status = {True: "[green]PASS[/]", False: "[bold red]FAIL[/]", None: ""}[row.passed]
            section = row.section if row.section != previous else ""
            previous = row.section
            # cells are text, not markup: "not installed (pip install -e .[bench])" keeps its [bench]
            table.add_row(section, escape(row.metric) + (f" [dim]({escape(row.note)})[/]" if row.note else ""),
                          *(escape(str(row.cell(c))) for c in COLUMNS), escape(str(row.target)), status)
        for section, message in self.errors.items():
            table.add_row(section, f"[red]not run: {escape(message)}[/]", *("" for _ in COLUMNS), "", "")
        return table

    def to_dict(self) -> dict[str, Any]:
        return {"meta": self.meta, "rows": [r.to_dict() for r in self.rows], "errors": self.errors,
                "details": self.details}

    def write_json(self, path: Path) -> None:
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        tmp.replace(path)  # nothing half-written

