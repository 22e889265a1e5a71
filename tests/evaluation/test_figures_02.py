"""Every figure notebook 02 shows obeys the projector style: column-wide, text >= 11 pt, titled panels,
legends off the data (``style.check_figure``), and stays column-wide once cropped as the notebook shows it."""

import io
import struct

import numpy as np
import pytest

from course_lib import metrics, style
from course_lib.evaluation import imbalance, metric_choice, metric_plots, operating_point
from course_lib.evaluation.threshold_explorer import ThresholdExplorer

MIN_PX, MAX_PX = 780, int(style.MAX_WIDTH_IN * style.DPI) + 40  # as test_notebook_conventions.py


def _png_width(fig, tight: bool = True) -> int:
    """The width of ``fig`` as the inline backend stores it (bbox 'tight')."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight" if tight else None)
    return struct.unpack(">I", buffer.getvalue()[16:20])[0]


def _png_bytes_width(png: bytes) -> int:
    return struct.unpack(">I", png[16:20])[0]


@pytest.fixture(scope="module")
def scores():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 200)
    return y_true, 1 / (1 + np.exp(-(1.2 * rng.normal(size=200) + 2.0 * y_true - 1.0)))


pytestmark = pytest.mark.usefixtures("course_style")  # conftest: the style, then figures closed


def _figures(scores):
    """Every figure function notebook 02 calls (a confusion matrix alone is only ever a panel of these)."""
    y, s = scores
    rng = np.random.default_rng(0)
    y10 = rng.integers(0, 10, 300)
    y10_pred = np.where(rng.random(300) < 0.9, y10, rng.integers(0, 10, 300))
    hand = [metrics.binary_report(y, metrics.apply_threshold(s, t)) for t in (0.9, 0.7, 0.5, 0.3)]
    yield "scores and confusion", metric_plots.plot_scores_and_confusion(y, s, 0.5, class_names=("a", "b"),
                                                                         title="test set")
    yield "multiclass", metric_plots.plot_multiclass(y10, y10_pred, title="digits")
    hand_fpr, hand_tpr, hand_precision = ([h[k] for h in hand] for k in ("fpr", "recall", "precision"))
    yield "hand sweep", metric_plots.plot_hand_sweep(y, s, hand_fpr, hand_tpr, hand_precision,
                                                     max_fpr=0.3, min_rate=0.6)
    weak = 0.5 * s ** 0.2 + 0.5 * rng.random(200)
    yield "model comparison", metric_plots.plot_model_comparison({"good": (y, s), "weak": (y, weak)})
    yield "which metric", metric_choice.plot_comparison()
    yield "cost choice", operating_point.plot_cost_choice(y, s, 5, class_names=("a", "b"))[0]


def test_every_figure_of_notebook_02_obeys_the_projector_style(scores):
    names = []
    for name, fig in _figures(scores):
        assert style.check_figure(fig) == [], name
        assert MIN_PX <= _png_width(fig) <= MAX_PX, f"{name}: {_png_width(fig)} px once cropped"
        names.append(name)
    assert len(names) == 6


def test_the_explorers_pictures_obey_the_projector_style(scores):
    y, s = scores
    threshold = ThresholdExplorer(y, s, class_names=("a", "b"))
    prevalence = imbalance.PrevalenceExplorer(num_positives=100)
    cost = operating_point.CostExplorer(y, s, ratios=(1, 5))
    for e in (threshold, prevalence, cost):
        assert style.check_figure(e.figure) == [], type(e).__name__
        e.redraw()
        assert MIN_PX <= _png_bytes_width(e.png) <= MAX_PX  # the PNG is shown uncropped


def test_precision_and_recall_never_differ_by_colour_alone():
    p, r = metric_plots.METRIC_STYLES["precision"], metric_plots.METRIC_STYLES["recall"]
    assert p["ls"] != r["ls"] and p["color"] != r["color"]
    assert {p["color"], r["color"]} <= set(style.PALETTE)
    styles = {(v["color"], str(v["ls"])) for v in metric_plots.METRIC_STYLES.values()}
    assert len({ls for _, ls in styles}) == len(styles)  # every metric has its own line style


def test_overlapping_histograms_stay_apart_without_mixing_colours(scores):
    y, s = scores
    ax = metric_plots.plot_score_histograms(y, s, bins=10)
    negatives, positives = ax.patches[:2]
    assert negatives.get_fill() and not positives.get_fill() and positives.get_hatch()
