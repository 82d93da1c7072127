"""Cross-list parties on the real published lists (../shared/data), resolved once per session."""
from __future__ import annotations

import csv
import re
import shutil

import pytest

from vigil.bench.parties import APART, SEEDS, seed_records
from vigil.parties import Parties
from vigil.store import Store

# Written leniently on purpose: any spacing or case around "(UN Ref):" and inside the reference.
RAW_UN_REF = re.compile(r"\(UN\s*Ref\)\s*:\s*([A-Za-z]{2,3})\s*([ie])\s*\.\s*(\d{1,4})", re.I)


@pytest.fixture(scope="module")
def seeds(resolved_db):
    """Issue 17's seed parties, with their EU journal records when that dataset is loaded."""
    store = Store(resolved_db)
    found = seed_records(store.entities())
    store.engine.dispose()
    return found


@pytest.mark.parametrize("name", SEEDS)
def test_seed_party_resolves_to_one_party_listing_all_its_records(real_parties, seeds, name):
    records = seeds[name]
    pid = real_parties.party_of(records[0])
    assert all(real_parties.party_of(r) == pid for r in records), {r: real_parties.party_of(r) for r in records}
    party = real_parties.party(pid)
    assert set(records) <= set(party.entity.referents)
    assert {ds for r in records for ds in real_parties.store.entity(r).datasets} <= set(party.datasets)


def test_al_qaida_is_one_party_on_ofac_un_and_uk(real_parties):
    party = real_parties.party("unsc-QDe.004")
    assert {"gb-hmt-6965", "ofac-6366", "unsc-QDe.004"} <= set(party.members)
    assert [m for m in party.members if not m.startswith("eu-")] == ["unsc-QDe.004", "gb-hmt-6965", "ofac-6366"]
    assert {"us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions"} <= set(party.datasets)
    assert party.entity.caption == "AL-QAIDA"


def test_mois_is_not_merged_with_its_directorate(real_parties):
    for a, b in APART:
        assert real_parties.party_of(a) != real_parties.party_of(b)


def test_every_resolvable_uk_un_reference_links_its_records(real_parties, shared_data):
    """Independent of the UK parser: read every "(UN Ref):" in the raw file, typos and all."""
    path = shared_data / "uk_ofsi" / "ConList_from_xlsx.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[1]
    group, info = header.index("Group ID"), header.index("Other Information")
    stated: dict[str, set[str]] = {}
    for row in rows[2:]:
        for m in RAW_UN_REF.finditer(row[info]):
            ref = f"unsc-{m.group(1).upper()}{m.group(2).lower()}.{int(m.group(3)):03d}"
            stated.setdefault(f"gb-hmt-{row[group]}", set()).add(ref)
    current = real_parties.map().party
    resolvable = {(uk, un) for uk, refs in stated.items() for un in refs if un in current}
    unresolvable = {(uk, un) for uk, refs in stated.items() for un in refs if un not in current}
    assert len(stated) > 850 and len(resolvable) > 850
    assert [p for p in sorted(resolvable) if current[p[0]] != current[p[1]]] == []
    report = real_parties.last_report()
    assert {(uk, un) for uk, refs in report["unresolved_references"].items() for un in refs} == unresolvable
    assert len(unresolvable) == 5  # UN references to entries the (newer) UN list no longer carries


def test_report_and_queue_on_the_real_lists(real_parties):
    report = real_parties.last_report()
    assert report["full"] and report["records"] == sum(len(m) for m in real_parties.map().members_of.values())
    assert report["links"]["reference"] > 850 and report["links"]["matcher"] > 2500
    assert report["multi_record_parties"] > 2500
    queue = real_parties.review_queue(limit=20)
    assert queue and all(i.status == "pending" and i.why and i.strength >= 0.8 for i in queue)
    assert [i.strength for i in queue] == sorted((i.strength for i in queue), reverse=True)


def test_a_second_uk_snapshot_keeps_party_ids_where_members_did_not_change(resolved_db, shared_data, tmp_path):
    """Ingest an edited copy of the real UK file (3 groups delisted, one respelled, one new listing)."""
    db = tmp_path / "vigil.db"
    shutil.copy(resolved_db.removeprefix("sqlite:///"), db)
    store = Store(f"sqlite:///{db}")
    parties = Parties(store)
    before = parties.map()

    src = shared_data / "uk_ofsi" / "ConList_from_xlsx.csv"
    with open(src, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[1]
    gid, name6 = header.index("Group ID"), header.index("Name 6")
    # al-Qaida and Hizballah leave the UK list, and so does a UK-only party (its id is retired).
    alone = next(m for m in sorted(before.party) if m.startswith("gb-hmt-") and len(before.members(before.party[m])) == 1)
    delisted = {"6965", "13804", alone.removeprefix("gb-hmt-")}
    kept = [r for r in rows[2:] if r[gid] not in delisted]
    for r in kept:
        if r[gid] == "11928":
            r[name6] = r[name6] + "-ASSAD"  # a changed spelling: re-screened, same party
    extra = list(kept[0])
    extra[gid], extra[name6] = "99999", "NEWLY LISTED TRADING CO"
    edited = tmp_path / "ConList.csv"
    with open(edited, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows[:2] + kept + [extra])
    store.ingest_file("uk", edited)

    report = parties.resolve()
    after = parties.map()
    assert not report.full and report.screened == 2  # the renamed and the new record only
    # Parties whose records are unchanged keep their ids.
    unchanged = [pid for pid, members in before.members_of.items()
                 if not {f"gb-hmt-{g}" for g in delisted | {"11928"}} & set(members)]
    assert unchanged and all(after.members_of.get(pid) == before.members_of[pid] for pid in unchanged)
    # Changed membership: the party keeps its id (al-Qaida lost its UK record, Assad's UK record changed).
    assert after.party_of("ofac-6366") == before.party_of("ofac-6366")
    assert [m for m in after.members(after.party_of("ofac-6366")) if not m.startswith("eu-")] == \
        ["ofac-6366", "unsc-QDe.004"]  # (its EU journal records, when that dataset is loaded, stay)
    assert after.party_of("gb-hmt-11928") == before.party_of("gb-hmt-11928") == after.party_of("ofac-12735")
    assert after.party_of("gb-hmt-99999") not in before.members_of
    assert report.retired == 1 and after.current(before.party_of(alone)) is None
    store.engine.dispose()
