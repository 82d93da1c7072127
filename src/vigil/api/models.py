"""Request and response models: yente's wire format, so yente clients work unchanged."""
from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vigil.service import tuning

PropertyValue = Union[str, int, float]


class EntityExample(BaseModel):
    """A query: an FtM-shaped example of the party to look for."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str | None = Field(None, max_length=200, examples=[None])
    schema_: str = Field(..., alias="schema", max_length=64, examples=["Person"])
    properties: dict[str, Union[list[PropertyValue], PropertyValue]] = Field(
        default_factory=dict,
        examples=[{"name": ["Qasem Soleimani"], "birthDate": ["1957"], "nationality": ["ir"]}],
    )


class EntityMatchQuery(BaseModel):
    """The /match body: up to 100 named queries, optional feature weights and algorithm config."""

    model_config = ConfigDict(extra="forbid")

    queries: dict[str, EntityExample] = Field(
        ..., examples=[{"q1": {"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}}]
    )
    weights: dict[str, float] = Field(
        default_factory=dict, description="Feature weights for this request (see /algorithms): finite numbers, "
        "`name` in (0, 1], `*_match` in [0, 1], `*_mismatch` in [-1, 0]; anything else is a 422")
    config: dict[str, Any] = Field(
        default_factory=dict, description="Algorithm config for this request (see /algorithms): finite numbers, "
        "`*_score`/`*_floor`/`*_factor` in (0, 1], `candidates` an integer in [1, 500]; anything else is a 422")

    @field_validator("weights")
    @classmethod
    def _weights_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        return tuning.check_weights(value) if value else value

    @field_validator("config")
    @classmethod
    def _config_in_range(cls, value: dict[str, Any]) -> dict[str, Any]:
        return tuning.check_configs(value) if value else value


class TotalSpec(BaseModel):
    value: int
    relation: Literal["eq", "gte"] = "eq"


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Any]] = Field(default_factory=dict)
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    source: str | None = None
    party: str | None = Field(None, description="The party (`vp-…` id) this list record belongs to; its "
                              "`referents` are then every record of that party")


class AdjacentPage(BaseModel):
    results: list[Any] = Field(default_factory=list, description="relation entities, the far end nested")
    total: TotalSpec
    limit: int
    offset: int = 0


class AdjacentResponse(BaseModel):
    """yente's EntityAdjacentResponse."""
    entity: EntityResponse
    adjacent: dict[str, AdjacentPage] = Field(default_factory=dict)
    limit: int
    offset: int = 0


class FeatureExplanation(BaseModel):
    score: float
    weight: float | None = None
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None


class PartyRecord(BaseModel):
    """One list record of a party in a merged result, with its own score when it was scored."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    datasets: list[str] = Field(default_factory=list)
    score: float | None = Field(None, description="This record's score (null: not among the records scored)")
    match: bool = False


class ScoredEntityResponse(EntityResponse):
    """A result: with `merge` (the default) one party — `id` is its best-scoring list record in scope (whose
    properties and explanations these are), `party` the party id, `referents` every member record id in
    scope, `datasets` every list they are on, `records` each member with its score; with `merge=false`
    one list record."""

    score: float
    match: bool
    explanations: dict[str, FeatureExplanation] = Field(default_factory=dict)
    records: list[PartyRecord] | None = None


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: dict[str, Any]


class FeatureDoc(BaseModel):
    description: str | None = None
    coefficient: float = Field(..., description="The weight the request was scored with")
    url: str


class ConfigVar(BaseModel):
    type: Literal["string", "integer", "float", "boolean"] = "float"
    description: str | None = None
    default: Union[str, int, float, bool, None] = 0
    value: Union[str, int, float, bool, None] = Field(None, description="The value the request was scored with")


class AlgorithmDocs(BaseModel):
    """yente's `matcher` block / one `/algorithms` item."""

    name: str = Field(..., description="The vigil algorithm (that ran, in a /match response)")
    description: str | None = None
    version: str | None = None
    requested: str | None = Field(None, description="/match: the algorithm name the request asked for")
    alias_of: str | None = Field(None, description="/algorithms: the vigil algorithm a yente name runs")
    config: dict[str, ConfigVar] = Field(default_factory=dict)
    features: dict[str, FeatureDoc] = Field(default_factory=dict)


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: AlgorithmDocs
    limit: int


class SearchResponse(BaseModel):
    results: list[EntityResponse]
    facets: dict[str, Any] = Field(default_factory=dict)
    total: TotalSpec
    limit: int
    offset: int


class DatasetModel(BaseModel):
    name: str
    title: str
    summary: str | None = None
    version: str
    updated_at: str | None = None
    last_change: str | None = None
    entity_count: int
    relation_count: int = Field(0, description="relations the list states (kept apart: never screening results)")
    relations_resolved: int = Field(0, description="... whose other end is a listed entity")
    load: bool = True
    index_current: bool = True
    index_version: str | None = None
    children: list[str] = Field(default_factory=list)


class CatalogResponse(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str] = Field(default_factory=list)
    index_stale: bool = False


class AlgorithmsResponse(BaseModel):
    algorithms: list[AlgorithmDocs]
    default: str
    best: str


class StatusResponse(BaseModel):
    status: str
    detail: str | None = None


class UpdateResponse(BaseModel):
    status: str
    reloaded: bool
    fingerprint: str | None
    entity_count: int


class ErrorResponse(BaseModel):
    detail: Any


ERRORS = {
    400: {"model": ErrorResponse, "description": "Bad query"},
    401: {"model": ErrorResponse, "description": "Missing or invalid API key"},
    403: {"model": ErrorResponse, "description": "API key lacks the needed scope"},
    404: {"model": ErrorResponse, "description": "Unknown dataset or entity"},
    503: {"model": ErrorResponse, "description": "Index not loaded yet"},
}
