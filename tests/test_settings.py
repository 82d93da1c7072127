"""Settings: every environment variable read in one place, one boolean parser, one documented table."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from vigil.settings import ENV_VARS, Settings, SettingsError, parse_bool

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_live_under_vigil_home(tmp_path):
    s = Settings.from_env({"VIGIL_HOME": str(tmp_path / "h")})
    assert s.home == tmp_path / "h"
    assert s.database_url == f"sqlite:///{tmp_path / 'h' / 'vigil.db'}" == s.default_database_url
    assert s.cache_dir == tmp_path / "h" / "cache"
    assert (s.require_auth, s.reuseport, s.pure_python, s.match_prune) == (False, True, False, True)
    assert s.reload_interval == 30.0


@pytest.mark.parametrize("text,value", [("1", True), ("TRUE", True), (" yes ", True), ("on", True),
                                        ("0", False), ("false", False), ("No", False), ("off", False)])
def test_one_boolean_parser(text, value):
    assert parse_bool("X", text, default=not value) is value
    assert Settings.from_env({"VIGIL_REQUIRE_AUTH": text}).require_auth is value


def test_unset_or_empty_boolean_is_the_default():
    assert parse_bool("X", None, default=True) is True
    assert parse_bool("X", "", default=True) is True


@pytest.mark.parametrize("env,message", [
    ({"VIGIL_REQUIRE_AUTH": "maybe"}, "VIGIL_REQUIRE_AUTH='maybe' is not a boolean"),
    ({"VIGIL_RELOAD_INTERVAL": "soon"}, "is not a number"),
    ({"VIGIL_RELOAD_INTERVAL": "nan"}, "must be a finite number"),
    ({"VIGIL_RELOAD_INTERVAL": "-5"}, "must be a finite number >= 0"),
])
def test_bad_values_are_one_clear_error(env, message):
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(env)


def test_home_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(SettingsError, match="is not a directory"):
        Settings.from_env({"VIGIL_HOME": str(f)})


def test_home_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    s = Settings.from_env({"VIGIL_HOME": str(blocker / "sub")})
    with pytest.raises(SettingsError, match="cannot be created"):
        s.ensure_home()


def test_to_env_round_trips(tmp_path):
    s = Settings.from_env({"VIGIL_HOME": str(tmp_path), "VIGIL_REQUIRE_AUTH": "yes", "VIGIL_NOTIFY_CMD": "cat"})
    assert Settings.from_env(s.to_env()) == s


def test_environment_is_read_only_in_settings():
    offenders = []
    for path in (ROOT / "src" / "vigil").rglob("*.py"):
        if path.name == "settings.py":
            continue
        text = path.read_text()
        # reads only: handing settings to a child process (`os.environ.update(settings.to_env())`) is allowed
        if re.search(r"os\.environ\.get|os\.getenv|os\.environ\[[^]]+\](?!\s*=[^=])|in os\.environ", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_docs_table_lists_every_variable():
    doc = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `(VIGIL_[A-Z_]+)` \|", doc, flags=re.M))
    assert documented == set(ENV_VARS)
