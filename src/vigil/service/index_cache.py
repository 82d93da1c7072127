"""A ready-built Matcher on disk, so `vigil screen` starts in well under two seconds.

Building the Matcher from the store takes seconds; unpickling it takes a fraction
of that. The cache file lives under VIGIL_HOME/cache and is keyed by the store's
snapshots (dataset, id, checksum) plus a fingerprint of the matching code, so
an ingest or a code change makes it stale and it is rebuilt on next use.
"""
from __future__ import annotations

import fcntl
import gc
import hashlib
import logging
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from vigil import __version__
from vigil.settings import Settings

log = logging.getLogger(__name__)
_memo: dict[str, Any] = {}  # the last Matcher this process loaded; it is read-only, so sharing is safe


def store_fingerprint(store: Any) -> str:
    """Identifies the current content of the store: every snapshot of every dataset."""
    # Snapshots are immutable and their ids only grow, so the latest id per dataset pins the content.
    parts = [str(store.engine.url.render_as_string(hide_password=True))]
    for ds in sorted(store.datasets(), key=lambda d: d.name):
        parts.append(f"{ds.name}:{ds.latest_snapshot}:{ds.entity_count}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def code_fingerprint() -> str:
    """Changes whenever the matching or model code changes (a pickle of old classes would be wrong)."""
    import vigil.matching
    import vigil.model

    # Compiled and pure-Python classes pickle differently: the mode is part of the key.
    digest = hashlib.sha256(f"{__version__}:{vigil.matching.native.MODE}".encode())
    for pkg in (vigil.matching, vigil.model):
        root = Path(pkg.__file__).parent
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".so", ".pyd", ".yml", ".yaml", ".json", ".txt", ".tsv") and path.is_file():
                st = path.stat()
                digest.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def cache_dir(settings: Settings | None = None) -> Path:
    """VIGIL_HOME/cache, or VIGIL_CACHE_DIR (e.g. shared by a test session's many VIGIL_HOMEs)."""
    return (settings or Settings.from_env()).cache_dir


def cache_path(fingerprint: str, settings: Settings | None = None) -> Path:
    return cache_dir(settings) / f"matcher-{fingerprint}-{code_fingerprint()}.pickle"


def build_matcher(store: Any) -> Any:
    from vigil.matching import Matcher

    return Matcher(store.entities())


def matcher_loader(store: Any, settings: Settings | None = None) -> Callable[[], Any]:
    """A function returning the screening Matcher from the on-disk index cache (built and cached when
    stale): what the parties resolver takes, calling it only when it has records to screen."""
    def load() -> Any:
        return load_matcher(store, settings=settings)[0]
    return load


def load_matcher(store: Any, use_cache: bool = True, settings: Settings | None = None) -> tuple[Any, str]:
    """(Matcher for the store's current entities, store fingerprint); from the cache when fresh.

    `settings` (the front end's): where the cache lives, and whether the matcher prunes candidates by
    their score bound (VIGIL_MATCH_PRUNE); read from the environment when not given."""
    settings = settings or Settings.from_env()
    fingerprint = store_fingerprint(store)
    if not use_cache:
        return _configured(build_matcher(store), settings), fingerprint
    path = cache_path(fingerprint, settings)
    if _memo.get("path") == path:  # the same process asked before (Python API, notebooks, tests)
        return _configured(_memo["matcher"], settings), fingerprint
    matcher = _read(path)
    if matcher is None:
        # One builder at a time: other processes (e.g. the second uvicorn worker) wait for the
        # file instead of building the same index again on the same cores.
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.parent / ".build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                matcher = _read(path)
                if matcher is None:
                    matcher = build_matcher(store)
                    gc.freeze()
                    save(matcher, path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    _memo.update(path=path, matcher=matcher)
    return _configured(matcher, settings), fingerprint


def _configured(matcher: Any, settings: Settings) -> Any:
    """The settings a matcher takes at run time (a cached one was pickled with whatever was set then)."""
    if hasattr(matcher, "prune"):
        matcher.prune = settings.match_prune
    return matcher


def _read(path: Path) -> Any:
    if not path.exists():
        return None
    try:
        return _unpickle(path)
    except Exception as exc:  # truncated or from an incompatible version: rebuild
        log.warning("ignoring unreadable matcher cache %s: %s", path, exc)
        return None


def _unpickle(path: Path) -> Any:
    # The cyclic GC would walk the growing heap again and again while millions of
    # objects are created: disabling it during the load makes it 2-3x faster.
    # gc.freeze() then parks the loaded index in the permanent generation: later collections
    # (and their pauses, which hurt p99 latency in the server) no longer walk it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as fh:
            matcher = pickle.load(fh)
        gc.freeze()
        return matcher
    finally:
        if enabled:
            gc.enable()


def save(matcher: Any, path: Path) -> None:
    """Atomic write (temp file + rename), then drop older cache files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".matcher-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(matcher, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception as exc:  # a cache we cannot write only costs speed
        log.warning("could not write matcher cache %s: %s", path, exc)
        return
    stale_tmp = time.time() - 3600  # temp files of processes killed mid-write
    for old in list(path.parent.glob("matcher-*.pickle")) + list(path.parent.glob(".matcher-*.tmp")):
        try:
            if old.suffix == ".pickle" and old != path or old.suffix == ".tmp" and old.stat().st_mtime < stale_tmp:
                old.unlink()
        except OSError:
            pass
