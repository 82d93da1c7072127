"""Data tables of name words shipped with the package, parsed (not normalised: `names` does that).

* `titles.tsv`: titles and honorifics in any script (Seyed, سید, Ayatollah, آیت‌الله, Sardar ...):
  never name parts.
* `wadegiles.tsv`: pinyin syllables and their Wade-Giles spellings (generated: `build_wadegiles`).
* `org_words.tsv`: words of Persian, Arabic and Chinese organisation names with their Latin
  transliterations and English translations (وزارت = VEZARAT = MINISTRY).

Both files document their own format in their header comments.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent
TITLES_FILE = _HERE / "titles.tsv"
ORG_WORDS_FILE = _HERE / "org_words.tsv"
WADE_GILES_FILE = _HERE / "wadegiles.tsv"
ORG_CLASSES = ("head", "generic", "word", "form")
TITLE_CLASSES = ("religious", "honorific", "rank", "academic", "civil")


def _rows(path: Path) -> list[list[str]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = [c.strip() for c in line.split("\t")]
            if not cols[0]:
                raise ValueError(f"{path.name}:{lineno}: empty first column")
            out.append(cols + [""] * (3 - len(cols)))
    return out


@lru_cache(maxsize=1)
def titles() -> tuple[tuple[str, str], ...]:
    """(title as written, class) for every row of titles.tsv."""
    out = []
    for cols in _rows(TITLES_FILE):
        if cols[1] not in TITLE_CLASSES:
            raise ValueError(f"titles.tsv: {cols[0]!r}: unknown class {cols[1]!r}")
        out.append((cols[0], cols[1]))
    return tuple(out)


@lru_cache(maxsize=1)
def org_words() -> tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...]:
    """(spellings, English words, class) for every row of org_words.tsv."""
    out = []
    for cols in _rows(ORG_WORDS_FILE):
        forms = tuple(f.strip() for f in cols[0].split(",") if f.strip())
        english = tuple(e.strip() for e in cols[1].split(",") if e.strip())
        if cols[2] not in ORG_CLASSES or not english:
            raise ValueError(f"org_words.tsv: {cols[0]!r}: needs English words and a class in {ORG_CLASSES}")
        out.append((forms, english, cols[2]))
    return tuple(out)


@lru_cache(maxsize=1)
def wade_giles() -> tuple[tuple[str, str], ...]:
    """(toneless pinyin syllable, its Wade-Giles spelling) for every row of wadegiles.tsv."""
    return tuple((cols[0], cols[1]) for cols in _rows(WADE_GILES_FILE))
