"""Mentions and within-article coreference: which stretches of text name the same party.

General rules (nothing here knows any particular name):
* NER spans are cleaned into names: a leading "the", a trailing possessive, a leading
  "<Country>'s" (kept as a country qualifier: "Iran's Ministry of ..."), and for people
  honorifics and titles ("Ayatollah", "President", "Gen.") which are kept as role words;
* gazetteer hits inside a longer NER name stand for themselves ("the IRGC's Quds Force"
  -> IRGC, Quds Force) unless the longer name is itself a list name (decided in linking);
* abbreviations defined in the article, "Long Name (ACR)", make every later ACR (and ACR's)
  the same party as Long Name;
* a person's later mentions by surname ("Alavi", "Alavi's") or by given name + surname join
  the nearest preceding full-name mention with that surname (NER often tags a lone surname
  as ORG: the label does not matter);
* definite descriptions ("the ministry", "the Intelligence Ministry") join the most recent
  organisation whose name contains the head noun and every other word of the description.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

HONORIFICS = frozenset(
    """ayatollah grand imam sheikh shaikh sheik mullah hojatoleslam hojjatoleslam president vice prime minister
    general gen lieutenant lt colonel col major maj brigadier admiral adm commander captain capt sergeant
    dr doctor prof professor mr mrs ms miss sir lord lady king queen prince princess emir amir sultan
    senator sen rep representative governor gov judge justice ambassador secretary chairman chief deputy
    mayor saint st crown late former""".split()
)
# Role words that mark someone as a bystander of the story rather than its subject. (Family words are
# not among them: relatives of listed leaders are often listed themselves.)
BYSTANDER_WORDS = frozenset(
    """victim victims protester protesters protestor protestors student students journalist journalists reporter
    reporters correspondent activist activists employee employees expert experts researcher researchers
    academic academics citizen citizens resident residents national nationals dissident dissidents
    prisoner prisoners detainee detainees hostage hostages lawyer lawyers attorney teacher physician worker
    workers blogger poet artist filmmaker athlete survivor survivors witness witnesses refugee refugees""".split()
)
ORG_HEADS = frozenset(
    """ministry department agency office force forces corps guard guards army militia group organization
    organisation bank company corporation firm council committee movement party front network brigade
    brigades service services directorate bureau foundation institute university fund trust authority
    regime administration unit command""".split()
)
_WORDS_RE = re.compile(r"[^\W_]+")
_ABBR_RE = re.compile(r"\(\s*([A-Z][A-Za-z0-9\-&]{1,11})\s*\)")
_POSS_TAIL = re.compile(r"(?:['’ʼ]s|['’ʼ])$")
_LEAD_THE = re.compile(r"^(?:the|The|THE)\s+")
_POSS_LEAD = re.compile(r"^([A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,2})['’ʼ]s\s+")


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, NORP, GPE (from NER or the gazetteer entry's schema)
    source: str  # "ner", "gazetteer", "abbreviation", "surname", "description"
    gazetteer_ids: list[str] = field(default_factory=list)
    gazetteer_props: dict[str, str] = field(default_factory=dict)  # entity id -> prop of the hit name
    acronym: bool = False
    countries: list[str] = field(default_factory=list)  # "Iran" from "Iran's ..."
    roles: list[str] = field(default_factory=list)  # honorifics/titles stripped from the name
    cluster: int = -1

    @property
    def words(self) -> list[str]:
        cached = self.__dict__.get("_words")  # asked many times per mention during coreference
        if cached is None or cached[0] is not self.text:
            cached = self.__dict__["_words"] = (self.text, _WORDS_RE.findall(self.text))
        return cached[1]


@dataclass
class Cluster:
    id: int
    mentions: list[Mention] = field(default_factory=list)

    @property
    def label(self) -> str:
        labels = [m.label for m in self.mentions if m.source in ("ner", "gazetteer")]
        for wanted in ("PERSON", "ORG", "NORP", "GPE"):
            if wanted in labels:
                return wanted
        return self.mentions[0].label

    @property
    def names(self) -> list[str]:
        """Distinct full names of the cluster (no abbreviations, surnames or descriptions), longest first."""
        out = []
        for m in self.mentions:
            if m.source in ("ner", "gazetteer") and m.text not in out:
                out.append(m.text)
        return sorted(out, key=lambda n: (-len(n.split()), -len(n)))

    @property
    def first(self) -> Mention:
        return min(self.mentions, key=lambda m: m.start)


def clean_ner_span(text: str, start: int, label: str) -> tuple[str, int, list[str], list[str]]:
    """(name, start offset, countries, roles) of one NER span after removing non-name words."""
    countries: list[str] = []
    roles: list[str] = []
    m = _LEAD_THE.match(text)
    if m:
        text, start = text[m.end():], start + m.end()
    m = _POSS_LEAD.match(text)
    if m and label in ("ORG", "PERSON"):
        countries.append(m.group(1))
        text, start = text[m.end():], start + m.end()
    text = _POSS_TAIL.sub("", text.rstrip()).rstrip(" ,.;:")
    if label == "PERSON":
        words = text.split(" ")
        while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
            roles.append(words[0].rstrip(".").lower())
            start += len(words[0]) + 1
            words = words[1:]
        text = " ".join(words)
    return text, start, countries, roles


def _description_of(m: Mention, clusters: list[Cluster]) -> Cluster | None:
    """An unlisted ORG name made only of an earlier organisation's words, ending in an organisation noun
    ("Intelligence Ministry" after "Ministry of Intelligence and Security")."""
    if m.source != "ner" or m.label not in ("ORG", "NORP") or m.gazetteer_ids:
        return None
    words = [w.lower() for w in m.words]
    if not words or words[-1] not in ORG_HEADS:
        return None
    for c in reversed(clusters):
        if c.label not in ("ORG", "NORP"):
            continue
        for other in c.mentions:
            ow = {w.lower() for w in other.words}
            if len(ow) > len(words) and all(w in ow for w in words):
                return c
    return None


def find_abbreviations(text: str, mentions: list[Mention]) -> dict[str, Mention]:
    """ACR -> the mention it abbreviates, for "Long Name (ACR)" where Long Name ends right before it."""
    by_end = {}
    for m in mentions:
        if m.label in ("ORG", "NORP", "PERSON") and not m.acronym:
            by_end[m.end] = m
    out: dict[str, Mention] = {}
    for am in _ABBR_RE.finditer(text):
        gap_start = am.start()
        # allow whitespace between the long name and the parenthesis
        j = gap_start
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        long = by_end.get(j)
        if long is None:
            continue
        acr = am.group(1)
        if _initials_fit(acr, long.text) and acr not in out:
            out[acr] = long
    return out


def _initials_fit(acr: str, name: str) -> bool:
    """ACR's letters appear in order among the initials/letters of the name's words (loose on purpose:
    MOIS <- Ministry of Intelligence and Security, IRGC <- Islamic Revolutionary Guard Corps)."""
    letters = [c.lower() for c in acr if c.isalpha()]
    words = [w.lower() for w in re.findall(r"[^\W_]+", name)]
    if not letters or not words or letters[0] != words[0][0]:
        return False
    i = 0
    for w in words:
        if i < len(letters) and w[0] == letters[i]:
            i += 1
    return i == len(letters)


def word_occurrences(text: str, word: str, after: int = 0) -> list[tuple[int, int]]:
    """Whole-word occurrences of `word` (case-sensitive) from `after`, possessive 's excluded."""
    # str.find plus a look at both neighbours: a regex with a lookbehind first tries every position.
    out = []
    n, size = len(word), len(text)
    if not n:
        return out
    i = text.find(word, after)
    while i != -1:
        j = i + n
        if (i == 0 or not _is_word_char(text[i - 1])) and (j >= size or not _is_word_char(text[j])):
            out.append((i, j))
            i = text.find(word, j)
        else:
            i = text.find(word, i + 1)
    return out


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_" or c == "-"  # regex [\w\-]


_DESCRIPTION_RE = re.compile(
    r"\b[Tt]he\s+((?:[A-Z][a-z]+\s+){0,3})(" + "|".join(sorted(ORG_HEADS)) + r"|"
    + "|".join(sorted(h.capitalize() for h in ORG_HEADS)) + r")\b"
)


def find_descriptions(text: str) -> list[tuple[int, int, list[str], str]]:
    """(start, end, modifier words, head) of definite descriptions like "the ministry", "the Intelligence Ministry"."""
    out = []
    for m in _DESCRIPTION_RE.finditer(text):
        mods = [w.lower() for w in m.group(1).split()]
        start = m.start(1) if m.group(1) else m.start(2)
        out.append((start, m.end(2), mods, m.group(2).lower()))
    return out


def defined_abbreviations(text: str) -> set[str]:
    """Abbreviations the text defines in parentheses: "(MOIS)"."""
    return {am.group(1) for am in _ABBR_RE.finditer(text)}


def resolve(text: str, ner_spans: list, hits: list, keep_hit) -> list[Cluster]:
    """Mentions from NER spans and gazetteer hits, grouped into clusters of the same party.

    `keep_hit(hit, ner_overlaps: bool, defined: bool) -> bool` decides on gazetteer hits
    (acronym and one-word rules live with the gazetteer's owner, the scanner).
    """
    mentions: list[Mention] = []
    for span in ner_spans:
        if span.label == "GPE":
            continue
        name, start, countries, roles = clean_ner_span(span.text, span.start, span.label)
        if not re.search(r"[^\W\d_]", name):
            continue
        mentions.append(Mention(start, start + len(name), name, span.label, "ner", countries=countries, roles=roles))
    ner_ranges = sorted((m.start, m.end) for m in mentions)
    range_starts = [s for s, _ in ner_ranges]
    max_end = list(itertools.accumulate((e for _, e in ner_ranges), max))
    twins: dict[tuple[int, int], list[Mention]] = {}
    for m in mentions:
        twins.setdefault((m.start, m.end), []).append(m)
    abbreviations_defined = {am.group(1) for am in _ABBR_RE.finditer(text)}
    for h in hits:
        # some NER name overlaps the hit: one that starts before the hit ends, and ends after it starts
        i = bisect.bisect_left(range_starts, h.end)
        overlaps = i > 0 and max_end[i - 1] > h.start
        if not keep_hit(h, overlaps, h.text.rstrip("’'s") in abbreviations_defined):
            continue
        label = "PERSON" if any(e.schema == "Person" for e in h.entries) else "ORG"
        mention = Mention(h.start, h.end, h.text, label, "gazetteer", gazetteer_ids=h.entity_ids,
                          gazetteer_props={e.entity_id: e.prop for e in h.entries}, acronym=h.acronym)
        # An exact NER twin is replaced by the gazetteer mention (it carries the list ids), keeping its
        # qualifiers ("Iran's", "Ayatollah").
        for twin in [m for m in twins.pop((h.start, h.end), ()) if m.source == "ner"]:
            mention.countries, mention.roles, mention.label = twin.countries, twin.roles, twin.label
            mentions.remove(twin)
        mentions.append(mention)
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))

    clusters: list[Cluster] = []

    def new_cluster(m: Mention) -> Cluster:
        c = Cluster(len(clusters), [m])
        m.cluster = c.id
        clusters.append(c)
        return c

    def join(m: Mention, c: Cluster) -> None:
        m.cluster = c.id
        c.mentions.append(m)

    # 1. Abbreviations defined in the text: every later whole-word ACR joins the long name's cluster.
    abbreviations = find_abbreviations(text, mentions)
    acr_of: dict[tuple[int, int], str] = {}
    for acr, long in abbreviations.items():
        for s, e in word_occurrences(text, acr, long.start):
            acr_of[(s, e)] = acr
    # 2. Walk mentions in order; join surnames and identical names; start clusters otherwise.
    by_name: dict[str, Cluster] = {}
    long_cluster: dict[str, Cluster] = {}
    surname_owner: dict[str, Cluster] = {}
    taken: list[tuple[int, int]] = []
    # Mentions come by start, so every placed one starts at or before m: m lies inside one of them iff
    # one ends after m, or ends with m and starts before it.
    taken_end, first_start_of_end = -1, {}
    for m in mentions:
        if taken_end > m.end or (taken_end == m.end and first_start_of_end[m.end] < m.start):
            continue  # inside a longer mention already placed (e.g. a hit inside an NER name)
        key = " ".join(m.words).lower()
        acr = acr_of.get((m.start, m.end)) or (m.text if m.text in abbreviations and
                                                 abbreviations[m.text] is not m else None)
        if acr and acr in long_cluster:
            m.acronym = True
            join(m, long_cluster[acr])
        elif key in by_name:
            join(m, by_name[key])
        elif (desc := _description_of(m, clusters)) is not None:
            m.source = "description"
            join(m, desc)
        elif len(m.words) == 1 and m.words[0] in surname_owner and m.source in ("ner", "gazetteer"):
            join(m, surname_owner[m.words[0]])
            m.source = "surname" if m.source == "ner" else m.source
        else:
            c = new_cluster(m)
            by_name[key] = c
        c = clusters[m.cluster]
        for acr, long in abbreviations.items():
            if long is m:
                long_cluster[acr] = c
        if m.label == "PERSON" and len(m.words) >= 2:
            surname_owner[m.words[-1]] = c
        taken.append((m.start, m.end))
        taken_end = max(taken_end, m.end)
        first_start_of_end.setdefault(m.end, m.start)
    # 3. Abbreviation occurrences and surname occurrences that NER and the gazetteer missed.
    occupied = bytearray(len(text) + 1)  # 1 where a placed mention stands

    def place(s: int, e: int) -> None:
        occupied[s:e] = b"\x01" * (e - s)

    def free(s: int, e: int) -> bool:
        return occupied.find(1, s, e) == -1

    for s, e in taken:
        place(s, e)
    for (s, e), acr in acr_of.items():
        if acr in long_cluster and free(s, e):
            join(Mention(s, e, text[s:e], "ORG", "abbreviation", acronym=True), long_cluster[acr])
            place(s, e)
    for c in list(clusters):
        if c.label != "PERSON":
            continue
        full = [m for m in c.mentions if len(m.words) >= 2]
        if not full:
            continue
        surname = full[0].words[-1]
        if surname_owner.get(surname) is not c:
            continue  # two full names share the surname: a lone surname is ambiguous, leave it
        for s, e in word_occurrences(text, surname, full[0].end):
            if free(s, e):
                join(Mention(s, e, text[s:e], "PERSON", "surname"), c)
                place(s, e)
    # 4. Definite descriptions: "the ministry" -> the latest organisation named with that head noun.
    lower_words: dict[int, set[str]] = {}  # id(mention) -> its words in lower case
    for s, e, mods, head in find_descriptions(text):
        if not free(s, e):
            continue
        best = None
        for c in clusters:
            if c.label not in ("ORG", "NORP"):
                continue
            for m in c.mentions:
                if m.start >= s or m.source not in ("ner", "gazetteer"):
                    continue
                words = lower_words.get(id(m))
                if words is None:
                    words = lower_words[id(m)] = {w.lower() for w in m.words}
                if head in words and all(w in words for w in mods):
                    if best is None or m.start > best[0]:
                        best = (m.start, c)
        if best is not None:
            join(Mention(s, e, text[s:e], "ORG", "description"), best[1])
            place(s, e)
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
    return clusters
