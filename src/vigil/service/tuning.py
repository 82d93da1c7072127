"""The documented ranges of per-request `weights` and `config` (POST /match), checked before any scoring.

A weight or config value outside its range is not a tuning but a way to switch screening off: `NaN` makes
every comparison false (`{"min_token_score": NaN}` hid Qasem Soleimani completely), `{"name": NaN}` turned an
unrelated SOLEIMANI into a 1.00 match, `candidates: 0` returns nothing, a zero factor erases a name. So every
value must be a finite number inside its range (docs/service.md lists them; `/algorithms` shows them too):

* weights: `name` in (0, 1] (the multiplier of the name score); evidence for a match (`*_match`) in [0, 1]
  (0 switches the feature off); evidence against (`*_mismatch`) in [-1, 0].
* config: `candidates` an integer in [1, 500]; scores, floors and factors (`*_score`, `*_floor`, `*_factor`) in
  (0, 1] (1 = no penalty; 0 would erase a name); any other key a finite number > 0.
"""
from __future__ import annotations

import math
from typing import Any

MAX_CANDIDATES = 500


def _range_text(low: float, high: float, low_open: bool) -> str:
    return f"{'(' if low_open else '['}{low:g}, {high:g}]"


def weight_range(key: str) -> tuple[float, float, bool]:
    """(low, high, low end open) of a weight."""
    if key == "name":
        return 0.0, 1.0, True
    if key.endswith("_mismatch"):
        return -1.0, 0.0, False
    return 0.0, 1.0, False


def config_range(key: str) -> tuple[float, float, bool] | None:
    """(low, high, low end open) of a config value; None: any finite number > 0."""
    if key == "candidates":
        return 1.0, float(MAX_CANDIDATES), False
    if key.endswith(("_score", "_floor", "_factor")):
        return 0.0, 1.0, True
    return None


def describe_range(kind: str, key: str) -> str:
    if kind == "weight":
        return _range_text(*weight_range(key))
    rng = config_range(key)
    if rng is None:
        return "> 0"
    text = _range_text(*rng)
    return f"integer in {text}" if key == "candidates" else text


def _number(kind: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{kind} {key!r} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{kind} {key!r} must be a finite number, not {value!r}")
    return number


def _inside(number: float, low: float, high: float, low_open: bool) -> bool:
    return (number > low if low_open else number >= low) and number <= high


def check_weight(key: str, value: Any) -> float:
    number = _number("weight", key, value)
    if not _inside(number, *weight_range(key)):
        raise ValueError(f"weight {key!r} must be in {describe_range('weight', key)}, not {value!r}")
    return number


def check_config(key: str, value: Any) -> float | int:
    number = _number("config", key, value)
    rng = config_range(key)
    if key == "candidates":
        if not number.is_integer() or not _inside(number, *rng):  # type: ignore[misc]
            raise ValueError(f"config 'candidates' must be an integer in [1, {MAX_CANDIDATES}], not {value!r}")
        return int(number)
    if rng is None:
        if number <= 0:
            raise ValueError(f"config {key!r} must be a finite number > 0, not {value!r}")
    elif not _inside(number, *rng):
        raise ValueError(f"config {key!r} must be in {describe_range('config', key)}, not {value!r}")
    return number


def check_weights(weights: dict[str, Any]) -> dict[str, float]:
    return {key: check_weight(key, value) for key, value in weights.items()}


def check_configs(config: dict[str, Any]) -> dict[str, Any]:
    return {key: check_config(key, value) for key, value in config.items()}
