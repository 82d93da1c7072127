"""Every command's --help has real examples, and every command the README shows is one (as sqlite-utils'
docs test does): the help and the README cannot drift apart silently."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import typer
from typer.testing import CliRunner

from vigil.cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"


def commands() -> dict[str, click.Command]:
    """Every leaf command by its full name ("screen", "book import" ...)."""
    out: dict[str, click.Command] = {}

    def walk(group: click.Group, prefix: str) -> None:
        for name, command in group.commands.items():
            full = f"{prefix}{name}"
            if hasattr(command, "commands"):  # a group (typer builds its own group classes)
                walk(command, full + " ")
            else:
                out[full] = command

    walk(typer.main.get_command(app), "")
    return out


def help_text(*args: str) -> str:
    r = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    return r.stdout


def examples_in(text: str) -> list[str]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().strip("│ ") in ("Examples", "Examples:")), None)
    found = [line.strip().strip("│").strip() for line in lines[start + 1:]] if start is not None else []
    return [line for line in found if line.startswith("vigil ")]


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_one_to_three_examples_of_itself(name):
    found = examples_in(help_text(*name.split()))
    assert 1 <= len(found) <= 3, f"`vigil {name} --help` needs 1-3 examples, has {found}"
    assert all(line.startswith(f"vigil {name}") for line in found), found


def test_readme_commands_exist_and_are_in_the_help():
    """Each `vigil ...` line in the README names a real command (and its options exist)."""
    known = commands()
    shown = re.findall(r"^(vigil [^#\n]+?)\s*(?:#.*)?$", README.read_text(encoding="utf-8"), flags=re.M)
    shown = [s for s in shown if not s.startswith("vigil --")]
    assert len(shown) >= 15
    missing = []
    for line in shown:
        words = line.split()[1:]
        name = next((n for n in sorted(known, key=len, reverse=True) if words[:len(n.split())] == n.split()), None)
        if name is None:
            missing.append(line)
            continue
        options = {o for p in known[name].params for o in (*p.opts, *p.secondary_opts)}
        missing += [f"{line}: {w}" for w in words if w.startswith("--") and w.split("=")[0] not in options]
    assert missing == []
    in_readme = {n for n in known for line in shown if line.split()[1:1 + len(n.split())] == n.split()}
    top = set(typer.main.get_command(app).commands)
    assert {n.split()[0] for n in in_readme} == top, "commands the README does not show"


def test_flags_show_as_flags():
    text = help_text("screen")
    assert re.search(r"--json\s+Print one /match", text), text
    assert "<bool>" not in text
    assert "<float range>" in text or "float range" in text  # other options keep their type


def test_examples_keep_brackets():
    """Examples are text, not rich markup: `pip install -e .[bench]`-style brackets survive."""
    from vigil.cli.common import examples

    assert "[bench]" in examples('vigil bench  # needs pip install -e ".[bench]"').replace("\\[", "[")
