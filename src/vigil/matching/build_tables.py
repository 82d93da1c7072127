"""Build `synonyms.json`: spelling-variant classes learned from data (run by maintainers).

    python -m vigil.matching.build_tables /path/to/shared/data

Sources (training material only; the evaluation test sets are never read):
* the lists' own alias groups: every pair of names of one OFAC / UN / UK entry is aligned
  part by part, and parts that differ but sound alike (Soleimani / Soleymani / Sulaimani)
  are recorded as variants; Arabic-script names (UN original script, UK non-Latin names,
  OFAC Arabic aliases) are aligned with their Latin names the same way, by skeleton;
* the google ar2en **train** split (Arabic word -> Latin spelling).

Parts are aligned one-to-one (mutual best partner) and must pass a phonetic sanity check;
a pair must be seen twice. Only direct variants are stored (no transitive closure, which
chained Mahmoud -> Muhammad and Soleimani -> Salman in a first attempt). The file maps each
spelling (Latin, or folded Arabic word) to its observed Latin variants.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from . import translit
from .names import kind_of, name_tokens
from .tables import TABLES_FILE

LIST_SOURCES = (("ofac", "ofac_sdn"), ("un", "un/consolidated.xml"), ("uk", "uk_ofsi/ConList.xlsx"))
AR2EN_TRAIN = "matching_eval/google_ar2en-train.txt"


def _latin_close(a, b) -> bool:
    """Two Latin spellings that plausibly write one name."""
    if a.text == b.text or len(a.text) < 3 or len(b.text) < 3:
        return False
    if a.vkey == b.vkey:
        return Levenshtein.normalized_similarity(a.text, b.text) >= 0.5
    return (a.skels[0] == b.skels[0] and len(a.skels[0]) >= 3
            and Levenshtein.normalized_similarity(a.text, b.text) >= 0.7)


def _cross_close(ar, lat) -> bool:
    return bool(lat.skels) and len(lat.skels[0]) >= 2 and lat.skels[0] in ar.skels


def _best_partner(t, others):
    """The one part of the other name that writes the same name part as `t`, if any."""
    best, best_d = None, 0.0
    for o in others:
        if o.weak:
            continue
        if t.vkey is not None and o.vkey is not None:
            ok = _latin_close(t, o) or t.text == o.text
        elif t.vkey is None and o.vkey is not None:
            ok = _cross_close(t, o)
        elif o.vkey is None and t.vkey is not None:
            ok = _cross_close(o, t)
        else:
            ok = False
        if ok:
            d = Levenshtein.normalized_similarity(t.text, o.text)
            if best is None or d > best_d:
                best, best_d = o, d
    return best


def _key(t) -> str:
    return t.text if t.vkey is not None else "ar:" + translit.fold_arabic(t.key)


def _pairs_from_names(names: list[str], kind: str, pairs: Counter, freq: Counter) -> None:
    analysed = [name_tokens(n, kind) for n in names]
    for toks in analysed:
        for t in toks:
            if t.vkey is not None and not t.weak:
                freq[t.text] += 1
    for a, b in combinations(analysed, 2):
        for ta in a:
            if ta.weak:
                continue
            tb = _best_partner(ta, b)
            # One-to-one: keep the pair only if ta is also tb's best partner in `a`.
            if tb is None or tb.text == ta.text or _best_partner(tb, a) is not ta:
                continue
            pairs[tuple(sorted((_key(ta), _key(tb))))] += 1


def build(data_dir: Path) -> dict:
    from vigil.sources import parse

    # No synonyms while learning them: analyse with the plain rules only.
    from . import tables

    tables.variants.cache_clear()
    tables_file_backup = tables.TABLES_FILE
    tables.TABLES_FILE = Path("/nonexistent")
    try:
        pairs: Counter = Counter()
        freq: Counter = Counter()
        for source, rel in LIST_SOURCES:
            path = data_dir / rel
            if not path.exists():
                continue
            for ent in parse(source, path).entities:
                names = ent.names
                if len(names) > 1:
                    _pairs_from_names(names, kind_of(ent.schema.name), pairs, freq)
        ar2en = data_dir / AR2EN_TRAIN
        if ar2en.exists():
            for line in ar2en.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) != 2:
                    continue
                ar = name_tokens(parts[0], "person")
                la = name_tokens(parts[1], "person")
                if len(ar) == 1 and len(la) == 1 and ar[0].vkey is None and _cross_close(ar[0], la[0]):
                    pairs[tuple(sorted(("ar:" + translit.fold_arabic(ar[0].key), la[0].text)))] += 2
                    freq[la[0].text] += 1
    finally:
        tables.TABLES_FILE = tables_file_backup
        tables.variants.cache_clear()

    # Direct variants only (no transitive closure: chains would join different names).
    # Pairs seen once in the lists are noise-prone; ar2en pairs are curated, so they count double.
    variants: dict[str, set[str]] = {}
    for (a, b), n in pairs.items():
        if n < 2:
            continue
        variants.setdefault(a, set()).add(b)
        variants.setdefault(b, set()).add(a)
    out = {
        (k[3:] if k.startswith("ar:") else k): sorted(v for v in vs if not v.startswith("ar:"))
        for k, vs in variants.items()
    }
    out = {k: v for k, v in out.items() if v}
    return {"variants": dict(sorted(out.items())), "pairs": sum(1 for n in pairs.values() if n >= 2)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    data_dir = Path(argv[0]) if argv else Path(__file__).resolve().parents[3].parent / "shared" / "data"
    out = build(data_dir)
    TABLES_FILE.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {TABLES_FILE}: variants of {len(out['variants'])} spellings "
          f"from {out['pairs']} variant pairs ({TABLES_FILE.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
