"""Monitoring tables on narrow terminals: ids and scores whole, the explanation given room."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from vigil.cli.monitor import _alerts_table
from vigil.monitor.alerts import Alert
from vigil.matching.display import format_score


def _alert(i: int, status: str, entity_id: str, caption: str, score: float) -> Alert:
    return Alert(
        id=i, book="retail", customer_id=f"CUST-2024-{i:05d}", customer_name="Qasem Soleimani",
        entity_id=entity_id, entity_caption=caption, datasets=["un_sc_sanctions"], score=score,
        explanation=f"name {score:.2f} (Qasem Soleimani ~ {caption}); country matches (ir ~ ir)",
        status=status, version=1, reason="", created_at="2026-01-01T00:00:00", updated_at="2026-01-01T00:00:00",
    )


ALERTS = [
    _alert(1204, "escalated", "unsc-IRi.039", "QASEM SOLEIMANI", 1.0),
    _alert(7, "false_positive", "gb-hmt-15599", "Gholamreza SOLEIMANI", 0.71),
    _alert(31, "open", "ofac-10481", "SOLEIMANI, Qasem", 0.98),
]


def render(width: int) -> str:
    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None).print(_alerts_table(ALERTS, several_books=False))
    return buf.getvalue()


@pytest.mark.parametrize("width", [80, 100, 160])
def test_alerts_table_keeps_ids_and_scores_whole(monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))  # what the layout choice reads
    out = render(width)
    assert all(len(line) <= width for line in out.splitlines())
    assert "…" not in out
    words = out.replace("│", " ").split()
    for a in ALERTS:
        assert str(a.id) in words and a.entity_id in words and a.customer_id in words and format_score(a.score) in words
        assert a.status in words


def test_alerts_table_narrow_folds_columns_and_drops_the_repeated_name(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = render(80)
    header = next(line for line in out.splitlines() if line.startswith("┃"))
    assert [c.strip() for c in header.split("┃")[1:-1]] == ["alert", "customer → list entity", "score", "why"]
    why = " ".join(line.split("│")[4].strip() for line in out.splitlines() if line.startswith("│"))
    assert "name 1.00 (~ QASEM SOLEIMANI); country matches" in why  # the customer's name is in its own cell
    assert "Qasem Soleimani ~" not in why
