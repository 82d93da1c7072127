import math

import pytest

from vigil.bench.metrics import Confusion, best_threshold, confusion, percentile, share


def test_confusion_counts_and_scores():
    scores = [0.95, 0.8, 0.7, 0.69, 0.3, 0.75]
    labels = [True, True, False, True, False, False]
    c = confusion(scores, labels, 0.7)  # >= threshold is a predicted match
    assert (c.tp, c.fp, c.tn, c.fn) == (2, 2, 1, 1)
    assert c.precision == pytest.approx(0.5)
    assert c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert c.accuracy == pytest.approx(3 / 6)


def test_empty_confusion_is_zero_not_an_error():
    c = Confusion()
    assert (c.precision, c.recall, c.f1, c.accuracy) == (0.0, 0.0, 0.0, 0.0)


def test_confusion_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        confusion([0.1, 0.2], [True])


def test_best_threshold_finds_the_separating_score():
    scores = [0.9, 0.85, 0.6, 0.55, 0.5, 0.2]
    labels = [True, True, True, False, False, False]
    threshold, c = best_threshold(scores, labels)
    assert threshold == pytest.approx(0.6)
    assert c.f1 == 1.0
    # at the default 0.7 one true match is missed
    assert confusion(scores, labels).f1 < 1.0


def test_best_threshold_prefers_the_lowest_of_equal_f1():
    threshold, c = best_threshold([0.8, 0.4, 0.3], [True, False, False])
    assert threshold == pytest.approx(0.8)
    assert c.f1 == 1.0


def test_percentile_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_share():
    assert share(1, 4) == 0.25
    assert share(0, 0) == 0.0
