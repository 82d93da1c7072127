"""What the store returns: plain dataclasses with `to_dict()` for the CLI's and API's JSON."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SnapshotInfo:
    id: int
    dataset: str
    published: str | None
    ingested_at: str
    checksum: str
    entity_count: int
    files: list[str] = field(default_factory=list)
    added: int = 0  # against the dataset's previous snapshot
    removed: int = 0
    changed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DatasetInfo:
    name: str
    title: str
    published: str | None  # of the latest snapshot
    ingested_at: str
    entity_count: int
    last_change: str  # ingest time of the latest snapshot that changed anything
    snapshots: int
    latest_snapshot: int
    license: str | None = None  # terms of use, where the source states them (e.g. CC BY-NC 4.0)
    summary: str | None = None  # what the dataset is (e.g. "a transcription, not the official file")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class EntityRef:
    id: str
    schema: str
    caption: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ChangedEntity(EntityRef):
    properties: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # prop -> {added, removed}


@dataclass
class Diff:
    dataset: str
    from_snapshot: SnapshotInfo | None  # None: the dataset's first snapshot, everything is added
    to_snapshot: SnapshotInfo
    added: list[EntityRef] = field(default_factory=list)
    removed: list[EntityRef] = field(default_factory=list)
    changed: list[ChangedEntity] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)}

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "from": self.from_snapshot.to_dict() if self.from_snapshot else None,
            "to": self.to_snapshot.to_dict(),
            "summary": self.summary(),
            "added": [e.to_dict() for e in self.added],
            "removed": [e.to_dict() for e in self.removed],
            "changed": [e.to_dict() for e in self.changed],
        }


@dataclass
class EntityChange:
    """One event in an entity's history within one dataset."""

    entity_id: str
    dataset: str
    snapshot: int
    at: str  # ingest time of the snapshot
    published: str | None
    kind: str  # added | changed | removed
    properties: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestResult:
    dataset: str | None
    status: str  # created | unchanged | failed | refused (ShrinkRefused: would remove too much)
    files: list[str] = field(default_factory=list)
    snapshot: SnapshotInfo | None = None  # the new snapshot; None when unchanged or failed
    previous: SnapshotInfo | None = None  # the latest snapshot before this ingest
    diff_summary: dict[str, int] = field(default_factory=dict)
    entity_count: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    source: str | None = None
    parse_seconds: float = 0.0
    store_seconds: float = 0.0
    message: str | None = None  # why unchanged ("identical to snapshot 3", "other files, same content ...")
    refusal: dict[str, Any] | None = None  # ShrinkRefused.to_dict() when refused

    @property
    def created(self) -> bool:
        return self.status == "created"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created"] = self.created
        return data
