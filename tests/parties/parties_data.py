"""Small hand-written lists for the parties tests: a few real parties as the lists write them."""
from __future__ import annotations

from vigil.model import Entity
from vigil.sources.base import Publication
from vigil.store import Store


def person(id_, datasets, name, aliases=(), dob=(), nationality=(), passport=(), referents=(), program=()):
    return Entity("Person", id=id_, datasets=datasets, referents=referents, properties={
        "name": [name], "alias": list(aliases), "birthDate": list(dob), "nationality": list(nationality),
        "passportNumber": list(passport), "program": list(program), "topics": ["sanction"]})


def org(id_, datasets, name, aliases=(), referents=(), program=(), country=(), listed=()):
    return Entity("Organization", id=id_, datasets=datasets, referents=referents, properties={
        "name": [name], "alias": list(aliases), "program": list(program), "country": list(country),
        "createdAt": list(listed), "topics": ["sanction"]})


AQ = ["AL QAEDA", "THE BASE", "ISLAMIC SALVATION FOUNDATION", "USAMA BIN LADEN NETWORK"]


def small_lists() -> dict[str, list[Entity]]:
    """A few real parties as the lists write them (names, dates and passports from the published files)."""
    return {
        "us_ofac_sdn": [
            org("ofac-6366", ["us_ofac_sdn"], "AL QA'IDA", AQ + ["AL QAIDA"], program=["SDGT", "FTO"]),
            person("ofac-10481", ["us_ofac_sdn"], "SOLEIMANI, Qasem", ["SOLEYMANI, Ghasem", "SULAIMANI, Qasem"],
                   ["1957-03-11"], ["ir"], ["008827"], program=["SDGT", "IRGC"]),
            org("ofac-4697", ["us_ofac_sdn"], "HIZBALLAH", ["PARTY OF GOD", "ISLAMIC JIHAD ORGANIZATION"],
                program=["SDGT"], country=["lb"]),
            org("ofac-12111", ["us_ofac_sdn"], "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY", ["MOIS", "VEVAK"],
                program=["SDGT"], country=["ir"]),
            person("ofac-20604", ["us_ofac_sdn"], "KIM, Chol Nam", dob=["1966-09-19"], nationality=["kp"],
                   program=["DPRK3"]),
            person("ofac-20605", ["us_ofac_sdn"], "KIM, Chol Nam", dob=["1966-09-19"], nationality=["kp"],
                   program=["DPRK3"]),
        ],
        "un_sc_sanctions": [
            org("unsc-QDe.004", ["un_sc_sanctions"], "AL-QAIDA", AQ + ["Al Qa'ida"], program=["Al-Qaida"],
                listed=["2001-10-06"]),
            person("unsc-IRi.039", ["un_sc_sanctions"], "QASEM SOLEIMANI", ["Qasim Soleimani", "Qasem Sulaimani"],
                   ["1957-03-11"], ["ir"], ["008827"], program=["Iran"]),
            person("unsc-KPi.044", ["un_sc_sanctions"], "KIM CHOL NAM", dob=["1966-09-19"], nationality=["kp"],
                   program=["DPRK"]),
        ],
        "gb_hmt_sanctions": [
            org("gb-hmt-6965", ["gb_hmt_sanctions"], "AL-QAIDA", AQ, referents=["unsc-QDe.004"],
                program=["ISIL (Da'esh) and Al-Qaida"], listed=["2001-02-23"]),
            org("gb-hmt-13804", ["gb_hmt_sanctions"], "HIZBALLAH", ["HEZBOLLAH", "HIZBULLAH"],
                program=["Counter-Terrorism (International)"], country=["lb"]),
            org("gb-hmt-13742", ["gb_hmt_sanctions"],
                "DIRECTORATE FOR INTERNAL SECURITY OF THE IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY",
                program=["Counter-Terrorism (International)"], country=["ir"]),
            # A UN reference to a record the UN list no longer carries: counted, not linked.
            person("gb-hmt-7797", ["gb_hmt_sanctions"], "Djamel LOUNICI", dob=["1962-02-01"],
                   referents=["unsc-QDi.095"]),
        ],
    }


def ingest(store: Store, lists: dict[str, list[Entity]]) -> None:
    for dataset, entities in lists.items():
        # allow_shrink: these hand-made lists of a few records lose one on purpose (the shrink guard has its
        # own tests in tests/store/test_shrink_guard.py)
        store.ingest(Publication(dataset=dataset, entities=[Entity.from_dict(e.to_dict()) for e in entities]),
                     allow_shrink=True)
