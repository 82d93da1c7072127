"""Matching algorithms as yente describes them: names, aliases, feature weights and config docs.

yente clients name nomenklatura's algorithms (`logic-v2`, `name-based` ...). vigil has its own two
(`vigil`, `ofac`); each yente name is a documented alias of the vigil algorithm closest to what it
does, and every `/match` response says in its `matcher` block which algorithm ran for which name.
"""
from __future__ import annotations

from typing import Any, Mapping

# yente / nomenklatura name -> vigil algorithm, with why (shown in /algorithms and docs/service.md).
YENTE_ALIASES: dict[str, tuple[str, str]] = {
    "best": ("vigil", "yente's 'best available': vigil's default matcher"),
    "default": ("vigil", "the server default"),
    "logic-v2": ("vigil", "rule-based name alignment plus birth date, country, gender and identifier evidence, "
                          "as logic-v2; vigil's rules and weights, not nomenklatura's"),
    "logic-v1": ("vigil", "superseded by logic-v2 in yente; served by the same matcher"),
    "name-qualified": ("vigil", "names qualified by birth date and country, which vigil's matcher does"),
    "regression-v1": ("vigil", "a trained model in nomenklatura; vigil has no trained model, so its "
                               "rule-based matcher answers"),
    "name-based": ("ofac", "Jaro-Winkler and Soundex on names only, as nomenklatura's name-based"),
}

# What each weight and config key means (the comments of vigil.matching.scoring, as data).
FEATURE_DOCS: dict[str, str] = {
    "name": "Multiplier of the best alignment of a query name with a listed name (any script, "
            "transliterated, phonetic and spelling-variant aware).",
    "dob_match": "Birth dates agree (full date 1.0, year or range 0.6 of the weight).",
    "dob_mismatch": "Birth dates contradict (different years, outside any stated range).",
    "country_match": "A country, nationality or citizenship agrees.",
    "country_mismatch": "Both sides state countries and none agree.",
    "gender_mismatch": "Both sides state a gender and they differ.",
    "id_match": "The same identifier (passport, national ID, registration, IMO ...) on both sides.",
    "id_mismatch": "Both sides have identifiers and none agree.",
}
CONFIG_DOCS: dict[str, str] = {
    "weak_alias_factor": "Names from weakAlias (OFAC weak a.k.a., UN low quality) count this much.",
    "unmatched_candidate_factor": "Cost of extra candidate name parts (middle names).",
    "single_token_factor": "Only one name part matched while the candidate has several.",
    "swapped_parts_factor": "Given name matched the family name and vice versa.",
    "skeleton_score": "Similarity of two parts with the same phonetic skeleton (Soleimani/Sulaymani).",
    "synonym_score": "Similarity of two parts in the same spelling-variant class (Mohammad/Muhammad).",
    "nickname_score": "Similarity of a given name and its pet form (Ted/Theodore).",
    "min_token_score": "Name-part pairs below this similarity do not align.",
    "fuzzy_floor": "Name-part pairs below this similarity count as different parts.",
    "conflict_factor": "A pair of parts that differ (Echegaray / Echeverria).",
    "substitution_factor": "Each name has a part the other lacks (another father, clan or family name).",
    "reorder_factor": "Aligned parts in a different (non-cyclic) order.",
    "nasab_swap_factor": "Father and son swapped (Salman bin Muhammad / Muhammad bin Salman).",
    "edge_part_factor": "A first or last name part of the candidate is missing from the query.",
    "legal_mismatch_factor": "Different kinds of legal entity (AG / GmbH, JSC / LLC).",
    "org_extra_token_factor": "An organisation name part the other name lacks.",
    "number_mismatch_factor": "The names' numbers differ or only one has one (Fund II / Fund III).",
    "acronym_factor": "A query part equals the initials of the other name (IRGC).",
    "candidates": "Name records fully scored per query (more: slower, rarely better).",
}
DOCS_URL = "docs/matching.md#3-scoring-scoringpy-algorithm-vigil"  # in the vigil source tree; no public site


def vigil_algorithms() -> dict[str, Any]:
    from vigil.matching import ALGORITHMS

    return ALGORITHMS


def default_algorithm() -> str:
    algos = vigil_algorithms()
    return "vigil" if "vigil" in algos else next(iter(algos))


def known_names() -> list[str]:
    """Every name /match accepts: vigil's algorithms, then the yente aliases."""
    return list(vigil_algorithms()) + [n for n in YENTE_ALIASES if n not in vigil_algorithms()]


def resolve(name: str | None) -> str | None:
    """The vigil algorithm that runs for `name` (None when unknown)."""
    if not name:
        return default_algorithm()
    if name in vigil_algorithms():
        return name
    alias = YENTE_ALIASES.get(name)
    if alias is None:
        return None
    target = alias[0] if alias[0] in vigil_algorithms() else default_algorithm()
    return target


def _config_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    return "string"


def describe(name: str, requested: str | None = None, weights: Mapping[str, float] | None = None,
             config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """yente's AlgorithmDocs for vigil algorithm `name` (`{name, description, config, features}`), plus
    `requested` (the name the caller used) and `version`. With `weights`/`config` (a request's overrides),
    `coefficient` and `value` are the effective numbers the request was scored with."""
    from vigil import __version__
    from vigil.matching import native

    spec = vigil_algorithms()[name]
    weights = dict(weights or {})
    config = dict(config or {})
    features = {
        key: {"description": FEATURE_DOCS.get(key, key.replace("_", " ")),
              "coefficient": float(weights.get(key, default)), "url": DOCS_URL}
        for key, default in spec["weights"].items()
    }
    cfg = {
        key: {"type": _config_type(default), "description": CONFIG_DOCS.get(key, key.replace("_", " ")),
              "default": default, "value": config.get(key, default)}
        for key, default in spec["config"].items()
    }
    out = {"name": name, "description": spec.get("description") or "", "version": f"{__version__} ({native.MODE})",
           "config": cfg, "features": features}
    if requested is not None:
        out["requested"] = requested
    return out


def catalogue() -> dict[str, Any]:
    """The /algorithms body in yente's shape: every accepted name, aliases pointing at what they run."""
    default = default_algorithm()
    items = [describe(name) for name in vigil_algorithms()]
    for alias, (target, why) in YENTE_ALIASES.items():
        if alias in vigil_algorithms():
            continue
        resolved = resolve(alias) or default
        docs = describe(resolved)
        docs.update(name=alias, description=f"Alias of vigil's '{resolved}': {why}.", alias_of=resolved)
        items.append(docs)
    return {"algorithms": items, "default": default, "best": default}


__all__ = ["YENTE_ALIASES", "resolve", "describe", "catalogue", "known_names", "default_algorithm"]
