"""Classification metrics written from the confusion matrix, with scikit-learn's names and signatures.

Everything here returns what ``sklearn.metrics`` returns for the same call (the tests check it on
random inputs), so what you learn here carries over. Conventions, all scikit-learn's:

- a confusion matrix has the true labels as rows and the predicted labels as columns, both sorted,
  so a binary one reads ``[[TN, FP], [FN, TP]]`` (the lecture's slide puts the positives first);
- a score ``s`` is predicted positive when ``s >= threshold``;
- the thresholds of a ROC or PR curve are the unique scores, highest first (erratum E19);
- a PR curve is a staircase: average precision sums rectangles, never trapezoids (erratum E19).

Where scikit-learn returns NaN with a warning (ROC AUC with one class in ``y_true``), these
functions raise a ValueError that says why.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from .checks import as_array, check_choice, check_same_length, checked

AVERAGES = (None, "binary", "micro", "macro", "weighted")


# ----------------------------------------------------------------------------- input checks
@checked
def as_labels(name: str, y: Any) -> np.ndarray:
    """Integer class labels as a 1-D int64 array (bools and whole-number floats accepted)."""
    values = as_array(name, y, finite=False)
    if not np.isfinite(values).all() or not np.array_equal(values, np.round(values)):
        raise ValueError(f"{name} must hold integer class labels, got non-integer or NaN values "
                         "(did you pass scores where labels were expected?)")
    return values.astype(np.int64)


@checked
def as_scores(name: str, y_score: Any) -> np.ndarray:
    """Finite real scores as a 1-D float64 array."""
    return as_array(name, y_score)


def _pair(y_true: Any, y_other: Any, other: str, *, scores: bool = False):
    """Checked (y_true, y_pred) or (y_true, y_score) of the same length."""
    y_true = as_labels("y_true", y_true)
    y_other = as_scores(other, y_other) if scores else as_labels(other, y_other)
    check_same_length("y_true", y_true, other, y_other)
    return y_true, y_other


@checked
def positive_mask(y_true: Any, pos_label: int | None = 1) -> np.ndarray:
    """Boolean mask of the positive class ``pos_label`` (default 1) of binary labels ``y_true``."""
    y_true = as_labels("y_true", y_true)
    pos_label = 1 if pos_label is None else pos_label
    classes = np.unique(y_true)
    if len(classes) > 2:
        raise ValueError(
            f"y_true must hold at most two classes for a binary metric, got {len(classes)}: "
            f"{classes[:10].tolist()}. For one class against the rest, pass y_true == k."
        )
    if len(classes) == 2 and pos_label not in classes:
        raise ValueError(f"pos_label must be one of the classes {classes.tolist()}, got {pos_label!r}")
    return y_true == pos_label


def _check_zero_division(zero_division: Any) -> float:
    """The value used for 0/0: 0, 1 or NaN ("warn" means 0 and a warning)."""
    if isinstance(zero_division, str):
        check_choice("zero_division", zero_division, ["warn"])
        return 0.0
    if zero_division in (0, 1) or (isinstance(zero_division, float) and np.isnan(zero_division)):
        return float(zero_division)
    raise ValueError(f"zero_division must be 'warn', 0, 1 or np.nan, got {zero_division!r}")


def _divide(numerator, denominator, zero_division: Any, what: str) -> np.ndarray:
    """numerator / denominator, with ``zero_division`` where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    undefined = denominator == 0
    result = numerator / np.where(undefined, 1.0, denominator)
    if undefined.any():
        result[undefined] = _check_zero_division(zero_division)
        if isinstance(zero_division, str):
            warnings.warn(f"{what}; set to 0.0. Use the zero_division parameter to control this.",
                          UndefinedMetricWarning, stacklevel=3)
    return result


# ----------------------------------------------------------------------------- one threshold
@checked(threshold="real")
def apply_threshold(y_score: Any, threshold: float) -> np.ndarray:
    """Predicted labels: 1 where ``y_score >= threshold``, else 0."""
    y_score = as_scores("y_score", y_score)
    return (y_score >= threshold).astype(np.int64)


@checked
def confusion_matrix(y_true: Any, y_pred: Any, *, labels: Any = None,
                     normalize: str | None = None) -> np.ndarray:
    """C[i, j] = number of samples of true class labels[i] predicted as labels[j].

    ``labels`` defaults to the sorted classes found in y_true or y_pred; pass ``labels=[0, 1]`` for
    a binary matrix that always has the four cells. ``normalize`` = "true" (rows sum to 1),
    "pred" (columns sum to 1), "all" or None (counts).
    """
    y_true, y_pred = _pair(y_true, y_pred, "y_pred")
    if normalize is not None:
        check_choice("normalize", normalize, ("true", "pred", "all"))
    labels = np.unique(np.r_[y_true, y_pred]) if labels is None else as_labels("labels", labels)
    if len(np.unique(labels)) != len(labels):
        raise ValueError(f"labels must not repeat, got {labels.tolist()}")
    n = len(labels)
    keep = np.isin(y_true, labels) & np.isin(y_pred, labels)  # samples of other labels are ignored
    order = np.argsort(labels)
    rows = order[np.searchsorted(labels, y_true[keep], sorter=order)]  # position of each label
    cols = order[np.searchsorted(labels, y_pred[keep], sorter=order)]
    counts = np.bincount(rows * n + cols, minlength=n * n).reshape(n, n)
    if normalize is None:
        return counts
    total = {"true": counts.sum(1, keepdims=True), "pred": counts.sum(0, keepdims=True),
             "all": counts.sum()}[normalize]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(counts / total)


@checked
def binary_counts(y_true: Any, y_pred: Any, *, pos_label: int = 1) -> tuple[int, int, int, int]:
    """(tn, fp, fn, tp): the four cells of a binary confusion matrix."""
    y_true, y_pred = _pair(y_true, y_pred, "y_pred")
    actual, predicted = positive_mask(y_true, pos_label), y_pred == pos_label
    tp = int(np.sum(actual & predicted))
    fp = int(np.sum(~actual & predicted))
    fn = int(np.sum(actual & ~predicted))
    return len(y_true) - tp - fp - fn, fp, fn, tp


@checked
def accuracy_score(y_true: Any, y_pred: Any, *, normalize: bool = True) -> float:
    """(TP + TN) / all: the fraction of correct predictions (their number if not normalize)."""
    y_true, y_pred = _pair(y_true, y_pred, "y_pred")
    correct = int(np.sum(y_true == y_pred))
    return correct / len(y_true) if normalize else float(correct)


@checked
def precision_recall_fscore_support(
    y_true: Any, y_pred: Any, *, labels: Any = None, pos_label: int = 1,
    average: str | None = None, zero_division: Any = "warn",
):
    """Precision TP/(TP+FP), recall TP/(TP+FN), F1 2TP/(2TP+FP+FN) and support, per class or averaged.

    average: "binary" (the ``pos_label`` class only), None (one value per label), "macro" (mean
    over classes), "weighted" (mean weighted by support), "micro" (from the summed counts; equals
    accuracy for single-label multi-class data). Support (true count per class) is None when
    averaged.
    """
    y_true, y_pred = _pair(y_true, y_pred, "y_pred")
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {list(AVERAGES)}, got {average!r}")
    _check_zero_division(zero_division)
    present = np.unique(np.r_[y_true, y_pred])
    if average == "binary":
        if len(present) > 2:
            raise ValueError(
                f"average='binary' needs two classes, but y_true and y_pred hold {len(present)}: "
                f"{present[:10].tolist()}. Choose average='macro', 'weighted', 'micro' or None."
            )
        if len(present) == 2 and pos_label not in present:
            raise ValueError(f"pos_label must be one of {present.tolist()}, got {pos_label!r}")
        labels = np.array([pos_label])
    else:
        labels = present if labels is None else as_labels("labels", labels)
    # One class against the rest: its true positives, predicted positives and actual positives.
    tp = np.array([np.sum((y_true == k) & (y_pred == k)) for k in labels])
    predicted = np.array([np.sum(y_pred == k) for k in labels])
    support = np.array([np.sum(y_true == k) for k in labels])
    if average == "micro":
        tp, predicted, support = tp.sum(keepdims=True), predicted.sum(keepdims=True), support.sum(
            keepdims=True)
    precision = _divide(tp, predicted, zero_division, "Precision is ill-defined: no predicted samples")
    recall = _divide(tp, support, zero_division, "Recall is ill-defined: no true samples")
    f1 = _divide(2 * tp, predicted + support, zero_division,  # 2TP + FP + FN = predicted + support
                 "F-score is ill-defined: no true nor predicted samples")
    if average is None:
        return precision, recall, f1, support
    weights = support if average == "weighted" else None
    return (_mean_ignoring_nan(precision, weights), _mean_ignoring_nan(recall, weights),
            _mean_ignoring_nan(f1, weights), None)


def _mean_ignoring_nan(values: np.ndarray, weights: np.ndarray | None) -> float:
    """Weighted mean of the non-NaN values (a plain mean when all weights are 0)."""
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    if weights is None or weights[keep].sum() == 0:
        return float(np.mean(values[keep]))
    return float(np.average(values[keep], weights=weights[keep]))


@checked
def precision_score(y_true: Any, y_pred: Any, *, labels: Any = None, pos_label: int = 1,
                    average: str | None = "binary", zero_division: Any = "warn"):
    """TP / (TP + FP): of what we predicted positive, how much was positive."""
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, zero_division=zero_division)[0]


@checked
def recall_score(y_true: Any, y_pred: Any, *, labels: Any = None, pos_label: int = 1,
                 average: str | None = "binary", zero_division: Any = "warn"):
    """TP / (TP + FN), the true positive rate: of all positives, how many we caught."""
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, zero_division=zero_division)[1]


@checked
def f1_score(y_true: Any, y_pred: Any, *, labels: Any = None, pos_label: int = 1,
             average: str | None = "binary", zero_division: Any = "warn"):
    """2TP / (2TP + FP + FN), the harmonic mean of precision and recall."""
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, zero_division=zero_division)[2]


@checked
def false_positive_rate(y_true: Any, y_pred: Any, *, pos_label: int = 1,
                        zero_division: Any = "warn") -> float:
    """FP / (FP + TN): of all negatives, how many we flagged (scikit-learn has no such function)."""
    tn, fp, _, _ = binary_counts(y_true, y_pred, pos_label=pos_label)
    return float(_divide([fp], [fp + tn], zero_division, "FPR is ill-defined: no negative samples")[0])


@checked
def binary_report(y_true: Any, y_pred: Any, *, pos_label: int = 1) -> dict[str, float]:
    """The four counts and accuracy, precision, recall, F1 and FPR (NaN where undefined)."""
    tn, fp, fn, tp = binary_counts(y_true, y_pred, pos_label=pos_label)
    nan = float("nan")
    return {
        "tn": tn, "fp": fp, "fn": fn, "tp": tp,
        "accuracy": (tp + tn) / (tp + tn + fp + fn),
        "precision": tp / (tp + fp) if tp + fp else nan,
        "recall": tp / (tp + fn) if tp + fn else nan,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan,
        "fpr": fp / (fp + tn) if fp + tn else nan,
    }


@checked(digits="int0")
def classification_report(y_true: Any, y_pred: Any, *, labels: Any = None, digits: int = 2) -> str:
    """A text table of per-class precision, recall, F1 and support, then the averages.

    The layout is scikit-learn's: the micro average is printed as an "accuracy" row (F1 column
    only) when it equals accuracy, i.e. when the labels cover every class present; otherwise as
    "micro avg".
    """
    y_true, y_pred = _pair(y_true, y_pred, "y_pred")
    present = np.unique(np.r_[y_true, y_pred])
    labels = present if labels is None else as_labels("labels", labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0.0)
    names = [f"{label}" for label in labels]
    width = max(max(len(name) for name in names), len("weighted avg"), digits)
    row = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    report = ("{:>{width}s} " + " {:>9}" * 4).format("", "precision", "recall", "f1-score", "support",
                                                    width=width) + "\n\n"
    for name, pk, rk, fk, sk in zip(names, p, r, f, s, strict=True):
        report += row.format(name, pk, rk, fk, sk, width=width, digits=digits)
    report += "\n"
    micro_is_accuracy = set(labels.tolist()) >= set(present.tolist())
    for average in ("micro", "macro", "weighted"):
        pa, ra, fa, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                        average=average, zero_division=0.0)
        if average == "micro" and micro_is_accuracy:
            accuracy_row = "{:>{width}s} " + " {:>9}" * 2 + " {:>9.{digits}f} {:>9}\n"
            report += accuracy_row.format("accuracy", "", "", fa, int(s.sum()), width=width, digits=digits)
        else:
            report += row.format(f"{average} avg", pa, ra, fa, int(s.sum()), width=width, digits=digits)
    return report


# ----------------------------------------------------------------------------- every threshold
@checked
def confusion_matrix_at_thresholds(y_true: Any, y_score: Any, *, pos_label: int | None = None):
    """(tns, fps, fns, tps, thresholds): the binary confusion matrix at every unique score.

    Thresholds are the unique scores, highest first; entry i counts ``y_score >= thresholds[i]`` as
    predicted positive. Sorting once and counting cumulatively replaces one pass per threshold.
    """
    y_true, y_score = _pair(y_true, y_score, "y_score", scores=True)
    positive = positive_mask(y_true, pos_label)
    order = np.argsort(-y_score, kind="stable")  # highest score first
    y_score, positive = y_score[order], positive[order]
    last_of_each_score = np.r_[np.flatnonzero(np.diff(y_score)), len(y_score) - 1]  # ties together
    tps = np.cumsum(positive)[last_of_each_score]
    fps = last_of_each_score + 1 - tps
    return fps[-1] - fps, fps, tps[-1] - tps, tps, y_score[last_of_each_score]


@checked
def roc_curve(y_true: Any, y_score: Any, *, pos_label: int | None = None,
              drop_intermediate: bool = True):
    """(fpr, tpr, thresholds): the ROC curve, from (0, 0) at threshold +inf to (1, 1).

    ``drop_intermediate`` drops points on a straight segment between their neighbours: they do
    not change the curve or its area.
    """
    _, fps, _, tps, thresholds = confusion_matrix_at_thresholds(y_true, y_score, pos_label=pos_label)
    if tps[-1] == 0 or fps[-1] == 0:
        only = "negative" if tps[-1] == 0 else "positive"
        raise ValueError(f"y_true must contain both classes for a ROC curve, got only {only} samples: "
                         "the true or false positive rate would divide by zero")
    if drop_intermediate and len(fps) > 2:
        corner = np.r_[True, (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0), True]
        fps, tps, thresholds = fps[corner], tps[corner], thresholds[corner]
    fpr = np.r_[0, fps] / fps[-1]
    tpr = np.r_[0, tps] / tps[-1]
    return fpr, tpr, np.r_[np.inf, thresholds]


@checked
def precision_recall_curve(y_true: Any, y_score: Any, *, pos_label: int | None = None):
    """(precision, recall, thresholds): thresholds rising, recall falling, ending at (recall 0, precision 1).

    ``precision[i]`` and ``recall[i]`` belong to ``thresholds[i]``; the last point has no threshold.
    Between points the curve is a staircase, never a straight line (erratum E19).
    """
    _, fps, _, tps, thresholds = confusion_matrix_at_thresholds(y_true, y_score, pos_label=pos_label)
    if tps[-1] == 0:
        raise ValueError("y_true must contain positive samples for a precision-recall curve: "
                         "recall = TP / (TP + FN) would divide by zero")
    precision = tps / (tps + fps)  # at least one sample is predicted positive at every threshold
    recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


@checked
def sweep_thresholds(y_true: Any, y_score: Any, thresholds: Any, *, pos_label: int = 1
                     ) -> dict[str, np.ndarray]:
    """Counts and metrics at each of ``thresholds``: the lecture's sweep, one confusion matrix each.

    Returns arrays "threshold", "tn", "fp", "fn", "tp", "accuracy", "precision", "recall", "f1",
    "fpr" (NaN where a metric divides by zero). Sorting the scores once makes every threshold a
    binary search instead of a pass over the data.
    """
    y_true, y_score = _pair(y_true, y_score, "y_score", scores=True)
    positive = positive_mask(y_true, pos_label)
    thresholds = as_scores("thresholds", np.atleast_1d(thresholds) if np.ndim(thresholds) == 0
                           else thresholds)
    pos_sorted, neg_sorted = np.sort(y_score[positive]), np.sort(y_score[~positive])
    tp = len(pos_sorted) - np.searchsorted(pos_sorted, thresholds, side="left")  # scores >= t
    fp = len(neg_sorted) - np.searchsorted(neg_sorted, thresholds, side="left")
    fn, tn = len(pos_sorted) - tp, len(neg_sorted) - fp
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "threshold": thresholds, "tn": tn, "fp": fp, "fn": fn, "tp": tp,
            "accuracy": (tp + tn) / len(y_true),
            "precision": np.where(tp + fp > 0, tp / (tp + fp), np.nan),
            "recall": np.where(tp + fn > 0, tp / (tp + fn), np.nan),
            "f1": np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan),
            "fpr": np.where(fp + tn > 0, fp / (fp + tn), np.nan),
        }


@checked
def auc(x: Any, y: Any) -> float:
    """Area under a curve through the points (x, y) by the trapezoidal rule; x must be monotonic."""
    x, y = as_scores("x", x), as_scores("y", y)
    check_same_length("x", x, "y", y)
    if len(x) < 2:
        raise ValueError(f"x must have at least 2 points to compute an area, got {len(x)}")
    dx = np.diff(x)
    if not ((dx >= 0).all() or (dx <= 0).all()):
        raise ValueError("x must be increasing or decreasing (sort the points first)")
    area = float(np.sum(dx * (y[1:] + y[:-1]) / 2))
    return abs(area)


@checked
def roc_auc_score(y_true: Any, y_score: Any) -> float:
    """Area under the ROC curve: 1 = perfect ranking, 0.5 = random (scikit-learn's, binary only)."""
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return auc(fpr, tpr)


@checked
def average_precision_score(y_true: Any, y_score: Any, *, pos_label: int = 1) -> float:
    """Average precision: sum over thresholds of (R_k - R_(k-1)) * P_k, the staircase's area."""
    precision, recall, _ = precision_recall_curve(y_true, y_score, pos_label=pos_label)
    return max(0.0, float(np.sum((recall[:-1] - recall[1:]) * precision[:-1])))


@checked
def ranking_probability(y_true: Any, y_score: Any, *, pos_label: int = 1) -> float:
    """P(a random positive scores above a random negative), ties counting half. Equals the ROC AUC."""
    y_true, y_score = _pair(y_true, y_score, "y_score", scores=True)
    positive = positive_mask(y_true, pos_label)
    if positive.all() or not positive.any():
        raise ValueError("y_true must contain both classes: with one class there are no "
                         "(positive, negative) pairs to compare")
    negatives = np.sort(y_score[~positive])
    beaten = np.searchsorted(negatives, y_score[positive], side="left")  # negatives below each positive
    tied = np.searchsorted(negatives, y_score[positive], side="right") - beaten
    return float((beaten + 0.5 * tied).sum() / (positive.sum() * len(negatives)))
