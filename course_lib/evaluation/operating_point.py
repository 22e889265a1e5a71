"""Choosing an operating point (a threshold) on validation data, to report once on test data.

``CostExplorer`` is the interactive version of the cost rule: a cost-ratio slider picks the
cheapest threshold on the validation scores (it never sees the test set).

A rule picks one of the candidate thresholds (the unique validation scores, plus +inf = "predict
nobody positive"): the best F1, the highest threshold that still reaches a recall target, or the
lowest total cost when a false negative costs ``cost_fn`` and a false positive ``cost_fp``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import metrics, style
from ..checks import (
    check_choice,
    check_kind,
    check_labels,
    check_member,
    check_positive,
    check_same_length,
    checked,
)
from ..live_figure import SMALL, PngExplorer, encode_png, new_figure
from ..metrics import as_labels, as_scores
from ..widgets import selection_slider
from . import metric_plots

RULES = ("max_f1", "recall", "cost")


def _binary_pair(label_name: str, y: Any, score_name: str, s: Any) -> tuple[np.ndarray, np.ndarray]:
    """Binary labels and scores of the same length, checked under the caller's argument names."""
    y, s = as_labels(label_name, y), as_scores(score_name, s)
    check_labels(label_name, y, "binary")
    check_same_length(label_name, y, score_name, s)
    return y, s


@checked
def choose_threshold(y_true: Any, y_score: Any, rule: str = "max_f1", *, target_recall: float = 0.9,
                     cost_fp: float = 1.0, cost_fn: float = 1.0) -> float:
    """The threshold that ``rule`` prefers on (y_true, y_score); ties go to the highest threshold."""
    check_choice("rule", rule, RULES)
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
    _, fp, fn, _ = metrics.binary_counts(y_true, y_pred)
    return float(cost_fp * fp + cost_fn * fn)


@checked(threshold="real")
def report_at(y_true: Any, y_score: Any, threshold: float) -> dict[str, float]:
    """binary_report of the predictions ``y_score >= threshold``."""
    check_same_length("y_true", as_labels("y_true", y_true), "y_score", as_scores("y_score", y_score))
    return metrics.binary_report(y_true, metrics.apply_threshold(y_score, threshold))


COST_RATIOS = (1, 1.5, 2, 3, 5, 10, 20, 50, 100)  # candidate costs of a missed positive, in false alarms


@checked
def distinct_ratios(y_true: Any, y_score: Any, candidates=COST_RATIOS) -> tuple[float, ...]:
    """The ``candidates`` (in order) that each move the cheapest threshold: a ratio is kept when its
    choice differs from the last kept ratio's, so that every kept value changes the operating point."""
    check_kind("candidates", candidates, "floats+")
    y_true, y_score = _binary_pair("y_true", y_true, "y_score", y_score)
    kept, last = [], None
    for ratio in candidates:
        t = choose_threshold(y_true, y_score, "cost", cost_fp=1.0, cost_fn=float(ratio))
        if t != last:
            kept.append(ratio)
            last = t
    return tuple(kept)


@checked
def bayes_threshold(cost_ratio: float) -> float:
    """1 / (1 + cost_ratio): the cheapest threshold for *calibrated* probabilities (a false alarm = 1).

    Flagging a case of probability p costs (1 - p) on average, passing it costs p · cost_ratio;
    flagging is cheaper exactly when p >= 1 / (1 + cost_ratio).
    """
    check_positive("cost_ratio", cost_ratio)
    return 1.0 / (1.0 + float(cost_ratio))


@checked
def iso_cost_slope(y_true: Any, *, cost_fp: float = 1.0, cost_fn: float = 1.0) -> float:
    """The slope of the ROC plane's iso-cost lines, cost_fp·N / (cost_fn·P) (Fawcett 2006).

    Total cost = cost_fp·N·FPR + cost_fn·P·(1 − TPR): every point on one line of this slope costs
    the same, and the cheapest operating point is where the highest such line touches the curve.
    """
    check_positive("cost_fp", cost_fp)
    check_positive("cost_fn", cost_fn)
    y = as_labels("y_true", y_true)
    check_labels("y_true", y, "binary")
    num_pos, num_neg = int((y == 1).sum()), int((y == 0).sum())
    if num_pos == 0:
        raise ValueError("y_true must contain positives: with none, a miss costs nothing")
    return cost_fp * num_neg / (cost_fn * num_pos)


@checked(threshold="real")
def missed_positives(y_true: Any, y_score: Any, threshold: float) -> list[dict[str, float]]:
    """Each positive scoring below ``threshold``, lowest first: its score, and how many negatives a
    threshold lowered to that score would flag (the price of catching it)."""
    y, s = _binary_pair("y_true", y_true, "y_score", y_score)
    missed = np.sort(s[(y == 1) & (s < threshold)])
    return [{"score": float(m), "negatives_flagged": int(((y == 0) & (s >= m)).sum())} for m in missed]


@checked
def cost_curve(y_true: Any, y_score: Any, thresholds: Any, *, cost_fp: float = 1.0,
               cost_fn: float = 1.0) -> np.ndarray:
    """cost_fp * FP + cost_fn * FN of ``y_score >= t`` at each of ``thresholds``."""
    sweep = metrics.sweep_thresholds(y_true, y_score, thresholds)
    return cost_fp * sweep["fp"] + cost_fn * sweep["fn"]


@checked
def plot_cost_choice(y_true: Any, y_score: Any, cost_ratio: float, *,
                     class_names: tuple[str, str] = ("negative", "positive"), fig=None):
    """Total cost against the threshold (left), the ROC curve with the iso-cost line through the
    cheapest point (middle), and the scores with that threshold and the Bayes threshold (right).

    A false alarm costs 1, a missed positive ``cost_ratio``; the threshold is ``choose_threshold``'s.
    Returns (figure, state) with the chosen threshold, its cost, its report and the Bayes threshold.
    """
    check_positive("cost_ratio", cost_ratio)
    y_true = metrics.as_labels("y_true", y_true)
    y_score = metrics.as_scores("y_score", y_score)
    t = choose_threshold(y_true, y_score, "cost", cost_fp=1.0, cost_fn=float(cost_ratio))
    grid = np.linspace(0.0, 1.0, 401)
    costs = cost_curve(y_true, y_score, grid, cost_fp=1.0, cost_fn=float(cost_ratio))
    report = report_at(y_true, y_score, t)
    cost = report["fp"] + cost_ratio * report["fn"]
    bayes = bayes_threshold(cost_ratio)
    fig = new_figure(4.6) if fig is None else fig
    ax_cost, ax_roc, ax_hist = fig.subplots(1, 3, width_ratios=(1.1, 1, 1.2))
    chosen = {"marker": "o", "ls": "none", "ms": 12, "color": "k", "mfc": style.OKABE_ITO["yellow"], "mew": 2}
    ax_cost.plot(grid, costs, color=style.OKABE_ITO["blue"], label="total cost")
    shown_t = min(t, 1.0)  # +inf (flag nobody) is drawn at the right edge
    ax_cost.plot([shown_t], [cost], **chosen, label=f"cheapest: threshold {t:.2f}")
    ax_cost.set_xlabel("threshold")
    ax_cost.set_ylabel("cost (a false alarm = 1)")
    ax_cost.set_ylim(0, None)
    ax_cost.set_title(f"cost, a miss = {cost_ratio:g} alarm{'' if cost_ratio == 1 else 's'}")
    metric_plots.legend_below(ax_cost, ncol=1)
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
    metric_plots.plot_roc(fpr, tpr, ax_roc, chance=False, color=style.OKABE_ITO["blue"], label="ROC")
    slope = iso_cost_slope(y_true, cost_fp=1.0, cost_fn=float(cost_ratio))
    x = np.linspace(0.0, 1.0, 201)
    line = report["recall"] + slope * (x - report["fpr"])
    inside = (line >= 0) & (line <= 1)
    ax_roc.plot(x[inside], line[inside], color="k", ls="--", lw=1.8,
                label=f"iso-cost line, slope {slope:.2g}")
    ax_roc.plot([report["fpr"]], [report["recall"]], **chosen, label="cheapest point")
    ax_roc.set_title("ROC: equal cost on the line")
    metric_plots.legend_below(ax_roc, ncol=1)
    metric_plots.plot_score_histograms(y_true, y_score, ax_hist, bins=20, value_range=(0.0, 1.0),
                                       class_names=class_names, density=False)
    ax_hist.axvline(shown_t, color="k", lw=2.4, label=f"cheapest {t:.2f}")
    ax_hist.axvline(bayes, color=style.OKABE_ITO["vermillion"], lw=2.2, ls=":",
                    label=f"Bayes 1/(1+{cost_ratio:g}) = {bayes:.2f}")
    ax_hist.axvspan(shown_t, 1.0, color="0.2", alpha=0.12, lw=0, label="flagged")
    ax_hist.set_ylabel("validation cases")
    ax_hist.set_title(f"FN {report['fn']}, FP {report['fp']}: recall {report['recall']:.2f}")
    metric_plots.legend_below(ax_hist, ncol=2, columnspacing=1.0, handlelength=1.5)
    state = {"cost_ratio": float(cost_ratio), "threshold": t, "cost": float(cost),
             "bayes_threshold": bayes, "iso_cost_slope": slope, **report}
    return fig, state


class CostExplorer(PngExplorer):
    """A cost-ratio slider that picks the cheapest threshold on validation data.

    Only the validation scores go in: the test set stays untouched until the choice is made. The
    slider has a handful of values (by default the ``COST_RATIOS`` that each move the cheapest
    threshold, see ``distinct_ratios``), each drawn once when the explorer is built: a move only
    swaps pictures.
    """

    @checked
    def __init__(self, y_val: Any, s_val: Any, *, ratios=None, value: float | None = None,
                 class_names: tuple[str, str] = ("negative", "positive"), title: str | None = None):
        self.y_val, self.s_val = _binary_pair("y_val", y_val, "s_val", s_val)
        if ratios is None:  # only the candidate ratios that move the operating point
            ratios = distinct_ratios(self.y_val, self.s_val)
        check_kind("ratios", ratios, "floats+")
        value = ratios[0] if value is None else value
        check_member("value", value, ratios, "ratios")
        self.ratios = tuple(ratios)
        self.pictures: dict[float, tuple[bytes, dict[str, Any]]] = {}
        for ratio in ratios:
            fig, state = plot_cost_choice(self.y_val, self.s_val, ratio, class_names=class_names)
            fig.canvas.draw()
            self.pictures[ratio] = (encode_png(fig, SMALL), state)  # drawn once: worth compressing
            self.figure = fig
        self.slider = selection_slider("cost ratio (miss : false alarm)", list(ratios), value,
                                       fmt=lambda r: f"{r:g} : 1", width="480px")
        self.controls = {"cost_ratio": self.slider}
        self._build_widget(title, int(self.figure.get_figheight() * style.DPI) + 8)
        self.state = self.update(**self.values)

    def update(self, cost_ratio: float) -> dict[str, Any]:
        """The chosen threshold, its cost and its validation report at ``cost_ratio``."""
        self.state = self.pictures[cost_ratio][1]
        return self.state

    def render(self) -> bytes:
        """The picture of the current ratio."""
        return self.pictures[self.state["cost_ratio"]][0]
