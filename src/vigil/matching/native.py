"""Compiled or pure Python: which matching code this process runs.

`setup.py` compiles the modules in NATIVE with mypyc, next to their sources (in place, for an
editable install), and records each source's SHA-256 in `native_build.json`. Python loads a compiled
module even after its `.py` changed, so an edit would silently not count. `select()` runs before
any of them is imported (from the package's `__init__`) and loads all of them from source when
* VIGIL_PURE_PYTHON is set (to 1, yes or true): profiling, debugging, monkeypatching;
* a source no longer matches what was compiled (edited or checked out since the last build: a
  warning says how to rebuild). Content, not timestamps: installing a wheel gives files arbitrary
  modification times;
* some are compiled and some are not (a partly failed build).
Never a mix: compiled modules call each other directly, not through `sys.modules`.
"""
from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import sys
import warnings
from pathlib import Path

NATIVE = ("names", "scoring", "bounds", "index", "matcher")  # (setup.py reads this module)
BUILD_RECORD = "native_build.json"  # written by setup.py: each compiled module's source digest
_HERE = Path(__file__).parent
_PACKAGE = __name__.rpartition(".")[0]

MODE = "pure Python"  # or "compiled": what `select()` chose
REASON = ""  # why pure Python, for `vigil bench` and warnings


def _compiled_file(name: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = _HERE / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def source_digests(folder: Path = _HERE) -> dict[str, str]:
    """SHA-256 of each NATIVE module's source: what setup.py records, and `select()` compares."""
    return {n: hashlib.sha256((folder / f"{n}.py").read_bytes()).hexdigest() for n in NATIVE}


def _changed_since_build() -> list[str] | None:
    """The NATIVE modules whose source differs from the one compiled; None when the build left no
    record (nothing to compare with, so nothing to trust)."""
    try:
        built = json.loads((_HERE / BUILD_RECORD).read_text())
    except (OSError, ValueError):
        return None
    now = source_digests()
    return [n for n in NATIVE if now[n] != built.get(n)]


def pure_requested() -> bool:
    """VIGIL_PURE_PYTHON set (vigil.settings; read by setup.py at install time too)."""
    from vigil.settings import Settings

    return Settings.pure_python_requested()


class _FromSource(importlib.abc.MetaPathFinder):
    """Finds the NATIVE modules' `.py` files ahead of the compiled ones beside them."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package == _PACKAGE and name in NATIVE:
            return importlib.util.spec_from_file_location(fullname, _HERE / f"{name}.py")
        return None


def select() -> str:
    """Decide once per process, before the first NATIVE import; returns MODE."""
    global MODE, REASON
    if any(f"{_PACKAGE}.{n}" in sys.modules for n in NATIVE) or any(isinstance(f, _FromSource) for f in sys.meta_path):
        return MODE  # already decided (and imported)
    compiled = {n: _compiled_file(n) for n in NATIVE}
    sources = {n: _HERE / f"{n}.py" for n in NATIVE}
    if not any(compiled.values()):
        MODE, REASON = "pure Python", "not compiled at install (VIGIL_PURE_PYTHON, or no mypyc or C compiler)"
        return MODE
    if not all(p.is_file() for p in sources.values()):
        MODE, REASON = "compiled", ""  # installed without sources: nothing else to run
        return MODE
    if pure_requested():
        REASON = "VIGIL_PURE_PYTHON is set"
    else:
        missing = [n for n in NATIVE if compiled[n] is None]
        stale = _changed_since_build()
        if missing:
            REASON = f"a partial build: {', '.join(missing)} not compiled"
        elif stale is None:
            REASON = "no record of what was compiled (native_build.json)"
        elif stale:
            REASON = f"{', '.join(n + '.py' for n in stale)} changed since the code was compiled"
        else:
            MODE, REASON = "compiled", ""
            return MODE
        warnings.warn(f"vigil: {REASON}; running the pure-Python matcher (slower). "
                      "Rebuild with: pip install -e .", RuntimeWarning, stacklevel=2)
    MODE = "pure Python"
    sys.meta_path.insert(0, _FromSource())
    return MODE
