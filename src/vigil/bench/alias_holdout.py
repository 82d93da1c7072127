"""Alias holdout: can an OFAC entity be found by one of its aliases that the index does not hold?

Built from the list itself (no labelled file): the OFAC SDN entities (dataset `us_ofac_sdn`) with
two names or more (distinct after `name_key` folding). Each entity's half is `splits.split_of("ofac:"
+ id)`. From each half a fixed sample of `SAMPLE` entities (`QUICK_SAMPLE` with --quick) is drawn
with `random.Random(SEED)` from the eligible entities sorted by id, and for each one alias
(`alias`, `weakAlias` or `previousName`, not equal after folding to another of its names) is
drawn with the same generator. Per half, the index is rebuilt over all SDN entities with each
sampled entity's drawn alias removed; the alias is then screened with the entity's schema (name
only) and must find its entity: top-1 / top-3 and misses by cause (see `listeval`), for vigil's
Matcher and for logic-v2 behind yente-like retrieval (`pipeline`) over the same reduced list.
Only the held-out half counts; the tuning half is for tuning.
"""
from __future__ import annotations

import random

from vigil.model import Entity

from . import engine
from .context import BenchContext
from .keys import name_key
from .listeval import Case, rows, run_pipeline, run_vigil
from .splits import HELD_OUT, SPLITS, split_of

SECTION = "alias holdout"
DATASET = "us_ofac_sdn"
ALIAS_PROPS = ("alias", "weakAlias", "previousName")
SEED = 15  # issue 15
SAMPLE = 400
QUICK_SAMPLE = 80
TARGET = 0.65


def draw(entities: list[Entity], half: str, n: int, seed: int = SEED) -> list[tuple[Entity, str]]:
    """(entity, held-out alias) for a fixed sample of eligible entities of one half."""
    eligible = []
    for entity in sorted(entities, key=lambda e: e.id or ""):
        if DATASET not in entity.datasets or split_of(f"ofac:{entity.id}") != half:
            continue
        if len({name_key(n) for n in entity.names}) >= 2:
            eligible.append(entity)
    rng = random.Random(seed)
    picked = rng.sample(eligible, min(n, len(eligible)))
    out = []
    for entity in sorted(picked, key=lambda e: e.id or ""):
        aliases = []
        for prop in ALIAS_PROPS:
            for value in entity.get(prop):
                others = {name_key(x) for x in entity.names if x != value}
                if name_key(value) not in others and value not in aliases:
                    aliases.append(value)
        if aliases:
            out.append((entity, rng.choice(aliases)))
    return out


def without(entity: Entity, alias: str) -> Entity:
    copy = Entity.from_dict(entity.to_dict())
    for prop in list(copy.properties):
        if alias in copy.properties[prop] and prop in ("name",) + ALIAS_PROPS:
            copy.properties[prop] = [v for v in copy.properties[prop] if v != alias]
            if not copy.properties[prop]:
                del copy.properties[prop]
    return copy


def run(ctx: BenchContext) -> None:
    sdn = [e for e in ctx.lists().entities if DATASET in e.datasets]
    if not sdn:
        raise RuntimeError("the OFAC SDN list is not loaded (vigil update --mirror DIR)")
    n = QUICK_SAMPLE if ctx.quick else SAMPLE
    details = {}
    for half in SPLITS:
        sample = draw(sdn, half, n)
        removed = {e.id: alias for e, alias in sample}
        reduced = [without(e, removed[e.id]) if e.id in removed else e for e in sdn]
        cases = [Case(Entity(e.schema.name, id=f"alias-{k}", properties={"name": [alias]}),
                      frozenset([e.id]), f"{alias!r} → {e.id} {e.caption!r}")
                 for k, (e, alias) in enumerate(sample)]
        tallies = {"vigil": run_vigil(engine.build_matcher(reduced), cases)}
        if ctx.anchors_ok:
            from .pipeline import YenteLike

            tallies["logic-v2"] = run_pipeline(YenteLike(reduced), cases)
        note = f"{len(cases)} aliases of {len(sdn):,} SDN entities, seed {SEED}"
        ctx.report.rows += rows(SECTION, half, tallies, note, TARGET if half == HELD_OUT else None)
        details[half] = {k: (t.to_dict() if half != HELD_OUT else {**t.to_dict(), "misses": []})
                         for k, t in tallies.items()}
    ctx.report.details[SECTION] = details
