"""Parsers for published sanctions lists, one module per source.

`SOURCES` maps the CLI source name (`vigil ingest SOURCE PATH`) to its dataset
name and parser. Each parser is `parse(path: Path) -> Publication`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .base import IngestError, Publication


@dataclass(frozen=True)
class Source:
    name: str  # CLI name
    dataset: str | None  # dataset name (None: taken from the file, e.g. FtM JSON)
    module: str  # module under vigil.sources with a `parse(path)` function
    title: str
    license: str | None = None  # the publication's terms of use, shown by `vigil lists` and /catalog
    summary: str | None = None  # what the dataset is (and is not), for `vigil lists` and /catalog

    def parser(self) -> Callable[[Path], Publication]:
        mod = importlib.import_module(f"vigil.sources.{self.module}")
        return mod.parse


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("ofac", "us_ofac_sdn", "ofac", "US OFAC Specially Designated Nationals (SDN) list"),
        Source("ofac-cons", "us_ofac_cons", "ofac_cons", "US OFAC Consolidated (non-SDN) list"),
        Source("un", "un_sc_sanctions", "un", "UN Security Council Consolidated List"),
        Source("uk", "gb_hmt_sanctions", "uk", "UK OFSI Consolidated List"),
        Source("eu", "eu_fsf", "eu", "EU Financial Sanctions Files (FSF)"),
        Source("eu-journal", "eu_journal_sanctions", "eu_journal",
               "EU sanctions in the Official Journal (OpenSanctions transcription)",
               license="CC BY-NC 4.0 (OpenSanctions)",
               summary="A transcription of the annexes of the EU legal acts published in the Official Journal, by "
                       "OpenSanctions; not the Commission's official Financial Sanctions File (eu_fsf)."),
        Source("ftm", None, "ftm", "FollowTheMoney entities (JSON lines)"),
    )
}

DATASETS = {s.dataset: s for s in SOURCES.values() if s.dataset}


def parse(source: str, path: str | Path, **options) -> Publication:
    """Parse a published file or folder with the named source's parser (options: FtM `dataset`, `store_as`)."""
    if source not in SOURCES:
        raise IngestError(f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}")
    return SOURCES[source].parser()(Path(path), **options)


__all__ = ["SOURCES", "DATASETS", "Source", "Publication", "IngestError", "parse"]
