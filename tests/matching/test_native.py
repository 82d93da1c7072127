"""The compiled matching code (mypyc, built by setup.py) gives exactly the pure-Python results, and
stale or unwanted compiled modules are not used."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vigil.bench.evalsets import load_negatives, load_un_pairs
from vigil.bench.queries import person_entity
from vigil.matching import native

compiled_only = pytest.mark.skipif(
    native.MODE != "compiled", reason=f"matching code runs as pure Python here: {native.REASON}")

ODD_QUERIES = [
    ("Person", "قاسم سلیمانی"), ("Person", "Mahmood Alavi"), ("Person", "محمود علوی"), ("Person", "Александр Петров"),
    ("Person", "عبد الله"), ("Person", "Nikolai Patr ushev"), ("Person", "金正恩"), ("Person", "J. Smith"),
    ("Organization", "Ministry of Intelligence and Security of Iran"), ("Organization", "VEVAK"),
    ("Organization", "Deutsche Bank (Schweiz) AG"), ("Organization", "IRGC"), ("Vessel", "Snow Storm 2"),
]

# Runs in the child process: the same queries on the pure-Python code, results as JSON.
CHILD = """
import json, sys
from vigil.matching import Matcher, native
from vigil.sources import parse
assert native.MODE == "pure Python", native.MODE
lists, queries = json.load(open(sys.argv[1]))
entities = [e for source, path in lists for e in parse(source, path).entities]
matcher = Matcher(entities)
json.dump([[r.to_dict() for r in matcher.match(q, limit=10).results] for q in queries], open(sys.argv[2], "w"))
"""


def _queries(shared_data) -> list[dict]:
    negatives = load_negatives(shared_data)
    un = load_un_pairs(shared_data)
    out = [person_entity(r) for r in negatives[:150] + [t for t, _ in un[:150]]]
    out += [person_entity(r, with_details=False) for r in negatives[500:550] + [u for _, u in un[400:450]]]
    return [e.to_dict() for e in out] + [{"schema": s, "properties": {"name": [n]}} for s, n in ODD_QUERIES]


@compiled_only
def test_compiled_and_pure_python_give_the_same_results(matcher, list_files, shared_data, tmp_path):
    queries = _queries(shared_data)
    spec = tmp_path / "in.json"
    spec.write_text(json.dumps([list_files, queries]))
    out = tmp_path / "out.json"
    env = {**os.environ, "VIGIL_PURE_PYTHON": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(spec), str(out)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    pure = json.loads(out.read_text())
    compiled = [[r.to_dict() for r in matcher.match(q, limit=10).results] for q in queries]
    compiled = json.loads(json.dumps(compiled))  # the same float and key rendering as the child's
    assert sum(len(r) for r in compiled) > 200  # results to compare
    assert [i for i, (a, b) in enumerate(zip(pure, compiled)) if a != b] == []


def _copy_of_the_package(tmp_path: Path) -> Path:
    """vigil and its compiled matching modules, copied."""
    root = tmp_path / "site"
    src = Path(native.__file__).parents[1]
    shutil.copytree(src, root / "vigil", ignore=shutil.ignore_patterns("__pycache__"))
    group = importlib.util.find_spec("vigil_matching__mypyc")
    assert group is not None and group.origin
    shutil.copy2(group.origin, root)
    return root


def _mode(root: Path, **env: str) -> subprocess.CompletedProcess:
    code = ("import vigil.matching as m, vigil.matching.scoring as s; "
            "print(m.native.MODE, '|', s.__file__.rsplit('/', 1)[1])")
    environ = {k: v for k, v in os.environ.items() if k != "VIGIL_PURE_PYTHON"}
    return subprocess.run([sys.executable, "-c", code], env={**environ, "PYTHONPATH": str(root), **env},
                          capture_output=True, text=True, timeout=120)


@compiled_only
def test_an_edited_source_runs_pure_python_and_says_so(tmp_path):
    root = _copy_of_the_package(tmp_path)
    fresh = _mode(root)
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout.startswith("compiled |") and ".so" in fresh.stdout and not fresh.stderr

    asked = _mode(root, VIGIL_PURE_PYTHON="1")
    assert asked.stdout.strip() == "pure Python | scoring.py" and not asked.stderr

    # A newer timestamp alone is no edit (installing a wheel gives files arbitrary times).
    edited = root / "vigil" / "matching" / "bounds.py"
    os.utime(edited, (edited.stat().st_atime + 3600, edited.stat().st_mtime + 3600))
    assert _mode(root).stdout.startswith("compiled |")

    edited.write_text(edited.read_text() + "\n# an edit\n")
    stale = _mode(root)
    assert stale.stdout.strip() == "pure Python | scoring.py"  # all of them from source, not only bounds
    assert "bounds.py changed since the code was compiled" in stale.stderr and "pip install -e ." in stale.stderr

    # Compiled modules without the build's record of their sources are not trusted either.
    (root / "vigil" / "matching" / "native_build.json").unlink()
    unknown = _mode(root)
    assert unknown.stdout.strip() == "pure Python | scoring.py" and "no record of what was compiled" in unknown.stderr


@pytest.mark.skipif(not os.environ.get("CI"), reason="only CI insists on the compiled build")
def test_ci_runs_the_compiled_code():
    # setup.py installs pure Python rather than fail when mypyc cannot compile (a type error in a
    # compiled module, no C compiler): CI must notice, as the speed targets assume compiled code.
    assert native.MODE == "compiled", native.REASON
