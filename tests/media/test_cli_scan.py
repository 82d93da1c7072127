from __future__ import annotations

from typer.testing import CliRunner

from vigil.cli.main import app


def test_bad_inputs_exit_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "b.html"
    binary.write_bytes(b"\x00\x01" * 100)
    runner = CliRunner()
    for path in (empty, binary, tmp_path / "missing.txt"):
        result = runner.invoke(app, ["scan", str(path)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
