"""Bootstrap intervals of notebook 02: the vectorised metrics equal the library's, the intervals
behave as intervals should, and bad input is named."""

import numpy as np
import pytest
import sklearn.metrics as skm

from course_lib import metrics
from course_lib.evaluation import uncertainty


def _scores(seed: int, n: int = 120, ties: bool = True):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = (0, 1)
    s = rng.normal(size=n) + y
    return y, np.round(s, 1) if ties else s


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_row_metrics_equal_scikit_learn_with_and_without_ties(seed):
    for ties in (True, False):
        y, s = _scores(seed, ties=ties)
        rows = np.stack([s, s[::-1], np.zeros_like(s)])
        auc = uncertainty._roc_auc_rows(y, rows)
        ap = uncertainty._average_precision_rows(y, rows)
        for i, row in enumerate(rows):
            assert auc[i] == pytest.approx(skm.roc_auc_score(y, row), abs=1e-12)
            assert ap[i] == pytest.approx(skm.average_precision_score(y, row), abs=1e-12)


@pytest.mark.parametrize("metric", ["roc_auc", "average_precision"])
def test_the_interval_is_the_loop_over_resamples_of_the_library_metric(metric):
    y, s = _scores(3)
    value, low, high = uncertainty.bootstrap_ci(y, s, metric, num_resamples=200, seed=5)
    fn = uncertainty.METRICS[metric]
    loop = [fn(y[i], s[i]) for i in uncertainty._resamples(y, 200, 5)]
    assert (low, high) == pytest.approx(tuple(np.quantile(loop, [0.025, 0.975])), abs=1e-12)
    assert value == fn(y, s) and low <= value <= high


def test_intervals_narrow_with_more_cases_and_repeat_with_the_seed():
    widths = []
    for n in (100, 2000):
        y, s = _scores(4, n=n, ties=False)
        _, low, high = uncertainty.bootstrap_ci(y, s, seed=0)
        widths.append(high - low)
        assert uncertainty.bootstrap_ci(y, s, seed=0) == (_, low, high)
    assert widths[1] < widths[0] / 3  # about sqrt(20) = 4.5 times narrower


def test_a_paired_difference_of_a_model_with_itself_is_exactly_zero_and_flips_sign():
    y, s = _scores(6)
    assert uncertainty.paired_bootstrap_ci(y, s, s) == (0.0, 0.0, 0.0)
    noisy = s + np.random.default_rng(0).normal(size=len(s))
    gap, low, high = uncertainty.paired_bootstrap_ci(y, s, noisy, "average_precision")
    back = uncertainty.paired_bootstrap_ci(y, noisy, s, "average_precision")
    assert back == pytest.approx((-gap, -high, -low))


def test_a_random_ranking_interval_contains_one_half():
    rng = np.random.default_rng(1)
    y, s = rng.integers(0, 2, 400), rng.random(400)
    _, low, high = uncertainty.bootstrap_ci(y, s)
    assert low < 0.5 < high and metrics.roc_auc_score(y, s) == pytest.approx(skm.roc_auc_score(y, s))


def test_bad_input_is_named():
    y, s = _scores(0)
    with pytest.raises(ValueError, match="metric"):
        uncertainty.bootstrap_ci(y, s, "accuracy")
    with pytest.raises(ValueError, match="both classes"):
        uncertainty.bootstrap_ci(np.ones(10, int), np.arange(10.0))
    with pytest.raises(ValueError, match="level"):
        uncertainty.bootstrap_ci(y, s, level=1.0)
    with pytest.raises(ValueError, match="score_b"):
        uncertainty.paired_bootstrap_ci(y, s, s[:-1])
    with pytest.raises((ValueError, TypeError), match="num_resamples"):
        uncertainty.bootstrap_ci(y, s, num_resamples=0)
