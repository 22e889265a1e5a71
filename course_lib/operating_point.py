"""Choosing an operating point (a threshold) on validation data, to report once on test data.

A rule picks one of the candidate thresholds (the unique validation scores, plus +inf = "predict
nobody positive"): the best F1, the highest threshold that still reaches a recall target, or the
lowest total cost when a false negative costs ``cost_fn`` and a false positive ``cost_fp``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import metrics
from .checks import check_choice, check_positive, check_range, check_same_length, checked
from .metrics import as_labels, as_scores

RULES = ("max_f1", "recall", "cost")


@checked
def choose_threshold(y_true: Any, y_score: Any, rule: str = "max_f1", *, target_recall: float = 0.9,
                     cost_fp: float = 1.0, cost_fn: float = 1.0) -> float:
    """The threshold that ``rule`` prefers on (y_true, y_score); ties go to the highest threshold."""
    check_choice("rule", rule, RULES)
    check_range("target_recall", target_recall, 0.0, 1.0)
    check_positive("cost_fp", cost_fp, allow_zero=True)
    check_positive("cost_fn", cost_fn, allow_zero=True)
    tns, fps, fns, tps, thresholds = metrics.confusion_matrix_at_thresholds(y_true, y_score)
    # Prepend +inf: nobody predicted positive (all counts of the empty prediction).
    tps, fps, fns = np.r_[0, tps], np.r_[0, fps], np.r_[tps[-1], fns]
    thresholds = np.r_[np.inf, thresholds]  # highest first, so argmax/argmin pick the highest
    if rule == "max_f1":
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(tps > 0, 2 * tps / (2 * tps + fps + fns), 0.0)
        return float(thresholds[int(np.argmax(f1))])
    if rule == "recall":
        if tps[-1] == 0:
            raise ValueError("y_true must contain positive samples to reach a recall target")
        return float(thresholds[int(np.argmax(tps / tps[-1] >= target_recall))])
    cost = cost_fp * fps + cost_fn * fns
    return float(thresholds[int(np.argmin(cost))])


@checked
def total_cost(y_true: Any, y_pred: Any, *, cost_fp: float = 1.0, cost_fn: float = 1.0) -> float:
    """cost_fp * FP + cost_fn * FN of the predictions ``y_pred``."""
    check_positive("cost_fp", cost_fp, allow_zero=True)
    check_positive("cost_fn", cost_fn, allow_zero=True)
    _, fp, fn, _ = metrics.binary_counts(y_true, y_pred)
    return float(cost_fp * fp + cost_fn * fn)


@checked(threshold="real")
def report_at(y_true: Any, y_score: Any, threshold: float) -> dict[str, float]:
    """binary_report of the predictions ``y_score >= threshold``."""
    check_same_length("y_true", as_labels("y_true", y_true), "y_score", as_scores("y_score", y_score))
    return metrics.binary_report(y_true, metrics.apply_threshold(y_score, threshold))
