"""Learned tables shipped with the package (built by `python -m vigil.matching.build_tables`).

`synonyms.json`: {"variants": {spelling: [Latin variant spellings]}} — token spelling variants
mined from the lists' own alias groups and the google ar2en train split. Keys are Latin
spellings or folded Arabic-script words (`translit.fold_arabic`).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TABLES_FILE = Path(__file__).with_name("synonyms.json")


@lru_cache(maxsize=1)
def variants() -> dict[str, frozenset[str]]:
    if not TABLES_FILE.exists():
        return {}
    with open(TABLES_FILE, encoding="utf-8") as fh:
        raw = json.load(fh).get("variants", {})
    return {k: frozenset(v) for k, v in raw.items()}
