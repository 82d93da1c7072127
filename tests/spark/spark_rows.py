"""Realistic batch rows for the Spark tests (a module of its own: `conftest` names clash across test folders)."""

from __future__ import annotations

import csv
import random
import unicodedata
from pathlib import Path


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _variants(name: str, k: int) -> str:
    """Spellings an analyst meets: as listed, lower case, surname first with a comma, no diacritics."""
    parts = name.split()
    if k == 0 or len(parts) < 2:
        return name
    if k == 1:
        return name.lower()
    if k == 2:
        return f"{parts[-1]}, {' '.join(parts[:-1])}"
    return _strip_accents(name).upper()


def realistic_rows(shared_data: Path, matcher, n: int = 10_000, seed: int = 18) -> list[dict[str, str]]:
    """Ordinary names (synthetic negatives, members of the US Congress) and listed names in varied spellings
    and scripts (UN names as published and treated, cross-script queries, Putin in many scripts, list
    entries re-spelled), plus a few rows a real file has: no name, a bad date, quotes and delimiters."""
    ev = shared_data / "matching_eval"
    rows: list[dict[str, str]] = []

    def people(file: str) -> None:
        with open(ev / file, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                rows.append({"full_name": r["full_name"], "date_of_birth": r.get("date_of_birth") or "",
                             "nationality": r.get("nationality") or "", "gender": r.get("gender") or ""})

    for file in ("yente_validation_negatives_global.csv", "yente_validation_negatives_us.csv",
                 "yente_positives_us_congress_untreated.csv", "yente_positives_un_untreated.csv",
                 "yente_positives_un_treated.csv"):
        people(file)
    with open(ev / "watchman_cross_script_pairs.csv", encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                query, expected = next(csv.reader([line]))[:2]
                rows += [{"full_name": query}, {"full_name": expected}]
    for line in (ev / "nomenklatura_putin_name_variants.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append({"full_name": line.strip()})
    rng = random.Random(seed)
    entities = [matcher.get(i) for i in sorted(matcher.index.by_id)]
    rng.shuffle(entities)
    k = 0
    while len(rows) < n - 6:
        entity = entities[k % len(entities)]
        names = entity.get("name") + entity.get("alias")
        if names:
            row = {"full_name": _variants(rng.choice(names), k % 4)}
            if entity.schema.name == "Person" and entity.get("birthDate") and k % 3 == 0:
                row["date_of_birth"] = entity.get("birthDate")[0]
            rows.append(row)
        k += 1
    rng.shuffle(rows)
    rows = rows[: n - 6]
    rows += [{"full_name": ""}, {"full_name": "Someone Odd", "date_of_birth": "the day after tomorrow"},
             {"full_name": 'Ali "the Lion", Hassan'}, {"full_name": "Müller; Jürgen | GmbH"},
             {"full_name": "  Qasem   Soleimani  ", "date_of_birth": "1957-03-11", "nationality": "Iran"},
             {"full_name": "Line\nbreak Name"}]
    for i, row in enumerate(rows):
        row["customer_id"] = f"C{i:05d}"
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    cols = ["customer_id", "full_name", "date_of_birth", "nationality", "gender"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") for c in cols])
    return path
