"""US OFAC Consolidated (non-SDN) list -> dataset `us_ofac_cons`.

PATH is a folder with `cons_prim.csv` (+ `cons_add.csv`, `cons_alt.csv`, `cons_comments.csv`), a single
`cons_prim.csv`, or the classic `sdnList` XML (`consolidated.xml`). A folder holding both the CSV files and
the XML is read from the CSV files. Same formats as the SDN list (see `ofac`).
"""
from __future__ import annotations

from pathlib import Path

from .base import Publication
from .ofac import parse_ofac

DATASET = "us_ofac_cons"


def parse(path: str | Path) -> Publication:
    return parse_ofac(Path(path), DATASET, main="cons_prim.csv", add="cons_add.csv", alt="cons_alt.csv",
                      comments="cons_comments.csv", xml="consolidated.xml")
