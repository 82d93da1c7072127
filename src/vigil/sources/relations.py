"""The relations the lists state, as FtM relation entities (Ownership, Directorship, Membership, Family,
Associate, UnknownLink), each with the sentence that states it.

What is read (the record's own text, never a guess from outside the lists):

* OFAC: "Linked To: X" statements (UnknownLink; the parser has already resolved X to the entity of that
  name in the same list where it could), "X is a subsidiary of Y" (Ownership), "Member of X"
  (Membership), "Leader/Commander of X" (Directorship), "Associated with X", "wife of X" (Family).
* UN and UK narratives: "member of X", "associated with X", "linked to X", "owned or controlled by X",
  "controlled by X", "acts on behalf of X", "(Parent company):X", "subsidiary of X", "leader / commander /
  head / founder of X", "son / brother / wife ... of X", "Husband – X".

A target X is resolved, in this order, by the UN reference written after it ("Rajah Solaiman Movement
(QDe.128)": the record carrying that reference in the same list, else the UN record itself), by an id the
parser already wrote ("(ofac-12111)"), or by its name: the longest run of words after the cue that is,
word for word (order aside), exactly one record's name, alias or weak alias in the same list. Names that
resolve to nothing are kept as unresolved relations (counted, shown as text), so the figures say how many
stated relations point at a listed party. Legal boilerplate ("Transactions Prohibited For Persons Owned
or Controlled By U.S. Financial Institutions", criteria quoted from a resolution) states no relation and
is skipped: a target must start like a name.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

from vigil.model import Entity, model

EXTRACTOR_VERSION = "4"  # bump when the rules change: stores re-extract their current snapshots
MAX_NAME_WORDS = 12
UN_REF = r"[A-Z]{2}[ie]\.\d{3}"
_REF_AFTER = re.compile(r"^\s*((?:\([^()]{1,40}\)\s*)?)\((" + UN_REF + r")\)")
_ID_AFTER = re.compile(r"^\s*\(([a-z][a-z0-9-]*-[A-Za-z0-9.]+)\)")
_LINKED = re.compile(r"^Linked To: (.+?)(?: \(([a-z][a-z0-9-]*-[A-Za-z0-9.]+)\))?$")
_UN_REF_NOTE = re.compile(r"\(UN Ref\):\s*(" + UN_REF + ")")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_APOSTROPHES = str.maketrans("", "", "'’‘`´")
# Where a stated name ends (the first of these after the cue), for targets that resolve to nothing.
_NAME_END = re.compile(
    r"[;:(\[]|,|\.(?:\s|$)|\s(?:and|or|which|who|that|in|since|from|as|to|for|until|at|on|during|between|with|"
    r"under|by|is|was|has|had|a|an)\s", re.I)
_STOP_START = {"the", "a", "an", "its", "his", "her", "their", "this", "these", "those", "such", "other",
               "several", "various", "any", "each", "one", "two", "both"}
BOILERPLATE = re.compile(
    r"Transactions Prohibited For Persons Owned or Controlled By|owned or controlled by a designated"
    r"|owned or controlled by (?:individuals|persons|entities) (?:or entities )?(?:designated|listed)", re.I)

# cue -> (schema, which end the stating record is, role). The stating record is `source` unless
# the cue is passive ("owned by X": X owns the record).
FAMILY_WORDS = ("son", "daughter", "brother", "sister", "father", "mother", "wife", "husband", "uncle",
                "nephew", "niece", "cousin", "brother-in-law", "sister-in-law", "son-in-law",
                "father-in-law", "stepson", "grandson", "half-brother", "spouse")
_FAMILY = "|".join(sorted((re.escape(w) for w in FAMILY_WORDS), key=len, reverse=True))
CUES: list[tuple[re.Pattern[str], str, str]] = [  # (pattern, schema, direction)
    # each pattern ends where the target name starts; direction "out": record -> X, "in": X -> record
    (re.compile(r"\b(?:owned (?:or|and|and/or) controlled|owned|controlled) by(?: and acts? (?:for or )?on behalf of)?\s+", re.I), "Ownership", "in"),
    (re.compile(r"\(Parent company\):\s*", re.I), "Ownership", "in"),
    (re.compile(r"\b(?:a |wholly[- ]owned |the )?subsidiary of\s+", re.I), "Ownership", "in"),
    (re.compile(r"\b(?:is|are) owned by\s+", re.I), "Ownership", "in"),
    (re.compile(r"\b(?:member|members|militant|operative|fighter)s? of\s+", re.I), "Membership", "out"),
    (re.compile(r"\b(?:leader|commander|head|chief|founder|co-founder|deputy|emir|chairman|director|"
                r"spokesperson|spokesman|president|secretary[- ]general)(?: general)? (?:of|in)\s+", re.I),
     "Directorship", "out"),
    (re.compile(r"\b(?:leads|led|heads|headed|commands|commanded|runs|founded|co-founded)\s+(?=the\s|[A-Z])"),
     "Directorship", "out"),
    (re.compile(r"\b(?:led|headed|commanded|run|directed|founded) by\s+"), "Directorship", "in"),
    (re.compile(r"\b(?:associated|affiliated) with\s+", re.I), "UnknownLink", "out"),
    (re.compile(r"\blinked to\s+", re.I), "UnknownLink", "out"),
    (re.compile(r"\bact(?:s|ing|ed)? (?:for or )?on behalf of(?: or at the direction of)?\s+", re.I),
     "UnknownLink", "out"),
    (re.compile(r"\b(" + _FAMILY + r")(?: of|\s*[–—-])\s+", re.I), "Family", "out"),
]

# Literal text each cue needs (a cheap test before the regular expression runs).
_NEEDLES: list[tuple[str, ...]] = [
    (" by",), ("parent company",), ("subsidiary",), ("owned by",), ("member", "militant", "operative", "fighter"),
    ("leader", "commander", "head", "chief", "founder", "deputy", "emir", "chairman", "director", "spokes",
     "president", "secretary"),
    ("leads", "led ", "heads", "headed", "commands", "commanded", "runs", "founded"),
    ("led by", "headed by", "commanded by", "run by", "directed by", "founded by"),
    ("associated", "affiliated"), ("linked to",), ("behalf",), FAMILY_WORDS,
]
assert len(_NEEDLES) == len(CUES)


@dataclass
class Relation:
    """One stated relation. `source`/`target` are the schema's ends (see schemata.yml `edge`)."""
    dataset: str
    schema: str
    source: str | None  # entity ids; one of them is the stating record
    target: str | None
    stated_by: str
    name: str  # the other end as written
    role: str  # the cue as written ("Linked To", "member of", "son of" ...)
    text: str  # the statement it was read from
    resolved_by: str = ""  # reference | id | name | "" (unresolved)
    relationship: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def resolved(self) -> bool:
        return self.source is not None and self.target is not None

    @property
    def other(self) -> str | None:
        return self.target if self.source == self.stated_by else self.source

    @property
    def id(self) -> str:
        key = "|".join((self.dataset, self.schema, self.stated_by, self.other or norm_key(self.name), self.role.lower()))
        return f"rel-{hashlib.blake2b(key.encode(), digest_size=8).hexdigest()}"

    def entity(self) -> Entity:
        edge = model().get(self.schema).edge
        assert edge is not None
        e = Entity(self.schema, id=self.id, datasets=[self.dataset])
        e.add(edge.source, self.source)
        e.add(edge.target, self.target)
        e.add("role", self.role)
        e.add("description", self.text)
        if self.relationship and "relationship" in e.schema.properties:
            e.add("relationship", self.relationship)
        if not self.resolved:
            e.add("summary", f"{self.role} {self.name} (not resolved to a listed entity)")
        return e


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def norm_key(text: str) -> str:
    """Order-insensitive name key: 'KHATIB, Esmail' == 'Esmail Khatib'."""
    toks = words(text)
    while toks and toks[0] == "the":
        toks = toks[1:]
    return " ".join(sorted(toks))


_ACT = re.compile(r"^(eu-oj-[^-]+)-")


def act_of(entity_id: str) -> str:
    """The legal act a record id belongs to, for lists that list a party once per act ("" otherwise)."""
    m = _ACT.match(entity_id)
    return m.group(1) if m else ""


class NameIndex:
    """name key -> the one entity of a list with that name (keys two entities share are dropped)."""

    def __init__(self, entities: Iterable[Entity]):
        seen: dict[str, set[str]] = {}
        for e in entities:
            single_ok = not e.schema.is_a("Person")
            for _, name in e.iter_names():
                variants = {name, re.sub(r"\([^()]*\)", " ", name)}
                # the acronym of the whole name: "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)" -> IRGC
                acronym = re.search(r"\(([^()]{2,15})\)\s*$", name) if single_ok else None
                if acronym:
                    variants.add(acronym.group(1))
                for variant in variants:
                    key = norm_key(variant)
                    if not key or (" " not in key and not single_ok) or len(key) < 2:
                        continue
                    seen.setdefault(key, set()).add(e.id or "")
        self.keys = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
        # A list that repeats a party once per legal act (the EU journal: eu-oj-<celex>-<record>) shares
        # names between its own acts; within one act a name is still one record.
        self.by_act: dict[tuple[str, str], str] = {}
        shared: dict[tuple[str, str], set[str]] = {}
        for k, v in seen.items():
            if len(v) > 1:
                for entity_id in v:
                    act = act_of(entity_id)
                    if act:
                        shared.setdefault((act, k), set()).add(entity_id)
        self.by_act = {k: next(iter(v)) for k, v in shared.items() if len(v) == 1}
        self.max_words = MAX_NAME_WORDS

    def get(self, key: str, near: str = "") -> str | None:
        hit = self.keys.get(key)
        if hit is None and near and self.by_act:
            act = act_of(near)
            if act:
                hit = self.by_act.get((act, key))
        return hit

    def longest(self, tail: str, near: str = "") -> tuple[str, int] | None:
        """The entity named by the longest run of words at the start of `tail`, and where that run ends
        (`near`: the stating record's id, for lists that repeat a party once per act)."""
        cut = re.search(r";|\.\s", tail[:400])  # a run may not cross a sentence end or a semicolon
        window = tail[: cut.start() if cut else 400]
        spans = [(m.group(0), m.end()) for m in _WORD.finditer(window)][: self.max_words]
        toks = [fold(w) for w, _ in spans]
        start = 1 if toks and toks[0] == "the" else 0
        for k in range(len(toks), start, -1):
            key = " ".join(sorted(toks[start:k]))
            hit = self.get(key, near)
            if hit:
                return hit, spans[k - 1][1]
        return None


@dataclass
class Context:
    dataset: str
    names: NameIndex
    ids: set[str]  # the list's own ids
    refs: dict[str, str]  # UN reference -> the list's record carrying it
    external: set[str] = field(default_factory=set)  # ids of other lists (UN records for references)

    def by_ref(self, ref: str) -> str | None:
        hit = self.refs.get(ref)
        if hit:
            return hit
        un = f"unsc-{ref}"
        return un if un in self.ids or un in self.external else None


def build_context(dataset: str, entities: list[Entity], external: Iterable[str] = ()) -> Context:
    refs: dict[str, str] = {}
    for e in entities:
        if e.id and e.id.startswith("unsc-"):
            refs.setdefault(e.id[5:], e.id)
        for r in e.referents:
            if r.startswith("unsc-"):
                refs.setdefault(r[5:], e.id or "")
        for note in e.get("notes"):
            for m in _UN_REF_NOTE.finditer(note):
                refs.setdefault(m.group(1), e.id or "")
    return Context(dataset, NameIndex(entities), {e.id for e in entities if e.id}, refs, set(external))


def _target_in(tail: str, ctx: Context, self_id: str) -> list[tuple[str | None, str, str]]:
    """(entity id or None, name as written, how) for each target named at the start of `tail`.

    Follows "X (REF) and Y (REF)" / "X and KOMID" chains; stops at the first name that resolves to nothing.
    """
    out: list[tuple[str | None, str, str]] = []
    pos = 0
    for _ in range(4):
        rest = tail[pos:]
        m = re.match(r"^(.{1,160}?)\s*((?:\([^()]{1,40}\)\s*)?)\((" + UN_REF + r")\)", rest)
        if m and not re.search(r"[;]|\.\s", m.group(1)) and not re.search(r"\(" + UN_REF + r"\)", m.group(1)) \
                and not (pos and (len(m.group(1).split()) > 8 or any(p.search(m.group(1)) for p, _, _ in CUES))):
            target = ctx.by_ref(m.group(3))
            name = m.group(1).strip(" ,")
            name = re.sub(r"^(?:the|a)\s+", "", name, flags=re.I)
            if target:
                out.append((target, name, "reference"))
            else:
                out.append((None, name, ""))
            pos += m.end()
        else:
            hit = ctx.names.longest(rest, self_id)
            if hit and hit[0] != self_id:
                m2 = _ID_AFTER.match(rest[hit[1]:])
                end = hit[1] + (m2.end() if m2 else 0)
                # a UN reference written right after the name wins over the name
                r = _REF_AFTER.match(rest[hit[1]:])
                if r and ctx.by_ref(r.group(2)):
                    out.append((ctx.by_ref(r.group(2)), rest[: hit[1]].strip(), "reference"))
                    end = hit[1] + r.end()
                else:
                    out.append((hit[0], rest[: hit[1]].strip(), "name"))
                pos += end
            else:
                if not out:
                    name = _name_at(rest)
                    if name:
                        out.append((None, name, ""))
                break
        m3 = re.match(r"^\s*,?\s*(?:and|or|as well as|&)\s+(?:of\s+)?", tail[pos:])
        if not m3:
            break
        pos += m3.end()
    return [(t, re.sub(r"^(?:the)\s+", "", n, flags=re.I), how) for t, n, how in out if n]


def _name_at(tail: str) -> str | None:
    """The name a cue introduces when it resolves to nothing; None when the text is not a name."""
    text = tail.strip().lstrip("“\"'‘")
    m = _NAME_END.search(text)
    name = (text[: m.start()] if m else text[:80]).strip(" ,.”\"'’")
    toks = name.split()
    if toks and toks[0].lower() == "the":
        toks = toks[1:]
    if not toks or len(toks) > 8 or toks[0].lower() in _STOP_START or not toks[0][:1].isupper():
        return None
    return " ".join(toks)


def _statements(text: str) -> list[str]:
    return [s.strip() for s in re.split(r";\s+|(?<=[a-z0-9)”\"])\.\s+(?=[A-Z(])", text) if s.strip()]


def _from_text(entity: Entity, text: str, ctx: Context, out: dict[str, Relation]) -> None:
    if BOILERPLATE.search(text) and len(text) < 400:
        return
    for statement in _statements(text):
        if statement.startswith("Linked To:") or BOILERPLATE.search(statement):
            continue  # OFAC's Linked To are read from the parser's resolved notes
        taken: list[tuple[int, int]] = []
        low = statement.lower()
        for (pattern, schema, direction), needles in zip(CUES, _NEEDLES):
            if not any(n in low for n in needles):
                continue
            for m in pattern.finditer(statement):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                tail = statement[m.end():]
                targets = _target_in(tail, ctx, entity.id or "")
                if not targets:
                    continue
                taken.append((m.start(), m.end()))
                role = " ".join(m.group(0).split()).strip(" :–—-()").replace("):", "").lower()
                relationship = m.group(1).lower() if schema == "Family" and m.groups() else None
                if relationship:
                    role = f"{relationship} of"
                for target, name, how in targets:
                    _add(out, entity, ctx, schema, direction, target, name, role, statement, how, relationship)


def _add(out: dict[str, Relation], entity: Entity, ctx: Context, schema: str, direction: str,
         target: str | None, name: str, role: str, text: str, how: str, relationship: str | None = None) -> None:
    if target == entity.id:
        return
    if direction == "out":
        source, tgt = entity.id, target
    else:
        source, tgt = target, entity.id
    rel = Relation(ctx.dataset, schema, source, tgt, entity.id or "", name, role, text[:1000], how, relationship)
    # One relation per (stating record, schema, other end); the better resolved or first statement wins.
    key = rel.id
    if key not in out:
        out[key] = rel


def extract(dataset: str, entities: list[Entity], external: Iterable[str] = ()) -> list[Relation]:
    """Every relation the records of one list state (resolved or not), deduplicated, in a stable order."""
    ctx = build_context(dataset, entities, external)
    out: dict[str, Relation] = {}
    for entity in entities:
        if not entity.id:
            continue
        for note in entity.get("notes"):
            m = _LINKED.match(note)
            if m:
                name, target = m.group(1).strip(), m.group(2)
                how = "id" if target else ""
                if target is None:
                    hit = ctx.names.longest(name, entity.id or "")
                    if hit and hit[1] >= len(name.rstrip(". ")) - 1:
                        target, how = hit[0], "name"
                _add(out, entity, ctx, "UnknownLink", "out", target, name, "Linked To", note, how)
                continue
            _from_text(entity, note, ctx, out)
        for prop in ("position", "legalForm", "summary"):  # summary: the EU journal's statement of reasons
            for value in entity.get(prop):
                _from_text(entity, value, ctx, out)
    # An unresolved statement is dropped when the same record states a resolved one with that name.
    resolved_names = {(r.stated_by, norm_key(r.name)) for r in out.values() if r.resolved}
    rels = [r for r in out.values() if r.resolved or (r.stated_by, norm_key(r.name)) not in resolved_names]
    persons = {e.id for e in entities if e.id and e.schema.is_a("Person")}
    for r in rels:
        # person-to-person "associated with" is FtM's Associate
        if r.schema == "UnknownLink" and r.resolved and r.role != "Linked To" and {r.source, r.target} <= persons:
            r.schema = "Associate"
    return sorted(rels, key=lambda r: (r.stated_by, r.schema, r.other or "", r.name))

