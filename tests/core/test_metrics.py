"""course_lib.metrics against scikit-learn, the oracle, on random inputs (hypothesis)."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_lib import metrics

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def binary_scores(draw, min_size=2, max_size=40, both_classes=True):
    """(y_true, y_score): scores drawn from few levels (ties), constant, or continuous."""
    n = draw(st.integers(min_size, max_size))
    y_true = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    if both_classes:
        y_true[0], y_true[-1] = 0, 1
    kind = draw(st.sampled_from(["ties", "constant", "continuous"]))
    if kind == "ties":
        y_score = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))) / 4
    elif kind == "constant":
        y_score = np.full(n, draw(st.floats(0, 1, allow_subnormal=False)))
    else:
        floats = st.floats(-5, 5, allow_nan=False, allow_subnormal=False)
        y_score = np.array(draw(st.lists(floats, min_size=n, max_size=n)))
    return y_true, y_score


@st.composite
def label_pairs(draw, num_classes=2, max_size=40):
    """(y_true, y_pred) of the same length with labels in 0..num_classes-1."""
    n = draw(st.integers(1, max_size))
    labels = st.lists(st.integers(0, num_classes - 1), min_size=n, max_size=n)
    return np.array(draw(labels)), np.array(draw(labels))


def quiet(f, *args, **kwargs):
    """Call f with scikit-learn's undefined-metric warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args, **kwargs)


# ------------------------------------------------------------------ one threshold, binary
@SETTINGS
@given(label_pairs())
def test_confusion_matrix_and_accuracy_match_sklearn(pair):
    y_true, y_pred = pair
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred),
                                  quiet(skm.confusion_matrix, y_true, y_pred))
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred, labels=[0, 1]),
                                  skm.confusion_matrix(y_true, y_pred, labels=[0, 1]))
    for normalize in ("true", "pred", "all"):
        np.testing.assert_allclose(metrics.confusion_matrix(y_true, y_pred, normalize=normalize),
                                   quiet(skm.confusion_matrix, y_true, y_pred, normalize=normalize))
    assert metrics.accuracy_score(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert metrics.binary_counts(y_true, y_pred) == tuple(
        skm.confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel())


@SETTINGS
@given(label_pairs(), st.sampled_from(["warn", 0, 1]))
def test_precision_recall_f1_match_sklearn_including_zero_division(pair, zero_division):
    y_true, y_pred = pair
    for ours, theirs in [(metrics.precision_score, skm.precision_score),
                         (metrics.recall_score, skm.recall_score), (metrics.f1_score, skm.f1_score)]:
        expected = quiet(theirs, y_true, y_pred, zero_division=zero_division)
        assert quiet(ours, y_true, y_pred, zero_division=zero_division) == pytest.approx(expected)


def test_all_correct_and_all_wrong_predictions():
    y = np.array([0, 1, 1, 0, 1])
    assert metrics.binary_report(y, y) == {"tn": 2, "fp": 0, "fn": 0, "tp": 3, "accuracy": 1.0,
                                           "precision": 1.0, "recall": 1.0, "f1": 1.0, "fpr": 0.0}
    wrong = 1 - y
    assert metrics.accuracy_score(y, wrong) == skm.accuracy_score(y, wrong) == 0.0
    assert metrics.f1_score(y, wrong) == skm.f1_score(y, wrong) == 0.0
    assert metrics.false_positive_rate(y, wrong) == 1.0


def test_undefined_precision_warns_like_sklearn():
    y_true, y_pred = np.array([0, 1, 0]), np.zeros(3, dtype=int)
    with pytest.warns(skm._classification.UndefinedMetricWarning):
        assert metrics.precision_score(y_true, y_pred) == 0.0
    assert np.isnan(metrics.binary_report(y_true, y_pred)["precision"])


def test_tensors_and_bools_are_accepted():
    y_true = torch.tensor([0, 1, 1, 0])
    y_score = torch.tensor([0.1, 0.8, 0.4, 0.6])
    y_pred = metrics.apply_threshold(y_score, 0.5)
    np.testing.assert_array_equal(y_pred, [0, 1, 0, 1])
    assert metrics.recall_score(y_true, y_pred.astype(bool)) == 0.5


# ------------------------------------------------------------------ multi-class
@SETTINGS
@given(label_pairs(num_classes=4), st.sampled_from([None, "macro", "micro", "weighted"]),
       st.sampled_from([0, 1]))
def test_multiclass_averages_match_sklearn(pair, average, zero_division):
    y_true, y_pred = pair
    ours = metrics.precision_recall_fscore_support(y_true, y_pred, average=average,
                                                   zero_division=zero_division)
    theirs = quiet(skm.precision_recall_fscore_support, y_true, y_pred, average=average,
                   zero_division=zero_division)
    for a, b in zip(ours[:3], theirs[:3], strict=True):
        np.testing.assert_allclose(a, b)
    if average is None:
        np.testing.assert_array_equal(ours[3], theirs[3])
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred),
                                  quiet(skm.confusion_matrix, y_true, y_pred))


def test_micro_average_equals_accuracy_for_multiclass():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 5, 200), rng.integers(0, 5, 200)
    assert metrics.f1_score(y_true, y_pred, average="micro") == pytest.approx(
        metrics.accuracy_score(y_true, y_pred))


@pytest.mark.parametrize("num_classes, labels", [(2, None), (3, None), (10, None), (3, [0, 1])])
@pytest.mark.parametrize("digits", [2, 4])
def test_classification_report_is_sklearns(num_classes, labels, digits):
    rng = np.random.default_rng(num_classes)
    y_true, y_pred = rng.integers(0, num_classes, 200), rng.integers(0, num_classes, 200)
    ours = metrics.classification_report(y_true, y_pred, labels=labels, digits=digits)
    assert ours == skm.classification_report(y_true, y_pred, labels=labels, digits=digits)
    rows = {line[:12].strip(): line[12:].split() for line in ours.splitlines() if line.strip()}
    if labels is None:  # micro average = accuracy: an "accuracy" row with F1 and support only
        assert "micro avg" not in rows
        assert rows["accuracy"] == [f"{skm.accuracy_score(y_true, y_pred):.{digits}f}", "200"]
    else:  # labels leave a class out: micro average is not accuracy
        assert "accuracy" not in rows and "micro avg" in rows
    theirs = skm.classification_report(y_true, y_pred, labels=labels, output_dict=True)
    assert rows["macro avg"][2] == f"{theirs['macro avg']['f1-score']:.{digits}f}"


# ------------------------------------------------------------------ every threshold
@SETTINGS
@given(binary_scores(), st.booleans())
def test_roc_curve_and_auc_match_sklearn(pair, drop_intermediate):
    y_true, y_score = pair
    fpr, tpr, thresholds = metrics.roc_curve(y_true, y_score, drop_intermediate=drop_intermediate)
    sk_fpr, sk_tpr, sk_thresholds = skm.roc_curve(y_true, y_score, drop_intermediate=drop_intermediate)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    np.testing.assert_array_equal(thresholds, sk_thresholds)
    assert metrics.roc_auc_score(y_true, y_score) == pytest.approx(skm.roc_auc_score(y_true, y_score))


@SETTINGS
@given(binary_scores())
def test_pr_curve_and_average_precision_match_sklearn(pair):
    y_true, y_score = pair
    precision, recall, thresholds = metrics.precision_recall_curve(y_true, y_score)
    sk_precision, sk_recall, sk_thresholds = skm.precision_recall_curve(y_true, y_score)
    np.testing.assert_allclose(precision, sk_precision)
    np.testing.assert_allclose(recall, sk_recall)
    np.testing.assert_array_equal(thresholds, sk_thresholds)
    assert metrics.average_precision_score(y_true, y_score) == pytest.approx(
        skm.average_precision_score(y_true, y_score))


@SETTINGS
@given(binary_scores())
def test_thresholds_are_the_unique_scores(pair):
    y_true, y_score = pair
    *_, thresholds = metrics.confusion_matrix_at_thresholds(y_true, y_score)
    np.testing.assert_array_equal(thresholds, np.unique(y_score)[::-1])


@SETTINGS
@given(binary_scores(), st.lists(st.floats(-6, 6, allow_subnormal=False), min_size=1, max_size=5))
def test_sweep_equals_one_confusion_matrix_per_threshold(pair, thresholds):
    y_true, y_score = pair
    sweep = metrics.sweep_thresholds(y_true, y_score, thresholds)
    for i, t in enumerate(thresholds):
        tn, fp, fn, tp = skm.confusion_matrix(y_true, y_score >= t, labels=[0, 1]).ravel()
        assert (sweep["tn"][i], sweep["fp"][i], sweep["fn"][i], sweep["tp"][i]) == (tn, fp, fn, tp)
        assert sweep["accuracy"][i] == pytest.approx(skm.accuracy_score(y_true, y_score >= t))


def test_average_precision_is_a_staircase_not_a_trapezoid():
    y_true, y_score = np.array([1, 0, 1, 0, 0, 1]), np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.1])
    precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
    trapezoid = metrics.auc(recall, precision)
    ap = metrics.average_precision_score(y_true, y_score)
    assert ap == pytest.approx(skm.average_precision_score(y_true, y_score))
    assert abs(trapezoid - ap) > 0.01  # linear interpolation gives a different (optimistic) area


@SETTINGS
@given(binary_scores())
def test_ranking_probability_equals_roc_auc(pair):
    y_true, y_score = pair
    pos, neg = y_score[y_true == 1], y_score[y_true == 0]
    pairwise = ((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])).mean()
    assert metrics.ranking_probability(y_true, y_score) == pytest.approx(pairwise, abs=1e-12)
    assert metrics.roc_auc_score(y_true, y_score) == pytest.approx(pairwise, abs=1e-9)


def test_constant_scores_give_auc_one_half():
    y_true = np.array([0, 1, 0, 1, 1])
    assert metrics.roc_auc_score(y_true, np.full(5, 0.3)) == 0.5 == skm.roc_auc_score(
        y_true, np.full(5, 0.3))


# ------------------------------------------------------------------ one class, bad input
def test_single_class_gives_a_clear_error_where_sklearn_gives_nan_or_error():
    y_true, y_score = np.zeros(5, dtype=int), np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match="both classes"):
        metrics.roc_curve(y_true, y_score)
    assert np.isnan(quiet(skm.roc_auc_score, y_true, y_score))  # scikit-learn 1.9: NaN and a warning
    with pytest.raises(ValueError, match="both classes"):
        metrics.roc_auc_score(y_true, y_score)
    with pytest.raises(ValueError, match="positive samples"):
        metrics.precision_recall_curve(y_true, y_score)
    with pytest.raises(ValueError, match="both classes"):
        metrics.ranking_probability(y_true, y_score)


def test_only_positives_pr_curve_matches_sklearn():
    y_true, y_score = np.ones(4, dtype=int), np.array([0.2, 0.4, 0.4, 0.9])
    for ours, theirs in zip(metrics.precision_recall_curve(y_true, y_score),
                            skm.precision_recall_curve(y_true, y_score), strict=True):
        np.testing.assert_allclose(ours, theirs)


@pytest.mark.parametrize("call, match", [
    (lambda: metrics.confusion_matrix([0, 1], [0, 1, 1]), "same length"),
    (lambda: metrics.accuracy_score([], []), "must not be empty"),
    (lambda: metrics.roc_curve([0, 1, 2], [0.1, 0.2, 0.3]), "at most two classes"),
    (lambda: metrics.roc_curve([0, 1], [0.1, np.nan]), "finite"),
    (lambda: metrics.precision_score([0, 1], [0.2, 0.7]), "integer class labels"),
    (lambda: metrics.precision_score([0, 1, 2], [0, 1, 2]), "average='binary'"),
    (lambda: metrics.f1_score([0, 1], [0, 1], average="mean"), "average must be one of"),
    (lambda: metrics.f1_score([0, 1], [0, 1], zero_division=2), "zero_division"),
    (lambda: metrics.confusion_matrix([0, 1], [0, 1], normalize="rows"), "normalize"),
    (lambda: metrics.auc([0, 1, 0.5], [0, 1, 1]), "increasing or decreasing"),
])
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: metrics.accuracy_score("0101", [0, 1, 0, 1]), "y_true must be a list"),
    (lambda: metrics.apply_threshold([0.1, 0.9], "0.5"), "threshold must be a number"),
    (lambda: metrics.roc_curve([0, 1], np.array(["a", "b"])), "y_score must hold numbers"),
])
def test_bad_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_positive_mask_is_the_public_binary_positive_class():
    assert metrics.positive_mask([0, 1, 1, 0]).tolist() == [False, True, True, False]
    assert metrics.positive_mask(np.array([3, 5, 5]), pos_label=5).tolist() == [False, True, True]
    assert metrics.positive_mask(torch.tensor([1, 1])).tolist() == [True, True]  # one class: all positive
    with pytest.raises(ValueError, match="y_true must hold at most two classes"):
        metrics.positive_mask([0, 1, 2])
    with pytest.raises(ValueError, match="pos_label must be one of the classes"):
        metrics.positive_mask([0, 1], pos_label=2)
    with pytest.raises(TypeError, match="pos_label must be"):
        metrics.positive_mask([0, 1], pos_label="1")


@pytest.mark.parametrize("call, error, match", [
    (lambda: metrics.as_labels("y_true", []), ValueError, "y_true must not be empty"),
    (lambda: metrics.as_labels("y_true", np.zeros((2, 2))), ValueError, r"y_true must have shape \(n,\)"),
    (lambda: metrics.as_labels("y_true", "0101"), TypeError, "y_true must be a list, numpy array or torch"),
    (lambda: metrics.as_labels("y_true", [0.0, np.nan]), ValueError, "y_true must hold integer class labels"),
    (lambda: metrics.as_labels("y_true", ["a", "b"]), TypeError, "y_true must hold numbers"),
    (lambda: metrics.as_scores("y_score", [0.2, np.inf]), ValueError, "y_score must be finite, got 1"),
    (lambda: metrics.as_scores("y_score", [[0.2]]), ValueError, r"y_score must have shape \(n,\)"),
])
def test_label_and_score_conversion_is_checks_as_array_with_its_messages(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_labels_and_scores_keep_their_dtypes_from_lists_arrays_and_tensors():
    for y in ([0, 1, 1], np.array([0.0, 1.0, 1.0]), torch.tensor([False, True, True])):
        labels = metrics.as_labels("y_true", y)
        assert labels.dtype == np.int64 and labels.tolist() == [0, 1, 1]
    scores = metrics.as_scores("y_score", torch.tensor([0.25, 0.5]))
    assert scores.dtype == np.float64 and scores.tolist() == [0.25, 0.5]
