"""Display honesty (issue 15.4): a score below the threshold never shows as the threshold."""
from __future__ import annotations

import pytest

from vigil.matching.display import floor_score, format_percent, format_score
from vigil.settings import DEFAULT_THRESHOLD


@pytest.mark.parametrize("value, shown", [
    (0.6957, "0.69"), (0.7, "0.70"), (0.70001, "0.70"), (0.999, "0.99"), (1.0, "1.00"), (0.0, "0.00"),
    (0.1 + 0.2, "0.30"), (None, ""), ("x", ""),
])
def test_scores_are_floored_to_the_digits_shown(value, shown):
    assert format_score(value) == shown


def test_no_score_below_the_threshold_displays_as_it():
    for k in range(1, 100_000):
        below = DEFAULT_THRESHOLD - k * 1e-6
        assert float(format_score(below)) < DEFAULT_THRESHOLD
    assert float(format_score(DEFAULT_THRESHOLD)) == DEFAULT_THRESHOLD


def test_three_digits_and_percent():
    assert format_score(0.6957, 3) == "0.695"
    assert floor_score(0.6957, 3) == 0.695
    assert format_percent(0.6957) == "69"
    assert format_percent(None) == "0"
