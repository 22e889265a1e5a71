"""The threshold explorer: one slider over fixed scores, everything that depends on the threshold live.

No retraining: the model's scores are computed once; moving the threshold only re-counts the
confusion matrix. The figure's fixed parts (histograms, curves, axes, labels) are drawn once; a
redraw restores that picture and draws only what moves (the threshold lines and the two points),
then encodes a PNG ("blitting"). That costs a few milliseconds where rebuilding the whole figure
costs ~80 ms. Works on ipywidgets 7.7.1 (Colab) and 8.x: a FloatSlider, an HTML table and an
Output showing the PNG. The PNG repeats the counts and metrics above its panels, so a saved
notebook (which keeps the picture but not the live HTML table) still shows them.
"""

from __future__ import annotations

import io
import time
from numbers import Real
from typing import Any

import ipywidgets as W
import numpy as np
from IPython.display import Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from PIL import Image as PILImage

from . import metric_plots, metrics
from .checks import check_positive, check_same_length, check_type, checked
from .widgets import display_widget

GRID_POINTS = 401  # thresholds at which the metric-vs-threshold panel is computed


def _fmt(value: float) -> str:
    """A metric for the table: 3 decimals, or 'undefined' for 0/0."""
    return "undefined (0/0)" if np.isnan(value) else f"{value:.3f}"


@checked
def confusion_table_html(report: dict[str, float]) -> str:
    """The confusion matrix in the lecture's layout (positives first) with the metrics around it."""
    good, bad, cell = "#d5ecd5", "#f6d5d5", "padding:6px 12px;border:1px solid #bbb"

    def count(name: str, color: str) -> str:
        return f'<td style="{cell};background:{color}">{name}<br><b>{report[name.lower()]}</b></td>'

    return (
        '<table style="border-collapse:collapse;text-align:center;font-size:14px">'
        '<tr><td></td><th style="padding:4px 8px">predicted +</th>'
        '<th style="padding:4px 8px">predicted −</th><td></td></tr>'
        f'<tr><th style="padding:4px 8px">actual +</th>{count("TP", good)}{count("FN", bad)}'
        f'<td style="padding:4px 8px">recall<br>{_fmt(report["recall"])}</td></tr>'
        f'<tr><th style="padding:4px 8px">actual −</th>{count("FP", bad)}{count("TN", good)}'
        f'<td style="padding:4px 8px">FPR<br>{_fmt(report["fpr"])}</td></tr>'
        f'<tr><td></td><td style="padding:4px 8px">precision<br>{_fmt(report["precision"])}</td>'
        "<td></td><td></td></tr></table>"
        f'<p style="font-size:14px">accuracy <b>{_fmt(report["accuracy"])}</b> &nbsp; '
        f'F1 <b>{_fmt(report["f1"])}</b></p>'
    )


@checked(threshold="real")
def readout_text(report: dict[str, float], threshold: float) -> str:
    """Two lines for the figure: the four counts at ``threshold``, then the metrics."""
    return (f"threshold {threshold:.2f}:  TP {report['tp']}  FN {report['fn']}  FP {report['fp']}  "
            f"TN {report['tn']}\nprecision {_fmt(report['precision'])}  recall {_fmt(report['recall'])}  "
            f"F1 {_fmt(report['f1'])}  FPR {_fmt(report['fpr'])}")


class ThresholdExplorer:
    """A threshold slider over fixed scores: confusion matrix, metrics, histograms, ROC and PR points.

    ``state`` holds what the current threshold gives (counts, metrics, the two curve points),
    ``png`` the last picture, ``redraw_seconds`` the time of every redraw; tests and benchmarks set
    ``slider.value`` and read them.
    """

    @checked(threshold="unit")
    def __init__(self, y_true: Any, y_score: Any, *, threshold: float = 0.5, title: str | None = None,
                 bins: int = 30, figsize: tuple[float, float] = (8.4, 6.6),
                 class_names: tuple[str, str] = ("negative", "positive")):
        y_true = metrics.as_labels("y_true", y_true)
        y_score = metrics.as_scores("y_score", y_score)
        check_type("threshold", threshold, Real, "a number")
        check_positive("bins", bins, integer=True)
        check_same_length("y_true", y_true, "y_score", y_score)
        positive = metrics._positives(y_true, 1)
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
        self.table = W.HTML(layout=W.Layout(width="310px"))
        self.output = W.Output(layout=W.Layout(min_height=f"{int(figsize[1] * 72) + 8}px"))
        header = [W.HTML(f"<b>{title}</b>")] if title else []
        self.widget = W.VBox([*header, self.slider, W.HBox([self.table, self.output])])
        self.sweep = metrics.sweep_thresholds(self.y_true, y_score, np.linspace(lo, hi, GRID_POINTS))
        self.state: dict[str, Any] = {}
        self.errors: list[str] = []
        self.redraw_seconds: list[float] = []
        self.png: bytes | None = None
        self._build_figure(bins, figsize, class_names)
        self.slider.observe(self._on_change, names="value")
        self.update(self.slider.value)

    # -------------------------------------------------------------------------------- figure
    def _build_figure(self, bins: int, figsize: tuple[float, float], class_names) -> None:
        """Draw the fixed parts once and create the moving artists (animated: not in the background)."""
        fig = Figure(figsize=figsize, layout="constrained")
        FigureCanvasAgg(fig)
        (ax_hist, ax_roc), (ax_pr, ax_sweep) = fig.subplots(2, 2)
        lo, hi = self.range
        y, s = self.y_true, self.y_score
        metric_plots.plot_score_histograms(y, s, ax_hist, bins=bins, value_range=(lo, hi),
                                           class_names=class_names)
        shaded = Patch(color="0.2", alpha=0.12, label="predicted positive (score ≥ threshold)")
        metric_plots.legend_below(ax_hist, ncol=2, fontsize=9,
                                  handles=[*ax_hist.get_legend_handles_labels()[0], shaded])
        ax_hist.set_title("scores of each class")
        fpr, tpr, _ = metrics.roc_curve(y, s)
        metric_plots.plot_roc(fpr, tpr, ax_roc, color="C0")
        ax_roc.set_title(f"ROC curve (AUC {metrics.auc(fpr, tpr):.3f})")
        precision, recall, _ = metrics.precision_recall_curve(y, s)
        metric_plots.plot_pr(precision, recall, ax_pr, color="C0", prevalence=float(y.mean()))
        ax_pr.set_title(f"PR curve (AP {metrics.average_precision_score(y, s):.3f})")
        metric_plots.plot_metric_sweep(self.sweep, ax_sweep)
        ax_sweep.set_title("metrics vs threshold")
        metric_plots.legend_below(ax_sweep, ncol=3, fontsize=9)
        for ax in (ax_roc, ax_pr):
            ax.xaxis.label.set_size(11)
            ax.yaxis.label.set_size(11)
        # The counts and metrics at the threshold, above the panels: the picture alone tells the story.
        readout = fig.suptitle("threshold\nprecision", fontsize=11, family="monospace")

        marker = dict(marker="o", ms=10, color="k", mfc="gold", animated=True, zorder=5)
        self.artists = {
            "hist_line": ax_hist.axvline(lo, color="k", lw=2, animated=True),
            "hist_span": ax_hist.add_patch(Rectangle((lo, 0), hi - lo, 1, color="0.2", alpha=0.12,
                                                     transform=ax_hist.get_xaxis_transform(),
                                                     animated=True, lw=0)),
            "sweep_line": ax_sweep.axvline(lo, color="k", lw=2, animated=True),
            "roc_point": ax_roc.plot([], [], **marker)[0],
            "pr_point": ax_pr.plot([], [], **marker)[0],
            "readout": readout,
        }
        self.axes = {"hist": ax_hist, "roc": ax_roc, "pr": ax_pr, "sweep": ax_sweep}
        fig.canvas.draw()  # lays out once (constrained layout, room for the readout), then frozen
        fig.set_layout_engine("none")
        readout.set_animated(True)  # from now on drawn on each update, not in the background
        fig.canvas.draw()
        self._background = fig.canvas.copy_from_bbox(fig.bbox)
        self.figure = fig

    def _render(self) -> bytes:
        """Restore the fixed picture, draw the moving artists, encode a PNG."""
        canvas = self.figure.canvas
        canvas.restore_region(self._background)
        for artist in self.artists.values():
            self.figure.draw_artist(artist)
        rgb = np.asarray(canvas.buffer_rgba())[..., :3]
        buffer = io.BytesIO()
        PILImage.fromarray(rgb).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    # -------------------------------------------------------------------------------- updates
    def update(self, threshold: float) -> dict[str, Any]:
        """Recount at ``threshold``, move the artists, refill the table and re-render the PNG."""
        y_pred = metrics.apply_threshold(self.y_score, threshold)
        report = metrics.binary_report(self.y_true, y_pred)
        self.state = {
            "threshold": float(threshold),
            "confusion_matrix": metrics.confusion_matrix(self.y_true, y_pred, labels=[0, 1]),
            **report,
            "roc_point": (report["fpr"], report["recall"]),
            "pr_point": (report["recall"], report["precision"]),
        }
        lo, hi = self.range
        a = self.artists
        a["hist_line"].set_xdata([threshold, threshold])
        a["sweep_line"].set_xdata([threshold, threshold])
        a["hist_span"].set_x(threshold)
        a["hist_span"].set_width(max(hi - threshold, 0.0))
        a["roc_point"].set_data([report["fpr"]], [report["recall"]])
        defined = not np.isnan(report["precision"])  # no positive prediction: no PR point
        a["pr_point"].set_data([report["recall"]] if defined else [],
                               [report["precision"]] if defined else [])
        a["readout"].set_text(readout_text(report, threshold))
        self.table.value = confusion_table_html(report)
        self.png = self._render()
        return self.state

    def _on_change(self, change=None) -> None:
        """Slider moved: redraw."""
        self.redraw()

    def redraw(self) -> None:
        """Update for the slider's value and show the new picture; errors become a message."""
        start = time.perf_counter()
        with self.output:
            try:
                self.update(self.slider.value)
            except Exception as exc:  # show, never break the widget
                self.errors.append(f"{type(exc).__name__}: {exc}")
                self.table.value = f"<p>Could not draw this threshold: {type(exc).__name__}: {exc}</p>"
                return
            self.output.clear_output(wait=True)
            display(Image(data=self.png, format="png"))
        self.redraw_seconds.append(time.perf_counter() - start)

    def show(self) -> None:
        """Draw once and display the widget."""
        self.redraw()
        display_widget(self.widget)

    def _ipython_display_(self) -> None:
        """Display as the widget."""
        self.show()
