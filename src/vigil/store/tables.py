"""The store's tables (SQLAlchemy Core). Other modules keep their own MetaData on `store.engine`.

Design: a *snapshot* is one ingested publication of one dataset. Entity content is
stored once per distinct version (`entity_versions`, keyed by a content hash), and
`snapshot_entities` says which version of which entity id each snapshot holds. A
new publication that changes 20 of 15,000 entries adds 20 versions, not 15,000.
Timestamps are ISO-8601 UTC strings: identical on SQLite and PostgreSQL, and they sort.
"""
from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

datasets = Table(
    "datasets",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("title", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(100), ForeignKey("datasets.name"), nullable=False),
    Column("published", String(32), nullable=True),  # the list's own date, when the file states it
    Column("ingested_at", String(32), nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("entity_count", Integer, nullable=False),
    Column("files", Text, nullable=False),  # JSON list of file paths
    Column("warnings", Text, nullable=False, default="[]"),  # JSON list of parser warnings
    # Diff against the dataset's previous snapshot, kept so `lists` can say when a list last changed.
    Column("added", Integer, nullable=False, default=0),
    Column("removed", Integer, nullable=False, default=0),
    Column("changed", Integer, nullable=False, default=0),
    Index("ix_snapshots_dataset", "dataset", "id"),
)

entity_versions = Table(
    "entity_versions",
    metadata,
    Column("hash", String(32), primary_key=True),  # blake2b-128 of the canonical entity JSON
    Column("entity_id", String(255), nullable=False),
    Column("schema", String(50), nullable=False),
    Column("data", Text, nullable=False),  # FtM JSON without first_seen/last_seen/last_change
)

snapshot_entities = Table(
    "snapshot_entities",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", String(255), primary_key=True),
    Column("version", String(32), ForeignKey("entity_versions.hash"), nullable=False),
    # Carried forward at ingest so reading current entities needs no walk through history.
    Column("first_seen", String(32), nullable=False),
    Column("last_change", String(32), nullable=False),
    Index("ix_snapshot_entities_entity", "entity_id"),
)

ingests = Table(
    "ingests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("dataset", String(100), nullable=True),  # unknown when the file failed to parse
    Column("source", String(32), nullable=True),
    Column("files", Text, nullable=False),
    Column("result", String(16), nullable=False),  # created | unchanged | failed | refused
    Column("snapshot_id", Integer, nullable=True),
    Column("message", Text, nullable=True),
)

# The relations the lists state (Ownership, Membership, Family, UnknownLink ... as FtM entities), derived
# from each dataset's latest snapshot by `vigil.sources.relations` and kept apart from `snapshot_entities`:
# they are never screening candidates. `target`/`source` are NULL where the text names nobody listed.
relations = Table(
    "relations",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("dataset", String(100), nullable=False),
    Column("schema", String(50), nullable=False),
    Column("source", String(255), nullable=True),
    Column("target", String(255), nullable=True),
    Column("stated_by", String(255), nullable=False),
    Column("resolved_by", String(16), nullable=False),  # reference | id | name | "" (unresolved)
    Column("data", Text, nullable=False),  # the relation as FtM JSON (role, description = the source text)
    Index("ix_relations_source", "source"),
    Index("ix_relations_target", "target"),
)

# Which snapshots have had their relations extracted, by which version of the rules.
relation_runs = Table(
    "relation_runs",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("dataset", String(100), nullable=False),
    Column("extractor", String(16), nullable=False),
    Column("extracted_at", String(32), nullable=False),
    Column("count", Integer, nullable=False),
    Column("resolved", Integer, nullable=False),
    Column("seconds", Float, nullable=False),
)
