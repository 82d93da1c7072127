"""FollowTheMoney JSON lines: import (`parse`) and export (`export_entities`).

One JSON object per line, as OpenSanctions and yente publish them (`id`, `schema`, `properties`,
`datasets`, `referents`, `first_seen`, ...). Properties vigil's schemata do not know are kept, so
an export of an import is the same data.

Which dataset a file is: a Publication belongs to one dataset. `parse(path)` takes it from the
entities' `datasets` when they all name the same single one; a file spanning several datasets
(e.g. an OpenSanctions collection export) needs `parse(path, dataset="my_name")`, which files
all its entities, unchanged, under that name. Without it such a file is refused with an
IngestError that lists the datasets found. A file whose single dataset is one of the official
lists (`eu_fsf`, `us_ofac_sdn` ...) is refused too unless the name is given explicitly: an
OpenSanctions copy must not silently replace the official list's snapshot.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import orjson

from vigil.model import Entity
from vigil.model.schema import SchemaError

from .base import IngestError, Publication, check_file, looks_binary


def parse(path: Path, dataset: str | None = None) -> Publication:
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith((".json", ".jsonl", ".ndjson")))
        if not files:
            raise IngestError("no FtM .json/.jsonl files in the folder", path)
    else:
        files = [path]
    entities: list[Entity] = []
    index: dict[str, Entity] = {}
    warnings: list[str] = []
    for file in files:
        for entity, line in _read(file):
            prior = index.get(entity.id)
            if prior is not None:
                try:
                    prior.merge(entity)
                except SchemaError as exc:
                    raise IngestError(f"entity {entity.id!r} repeats with an incompatible schema ({exc})",
                                      file, line) from None
                warnings.append(f"{file.name}:{line}: entity {entity.id} repeated; records merged")
                continue
            index[entity.id] = entity
            entities.append(entity)
    if not entities:
        raise IngestError("no entities in the file", path)
    if dataset is None:
        found = sorted({d for e in entities for d in e.datasets})
        if len(found) != 1:
            what = f"spans {len(found)} datasets ({', '.join(found[:8])}{' ...' if len(found) > 8 else ''})" \
                if found else "names no dataset"
            raise IngestError(f"FtM file {what}; import it under one dataset name "
                              "(Python: parse(path, dataset=NAME))", path)
        dataset = found[0]
        if dataset in _official_datasets():
            # An FtM file (e.g. an OpenSanctions export) is not the official publication: filing it
            # silently under `eu_fsf` would replace the real list's snapshot. Require an explicit choice.
            raise IngestError(f"the entities name the official dataset {dataset!r}, but an FtM file is not its "
                              "official publication; ingest the official file with its own source, or import "
                              "this file under another dataset name (Python: parse(path, dataset=NAME))", path)
    return Publication(dataset=dataset, entities=entities, files=files, warnings=warnings)


def _official_datasets() -> set[str]:
    from . import DATASETS  # late import: the registry imports parsers lazily too

    return set(DATASETS)


def _read(path: Path):
    check_file(path)
    if looks_binary(path):
        raise IngestError("binary data, not FtM JSON lines", path)
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                reason = "not UTF-8 text" if "utf-8" in str(exc).lower() else f"malformed JSON ({exc})"
                raise IngestError(reason, path, number) from None
            if not isinstance(data, dict):
                raise IngestError("each line must be a JSON object (an FtM entity)", path, number)
            if not data.get("id") or not isinstance(data.get("id"), str):
                raise IngestError("entity without an 'id'", path, number)
            try:
                entity = Entity.from_dict(data)
            except (SchemaError, KeyError, TypeError, ValueError) as exc:
                raise IngestError(f"not a valid FtM entity ({exc})", path, number) from None
            yield entity, number


def export_entities(entities: Iterable[Entity], fh: IO) -> int:
    """Write entities as FtM JSON lines to a text or binary file handle; returns the count."""
    binary = isinstance(fh, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(fh, "mode", "")
    count = 0
    for entity in entities:
        line = orjson.dumps(entity.to_dict()) + b"\n"
        fh.write(line if binary else line.decode("utf-8"))
        count += 1
    return count


write_entities = export_entities  # the name `vigil export` looks for
