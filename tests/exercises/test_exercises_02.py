"""Exercises of notebook 02: every reference answer agrees with what the library and the explorers show."""

import numpy as np
import pytest
import sklearn.metrics as skm

from course_lib import exercises, metrics
from course_lib.evaluation import imbalance, operating_point
from course_lib.evaluation.threshold_explorer import ThresholdExplorer
from course_lib.exercises import ex02


@pytest.fixture(autouse=True)
def fresh_attempts():
    exercises.reset()
    yield
    exercises.reset()


@pytest.mark.parametrize("prevalence", [0.02, 0.4])
def test_pr_baseline_is_the_ap_of_random_rankings(prevalence):
    """The exercise's baselines: a random ranking's AP is the prevalence (on 2,000 positives)."""
    y_true, _ = imbalance.binormal_scores(prevalence, num_positives=2000, seed=0)
    rng = np.random.default_rng(0)
    aps = [metrics.average_precision_score(y_true, rng.random(len(y_true))) for _ in range(5)]
    assert np.mean(aps) == pytest.approx(prevalence, rel=0.1)


def test_pr_baseline_answer_is_model_a_over_its_baseline(capsys):
    assert exercises.get("02.pr_baseline").answer == pytest.approx(0.30 / 0.02)
    assert 0.30 / 0.02 > 0.60 / 0.40
    for answer in (15, "15", 15.0):
        assert exercises.check("02.pr_baseline", answer)


def test_top_threshold_feedback_addresses_the_pr_curves_end_at_precision_1(capsys):
    precision, recall, _ = skm.precision_recall_curve([0, 1, 1, 0], [0.1, 0.9, 0.4, 0.35])
    assert precision[-1] == 1 and recall[-1] == 0  # scikit-learn appends the point (recall 0, precision 1)
    ex = exercises.get("02.top_threshold")
    assert "convention" in ex.feedback["a"] and "0/0" not in "".join(ex.choices.values())


def test_top_threshold_prediction_matches_the_threshold_explorer():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 114)
    s = 1 / (1 + np.exp(-(rng.normal(size=114) + 1.5 * y)))
    explorer = ThresholdExplorer(y, s)
    explorer.slider.value = explorer.slider.max  # above the highest score
    assert np.isnan(explorer.state["precision"]) and explorer.state["recall"] == 0
    assert "undefined" in explorer.table.value
    assert exercises.get("02.top_threshold").answer == "c"


def test_prevalence_prediction_matches_the_prevalence_explorer():
    explorer = imbalance.PrevalenceExplorer(num_positives=300)
    explorer.controls["separation"].value = 1.5
    explorer.controls["threshold"].value = 0.5
    explorer.controls["prevalence"].value = 0.5
    common = dict(explorer.state)
    explorer.controls["prevalence"].value = 0.01
    rare = explorer.state
    assert abs(rare["roc_auc"] - common["roc_auc"]) < 0.03  # stays
    assert rare["average_precision"] < common["average_precision"] / 3  # falls
    prediction = exercises.get("02.prevalence")
    assert prediction.choices[prediction.answer] == "ROC AUC stays, AP falls"


@pytest.mark.parametrize("seed", range(3))
def test_cost_prediction_matches_the_cost_explorer(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 114)
    s = 1 / (1 + np.exp(-(1.5 * rng.normal(size=114) + 2.0 * y - 1.0)))
    explorer = operating_point.CostExplorer(y, s, ratios=(1, 10), value=1)
    even = explorer.state["threshold"]
    explorer.slider.value = 10
    assert explorer.state["threshold"] < even
    assert exercises.get("02.cost").choices[exercises.get("02.cost").answer] == "lower"


@pytest.mark.parametrize("seed", range(5))
def test_the_code_exercise_reference_is_scikit_learn_and_the_library(seed):
    rng = np.random.default_rng(seed)
    y_true, y_score, threshold = ex02._random_case(rng, 50)
    precision, recall = ex02.precision_recall_at(y_true, y_score, threshold)
    y_pred = metrics.apply_threshold(y_score, threshold)
    assert precision == pytest.approx(metrics.precision_score(y_true, y_pred, zero_division=0))
    assert recall == pytest.approx(metrics.recall_score(y_true, y_pred, zero_division=0))


def test_the_code_exercise_inputs_exercise_ties_and_zero_over_zero():
    rng = np.random.default_rng(0)
    cases = [ex02._random_case(rng, size) for size in (1, 2, 3) for _ in range(8)]
    assert any(np.any(s == t) for _, s, t in cases)  # a score on the threshold: > and >= differ
    assert any(not np.any(s >= t) for _, s, t in cases)  # nothing flagged: precision is 0/0


def test_the_solution_code_passes_the_check(capsys):
    namespace = {"np": np}
    code = exercises.get("02.precision_recall").solution.split("Check:")[0]
    exec(code, namespace)  # the worked solution, as a student would paste it
    assert exercises.check("02.precision_recall", namespace["precision_recall_at"])
    assert "Correct" in capsys.readouterr().out


def test_a_plain_python_division_by_zero_gets_the_smallest_failing_input(capsys):
    def naive(y_true, y_score, threshold):
        y_pred = np.asarray(y_score) >= threshold
        tp = int((y_pred & (np.asarray(y_true) == 1)).sum())
        return tp / y_pred.sum(), tp / (np.asarray(y_true) == 1).sum()

    with np.errstate(invalid="ignore", divide="ignore"):
        assert not exercises.check("02.precision_recall", naive)
    out = capsys.readouterr().out
    assert "0/0" in out or "smallest input" in out


def test_sklearn_agrees_with_the_wrong_implementations_being_wrong():
    y, s, t = np.array([1, 0, 1]), np.array([0.5, 0.5, 0.2]), 0.5
    assert ex02._strict(y, s, t) != ex02.precision_recall_at(y, s, t)
    assert skm.recall_score(y, s >= t) == 0.5
