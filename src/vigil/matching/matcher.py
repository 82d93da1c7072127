"""`Matcher`: screening queries against the in-memory index of all loaded entities."""
from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, NamedTuple, Sequence

from vigil.model import Entity, SchemaError, model
from vigil.errors import QueryError
from vigil.settings import DEFAULT_THRESHOLD

from . import bounds, ofac
from .display import format_score
from .index import COUNTRY_PROPS, PART_PROPS, EntityRecord, Index, NameRecord, lone_words, query_keys
from .names import Token, kind_of, name_tokens, packed_forms
from .frequency import NameStats
from .nicknames import nickname_of
from .scoring import DEFAULT_CONFIG, Alignment, Explanation, align, compare_dates, norm_id

MAX_NAME_LEN = 1000
NAME_PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")

FREEZE_MIN_NAMES = 10_000  # small (delta, test) indexes are not worth a global side effect
PRUNE_DEFAULT = True  # for Matcher(prune=None); front ends pass Settings.match_prune (VIGIL_MATCH_PRUNE)


@dataclass
class MatchResult:
    entity: Entity
    score: float
    match: bool
    explanations: dict[str, Explanation] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.entity.to_dict()
        data["score"] = round(self.score, 4)
        data["match"] = self.match
        data["features"] = {k: round(v.score, 4) for k, v in self.explanations.items()}
        data["explanations"] = {k: v.to_dict() for k, v in self.explanations.items()}
        return data


@dataclass
class MatchResponse:
    results: list[MatchResult]
    total: int  # candidates scoring above 0
    scored: int = 0  # candidates whose names were scored in full (the bounds skip the others)


@dataclass(slots=True)
class Query:
    entity: Entity
    kind: str
    names: list[tuple[str, tuple[Token, ...]]]
    words: list[int]  # per name: `index.lone_words`
    first_keys: frozenset[str]
    last_keys: frozenset[str]
    dobs: list[str]
    countries: set[str]
    ids: dict[str, str]
    gender: str | None


def _to_entity(query: Entity | dict) -> Entity:
    if isinstance(query, Entity):
        return query
    if not isinstance(query, dict):
        raise QueryError("a query is an entity: an object with 'schema' and 'properties'")
    try:
        return Entity.from_dict({"schema": "Person", **query} if "schema" not in query else query)
    except SchemaError as exc:
        raise QueryError(str(exc)) from None


def _check_text(value: str, prop: str) -> None:
    if len(value) > MAX_NAME_LEN:
        raise QueryError(f"{prop} is too long ({len(value)} characters; at most {MAX_NAME_LEN})")


def _country_codes(values: Iterable[str]) -> set[str]:
    from vigil.sources.countries import to_code

    out = set()
    for v in values:
        code = to_code(v) if len(v) != 2 else v.lower()
        if code:
            out.add(code)
    return out


def _packed_query_names(values: list[str], kind: str) -> list[str]:
    """The names packed into the query's name fields (`names.packed_forms`: a name with its original
    script or a note, "ANSAR AL-MUJAHIDEEN NETWORK - SUB-UNIT NAME"), acronyms left out (a query's
    own acronym alone would find other entities of those initials)."""
    out: list[str] = []
    for value in values:
        if "(" in value or ")" in value or ";" in value or "-" in value or "/" in value:
            out.extend(form for form, acronym in packed_forms(value, kind) if not acronym and form not in values)
    return out


def _merge_overrides(defaults: dict[str, float], given: dict | None, what: str) -> dict[str, float]:
    if not given:
        return defaults
    if not isinstance(given, dict):
        raise QueryError(f"{what} must be an object of name -> number")
    out = dict(defaults)
    for key, value in given.items():
        if key not in defaults:
            raise QueryError(f"unknown {what} key {key!r}; known: {', '.join(sorted(defaults))}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise QueryError(f"{what} {key!r} must be a number, not {value!r}")
        out[key] = float(value)
    return out


class Matcher:
    """Builds the candidate index once; `match` and `search` are read-only and thread-safe."""

    def __init__(self, entities: Iterable[Entity], prune: bool | None = None):
        # The build allocates millions of long-lived objects: the cyclic GC would walk the growing
        # heap again and again meanwhile. Afterwards a large index is parked in the permanent
        # generation (as the index cache does), so that the full collections a long screening run
        # triggers (0.5 s each on all lists) no longer walk it.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self.index = Index.build(entities)
            if len(self.index.names) >= FREEZE_MIN_NAMES:
                gc.freeze()
        finally:
            if enabled:
                gc.enable()
        # prune=False (VIGIL_MATCH_PRUNE=0, passed by the front ends) scores every candidate in full: the
        # same results, slower; kept to check the bounds against (tests/matching/test_bounds.py).
        self.prune = prune

    @classmethod
    def from_index(cls, index: Index, prune: bool | None = None) -> "Matcher":
        """A Matcher over an index built before (unpickled: see `__reduce__`)."""
        matcher = cls((), prune)
        matcher.index = index
        return matcher

    def __reduce__(self):
        # Pickled (the index cache) as its index: the compiled class cannot be created without
        # running __init__, which wants the entities.
        return (Matcher.from_index, (self.index, self.prune))

    def __len__(self) -> int:
        return len(self.index.entities)

    def get(self, entity_id: str) -> Entity | None:
        i = self.index.by_id.get(entity_id)
        return self.index.entities[i].entity if i is not None else None

    # -- candidate keys (what the monitor's prefilter reads) ---------------------------------
    def query_keys(self, query: Entity | dict) -> frozenset[str]:
        """Every key candidate generation could look up for this query, identifiers as "#" + number
        (a superset; raises `QueryError` for a query `match` refuses). A query none of whose keys
        `candidate_keys()` holds cannot find anything in this index."""
        q = self.prepare(query)
        return query_keys([tokens for _, tokens in q.names], q.ids)

    def candidate_keys(self) -> frozenset[str]:
        """Every key a query can find a record of this index by (see `query_keys`)."""
        return self.index.keys()

    # -- query preparation --------------------------------------------------------------
    @staticmethod
    def prepare(query: Entity | dict) -> Query:
        """Validate a query and analyse its names once (raises `QueryError`)."""
        ent = _to_entity(query)
        schema = ent.schema
        if schema.abstract or not schema.matchable:
            matchable = ", ".join(sorted(model().matchable()))
            raise QueryError(f"schema {schema.name!r} cannot be screened; use one of: {matchable}")
        kind = kind_of(schema.name)
        raw_names = list(ent.names)
        parts = [" ".join(ent.get(p)) for p in NAME_PART_PROPS if ent.get(p)]
        if parts:
            raw_names.append(" ".join(parts))
        for value in raw_names + [v for p in NAME_PART_PROPS for v in ent.get(p)]:
            _check_text(value, "name")
        names = []
        seen_tokens: set[tuple[Token, ...]] = set()
        raw_names += _packed_query_names(raw_names, kind)
        for value in raw_names:
            tokens = name_tokens(value, kind)
            # A second spelling with the very same tokens ("John Smith" as name and as
            # firstName + lastName) scores exactly as the first: score it once.
            if tokens and tokens not in seen_tokens:
                seen_tokens.add(tokens)
                names.append((value, tokens))
        ids = {norm_id(v): v for v in ent.get_type("identifier") if len(norm_id(v)) >= 4}
        if not names and not ids:
            if any(ent.get(p) for p in ("name", "alias")) or parts:
                raise QueryError("the query name has no letters or digits to match on")
            raise QueryError("the query needs a name (property 'name') or an identifier")
        first = frozenset(t.key for p in PART_PROPS["first"] for v in ent.get(p) for t in name_tokens(v, kind))
        last = frozenset(t.key for p in PART_PROPS["last"] for v in ent.get(p) for t in name_tokens(v, kind))
        countries = _country_codes(v for p in COUNTRY_PROPS for v in ent.get(p))
        gender = (ent.first("gender") or "").lower() or None
        # A query of unknown kind (LegalEntity, the CLI's default) may be a person's name: "Al Green" is two
        # words against a one-part person's name GREEN whatever schema the query was given.
        words = [lone_words(value, tokens, "person" if kind == "any" else kind) for value, tokens in names]
        return Query(ent, kind, names, words, first, last, ent.get("birthDate"), countries, ids, gender)

    # -- matching -------------------------------------------------------------------------
    def match(
        self,
        query_entity: Entity | dict,
        limit: int = 5,
        threshold: float = DEFAULT_THRESHOLD,
        algorithm: str = "vigil",
        weights: dict | None = None,
        config: dict | None = None,
        datasets: Iterable[str] | None = None,
        exclude_schema: Iterable[str] = (),
        exclude_ids: Iterable[str] = (),
        changed_since: str | None = None,
        topics: Iterable[str] | None = None,
    ) -> MatchResponse:
        if algorithm not in ALGORITHMS:
            raise QueryError(f"unknown algorithm {algorithm!r}; choose one of: {', '.join(ALGORITHMS)}")
        if not isinstance(limit, int) or limit < 1:
            raise QueryError("limit must be a positive integer")
        if not 0.0 <= float(threshold) <= 1.0:
            raise QueryError("threshold must be between 0 and 1")
        spec = ALGORITHMS[algorithm]
        w = _merge_overrides(spec["weights"], weights, "weight")
        cfg = _merge_overrides(spec["config"], config, "config")
        if algorithm == "ofac" or cfg is spec["config"]:
            # Keep the module-level default object when nothing is overridden: the token
            # similarity cache is keyed on the config object.
            cfg = DEFAULT_CONFIG if cfg is spec["config"] else {**DEFAULT_CONFIG, **cfg}
        for s in exclude_schema:
            try:
                model().get(s)
            except SchemaError as exc:
                raise QueryError(str(exc)) from None
        q = self.prepare(query_entity)
        if datasets is not None:
            datasets = set(datasets)
            if datasets >= self.index.datasets:
                # Every loaded list (what /match/default asks for): no filter, and no need to
                # look 5x further down the candidate list.
                datasets = None
        filters = _Filters(datasets, exclude_schema, exclude_ids, changed_since, topics)
        n_cand = int(cfg["candidates"])
        if filters.active:
            n_cand *= 5  # filters drop candidates after ranking: look further down the list
        qschema = q.entity.schema.name
        entities = self.index.entities
        check = filters.ok if filters.active else None
        if algorithm == "ofac":
            results = []
            n_ofac = 0
            for eidx, names in self._candidates(q, n_cand).items():
                rec = entities[eidx]
                if (check is not None and not check(rec)) or not _compatible(qschema, rec.entity.schema.name):
                    continue
                score, expl = ofac.score_entity(q, rec, names, w)
                n_ofac += 1
                if score > 0:
                    results.append(MatchResult(rec.entity, score, score >= threshold, expl))
            results.sort(key=lambda r: (-r.score, r.entity.id or ""))
            return MatchResponse(results[:limit], len(results), n_ofac)

        weigh = self.index.weigh
        stats = getattr(self.index, "stats", None)
        prune = getattr(self, "prune", None)
        if prune is None:
            prune = PRUNE_DEFAULT
        prune = prune and (_DEFAULT_USABLE if cfg is DEFAULT_CONFIG and w is ALGORITHMS["vigil"]["weights"]
                           else bounds.usable(cfg, w))
        wn = w["name"]
        memo: dict = {}
        scored = []  # (score, entity id, record, best name, qualifier values)
        n_scored = 0
        for eidx, names in self._candidates(q, n_cand).items():
            rec = entities[eidx]
            if (check is not None and not check(rec)) or not _compatible(qschema, rec.entity.schema.name):
                continue
            if rec.org_names and q.kind == "person":
                continue  # a LegalEntity whose names make it an organisation (`index._mark_org_names`)
            values: Sequence[float] = qualifier_values(q, rec, w, memo)
            if prune and names:
                qsum = sum(values)
                # The name score must exceed `lam` for the total to be above 0 (the margin covers
                # rounding); a candidate whose names cannot is dropped, as full scoring would drop it.
                lam = (-qsum - bounds.MARGIN) / wn if wn > 0 else (1.0 if qsum <= -bounds.MARGIN else -1.0)
                if lam >= 1.0 or (lam >= 0.0 and self._names_at_most(q, rec, names, lam, cfg, memo)):
                    continue
            best = best_name(q, rec, names, cfg, weigh, memo, stats)
            n_scored += 1
            if best.record is None and not q.ids:
                values = ()  # no name scored: qualifiers do not count (see `qualifiers`)
            score = max(0.0, min(1.0, _total(best.score, values, wn)))
            if score > 0:
                scored.append((score, rec.entity.id or "", rec, best))
        scored.sort(key=lambda r: (-r[0], r[1]))
        # Explanations (strings) only for the results returned.
        results = []
        for score, _, rec, best in scored[:limit]:
            quals = qualifiers(q, rec, w, best.record is not None)
            results.append(MatchResult(rec.entity, score, score >= threshold, explain(best, quals, w)))
        return MatchResponse(results, len(scored), n_scored)

    def _names_at_most(self, q: Query, rec: EntityRecord, names: list[NameRecord], lam: float, cfg: dict,
                       memo: dict) -> bool:
        """True when no name of the candidate can score above `lam` against any query name
        (upper bounds from `bounds`, the alternatives `name_alignment` may try included: a superset,
        e.g. the joins of names of as many parts whether or not a part is left over)."""
        org = "org" in (q.kind, rec.kind) and "person" not in (q.kind, rec.kind)
        waf = cfg["weak_alias_factor"]
        part_weights = self.index.part_weights
        later = []  # alternatives (joined parts, acronyms) checked last (costlier)
        for _, qtoks in q.names:
            wq = memo.get(("w", qtoks))
            if wq is None:
                wq = memo[("w", qtoks)] = part_weights(qtoks)
            for nrec in names:
                most = lam
                if nrec.prop == "weakAlias":
                    if waf <= lam:
                        continue
                    most = lam / waf
                ctoks = nrec.tokens
                key = ("b", qtoks, ctoks, org)
                ub = memo.get(key)
                if ub is None:
                    ub = memo[key] = bounds.align_bound(qtoks, ctoks, wq, nrec.weights, cfg, org)
                if ub > most:
                    return False
                later.append((qtoks, nrec, most))
        acr = cfg["acronym_factor"]
        for qtoks, nrec, most in later:
            ctoks = nrec.tokens
            akey = ("a", qtoks, ctoks, org)
            alts = memo.get(akey)
            if alts is None:
                sq = memo.get(("s", qtoks))
                if sq is None:
                    sq = memo[("s", qtoks)] = bounds.shape(qtoks)
                sc = nrec.shape
                if sc is None:
                    sc = nrec.shape = bounds.shape(ctoks)
                alts = memo[akey] = bounds.alternatives(qtoks, ctoks, org, sq, sc)
            for qt, ct, is_acronym in alts:
                ub = bounds.align_bound(qt, ct, part_weights(qt), part_weights(ct), cfg, org)
                if (ub * acr if is_acronym else ub) > most:
                    return False
        return True

    def _candidates(self, q: Query, limit: int) -> dict[int, list[NameRecord]]:
        out: dict[int, list[NameRecord]] = defaultdict(list)
        names = self.index.names
        for nidx in self.index.candidates([t for _, t in q.names], limit, q.kind != "person") if q.names else ():
            rec = names[nidx]
            out[rec.entity].append(rec)
        for key in q.ids:
            for eidx in self.index.ids.get(key, ()):
                out.setdefault(eidx, [])
        return out

    # -- free-text search ----------------------------------------------------------------
    def search(
        self,
        q: str,
        schema: str | None = None,
        countries: Iterable[str] = (),
        datasets: Iterable[str] | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> tuple[list[tuple[Entity, float]], int]:
        if not isinstance(q, str) or not q.strip():
            raise QueryError("search text is empty")
        _check_text(q, "search text")
        if schema is not None:
            try:
                model().get(schema)
            except SchemaError as exc:
                raise QueryError(str(exc)) from None
        tokens = name_tokens(q, "any")
        if not tokens:
            raise QueryError("the search text has no letters or digits")
        cset = _country_codes(countries)
        dsets = set(datasets) if datasets else None
        # Search ranks by how much of the *query* a name covers: extra name parts cost little.
        cfg = {**DEFAULT_CONFIG, "unmatched_candidate_factor": 0.2, "single_token_factor": 1.0}
        best: dict[int, float] = {}
        for nidx in self.index.candidates([tokens], 200):
            nrec = self.index.names[nidx]
            rec = self.index.entities[nrec.entity]
            ent = rec.entity
            if schema and not ent.schema.is_a(schema):
                continue
            if dsets and not dsets.intersection(ent.datasets):
                continue
            if cset and not cset & rec.countries:
                continue
            s = align(tokens, nrec.tokens, cfg, self.index.weigh).score
            if s > best.get(nrec.entity, 0.0):
                best[nrec.entity] = s
        # Identifiers typed into the search box.
        for key in {norm_id(q)}:
            for eidx in self.index.ids.get(key, ()):
                best[eidx] = 1.0
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self.index.entities[kv[0]].entity.id or ""))
        page = ranked[offset: offset + limit]
        return [(self.index.entities[i].entity, round(s, 4)) for i, s in page], len(ranked)


def compare(
    query: Entity | dict,
    candidate: Entity,
    algorithm: str = "vigil",
    threshold: float = DEFAULT_THRESHOLD,
    weights: dict | None = None,
    config: dict | None = None,
) -> MatchResult:
    """Score one query against one entity without an index (pairwise benchmarks, re-checks).

    Without the lists' statistics every name part weighs the same, so scores can differ
    slightly from `Matcher.match`, which weighs rare name parts more.
    """
    from .index import entity_record, packed_names
    from .names import name_tokens as _nt

    if algorithm not in ALGORITHMS:
        raise QueryError(f"unknown algorithm {algorithm!r}; choose one of: {', '.join(ALGORITHMS)}")
    q = Matcher.prepare(query)
    rec = entity_record(candidate)
    names = []
    for prop, value in candidate.iter_names():
        tokens = _nt(value, rec.kind)
        names.append(NameRecord(0, prop, value, tokens, words=lone_words(value, tokens, rec.kind)))
    for prop, form, shown, tokens in packed_names(candidate, rec.kind):
        names.append(NameRecord(0, prop, shown, tokens, words=lone_words(form, tokens, rec.kind)))  # as the index does
    names = [n for n in names if n.tokens]
    if model().common_schema(q.entity.schema.name, candidate.schema.name) is None:
        return MatchResult(candidate, 0.0, False, {})
    spec = ALGORITHMS[algorithm]
    w = _merge_overrides(spec["weights"], weights, "weight")
    if algorithm == "ofac":
        score, expl = ofac.score_entity(q, rec, names, w)
    else:
        cfg = _merge_overrides(DEFAULT_CONFIG, config, "config")
        score, expl = score_entity(q, rec, names, w, cfg, _unit_weight)
    return MatchResult(candidate, score, score >= threshold, expl)


def _unit_weight(tok: Token) -> float:
    return 1.0


@lru_cache(maxsize=1024)
def _compatible(query_schema: str, candidate_schema: str) -> bool:
    """Schema compatibility is a hard filter: a Person never matches a Vessel (memoised per pair)."""
    return model().common_schema(query_schema, candidate_schema) is not None


class _Filters:
    def __init__(self, datasets, exclude_schema, exclude_ids, changed_since, topics):
        self.datasets = set(datasets) if datasets else None
        self.exclude_schema = set(exclude_schema or ())
        self.exclude_ids = set(exclude_ids or ())
        self.changed_since = changed_since
        self.topics = set(topics) if topics else None
        self.active = bool(self.datasets is not None or self.exclude_schema or self.exclude_ids
                           or self.changed_since or self.topics is not None)

    def ok(self, rec: EntityRecord) -> bool:
        ent = rec.entity
        if self.datasets is not None and not self.datasets.intersection(ent.datasets):
            return False
        if self.exclude_schema and ent.schema.name in self.exclude_schema:
            return False
        if self.exclude_ids and ent.id in self.exclude_ids:
            return False
        if self.changed_since and (rec.changed or "") < self.changed_since:
            return False
        if self.topics is not None and not self.topics & rec.topics:
            return False
        return True


def name_alignment(qtoks: tuple[Token, ...], ctoks: tuple[Token, ...], cfg: dict, weigh, org: bool):
    """(best alignment, its score) of one query name and one candidate name, trying joined
    compounds (Nasr Allah / Nasrallah) and acronyms (IRGC; for persons initials: JP), and for names
    with as many parts, when a query part is left over, a word split in one of them (Nikolai
    Patr ushev / Nikolai Platonovich Patrushev: `bounds.even_joins`). `bounds.alternatives` lists
    every name this may try, for the bounds."""
    al = align(qtoks, ctoks, cfg, weigh, org)
    s = al.score
    if s < 0.99 and (len(qtoks) != len(ctoks) or al.q_unmatched or (org and _weak_pair(al, cfg))):
        acr = cfg["acronym_factor"]
        for qt, ct, is_acronym in bounds.alternatives(qtoks, ctoks, org):
            if is_acronym and s >= acr:
                continue  # (listed after the compounds) an acronym scores at most acronym_factor
            alt = align(qt, ct, cfg, weigh, org)
            score = alt.score * acr if is_acronym else alt.score
            if score > s:
                al, s = alt, score
    return al, s


def _weak_pair(al: Alignment, cfg: dict) -> bool:
    """A pair of parts aligned below the fuzzy floor (SERV / SERVICES: an abbreviation, tried by
    `bounds.alternatives`)."""
    floor = cfg["fuzzy_floor"]
    for _, _, s in al.pairs:
        if s < floor:
            return True
    return False


class BestName(NamedTuple):
    """The best-scoring pair of a query name and a candidate name."""
    score: float  # after the weak-alias and swapped-parts factors
    query: str | None  # the query name as given
    record: NameRecord | None  # None: no name scored
    alignment: Alignment | None
    note: str = ""  # a cap or factor the explanation must state (see `_name_rarity`)


NO_NAME = BestName(0.0, None, None, None)


def best_name(q: Query, rec: EntityRecord, names: list[NameRecord], cfg: dict, weigh,
              memo: dict | None = None, stats: NameStats | None = None) -> BestName:
    """The best name pair (`BestName`: score, query name, candidate name record, alignment).

    `memo` (one dict per query) shares name alignments between candidates: the same person on
    several lists often carries the very same names (interned token tuples). `stats` (the index's
    `frequency.NameStats`; None without an index) lets the lists' name frequencies count: a given
    name found in the family-name position, and very common names (`_name_rarity`).
    """
    best = NO_NAME
    org = "org" in (q.kind, rec.kind) and "person" not in (q.kind, rec.kind)  # see scoring.align
    check_swap = bool(q.first_keys and q.last_keys and rec.first_keys and rec.last_keys)
    # (a candidate whose family name may be a given name's pet form: Joe Wilson / Wilson JOSEPH)
    check_family = bool(rec.last_keys or rec.first_keys) and not q.last_keys
    person = stats is not None and rec.kind == "person" and q.kind != "org"
    check_given = person and bool(rec.last_keys) and not q.last_keys
    cap = cfg["common_name_cap"]
    for k, (qname, qtoks) in enumerate(q.names):
        qwords = q.words[k]
        for nrec in names:
            if memo is None:
                al, s = name_alignment(qtoks, nrec.tokens, cfg, weigh, org)
            else:
                key = (qtoks, nrec.tokens, org)
                hit = memo.get(key)
                if hit is None:
                    hit = memo[key] = name_alignment(qtoks, nrec.tokens, cfg, weigh, org)
                al, s = hit
            if s <= 0:
                continue
            if nrec.prop == "weakAlias":
                s *= cfg["weak_alias_factor"]
            if qwords > nrec.words > 0:
                # A one-part person's name (GREEN) found by a query of more words whose others
                # were read as particles or titles (Al Green: Al, a given name here): a word of
                # the query is unaccounted for.
                s *= cfg["dropped_word_factor"]
            elif person and nrec.words > 0 and _given_name_left(qtoks, al.pairs, stats, rec.first_keys):
                # ... or a given name of the query, unmatched and none of the candidate's (Ali Green /
                # GREEN, an alias of Alexander MOZHAEV): one-part names are family names, nicknames or
                # kunyas, and a common given name weighs little.
                s *= cfg["dropped_word_factor"]
            before = s
            if check_family and _pet_form_of_family_name(qtoks, nrec.tokens, al.pairs, rec.first_keys, rec.last_keys):
                s *= cfg["pet_form_family_factor"]
            note = ""
            if check_given and not (check_family and s < before) and _given_name_as_family(
                    qtoks, nrec.tokens, al.pairs, rec, stats):
                s *= cfg["given_as_family_factor"]
                note = f"the query's given name {qtoks[0].text.capitalize()} is only a family name here"
            if check_swap:
                swapped = any(
                    (qtoks[i].key in q.first_keys and nrec.tokens[j].key in rec.last_keys
                     and qtoks[i].key not in q.last_keys)
                    for i, j, _ in al.pairs if i < len(qtoks) and j < len(nrec.tokens)
                )
                if swapped:
                    s *= cfg["swapped_parts_factor"]
            if person and s > cap and not _corroborated(q, rec, memo):
                common = _name_rarity(qtoks, nrec.tokens, al.pairs, stats, cfg, memo)
                if common:
                    s = cap
                    note = f"{note}; {common}" if note else common
            if s > best.score or (s == best.score and nrec.prop == "name" and best.record is not None
                                  and best.record.prop != "name"):
                best = BestName(s, qname, nrec, al, note)  # on a tie, explain with the primary name
    return best


def _given_name_as_family(qtoks: tuple[Token, ...], ctoks: tuple[Token, ...], pairs: list[tuple[int, int, float]],
                          rec: EntityRecord, stats: NameStats | None) -> bool:
    """The query's first part, a given name in the lists (`GIVEN_NAME_SHARE` of its uses in name-part
    fields), aligned with a later part that is only the candidate's family name: Faysal Ibrahim is not
    AL-FAISAL, Abdullah Ibrahim, nor Joseph Wilson JOSEPH, Wilson (a query written family first
    starts with a family name: Kim, Ibrahim, Ali are family names often enough)."""
    if len(qtoks) < 2 or stats is None:
        return False
    for i, j, _ in pairs:
        if i == 0 and 0 < j < len(ctoks):  # (at j == 0 both are written family name first)
            b = ctoks[j]
            return (b.key in rec.last_keys and b.key not in rec.first_keys
                    and stats.is_given_name(qtoks[0], GIVEN_NAME_SHARE))
    return False


GIVEN_NAME_SHARE = 0.8  # (5 of the lists' 32,878 person names would lose a match to another name of their own entity)


def _given_name_left(qtoks: tuple[Token, ...], pairs: list[tuple[int, int, float]], stats: NameStats | None,
                     given: frozenset[str]) -> bool:
    """A strong part of the query that no part of the candidate's name matched is a given name in
    the lists (more often a given than a family name in their name-part fields) and not one of the
    candidate's given names (`given`: keys, when its list says; Khalil ZGHRAYBIH is ZGHRAYBIH)."""
    if stats is None:
        return False
    matched = {i for i, _, _ in pairs}
    for i, t in enumerate(qtoks):
        if i not in matched and not t.weak and t.key not in given and stats.is_given_name(t, 0.5):
            return True
    return False


def _name_rarity(qtoks: tuple[Token, ...], ctoks: tuple[Token, ...], pairs: list[tuple[int, int, float]],
                 stats: NameStats | None, cfg: dict, memo: dict | None) -> str:
    """"" or, when the candidate's parts the query matched are a very common name in the lists
    (`frequency.NameStats.name_share` at least `common_name_share`), the explanation of the cap."""
    key = ("r", qtoks, ctoks, tuple(pairs))
    if memo is not None:
        hit = memo.get(key)
        if hit is not None:
            return hit
    parts: list[Token] = []
    for i, j, _ in sorted(pairs, key=lambda p: p[1]):
        if i >= len(qtoks) or j >= len(ctoks) or ctoks[j].weak:
            continue
        # (the lists' frequencies are of Latin spellings: a part in another script is read on the
        # other side when that is Latin, محمد احمدی as Mohammad Ahmadi; see `NameStats.row`)
        parts.append(ctoks[j] if not ctoks[j].script or qtoks[i].script else qtoks[i])
    share, country = stats.name_share(parts) if parts and stats is not None else (0.0, "")
    note = ""
    if share >= cfg["common_name_share"]:
        words = " ".join(t.key if t.script else t.text.capitalize() for t in parts)
        note = (f"a common name ({words}: about 1 in {round(1 / share):,} of the lists' persons of {country.upper()}); "
                f"without a birth date or identifier in common it scores at most {cap_text(cfg['common_name_cap'])}")
    if memo is not None:
        memo[key] = note
    return note


def _corroborated(q: Query, rec: EntityRecord, memo: dict | None) -> bool:
    """A birth date (or year) or an identifier of the query agrees with the candidate's: the stronger
    evidence a common name needs (its name score then counts in full)."""
    if q.ids and rec.ids and not q.ids.keys().isdisjoint(rec.ids):
        return True
    o = check_birth_dates(q, rec, memo, False)
    return o is not None and o.feature == "dob_match"


def cap_text(cap: float) -> str:
    return f"{cap:.2f}"


def _pet_form_of_family_name(qtoks: tuple[Token, ...], ctoks: tuple[Token, ...], pairs: list[tuple[int, int, float]],
                             first: frozenset[str], last: frozenset[str]) -> bool:
    """A query part aligned, as a pet form, with a part that is only the candidate's family name:
    Joe is a pet form of the given name Joseph, not of the family name JOSEPH (Wilson JOSEPH)."""
    for i, j, _ in pairs:
        if i < len(qtoks) and j < len(ctoks):
            a, b = qtoks[i], ctoks[j]
            family = b.key in last if last else (j == len(ctoks) - 1 and j > 0)  # (UN: given names, then the family's)
            if family and b.key not in first and a.text != b.text and (
                    nickname_of(a.text, b.text) or nickname_of(b.text, a.text)):
                return True
    return False


# -- qualifier features: one table drives the hot path and the explanations -------------------
# Like nomenklatura's logic-v2 feature list: each check compares one kind of evidence of the query
# and a candidate and names the feature it found (or None: nothing to compare); each feature has its
# default weight (DEFAULT_WEIGHTS is built from this table, overridable per request) and its
# explanation. `qualifier_values` (every candidate, no strings) and `qualifiers` (the results shown,
# with explanations) both run the same checks in the same order, so the score of a result is the
# sum its explanations show (tests/matching/test_features.py checks the two against each other).


class Feature(NamedTuple):
    name: str  # the weight's key and the explanation's key
    weight: float  # default weight
    explanation: str  # the explanation's detail (unless the check words it by strength)


class Outcome(NamedTuple):
    feature: str
    strength: float  # the feature's value in [0, 1]; the score adds strength x weight
    query: str  # the values compared (empty in the hot path)
    candidate: str
    detail: str  # "" = the feature's explanation


class Check(NamedTuple):
    name: str
    compare: Callable[[Query, EntityRecord, dict | None, bool], Outcome | None]  # (q, rec, memo, explain)
    needs_name: bool  # counted only when some name scored (identifiers count alone)
    features: tuple[Feature, ...]


def check_ids(q: Query, rec: EntityRecord, memo: dict | None, explain: bool) -> Outcome | None:
    """Identifiers: exact equality of normalised numbers."""
    if not q.ids or not rec.ids:
        return None
    if not explain:
        return _ID_MATCH if not q.ids.keys().isdisjoint(rec.ids) else _ID_MISMATCH
    common = set(q.ids) & set(rec.ids)
    if common:
        key = sorted(common)[0]
        return Outcome("id_match", 1.0, q.ids[key], rec.ids[key], "")
    return Outcome("id_mismatch", 1.0, ", ".join(q.ids.values()), ", ".join(rec.ids.values()), "")


_DOB_WORDING = {1.0: "birth date matches", 0.6: "birth year matches"}


def check_birth_dates(q: Query, rec: EntityRecord, memo: dict | None, explain: bool) -> Outcome | None:
    """Birth dates (`scoring.compare_dates`); `memo` (one per query) shares the comparisons between
    candidates with the same birth dates (one person on several lists)."""
    if not q.dobs or not rec.dobs:
        return None
    if memo is None:
        cmp = compare_dates(q.dobs, rec.dobs)
    else:
        key = ("d", *rec.dobs)
        if key in memo:  # (None when not comparable)
            cmp = memo[key]
        else:
            cmp = memo[key] = compare_dates(q.dobs, rec.dobs)
    if cmp is None:
        return None
    kind, strength, qv, cv = cmp
    if kind != "match":
        return Outcome("dob_mismatch", 1.0, qv, cv, "")
    detail = _DOB_WORDING.get(strength, "birth year matches, day or month differs") if explain else ""
    return Outcome("dob_match", strength, qv, cv, detail)


def check_countries(q: Query, rec: EntityRecord, memo: dict | None, explain: bool) -> Outcome | None:
    if not q.countries or not rec.countries:
        return None
    if not explain:
        return _COUNTRY_MATCH if not q.countries.isdisjoint(rec.countries) else _COUNTRY_MISMATCH
    common = q.countries & rec.countries
    if common:
        c = sorted(common)[0]
        return Outcome("country_match", 1.0, c, c, "")
    return Outcome("country_mismatch", 1.0, ", ".join(sorted(q.countries)), ", ".join(sorted(rec.countries)), "")


def check_gender(q: Query, rec: EntityRecord, memo: dict | None, explain: bool) -> Outcome | None:
    qg, cg = q.gender, rec.gender
    if qg and cg and qg != cg and qg in ("male", "female") and cg in ("male", "female"):
        return Outcome("gender_mismatch", 1.0, qg, cg, "")
    return None


_ID_MATCH = Outcome("id_match", 1.0, "", "", "")
_ID_MISMATCH = Outcome("id_mismatch", 1.0, "", "", "")
_COUNTRY_MATCH = Outcome("country_match", 1.0, "", "", "")
_COUNTRY_MISMATCH = Outcome("country_mismatch", 1.0, "", "", "")

CHECKS: tuple[Check, ...] = (
    Check("identifiers", check_ids, False, (
        Feature("id_match", 0.35, "identifier matches"),  # same identifier (passport, national ID, IMO ...)
        Feature("id_mismatch", -0.05, "identifiers differ"),  # both sides have identifiers and none agree
    )),
    Check("birth dates", check_birth_dates, True, (
        Feature("dob_match", 0.05, "birth date matches"),  # full date: 1.0, year or range: 0.6, same year else: 0.3
        Feature("dob_mismatch", -0.35, "birth dates contradict"),  # different years (a year apart is a slip), outside any range
    )),
    Check("countries", check_countries, True, (
        Feature("country_match", 0.03, "country matches"),
        Feature("country_mismatch", -0.08, "countries differ"),
    )),
    Check("gender", check_gender, True, (
        Feature("gender_mismatch", -0.2, "gender differs"),
    )),
)
FEATURES: dict[str, Feature] = {f.name: f for c in CHECKS for f in c.features}
# Default weights of the "vigil" algorithm; overridable per request (`weights=`).
DEFAULT_WEIGHTS: dict[str, float] = {"name": 1.0, **{f.name: f.weight for f in FEATURES.values()}}


class Qualifier(NamedTuple):
    """One qualifier feature of a candidate, as explained."""
    feature: str
    strength: float
    weight: float
    detail: str
    query: str
    candidate: str


def qualifiers(q: Query, rec: EntityRecord, w: dict, named: bool) -> list[Qualifier]:
    """The qualifier features of one candidate with their explanations; `named`: some name scored
    (else only checks that need no name count)."""
    out: list[Qualifier] = []
    for check in CHECKS:
        if check.needs_name and not named and not q.ids:
            continue
        o = check.compare(q, rec, None, True)
        if o is not None:
            out.append(Qualifier(o.feature, o.strength, w[o.feature], o.detail or FEATURES[o.feature].explanation,
                                 o.query, o.candidate))
    return out


def qualifier_values(q: Query, rec: EntityRecord, w: dict, memo: dict | None = None) -> list[float]:
    """What each qualifier adds to the score (strength x weight), in the order of
    `qualifiers(q, rec, w, True)`, without building the explanation strings."""
    out: list[float] = []
    for check in CHECKS:
        o = check.compare(q, rec, memo, False)
        if o is not None:
            out.append(o.strength * w[o.feature])
    return out


def _total(name_score: float, values, name_weight: float) -> float:
    """name x weight plus each qualifier, added in one fixed order."""
    total = name_score * name_weight
    for v in values:
        total += v
    return total


def explain(best: BestName, quals: list[Qualifier], w: dict) -> dict[str, Explanation]:
    expl: dict[str, Explanation] = {}
    nrec = best.record
    if nrec is not None and best.alignment is not None:
        detail = f"name {format_score(best.score)}"
        if nrec.prop != "name":
            detail += f" ({'weak alias' if nrec.prop == 'weakAlias' else nrec.prop})"
        if best.alignment.q_unmatched:
            detail += f"; {best.alignment.q_unmatched} query name part(s) unmatched"
        if best.note:
            detail += f"; {best.note}"
        expl["name"] = Explanation(best.score, w["name"], detail, best.query, nrec.value)
    for qual in quals:
        expl[qual.feature] = Explanation(qual.strength, qual.weight, qual.detail, qual.query, qual.candidate)
    return expl


def score_entity(q: Query, rec: EntityRecord, names: list[NameRecord], w: dict, cfg: dict, weigh,
                 memo: dict | None = None):
    """The vigil score of one candidate entity and its explanations."""
    best = best_name(q, rec, names, cfg, weigh, memo)
    quals = qualifiers(q, rec, w, best.record is not None)
    total = _total(best.score, [qual.strength * qual.weight for qual in quals], w["name"])
    return max(0.0, min(1.0, total)), explain(best, quals, w)


ALGORITHMS: dict[str, dict[str, Any]] = {
    "vigil": {
        "name": "vigil",
        "description": (
            "vigil's explainable matcher: any-script name normalisation and transliteration, "
            "phonetic skeletons and learned spelling variants, best alignment of name parts, "
            "adjusted by birth date, country, gender and identifier evidence."
        ),
        "weights": dict(DEFAULT_WEIGHTS),
        "config": dict(DEFAULT_CONFIG),
        "default": True,
    },
    "ofac": {
        "name": "ofac",
        "description": (
            "Reproduces OFAC Sanctions List Search scoring (Jaro-Winkler plus Soundex on names "
            "only; no dates, countries or identifiers), for users who must show parity with it."
        ),
        "weights": {"name": 1.0},
        "config": {"candidates": DEFAULT_CONFIG["candidates"]},
        "default": False,
    },
}


_DEFAULT_USABLE = bounds.usable(DEFAULT_CONFIG, DEFAULT_WEIGHTS)
