"""Bad query input gives a QueryError with a message fit for API users, never a crash."""
from __future__ import annotations

import pytest

from vigil.matching import Matcher, QueryError
from vigil.model import Entity


@pytest.fixture(scope="module")
def small():
    return Matcher([Entity("Person", id="p-1", properties={"name": ["Mahmoud ALAVI"]})])


def q(name, schema="Person"):
    return {"schema": schema, "properties": {"name": [name]}}


@pytest.mark.parametrize(
    "query, message",
    [
        (q(""), "needs a name"),
        ({"schema": "Person", "properties": {}}, "needs a name"),
        (q("x" * 10_000), "too long"),
        (q("\x00\x01\x02"), "needs a name"),
        (q("!!! ---"), "no letters or digits"),
        (q("Alavi", schema="Spaceship"), "unknown schema"),
        (q("Alavi", schema="Thing"), "cannot be screened"),
        ("Alavi", "is an entity"),
    ],
)
def test_bad_queries(small, query, message):
    with pytest.raises(QueryError, match=message):
        small.match(query)


def test_bad_options(small):
    with pytest.raises(QueryError, match="unknown weight"):
        small.match(q("Alavi"), weights={"nope": 1})
    with pytest.raises(QueryError, match="unknown config"):
        small.match(q("Alavi"), config={"nope": 1})
    with pytest.raises(QueryError, match="must be a number"):
        small.match(q("Alavi"), weights={"name": "high"})
    with pytest.raises(QueryError, match="unknown algorithm"):
        small.match(q("Alavi"), algorithm="magic")
    with pytest.raises(QueryError, match="threshold"):
        small.match(q("Alavi"), threshold=2)
    with pytest.raises(QueryError, match="search text is empty"):
        small.search("  ")
    assert issubclass(QueryError, ValueError)


def test_good_query_still_works(small):
    assert small.match(q("Mahmoud Alavi")).results[0].entity.id == "p-1"
