"""`vigil bench` through the CLI: bad options exit 2 with a clear message; a --quick smoke run."""
import json

import pytest
from typer.testing import CliRunner

from vigil.bench import anchors, engine
from vigil.cli.main import app

runner = CliRunner()


def test_unknown_section_is_bad_input(shared_data):
    result = runner.invoke(app, ["bench", "--only", "bogus", "--mirror", str(shared_data)])
    assert result.exit_code == 2
    assert "unknown section" in result.output and "name_bench" in result.output


def test_missing_data_is_bad_input(tmp_path):
    result = runner.invoke(app, ["bench", "--quick", "--mirror", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no evaluation data" in result.output


def test_json_into_missing_folder_is_bad_input(shared_data, tmp_path):
    result = runner.invoke(app, ["bench", "--only", "name_bench", "--json", str(tmp_path / "no" / "x.json")])
    assert result.exit_code == 2
    assert "cannot write" in result.output


@pytest.mark.slow
@pytest.mark.skipif(not engine.available(), reason="vigil.matching.Matcher not built yet")
def test_quick_name_bench_smoke(shared_data, tmp_path, monkeypatch):
    # nomenklatura's first logic-v2 call loads large tables (~30 s); its adapter is tested in test_anchors.
    monkeypatch.setattr(anchors, "available", lambda: False)
    out = tmp_path / "bench.json"
    result = runner.invoke(app, ["bench", "--quick", "--only", "name_bench", "--mirror", str(shared_data),
                                 "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "name_bench" in result.output and "F1 @0.7" in result.output
    data = json.loads(out.read_text())
    f1 = next(r for r in data["rows"] if r["metric"] == "held-out: F1 @0.7")
    assert 0.0 < f1["values"]["vigil"] <= 1.0
    assert f1["passed"] in (True, False)  # the held-out half carries the target ...
    tuning = next(r for r in data["rows"] if r["metric"] == "tuning: F1 @0.7")
    assert tuning["passed"] is None and tuning["target"] is None  # ... the tuning half does not
    halves = data["details"]["name_bench"]
    assert halves["held-out"]["pairs"] + halves["tuning"]["pairs"] == 150
    assert data["details"]["name_bench"]["pairs"] == 150
    assert data["meta"]["quick"] is True
    assert f1["values"]["logic-v2"] == anchors.NOT_INSTALLED
