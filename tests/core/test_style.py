"""The course's figure style: sharp, column-wide, large text, colour-blind safe, checked by check_figure."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import plots, style
from course_lib.training import History

pytestmark = pytest.mark.usefixtures("course_style")  # conftest: the style, then figures closed


def test_the_style_is_sharp_column_wide_and_large():
    assert mpl.rcParams["figure.dpi"] >= style.MIN_DPI
    assert style.MIN_WIDTH_IN <= mpl.rcParams["figure.figsize"][0] <= style.MAX_WIDTH_IN
    for key in ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
                "legend.fontsize"):
        assert mpl.rcParams[key] >= style.MIN_FONT_PT, key
    assert list(mpl.rcParams["axes.prop_cycle"].by_key()["color"]) == list(style.LINE_COLORS)
    assert style.OKABE_ITO["yellow"] not in {style.color(i) for i in range(20)}


def test_a_well_made_figure_passes():
    fig, ax = plt.subplots()
    ax.plot(np.arange(10), label="a")
    ax.set_title("a panel")
    style.legend_outside(ax)
    assert style.check_figure(fig) == []


def test_check_figure_finds_every_kind_of_defect():
    fig, axes = plt.subplots(1, 2, figsize=(5, 3), dpi=72)
    axes[0].plot(np.arange(10), np.arange(10), label="on the data")
    axes[0].legend(loc="center")
    axes[0].set_xlabel("tiny", fontsize=7)
    axes[1].plot([0, 1])
    problems = "\n".join(style.check_figure(fig))
    for words in ("dpi 72", "column-wide", "'tiny' is 7 pt", "no title", "sits on plotted data"):
        assert words in problems


def test_series_keep_their_colour_when_others_are_added():
    colors = style.SeriesColors()
    first = colors(1.0)
    colors(0.3)
    colors(3.0)
    assert colors(1.0) == first and colors(0.3) != first
    assert style.SeriesColors(order=[0.1, 1.0])(1.0) == style.color(1)


def test_plot_history_marks_a_diverged_run_and_keeps_its_legend_off_the_data():
    good = History("accuracy", train_loss=[1.0, 0.5, 0.3], val_loss=[1.1, 0.6, 0.4], epochs=[1, 2, 3])
    bad = History("accuracy", train_loss=[1.0, 5.0], epochs=[1, 2], diverged=True)
    ax = plots.plot_history({"lr 0.1": good, "lr 10": bad})
    assert any("diverged" in t.get_text() for t in ax.texts)
    assert style.check_figure(ax.figure) == []
