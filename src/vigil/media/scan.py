"""News screening: `scan_text(text, matcher)` / `scan_article(article, matcher)` -> `ScanResult`.

Steps: sentences and NER (spaCy, `ner.py`) -> gazetteer hits (`gazetteer.py`) -> mentions
and coreference clusters (`coref.py`) -> one decision per cluster (`linking.py`, screening
full names through the Matcher) -> sanction context per sentence (`context.py`, parsing
only sentences with a trigger word) -> per-entity aggregation with listing status.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from vigil.media import context as ctx
from vigil.media.article import Article, from_html, from_text, load_article
from vigil.media.coref import Cluster, Mention, resolve
from vigil.media.gazetteer import Gazetteer, GazetteerHit
from vigil.media.linking import POSSIBLE, Candidate, Decision, decide
from vigil.media.ner import NerSpan
from vigil.media.ner import entities as ner_entities
from vigil.media.ner import get_pipeline
from vigil.model import Entity

MAX_QUERIES_PER_ARTICLE = 400  # distinct names screened per article (keeps hostile input bounded)

_gazetteers: dict[int, tuple[Any, Gazetteer]] = {}
_gaz_lock = threading.Lock()


def matcher_entities(matcher: Any) -> Iterable[Entity]:
    """All entities the Matcher holds (its index records carry the Entity)."""
    if hasattr(matcher, "entities") and not callable(getattr(matcher, "entities")):
        return list(matcher.entities)
    return [rec.entity for rec in matcher.index.entities]


def _gazetteer_cache_path(fingerprint: str):
    import hashlib
    from pathlib import Path

    from vigil import config
    from vigil.media import gazetteer as module

    # The cache is stale when the lists (fingerprint) or the gazetteer/normaliser code change.
    digest = hashlib.sha256(fingerprint.encode())
    import vigil.matching.names as names

    for mod in (module, names):
        st = Path(mod.__file__).stat()
        digest.update(f"{mod.__name__}:{st.st_size}:{st.st_mtime_ns}".encode())
    return config.home() / "cache" / f"gazetteer-{digest.hexdigest()[:24]}.pickle"


def _load_or_build(matcher: Any, fingerprint: str | None) -> Gazetteer:
    import logging
    import os
    import pickle
    import tempfile

    if not fingerprint:
        return Gazetteer(matcher_entities(matcher))
    path = _gazetteer_cache_path(fingerprint)
    try:
        with open(path, "rb") as fh:
            gaz = pickle.load(fh)
        if isinstance(gaz, Gazetteer):
            return gaz
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    gaz = Gazetteer(matcher_entities(matcher))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only home only costs speed
        logging.getLogger(__name__).warning("gazetteer cache not written: %s", exc)
    return gaz


def gazetteer_for(matcher: Any, fingerprint: str | None = None) -> Gazetteer:
    """One gazetteer per Matcher object, built on first use (seconds for all lists) or read from the
    on-disk cache under VIGIL_HOME/cache when `fingerprint` (the store fingerprint) is given."""
    with _gaz_lock:
        cached = _gazetteers.get(id(matcher))
        if cached is not None and cached[0] is matcher:
            return cached[1]
        gaz = _load_or_build(matcher, fingerprint)
        _gazetteers.clear()  # a new index replaces the old one (API reload)
        _gazetteers[id(matcher)] = (matcher, gaz)
        return gaz


# -- result types --------------------------------------------------------------------------

@dataclass
class MentionOut:
    text: str
    start: int
    end: int
    sentence: str
    source: str
    context: str = ctx.MENTIONED

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "sentence": self.sentence,
                "found_by": self.source, "context": self.context}


@dataclass
class LinkedEntity:
    entity: Entity
    score: float
    reason: str
    evidence: list[str]
    explanation: dict[str, Any]
    mentions: list[MentionOut] = field(default_factory=list)
    context: str = ctx.MENTIONED
    context_evidence: list[dict] = field(default_factory=list)
    also: dict[str, Entity] = field(default_factory=dict)  # the same party on other lists

    def listing(self, article_date: str | None) -> dict:
        """On a list today (it is in the loaded lists), and since when: the listing date the list states
        (createdAt), else the first time vigil saw it (first_seen)."""
        records = [self.entity, *self.also.values()]
        listed_on = sorted(d for e in records for d in e.get("createdAt"))
        since = listed_on[0] if listed_on else None
        first_seen = sorted(e.first_seen for e in records if e.first_seen)
        out = {"listed": True, "datasets": sorted({d for e in records for d in e.datasets}),
               "since": since, "first_seen": first_seen[0] if first_seen else None,
               "programs": sorted({p for e in records for p in e.get("program")})}
        since = since or out["first_seen"]
        if article_date and since:
            out["listed_after_article"] = since[:10] > article_date[:10]
        return out

    def to_dict(self, article_date: str | None = None) -> dict:
        e = self.entity
        return {
            "id": e.id, "caption": e.caption, "schema": e.schema.name, "datasets": list(e.datasets),
            "score": round(self.score, 3), "reason": self.reason, "evidence": self.evidence,
            "explanation": self.explanation, "context": self.context, "context_evidence": self.context_evidence,
            "listing": self.listing(article_date), "mentions": [m.to_dict() for m in self.mentions],
            "also_listed": [{"id": o.id, "caption": o.caption, "datasets": list(o.datasets)}
                            for o in self.also.values()],
        }


@dataclass
class NamedParty:
    """A person or organisation named in the article and not linked to any list entry."""

    name: str
    label: str
    mentions: list[MentionOut]
    reason: str
    context: str = ctx.MENTIONED
    context_evidence: list[dict] = field(default_factory=list)
    possible: list[Candidate] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "name": self.name, "label": self.label, "reason": self.reason, "context": self.context,
            "context_evidence": self.context_evidence,
            "possible_matches": [
                {"id": c.entity.id, "caption": c.entity.caption, "datasets": list(c.entity.datasets),
                 "score": round(c.score, 3), "status": "possible, below threshold"} for c in self.possible
            ],
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass
class ScanResult:
    article: Article
    entities: list[LinkedEntity]
    unlinked: list[NamedParty]
    timings: dict[str, float] = field(default_factory=dict)
    ner: bool = True
    model: str | None = None

    @property
    def alerts(self) -> list[str]:
        """The pre-designation signal: sanctions called for on a party that no list has (yet)."""
        out = []
        for p in self.unlinked:
            if p.context == ctx.CALLED_FOR:
                out.append(f"sanctions called for on {p.name}, which is not on any loaded list")
        for le in self.entities:
            listing = le.listing(self.article.date)
            if le.context == ctx.CALLED_FOR and listing.get("listed_after_article"):
                out.append(f"{le.entity.caption}: sanctions called for in the article; listed later ({listing['since']})")
        return out

    def to_dict(self) -> dict:
        return {
            "article": self.article.metadata(),
            "ner": self.ner,
            "model": self.model,
            "entities": [e.to_dict(self.article.date) for e in self.entities],
            "unlinked": [p.to_dict() for p in self.unlinked],
            "alerts": self.alerts,
            "timings_ms": {k: round(v * 1000, 1) for k, v in self.timings.items()},
        }


# -- the scan ------------------------------------------------------------------------------

def scan_text(text: str, matcher: Any, *, source: str = "<text>", html: bool = False, ner: bool = True,
              model: str | None = None) -> ScanResult:
    article = from_html(text, source) if html else from_text(text, source)
    return scan_article(article, matcher, ner=ner, model=model)


def scan_file(path: str, matcher: Any, *, ner: bool = True, model: str | None = None) -> ScanResult:
    return scan_article(load_article(path), matcher, ner=ner, model=model)


def scan_article(article: Article, matcher: Any, *, ner: bool = True, model: str | None = None,
                 fingerprint: str | None = None) -> ScanResult:
    """Scan one loaded article. `fingerprint` (the store fingerprint of the matcher's lists, e.g.
    `LoadedIndex.fingerprint`) lets the gazetteer come from the on-disk cache on first use."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    english = article.language == "en"
    use_ner = ner and english
    # The full model is loaded even with ner=False: the context rules need its parser.
    pipeline = get_pipeline(model, ner=english)
    text = article.text
    doc = pipeline.process(text, ner=use_ner)
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    sent_starts = [s for s, _ in sentences]
    spans = ner_entities(doc) if use_ner else _country_words(text)
    timings["nlp"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    gaz = gazetteer_for(matcher, fingerprint)
    hits = gaz.find(text)
    spans = [s for s in spans if not _in_title_case_line(text, s.start, s.end)]
    ner_ranges = [(s.start, s.end) for s in spans if s.label != "GPE"]
    sentence_initial = set(sent_starts)

    def keep_hit(hit: GazetteerHit, ner_overlaps: bool, defined: bool) -> bool:
        if hit.acronym:
            return defined or gaz.is_unambiguous(hit.key)
        if " " not in hit.key:  # one word (Hamas, Hezbollah): NER must agree, or it must not open a sentence
            return ner_overlaps if use_ner else hit.start not in sentence_initial
        return True

    clusters = resolve(text, spans, hits, keep_hit)
    article_countries = _article_countries(spans, clusters, text)
    timings["gazetteer_coref"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    decisions = _link(clusters, matcher, gaz, text, article_countries,
                      {c.id: _cluster_countries(c, spans, sentences) for c in clusters})
    timings["linking"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    mention_ctx = _contexts(pipeline, doc, clusters, decisions, english) if english else {}
    timings["context"] = time.perf_counter() - t3

    def sentence_of(m: Mention) -> str:
        i = bisect.bisect_right(sent_starts, m.start) - 1
        s, e = sentences[max(i, 0)]
        return text[s:e].strip()

    linked: dict[str, LinkedEntity] = {}
    unlinked: list[NamedParty] = []
    for d in decisions:
        outs = []
        for m in d.cluster.mentions:
            hit = mention_ctx.get((m.start, m.end))
            outs.append(MentionOut(m.text, m.start, m.end, sentence_of(m), m.source,
                                   hit.cls if hit else ctx.MENTIONED))
        evidence = [
            {"context": h.cls, "trigger": h.trigger, "basis": h.basis, "sentence": sentence_of(m), "mention": m.text}
            for m in d.cluster.mentions if (h := mention_ctx.get((m.start, m.end))) is not None
        ]
        best_cls = max((e["context"] for e in evidence), key=lambda c: ctx.PRIORITY[c], default=ctx.MENTIONED)
        if d.linked is not None:
            eid = d.linked.entity.id
            le = linked.get(eid)
            if le is None:
                le = linked[eid] = LinkedEntity(d.linked.entity, d.linked.score, d.reason, d.evidence,
                                                d.linked.explanation)
            elif d.linked.score > le.score:
                le.score, le.reason, le.evidence, le.explanation = (d.linked.score, d.reason, d.evidence,
                                                                    d.linked.explanation)
            for o in d.also:
                if o.entity.id != eid:
                    le.also.setdefault(o.entity.id, o.entity)
            le.mentions.extend(outs)
            seen = {(e["context"], e["sentence"]) for e in le.context_evidence}
            le.context_evidence.extend(e for e in evidence if (e["context"], e["sentence"]) not in seen
                                       and not seen.add((e["context"], e["sentence"])))
            if ctx.PRIORITY[best_cls] > ctx.PRIORITY[le.context]:
                le.context = best_cls
        elif d.cluster.label in ("PERSON", "ORG") and d.cluster.names:
            unlinked.append(NamedParty(d.cluster.names[0], d.cluster.label, outs, d.reason, best_cls, evidence,
                                       d.possible))
    entities = sorted(linked.values(), key=lambda le: min(m.start for m in le.mentions))
    for le in entities:
        le.mentions.sort(key=lambda m: m.start)
    timings["total"] = time.perf_counter() - t0
    return ScanResult(article, entities, unlinked, timings, use_ner, pipeline.name)


_CAP_WORD = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\b")


def _country_words(text: str) -> list[NerSpan]:
    """Without NER: capitalised words that name a country or nationality, as GPE spans (for context)."""
    out = []
    for m in _CAP_WORD.finditer(text):
        for word, start in ((m.group(), m.start()), (m.group().split()[0], m.start())):
            if _country_code(word):
                out.append(NerSpan("GPE", word, start, start + len(word)))
                break
    return out


@lru_cache(maxsize=20000)
def _country_code(word: str) -> str | None:
    from vigil.sources.countries import to_code

    return to_code(word)


def _in_title_case_line(text: str, start: int, end: int) -> bool:
    """Headlines In Title Case fool the small NER model ("The U.S. Should Sanction Iran's ..." as an ORG);
    there only list names (gazetteer hits) count."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", start)
    return _is_title_case(text[ls: le if le != -1 else len(text)])


@lru_cache(maxsize=1024)  # asked once per NER span, i.e. many times for the same paragraph
def _is_title_case(line: str) -> bool:
    words = [w for w in line.split() if len(w) >= 4 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _cluster_countries(cluster: Cluster, spans, sentences: list[tuple[int, int]]) -> set[str]:
    """Countries named with the party: "<Country>'s X" and GPE/NORP words in the sentences naming it."""
    from vigil.sources.countries import to_code

    out = set()
    for m in cluster.mentions:
        for name in m.countries:
            code = to_code(name)
            if code:
                out.add(code)
        if m.source not in ("ner", "gazetteer"):
            continue
        for s, e in sentences:
            if s <= m.start < e:
                for sp in spans:
                    if sp.label in ("GPE", "NORP") and s <= sp.start < e:
                        code = to_code(sp.text.removeprefix("the ").strip())
                        if code:
                            out.add(code)
    return out


def _article_countries(spans, clusters: list[Cluster], text: str) -> set[str]:
    """Countries the article is about: GPE/NORP mentions and "<Country>'s" qualifiers, by frequency."""
    from vigil.sources.countries import to_code

    counts: Counter[str] = Counter()
    for s in spans:
        if s.label in ("GPE", "NORP"):
            code = to_code(s.text.removeprefix("the ").strip())
            if code:
                counts[code] += 1
    for c in clusters:
        for m in c.mentions:
            for name in m.countries:
                code = to_code(name)
                if code:
                    counts[code] += 1
    if not counts:
        return set()
    top = counts.most_common(1)[0][1]
    # Countries mentioned at least a quarter as often as the main one (drops passing mentions).
    return {code for code, n in counts.items() if n * 4 >= top}


def _is_country_word(name: str) -> bool:
    from vigil.sources.countries import DEMONYMS, to_code

    low = name.lower().removeprefix("the ").strip()
    return low in DEMONYMS or low.rstrip("s") in DEMONYMS or bool(to_code(low))


def _query_schema(cluster: Cluster) -> str:
    return "Person" if cluster.label == "PERSON" else "LegalEntity"


def _link(clusters: list[Cluster], matcher: Any, gaz: Gazetteer, text: str,
          article_countries: set[str], cluster_countries: dict[int, set[str]]) -> list[Decision]:
    from vigil.sources.countries import DEMONYMS

    demonym_of = {}
    for word, code in DEMONYMS.items():
        demonym_of.setdefault(code, word)
    decisions: list[Decision] = []
    queries = 0
    cache: dict[tuple[str, str], list[Candidate]] = {}
    # Organisations first: linked organisations corroborate people listed as linked to them.
    order = sorted(clusters, key=lambda c: c.label == "PERSON")
    linked_names: set[str] = set()
    for cluster in order:
        cands: dict[str, Candidate] = {}
        names = cluster.names
        for m in cluster.mentions:
            for eid in m.gazetteer_ids:
                ent = matcher.get(eid)
                if ent is None:
                    continue
                prop = m.gazetteer_props.get(eid, "name")
                score = 1.0 if prop in ("name", "alias", "previousName") else 0.97 if prop == "weakAlias" else None
                if score is None:
                    continue  # a derived name form (given name + surname): let the Matcher score it
                cands.setdefault(eid, Candidate(ent, score, {"gazetteer": {"score": score, "detail":
                                 f"exact {prop} on the list", "query": m.text, "candidate": m.text}},
                                 "gazetteer", m.text))
        schema = _query_schema(cluster)
        # A name found verbatim on a list is screened once more only to find the same party's records
        # spelled differently on other lists (HEZBOLLAH / HIZBALLAH); demonyms and country names
        # ("Iranian") are not parties.
        exact = {c.query for c in cands.values() if c.score >= 1.0}
        query_names = [n for n in names if not (len(n.split()) == 1 and schema == "Person")
                       and not (cluster.label == "NORP" and _is_country_word(n))][: 1 if exact else 3]
        if cluster.label in ("ORG", "NORP"):
            for m in cluster.mentions:
                for country in m.countries:  # "Iran's Ministry of X" -> also "Iranian Ministry of X"
                    from vigil.sources.countries import to_code

                    adj = demonym_of.get(to_code(country) or "")
                    if adj and m.source in ("ner", "gazetteer"):
                        query_names.append(f"{adj.title()} {m.text}")
        for name in dict.fromkeys(query_names):
            if queries >= MAX_QUERIES_PER_ARTICLE:
                break
            key = (schema, name)
            if key not in cache:
                queries += 1
                q = Entity(schema, properties={"name": [name]})
                if article_countries:
                    q.add("country", sorted(article_countries), strict=False)
                try:
                    resp = matcher.match(q, limit=3, threshold=POSSIBLE)
                except ValueError:
                    cache[key] = []
                    continue
                cache[key] = [
                    Candidate(r.entity, r.score, {k: v.to_dict() for k, v in r.explanations.items()}, "matcher", name)
                    for r in resp.results
                ]
            for c in cache[key]:
                old = cands.get(c.entity.id)
                if old is None or c.score > old.score:
                    cands[c.entity.id] = c
        acronym_ok = any(m.source == "abbreviation" or (m.acronym and m.source == "gazetteer") for m in cluster.mentions)
        d = decide(cluster, list(cands.values()), text, article_countries | cluster_countries.get(cluster.id, set()),
                   linked_names, acronym_ok)
        if d.linked is not None:
            linked_names.update(n.lower() for n in d.linked.entity.names)
        decisions.append(d)
    decisions.sort(key=lambda d: d.cluster.first.start)
    return decisions


def _contexts(pipeline, doc, clusters: list[Cluster], decisions: list[Decision], english: bool) -> dict:
    """Context hit per mention offset, parsing only sentences with a trigger and a mention."""
    named = [m for d in decisions for m in d.cluster.mentions
             if d.linked is not None or d.cluster.label in ("PERSON", "ORG")]
    out: dict[tuple[int, int], ctx.ContextHit] = {}
    todo = []
    for sent in doc.sents:
        if not ctx.has_trigger(sent.text):
            continue
        inside = [m for m in named if sent.start_char <= m.start and m.end <= sent.end_char]
        if inside:
            todo.append((sent, inside))
    for (sent, inside), parsed in zip(todo, pipeline.parse_many([s for s, _ in todo])):
        if parsed is None:
            continue
        offsets = {(m.start - sent.start_char, m.end - sent.start_char): m for m in inside}
        for (s, e), hit in ctx.classify(parsed, offsets.keys()).items():
            m = offsets[(s, e)]
            out[(m.start, m.end)] = hit
    return out
