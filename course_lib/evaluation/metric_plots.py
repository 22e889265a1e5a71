"""Figures of notebook 02: confusion matrices, ROC and PR curves, score histograms, metric sweeps.

Every figure follows ``course_lib.style``: column-wide, text >= 11 pt, Okabe–Ito colours with a
line style per metric (precision and recall never differ by colour alone), and the two classes'
score histograms drawn as a light fill (negatives) and a hatched outline (positives), so that
where they overlap both stay visible instead of mixing into a third colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from .. import metrics, style
from ..checks import (
    as_array,
    check_choice,
    check_labels,
    check_positive,
    check_range,
    check_same_length,
    checked,
)
from ..metrics import as_labels, as_scores
from ..style import CLASS_COLORS, OKABE_ITO

# One colour and one line style per metric: readable in grey and for every colour-vision deficiency.
METRIC_STYLES = {
    "accuracy": {"color": "0.35", "ls": ":"},
    "precision": {"color": OKABE_ITO["blue"], "ls": "-"},
    "recall": {"color": OKABE_ITO["vermillion"], "ls": "--"},
    "f1": {"color": OKABE_ITO["black"], "ls": "-."},
    "fpr": {"color": OKABE_ITO["orange"], "ls": (0, (1, 1.5))},
}
METRIC_COLORS = {name: s["color"] for name, s in METRIC_STYLES.items()}
METRIC_LABELS = {"accuracy": "accuracy", "precision": "precision", "recall": "recall (TPR)",
                 "f1": "F1", "fpr": "FPR"}
# How each class's histogram is drawn: negatives a light fill, positives a hatched outline.
HISTOGRAM_STYLES = (
    {"fill": True, "alpha": 0.3, "color": CLASS_COLORS[0], "lw": 0},
    {"fill": False, "color": CLASS_COLORS[1], "hatch": "///", "lw": 2.0},
)
CHANCE = {"ls": ":", "color": "0.45", "lw": 1.6}


def _axes(ax):
    """``ax`` or a fresh column-wide one."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.2), layout="constrained")
    return ax


@checked
def plot_confusion_matrix(cm: Any, labels: Sequence | None = None, ax=None, *,
                          title: str | None = None, cell_names: bool | None = None,
                          normalize_rows: bool = False, fontsize: float = 13):
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
            ax.text(j, i, text, ha="center", va="center", fontsize=max(fontsize, style.MIN_FONT_PT),
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
        ax.plot([0, 1], [0, 1], **CHANCE, label="random ranking (AUC 0.5)")
    ax.plot(fpr, tpr, color=color, label=label, **kwargs)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("false positive rate (FPR)")
    ax.set_ylabel("true positive rate (recall)")
    return ax


@checked
def plot_pr(precision: Any, recall: Any, ax=None, *, label: str | None = None,
            color: str | None = None, prevalence: float | None = None, **kwargs):
    """A precision-recall curve drawn as the staircase it is (never linear interpolation).

    ``prevalence`` adds the baseline of a random ranking: precision = fraction of positives.
    """
    check_same_length("precision", as_array("precision", precision), "recall", as_array("recall", recall))
    ax = _axes(ax)
    ax.plot(recall, precision, drawstyle="steps-post", color=color, label=label, **kwargs)
    if prevalence is not None:
        ax.axhline(prevalence, **CHANCE, label=f"random ranking (prevalence {prevalence:.2g})")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    return ax


@checked
def score_histograms(y_true: Any, y_score: Any, bins: int = 30, value_range=None, *,
                     density: bool = True):
    """(edges, negatives, positives): each class's histogram; with ``density`` each integrates to 1."""
    check_labels("y_true", as_labels("y_true", y_true), "binary")
    check_same_length("y_true", as_labels("y_true", y_true), "y_score", as_scores("y_score", y_score))
    y_true = metrics.as_labels("y_true", y_true)
    y_score = metrics.as_scores("y_score", y_score)
    value_range = value_range or (float(y_score.min()), float(y_score.max()) + 1e-12)
    edges = np.histogram_bin_edges(y_score, bins=bins, range=value_range)
    hists = [np.histogram(y_score[y_true == c], bins=edges, density=density and bool(np.any(y_true == c)))[0]
             for c in (0, 1)]
    return edges, hists[0], hists[1]


@checked
def plot_score_histograms(y_true: Any, y_score: Any, ax=None, *, bins: int = 30, value_range=None,
                          class_names: Sequence[str] = ("negative", "positive"), density: bool = True):
    """The score distribution of each class: negatives filled, positives a hatched outline.

    With ``density`` each class is normalised (a rare class stays visible); otherwise counts.
    """
    check_labels("y_true", as_labels("y_true", y_true), "binary")
    check_same_length("y_true", as_labels("y_true", y_true), "y_score", as_scores("y_score", y_score))
    ax = _axes(ax)
    edges, neg, pos = score_histograms(y_true, y_score, bins, value_range, density=density)
    for hist, kwargs, name in zip((neg, pos), HISTOGRAM_STYLES, class_names, strict=True):
        ax.stairs(hist, edges, label=name, **kwargs)
    ax.set_xlabel("score")
    ax.set_ylabel("density (per class)" if density else "count")
    if not density:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: 5, 10, never 2.5
    return ax


@checked
def plot_metric_sweep(sweep: Mapping[str, np.ndarray], ax=None, *,
                      names: Sequence[str] = ("accuracy", "precision", "recall", "f1", "fpr")):
    """Metrics against the threshold, from ``metrics.sweep_thresholds``; one line style per metric."""
    for n in names:
        check_choice("names", n, list(sweep))
    ax = _axes(ax)
    for name in names:
        ax.plot(sweep["threshold"], sweep[name], label=METRIC_LABELS[name], lw=2.2, **METRIC_STYLES[name])
    ax.set_xlabel("threshold")
    ax.set_ylim(-0.02, 1.02)
    return ax


@checked
def legend_below(ax, *, ncol: int = 2, fontsize: float = 12, offset_points: float = 38, handles=None,
                 **kwargs):
    """A legend centred under the axes (below the x label), so that it never covers data.

    ``offset_points`` is how far below the axes' bottom edge it starts (tick labels and x label
    fit in ~38 points with the course style). Constrained layout makes room for it.
    """
    check_positive("ncol", ncol, integer=True)
    transform = ax.transAxes + ScaledTranslation(0, -offset_points / 72, ax.figure.dpi_scale_trans)
    extra = {} if handles is None else {"handles": handles}
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=transform, ncol=ncol,
                     fontsize=max(fontsize, style.MIN_FONT_PT), frameon=False, **extra, **kwargs)


@checked
def zoom_inset(ax, xlim: tuple[float, float], ylim: tuple[float, float], *,
               bounds: tuple[float, float, float, float] = (0.4, 0.1, 0.55, 0.55), title: str | None = None,
               inset=None):
    """An inset magnifying the box ``xlim`` x ``ylim`` of ``ax``: its data lines are drawn again there.

    ``bounds`` = (x0, y0, width, height) of the inset in axes fractions; or pass ``inset``, axes of
    their own (beside ``ax``, so that nothing of ``ax`` is covered). The magnified box is outlined
    on ``ax`` and joined to the inset. Returns the inset's axes.
    """
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        if len(lim) != 2 or not lim[0] < lim[1]:
            raise ValueError(f"{name} must be (low, high) with low < high, got {lim!r}")
    beside = inset is not None
    inset = ax.inset_axes(bounds) if inset is None else inset
    for line in ax.get_lines():
        if line.get_transform() is not ax.transData:  # axhline/axvline: partly in axes coordinates
            continue
        inset.plot(line.get_xdata(), line.get_ydata(), color=line.get_color(), ls=line.get_linestyle(),
                   lw=line.get_linewidth(), marker=line.get_marker(), ms=line.get_markersize(),
                   mfc=line.get_markerfacecolor(), mew=line.get_markeredgewidth(),
                   drawstyle=line.get_drawstyle(), zorder=line.get_zorder())
    inset.set_xlim(*xlim)
    inset.set_ylim(*ylim)
    inset.tick_params(labelsize=style.MIN_FONT_PT)
    inset.locator_params(nbins=3)
    if title and beside:
        inset.set_title(title)
    elif title:
        inset.set_title(title, fontsize=style.MIN_FONT_PT, fontweight="normal",  # lines pass behind it
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
    if beside:  # the box only: lines joining it to axes beside it would cross the data
        ax.indicate_inset((xlim[0], ylim[0], xlim[1] - xlim[0], ylim[1] - ylim[0]), edgecolor="0.3")
    else:
        ax.indicate_inset_zoom(inset, edgecolor="0.3")
    return inset


# Probabilities labelling the log-odds axis, far enough apart for their labels.
LOG_ODDS_TICKS = {1e-6: "10⁻⁶", 1e-4: "10⁻⁴", 0.01: "0.01", 0.5: "0.5", 0.99: "0.99", 1 - 1e-6: "1−10⁻⁶"}
SCALES = ("probability", "log-odds")


@checked
def log_odds(p: Any, *, eps: float = 1e-7) -> np.ndarray:
    """log(p / (1 - p)), with p clipped to [eps, 1 - eps] so that scores of exactly 0 or 1 stay finite."""
    check_range("eps", eps, 0.0, 0.5, inclusive=False)
    p = np.clip(np.asarray(as_scores("p", p), dtype=np.float64), eps, 1 - eps)
    return np.log(p / (1 - p))


@checked
def plot_scores_and_confusion(y_true: Any, y_score: Any, threshold: float = 0.5, *,
                              class_names: Sequence[str] = ("negative", "positive"), bins: int = 20,
                              title: str = "", scale: str = "probability"):
    """Each class's scores with the threshold (left) and the confusion matrix it gives (right).

    ``scale="log-odds"`` spreads the scores on a log-odds axis (labelled in probabilities), so
    that 0.005 and 0.05, one bin apart on a probability axis, lie far apart.
    """
    check_range("threshold", threshold, 0.0, 1.0)
    check_choice("scale", scale, SCALES)
    y_true = metrics.as_labels("y_true", y_true)
    y_pred = metrics.apply_threshold(y_score, threshold)
    fig, (ax_hist, ax_cm) = plt.subplots(1, 2, figsize=style.figsize(4.4), layout="constrained",
                                         width_ratios=(1.5, 1))
    shown, line, value_range = y_score, threshold, (0.0, 1.0)
    if scale == "log-odds":
        shown, line = log_odds(y_score), float(log_odds([threshold])[0])
        value_range = (float(np.floor(min(shown.min(), line))), float(np.ceil(max(shown.max(), line))) + 1e-9)
    plot_score_histograms(y_true, shown, ax_hist, bins=bins, value_range=value_range,
                          class_names=class_names, density=False)
    if scale == "log-odds":
        ticks = [p for p in LOG_ODDS_TICKS if value_range[0] <= log_odds([p])[0] <= value_range[1]]
        ax_hist.set_xticks(log_odds(ticks), [LOG_ODDS_TICKS[p] for p in ticks])
        ax_hist.set_xlabel("score (log-odds axis)")
    ax_hist.axvline(line, color="k", lw=2, label=f"threshold {threshold:g}")
    ax_hist.set_ylabel("number of cases")
    ax_hist.set_title(f"scores of each class{': ' + title if title else ''}")
    legend_below(ax_hist, ncol=3)
    cm = metrics.confusion_matrix(y_true, y_pred, labels=[0, 1])
    plot_confusion_matrix(cm, class_names, ax_cm, title=f"confusion matrix at {threshold:g}")
    return fig


@checked
def plot_multiclass(y_true: Any, y_pred: Any, *, title: str = ""):
    """The C x C confusion matrix (left) and each class's precision and recall (right)."""
    cm = metrics.confusion_matrix(y_true, y_pred)
    precision, recall, _, _ = metrics.precision_recall_fscore_support(y_true, y_pred, zero_division=0.0)
    fig, (ax_cm, ax_rates) = plt.subplots(1, 2, figsize=style.figsize(5.2), layout="constrained",
                                          width_ratios=(1.25, 1))
    plot_confusion_matrix(cm, ax=ax_cm, fontsize=11,
                          title=f"{title + ': ' if title else ''}true (rows) vs predicted")
    classes = np.arange(len(cm))
    ax_rates.plot(precision, classes, "o", ms=9, color=METRIC_COLORS["precision"], label="precision")
    ax_rates.plot(recall, classes, "s", ms=8, mfc="none", mew=2, color=METRIC_COLORS["recall"],
                  label="recall")
    ax_rates.set_yticks(classes)
    ax_rates.invert_yaxis()  # class 0 on top, as in the matrix
    ax_rates.set_ylabel("class")
    low = min(float(np.min(precision)), float(np.min(recall)))
    ax_rates.set_xlim(max(0.0, low - 0.05), 1.01)
    ax_rates.set_xlabel("per-class rate")
    ax_rates.set_title("each class's precision and recall")
    legend_below(ax_rates, ncol=2)
    return fig


@checked
def plot_hand_sweep(y_true: Any, y_score: Any, hand_fpr: Sequence[float], hand_tpr: Sequence[float],
                    hand_precision: Sequence[float], *, hand_label: str = "thresholds by hand",
                    max_fpr: float = 0.05, min_rate: float = 0.8):
    """ROC and PR curves at every unique score, the hand-swept points on top, each with a zoom inset.

    The zoom panels (beside each curve, covering none of it) magnify FPR <= ``max_fpr`` and
    recall/precision >= ``min_rate``, where a good classifier's points crowd.
    """
    for n in ("hand_fpr", "hand_tpr", "hand_precision"):
        check_same_length("hand_fpr", as_array("hand_fpr", hand_fpr, finite=False), n,
                          as_array(n, locals()[n], finite=False))
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
    precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
    fig, (ax_roc, zoom_roc, ax_pr, zoom_pr) = plt.subplots(
        1, 4, figsize=style.figsize(4.4), layout="constrained", width_ratios=(1, 0.75, 1, 0.75))
    hand = {"marker": "D", "ls": "none", "ms": 8, "mfc": "white", "mew": 2,
            "color": OKABE_ITO["vermillion"], "label": hand_label}
    plot_roc(fpr, tpr, ax_roc, label="every unique score (library)", color=OKABE_ITO["blue"])
    ax_roc.plot(hand_fpr, hand_tpr, **hand)
    zoom_inset(ax_roc, (-0.002, max_fpr), (min_rate, 1.005), inset=zoom_roc, title=f"zoom: FPR ≤ {max_fpr:g}")
    ax_roc.set_title("ROC curve")
    plot_pr(precision, recall, ax_pr, label="every unique score (library)", color=OKABE_ITO["blue"],
            prevalence=float(np.mean(np.asarray(y_true))))
    ax_pr.plot(hand_tpr, hand_precision, **hand)
    zoom_inset(ax_pr, (min_rate, 1.005), (min_rate, 1.005), inset=zoom_pr, title=f"zoom: both ≥ {min_rate:g}")
    ax_pr.set_title("PR curve (a staircase)")
    handles, labels = ax_pr.get_legend_handles_labels()
    roc_handles, roc_labels = ax_roc.get_legend_handles_labels()
    chance = roc_labels.index("random ranking (AUC 0.5)")
    fig.legend(handles + [roc_handles[chance]], labels + [roc_labels[chance]], loc="outside lower center",
               ncol=2, fontsize=12, frameon=False)
    return fig


@checked
def plot_model_comparison(models: Mapping[str, tuple[Any, Any]], *, title: str = ""):
    """ROC (left) and PR (right) curves of several models, (y_true, y_score) by name, on one pair of plots.

    Each legend entry carries the model's ROC AUC or average precision; each model keeps one
    colour and line style on both panels.
    """
    if not models:
        raise ValueError("models must map at least one name to (y_true, y_score), got none")
    fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=style.figsize(4.8), layout="constrained")
    series = style.SeriesColors(models)
    prevalences = set()
    for i, (name, (y_true, y_score)) in enumerate(models.items()):
        look = {"color": series(name), "ls": style.linestyle(i), "lw": 2.6}
        fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
        plot_roc(fpr, tpr, ax_roc, chance=i == 0,
                 label=f"{name}: AUC {metrics.roc_auc_score(y_true, y_score):.3f}", **look)
        precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
        plot_pr(precision, recall, ax_pr,
                label=f"{name}: AP {metrics.average_precision_score(y_true, y_score):.3f}", **look)
        prevalences.add(round(float(np.mean(metrics.as_labels("y_true", y_true))), 3))
    if len(prevalences) == 1:
        p = prevalences.pop()
        ax_pr.axhline(p, **CHANCE, label=f"random ranking (prevalence {p:.2g})")
    ax_roc.set_title(f"ROC{': ' + title if title else ''}")
    ax_pr.set_title(f"precision-recall{': ' + title if title else ''}")
    legend_below(ax_roc, ncol=1)
    legend_below(ax_pr, ncol=1)
    return fig
