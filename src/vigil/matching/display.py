"""How a score is shown to a person: one function for the CLI, the web UI, reports and explanations.

Scores are floored, never rounded, to the digits shown: 0.6957 shows as 0.69, so a score below the
threshold (0.70 by default) never displays as the threshold itself while the result says "no"
(issue 15). Machine-readable output (JSON, the API) keeps the score to four decimals.
"""
from __future__ import annotations

import math

# Float noise only: a score computed as 0.7 may be stored as 0.69999999999999996 (it is 0.7).
_EPSILON = 1e-12


def floor_score(value: float, digits: int = 2) -> float:
    """`value` floored to `digits` decimals (0.6957 -> 0.69; 0.7 -> 0.7; 1.0 -> 1.0)."""
    scale = 10 ** digits
    return math.floor(float(value) * scale + _EPSILON) / scale


def format_score(value: float | None, digits: int = 2) -> str:
    """A score as text with `digits` decimals, floored: "0.69" for 0.6957. None or a value that is
    not a number shows as an empty string."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if math.isnan(v):
        return ""
    return f"{floor_score(v, digits):.{digits}f}"


def format_percent(value: float | None) -> str:
    """A score as a whole percentage, floored (score bars): "69" for 0.6957."""
    try:
        v = float(value or 0.0)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "0"
    return f"{math.floor(v * 100 + _EPSILON):.0f}"
