"""The loaded index the API serves from, swapped atomically on reload.

A request takes one reference, `state.current` (a frozen `LoadedIndex`), and
uses it to the end; a reload builds the next Matcher completely, off to the
side, and then replaces that reference in one assignment under a lock. In-flight
requests keep the old index, new ones get the new index, and nobody ever sees a
half-built one.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from vigil.service.index_cache import load_matcher, store_fingerprint

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatasetMeta:
    name: str
    title: str
    entity_count: int
    published: str | None  # ISO, the list's own date when it states one
    ingested_at: str | None  # ISO
    last_change: str | None  # ISO
    version: str


@dataclass(frozen=True)
class LoadedIndex:
    matcher: Any
    datasets: tuple[DatasetMeta, ...]
    fingerprint: str
    loaded_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def dataset_names(self) -> list[str]:
        return [d.name for d in self.datasets]

    @property
    def entity_count(self) -> int:
        return sum(d.entity_count for d in self.datasets)


def _version(info: Any) -> str:
    """yente-style version string: the list's date plus our snapshot id, e.g. 20240503-s7."""
    stamp = getattr(info, "published", None) or getattr(info, "ingested_at", None) or ""
    digits = "".join(ch for ch in str(stamp)[:19] if ch.isdigit()) or "unknown"
    return f"{digits}-s{getattr(info, 'latest_snapshot', 0)}"


def _meta(info: Any) -> DatasetMeta:
    return DatasetMeta(
        name=info.name,
        title=getattr(info, "title", None) or info.name,
        entity_count=int(getattr(info, "entity_count", 0) or 0),
        published=getattr(info, "published", None),
        ingested_at=getattr(info, "ingested_at", None),
        last_change=getattr(info, "last_change", None),
        version=_version(info),
    )


# One name per common script: the first query of a kind in a process pays for lazily built
# tables and caches (25-85 ms measured), which would otherwise land on a caller's request.
WARM_UP_NAMES = ("Maria Warmup", "محمد علي حسن", "Иван Петров", "김민준", "王伟", "דוד כהן")


def _warm_up(matcher: Any) -> None:
    """Screen a few names with a freshly loaded matcher before it serves anyone."""
    from vigil.service.screening import Fields, ScreenOptions, Screener, check_options

    try:
        opts = check_options(ScreenOptions(limit=1))
        screener = Screener(matcher)  # no recorder: warm-up queries are nobody's screening
        for name in WARM_UP_NAMES:
            screener.screen(screener.query(Fields(name=name, dob="1970")), opts)
    except Exception:  # a warm-up must never stop a reload
        log.exception("index warm-up query failed")


def _warm_graph(store: Any) -> None:
    """Extract relations where due and load the relation graph before the index serves anyone."""
    from vigil.service.graph import graph_for

    try:
        graph_for(store)
    except Exception:  # the relations are extra; screening must still be served
        log.exception("loading the relation graph failed")


class IndexState:
    """Holds the current `LoadedIndex`; `reload()` swaps in a fresh one when the store changed."""

    def __init__(self, store: Any = None, store_url: str | None = None, use_cache: bool = True,
                 settings: Any = None, parties: Any = None):
        self._store = store
        self._store_url = store_url
        self.settings = settings  # the front end's Settings (None: read from the environment when needed)
        self.use_cache = use_cache
        self.current: LoadedIndex | None = None
        self.error: str | None = None  # why the last load failed, for /readyz
        self.reloads = 0
        self._reload_lock = threading.Lock()
        self._parties: Any = parties  # a function returning the PartyMap; default: the store's (LiveMap)

    @property
    def parties(self) -> Any:
        """The record -> party map merged results use (`vigil.parties.live.LiveMap`: a function returning
        the current `PartyMap`, following resolves of any process within a few seconds)."""
        if self._parties is None:
            from vigil.parties.live import LiveMap

            self._parties = LiveMap(self.store)
        return self._parties

    @property
    def store(self) -> Any:
        if self._store is None:
            from vigil.store import Store

            self._store = Store(self._store_url, settings=self.settings)
        return self._store

    @property
    def ready(self) -> bool:
        return self.current is not None

    def is_stale(self) -> bool:
        cur = self.current
        return cur is None or store_fingerprint(self.store) != cur.fingerprint

    def reload(self, force: bool = False) -> bool:
        """Re-read the store and swap the index if it changed (or `force`). True when swapped."""
        with self._reload_lock:  # one build at a time; concurrent callers wait and then see it done
            started = time.perf_counter()
            store = self.store
            fingerprint = store_fingerprint(store)
            if not force and self.current is not None and self.current.fingerprint == fingerprint:
                return False
            infos = [i for i in store.datasets() if int(getattr(i, "entity_count", 0) or 0) > 0]
            if not infos:
                self.error = "no lists in the store yet: run `vigil update --mirror ../shared/data` or `vigil ingest`"
                return False
            matcher, fingerprint = load_matcher(store, use_cache=self.use_cache, settings=self.settings)
            _warm_up(matcher)
            _warm_graph(store)
            new = LoadedIndex(matcher=matcher, datasets=tuple(_meta(i) for i in infos), fingerprint=fingerprint)
            self.current = new  # the atomic swap
            self.error = None
            self.reloads += 1
            log.info(
                "index loaded: %d entities in %d datasets (%.2f s)",
                new.entity_count, len(new.datasets), time.perf_counter() - started,
            )
            return True

    def try_reload(self, force: bool = False) -> bool:
        """reload() that logs instead of raising, for background triggers (SIGHUP, watcher)."""
        try:
            return self.reload(force=force)
        except Exception as exc:
            self.error = f"index load failed: {exc}"
            log.exception("index reload failed; still serving the previous index")
            return False
