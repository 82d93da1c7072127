"""Small hand-written publications of real OFAC entries (names and dates as OFAC publishes them) and a book."""
from __future__ import annotations

from vigil.model import Entity
from vigil.monitor import list_alerts
from vigil.sources.base import Publication

SOLEIMANI = dict(schema="Person", id="ofac-10481", properties={
    "name": ["SOLEIMANI, Qasem"], "alias": ["SOLEYMANI, Ghasem", "SULAIMANI, Qasem"], "birthDate": ["1957-03-11"],
    "nationality": ["ir"], "program": ["SDGT", "IRGC"]})
AMEZCUA = dict(schema="Person", id="ofac-6704", properties={
    "name": ["AMEZCUA CONTRERAS, Luis Ignacio"], "alias": ["CONTRERAS, Luis C.", "AMEZCUA, Luis"],
    "birthDate": ["1964-02-22"], "program": ["SDNTK"]})
HIZBALLAH = dict(schema="Organization", id="ofac-4697", properties={
    "name": ["HIZBALLAH"], "alias": ["PARTY OF GOD", "HEZBOLLAH"], "program": ["FTO", "SDGT"]})
ALAVI = dict(schema="Person", id="ofac-30422", properties={
    "name": ["ALAVI, Mahmoud"], "alias": ["ALAVI, Seyyed Mahmoud"], "birthDate": ["1954-04-24"],
    "nationality": ["ir"], "program": ["IRAN-HR"]})

BOOK = """customer_id,name,type,dob,country
C1,Qasem Soleimani,person,,Iran
C2,Camilo Contreras,person,,
C3,Patricia Lucas Wheeler,person,2002-07-14,Ethiopia
C4,Mahmoud Alavi,person,,Iran
C5,Hizballah,organization,,
"""


def publish(store, *records, alias_extra=None):
    entities = []
    for rec in records:
        props = {k: list(v) for k, v in rec["properties"].items()}
        if alias_extra and rec["id"] in alias_extra:
            props["alias"] = props.get("alias", []) + [alias_extra[rec["id"]]]
        entities.append(Entity(rec["schema"], id=rec["id"], properties=props, datasets=["us_ofac_sdn"]))
    # A three-entity list losing one is a 33 % shrink: these tests are about delisting, so it is confirmed
    # (the shrink guard's own attack tests are in tests/store/test_shrink_guard.py).
    result = store.ingest(Publication("us_ofac_sdn", entities), allow_shrink=True)
    assert result.created
    return result


def alerts_by_pair(engine, **kw):
    rows, _ = list_alerts(engine, **kw)
    return {(a.customer_id, a.entity_id): a for a in rows}
