"""False alarms: yente's 2,000 synthetic non-sanctioned people (negatives_global + negatives_us)
and 1,254 US congress members (common names, hard negatives), screened with the Matcher
against ALL loaded lists (limit 5, threshold 0.7). A query counts when any result is flagged
`match`. The negatives are screened with everything the file gives (name, name parts, birth date,
nationality, gender, birth place) and, stricter, by name only; congress rows carry name + birth year.
"""
from __future__ import annotations

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
    sampled = " sampled" if ctx.quick else ""
    ctx.report.rows += [
        Row(SECTION, "synthetic people with any match", {"vigil": full, **no_index}, fmt=fmt_pct,
            target="≤ 1%", check=lambda v: v <= 0.01, note=f"{len(negatives)}{sampled}, name+DOB+nationality"),
        Row(SECTION, "… screened by name only", {"vigil": name_only, **no_index}, fmt=fmt_pct),
        Row(SECTION, "US congress with any match", {"vigil": cong, **no_index}, fmt=fmt_pct,
            note=f"{len(congress)}{sampled}, name+birth year"),
    ]
    ctx.report.details[SECTION] = {"negatives": len(negatives), "congress": len(congress),
                                   "alarms_full": full_alarms[:50], "alarms_name_only": name_alarms[:50],
                                   "alarms_congress": cong_alarms[:50]}
