import json
import math

from rich.console import Console

from vigil.bench.report import Report, Row, fmt_pct


def _render(report: Report) -> str:
    console = Console(width=200, record=True)
    console.print(report.table())
    return console.export_text()


def test_row_pass_fail_uses_the_vigil_value():
    row = Row("negatives", "share", {"vigil": 0.004, "logic-v2": "n/a"}, fmt=fmt_pct, target="≤ 1%",
              check=lambda v: v <= 0.01)
    assert row.passed is True
    assert row.cell("vigil") == "0.40%" and row.cell("logic-v2") == "n/a" and row.cell("logic-v1") == "n/a"
    row.values["vigil"] = 0.02
    assert row.passed is False


def test_row_without_a_number_has_no_status():
    assert Row("s", "m", {"vigil": "vigil.matching missing"}, check=lambda v: v > 0).passed is None
    assert Row("s", "m", {"vigil": math.nan}, check=lambda v: v > 0).passed is None


def test_table_and_json(tmp_path):
    report = Report(meta={"quick": True})
    report.rows.append(Row("name_bench", "F1 @0.7", {"vigil": 0.93, "logic-v2": 0.796, "logic-v1": 0.7},
                           target="≥ 0.90", check=lambda v: v >= 0.9))
    report.errors["ar2en"] = "EngineMissing: no Matcher"
    text = _render(report)
    assert "0.930" in text and "0.796" in text and "PASS" in text and "not run" in text
    out = tmp_path / "bench.json"
    report.write_json(out)
    data = json.loads(out.read_text())
    assert data["rows"][0]["values"]["logic-v2"] == 0.796
    assert data["rows"][0]["passed"] is True
    assert data["errors"] == {"ar2en": "EngineMissing: no Matcher"}
    assert not (tmp_path / "bench.json.tmp").exists()
