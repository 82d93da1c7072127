"""A session-wide Matcher over the real lists (OFAC SDN + consolidated, UN, UK), built once."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from vigil.matching import Matcher
from vigil.sources import parse

LISTS = (
    ("ofac", "ofac_sdn"),
    ("ofac-cons", "ofac_consolidated"),
    ("un", "un/consolidated.xml"),
    ("uk", "uk_ofsi/ConList_from_xlsx.csv"),
)


@pytest.fixture(scope="session")
def list_files(shared_data) -> list[tuple[str, str]]:
    """(source, path) of each list the session Matcher is built on."""
    return [(source, str(shared_data / rel)) for source, rel in LISTS]


@pytest.fixture(scope="session")
def list_entities(list_files):
    entities = []
    for source, path in list_files:
        entities.extend(parse(source, path).entities)
    return entities


@pytest.fixture(scope="session")
def matcher(list_entities) -> Matcher:
    return Matcher(list_entities)


@pytest.fixture
def rerun_in_pure_python(request):
    """Runs the calling test again in a child pytest on the pure-Python matching code
    (VIGIL_PURE_PYTHON=1), for tests that monkeypatch functions the compiled modules call directly."""
    return lambda: _rerun_in_pure_python(request)


def _rerun_in_pure_python(request, timeout: int = 600) -> None:
    env = {**os.environ, "VIGIL_PURE_PYTHON": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", request.node.nodeid]
    done = subprocess.run(cmd, env=env, cwd=request.config.rootpath, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout, done.stdout[-3000:]
