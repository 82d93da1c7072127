"""Cross-list resolution (vigil.parties) against the lists' own statements; see docs/parties.md.

* UK "UN Ref": precision and recall of the matcher-backed stage alone (the lists' references and
  shared identifiers switched off) on the held-out half of the UK groups carrying a resolvable UN
  reference; the tuning half (the thresholds were set on it) beside it; and the same with every
  automatic stage but UN-Ref.
* OFAC<->UN: share of the OFAC/UN pairs sharing a strong identifier (no other OFAC or UN record
  carries it) put into one party by the matcher stage with identifiers withheld from the queries,
  and by the full resolve.
* Seed parties from issue 17: each resolves to one party holding all its records, and MOIS stays
  apart from its directorate (a sub-unit: related, not the same party).
* Speed: screening queries per second of a full run, and the seconds of clustering.
"""
from __future__ import annotations

import time

from vigil.parties.candidates import screen
from vigil.parties.evaluate import (
    eu_un_truth, found, linked_un_without_ref, ofac_un_truth, score_un_ref, un_ref_truth,
)
from vigil.parties.records import EU_JOURNAL
from vigil.parties.records import records_of
from vigil.parties.resolution import resolve_records

from .context import BenchContext
from .report import NOT_COMPARABLE, Row, fmt_pct

SECTION = "parties"
# Issue 17's seed parties: records that must end in one party ...
SEEDS: dict[str, list[str]] = {
    "Soleimani": ["ofac-10481", "unsc-IRi.039"],
    "Hizballah": ["ofac-4697", "gb-hmt-13804"],
    "al-Qa'ida": ["ofac-6366", "unsc-QDe.004", "gb-hmt-6965"],
    "Assad": ["ofac-12735", "gb-hmt-11928"],
    "IRGC": ["ofac-10391", "gb-hmt-11238"],
    "IRGC-QF": ["ofac-10465", "gb-hmt-11241"],
    "MOIS": ["ofac-12111"],
    "MOIS directorate": ["gb-hmt-13742"],
}
# ... with their EU Official Journal records (act, name as printed), checked when that dataset is loaded ...
EU_SEEDS: dict[str, list[tuple[str, str]]] = {
    "Soleimani": [("32012R0267", "Qasem Soleimani")],
    "al-Qa'ida": [("32002R0881", "Al-Qaida")],
    "Assad": [("32012R0036", "Bashar AL-ASSAD")],
    "IRGC": [("32012R0267", "Iranian Revolutionary Guard Corps (IRGC)"),
             ("32001R2580", "Islamic Revolutionary Guard Corps (IRGC)")],
    "IRGC-QF": [("32012R0267", "IRGC Qods Force"), ("32012R0036", "IRGC Qods Force")],
    "MOIS directorate": [("32001R2580", "Directorate for Internal Security of the Iranian Ministry for "
                                        "Intelligence and Security")],
}
# ... and records that must not: MOIS and its Directorate for Internal Security (a sub-unit: related).
APART: list[tuple[str, str]] = [("ofac-12111", "gb-hmt-13742"), ("ofac-12111", "eu-oj-32001R2580-II.B-6")]


def seed_records(entities) -> dict[str, list[str]]:
    """SEEDS plus the ids of the EU journal records of EU_SEEDS found among `entities`."""
    wanted = {(celex, name): seed for seed, rows in EU_SEEDS.items() for celex, name in rows}
    out = {seed: list(ids) for seed, ids in SEEDS.items()}
    for entity in entities:
        if "eu_journal_sanctions" in entity.datasets and entity.id:
            for name in entity.get("name"):
                for (celex, wanted_name), seed in wanted.items():
                    if name == wanted_name and f"-{celex}-" in entity.id:
                        out[seed].append(entity.id)
    return out
NO_INDEX = {"logic-v2": NOT_COMPARABLE, "logic-v1": NOT_COMPARABLE}


def seed_results(clusters: list[list[str]], present: set[str], seeds: dict[str, list[str]]) -> dict[str, dict]:
    party = {m: i for i, members in enumerate(clusters) for m in members}
    out = {}
    for name, ids in seeds.items():
        ids = [i for i in ids if i in present]
        parties = {party[i] for i in ids}
        out[name] = {"records": ids, "one_party": len(parties) == 1,
                     "party": sorted(clusters[next(iter(parties))]) if len(parties) == 1 else None}
    for a, b in APART:
        if a in present and b in present:
            out[f"{a} apart from {b}"] = {"records": [a, b], "one_party": party[a] != party[b], "party": None}
    return out


def run(ctx: BenchContext) -> None:
    lists = ctx.lists()
    matcher = ctx.matcher()
    records = records_of(lists.entities)
    started, cpu = time.perf_counter(), time.process_time()
    pairs, queries, _ = screen(records, matcher, list(records))
    screen_seconds, screen_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    full = resolve_records(records, pairs)
    resolve_seconds = time.perf_counter() - started
    alone = resolve_records(records, pairs, stages={"matcher"})
    no_ref = resolve_records(records, pairs, stages={"matcher", "identifier"})

    truth = un_ref_truth(records)
    if not truth.pairs:
        raise RuntimeError("no UK group carries a resolvable UN reference: load the UK and UN lists")
    held, tune = score_un_ref(alone.clusters, truth, "held-out"), score_un_ref(alone.clusters, truth, "tuning")
    held_all = score_un_ref(no_ref.clusters, truth, "held-out")

    # OFAC<->UN with identifiers withheld: the two lists only, screened from the smaller (UN) side.
    ou_lists = {"ofac", "un_sc_sanctions"}
    ou_records = {k: r for k, r in records_of(lists.entities, screen_ids=False).items() if r.key in ou_lists}
    ou_pairs, _, _ = screen(ou_records, matcher, list(ou_records))
    ou = resolve_records(ou_records, ou_pairs, stages={"matcher"})
    ou_truth = ofac_un_truth(records)
    ou_found, ou_missed = found(ou.clusters, ou_truth)
    full_found, full_missed = found(full.clusters, ou_truth)

    # EU journal<->UN with identifiers withheld: the UN records screened against every EU act (the smaller side).
    eu_keys = {r.key for r in records.values() if EU_JOURNAL in r.datasets}
    eu_truth = eu_un_truth(records)
    if eu_keys and eu_truth:
        eu_records = {k: r for k, r in records_of(lists.entities, screen_ids=False).items()
                      if r.key in eu_keys or r.key == "un_sc_sanctions"}
        un_ids = [k for k, r in eu_records.items() if r.key == "un_sc_sanctions"]
        eu_pairs, _, _ = screen(eu_records, matcher, un_ids, both_ways=True)
        eu_alone = resolve_records(eu_records, eu_pairs, stages={"matcher"})
        eu_found, eu_missed = found(eu_alone.clusters, eu_truth)
        eu_full_found, eu_full_missed = found(full.clusters, eu_truth)

    seeds = seed_results(full.clusters, set(records), seed_records(lists.entities))
    seeds_ok = sum(s["one_party"] for s in seeds.values())
    note_split = f"{held.groups} UK groups held out, {tune.groups} tuning"
    ctx.report.rows += [
        Row(SECTION, "UK↔UN links precision, matcher stage alone (held-out)", {"vigil": held.precision, **NO_INDEX},
            fmt=fmt_pct, target="≥ 99%", check=lambda v: v >= 0.99, note=note_split),
        Row(SECTION, "UK↔UN links recall, matcher stage alone (held-out)", {"vigil": held.recall, **NO_INDEX},
            fmt=fmt_pct, target="≥ 95%", check=lambda v: v >= 0.95),
        Row(SECTION, "… precision / recall on the tuning half", {"vigil": tune.precision, **NO_INDEX}, fmt=fmt_pct,
            note=f"recall {tune.recall:.2%}"),
        Row(SECTION, "… all stages but UN-Ref (held-out) precision", {"vigil": held_all.precision, **NO_INDEX},
            fmt=fmt_pct, note=f"recall {held_all.recall:.2%}"),
        Row(SECTION, "OFAC↔UN shared-id pairs found, matcher stage, ids withheld", {"vigil": _share(ou_found, ou_truth),
            **NO_INDEX}, fmt=fmt_pct, note=f"{len(ou_truth)} pairs"),
        Row(SECTION, "OFAC↔UN shared-id pairs found, full resolve", {"vigil": _share(full_found, ou_truth), **NO_INDEX},
            fmt=fmt_pct),
    ]
    if eu_keys and eu_truth:
        ctx.report.rows += [
            Row(SECTION, "EU journal↔UN shared-id pairs found, matcher stage, ids withheld",
                {"vigil": _share(eu_found, eu_truth), **NO_INDEX}, fmt=fmt_pct, note=f"{len(eu_truth)} pairs"),
            Row(SECTION, "EU journal↔UN shared-id pairs found, full resolve",
                {"vigil": _share(eu_full_found, eu_truth), **NO_INDEX}, fmt=fmt_pct),
        ]
    ctx.report.rows += [
        Row(SECTION, "seed parties resolved (issue 17)", {"vigil": seeds_ok / len(seeds), **NO_INDEX}, fmt=fmt_pct,
            target="100%", check=lambda v: v >= 1.0, note=f"{seeds_ok} of {len(seeds)}"),
        Row(SECTION, "screening queries per CPU-second (full run)", {"vigil": queries / screen_cpu, **NO_INDEX},
            fmt=lambda v: f"{v:,.0f}", note=f"{queries:,} queries, {screen_cpu:.1f}s CPU, {screen_seconds:.1f}s wall"),
        Row(SECTION, "clustering seconds (all lists)", {"vigil": resolve_seconds, **NO_INDEX},
            fmt=lambda v: f"{v:.2f}s"),
    ]
    multi = sum(1 for c in full.clusters if len(c) > 1)
    ctx.report.details[SECTION] = {
        "records": len(records), "parties": len(full.clusters), "multi_record_parties": multi,
        "links_by_stage": full.links_by_stage, "review_pending": len(full.review),
        "un_ref": {"resolvable_groups": len(truth.pairs), "unresolvable": truth.unresolvable,
                   "held_out": _score_dict(held), "tuning": _score_dict(tune), "all_but_un_ref": _score_dict(held_all),
                   "uk_without_ref_linked_to_un": linked_un_without_ref(no_ref.clusters, truth, records)[:100]},
        "ofac_un": {"pairs": len(ou_truth), "found_ids_withheld": ou_found, "missed_ids_withheld": ou_missed[:100],
                    "found_full": full_found, "missed_full": full_missed[:100]},
        "eu_un": ({"pairs": len(eu_truth), "found_ids_withheld": eu_found, "missed_ids_withheld": eu_missed[:100],
                   "found_full": eu_full_found, "missed_full": eu_full_missed[:100]} if eu_keys and eu_truth else None),
        "eu_records": sum(1 for r in records.values() if EU_JOURNAL in r.datasets),
        "eu_records_in_multi_list_parties": sum(
            1 for c in full.clusters if any(EU_JOURNAL in records[m].datasets for m in c)
            for m in c if EU_JOURNAL in records[m].datasets and any(EU_JOURNAL not in records[o].datasets for o in c)),
        "seeds": seeds, "conflicts": [(l.a, l.b, why) for l, why in full.clustering.conflicts][:100],
    }


def _share(n: int, of: set) -> float:
    return n / len(of) if of else float("nan")


def _score_dict(score) -> dict:
    return {"groups": score.groups, "tp": score.tp, "fp": score.fp, "fn": score.fn, "precision": score.precision,
            "recall": score.recall, "false_links": score.false_links[:50], "missed": score.missed[:50]}
