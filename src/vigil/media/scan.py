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
from vigil.media.linking import ORG_LINK, POSSIBLE, Candidate, Decision, decide
from vigil.media.partial import ezafe_start, partial_candidates, preceding_titles, title_roles, titled_surname
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

    from vigil.settings import current
    from vigil.media import gazetteer as module

    # The cache is stale when the lists (fingerprint) or the gazetteer/normaliser code change.
    digest = hashlib.sha256(fingerprint.encode())
    import vigil.matching.names as names

    for mod in (module, names):
        st = Path(mod.__file__).stat()
        digest.update(f"{mod.__name__}:{st.st_size}:{st.st_mtime_ns}".encode())
    return current().cache_dir / f"gazetteer-{digest.hexdigest()[:24]}.pickle"


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
                 "score": round(c.score, 3), "status": "possible, not linked"} for c in self.possible
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
                 fingerprint: str | None = None, graph: Any = None) -> ScanResult:
    """Scan one loaded article. `fingerprint` (the store fingerprint of the matcher's lists, e.g.
    `LoadedIndex.fingerprint`) lets the gazetteer come from the on-disk cache on first use."""
    return scan_articles([article], matcher, ner=ner, model=model, fingerprint=fingerprint, graph=graph)[0]


BATCH_SIZE = 8  # articles whose spaCy steps run together (the gain levels off; memory grows with it)


def scan_articles(articles: Iterable[Article], matcher: Any, *, ner: bool = True, model: str | None = None,
                  fingerprint: str | None = None, batch_size: int = BATCH_SIZE,
                  share_screening: bool = True, graph: Any = None) -> list[ScanResult]:
    """Scan several articles, each with the same result as `scan_article`, sharing work within each
    batch of `batch_size`: the spaCy steps run once per batch (one NER network pass over all the
    articles' windows, one parser pass over all the sentences to classify), and, with
    `share_screening`, a name screened for one article is not screened again for another (same
    schema, name and countries: same answer). The throughput bench turns that off when its corpus
    repeats the same article. `graph` (service.graph.graph_for(store)): the relations the lists state,
    used as corroboration (a person related to an organisation the article also names)."""
    articles = list(articles)
    size = max(1, batch_size)
    out: list[ScanResult] = []
    for i in range(0, len(articles), size):
        out.extend(_scan_batch(articles[i: i + size], matcher, ner, model, fingerprint, share_screening, graph))
    return out


def clear_caches() -> None:
    """Forget what the scan steps memoise across articles (word forms, token vectors, country names):
    the next article costs what a first-seen text costs. For measurements."""
    from vigil.media import gazetteer as gazetteer_module
    from vigil.media.ner import clear_pipeline_caches

    gazetteer_module._norm_word.cache_clear()
    gazetteer_module._norm_parts.cache_clear()
    _country_code.cache_clear()
    _is_title_case.cache_clear()
    clear_pipeline_caches()


@dataclass
class _Work:
    """One article of a batch, between the steps."""

    article: Article
    use_ner: bool
    pipeline: Any = None
    doc: Any = None
    spans: list = field(default_factory=list)
    sentences: list = field(default_factory=list)
    clusters: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    todo: list = field(default_factory=list)  # (sentence, mentions in it) to classify
    mention_ctx: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    hits: list = field(default_factory=list)


def _kept_acronyms(text: str, hits: list[GazetteerHit], gaz: Gazetteer) -> list[tuple[int, int]]:
    """Where the listed acronyms stand that the scan keeps whatever the NER says (defined in the text,
    or given to one party by the lists: `keep_hit`). Their capitals need no NER window of their own:
    the gazetteer mention stands in for the NER's. (About a tenth fewer NER tokens on the MOIS op-ed,
    with the same scan result.)"""
    from vigil.media.coref import defined_abbreviations

    defined = defined_abbreviations(text)
    return [(h.start, h.end) for h in hits
            if h.acronym and (h.text.rstrip("’'s") in defined or gaz.is_unambiguous(h.key))]


def _scan_batch(articles: list[Article], matcher: Any, ner: bool, model: str | None,
                fingerprint: str | None, share_screening: bool = True, graph: Any = None) -> list[ScanResult]:
    works = [_Work(a, ner and a.language == "en") for a in articles]
    n = len(works)
    gaz = gazetteer_for(matcher, fingerprint)
    for w in works:  # first: the NER need not look at listed acronyms (see `_kept_acronyms`)
        t = time.perf_counter()
        w.hits = gaz.find(w.article.text)
        w.timings["gazetteer_coref"] = time.perf_counter() - t
    t0 = time.perf_counter()
    by_language: dict[bool, list[_Work]] = {}
    for w in works:
        by_language.setdefault(w.article.language == "en", []).append(w)
    for english, group in by_language.items():
        # The full model is loaded even with ner=False: the context rules need its parser.
        pipeline = get_pipeline(model, ner=english)
        known = [_kept_acronyms(w.article.text, w.hits, gaz) for w in group]
        docs = pipeline.process_many([w.article.text for w in group], ner=ner and english, known=known)
        for w, doc in zip(group, docs):
            w.pipeline, w.doc = pipeline, doc
            w.sentences = [(s.start_char, s.end_char) for s in doc.sents]
            w.spans = ner_entities(doc) if w.use_ner else _country_words(w.article.text)
    nlp_share = (time.perf_counter() - t0) / n

    shared: dict[tuple, list[Candidate]] = {}  # Matcher answers, for the batch's articles
    for w in works:
        screened = shared if share_screening else {}
        w.timings["nlp"] = nlp_share
        t1 = time.perf_counter()
        text = w.article.text
        hits = w.hits
        spans = w.spans = [s for s in w.spans if not _in_title_case_line(text, s.start, s.end)]
        sentence_initial = {s for s, _ in w.sentences}
        use_ner = w.use_ner

        def keep_hit(hit: GazetteerHit, ner_overlaps: bool, defined: bool) -> bool:
            if hit.acronym:
                return defined or gaz.is_unambiguous(hit.key)
            if " " not in hit.key:  # one word (Hamas, Hezbollah): NER must agree, or it must not open a sentence
                return ner_overlaps if use_ner else hit.start not in sentence_initial
            return True

        w.clusters = resolve(text, spans, hits, keep_hit)
        article_countries = _article_countries(spans, w.clusters, text)
        w.timings["gazetteer_coref"] += time.perf_counter() - t1

        t2 = time.perf_counter()
        by_sentence = _sentence_countries(spans, w.sentences)
        w.decisions = _link(w.clusters, matcher, gaz, text, article_countries,
                            {c.id: _cluster_countries(c, by_sentence, w.sentences) for c in w.clusters}, screened,
                            graph)
        w.timings["linking"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    english = [w for w in works if w.article.language == "en"]
    for w in english:
        w.todo = _context_todo(w.doc, w.article.text, w.sentences, w.decisions)
    todo = [(w, sent, inside) for w in english for sent, inside in w.todo]
    if todo:
        parsed = english[0].pipeline.parse_many([sent for _, sent, _ in todo])
        for (w, sent, inside), doc in zip(todo, parsed):
            if doc is not None:
                w.mention_ctx.update(_classify(sent, inside, doc))
    context_share = (time.perf_counter() - t3) / n
    return [_result(w, context_share) for w in works]


def _result(w: _Work, context_time: float) -> ScanResult:
    t4 = time.perf_counter()
    article, decisions, mention_ctx, sentences = w.article, w.decisions, w.mention_ctx, w.sentences
    text = article.text
    sent_starts = [s for s, _ in sentences]
    timings = w.timings
    timings["context"] = context_time

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
    timings["report"] = time.perf_counter() - t4
    timings["total"] = sum(timings.values())
    return ScanResult(article, entities, unlinked, timings, w.use_ner, w.pipeline.name)


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


def _sentence_countries(spans, sentences: list[tuple[int, int]]) -> list[set[str]]:
    """Per sentence, the countries its GPE/NORP words name."""
    from vigil.sources.countries import to_code

    starts = [s for s, _ in sentences]
    out: list[set[str]] = [set() for _ in sentences]
    for sp in spans:
        if sp.label in ("GPE", "NORP"):
            i = bisect.bisect_right(starts, sp.start) - 1
            if i >= 0 and sp.start < sentences[i][1]:
                code = to_code(sp.text.removeprefix("the ").strip())
                if code:
                    out[i].add(code)
    return out


def _cluster_countries(cluster: Cluster, by_sentence: list[set[str]], sentences: list[tuple[int, int]]
                       ) -> set[str]:
    """Countries named with the party: "<Country>'s X" and GPE/NORP words in the sentences naming it."""
    from vigil.sources.countries import to_code

    starts = [s for s, _ in sentences]
    out = set()
    for m in cluster.mentions:
        for name in m.countries:
            code = to_code(name)
            if code:
                out.add(code)
        if m.source not in ("ner", "gazetteer"):
            continue
        i = bisect.bisect_right(starts, m.start) - 1
        if i >= 0 and m.start < sentences[i][1]:
            out |= by_sentence[i]
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


# Nationalities, religions, ideologies and regions: what the NER tags NORP besides groups. A NORP name
# made only of these words ("Swedish", "Jewish", "Sunni Arab", "Western", "Zionism") names no party that
# could be listed, so it is not screened (a listed group the NER calls NORP, "Hezbollah", "Houthis",
# "Taliban", has a name of its own).
_PEOPLE_WORDS = frozenset(
    """afghan african albanian algerian american angolan arab arabian argentine argentinian armenian asian
    australian austrian azerbaijani azeri bahraini balkan baltic bangladeshi belarusian belgian bolivian bosnian
    brazilian british bulgarian burmese cambodian cameroonian canadian caribbean caucasian chadian chechen chilean
    chinese colombian congolese croatian cuban cypriot czech danish dutch ecuadorian egyptian emirati english
    eritrean estonian ethiopian european filipino finnish french gazan georgian german ghanaian greek
    guatemalan haitian honduran hungarian icelandic indian indonesian iranian iraqi irish israeli italian
    ivorian jamaican japanese jordanian kazakh kenyan korean kosovar kurdish kuwaiti kyrgyz laotian latin
    latvian lebanese liberian libyan lithuanian macedonian malaysian malian maltese mauritanian mexican
    moldovan mongolian montenegrin moroccan mozambican namibian nepalese nicaraguan nigerian nigerien nordic
    norwegian omani pakistani palestinian panamanian paraguayan persian peruvian polish portuguese qatari
    romanian russian rwandan salvadoran saudi scandinavian scottish senegalese serbian singaporean slovak
    slovenian somali spanish sudanese swedish swiss syrian taiwanese tajik tanzanian thai tibetan tunisian
    turkish turkmen ugandan ukrainian uruguayan uzbek venezuelan vietnamese welsh yemeni zambian zimbabwean
    western eastern northern southern central middle
    muslim muslims islamic islamist islamists jihadist jihadists christian christians catholic catholics
    protestant protestants orthodox evangelical evangelicals jewish jew jews zionist zionists zionism hindu
    hindus buddhist buddhists sikh sikhs sunni sunnis shia shias shiite shiites alawite alawites druze
    yazidi yazidis bahai baha'i baha’i coptic copts kurd kurds arabs persians pashtun pashtuns baloch
    republican republicans democrat democrats democratic conservative conservatives liberal liberals
    socialist socialists communist communists marxist marxists leftist leftists nationalist nationalists
    secular secularists""".split()
)


def _names_no_party(name: str) -> bool:
    """A NORP name made only of nationality / religion / ideology / region words."""
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", name.lower().removeprefix("the "))
    return bool(words) and all(w in _PEOPLE_WORDS or _is_country_word(w) for w in words)


def _query_schema(cluster: Cluster) -> str:
    return "Person" if cluster.label == "PERSON" else "LegalEntity"


def _link(clusters: list[Cluster], matcher: Any, gaz: Gazetteer, text: str,
          article_countries: set[str], cluster_countries: dict[int, set[str]],
          screened: dict[tuple, list[Candidate]] | None = None, graph: Any = None) -> list[Decision]:
    """One decision per cluster. `screened` holds Matcher results by (schema, name, countries) and
    may be shared between articles (the query is the same, so is the answer)."""
    from vigil.sources.countries import DEMONYMS

    demonym_of = {}
    for word, code in DEMONYMS.items():
        demonym_of.setdefault(code, word)
    decisions: list[Decision] = []
    countries = tuple(sorted(article_countries))
    cache = {} if screened is None else screened
    asked: set[tuple] = set()  # distinct names screened for this article (bounded)
    # Organisations first: linked organisations corroborate people listed as linked to them.
    order = sorted(clusters, key=lambda c: c.label == "PERSON")
    linked_names: set[str] = set()
    linked_ids: dict[str, str] = {}  # entity id -> caption, of what this article links
    for cluster in order:
        cands: dict[str, Candidate] = {}
        ezafe = []
        for m in cluster.mentions:
            at = ezafe_start(text, m.start) if m.source == "ner" else None
            if at is not None:
                # "Vezarat-e Ettela'at": the NER's span lacks the ezafe head, which makes it an organisation.
                m.start, m.text, m.label = at, text[at:m.end], "ORG"
                ezafe.append(m.text)
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
                       and not (cluster.label == "NORP" and (_is_country_word(n) or _names_no_party(n)))
                       ][: 1 if exact else 3]
        if cluster.label in ("ORG", "NORP"):
            for m in cluster.mentions:
                for country in m.countries:  # "Iran's Ministry of X" -> also "Iranian Ministry of X"
                    from vigil.sources.countries import to_code

                    adj = demonym_of.get(to_code(country) or "")
                    if adj and m.source in ("ner", "gazetteer"):
                        query_names.append(f"{adj.title()} {m.text}")
        for name in dict.fromkeys(query_names):
            key = (schema, name, countries)
            if key not in asked and len(asked) >= MAX_QUERIES_PER_ARTICLE:
                break
            asked.add(key)
            if key not in cache:
                q = Entity(schema, properties={"name": [name]})
                if countries:
                    q.add("country", list(countries), strict=False)
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
        here = article_countries | cluster_countries.get(cluster.id, set())
        if ((cluster.label in ("ORG", "NORP") or ezafe) and (query_names or ezafe)
                and len(asked) < MAX_QUERIES_PER_ARTICLE and not any(c.score >= ORG_LINK for c in cands.values())):
            # A partial, reordered or transliterated name of a listed organisation ("Iran's Ministry of
            # Intelligence", "Vezarat-e Ettela'at"): see media/partial.py.
            partial_names = list(dict.fromkeys(ezafe + [n for n in query_names if not _is_country_word(n)]))[:3]
            asked.add(("partial", *partial_names))
            for c in partial_candidates(matcher, partial_names, here):
                old = cands.get(c.entity.id)
                if old is None or c.score > old.score:
                    cands[c.entity.id] = c
        acronym_ok = any(m.source == "abbreviation" or (m.acronym and m.source == "gazetteer") for m in cluster.mentions)
        if not ezafe and cluster.label == "PERSON" and names and all(len(n.split()) == 1 for n in names):
            titles = title_roles(r for m in cluster.mentions for r in m.roles) or [
                t for m in cluster.mentions if m.source == "ner" for t in preceding_titles(text, m.start)][:1]
            if titles and len(asked) < MAX_QUERIES_PER_ARTICLE:
                # "Ayatollah Khamenei", "General Soleimani": a title and a surname (media/partial.py).
                asked.add(("titled", names[0]))
                cand, evidence, reason = titled_surname(names[0], titles, matcher, text, cluster, here,
                                                        linked_names)
                if cand is not None:
                    d = Decision(cluster, cand, [], evidence, reason)
                    linked_names.update(n.lower() for n in cand.entity.names)
                    linked_ids.setdefault(cand.entity.id or "", cand.entity.caption)
                    decisions.append(d)
                    continue
        d = decide(cluster, list(cands.values()), text, here, linked_names, acronym_ok, graph, linked_ids)
        if d.linked is not None:
            linked_names.update(n.lower() for n in d.linked.entity.names)
            for c in [d.linked, *d.also]:  # the party's records on every list
                linked_ids.setdefault(c.entity.id or "", d.linked.entity.caption)
        decisions.append(d)
    decisions.sort(key=lambda d: d.cluster.first.start)
    return decisions


def _context_todo(doc, text: str, sentences: list[tuple[int, int]], decisions: list[Decision]
                  ) -> list[tuple[Any, list[Mention]]]:
    """(sentence, its mentions) for the sentences to parse: those with a trigger word and a named party."""
    named = [m for d in decisions for m in d.cluster.mentions
             if d.linked is not None or d.cluster.label in ("PERSON", "ORG")]
    if not named:
        return []
    starts = [s for s, _ in sentences]
    with_trigger = sorted({bisect.bisect_right(starts, t) - 1 for t in ctx.trigger_offsets(text)})
    todo = []
    for i in with_trigger:
        if i < 0:
            continue
        start, end = sentences[i]
        if not ctx.has_trigger(text[start:end]):  # a trigger word cut by the sentence boundary
            continue
        inside = [m for m in named if start <= m.start and m.end <= end]
        if inside:
            todo.append((doc.char_span(start, end), inside))
    return todo


def _classify(sent, inside: list[Mention], parsed) -> dict[tuple[int, int], ctx.ContextHit]:
    """Context hit per mention offset in one parsed sentence."""
    out: dict[tuple[int, int], ctx.ContextHit] = {}
    offsets = {(m.start - sent.start_char, m.end - sent.start_char): m for m in inside}
    for (s, e), hit in ctx.classify(parsed, offsets.keys()).items():
        m = offsets[(s, e)]
        out[(m.start, m.end)] = hit
    return out
