"""Screening: the one path from a query to an explained, recorded result (`Screener`).

`vigil screen`, `POST /match`, the web UI's screen form, `vigil batch` and monitoring all screen through
this module: raw fields are parsed by `vigil.service.fields`, options checked by `check_options`, the
matcher run by `screen`, reasons worded by `reasons`/`explain`, and single screenings recorded by
`Screener.record` into the screening log and the audit log (one entry shape for every front end).
`screen()` returns exactly one yente `/match` response entry (`{status, results, total: {value,
relation}, query}`), so the CLI's `--json` output and the HTTP API can never drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping, Protocol

from vigil.errors import QueryError
from vigil.model import Entity, SchemaError, model
from vigil.service.fields import DEFAULT_SCHEMA, Fields, query_from_example, query_from_fields
from vigil.settings import DEFAULT_THRESHOLD
from vigil.matching.display import format_score

MAX_QUERIES = 100  # per /match request, as in yente
MAX_LIMIT = 500
DEFAULT_LIMIT = 5
TOP_IDS = 5  # result ids kept in the screening log
MAX_FETCH = 5000  # records fetched at most to fill a page of parties

__all__ = [
    "QueryError", "UnknownDatasetError", "ScreenOptions", "Screening", "Screener", "Fields", "DEFAULT_SCHEMA",
    "DEFAULT_THRESHOLD", "query_from_fields", "query_from_example", "check_options", "resolve_datasets",
    "screen", "explain", "reasons",
]


class UnknownDatasetError(LookupError):
    """A dataset name that is neither loaded nor `default`. HTTP 404."""


# -- options ------------------------------------------------------------------

@dataclass
class ScreenOptions:
    """Everything besides the query that shapes one screening (the /match query parameters)."""

    limit: int = DEFAULT_LIMIT
    threshold: float = DEFAULT_THRESHOLD
    algorithm: str | None = None
    weights: dict[str, float] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    datasets: list[str] | None = None  # None = everything loaded
    exclude_schema: list[str] = field(default_factory=list)
    exclude_ids: list[str] = field(default_factory=list)
    changed_since: str | None = None
    topics: list[str] | None = None
    requested_algorithm: str | None = None  # the name the caller used (a yente alias, say); set by check_options
    merge: bool = True  # one result per party (False: per list record, `--per-record` / `?merge=false`)


def algorithms() -> dict[str, Any]:
    from vigil.matching import ALGORITHMS

    return ALGORITHMS


def default_algorithm() -> str:
    algos = algorithms()
    return "vigil" if "vigil" in algos else next(iter(algos))


def algorithm_config(name: str) -> dict[str, Any]:
    """The default config of one algorithm (whatever shape the matcher gives it)."""
    spec = algorithms()[name]
    if isinstance(spec, Mapping):
        cfg = spec.get("config") or spec.get("default_config") or {}
    else:
        cfg = getattr(spec, "config", None) or getattr(spec, "default_config", None) or {}
    return dict(cfg)


def tuning_record(opts: ScreenOptions | None) -> dict[str, Any] | None:
    """What the screening log keeps of a request's own weights and config: the algorithm and the effective
    (default + override) weights and config; None when the request used the defaults."""
    if opts is None or not (opts.weights or opts.config):
        return None
    spec = algorithms().get(opts.algorithm or default_algorithm())
    weights = dict(spec.get("weights") or {}) if isinstance(spec, Mapping) else {}
    return {"algorithm": opts.algorithm, "requested": opts.requested_algorithm,
            "weights": {**weights, **opts.weights},
            "config": {**algorithm_config(opts.algorithm or default_algorithm()), **opts.config}}


def algorithm_description(name: str) -> str:
    spec = algorithms()[name]
    if isinstance(spec, Mapping):
        return str(spec.get("description") or "")
    if isinstance(spec, str):
        return spec
    return str(getattr(spec, "description", "") or "")


def resolve_algorithm(name: str | None) -> str:
    """vigil's algorithm for `name`: its own names, or a yente name (`best`, `logic-v2` ...; see service.algorithms)."""
    from vigil.service.algorithms import known_names, resolve

    algorithm = resolve(name)
    if algorithm is None:
        raise QueryError(f"unknown algorithm {name!r}; choose one of: {', '.join(known_names())}")
    return algorithm


def check_options(opts: ScreenOptions) -> ScreenOptions:
    """Validate and normalise options; raises QueryError with a clear message."""
    if not 1 <= opts.limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if not 0.0 <= opts.threshold <= 1.0:
        raise QueryError("threshold must be between 0 and 1")
    if opts.requested_algorithm is None:
        opts.requested_algorithm = opts.algorithm or "best"
    opts.algorithm = resolve_algorithm(opts.algorithm)
    known = algorithm_config(opts.algorithm)
    unknown = sorted(set(opts.config) - set(known))
    if unknown:
        hint = f"; known keys: {', '.join(sorted(known))}" if known else " (it takes no config)"
        raise QueryError(f"unknown config key(s) for algorithm {opts.algorithm!r}: {', '.join(unknown)}{hint}")
    for key, value in opts.weights.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise QueryError(f"weight {key!r} must be a number")
    if opts.changed_since:
        try:
            datetime.fromisoformat(opts.changed_since.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(f"changed_since must be an ISO date or date-time, got {opts.changed_since!r}") from None
    for schema in opts.exclude_schema:
        if schema not in model().schemata:
            raise QueryError(f"unknown schema {schema!r} in exclude_schema")
    return opts


def resolve_datasets(
    scope: str,
    loaded: Iterable[str],
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> list[str]:
    """Datasets a request searches: `scope` (a dataset or `default` = all), narrowed by include/exclude."""
    loaded = list(loaded)
    if scope == "default":
        chosen = list(loaded)
    elif scope in loaded:
        chosen = [scope]
    else:
        raise UnknownDatasetError(
            f"dataset {scope!r} not found; loaded datasets: {', '.join(loaded) or 'none'} (or 'default' for all)"
        )
    include = [d for d in include if d]
    if include:
        missing = [d for d in include if d not in loaded]
        if missing:
            raise UnknownDatasetError(f"include_dataset {', '.join(missing)} not loaded")
        chosen = [d for d in chosen if d in include]
    exclude = set(exclude)
    return [d for d in chosen if d not in exclude]


# -- screening ----------------------------------------------------------------

def screen(matcher: Any, query: Entity, opts: ScreenOptions, parties: Any = None) -> dict[str, Any]:
    """Screen one query entity; returns one yente `/match` response entry.

    With `opts.merge` (the default) the results are parties (see `vigil.service.party_results`): one per
    party, the best of its records in scope, with `party`, `referents`, `datasets` and `records`;
    `parties` is the record -> party map (`vigil.parties.PartyMap`; None: every record its own party).
    Without it, one result per list record, as the matcher ranks them."""
    if opts.datasets is not None and not opts.datasets:
        # every dataset was excluded: nothing can match, and that is not an error
        results: list[dict[str, Any]] = []
        total, relation = 0, "eq"
    elif not opts.merge:
        resp = _match(matcher, query, opts, opts.limit, opts.exclude_ids)
        results = [r.to_dict() for r in resp.results]
        total, relation = _total(resp, results), "eq"
    else:
        results, total, relation = _screen_parties(matcher, query, opts, parties)
    return {
        "status": 200,
        "results": results,
        "total": {"value": total, "relation": relation},
        "query": query.to_dict(),
    }


def _match(matcher: Any, query: Entity, opts: ScreenOptions, limit: int, exclude_ids: Iterable[str]) -> Any:
    try:
        return matcher.match(
            query,
            limit=limit,
            threshold=opts.threshold,
            algorithm=opts.algorithm or default_algorithm(),
            weights=opts.weights or None,
            config=opts.config or None,
            datasets=opts.datasets,
            exclude_schema=tuple(opts.exclude_schema),
            exclude_ids=tuple(exclude_ids),
            changed_since=opts.changed_since,
            topics=opts.topics,
        )
    except (ValueError, KeyError, SchemaError) as exc:
        raise QueryError(str(exc).strip("'\"")) from exc


def _total(resp: Any, results: list[Any]) -> int:
    total = resp.total if isinstance(resp.total, int) else int(getattr(resp.total, "value", len(results)))
    return max(total, len(results))


def _screen_parties(matcher: Any, query: Entity, opts: ScreenOptions,
                    parties: Any) -> tuple[list[dict[str, Any]], int, str]:
    """The first `opts.limit` parties, each scored on its best record in scope; (results, total, relation).
    `total` counts parties exactly when every scored record was fetched, else it is the parties among the
    records fetched (relation `gte`)."""
    from vigil.service import party_results as pr

    exclude = pr.expand_party_ids(opts.exclude_ids, parties) if opts.exclude_ids else ()
    n = pr.fetch_size(opts.limit)
    resp = _match(matcher, query, opts, n, exclude)
    records = _total(resp, resp.results)
    groups, total = pr.group(resp.results, parties, opts.limit)
    while len(groups) < opts.limit and len(resp.results) < records and n < MAX_FETCH:
        # the records fetched hold fewer than `limit` parties and there are more: fetch more
        n = min(records, MAX_FETCH, 3 * n)
        resp = _match(matcher, query, opts, n, exclude)
        groups, total = pr.group(resp.results, parties, opts.limit)
    complete = len(resp.results) >= records
    if parties is None or (hasattr(parties, "__len__") and not len(parties)):
        # every record its own party (no resolve yet): the record count is exact
        total, complete = records, True
    scope = set(opts.datasets) if opts.datasets is not None else None
    get = getattr(matcher, "get", lambda _id: None)
    results = [pr.party_result(pid, scored, parties, get, scope) for pid, scored in groups]
    return results, max(total, len(results)), "eq" if complete else "gte"


def top_ids(response: Mapping[str, Any], n: int = TOP_IDS) -> list[str]:
    return [r["id"] for r in response.get("results", [])[:n]]


# -- explanations in words ------------------------------------------------------
# The one source of explanation wording: the CLI table, batch's best_explanation column, the web UI's
# results and its alert page all show these texts (the matcher supplies `detail`, e.g. "countries differ").

FEATURE_LABELS = {"name": "name", "dob_match": "birth date", "dob_mismatch": "birth date", "id_match": "identifier",
                  "id_mismatch": "identifier", "country_match": "country", "country_mismatch": "country",
                  "gender_mismatch": "gender"}


def feature_label(feature: str) -> str:
    label = FEATURE_LABELS.get(feature)
    if label is None:
        for suffix in ("_match", "_similarity", "_score"):
            feature = feature.removesuffix(suffix)
        label = feature.replace("_", " ")
    return label


def _values(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


@dataclass(frozen=True)
class Reason:
    """One feature that moved a score: what the analyst reads (`text`) and the values it compared."""

    feature: str  # the matcher's feature key, e.g. country_mismatch
    label: str  # "country"
    score: float
    weight: float
    text: str  # "countries differ", "name 0.97 (Qasem ~ QASEM SOLEIMANI)"
    query: str  # the query's value(s)
    candidate: str  # the listed value(s)

    @property
    def penalty(self) -> bool:
        return self.score * self.weight < 0

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.label, "key": self.feature, "score": self.score, "weight": self.weight,
                "text": self.text, "query": self.query, "candidate": self.candidate, "penalty": self.penalty}


EVIDENCE_ONLY = {"related_party"}  # shown, though they do not move the score (service/associates.py)


def reasons(result: Mapping[str, Any]) -> list[Reason]:
    """The features that moved one result's score (non-zero score and weight), strongest first."""
    out = []
    for feature, e in (result.get("explanations") or {}).items():
        if not isinstance(e, Mapping):
            continue
        score = float(e.get("score") or 0.0)
        weight = e.get("weight")
        weight = 1.0 if weight is None else float(weight)
        if score == 0.0 or (weight == 0.0 and feature not in EVIDENCE_ONLY):
            continue
        label = feature_label(feature)
        q, c, detail = _values(e.get("query")), _values(e.get("candidate")), e.get("detail")
        if q and c and ("name" in feature or not detail):
            text = f"{label} {format_score(score)} ({q} ~ {c})"
        elif detail:
            text = str(detail)
        else:
            text = f"{label} {format_score(score)}"
        out.append(Reason(feature, label, score, weight, text, q, c))
    out.sort(key=lambda r: -abs(r.score * r.weight))
    return out


def explain(result: Mapping[str, Any], max_parts: int = 3) -> str:
    """The key reasons for one result, in words an analyst reads at a glance:
    "name 0.97 (قاسم سلیمانی ~ SOLEIMANI, Qasem); birth year matches"."""
    return "; ".join(r.text for r in reasons(result)[:max_parts])


# -- the Screener -----------------------------------------------------------------

@dataclass
class Screening:
    """One screened query: the query entity and its yente `/match` response entry (results are parties
    unless the options said `merge=False`)."""

    query: Entity
    entry: dict[str, Any]

    @property
    def results(self) -> list[dict[str, Any]]:
        return self.entry["results"]

    @property
    def matched(self) -> bool:
        return any(r["match"] for r in self.results)

    @property
    def top_ids(self) -> list[str]:
        return top_ids(self.entry)


class Recorder(Protocol):
    """Where screening records go: `screening_log.ScreeningRecorder` (the server, batched in the background)
    or `screening_log.DirectRecorder` (the CLI: written before the result is shown)."""

    def add_many(self, entries: Iterable[Any]) -> None: ...


class Screener:
    """Raw input -> query -> screening -> record: what every front end calls.

    `matcher` is the matcher itself or a function returning it, called only once a query has been
    parsed (so `vigil screen` with a bad birth date fails before the index loads). `parties`: the
    record -> party map merged results use, or a function returning it (called per screening, so the
    provider decides how fresh it is); None: each record is its own party. `recorder` receives
    one `ScreeningEntry` per recorded screening; without one nothing is recorded (batch rows,
    monitoring and warm-up queries are recorded as runs elsewhere).
    """

    def __init__(self, matcher: Any = None, recorder: Recorder | None = None, parties: Any = None,
                 graph: Any = None):
        self._matcher = matcher
        self.recorder = recorder
        self._parties = parties  # record -> party map (vigil.parties.PartyMap), or a function returning one
        self._graph = graph  # service.graph.Graph, or a function returning one (None: no relation evidence)

    @property
    def parties(self) -> Any:
        """The party map merged results use (None: every record its own party); a function given is
        called on each screening, so a provider can hand out the map of the latest resolve."""
        parties = self._parties
        if callable(parties) and not hasattr(parties, "party_of"):
            return parties()
        return parties

    @property
    def matcher(self) -> Any:
        if callable(self._matcher) and not hasattr(self._matcher, "match"):
            self._matcher = self._matcher()
        return self._matcher

    # parsing: the same rules for typed fields and FtM examples
    query = staticmethod(query_from_fields)
    query_from_example = staticmethod(query_from_example)

    def screen(self, query: Entity, opts: ScreenOptions) -> Screening:
        entry = screen(self.matcher, query, opts, self.parties if opts.merge else None)
        if self._graph is not None and query.has("associatedParty"):
            from vigil.service.associates import annotate

            graph = self._graph() if callable(self._graph) and not hasattr(self._graph, "of") else self._graph
            annotate(entry, query, self.matcher, graph)
        return Screening(query, entry)

    def screen_fields(self, fields: Fields, opts: ScreenOptions, *, endpoint: str, key_name: str | None = None,
                      actor: str | None = None) -> Screening:
        """Parse, screen and record one screening typed by a user (`vigil screen`, the UI form)."""
        query = self.query(fields)
        result = self.screen(query, opts)
        self.record(endpoint, [result], key_name=key_name, actor=actor)
        return result

    def screen_many(self, queries: Mapping[str, Entity], opts: ScreenOptions, *, endpoint: str,
                    key_name: str | None = None, actor: str | None = None) -> dict[str, Screening]:
        """Screen several parsed queries (`POST /match`) and record them all, or none."""
        results = {key: self.screen(query, opts) for key, query in queries.items()}
        self.record(endpoint, results.values(), key_name=key_name, actor=actor)
        return results

    def record(self, endpoint: str, screenings: Iterable[Screening], *, key_name: str | None = None,
               actor: str | None = None, opts: ScreenOptions | None = None) -> None:
        """One screening-log row and audit event per screening, the same shape from every front end:
        the query entity as screened and the top result ids. A screening with its own weights or config
        (`opts`) also records the algorithm and the effective weights and config it was scored with, under
        the query's `matcher` key (absent: the defaults)."""
        if self.recorder is None:
            return
        from vigil.service.screening_log import ScreeningEntry

        tuned = tuning_record(opts)
        self.recorder.add_many([ScreeningEntry(
            endpoint=endpoint, query=s.entry["query"] if tuned is None else {**s.entry["query"], "matcher": tuned},
            top_ids=s.top_ids, key_name=key_name, actor=actor) for s in screenings])

    def record_search(self, endpoint: str, query: Mapping[str, Any], ids: list[str], *,
                      key_name: str | None = None) -> None:
        """A text search (`GET /search`) in the same log: its parameters and the first result ids."""
        if self.recorder is None:
            return
        from vigil.service.screening_log import ScreeningEntry

        self.recorder.add_many([ScreeningEntry(endpoint=endpoint, query=dict(query), top_ids=ids[:TOP_IDS],
                                               key_name=key_name)])
