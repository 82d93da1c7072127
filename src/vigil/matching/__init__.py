"""Matching: normalisation, transliteration, candidate index and explainable scoring.

    from vigil.matching import Matcher
    matcher = Matcher(entities)
    resp = matcher.match({"schema": "Person", "properties": {"name": ["Ghasem Soleimani"]}})

The hot modules run compiled (mypyc) when the install built them: see `native`.
"""
from . import native

native.select()  # before the first import of a compiled module

from .matcher import ALGORITHMS, DEFAULT_WEIGHTS, Matcher, MatchResponse, MatchResult, Query, QueryError, compare
from .names import normalize
from .scoring import DEFAULT_CONFIG, Explanation

__all__ = [
    "Matcher", "MatchResponse", "MatchResult", "Explanation", "QueryError", "Query",
    "ALGORITHMS", "compare", "DEFAULT_WEIGHTS", "DEFAULT_CONFIG", "normalize",
]
