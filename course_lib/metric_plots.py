"""Figures of notebook 02: confusion matrices, ROC and PR curves, score histograms, metric sweeps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.transforms import ScaledTranslation

from . import metrics
from .checks import as_array, check_choice, check_labels, check_positive, check_same_length, checked
from .metrics import as_labels, as_scores
from .plots import CLASS_COLORS

METRIC_COLORS = {"accuracy": "0.35", "precision": "C2", "recall": "C3", "f1": "C4", "fpr": "C1"}
METRIC_LABELS = {"accuracy": "accuracy", "precision": "precision", "recall": "recall (TPR)",
                 "f1": "F1", "fpr": "FPR"}


def _axes(ax):
    """``ax`` or a fresh one."""
    if ax is None:
        _, ax = plt.subplots()
    return ax


@checked
def plot_confusion_matrix(cm: Any, labels: Sequence | None = None, ax=None, *,
                          title: str | None = None, cell_names: bool | None = None,
                          normalize_rows: bool = False, fontsize: float = 12):
    """A confusion matrix as a heatmap, rows = true class, columns = predicted (scikit-learn's layout).

    For a 2x2 matrix the cells are also named TN, FP, FN, TP. ``normalize_rows`` colours each row
    by its share of the true class (the diagonal is then each class's recall).
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square matrix, got shape {cm.shape}")
    ax = _axes(ax)
    n = cm.shape[0]
    labels = list(range(n)) if labels is None else list(labels)
    if len(labels) != n:
        raise ValueError(f"labels must have {n} entries for a {n}x{n} matrix, got {len(labels)}")
    cell_names = n == 2 if cell_names is None else cell_names
    rows = cm.sum(1, keepdims=True)
    shade = np.divide(cm, rows, out=np.zeros(cm.shape), where=rows > 0) if normalize_rows else cm
    ax.imshow(shade, cmap="Blues", vmin=0, vmax=shade.max() or 1)
    names = np.array([["TN", "FP"], ["FN", "TP"]])
    for i in range(n):
        for j in range(n):
            dark = shade[i, j] > 0.6 * (shade.max() or 1)
            text = f"{names[i, j]}\n{cm[i, j]}" if cell_names else f"{cm[i, j]}"
            ax.text(j, i, text, ha="center", va="center", fontsize=fontsize,
                    color="white" if dark else "black")
    ax.set_xticks(range(n), labels)
    ax.set_yticks(range(n), labels)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


@checked
def plot_roc(fpr: Any, tpr: Any, ax=None, *, label: str | None = None, color: str | None = None,
             chance: bool = True, **kwargs):
    """A ROC curve (TPR against FPR), with the diagonal of a random ranking."""
    check_same_length("fpr", as_array("fpr", fpr), "tpr", as_array("tpr", tpr))
    ax = _axes(ax)
    if chance:
        ax.plot([0, 1], [0, 1], ls=":", color="0.5", lw=1.2, label="random ranking (AUC 0.5)")
    ax.plot(fpr, tpr, color=color, label=label, **kwargs)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("false positive rate (FPR)")
    ax.set_ylabel("true positive rate (recall)")
    return ax


@checked
def plot_pr(precision: Any, recall: Any, ax=None, *, label: str | None = None,
            color: str | None = None, prevalence: float | None = None, **kwargs):
    """A precision-recall curve drawn as the staircase it is (never linear interpolation, E19).

    ``prevalence`` adds the baseline of a random ranking: precision = fraction of positives.
    """
    check_same_length("precision", as_array("precision", precision), "recall", as_array("recall", recall))
    ax = _axes(ax)
    ax.plot(recall, precision, drawstyle="steps-post", color=color, label=label, **kwargs)
    if prevalence is not None:
        ax.axhline(prevalence, ls=":", color="0.5", lw=1.2,
                   label=f"random ranking (prevalence {prevalence:.2g})")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    return ax


@checked
def score_histograms(y_true: Any, y_score: Any, bins: int = 30, value_range=None):
    """(edges, density of negatives, density of positives): each class's histogram integrates to 1."""
    check_labels("y_true", as_labels("y_true", y_true), "binary")
    check_same_length("y_true", as_labels("y_true", y_true), "y_score", as_scores("y_score", y_score))
    y_true = metrics.as_labels("y_true", y_true)
    y_score = metrics.as_scores("y_score", y_score)
    value_range = value_range or (float(y_score.min()), float(y_score.max()) + 1e-12)
    edges = np.histogram_bin_edges(y_score, bins=bins, range=value_range)
    dens = [np.histogram(y_score[y_true == c], bins=edges, density=bool(np.any(y_true == c)))[0]
            for c in (0, 1)]
    return edges, dens[0], dens[1]


@checked
def plot_score_histograms(y_true: Any, y_score: Any, ax=None, *, bins: int = 30, value_range=None,
                          class_names: Sequence[str] = ("negative", "positive")):
    """The score distribution of each class (each normalised, so a rare class stays visible)."""
    check_labels("y_true", as_labels("y_true", y_true), "binary")
    check_same_length("y_true", as_labels("y_true", y_true), "y_score", as_scores("y_score", y_score))
    ax = _axes(ax)
    edges, neg, pos = score_histograms(y_true, y_score, bins, value_range)
    for density, color, name in zip((neg, pos), CLASS_COLORS, class_names, strict=True):
        ax.stairs(density, edges, fill=True, alpha=0.45, color=color, label=name)
    ax.set_xlabel("score")
    ax.set_ylabel("density (per class)")
    return ax


@checked
def plot_metric_sweep(sweep: Mapping[str, np.ndarray], ax=None, *,
                      names: Sequence[str] = ("accuracy", "precision", "recall", "f1", "fpr")):
    """Metrics against the threshold, from ``metrics.sweep_thresholds``."""
    for n in names:
        check_choice("names", n, list(sweep))
    ax = _axes(ax)
    for name in names:
        ax.plot(sweep["threshold"], sweep[name], color=METRIC_COLORS[name], label=METRIC_LABELS[name],
                lw=1.8)
    ax.set_xlabel("threshold")
    ax.set_ylim(-0.02, 1.02)
    return ax


@checked
def legend_below(ax, *, ncol: int = 2, fontsize: float = 10, offset_points: float = 34, handles=None,
                 **kwargs):
    """A legend centred under the axes (below the x label), so that it never covers data.

    ``offset_points`` is how far below the axes' bottom edge it starts (tick labels and x label
    fit in ~34 points with the course style). Constrained layout makes room for it.
    """
    check_positive("ncol", ncol, integer=True)
    transform = ax.transAxes + ScaledTranslation(0, -offset_points / 72, ax.figure.dpi_scale_trans)
    extra = {} if handles is None else {"handles": handles}
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=transform, ncol=ncol,
                     fontsize=fontsize, frameon=False, **extra, **kwargs)


@checked
def zoom_inset(ax, xlim: tuple[float, float], ylim: tuple[float, float], *,
               bounds: tuple[float, float, float, float] = (0.4, 0.1, 0.55, 0.55), title: str | None = None):
    """An inset magnifying the box ``xlim`` x ``ylim`` of ``ax``: its data lines are drawn again there.

    ``bounds`` = (x0, y0, width, height) of the inset in axes fractions; the magnified box is
    outlined on ``ax`` and joined to the inset. Returns the inset's axes.
    """
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        if len(lim) != 2 or not lim[0] < lim[1]:
            raise ValueError(f"{name} must be (low, high) with low < high, got {lim!r}")
    inset = ax.inset_axes(bounds)
    for line in ax.get_lines():
        if line.get_transform() is not ax.transData:  # axhline/axvline: partly in axes coordinates
            continue
        inset.plot(line.get_xdata(), line.get_ydata(), color=line.get_color(), ls=line.get_linestyle(),
                   lw=line.get_linewidth(), marker=line.get_marker(), ms=line.get_markersize(),
                   drawstyle=line.get_drawstyle(), zorder=line.get_zorder())
    inset.set_xlim(*xlim)
    inset.set_ylim(*ylim)
    inset.tick_params(labelsize=9)
    if title:
        inset.set_title(title, fontsize=9)
    ax.indicate_inset_zoom(inset, edgecolor="0.3")
    return inset


@checked
def plot_hand_sweep(y_true: Any, y_score: Any, hand_fpr: Sequence[float], hand_tpr: Sequence[float],
                    hand_precision: Sequence[float], *, hand_label: str = "thresholds by hand",
                    max_fpr: float = 0.05, min_rate: float = 0.8):
    """ROC and PR curves at every unique score, the hand-swept points on top, each with a zoom inset.

    The insets magnify FPR <= ``max_fpr`` and recall/precision >= ``min_rate``, where a good
    classifier's points crowd.
    """
    for n in ("hand_fpr", "hand_tpr", "hand_precision"):
        check_same_length("hand_fpr", as_array("hand_fpr", hand_fpr, finite=False), n,
                      as_array(n, locals()[n], finite=False))
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
    precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
    fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(11, 4.3), layout="constrained")
    plot_roc(fpr, tpr, ax_roc, label="every unique score (library)", color="C0")
    ax_roc.plot(hand_fpr, hand_tpr, "o", color="C3", ms=7, label=hand_label)
    zoom_inset(ax_roc, (-0.002, max_fpr), (min_rate, 1.005), bounds=(0.38, 0.1, 0.58, 0.58),
               title=f"zoom: FPR ≤ {max_fpr:g}, recall ≥ {min_rate:g}")
    ax_roc.set_title("ROC curve")
    plot_pr(precision, recall, ax_pr, label="every unique score (library)", color="C0",
            prevalence=float(np.mean(np.asarray(y_true))))
    ax_pr.plot(hand_tpr, hand_precision, "o", color="C3", ms=7, label=hand_label)
    zoom_inset(ax_pr, (min_rate, 1.005), (min_rate, 1.005), bounds=(0.08, 0.22, 0.58, 0.58),
               title=f"zoom: recall ≥ {min_rate:g}, precision ≥ {min_rate:g}")
    ax_pr.set_title("PR curve (a staircase)")
    for ax in (ax_roc, ax_pr):
        legend_below(ax, ncol=1)
    return fig


@checked
def plot_curves_by_prevalence(scores: Mapping[float, tuple[Any, Any]]):
    """ROC (left) and PR (right) curves of (y_true, y_score) keyed by prevalence; PR baselines dotted."""
    fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    for i, (p, (y_true, y_score)) in enumerate(scores.items()):
        color = f"C{(0, 2, 3, 1, 4)[i % 5]}"
        fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
        plot_roc(fpr, tpr, ax_roc, color=color, label=f"prevalence {p:g}", chance=i == 0)
        precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
        plot_pr(precision, recall, ax_pr, color=color, label=f"prevalence {p:g}")
        ax_pr.axhline(p, ls=":", color=color, lw=1.2)
    legend_below(ax_roc, ncol=2)
    legend_below(ax_pr, ncol=3)
    ax_roc.set_title("ROC: the same curve at every prevalence")
    ax_pr.set_title("PR: falls with the prevalence (dotted: baselines)")
    return fig
