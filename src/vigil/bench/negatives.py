"""False alarms: yente's 2,000 synthetic non-sanctioned people (negatives_global + negatives_us)
and 1,254 US congress members (common names, hard negatives), screened with the Matcher
against ALL loaded lists (limit 5, threshold 0.7). A query counts when any result is flagged
`match`. The negatives are screened with everything the file gives (name, name parts, birth date,
nationality, gender, birth place) and, stricter, by name only; congress rows carry name + birth year.

Those two sets have no tuning half. The TUNING set is `generated.py`'s: people generated with Faker
(fixed seed) in the same kinds of locales and scripts plus common US names, screened by name only;
its alarms are listed in full in the JSON details so that rules can be tuned on them.
"""
from __future__ import annotations

from . import generated
from .context import BenchContext
from .evalsets import PersonRow, load_negatives, load_us_congress
from .metrics import DEFAULT_THRESHOLD, share
from .queries import person_entity
from .report import NOT_COMPARABLE, Row, fmt_pct

SECTION = "negatives"
LIMIT = 5


def _screen(ctx: BenchContext, rows: list[PersonRow], with_details: bool) -> tuple[float, list[dict]]:
    matcher = ctx.matcher()
    alarms = []
    for row in rows:
        query = person_entity(row, with_details=with_details)
        resp = matcher.match(query, limit=LIMIT, threshold=DEFAULT_THRESHOLD)
        hits = [r for r in resp.results if r.match]
        if hits:
            alarms.append({"query": row.full_name, "dob": row.birth_date, "nationality": row.nationality,
                           "matched": hits[0].entity.id, "matched_name": hits[0].entity.caption,
                           "score": round(hits[0].score, 3)})
    return share(len(alarms), len(rows)), alarms


def run(ctx: BenchContext) -> None:
    negatives = ctx.sample(load_negatives(ctx.mirror), quick_n=300)
    congress = ctx.sample(load_us_congress(ctx.mirror), quick_n=200)
    no_index = {"logic-v2": NOT_COMPARABLE, "logic-v1": NOT_COMPARABLE}
    full, full_alarms = _screen(ctx, negatives, with_details=True)
    name_only, name_alarms = _screen(ctx, negatives, with_details=False)
    cong, cong_alarms = _screen(ctx, congress, with_details=True)
    tuning, tuning_details = _tuning_rows(ctx)
    sampled = " sampled" if ctx.quick else ""
    ctx.report.rows += [
        Row(SECTION, "synthetic people with any match", {"vigil": full, **no_index}, fmt=fmt_pct,
            target="≤ 1%", check=lambda v: v <= 0.01, note=f"{len(negatives)}{sampled}, name+DOB+nationality"),
        Row(SECTION, "… screened by name only", {"vigil": name_only, **no_index}, fmt=fmt_pct),
        Row(SECTION, "US congress with any match", {"vigil": cong, **no_index}, fmt=fmt_pct,
            note=f"{len(congress)}{sampled}, name+birth year"),
        *tuning,
    ]
    ctx.report.details[SECTION] = {"negatives": len(negatives), "congress": len(congress),
                                   "alarms_full": full_alarms[:50], "alarms_name_only": name_alarms[:50],
                                   "alarms_congress": cong_alarms[:50],
                                   **tuning_details}


def _tuning_rows(ctx: BenchContext) -> tuple[list[Row], dict]:
    """The generated tuning negatives (name only): one row for the locale people, one for common US names."""
    try:
        people = generated.generate()
    except ImportError:
        return [Row(SECTION, "generated negatives (tuning set)", {"vigil": "faker not installed"})], {}
    people = ctx.sample(people, quick_n=600)
    label = f"Faker {generated.faker_version()} seed {generated.SEED}, tuning set"
    rows, details = [], {}
    for kind, metric in (("locale", "tuning: generated people, name only"),
                         ("us_common", "tuning: generated common US names, name only")):
        group = [p for p in people if p.kind == kind]
        rate, alarms = _screen(ctx, [p.row for p in group], with_details=False)
        by_query = {p.row.full_name: p for p in group}
        for a in alarms:
            person = by_query.get(a["query"])
            if person is not None:
                a["locale"] = person.locale + (" (Latin)" if person.latin else "")
        rows.append(Row(SECTION, metric, {"vigil": rate, **{c: NOT_COMPARABLE for c in ("logic-v2", "logic-v1")}},
                        fmt=fmt_pct, note=f"{len(group)}, {label}"))
        details[f"tuning_{kind}"] = {"people": len(group), "faker": generated.faker_version(),
                                     "seed": generated.SEED, "alarms": alarms}
    return rows, details
