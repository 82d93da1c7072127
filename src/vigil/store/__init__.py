"""The versioned store: datasets, snapshots (one per ingested publication), entity versions, diffs.

```python
store = Store()                        # SQLite under VIGIL_HOME, or VIGIL_DATABASE_URL
result = store.ingest(publication)     # one transaction; result.snapshot is None when unchanged
store.entities()                       # current entities with first_seen / last_seen / last_change
store.diff("us_ofac_sdn")              # previous -> latest snapshot
```
"""
from .results import ChangedEntity, DatasetInfo, Diff, EntityChange, EntityRef, IngestResult, SnapshotInfo
from .store import NotFound, ShrinkRefused, Store, StoreError

__all__ = [
    "Store", "StoreError", "NotFound", "ShrinkRefused", "IngestResult", "DatasetInfo", "SnapshotInfo", "Diff",
    "EntityRef", "ChangedEntity", "EntityChange",
]
