"""How sure is a ROC AUC or an average precision measured on a hundred cases? Bootstrap intervals.

A (stratified) bootstrap redraws the positives and the negatives of the evaluation set with
replacement, each class keeping its size, recomputes the metric on every redraw, and reports the
middle ``level`` of those values: the percentile interval. Two models scored on the same cases are
compared *paired*: each redraw scores both on the same cases, and the interval is the one of their
difference (an interval that contains 0 is a tie).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import rankdata

from .. import metrics
from ..checks import check_choice, check_labels, check_positive, check_range, check_same_length, checked
from ..metrics import as_labels, as_scores


def _roc_auc_rows(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The ROC AUC of each row of ``scores`` against the labels ``y_true`` (ties count one half)."""
    positive = y_true == 1
    ranks = rankdata(scores, axis=1)  # ties get their average rank
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    return (ranks[:, positive].sum(axis=1) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _average_precision_rows(y_true: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The average precision of each row of ``scores``: the mean, over positives, of the precision at
    the threshold of that positive's score (tied scores form one threshold, as in scikit-learn)."""
    order = np.argsort(-scores, axis=1, kind="stable")
    s = np.take_along_axis(scores, order, axis=1)
    hit = (y_true == 1)[order]
    n = scores.shape[1]
    precision = np.cumsum(hit, axis=1) / np.arange(1, n + 1)
    last_of_tie = np.c_[s[:, 1:] != s[:, :-1], np.ones(len(s), bool)]
    end = np.where(last_of_tie, np.arange(n), n)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]  # each position's tie group's end
    return (hit * np.take_along_axis(precision, end, axis=1)).sum(axis=1) / hit.sum(axis=1)


METRICS = {"roc_auc": metrics.roc_auc_score, "average_precision": metrics.average_precision_score}
ROWS = {"roc_auc": _roc_auc_rows, "average_precision": _average_precision_rows}


def _resamples(y_true: np.ndarray, num_resamples: int, seed: int) -> np.ndarray:
    """``num_resamples`` rows of case indices, positives and negatives redrawn separately."""
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y_true == c) for c in (0, 1)]
    if any(len(g) == 0 for g in groups):
        raise ValueError("y_true must contain both classes to bootstrap a ROC AUC or an average precision")
    return np.concatenate([g[rng.integers(0, len(g), (num_resamples, len(g)))] for g in groups], axis=1)


def _checked_inputs(y_true: Any, scores: list[tuple[str, Any]], metric: str, num_resamples: int,
                    level: float) -> tuple[np.ndarray, list[np.ndarray]]:
    """Labels and score arrays, checked: binary labels, equal lengths, a known metric."""
    check_choice("metric", metric, list(METRICS))
    check_positive("num_resamples", num_resamples, integer=True)
    check_range("level", level, 0.0, 1.0, inclusive=False)
    y = as_labels("y_true", y_true)
    check_labels("y_true", y, "binary")
    arrays = []
    for name, s in scores:
        s = as_scores(name, s)
        check_same_length("y_true", y, name, s)
        arrays.append(s)
    return y, arrays


def _interval(values: np.ndarray, level: float) -> tuple[float, float]:
    """The percentile interval holding the middle ``level`` of ``values``."""
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


@checked
def bootstrap_ci(y_true: Any, y_score: Any, metric: str = "roc_auc", *, num_resamples: int = 1000,
                 level: float = 0.95, seed: int = 0) -> tuple[float, float, float]:
    """(value, low, high): ``metric`` of the scores and its stratified percentile bootstrap interval."""
    y, (s,) = _checked_inputs(y_true, [("y_score", y_score)], metric, num_resamples, level)
    rows = _resamples(y, num_resamples, seed)
    values = ROWS[metric](y[rows[0]], s[rows])  # every row has the same labels in the same order
    return (METRICS[metric](y, s), *_interval(values, level))


@checked
def paired_bootstrap_ci(y_true: Any, score_a: Any, score_b: Any, metric: str = "roc_auc", *,
                        num_resamples: int = 1000, level: float = 0.95,
                        seed: int = 0) -> tuple[float, float, float]:
    """(difference, low, high): metric(a) − metric(b) on the same cases, and its bootstrap interval."""
    y, (a, b) = _checked_inputs(y_true, [("score_a", score_a), ("score_b", score_b)], metric,
                                num_resamples, level)
    rows, fn = _resamples(y, num_resamples, seed), METRICS[metric]
    values = ROWS[metric](y[rows[0]], a[rows]) - ROWS[metric](y[rows[0]], b[rows])
    return (fn(y, a) - fn(y, b), *_interval(values, level))
