"""Sanction context of a mention: designated / called_for / delisted / mentioned.

Rules over spaCy's dependency parse of the one sentence that holds the mention:

1. A *trigger* is a sanction word (sanction, designate, blacklist, "impose/freeze ...") or a
   delisting word (delist, lift, unfreeze, revoke, remove ... from the list, ease sanctions).
2. The trigger's *targets* are its objects: direct object, passive subject, and the objects of
   "on / against / of / targeting" (with their conjuncts and appositions). The trigger's own
   subject (who sanctions) is never a target.
3. The class: delisted for a delisting trigger (or "lift/ease/remove" governing "sanctions");
   called_for when the trigger is under a modal (should, must, would, could, ought, need) or a
   verb of urging (urge, call for, propose, demand, recommend, press, push, ask, seek,
   consider, threaten) — "Sanctioning X would ...", "Washington should sanction X",
   "calls to designate X"; designated otherwise (reported fact). A negated trigger
   ("has not sanctioned X") gives no class.
4. When the parse attaches none of the sentence's mentions to a trigger, mentions that come
   after the trigger in the same sentence and are not its subject get the trigger's class,
   marked `basis: "sentence"` (weaker) instead of `basis: "parse"`.

Limits: one sentence at a time (no cross-sentence reasoning: "The Treasury acted on Monday.
It designated X" works, "X ... The Treasury acted against him" does not); no tense or
time reasoning (a designation reported as history is `designated`, even if since lifted);
irony, quotes of third parties and hypotheticals other than the modal patterns are not
recognised; English only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

DESIGNATED = "designated"
CALLED_FOR = "called_for"
DELISTED = "delisted"
MENTIONED = "mentioned"
PRIORITY = {DELISTED: 3, DESIGNATED: 2, CALLED_FOR: 1, MENTIONED: 0}

SANCTION_WORDS = frozenset(
    "sanction sanctions sanctioned sanctioning designate designates designated designating designation "
    "designations blacklist blacklists blacklisted blacklisting embargo embargoed".split()
)
# Verbs that make a sanction when they govern "sanctions"/"assets"/"restrictions".
IMPOSE_WORDS = frozenset("impose imposes imposed imposing slap slapped levy levied freeze froze frozen freezing "
                         "extend extended expand expanded target targeted targets".split())
DELIST_WORDS = frozenset(
    "delist delists delisted delisting delistings unfreeze unfroze unfrozen unfreezing revoke revoked "
    "revokes revoking rescind rescinded rescinds".split()
)
# Verbs that turn "sanctions" into a delisting: lift sanctions on X, ease sanctions against X.
RELIEF_WORDS = frozenset("lift lifts lifted lifting ease eased eases easing remove removed removes removing "
                         "drop dropped drops dropping suspend suspended waive waived end ended".split())
MODALS = frozenset("should must ought would could might may shall need needs".split())
URGE_WORDS = frozenset(
    "urge urges urged urging call calls called calling propose proposes proposed proposing demand demands "
    "demanded demanding recommend recommends recommended recommending press pressed pressing push pushed "
    "pushing ask asks asked asking seek seeks sought seeking consider considers considered considering "
    "threaten threatens threatened threatening weigh weighs weighed weighing want wants wanted "
    "advocate advocated advocates lobby lobbied lobbying".split()
)
TARGET_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "dative"})
TARGET_PREPS = frozenset({"on", "against", "of", "targeting", "upon", "over", "to"})

_TRIGGER_RE = re.compile(
    r"\b(?:sanction|designat|blacklist|embargo|delist|unfr[eo]|revok|rescind|freez|froze|lift|eas(?:e|ed|ing)\b)",
    re.I,
)


@dataclass
class ContextHit:
    cls: str
    trigger: str
    basis: str  # "parse" or "sentence"


def has_trigger(sentence: str) -> bool:
    """Cheap pre-filter: only sentences that pass are parsed."""
    return bool(_TRIGGER_RE.search(sentence))


def trigger_offsets(text: str) -> list[int]:
    """Where `has_trigger`'s words start in a whole text (to find the sentences to parse in one pass)."""
    return [m.start() for m in _TRIGGER_RE.finditer(text)]


def _is_sanction_noun_or_verb(tok) -> bool:
    return tok.lower_ in SANCTION_WORDS


def _classify_trigger(tok) -> str | None:
    """Class of one trigger token, or None if it is not a trigger here."""
    word = tok.lower_
    if word in DELIST_WORDS:
        return DELISTED
    if word in SANCTION_WORDS:
        # "lift sanctions on X" / "sanctions relief": the governing verb decides.
        head = tok.head
        if tok.dep_ in ("dobj", "nsubjpass", "pobj") and head.lower_ in RELIEF_WORDS:
            return DELISTED
        if head.lower_ == "from" and head.head.lower_ in RELIEF_WORDS:  # removed from the sanctions list
            return DELISTED
        if any(c.lower_ == "relief" for c in tok.head.children) or tok.head.lower_ == "relief":
            return DELISTED
        return _designation_mood(tok)
    if word in RELIEF_WORDS:
        # "removed X from the list", "lifted the ban" only count with a sanction word nearby.
        for c in tok.subtree:
            if c.lower_ in ("list", "sanctions", "sanction", "blacklist", "designation", "embargo"):
                return DELISTED
        return None
    if word in IMPOSE_WORDS:
        for c in tok.children:
            if c.dep_ in ("dobj", "nsubjpass") and c.lower_ in ("sanctions", "sanction", "assets", "restrictions",
                                                              "embargo", "penalties", "bans", "ban"):
                return _designation_mood(tok)
        return None
    return None


def _designation_mood(tok) -> str | None:
    """called_for under a modal or an urging verb, designated otherwise; None when negated."""
    # Surface check first: small models misparse headlines ("U.S. Should Sanction ..."), so a modal
    # right before the trigger ("should sanction", "must be designated", "should also sanction") decides.
    doc = tok.doc
    j = tok.i - 1
    while j >= 0 and tok.i - j <= 4:
        word = doc[j].lower_
        if word in MODALS:
            return CALLED_FOR
        if word not in ("be", "also", "now", "finally", "immediately", "to", "quickly", "jointly", "further"):
            break
        j -= 1
    node = tok
    for _ in range(4):  # the trigger and a few heads up (gerund subject, infinitive, noun in a VP)
        for c in node.children:
            if c.dep_ == "neg" and node is tok:
                return None
            if c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS:
                return CALLED_FOR
        if node is not tok and node.lower_ in URGE_WORDS:
            return CALLED_FOR
        if node.head is node:
            break
        # "need to sanction", "calls for sanctions": climb through xcomp / prep / pobj / csubj
        if node.dep_ not in ("xcomp", "ccomp", "csubj", "csubjpass", "pobj", "prep", "dobj", "advcl",
                             "conj", "pcomp", "nsubj", "nsubjpass", "acl", "relcl", "compound"):
            break
        node = node.head
    return DESIGNATED


def _targets(tok) -> list[Any]:
    """Tokens whose subtrees are the targets of a trigger."""
    out = []
    nodes = [tok]
    # "lift sanctions on X" / "impose sanctions on X": the object may hang off the governing verb.
    if tok.lower_ in SANCTION_WORDS and tok.dep_ in ("dobj", "nsubjpass") and (
        tok.head.lower_ in RELIEF_WORDS or tok.head.lower_ in IMPOSE_WORDS
    ):
        nodes.append(tok.head)
    if tok.dep_ in ("amod", "compound"):  # "the sanctioned ministry"; misparsed "sanctioning X" as a compound
        out.append(tok.head)
    for node in nodes:
        for c in node.children:
            if c.dep_ in TARGET_DEPS and c.lower_ not in SANCTION_WORDS:
                out.append(c)
            elif c.dep_ == "prep" and c.lower_ in TARGET_PREPS:
                out.extend(g for g in c.children if g.dep_ in ("pobj", "pcomp"))
                out.extend(g for g in c.conjuncts)
            elif c.dep_ == "compound" and tok.pos_ != "VERB":  # "the MOIS sanctions"
                out.append(c)
    # The preps of a conjoined target ("of the IRGC ... and of Soleimani") come along via subtree.
    return out


def classify(parsed, mentions: Iterable[tuple[int, int]]) -> dict[tuple[int, int], ContextHit]:
    """Classes for mentions (char offsets relative to the parsed sentence) in one parsed sentence."""
    mentions = list(mentions)
    roots: dict[tuple[int, int], Any] = {}
    for start, end in mentions:
        span = parsed.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            roots[(start, end)] = span.root
    out: dict[tuple[int, int], ContextHit] = {}
    for tok in parsed:
        cls = _classify_trigger(tok)
        if cls is None:
            continue
        covered: set[int] = set()
        for target in _targets(tok):
            covered.update(t.i for t in target.subtree)
        subjects = {t.i for c in tok.children if c.dep_ in ("nsubj", "agent") for t in c.subtree}
        # Whoever acts "by" (the sanctioning authority) is never the target, wherever the parse hangs it.
        subjects.update(_agent_tokens(parsed))
        found = False
        for key, root in roots.items():
            if root.i in covered and root.i not in subjects:
                _better(out, key, ContextHit(cls, tok.text, "parse"))
                found = True
        if not found:
            for key, root in roots.items():
                if tok.i < root.i <= tok.i + 30 and root.i not in subjects:
                    _better(out, key, ContextHit(cls, tok.text, "sentence"))
    return out


def _agent_tokens(parsed) -> set[int]:
    """The noun phrases after "by" (without their own "of ..." attachments, which small parsers misplace)."""
    out: set[int] = set()
    for a in parsed:
        if a.dep_ == "agent" or (a.dep_ == "prep" and a.lower_ == "by"):
            for obj in a.children:
                skip = {t.i for p in obj.children if p.dep_ == "prep" for t in p.subtree}
                out.update(t.i for t in obj.subtree if t.i not in skip)
    return out


def _better(out: dict, key, hit: ContextHit) -> None:
    def rank(h: ContextHit) -> tuple[bool, int]:
        return (h.basis == "parse", PRIORITY[h.cls])

    old = out.get(key)
    if old is None or rank(hit) > rank(old):
        out[key] = hit
