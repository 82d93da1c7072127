"""FollowTheMoney JSON lines: import (`parse`) and export (`export_entities`).

One JSON object per line, as OpenSanctions and yente publish them (`id`, `schema`, `properties`,
`datasets`, `referents`, `first_seen`, ...). Properties vigil's schemata do not know are kept, so
an export of an import is the same data.

Which dataset a file is: a Publication belongs to one dataset.
* `parse(path)` takes it from the entities' `datasets` when they all name the same single one; a
  file spanning several datasets (e.g. an OpenSanctions collection export) is refused with an
  IngestError that lists the datasets found.
* `parse(path, dataset=NAME)` keeps only the entities whose `datasets` include NAME (CLI
  `--dataset`); NAME must occur in the file, so a typo is an error, not an empty or a wrong list.
* `parse(path, store_as=NAME)` files the entities (all of them, or the `dataset` selection) under
  another name (CLI `--as`), e.g. a whole collection export as one dataset.
Every imported entity is then filed under the stored name only (`datasets == [NAME]`): vigil's
dataset filter and the `datasets` of screening results mean "in this vigil dataset", so an
OpenSanctions entity must not claim membership of an official list it was not ingested from.
The official dataset names (`us_ofac_sdn`, `eu_fsf` ...) belong to their official publications:
an FtM file is stored under one only when it is named explicitly and every entity id follows
that list's id contract (e.g. `ofac-<ent_num>`, as in a `vigil export`), never an OpenSanctions copy.
"""
from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import orjson

from vigil.model import Entity
from vigil.model.schema import SchemaError

from .base import IngestError, Publication, check_file, checksum_files, looks_binary

# The brief's entity-id contract of each official dataset: what `vigil ingest <source>` produces.
OFFICIAL_IDS: dict[str, tuple[re.Pattern[str], str]] = {
    "us_ofac_sdn": (re.compile(r"ofac-\d+"), "ofac-<ent_num>"),
    "us_ofac_cons": (re.compile(r"ofac-\d+"), "ofac-<ent_num>"),
    "un_sc_sanctions": (re.compile(r"unsc-[A-Za-z]{2}[ie]\.\d+"), "unsc-<REFERENCE_NUMBER>"),
    "gb_hmt_sanctions": (re.compile(r"gb-hmt-\d+"), "gb-hmt-<Group ID>"),
    "eu_fsf": (re.compile(r"eu-fsf-\d+"), "eu-fsf-<logicalId>"),
    # OpenSanctions publishes its own FtM export under this same name, with its own ids: never taken for ours.
    "eu_journal_sanctions": (re.compile(r"eu-oj-3\d{4}[RDL]\d{4}-[A-Za-z0-9.]+-[A-Za-z0-9.]+"),
                             "eu-oj-<celex>-<annex>-<entry>"),
}
SHOWN = 30  # datasets named in an error message


def parse(path: Path, dataset: str | None = None, store_as: str | None = None) -> Publication:
    path = Path(path)
    for name in (dataset, store_as):
        if name is not None:
            _check_name(name)
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
    counts = Counter(d for e in entities for d in dict.fromkeys(e.datasets))
    explicit = dataset is not None or store_as is not None
    checksum = ""
    if dataset is not None:
        if dataset not in counts:
            raise IngestError(f"no entity in the file belongs to dataset {dataset!r}; {_found(counts)}", path)
        selected = [e for e in entities if dataset in e.datasets]
        if len(selected) < len(entities):
            # The same file with another selection is other content: it must not look "unchanged".
            checksum = hashlib.sha256(f"{checksum_files(files)}\0dataset={dataset}".encode()).hexdigest()
            entities = selected
    elif store_as is None:
        if len(counts) != 1:
            what = f"spans {len(counts)} datasets ({_found(counts)})" if counts else "names no dataset"
            raise IngestError(f"the FtM file {what}; choose one with --dataset NAME, or store the whole file "
                              "under one name with --as NAME", path)
        dataset = next(iter(counts))
    name = store_as or dataset
    _check_official(name, entities, path, explicit)
    for entity in entities:
        entity.datasets = [name]
    return Publication(dataset=name, entities=entities, files=files, warnings=warnings, checksum=checksum)


def _found(counts: Counter) -> str:
    """`datasets found: a (22), b (14) ...`, most entities first."""
    shown = [f"{name} ({n})" for name, n in counts.most_common(SHOWN)]
    more = f" and {len(counts) - SHOWN} more" if len(counts) > SHOWN else ""
    return "datasets found: " + ", ".join(shown) + more


def _check_name(name: str) -> None:
    from vigil.sources.base import DATASET_NAME  # the store's rule too, checked before the file is read

    if not DATASET_NAME.match(name):
        raise IngestError(f"invalid dataset name {name!r}: use lowercase letters, digits, '_' and '-' "
                          "(like us_ofac_sdn or my_watchlist)")


def _check_official(name: str, entities: list[Entity], path: Path, explicit: bool) -> None:
    """An FtM file goes under an official list's name only when asked for, and only with that list's ids."""
    contract = OFFICIAL_IDS.get(name)
    if contract is None:
        return
    if not explicit:
        # E.g. an OpenSanctions export of eu_fsf: filing it silently would replace the real list's snapshot.
        raise IngestError(f"the entities name the official dataset {name!r}, but an FtM file is not its official "
                          "publication; ingest the official file with its own source, or store this file under "
                          "another name with --as NAME", path)
    pattern, form = contract
    stray = next((e.id for e in entities if not pattern.fullmatch(e.id)), None)
    if stray is not None:
        raise IngestError(f"entity id {stray!r} does not follow the {name} id contract ({form}): this is not "
                          f"{name} as vigil ingests it (e.g. an OpenSanctions copy); store it under another name "
                          "with --as NAME", path)


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
