"""Screening results grouped by party: one result per party, scored on the best of its records.

The matcher scores list *records* (`ofac-6366`, `unsc-QDe.004`, `gb-hmt-6965` are three records of
al-Qa'ida). Cross-list resolution (`vigil.parties`) says which records are one party; this module turns
the matcher's ranked records into ranked parties for `Screener.screen` (every front end):

* a party's score is the best score of its records in scope (the matcher scores each record on its own
  names and facts; the best record is the party's best evidence), and its result is that record's:
  `id` (a list record id, the stable contract of BRIEF), caption, properties, `explanations` — plus
  `party` (the `vp-` id), `referents` (every member record id in scope, yente-style), `datasets`
  (every list those records are on) and `records` (each member with its own score, when it was scored);
* the scope is the screening's datasets: a screen of `us_ofac_sdn` merges only OFAC records, so it
  still returns OFAC records and their OFAC referents; the whole party is at `/entities/{vp-id}`;
* exact: records come ranked by score, so a party's first record is its best, and the first `limit`
  parties of the top records are the top `limit` parties as long as the records fetched hold `limit`
  parties or are all there are (otherwise the matcher is asked for more, see `fetch_size`).

`parties` is anything with `party_of(record_id)` and `members(party_id)` (a `vigil.parties.PartyMap`);
the front ends pass it (the service layer does not import `vigil.parties`). Without one, every record is
its own party.
"""
from __future__ import annotations

from typing import Any, Iterable, Protocol, Sequence


class PartyLookup(Protocol):
    def party_of(self, record_id: str) -> str | None: ...

    def members(self, party_id: str) -> Sequence[str]: ...


def fetch_size(limit: int) -> int:
    """Records asked of the matcher for `limit` parties: most top records are parties of their own, and a
    party's records usually score alike (then they come together). Each record fetched costs the matcher
    its explanation, so not many more; a page short of parties asks again for three times as many."""
    return limit + max(5, limit // 2)


def expand_party_ids(ids: Iterable[str], parties: PartyLookup | None) -> list[str]:
    """`exclude_entity_ids` may name a party (`vp-…`): it stands for all its records."""
    out: list[str] = []
    for i in ids:
        members = parties.members(i) if parties is not None and i.startswith("vp-") else ()
        out.extend(members or (i,))
    return list(dict.fromkeys(out))


def group(results: Sequence[Any], parties: PartyLookup | None,
          limit: int) -> tuple[list[tuple[str | None, list[Any]]], int]:
    """Match results (ranked) -> ([(party id or None, its results ranked)] for the first `limit` parties,
    how many parties the results hold in all)."""
    groups: dict[str, tuple[str | None, list[Any]]] = {}
    later: set[str] = set()  # parties beyond the page: only counted
    # ties at the four decimals the API shows (copies of one listing on several lists) in
    # REPRESENTATIVE_ORDER; the sort is stable
    results = sorted(results, key=lambda r: (-round(r.score, 4), list_rank(r.entity.datasets)))
    party_of = parties.party_of if parties is not None else None
    for r in results:
        rid = r.entity.id or ""
        pid = party_of(rid) if party_of is not None else None
        key = pid or rid
        found = groups.get(key)
        if found is not None:
            found[1].append(r)
        elif len(groups) < limit:
            groups[key] = (pid, [r])
        else:
            later.add(key)
    return list(groups.values()), len(groups) + len(later)


# Which record stands for a party when several score the same: the official publications first, the
# OpenSanctions transcription of the EU journal last (a tie is common: the lists copy each other's names).
REPRESENTATIVE_ORDER = ("us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions", "eu_fsf", "us_ofac_cons")


def list_rank(datasets: Sequence[str]) -> int:
    return min((REPRESENTATIVE_ORDER.index(d) for d in datasets if d in REPRESENTATIVE_ORDER),
               default=len(REPRESENTATIVE_ORDER))


def representative(scored: list[Any]) -> list[Any]:
    """The ranked results with the representative record first: the best score, ties by REPRESENTATIVE_ORDER."""
    top = round(scored[0].score, 4)  # ties as the API shows scores (four decimals)
    tied = [r for r in scored if round(r.score, 4) == top]
    best = min(tied, key=lambda r: list_rank(r.entity.datasets))
    return scored if best is scored[0] else [best] + [r for r in scored if r is not best]


def party_result(pid: str | None, scored: list[Any], parties: PartyLookup | None, get: Any,
                 scope: set[str] | None) -> dict[str, Any]:
    """One party's result dict from its ranked match results (the representative record first)."""
    scored = representative(scored)
    best = scored[0]
    data = best.to_dict()
    rid = data.get("id") or ""
    by_id = {r.entity.id: r for r in scored}
    members = parties.members(pid) if pid is not None and parties is not None else ()
    datasets = list(data.get("datasets") or [])
    records = []
    referents = []
    for mid in members or (rid,):
        r = by_id.get(mid)
        entity = r.entity if r is not None else get(mid)
        if entity is None:
            continue
        if r is None and scope is not None and not scope.intersection(entity.datasets):
            continue  # outside the screening's lists: merge only within scope
        referents.append(mid)
        for ds in entity.datasets:
            if ds not in datasets and (scope is None or ds in scope):
                datasets.append(ds)
        records.append({"id": mid, "caption": entity.caption, "schema": entity.schema.name,
                        "datasets": list(entity.datasets), "score": round(r.score, 4) if r is not None else None,
                        "match": bool(r.match) if r is not None else False})
    records.sort(key=lambda rec: (rec["id"] != rid, *_record_rank(rec)))  # the representative first
    referents.sort()
    data["party"] = pid
    data["referents"] = referents
    data["datasets"] = datasets
    data["records"] = records
    return data


def _record_rank(record: dict[str, Any]) -> tuple[bool, float, str]:
    """Scored records first, best first; then the others by id."""
    score = record["score"]
    return (score is None, -(score or 0.0), record["id"])


def party_hits(hits: Sequence[tuple[Any, float]], parties: PartyLookup | None, get: Any,
               scope: set[str] | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Text-search hits (entity, score), ranked -> (the page of parties: each its first (best) hit's entity
    with `score`, `party`, and `referents` / `datasets` of its records in scope; parties in all)
    (`GET /search`)."""
    firsts: dict[str, tuple[Any, float, str | None]] = {}
    for entity, score in hits:
        rid = entity.id or ""
        pid = parties.party_of(rid) if parties is not None else None
        firsts.setdefault(pid or rid, (entity, score, pid))
    page = []
    for entity, score, pid in list(firsts.values())[offset:offset + limit]:
        rid = entity.id or ""
        data = entity.to_dict()
        data["score"] = score
        data["party"] = pid
        referents, datasets = [rid], list(entity.datasets)
        for mid in (parties.members(pid) if pid is not None and parties is not None else ()):
            member = get(mid) if mid != rid else None
            if member is None or (scope is not None and not scope.intersection(member.datasets)):
                continue
            referents.append(mid)
            datasets += [d for d in member.datasets if d not in datasets and (scope is None or d in scope)]
        data["referents"] = sorted(referents)
        data["datasets"] = datasets
        page.append(data)
    return page, len(firsts)
