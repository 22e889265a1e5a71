"""Claims of notebook 02, asserted on the measured outcome (see shared/lecture/claims.md)."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from course_lib import imbalance, metrics


@pytest.mark.parametrize("seed", range(5))
def test_c3_always_negative_has_high_accuracy_and_zero_recall(seed):
    _, y = make_classification(n_samples=5000, weights=[0.99, 0.01], flip_y=0, random_state=seed)
    baseline = imbalance.always_negative(y)
    assert baseline["accuracy"] >= 0.98  # measured 0.990
    assert baseline["recall"] == 0.0 and baseline["f1"] == 0.0  # measured 0 / 0
    assert np.isnan(baseline["precision"])  # it never predicts positive: precision is 0/0
    assert metrics.f1_score(y, np.zeros_like(y), zero_division=0) == 0.0


def test_c3_on_the_notebooks_retrained_data():
    result = imbalance.train_at_prevalence(0.01, seed=0)
    assert result["always_negative"]["accuracy"] == pytest.approx(0.99)
    assert result["always_negative"]["recall"] == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_c4_auc_is_the_probability_a_positive_outranks_a_negative(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, 400)
    y_score = np.round(rng.normal(size=400) + y_true, 1)  # rounded: many ties, which count half
    pos, neg = y_score[y_true == 1], y_score[y_true == 0]
    pairwise = ((pos[:, None] > neg) + 0.5 * (pos[:, None] == neg)).mean()
    assert abs(metrics.roc_auc_score(y_true, y_score) - pairwise) < 1e-9
    assert abs(metrics.ranking_probability(y_true, y_score) - pairwise) < 1e-12


def test_c4_random_scores_give_auc_near_one_half():
    rng = np.random.default_rng(0)
    aucs = [metrics.roc_auc_score(rng.integers(0, 2, 2000), rng.random(2000)) for _ in range(5)]
    assert all(abs(a - 0.5) < 0.05 for a in aucs)


@pytest.mark.parametrize("seed", range(3))
def test_c5_roc_auc_stays_while_average_precision_falls(seed):
    results = {p: metrics.roc_auc_score(*imbalance.binormal_scores(p, num_positives=2000, seed=seed))
               for p in (0.5, 0.01)}
    ap = {p: metrics.average_precision_score(*imbalance.binormal_scores(p, num_positives=2000,
                                                                          seed=seed))
          for p in (0.5, 0.01)}
    assert abs(results[0.5] - results[0.01]) < 0.02  # measured 0.86 at both
    assert ap[0.5] > 0.8 and ap[0.01] < 0.25 and ap[0.01] < ap[0.5] / 4  # measured ~0.85 / ~0.13


@pytest.mark.parametrize("seed", range(3))
def test_c5_with_a_retrained_model(seed):
    results = [imbalance.train_at_prevalence(p, seed=seed) for p in (0.5, 0.01)]
    aucs = [r["roc_auc"] for r in results]
    aps = [r["average_precision"] for r in results]
    assert min(aucs) > 0.85 and abs(aucs[0] - aucs[1]) < 0.05  # measured 0.90-0.92 / 0.89-0.90
    assert aps[0] > 0.8 and aps[1] < 0.35  # measured 0.90-0.92 / 0.15-0.18
    assert aps[1] > 2 * 0.01  # still far above the PR baseline of a random ranking
