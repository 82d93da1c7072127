"""The party map as the serving front ends need it: loaded once, kept current cheaply.

`LiveMap(store)` is what `Screener(parties=...)` takes: called per screening, it returns the current
`PartyMap`, checking the resolver's generation (one indexed row) at most every `ttl` seconds and
reloading the map only when a resolve (in any process: `vigil update`, `vigil parties accept`) has
committed since. A store that was never resolved gives an empty map: every record its own party.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from .api import Parties, PartyMap

log = logging.getLogger(__name__)


class LiveMap:
    def __init__(self, store: Any, ttl: float = 5.0):
        self.store = store
        self.ttl = ttl
        self._parties: Parties | None = None
        self._map: PartyMap | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> PartyMap | None:
        now = time.monotonic()
        if self._map is not None and now - self._checked < self.ttl:
            return self._map
        with self._lock:
            if self._map is None or time.monotonic() - self._checked >= self.ttl:
                try:
                    if self._parties is None:
                        self._parties = Parties(self.store)
                    self._map = self._parties.refresh()
                except Exception:  # screening goes on per record rather than failing
                    log.exception("could not load the party map; results are not merged by party")
                self._checked = time.monotonic()
        return self._map

    def party_map(self) -> PartyMap | None:
        return self()
