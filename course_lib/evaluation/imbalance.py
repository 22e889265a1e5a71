"""Imbalanced classes: the always-negative baseline and one instant explorer of prevalence.

The explorer's data are binormal: a score z ~ N(0, 1) for negatives and N(separation, 1) for
positives, turned into the probability a model trained on *balanced* classes would output,
sigmoid(separation·z − separation²/2) (the exact posterior at 50% prevalence). To change only
the prevalence, the data keep a fixed set of positives and take more or fewer negatives from one
fixed draw: the ranking quality is the same at every prevalence, only the class ratio moves.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np

from .. import metrics, style
from ..checks import as_array, check_labels, check_member, check_range, checked
from ..live_figure import LiveFigure, PngExplorer, new_figure
from ..widgets import selection_slider
from . import metric_plots

PREVALENCES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)  # rare -> common, as the slider runs
SEPARATIONS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
MAX_CURVE_POINTS = 1500  # a drawn curve needs no more points than the figure has pixels


def _check_prevalence(prevalence: Any) -> float:
    """A prevalence strictly between 0 and 1."""
    check_range("prevalence", prevalence, 0.0, 1.0, inclusive=False)
    return float(prevalence)


@checked
def _counts_at(prevalence: float, num_positives: int) -> tuple[int, int]:
    """(num_negatives, num_positives) giving ``prevalence`` with ``num_positives`` positives."""
    prevalence = _check_prevalence(prevalence)
    return round(num_positives * (1 - prevalence) / prevalence), num_positives


@checked
def always_negative(y_true: Any) -> dict[str, float]:
    """Counts and metrics of the model that predicts "negative" for everyone."""
    check_labels("y_true", metrics.as_labels("y_true", y_true), "binary")
    y_true = metrics.as_labels("y_true", y_true)
    return metrics.binary_report(y_true, np.zeros_like(y_true))


@checked
def balanced_probability(z: Any, separation: float) -> np.ndarray:
    """P(positive | z) at 50% prevalence when negatives are N(0, 1) and positives N(separation, 1)."""
    as_array("z", z, ndim=None, min_len=0)
    z = np.asarray(z, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-(separation * z - separation ** 2 / 2)))


@checked
def binormal_scores(prevalence: float, *, num_positives: int = 2000, separation: float = 1.5,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_score): positives score N(separation, 1), negatives N(0, 1), at ``prevalence``.

    The ROC AUC of such scores is Phi(separation / sqrt(2)) whatever the prevalence (0.856 at 1.5).
    """
    num_negatives, num_positives = _counts_at(prevalence, num_positives)
    rng = np.random.default_rng(seed)
    y_score = np.r_[rng.normal(0.0, 1.0, num_negatives), rng.normal(separation, 1.0, num_positives)]
    y_true = np.r_[np.zeros(num_negatives, np.int64), np.ones(num_positives, np.int64)]
    return y_true, y_score


class BinormalSample:
    """One fixed draw of positives and negatives; ``scores(separation, prevalence)`` reuses it.

    The positives are always the same ``num_positives``; a prevalence takes the first
    ``_counts_at(prevalence, num_positives)[0]`` negatives. Scores are ``balanced_probability``.
    """

    @checked(min_prevalence="open_unit")
    def __init__(self, *, num_positives: int = 500, min_prevalence: float = min(PREVALENCES), seed: int = 0):
        num_negatives, num_positives = _counts_at(min_prevalence, num_positives)
        rng = np.random.default_rng(seed)
        self.num_positives = num_positives
        self.z_negative = rng.normal(0.0, 1.0, num_negatives)
        self.z_positive = rng.normal(0.0, 1.0, num_positives)  # shifted by the separation on use
        self.min_prevalence = float(min_prevalence)

    def scores(self, separation: float, prevalence: float) -> tuple[np.ndarray, np.ndarray]:
        """(y_true, y_score) at ``separation`` and ``prevalence`` (>= the sample's smallest)."""
        check_range("separation", separation, 0.0, 10.0)
        prevalence = _check_prevalence(prevalence)
        if prevalence < self.min_prevalence - 1e-12:
            raise ValueError(f"prevalence must be >= {self.min_prevalence:g} for this sample, "
                             f"got {prevalence:g}")
        num_negatives, _ = _counts_at(prevalence, self.num_positives)
        z = np.r_[self.z_negative[:num_negatives], separation + self.z_positive]
        y_true = np.r_[np.zeros(num_negatives, np.int64), np.ones(self.num_positives, np.int64)]
        return y_true, balanced_probability(z, separation)


def _thin(*arrays: np.ndarray, max_points: int = MAX_CURVE_POINTS) -> list[np.ndarray]:
    """Every array at the same at most ``max_points`` indices, ends kept (for drawing a curve)."""
    n = len(arrays[0])
    if n <= max_points:
        return list(arrays)
    keep = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return [a[keep] for a in arrays]


@checked
def curves(y_true: np.ndarray, y_score: np.ndarray) -> dict[str, Any]:
    """ROC and PR curves (thinned for drawing), ROC AUC, AP, and each class's sorted scores."""
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
    precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
    fpr, tpr = _thin(fpr, tpr)
    precision, recall = _thin(precision, recall)
    return {"fpr": fpr, "tpr": tpr, "precision": precision, "recall": recall,
            "roc_auc": metrics.roc_auc_score(y_true, y_score),
            "average_precision": metrics.average_precision_score(y_true, y_score),
            "positive_scores": np.sort(y_score[y_true == 1]),
            "negative_scores": np.sort(y_score[y_true == 0])}


@checked
def _counts_from_sorted(positive_scores: np.ndarray, negative_scores: np.ndarray,
                       threshold: float) -> tuple[int, int, int, int]:
    """(tn, fp, fn, tp) of ``score >= threshold`` from each class's sorted scores (a binary search)."""
    tp = len(positive_scores) - int(np.searchsorted(positive_scores, threshold, side="left"))
    fp = len(negative_scores) - int(np.searchsorted(negative_scores, threshold, side="left"))
    return len(negative_scores) - fp, fp, len(positive_scores) - tp, tp


@checked(tn="int0", fp="int0", fn="int0", tp="int0")
def rates(tn: int, fp: int, fn: int, tp: int) -> dict[str, float]:
    """Accuracy, precision, recall, F1 and FPR of four counts (NaN for 0/0)."""
    def ratio(a: float, b: float) -> float:
        return a / b if b else float("nan")

    return {"tn": tn, "fp": fp, "fn": fn, "tp": tp, "accuracy": (tp + tn) / (tn + fp + fn + tp),
            "precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn),
            "f1": ratio(2 * tp, 2 * tp + fp + fn), "fpr": ratio(fp, fp + tn)}


BAR_METRICS = ("accuracy", "precision", "recall", "f1")


class PrevalenceExplorer(PngExplorer):
    """Separation, prevalence and threshold sliders over binormal scores; every redraw is instant.

    Shows the ROC curve (the same at every prevalence), the PR curve and AP (falling with the
    prevalence), the confusion matrix at the threshold, and accuracy, precision, recall and F1
    against the always-negative model's accuracy. Curves are cached by (separation, prevalence).
    """

    @checked
    def __init__(self, *, separation: float = 1.5, prevalence: float = 0.5, threshold: float = 0.5,
                 num_positives: int = 500, seed: int = 0, title: str | None = None):
        check_range("threshold", threshold, 0.01, 0.99)  # the slider's range
        check_member("separation", separation, SEPARATIONS, "SEPARATIONS")
        check_member("prevalence", prevalence, PREVALENCES, "PREVALENCES")
        self.sample = BinormalSample(num_positives=num_positives, seed=seed)
        self.cache: dict[tuple[float, float], dict[str, Any]] = {}
        self.controls = {
            "separation": selection_slider("separation", SEPARATIONS, separation, fmt=lambda s: f"{s:g}",
                                           width="360px"),
            "prevalence": selection_slider("prevalence", PREVALENCES, prevalence, fmt=lambda p: f"{p:g}",
                                           width="360px"),
            "threshold": W.FloatSlider(value=threshold, min=0.01, max=0.99, step=0.01,
                                       description="threshold", continuous_update=True,
                                       readout_format=".2f", style={"description_width": "initial"},
                                       layout=W.Layout(width="360px")),
        }
        self.slider = self.controls["threshold"]
        self._build_figure()
        self._build_widget(title, int(self.figure.get_figheight() * style.DPI) + 8)
        self.state = self.update(**self.values)

    def curves(self, separation: float, prevalence: float) -> dict[str, Any]:
        """Curves and sorted scores at (separation, prevalence), computed once."""
        key = (float(separation), float(prevalence))
        if key not in self.cache:
            self.cache[key] = curves(*self.sample.scores(*key))
        return self.cache[key]

    def _build_figure(self) -> None:
        """Fixed axes once; every curve, bar and number is a moving artist."""
        fig = new_figure(4.3)
        ax_roc, ax_pr, ax_cm, ax_bars = fig.subplots(1, 4, width_ratios=[1, 1, 0.9, 1.1])  # one row: 1280×720
        blue, grey = style.OKABE_ITO["blue"], "0.6"
        a: dict[str, Any] = {}
        for ax, (x, y) in ((ax_roc, ("FPR", "recall (TPR)")), (ax_pr, ("recall", "precision"))):
            ax.set_xlim(-0.02, 1.02)
            ax.set_ylim(-0.02, 1.02)
            ax.set_xlabel(x)
            ax.set_ylabel(y)
        a["roc"] = ax_roc.plot([], [], color=blue, lw=2.4, label="this prevalence")[0]
        a["roc_ref"] = ax_roc.plot([], [], color=grey, lw=6, alpha=0.6, label="prevalence 0.5")[0]
        ax_roc.plot([0, 1], [0, 1], **metric_plots.CHANCE, label="random")
        a["pr"] = ax_pr.plot([], [], color=blue, lw=2.4, drawstyle="steps-post", label="this prevalence")[0]
        a["pr_ref"] = ax_pr.plot([], [], color=grey, lw=6, alpha=0.6, drawstyle="steps-post",
                                 label="prevalence 0.5")[0]
        a["pr_base"] = ax_pr.axhline(0.5, **metric_plots.CHANCE, label="random")
        a["roc_point"] = ax_roc.plot([], [], **MARKER)[0]
        a["pr_point"] = ax_pr.plot([], [], **MARKER)[0]
        a["roc_title"] = ax_roc.set_title("ROC\nAUC")
        a["pr_title"] = ax_pr.set_title("PR\n(random)")  # two lines: room for the moving title
        metric_plots.legend_below(ax_roc, ncol=1, handlelength=1.6)  # the PR panel's lines are the same
        # The confusion matrix: shading by row share (stable), counts as text.
        a["cm_image"] = ax_cm.imshow(np.eye(2), cmap="Blues", vmin=0, vmax=1)
        a["cm_texts"] = [[ax_cm.text(j, i, "", ha="center", va="center", fontsize=14) for j in range(2)]
                         for i in range(2)]
        ax_cm.set_xticks([0, 1], ["neg.", "pos."])
        ax_cm.set_yticks([0, 1], ["neg.", "pos."])
        ax_cm.set_xlabel("predicted class")
        ax_cm.set_ylabel("true class")
        ax_cm.grid(False)
        ax_cm.set_title("confusion matrix\n(shade: row share)")
        # The model's metrics at the threshold, against the always-negative accuracy.
        colors = [metric_plots.METRIC_COLORS[m] for m in BAR_METRICS]
        a["bars"] = list(ax_bars.bar(range(4), [0.5] * 4, color=colors, width=0.65))
        a["bar_texts"] = [ax_bars.text(i, 0, "", ha="center", va="bottom", fontsize=13) for i in range(4)]
        a["baseline"] = ax_bars.axhline(0.5, color="k", ls="--", lw=2, label="accuracy of always-negative")
        ax_bars.set_xticks(range(4), ["acc", "prec", "rec", "F1"])
        ax_bars.set_ylim(0, 1.15)
        ax_bars.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        ax_bars.set_title("the model at\nthis threshold")
        metric_plots.legend_below(ax_bars, ncol=1, offset_points=26)
        a["readout"] = fig.suptitle("prevalence", fontsize=13, family="monospace", fontweight="normal")
        self.artists = a
        self.axes = {"roc": ax_roc, "pr": ax_pr, "cm": ax_cm, "bars": ax_bars}
        moving = [v for k, v in a.items() if k not in ("cm_texts", "bars", "bar_texts")]
        moving += [t for row in a["cm_texts"] for t in row] + a["bars"] + a["bar_texts"]
        self.live_figure = LiveFigure(fig, moving)
        self.figure = fig

    def measure(self, separation: float, prevalence: float, threshold: float) -> dict[str, Any]:
        """Counts and metrics at (separation, prevalence, threshold), without drawing."""
        c = self.curves(separation, prevalence)
        r = rates(*_counts_from_sorted(c["positive_scores"], c["negative_scores"], threshold))
        base_accuracy = 1 - float(prevalence)
        state = {"separation": float(separation), "prevalence": float(prevalence),
                 "threshold": float(threshold), **r, "roc_auc": c["roc_auc"],
                 "average_precision": c["average_precision"],
                 "always_negative_accuracy": base_accuracy,
                 "confusion_matrix": np.array([[r["tn"], r["fp"]], [r["fn"], r["tp"]]]),
                 "num_positives": len(c["positive_scores"]), "num_negatives": len(c["negative_scores"])}
        return state

    def update(self, separation: float, prevalence: float, threshold: float) -> dict[str, Any]:
        """Counts, metrics and curves at the controls' values; moves every artist. Returns the state."""
        state = self.measure(separation, prevalence, threshold)
        c, ref, r = self.curves(separation, prevalence), self.curves(separation, 0.5), state
        a = self.artists
        a["roc"].set_data(c["fpr"], c["tpr"])
        a["roc_ref"].set_data(ref["fpr"], ref["tpr"])
        a["pr"].set_data(c["recall"], c["precision"])
        a["pr_ref"].set_data(ref["recall"], ref["precision"])
        a["pr_base"].set_ydata([prevalence, prevalence])
        a["roc_point"].set_data([r["fpr"]], [r["recall"]])
        defined = not np.isnan(r["precision"])
        a["pr_point"].set_data([r["recall"]] if defined else [], [r["precision"]] if defined else [])
        a["roc_title"].set_text(f"ROC\nAUC {c['roc_auc']:.3f}")
        a["pr_title"].set_text(f"PR: AP {c['average_precision']:.3f}\n(random: {prevalence:g})")
        cm = state["confusion_matrix"]
        share = cm / cm.sum(axis=1, keepdims=True)
        a["cm_image"].set_data(share)
        names = (("TN", "FP"), ("FN", "TP"))
        for i in range(2):
            for j in range(2):
                a["cm_texts"][i][j].set_text(f"{names[i][j]}\n{cm[i, j]:,}")
                a["cm_texts"][i][j].set_color("white" if share[i, j] > 0.6 else "black")
        for k, name in enumerate(BAR_METRICS):
            value = r[name]
            a["bars"][k].set_height(0.0 if np.isnan(value) else value)
            a["bar_texts"][k].set_position((k, (0.0 if np.isnan(value) else value) + 0.02))
            a["bar_texts"][k].set_text("0/0" if np.isnan(value) else f"{value:.2f}")
        a["baseline"].set_ydata([state["always_negative_accuracy"]] * 2)
        a["readout"].set_text(f"prevalence {prevalence:g}: {state['num_positives']:,} positives, "
                              f"{state['num_negatives']:,} negatives · separation {separation:g} · "
                              f"threshold {threshold:.2f}")
        self.state = state
        return state

    def render(self) -> bytes:
        """The picture at the current values."""
        return self.live_figure.png(self.compress_level)


MARKER = {"marker": "o", "ms": 12, "color": "k", "mfc": style.OKABE_ITO["yellow"], "mew": 2, "zorder": 5}
