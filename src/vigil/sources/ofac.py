"""US OFAC Specially Designated Nationals (SDN) list -> dataset `us_ofac_sdn`.

PATH is a folder with OFAC's CSV files (`sdn.csv` required; `add.csv`, `alt.csv`, `sdn_comments.csv` used
when present), a single `sdn.csv`, or a classic `sdnList` XML file (`sdn.xml`). A folder holding only
`sdn.xml` is read as XML.
"""
from __future__ import annotations

from pathlib import Path

from .base import IngestError, Publication
from .ofac_csv import FileSet, find_file, parse_fileset
from .ofac_xml import looks_like_xml, parse_xml

DATASET = "us_ofac_sdn"


def parse(path: str | Path) -> Publication:
    return parse_ofac(Path(path), DATASET, main="sdn.csv", add="add.csv", alt="alt.csv",
                      comments="sdn_comments.csv", xml="sdn.xml")


def parse_ofac(path: Path, dataset: str, *, main: str, add: str, alt: str, comments: str, xml: str) -> Publication:
    """Shared by the SDN and consolidated lists: same formats, different file names."""
    if path.is_dir():
        main_file = find_file(path, main)
        if main_file is not None:
            fs = FileSet(main_file, find_file(path, add), find_file(path, alt), find_file(path, comments))
            return parse_fileset(fs, dataset)
        xml_file = find_file(path, xml)
        if xml_file is not None:
            return parse_xml(xml_file, dataset)
        raise IngestError(f"folder has neither {main} nor {xml}", path)
    if not path.exists():
        raise IngestError("no such file or folder", path)
    if path.suffix.lower() == ".xml" or looks_like_xml(path):
        return parse_xml(path, dataset)
    return parse_fileset(FileSet(path), dataset)
