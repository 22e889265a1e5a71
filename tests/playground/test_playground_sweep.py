"""Every setting of the playground draws: each control over every value it offers (0 layers included),
the regression sets at each control's ends, and settings where two controls meet at an edge; any drawing
error, warning or leaked figure fails (issues 24 and 25). Its own file, so a parallel run gives it a
worker of its own."""

import os

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import playground
from course_lib.playground import Playground

# --- every setting draws (issue 24/25: no setting breaks the playground) ---------------------------

def control_values(control) -> list:
    """Every value a control offers, in order."""
    if isinstance(control, (W.SelectionSlider, W.Dropdown, W.ToggleButtons)):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control, W.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, W.IntSlider):
        return list(range(control.min, control.max + 1, control.step))
    if isinstance(control, W.FloatSlider):
        return [round(v, 6) for v in np.arange(control.min, control.max + control.step / 2, control.step)]
    if isinstance(control, W.Text):
        return [control.value]
    raise TypeError(f"no sweep for {type(control).__name__}")


def assert_drew(pg: Playground, where) -> None:
    """The playground shows its pictures and no error message, and leaks no pyplot figure."""
    assert not pg.errors, (where, pg.errors)
    status = pg.status.value
    assert "could not" not in status.lower() or "BatchNorm" in status, (where, status)
    for out in (pg.output, pg.eval_out) if pg.tabs.selected_index == 1 else (pg.output,):
        (shown,) = out.outputs
        assert "image/png" in shown.get("data", {}), (where, shown.get("text"))
    assert plt.get_fignums() == [], where


SWEEP_BASE = "v1:points=100&epochs=10"
# COURSE_SWEEP=ends (make test-colab): on Colab's widget stack each slider is set to its two ends only;
# `make test` sweeps every value on the main stack (the drawing code is the same on both).
ENDS_ONLY = os.environ.get("COURSE_SWEEP") == "ends"
# REGRESSION_ENDS: the classification base sweeps every value of every control; the two regression bases
# set each slider to its two ends (what differs for regression is the data, the loss, the colour scale
# and the evaluation, which the ends and the edge combinations below reach) and every option of the
# others (data, inputs, activation, init, optimizer, schedule, checkboxes).
# ipywidgets 7.7.1 (Colab's stack, make test-colab) creates its comms through a class ipykernel 6
# deprecates: a warning of the stack, not of the course, so the sweeps below let it through.
COLAB_STACK_COMM = "ignore:The `ipykernel.comm.Comm` class has been deprecated:DeprecationWarning"
COMBINATIONS = [  # settings where two controls meet at an edge of their ranges
    "layers=0&features=x1^2,x2^2", "layers=0&features=x1x2&data=xor", "layers=0&batch_norm=True",
    "layers=0&residual=True&dropout=0.5", "layers=0&regularization=l1&rate=0.1", "layers=0&clip=0.1",
    "layers=6&neurons=1&residual=True&batch_norm=True", "layers=6&activation=sigmoid&init=orthogonal",
    "activation=linear&layers=6&optimizer=sgd&lr=10", "lr=10&optimizer=adam", "batch_size=512&points=100",
    "batch_norm=True&batch_size=1", "class1_pct=5&train_pct=10&points=100", "noise=0.5&data=spiral",
    "epochs=320&batch_size=512&layers=1&neurons=1", "schedule=linear&warmup_pct=50",
    # the regression sets (TensorFlow Playground's plane and multi-gaussian) at the same edges
    "data=plane&layers=0", "data=plane&layers=0&activation=linear&features=x1x2",
    "data=multi-gaussian&layers=6&activation=sigmoid&init=orthogonal",
    "data=plane&activation=linear&layers=6&optimizer=sgd&lr=10", "data=multi-gaussian&lr=10&optimizer=adam",
    "data=plane&batch_norm=True&batch_size=1", "data=multi-gaussian&noise=0.5&train_pct=10&points=100",
    "data=plane&class1_pct=5&train_pct=90", "data=multi-gaussian&layers=0&regularization=l1&rate=0.1",
    "data=plane&noise=0&layers=6&neurons=1&residual=True&batch_norm=True",
]


@pytest.mark.filterwarnings(COLAB_STACK_COMM)
@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("data", ["", "&data=plane", "&data=multi-gaussian"])  # classification, regression
def test_every_control_draws_at_every_value_it_offers(data):
    pg = Playground(SWEEP_BASE + data)
    assert_drew(pg, "start")
    for name, control in pg.controls.items():
        start = control.value
        if name == "features":  # each box alone, then the named combinations
            values = list(playground.FEATURE_LABELS) + list(playground.FEATURE_SETS)
        elif name == "widths":  # a typed text: the edges, a mix, a bad one (refused with a message), empty
            values = ["1", "16", "16,1,4", "4 2", "8,x", ""]
        else:
            values = control_values(control)
            sliders = (W.IntSlider, W.FloatSlider, W.SelectionSlider)
            if ENDS_ONLY or data and isinstance(control, sliders):  # see REGRESSION_ENDS
                values = values[:1] + values[-1:]
        for value in values:
            control.value = value
            assert_drew(pg, (name, value))
        control.value = start
    plt.close("all")


@pytest.mark.filterwarnings(COLAB_STACK_COMM)
@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("extra", COMBINATIONS)
def test_combinations_at_the_edges_draw(extra):
    pg = Playground(SWEEP_BASE + "&" + extra)
    pg.tabs.selected_index = 1
    assert_drew(pg, extra)
    for epoch in (0, pg.run.epochs[-1] // 2):
        pg.controls["epoch"].value = epoch
        assert_drew(pg, (extra, epoch))
    for name, value in (("show_test", True), ("discretize", True), ("threshold", 0.0), ("threshold", 1.0)):
        pg.controls[name].value = value
        assert_drew(pg, (extra, name, value))
    pg.tabs.selected_index = playground.app.DETAIL_TAB  # the neuron maps and gradient norms
    (shown,) = pg.detail_out.outputs
    assert "image/png" in shown.get("data", {}) and not pg.errors, (extra, shown.get("text"))
    pg.tabs.selected_index = playground.app.GRAPH_TAB  # the weights graph, an image with hover texts
    assert "data:image/png" in pg.graph_out.value and "<map" in pg.graph_out.value and not pg.errors, \
        (extra, pg.graph_out.value[-300:])
