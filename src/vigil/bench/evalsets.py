"""Loaders for the labelled evaluation files in ../shared/data/matching_eval (one function per format)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml

EVAL_DIR = "matching_eval"
NAME_BENCH = "nomenklatura_name_bench_cases.csv"
ENTITY_CHECKS = "nomenklatura_entity_bench_checks.yml"
UN_TREATED = "yente_positives_un_treated.csv"
UN_UNTREATED = "yente_positives_un_untreated.csv"
US_CONGRESS = "yente_positives_us_congress_untreated.csv"
NEGATIVES = ("yente_validation_negatives_global.csv", "yente_validation_negatives_us.csv")
CROSS_SCRIPT = "watchman_cross_script_pairs.csv"
AR2EN_TEST = "google_ar2en-test.txt"


def default_mirror() -> Path:
    """The shared data folder: $VIGIL_SHARED_DATA, else ../shared/data relative to the working directory."""
    from vigil.settings import current

    return current().shared_data


class EvalDataError(Exception):
    """An evaluation file is missing or malformed (exit code 2 in the CLI)."""


def _path(mirror: Path, name: str) -> Path:
    path = Path(mirror) / EVAL_DIR / name
    if not path.is_file():
        raise EvalDataError(f"evaluation file not found: {path} (use --mirror DIR or set VIGIL_SHARED_DATA)")
    return path


@dataclass(frozen=True)
class NamePair:
    """One nomenklatura name_bench case: are name1 and name2 the same party?"""

    schema: str
    name1: str
    name2: str
    is_match: bool
    group: str = ""
    quality: str = ""
    category: str = ""


def load_name_bench(mirror: Path) -> list[NamePair]:
    path = _path(mirror, NAME_BENCH)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cases = []
    for line, row in enumerate(rows, start=2):
        label = (row.get("is_match") or "").strip().lower()
        if label not in ("true", "false") or not row.get("name1") or not row.get("name2"):
            raise EvalDataError(f"{path}:{line}: expected name1, name2 and is_match true/false")
        cases.append(NamePair(row["schema"].strip(), row["name1"], row["name2"], label == "true",
                              row.get("case_group", ""), (row.get("quality") or "").upper(),
                              row.get("category") or ""))
    return cases


@dataclass
class EntityCheck:
    """One nomenklatura entity_bench check: query and candidate property sets plus the expected decision."""

    schema: str
    is_match: bool
    query: dict[str, list[str]]
    candidate: dict[str, list[str]]
    label: str = ""


def _props(raw: dict | None) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    for key, value in (raw or {}).items():
        values = value if isinstance(value, list) else [value]
        props[str(key)] = [str(v) for v in values if v is not None and str(v).strip()]
    return props


def load_entity_checks(mirror: Path) -> list[EntityCheck]:
    path = _path(mirror, ENTITY_CHECKS)
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    checks = []
    for i, raw in enumerate(data.get("checks") or []):
        if not isinstance(raw, dict) or "schema" not in raw or "match" not in raw:
            raise EvalDataError(f"{path}: check #{i + 1} has no schema or match")
        checks.append(EntityCheck(str(raw["schema"]), bool(raw["match"]), _props(raw.get("query")),
                                  _props(raw.get("candidate")), str(raw.get("label") or "")))
    return checks


@dataclass(frozen=True)
class PersonRow:
    """One row of the yente person fixtures (full_name, first/middle/last, gender, dob, pob, nationality)."""

    full_name: str
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    gender: str = ""
    birth_date: str = ""
    birth_place: str = ""
    nationality: str = ""


def load_people(path: Path) -> list[PersonRow]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "full_name" not in reader.fieldnames:
            raise EvalDataError(f"{path}: no full_name column")
        return [
            PersonRow(
                (r.get("full_name") or "").strip(), (r.get("first_name") or "").strip(),
                (r.get("middle_name") or "").strip(), (r.get("last_name") or "").strip(),
                (r.get("gender") or "").strip(), (r.get("date_of_birth") or "").strip(),
                (r.get("place_of_birth") or "").strip(), (r.get("nationality") or "").strip(),
            )
            for r in reader
        ]


def load_un_pairs(mirror: Path) -> list[tuple[PersonRow, PersonRow]]:
    """(treated, untreated) pairs: row i of treated is a perturbed variant of the UN person in row i of untreated."""
    treated = load_people(_path(mirror, UN_TREATED))
    untreated = load_people(_path(mirror, UN_UNTREATED))
    if len(treated) != len(untreated):
        raise EvalDataError(f"{UN_TREATED} has {len(treated)} rows but {UN_UNTREATED} has {len(untreated)}")
    return list(zip(treated, untreated))


def load_negatives(mirror: Path) -> list[PersonRow]:
    return [row for name in NEGATIVES for row in load_people(_path(mirror, name))]


def load_us_congress(mirror: Path) -> list[PersonRow]:
    return load_people(_path(mirror, US_CONGRESS))


@dataclass(frozen=True)
class CrossScriptPair:
    query: str
    expected: str
    min_score: float
    description: str = ""


def load_cross_script(mirror: Path) -> list[CrossScriptPair]:
    """watchman's pairs: `query,expected,min_score,description`; `#` lines and blank lines are comments."""
    path = _path(mirror, CROSS_SCRIPT)
    pairs = []
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    for row in csv.reader(lines):
        if len(row) < 3:
            raise EvalDataError(f"{path}: expected query,expected,min_score[,description], got {row!r}")
        try:
            min_score = float(row[2])
        except ValueError:
            raise EvalDataError(f"{path}: min_score {row[2]!r} is not a number") from None
        pairs.append(CrossScriptPair(row[0].strip(), row[1].strip(), min_score, ",".join(row[3:]).strip()))
    return pairs


@dataclass(frozen=True)
class TranslitPair:
    arabic: str
    latin: str


def load_ar2en_test(mirror: Path) -> list[TranslitPair]:
    """google/transliteration ar2en TEST split: `arabic<TAB>latin` per line. Never used for tuning."""
    path = _path(mirror, AR2EN_TEST)
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise EvalDataError(f"{path}:{line_no}: expected 'arabic<TAB>latin'")
            pairs.append(TranslitPair(parts[0].strip(), parts[1].strip()))
    return pairs

