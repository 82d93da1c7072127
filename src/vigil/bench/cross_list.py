"""Cross-list: the UK's spellings of UN-listed parties, screened against the UN list.

Built from the lists (no labelled file): each UK OFSI group (dataset `gb_hmt_sanctions`) that
carries a UN reference (`referents` naming an entity of `un_sc_sanctions`) gives its names —
`name`, `alias` (the UK's aliases and its non-Latin-script names) and `previousName` — except
those equal, after `name_key` folding, to a name of that UN entry (they would test nothing). Each
name is screened with the group's schema (name only) against an index of the UN list alone;
top-1 means the UN entry comes first with a score >= 0.7 (misses by cause: see `listeval`). The
groups are split by `splits.split_of("uk:" + id)`; only the held-out half counts. logic-v2 runs
behind yente-like retrieval (`pipeline`) over the same UN list.
"""
from __future__ import annotations

from vigil.model import Entity

from . import engine
from .context import BenchContext
from .keys import name_key
from .listeval import Case, rows, run_pipeline, run_vigil
from .splits import HELD_OUT, SPLITS, split_of

SECTION = "cross-list UK→UN"
UK = "gb_hmt_sanctions"
UN = "un_sc_sanctions"
NAME_PROPS = ("name", "alias", "previousName")
TARGET = 0.90
QUICK_SAMPLE = 120


def build_cases(entities: list[Entity], half: str) -> list[Case]:
    un = {e.id: e for e in entities if UN in e.datasets}
    cases = []
    for entity in sorted(entities, key=lambda e: e.id or ""):
        if UK not in entity.datasets or split_of(f"uk:{entity.id}") != half:
            continue
        targets = [un[r] for r in entity.referents if r in un]
        if not targets:
            continue
        known = {name_key(n) for t in targets for n in t.names}
        seen = set()
        for prop in NAME_PROPS:
            for value in entity.get(prop):
                key = name_key(value)
                if not key or key in known or key in seen:
                    continue
                seen.add(key)
                cases.append(Case(Entity(entity.schema.name, id=f"uk-{len(cases)}", properties={"name": [value]}),
                                  frozenset(t.id for t in targets),
                                  f"{value!r} ({entity.id}) → {targets[0].id} {targets[0].caption!r}"))
    return cases


def run(ctx: BenchContext) -> None:
    entities = ctx.lists().entities
    un = [e for e in entities if UN in e.datasets]
    if not un or not any(UK in e.datasets for e in entities):
        raise RuntimeError("the UN and UK lists must both be loaded (vigil update --mirror DIR)")
    matcher = engine.build_matcher(un)
    pipeline = None
    if ctx.anchors_ok:
        from .pipeline import YenteLike

        pipeline = YenteLike(un)
    details = {}
    for half in SPLITS:
        cases = ctx.sample(build_cases(entities, half), quick_n=QUICK_SAMPLE)
        tallies = {"vigil": run_vigil(matcher, cases)}
        if pipeline is not None:
            tallies["logic-v2"] = run_pipeline(pipeline, cases)
        note = f"{len(cases)} UK names vs {len(un):,} UN entries" + (" sampled" if ctx.quick else "")
        ctx.report.rows += rows(SECTION, half, tallies, note, TARGET if half == HELD_OUT else None)
        details[half] = {k: (t.to_dict() if half != HELD_OUT else {**t.to_dict(), "misses": []})
                         for k, t in tallies.items()}
    ctx.report.details[SECTION] = details
