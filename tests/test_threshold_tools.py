"""Threshold explorer (widget without a browser), operating points, imbalance helpers, metric plots."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sklearn.metrics as skm

from course_lib import imbalance, metric_plots, metrics, operating_point
from course_lib.threshold_explorer import ThresholdExplorer


@pytest.fixture(scope="module")
def scores():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 300)
    y_score = 1 / (1 + np.exp(-(rng.normal(size=300) + 1.5 * y_true)))
    return y_true, y_score


@pytest.fixture(scope="module")
def explorer(scores):
    return ThresholdExplorer(*scores)


@pytest.mark.parametrize("threshold", [0.0, 0.27, 0.5, 0.83, 1.0])
def test_slider_updates_confusion_matrix_and_plotted_points(explorer, scores, threshold):
    y_true, y_score = scores
    assert explorer.slider.description == "threshold"
    explorer.slider.value = threshold
    state = explorer.state
    expected = skm.confusion_matrix(y_true, y_score >= threshold, labels=[0, 1])
    np.testing.assert_array_equal(state["confusion_matrix"], expected)
    tn, fp, fn, tp = expected.ravel()
    assert state["threshold"] == threshold
    assert state["roc_point"] == pytest.approx((fp / (fp + tn), tp / (tp + fn)))
    x, y = explorer.artists["roc_point"].get_data()
    assert (x[0], y[0]) == pytest.approx(state["roc_point"])
    assert explorer.artists["hist_line"].get_xdata()[0] == threshold
    assert f"<b>{tp}</b>" in explorer.table.value and f"<b>{tn}</b>" in explorer.table.value
    readout = explorer.artists["readout"].get_text()  # the picture alone shows the counts too
    assert f"TP {tp}  FN {fn}  FP {fp}  TN {tn}" in readout and f"threshold {threshold:.2f}" in readout
    if tp + fp:
        x, y = explorer.artists["pr_point"].get_data()
        assert (x[0], y[0]) == pytest.approx((tp / (tp + fn), tp / (tp + fp)))
    else:  # nobody predicted positive: precision undefined, no PR point, the table says so
        assert len(explorer.artists["pr_point"].get_data()[0]) == 0
        assert "undefined" in explorer.table.value
        assert "precision undefined (0/0)" in readout
    assert explorer.png.startswith(b"\x89PNG") and not explorer.errors


def test_slider_only_redraws_on_cached_scores(explorer, scores):
    before = len(explorer.redraw_seconds)
    sweep_before = explorer.sweep
    for value in (0.1, 0.2, 0.3):
        explorer.slider.value = value
    assert len(explorer.redraw_seconds) == before + 3
    assert explorer.sweep is sweep_before and explorer.y_score is not None


def test_explorer_takes_logits_and_rejects_one_class():
    y_true = np.array([0, 1, 1, 0, 1])
    explorer = ThresholdExplorer(y_true, np.array([-3.0, 2.0, 0.5, -1.0, 4.0]), threshold=0.0)
    assert explorer.slider.min == -3.0 and explorer.slider.max == 4.0
    assert explorer.state["tp"] == 3 and explorer.state["fp"] == 0
    with pytest.raises(ValueError, match="both classes"):
        ThresholdExplorer(np.ones(4, dtype=int), np.linspace(0, 1, 4))
    with pytest.raises(ValueError, match="same length"):
        ThresholdExplorer(y_true, np.linspace(0, 1, 4))
    with pytest.raises(TypeError, match="threshold must be a number"):
        ThresholdExplorer(y_true, np.linspace(0, 1, 5), threshold="0.5")
    with pytest.raises(ValueError, match="bins"):
        ThresholdExplorer(y_true, np.linspace(0, 1, 5), bins=0)


def test_operating_point_rules_match_brute_force(scores):
    y_true, y_score = scores
    candidates = np.r_[np.inf, np.unique(y_score)[::-1]]
    f1 = [skm.f1_score(y_true, y_score >= t, zero_division=0) for t in candidates]
    best = operating_point.choose_threshold(y_true, y_score, "max_f1")
    assert skm.f1_score(y_true, y_score >= best) == pytest.approx(max(f1))
    t = operating_point.choose_threshold(y_true, y_score, "recall", target_recall=0.9)
    assert skm.recall_score(y_true, y_score >= t) >= 0.9
    higher = candidates[candidates > t]
    assert all(skm.recall_score(y_true, y_score >= h) < 0.9 for h in higher)
    t = operating_point.choose_threshold(y_true, y_score, "cost", cost_fp=1, cost_fn=5)
    costs = [operating_point.total_cost(y_true, (y_score >= c).astype(int), cost_fp=1, cost_fn=5)
             for c in candidates]
    assert operating_point.total_cost(y_true, (y_score >= t).astype(int), cost_fp=1,
                                      cost_fn=5) == min(costs)
    assert operating_point.report_at(y_true, y_score, t)["recall"] > 0.8  # misses are expensive


def test_operating_point_bad_input():
    with pytest.raises(ValueError, match="rule must be one of"):
        operating_point.choose_threshold([0, 1], [0.1, 0.9], "best")
    with pytest.raises(ValueError, match="target_recall"):
        operating_point.choose_threshold([0, 1], [0.1, 0.9], "recall", target_recall=1.5)
    with pytest.raises(ValueError, match="cost_fn"):
        operating_point.choose_threshold([0, 1], [0.1, 0.9], "cost", cost_fn=-1)


def test_imbalance_data_have_the_asked_prevalence():
    X, y = imbalance.make_data(0.05, num_positives=40, seed=0)
    assert y.sum() == 40 and len(y) == 800 and X.shape == (800, 8)
    y_true, y_score = imbalance.binormal_scores(0.2, num_positives=100, seed=0)
    assert y_true.mean() == pytest.approx(0.2)
    with pytest.raises(ValueError, match="prevalence"):
        imbalance.make_data(0.0)
    with pytest.raises(ValueError, match="num_positives"):
        imbalance.binormal_scores(0.1, num_positives=0)


def test_prevalence_explorer_retrains_once_per_value():
    explorer = imbalance.PrevalenceExplorer(prevalences=(0.5, 0.05), value=0.5)
    explorer.redraw()
    assert explorer.controls["prevalence"].description == "prevalence"
    assert explorer.controls["prevalence"].continuous_update is False
    explorer.slider.value = 0.05
    assert explorer.state["prevalence"] == 0.05 and explorer.results.misses == 2
    assert explorer.state["always_negative"]["accuracy"] == pytest.approx(0.95)
    explorer.slider.value = 0.5
    assert explorer.results.misses == 2 and explorer.results.hits == 1 and not explorer.errors
    plt.close("all")


def test_metric_plots_draw_and_check_input(scores):
    y_true, y_score = scores
    cm = metrics.confusion_matrix(y_true, metrics.apply_threshold(y_score, 0.5))
    ax = metric_plots.plot_confusion_matrix(cm, ["neg", "pos"])
    assert [t.get_text().split("\n")[0] for t in ax.texts] == ["TN", "FP", "FN", "TP"]
    precision, recall, _ = metrics.precision_recall_curve(y_true, y_score)
    line = metric_plots.plot_pr(precision, recall, prevalence=0.5).lines[0]
    assert line.get_drawstyle() == "steps-post"  # a staircase, never linear interpolation (E19)
    edges, neg, pos = metric_plots.score_histograms(y_true, y_score, bins=10)
    assert np.sum(neg * np.diff(edges)) == pytest.approx(1)
    assert np.sum(pos * np.diff(edges)) == pytest.approx(1)
    with pytest.raises(ValueError, match="square"):
        metric_plots.plot_confusion_matrix(np.ones((2, 3)))
    with pytest.raises(ValueError, match="labels must have 2"):
        metric_plots.plot_confusion_matrix(cm, ["a"])
    plt.close("all")


def _inside(inner, outer) -> bool:
    """Whether the display box ``inner`` lies within ``outer`` (1 px slack)."""
    return (inner.x0 >= outer.x0 - 1 and inner.x1 <= outer.x1 + 1
            and inner.y0 >= outer.y0 - 1 and inner.y1 <= outer.y1 + 1)


def test_legends_sit_outside_the_data_axes(explorer):
    fig = explorer.figure
    renderer = fig.canvas.get_renderer()
    for name in ("hist", "sweep"):
        ax = explorer.axes[name]
        legend = ax.get_legend().get_window_extent(renderer)
        assert legend.y1 < ax.get_window_extent(renderer).y0  # entirely below the axes
        assert _inside(legend, fig.bbox)  # and still in the figure
    labels = [t.get_text() for t in explorer.axes["hist"].get_legend().get_texts()]
    assert any("predicted positive" in label for label in labels)  # the grey band is explained


def test_zoom_inset_magnifies_the_lines_and_checks_limits():
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 0.01, 0.02, 1], [0, 0.9, 0.95, 1], "o-", color="C3")
    ax.axhline(0.5)  # in axes coordinates along x: not copied
    inset = metric_plots.zoom_inset(ax, (0, 0.05), (0.8, 1.0), title="zoom")
    assert len(inset.get_lines()) == 1 and inset.get_lines()[0].get_marker() == "o"
    assert inset.get_xlim() == (0, 0.05) and inset.get_ylim() == (0.8, 1.0)
    with pytest.raises(ValueError, match="xlim"):
        metric_plots.zoom_inset(ax, (0.05, 0), (0.8, 1.0))
    with pytest.raises(ValueError, match="ncol"):
        metric_plots.legend_below(ax, ncol=0)
    plt.close(fig)


def test_prevalence_sweep_plot_has_ticks_at_the_prevalences():
    results = [{"prevalence": p, "roc_auc": 0.9, "average_precision": 0.9 * p ** 0.3}
               for p in imbalance.PREVALENCES]
    ax = imbalance.plot_prevalence_sweep(results)
    np.testing.assert_allclose(sorted(ax.get_xticks()), sorted(imbalance.PREVALENCES))
    assert ax.get_ylabel() and ax.get_title() and len(ax.get_legend().get_texts()) == 3
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 < ax.get_window_extent().y0
    with pytest.raises(ValueError, match="results"):
        imbalance.plot_prevalence_sweep([])
    plt.close("all")


def test_hand_sweep_figure_puts_the_hand_points_on_the_library_curves():
    y = np.array([0, 0, 1, 1, 0, 1, 1, 0, 1, 1])
    s = np.array([0.1, 0.35, 0.4, 0.8, 0.2, 0.9, 0.7, 0.6, 0.65, 0.95])
    tp = ((s >= 0.5) & (y == 1)).sum()
    fp = ((s >= 0.5) & (y == 0)).sum()
    fig = metric_plots.plot_hand_sweep(y, s, [fp / 4], [tp / 6], [tp / (tp + fp)], max_fpr=0.5, min_rate=0.5)
    ax_roc, ax_pr = fig.axes[:2]
    fpr, tpr, _ = metrics.roc_curve(y, s)
    assert any(len(line.get_xdata()) == len(fpr) and np.allclose(line.get_xdata(), fpr)
               for line in ax_roc.get_lines())
    assert (fp / 4, tp / 6) in {(x, yy) for x, yy in zip(fpr, tpr, strict=True)}
    assert ax_roc.get_title() == "ROC curve" and ax_pr.get_title() == "PR curve (a staircase)"
    assert ax_roc.child_axes[0].get_title() == "zoom: FPR ≤ 0.5, recall ≥ 0.5"
    plt.close(fig)


def test_curves_by_prevalence_draw_one_roc_and_one_pr_curve_per_prevalence():
    scores = {p: imbalance.binormal_scores(p, num_positives=200, seed=0) for p in (0.5, 0.1)}
    fig = metric_plots.plot_curves_by_prevalence(scores)
    ax_roc, ax_pr = fig.axes[:2]
    fpr, tpr, _ = metrics.roc_curve(*scores[0.1])
    assert any(len(line.get_xdata()) == len(fpr) and np.allclose(line.get_xdata(), fpr)
               for line in ax_roc.get_lines())
    baselines = sorted(line.get_ydata()[0] for line in ax_pr.get_lines() if line.get_linestyle() == ":")
    assert baselines == pytest.approx([0.1, 0.5])
    assert ax_pr.get_title().startswith("PR: falls")
    plt.close(fig)
