"""Building one vigil entity from an OFAC record; shared by the CSV and XML readers (SDN and consolidated)."""
from __future__ import annotations

import re

from vigil.model import Entity

from .countries import to_code
from .ofac_remarks import parse_remarks, put

SCHEMA_BY_TYPE = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "entity": "Organization"}

# OFAC types every non-person, non-vessel, non-aircraft party as "entity" (CSV: -0-). A company legal form at the
# end of the name (", LTD.", " LLC", " GMBH") or a legal-form phrase at its start ("JOINT STOCK COMPANY ...")
# is a solid sign of a company; everything else (ministries, armed groups, banks without a form) stays an
# Organization, which screening treats as compatible with Company anyway.
_LEGAL_FORM_END = re.compile(
    r"[\s,](LLC|L\.L\.C\.|LTD\.?|LIMITED|INC\.?|INCORPORATED|CORP\.?|CORPORATION|CO\.|GMBH|S\.A\.?|SA|"
    r"S\.A\. DE C\.V\.|SA DE CV|S\.R\.L\.|SRL|S\.L\.|SL|S\.A\.S\.|SAS|S\.P\.A\.|SPA|JSC|OJSC|PJSC|CJSC|OAO|ZAO|"
    r"OOO|LLP|PLC|B\.V\.|BV|N\.V\.|NV|AG|FZE|FZCO|FZ-LLC|FZC|PTE\.? LTD\.?|SDN\.? BHD\.?|PVT\.? LTD\.?|"
    r"A\.S\.|AS|AB|OY|KFT|D\.O\.O\.|DOO|SP\. Z O\.O\.|TOO|LTDA\.?|C\.A\.|COMPANY)$",
)
_LEGAL_FORM_START = re.compile(
    r"^(LIMITED LIABILITY COMPANY|JOINT[- ]STOCK COMPANY|OPEN JOINT[- ]STOCK COMPANY|CLOSED JOINT[- ]STOCK COMPANY|"
    r"PUBLIC JOINT[- ]STOCK COMPANY|OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU|AKTSIONERNOE OBSHCHESTVO|"
    r"LLC|JSC|OOO|AO|PAO|OAO|ZAO|TOO)\b"
)


def schema_for(sdn_type: str | None, name: str) -> str:
    kind = (sdn_type or "entity").strip().lower()
    schema = SCHEMA_BY_TYPE.get(kind, "Organization")
    if schema == "Organization" and (_LEGAL_FORM_END.search(name.upper()) or _LEGAL_FORM_START.match(name.upper())):
        return "Company"
    return schema


def split_programs(text: str | None) -> list[str]:
    """'SDGT] [SYRIA] [NPWMD' (CSV, outer brackets stripped by OFAC) -> ['SDGT', 'SYRIA', 'NPWMD']."""
    if not text:
        return []
    return [p.strip(" []") for p in text.split("] [") if p.strip(" []")]


def person_name(last: str | None, first: str | None) -> str:
    """OFAC writes persons as 'LAST, First'; the XML splits the two parts."""
    last, first = (last or "").strip(), (first or "").strip()
    return f"{last}, {first}" if last and first else (last or first)


def new_entity(
    dataset: str, uid: str, name: str, sdn_type: str | None, source: str, programs: list[str],
    title: str | None = None,
) -> Entity:
    schema = schema_for(sdn_type, name)
    entity = Entity(schema, id=f"ofac-{uid}", datasets=[dataset], target=True, source=source)
    entity.add("name", name)
    if schema == "Person" and "," in name:
        last, first = name.split(",", 1)
        entity.add("lastName", last.strip())
        entity.add("firstName", first.strip())
    entity.add("program", programs)
    entity.add("topics", "sanction")
    if title:
        put(entity, "position", title) or entity.add("notes", f"Title: {title}")
    return entity


def add_vessel(
    entity: Entity, call_sign: str | None, vessel_type: str | None, tonnage: str | None, grt: str | None,
    flag: str | None, owner: str | None,
) -> None:
    """Vessel columns; on a non-vessel record (rare) whatever fits goes to notes."""
    put(entity, "callSign", call_sign) or (call_sign and entity.add("notes", f"Call sign: {call_sign}"))
    put(entity, "type", vessel_type)
    put(entity, "tonnage", tonnage)
    put(entity, "grossRegisteredTonnage", grt)
    if flag:
        code = to_code(flag)
        put(entity, "flag", code) or entity.add("notes", f"Flag: {flag}")
    if owner:
        entity.add("notes", f"Owner: {owner}")


def add_remarks(entity: Entity, remarks: str | None) -> list[str]:
    """Full remarks -> notes, and their structured statements -> properties; returns the 'Linked To' names."""
    if not remarks:
        return []
    entity.add("notes", remarks)
    return parse_remarks(entity, remarks)


def add_address(entity: Entity, parts: list[str | None], country: str | None) -> None:
    """One OFAC address row -> one full-text `address` (country name included) and the `country` code."""
    lines = [p.strip() for p in parts if p and p.strip()]
    if lines:  # a row with only a country is a country, not an address
        entity.add("address", ", ".join([*lines, country] if country else lines))
    if country:
        entity.add("country", to_code(country))


def _link_key(name: str) -> str:
    return " ".join(name.upper().rstrip(".").split())


def resolve_links(entities: list[Entity], links: dict[str, list[str]]) -> None:
    """'Linked To: HAMAS' -> a note naming the linked party and, when it is in the same list, its id."""
    by_name: dict[str, Entity] = {}
    for e in entities:
        for n in e.get("name"):
            by_name.setdefault(_link_key(n), e)
    index = {e.id: e for e in entities}
    for entity_id, names in links.items():
        entity = index.get(entity_id)
        if entity is None:
            continue
        for name in names:
            target = by_name.get(_link_key(name))
            if target is not None:
                entity.add("notes", f"Linked To: {target.caption} ({target.id})")
            else:
                entity.add("notes", f"Linked To: {name}")
