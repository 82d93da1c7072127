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


def test_unknown_model_exits_2_also_without_ner(tmp_path):
    # --no-ner still needs the model (its parser classifies the context): the error comes up front.
    article = tmp_path / "a.txt"
    article.write_text("Treasury sanctioned the Islamic Revolutionary Guard Corps on Monday.")
    runner = CliRunner()
    for extra in ([], ["--no-ner"]):
        result = runner.invoke(app, ["scan", str(article), "--model", "no_such_spacy_model", *extra])
        assert result.exit_code == 2, result.output
        assert "no_such_spacy_model" in result.output and "not installed" in result.output
