"""The threshold explorer: one slider over fixed scores, everything that depends on the threshold live.

No retraining: the model's scores are computed once; moving the threshold only re-counts the
confusion matrix. The figure's fixed parts (histograms, curves, axes, labels) are drawn once; a
redraw draws only what moves (the threshold lines, the two points, the readout) over them and
encodes a PNG (``live_figure``). Works on ipywidgets 7.7.1 (Colab) and 8.x: a FloatSlider, an HTML
table and an Output showing the PNG. The PNG repeats the counts and metrics above its panels, so a
saved notebook (which keeps the picture but not the live HTML table) still shows them.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.patches import Patch, Rectangle

from .. import metrics, style
from ..checks import check_same_length, checked
from ..live_figure import LiveFigure, PngExplorer, new_figure
from . import metric_plots

GRID_POINTS = 401  # thresholds at which the metric-vs-threshold panel is computed
MARKER = {"marker": "o", "ms": 12, "color": "k", "mfc": style.OKABE_ITO["yellow"], "mew": 2, "zorder": 5}


def _fmt(value: float) -> str:
    """A metric for the table: 3 decimals, or 'undefined' for 0/0."""
    return "undefined (0/0)" if np.isnan(value) else f"{value:.3f}"


@checked
def _confusion_table_html(report: dict[str, float]) -> str:
    """The confusion matrix in the lecture's layout (positives first) with the metrics around it."""
    right, wrong = "#dbe9f6", "#fbe3d6"  # blue and vermillion tints
    cell = "padding:6px 12px;border:1px solid #bbb"

    def count(name: str, color: str) -> str:
        return f'<td style="{cell};background:{color}">{name}<br><b>{report[name.lower()]}</b></td>'

    return (
        '<table style="border-collapse:collapse;text-align:center;font-size:15px">'
        '<tr><td></td><th style="padding:4px 8px">predicted +</th>'
        '<th style="padding:4px 8px">predicted −</th><td></td></tr>'
        f'<tr><th style="padding:4px 8px">actual +</th>{count("TP", right)}{count("FN", wrong)}'
        f'<td style="padding:4px 8px">recall<br>{_fmt(report["recall"])}</td></tr>'
        f'<tr><th style="padding:4px 8px">actual −</th>{count("FP", wrong)}{count("TN", right)}'
        f'<td style="padding:4px 8px">FPR<br>{_fmt(report["fpr"])}</td></tr>'
        f'<tr><td></td><td style="padding:4px 8px">precision<br>{_fmt(report["precision"])}</td>'
        "<td></td><td></td></tr></table>"
        f'<p style="font-size:15px">accuracy <b>{_fmt(report["accuracy"])}</b> &nbsp; '
        f'F1 <b>{_fmt(report["f1"])}</b></p>'
    )


@checked(threshold="real")
def _readout_text(report: dict[str, float], threshold: float) -> str:
    """Two lines for the figure: the four counts at ``threshold``, then the metrics."""
    return (f"threshold {threshold:.2f}:  TP {report['tp']}  FN {report['fn']}  FP {report['fp']}  "
            f"TN {report['tn']}\nprecision {_fmt(report['precision'])}  recall {_fmt(report['recall'])}  "
            f"F1 {_fmt(report['f1'])}  FPR {_fmt(report['fpr'])}")


class ThresholdExplorer(PngExplorer):
    """A threshold slider over fixed scores: confusion matrix, metrics, histograms, ROC and PR points.

    ``state`` holds what the current threshold gives (counts, metrics, the two curve points),
    ``png`` the last picture, ``redraw_seconds`` the time of every redraw; tests and benchmarks set
    ``slider.value`` and read them.
    """

    @checked(threshold="unit")
    def __init__(self, y_true: Any, y_score: Any, *, threshold: float = 0.5, title: str | None = None,
                 bins: int = 30, height: float = 4.3,
                 class_names: tuple[str, str] = ("negative", "positive")):
        y_true = metrics.as_labels("y_true", y_true)
        y_score = metrics.as_scores("y_score", y_score)
        check_same_length("y_true", y_true, "y_score", y_score)
        positive = metrics.positive_mask(y_true)
        if positive.all() or not positive.any():
            raise ValueError("y_true must contain both classes to explore a threshold, got one class")
        self.y_true, self.y_score = positive.astype(np.int64), y_score
        probabilities = y_score.min() >= 0 and y_score.max() <= 1
        lo, hi = (0.0, 1.0) if probabilities else (float(y_score.min()), float(y_score.max()))
        self.range = (lo, hi)
        self.slider = W.FloatSlider(
            value=float(np.clip(threshold, lo, hi)), min=lo, max=hi, step=(hi - lo) / 100,
            description="threshold", continuous_update=True, readout_format=".2f",
            style={"description_width": "initial"}, layout=W.Layout(width="520px"),
        )
        self.controls = {"threshold": self.slider}
        self.table = self.panel = W.HTML(layout=W.Layout(width="340px"))
        self.sweep = metrics.sweep_thresholds(self.y_true, y_score, np.linspace(lo, hi, GRID_POINTS))
        self._build_figure(bins, height, class_names)
        self._build_widget(title, int(height * style.DPI) + 8)
        self.state = self.update(self.slider.value)

    # -------------------------------------------------------------------------------- figure
    def _build_figure(self, bins: int, height: float, class_names) -> None:
        """Draw the fixed parts once and create the moving artists."""
        fig = new_figure(height)
        ax_hist, ax_roc, ax_pr, ax_sweep = fig.subplots(1, 4)  # one row: fits a 1280×720 screen
        lo, hi = self.range
        y, s = self.y_true, self.y_score
        metric_plots.plot_score_histograms(y, s, ax_hist, bins=bins, value_range=(lo, hi),
                                           class_names=class_names)
        shaded = Patch(color="0.2", alpha=0.12, label="predicted positive")
        metric_plots.legend_below(ax_hist, ncol=1, handles=[*ax_hist.get_legend_handles_labels()[0], shaded])
        ax_hist.set_title("scores by class")
        fpr, tpr, _ = metrics.roc_curve(y, s)
        metric_plots.plot_roc(fpr, tpr, ax_roc, color=style.OKABE_ITO["blue"])
        ax_roc.set_title(f"ROC (AUC {metrics.auc(fpr, tpr):.3f})")
        ax_roc.set_xlabel("FPR")
        ax_roc.set_ylabel("recall (TPR)")
        precision, recall, _ = metrics.precision_recall_curve(y, s)
        metric_plots.plot_pr(precision, recall, ax_pr, color=style.OKABE_ITO["blue"],
                             prevalence=float(y.mean()))
        ax_pr.set_title(f"PR (AP {metrics.average_precision_score(y, s):.3f})")
        metric_plots.plot_metric_sweep(self.sweep, ax_sweep)
        ax_sweep.set_title("metrics vs threshold")
        metric_plots.legend_below(ax_sweep, ncol=2, columnspacing=0.8, handlelength=1.6)
        # The counts and metrics at the threshold, above the panels: the picture alone tells the story.
        readout = fig.suptitle("threshold\nprecision", fontsize=13, family="monospace", fontweight="normal")
        self.artists = {
            "hist_line": ax_hist.axvline(lo, color="k", lw=2.4),
            "hist_span": ax_hist.add_patch(Rectangle((lo, 0), hi - lo, 1, color="0.2", alpha=0.12,
                                                     transform=ax_hist.get_xaxis_transform(), lw=0)),
            "sweep_line": ax_sweep.axvline(lo, color="k", lw=2.4),
            "roc_point": ax_roc.plot([], [], **MARKER)[0],
            "pr_point": ax_pr.plot([], [], **MARKER)[0],
            "readout": readout,
        }
        self.axes = {"hist": ax_hist, "roc": ax_roc, "pr": ax_pr, "sweep": ax_sweep}
        self.live_figure = LiveFigure(fig, self.artists.values())
        self.figure = fig

    # -------------------------------------------------------------------------------- updates
    def update(self, threshold: float) -> dict[str, Any]:
        """Recount at ``threshold``, move the artists and refill the table; returns the state."""
        y_pred = metrics.apply_threshold(self.y_score, threshold)
        report = metrics.binary_report(self.y_true, y_pred)
        state = {
            "threshold": float(threshold),
            "confusion_matrix": metrics.confusion_matrix(self.y_true, y_pred, labels=[0, 1]),
            **report,
            "roc_point": (report["fpr"], report["recall"]),
            "pr_point": (report["recall"], report["precision"]),
        }
        hi = self.range[1]
        a = self.artists
        a["hist_line"].set_xdata([threshold, threshold])
        a["sweep_line"].set_xdata([threshold, threshold])
        a["hist_span"].set_x(threshold)
        a["hist_span"].set_width(max(hi - threshold, 0.0))
        a["roc_point"].set_data([report["fpr"]], [report["recall"]])
        defined = not np.isnan(report["precision"])  # no positive prediction: no PR point
        a["pr_point"].set_data([report["recall"]] if defined else [],
                               [report["precision"]] if defined else [])
        a["readout"].set_text(_readout_text(report, threshold))
        self.table.value = _confusion_table_html(report)
        self.state = state
        return state

    def render(self) -> bytes:
        """The picture at the current threshold."""
        return self.live_figure.png(self.compress_level)
