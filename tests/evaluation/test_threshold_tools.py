"""Notebook 02's widgets moved without a browser (threshold, prevalence, cost ratio), operating points,
imbalance helpers and metric plots."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sklearn.metrics as skm

from course_lib import metrics
from course_lib.evaluation import imbalance, metric_choice, metric_plots, operating_point
from course_lib.evaluation.threshold_explorer import ThresholdExplorer


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


def test_hand_sweep_figure_puts_the_hand_points_on_the_library_curves():
    y = np.array([0, 0, 1, 1, 0, 1, 1, 0, 1, 1])
    s = np.array([0.1, 0.35, 0.4, 0.8, 0.2, 0.9, 0.7, 0.6, 0.65, 0.95])
    tp = ((s >= 0.5) & (y == 1)).sum()
    fp = ((s >= 0.5) & (y == 0)).sum()
    fig = metric_plots.plot_hand_sweep(y, s, [fp / 4], [tp / 6], [tp / (tp + fp)], max_fpr=0.5, min_rate=0.5)
    ax_roc, zoom_roc, ax_pr, zoom_pr = fig.axes  # each zoom beside its curve
    fpr, tpr, _ = metrics.roc_curve(y, s)
    assert any(len(line.get_xdata()) == len(fpr) and np.allclose(line.get_xdata(), fpr)
               for line in ax_roc.get_lines())
    assert (fp / 4, tp / 6) in {(x, yy) for x, yy in zip(fpr, tpr, strict=True)}
    assert ax_roc.get_title() == "ROC curve" and ax_pr.get_title() == "PR curve (a staircase)"
    assert zoom_roc.get_title() == "zoom: FPR ≤ 0.5" and zoom_pr.get_title() == "zoom: both ≥ 0.5"
    assert zoom_roc.get_xlim()[1] == 0.5 and not ax_roc.child_axes
    plt.close(fig)




def test_binormal_data_have_the_asked_prevalence():
    y_true, _ = imbalance.binormal_scores(0.2, num_positives=100, seed=0)
    assert y_true.mean() == pytest.approx(0.2)
    sample = imbalance.BinormalSample(num_positives=50, seed=0)
    y, s = sample.scores(1.5, 0.1)
    assert y.sum() == 50 and len(y) == 500 and 0 < s.min() and s.max() < 1
    y2, s2 = sample.scores(1.5, 0.5)
    np.testing.assert_array_equal(s2[y2 == 1], s[y == 1])  # the same positives at every prevalence
    with pytest.raises(ValueError, match="prevalence"):
        sample.scores(1.5, 0.001)
    with pytest.raises(ValueError, match="num_positives"):
        imbalance.binormal_scores(0.1, num_positives=0)


def test_balanced_probability_is_the_posterior_at_fifty_percent():
    z = np.array([-1.0, 0.75, 3.0])
    pdf = lambda x, mu: np.exp(-(x - mu) ** 2 / 2)  # noqa: E731
    expected = pdf(z, 1.5) / (pdf(z, 1.5) + pdf(z, 0.0))
    np.testing.assert_allclose(imbalance.balanced_probability(z, 1.5), expected)


@pytest.fixture(scope="module")
def prevalence_explorer():
    return imbalance.PrevalenceExplorer(num_positives=200)


def test_prevalence_explorer_moves_its_three_controls(prevalence_explorer):
    e = prevalence_explorer
    assert [c.description for c in e.controls.values()] == ["separation", "prevalence", "threshold"]
    options = [v for _, v in e.controls["prevalence"].options]
    assert options == sorted(options) and options[0] == 0.01  # rare -> common, left to right
    e.controls["prevalence"].value = 0.01
    assert e.state["prevalence"] == 0.01 and e.state["num_negatives"] == 19800
    assert e.artists["pr_base"].get_ydata()[0] == 0.01
    e.controls["threshold"].value = 0.7
    y, s = e.sample.scores(e.state["separation"], 0.01)
    expected = skm.confusion_matrix(y, s >= 0.7, labels=[0, 1])
    np.testing.assert_array_equal(e.state["confusion_matrix"], expected)
    tn, fp, fn, tp = expected.ravel()
    assert e.state["precision"] == pytest.approx(tp / (tp + fp))
    assert e.artists["roc_point"].get_data()[0][0] == pytest.approx(fp / (fp + tn))
    assert e.artists["cm_texts"][1][1].get_text() == f"TP\n{tp:,}"
    e.controls["separation"].value = 3.0
    assert e.state["roc_auc"] > 0.95 and (3.0, 0.01) in e.cache
    assert e.state["roc_auc"] == pytest.approx(skm.roc_auc_score(*e.sample.scores(3.0, 0.01)))
    e.controls["threshold"].value = 0.99
    assert e.png.startswith(b"\x89PNG") and not e.errors
    assert len(e.redraw_seconds) == len(e.redraw_cpu_seconds) >= 4


def test_prevalence_explorer_reports_undefined_precision_when_nothing_is_flagged():
    e = imbalance.PrevalenceExplorer(num_positives=20, separation=0.5)
    e.controls["threshold"].value = 0.99  # sigmoid(0.5 z - 0.125) never reaches 0.99 here
    assert e.state["tp"] + e.state["fp"] == 0 and np.isnan(e.state["precision"])
    assert e.artists["bar_texts"][1].get_text() == "0/0" and len(e.artists["pr_point"].get_data()[0]) == 0
    assert not e.errors


def test_cost_explorer_picks_the_cheapest_validation_threshold(scores):
    y_true, y_score = scores
    e = operating_point.CostExplorer(y_true, y_score, ratios=(1, 10), value=1)
    assert e.slider.description.startswith("cost ratio")
    cheap = e.state["threshold"]
    assert cheap == operating_point.choose_threshold(y_true, y_score, "cost", cost_fp=1, cost_fn=1)
    e.slider.value = 10
    assert e.state["cost_ratio"] == 10 and e.state["threshold"] < cheap  # expensive misses: lower
    costs = operating_point.cost_curve(y_true, y_score, np.r_[np.unique(y_score), 2.0], cost_fn=10)
    assert e.state["cost"] == pytest.approx(costs.min())
    assert e.png == e.pictures[10][0] and not e.errors
    with pytest.raises(ValueError, match="cost_ratio"):
        operating_point.plot_cost_choice(y_true, y_score, 0)
    plt.close("all")


def test_metric_choice_checks_its_input():
    with pytest.raises(ValueError, match="at least two"):
        metric_choice.compare({"A": (1, 2, 3, 4)})
    with pytest.raises(ValueError, match="same number"):
        metric_choice.break_even_ratio((1, 2, 3, 4), (5, 6, 3, 7))
    assert metric_choice.scores((855, 95, 5, 45), cost_ratio=20)["cost"] == 195


def test_redraws_are_fast_enough_to_feel_instant(explorer, prevalence_explorer):
    """CPU time per redraw (what an idle machine would wait), PNG included; printed, loosely bounded."""
    p = prevalence_explorer
    for e, control, values in ((explorer, explorer.slider, (0.2, 0.4, 0.6, 0.8)),
                               (p, p.controls["threshold"], (0.3, 0.5, 0.7)),
                               (p, p.controls["prevalence"], (0.05, 0.2, 0.5))):
        e.redraw_cpu_seconds.clear()
        for v in values:
            control.value = v
        median = float(np.median(e.redraw_cpu_seconds))
        print(f"{type(e).__name__} {control.description}: median CPU {1000 * median:.0f} ms per redraw")
        assert median < 0.3  # the target is 150 ms on an idle machine; this only catches regressions


def test_cost_explorer_offers_by_default_only_ratios_that_move_the_threshold(scores):
    y_true, y_score = scores
    e = operating_point.CostExplorer(y_true, y_score)
    assert e.ratios == operating_point.distinct_ratios(y_true, y_score) and e.slider.value == e.ratios[0]
    seen = []
    for r in e.ratios:
        e.slider.value = r
        seen.append(e.state["threshold"])
        assert e.state["bayes_threshold"] == pytest.approx(1 / (1 + r))
    assert len(set(seen)) == len(seen) and not e.errors
    with pytest.raises(ValueError, match="value"):
        operating_point.CostExplorer(y_true, y_score, ratios=(1, 2), value=3)
    plt.close("all")


def test_bayes_threshold_iso_cost_slope_and_missed_positives_check_and_compute():
    assert operating_point.bayes_threshold(1) == 0.5
    assert operating_point.bayes_threshold(9) == pytest.approx(0.1)
    y = np.array([0, 0, 0, 1, 1, 1])
    s = np.array([0.1, 0.4, 0.8, 0.05, 0.3, 0.9])
    assert operating_point.iso_cost_slope(y, cost_fn=3) == pytest.approx(1 / 3)
    assert operating_point.missed_positives(y, s, 0.5) == [
        {"score": 0.05, "negatives_flagged": 3}, {"score": 0.3, "negatives_flagged": 2}]
    for call, name in ((lambda: operating_point.bayes_threshold(0), "cost_ratio"),
                       (lambda: operating_point.iso_cost_slope(np.zeros(4, int)), "positives"),
                       (lambda: operating_point.missed_positives(y, s[:-1], 0.5), "y_score")):
        with pytest.raises(ValueError, match=name):
            call()


def test_scores_on_a_log_odds_axis_keep_the_threshold_and_the_counts(scores):
    y_true, y_score = scores
    z = metric_plots.log_odds([0.0, 0.5, 0.99, 1.0])
    assert np.isfinite(z).all() and z[1] == 0 and z[2] == pytest.approx(np.log(99))
    fig = metric_plots.plot_scores_and_confusion(y_true, y_score, 0.3, scale="log-odds", bins=40)
    ax_hist = fig.axes[0]
    assert ax_hist.lines[-1].get_xdata()[0] == pytest.approx(np.log(0.3 / 0.7))
    z = metric_plots.log_odds(y_score)
    _, neg, pos = metric_plots.score_histograms(y_true, z, 40, ax_hist.get_xlim(), density=False)
    assert neg.sum() + pos.sum() == len(y_true)
    assert "log-odds" in ax_hist.get_xlabel()
    with pytest.raises(ValueError, match="scale"):
        metric_plots.plot_scores_and_confusion(y_true, y_score, 0.3, scale="log")
    plt.close("all")


def test_zoom_panels_sit_beside_the_curves_not_on_them(scores):
    y_true, y_score = scores
    fig = metric_plots.plot_hand_sweep(y_true, y_score, [0.1], [0.5], [0.8], max_fpr=0.3, min_rate=0.6)
    fig.canvas.draw()
    boxes = [ax.get_position() for ax in fig.axes]
    assert len(boxes) == 4
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert a.x1 <= b.x0 + 1e-9  # side by side, none over another
    plt.close("all")
