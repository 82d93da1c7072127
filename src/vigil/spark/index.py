"""The matcher index on Spark: pickled once on the driver, shipped as one broadcast, loaded once per
Python worker process.

`ship()` broadcasts the serialised index (the bytes of the on-disk index cache when fresh, else a fresh
pickle): Spark's torrent broadcast moves it to each executor once, whatever the number of tasks. On an
executor, `matcher()` unpickles it the first time a task of that Python worker asks and keeps it in a
module-level cache keyed by the broadcast id (PySpark reuses its workers, `spark.python.worker.reuse`),
so later tasks and rows use the loaded index; a new broadcast (a new run) replaces it.

Too large to broadcast? The index of all lists is ~40 MB pickled, ~300 MB loaded, far below a
broadcast's practical limit (executor memory). A deployment whose index outgrew executor memory would
instead split the work by blocking key (join the rows' candidate keys, `Matcher.query_keys`, with the
index's key -> entity table, score each group against the entities it can reach): this costs a
shuffle of every row and of the index per run, and repeats candidate generation; at today's sizes it
only loses, so it is documented, not built (README "Scaling out").
"""
from __future__ import annotations

import gc
import pickle
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_loaded: dict[str, Any] = {}  # broadcast key -> matcher, in this Python process (driver or executor worker)
loads: dict[str, int] = {}  # broadcast key -> times this process unpickled it (tests check: once)


def serialise(matcher: Any, cache_file: Path | None = None) -> bytes:
    """The pickled index: the index cache file's bytes when it holds this matcher, else pickled now."""
    if cache_file is not None and cache_file.is_file():
        return cache_file.read_bytes()
    return pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)


@dataclass(frozen=True)
class Shipped:
    """A broadcast index as tasks receive it: the broadcast, a key naming it, its size in bytes, and the
    record -> party map screening merges results by (a few MB; None: every record its own party)."""

    broadcast: Any
    key: str
    size: int
    parties: Any = None


def ship(spark: Any, matcher: Any, cache_file: Path | None = None, parties: Any = None) -> Shipped:
    """One broadcast of the serialised index (the key is unique per broadcast: the per-process cache's key),
    and one of the party map when there is one."""
    payload = serialise(matcher, cache_file)
    bc = spark.sparkContext.broadcast(payload)
    pm = spark.sparkContext.broadcast(parties) if parties is not None else None
    return Shipped(bc, f"{spark.sparkContext.applicationId}/{uuid.uuid4().hex}", len(payload), pm)


def party_map(shipped: Shipped) -> Any:
    """The party map shipped with the index (None when results are per record)."""
    return None if shipped.parties is None else shipped.parties.value


def matcher(shipped: Shipped, prune: bool = True) -> Any:
    """The index of `shipped`, unpickled once per process."""
    broadcast = shipped.broadcast
    found = _loaded.get(shipped.key)
    if found is None:
        payload = broadcast.value
        enabled = gc.isenabled()
        gc.disable()  # as the index cache does: millions of objects, no GC passes while they appear
        try:
            found = pickle.loads(payload)
            gc.freeze()
        finally:
            if enabled:
                gc.enable()
        broadcast.__dict__.pop("_value", None)  # the bytes are not needed once loaded
        del payload
        _loaded.clear()  # an earlier run's index
        _loaded[shipped.key] = found
        loads[shipped.key] = loads.get(shipped.key, 0) + 1
    if hasattr(found, "prune"):
        found.prune = prune
    return found
