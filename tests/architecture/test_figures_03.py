"""Every figure notebook 03 shows obeys the projector style (style.check_figure): column-wide, 110 dpi,
text >= 11 pt, a title on every panel, legends off the data, diverged runs drawn as diverged."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import data, style
from course_lib.architecture import (
    activation_plots,
    batchnorm,
    capacity,
    diagnostics,
    residual,
    signals,
    standardization,
    trainability,
    trainability_plots,
)
from course_lib.training import History

pytestmark = pytest.mark.usefixtures("course_style")  # conftest: the style, then figures closed


def ok(fig):
    assert style.check_figure(fig) == []


def history(val, *, diverged=False):
    n = len(val)
    return History("accuracy", train_loss=list(np.linspace(2.3, 0.3, n)),
                   val_loss=list(np.linspace(2.3, 0.4, n)), train_metric=list(val), val_metric=list(val),
                   epochs=list(range(1, n + 1)), diverged=diverged)


@pytest.fixture(scope="module")
def sweep():
    moons = data.load("moons", n_samples=300, noise=0.35, val_size=0.5, test_size=0.1, seed=0)
    return moons, capacity.depth_width_sweep(moons, (1, 2), (2, 8), num_steps=20, batch_size=30)


def test_capacity_figures(sweep):
    moons, s = sweep
    ok(capacity.plot_boundaries(s, moons, resolution=20))
    fig, ax = plt.subplots(figsize=style.figsize(4.0))
    capacity.plot_accuracy(s, ax)
    ok(fig)
    sizes = capacity.SizeSweep((100, 1000), (8, 32, 128), 2, np.array([[0.9, 1.0, 1.0], [0.88, 0.89, 0.9]]),
                               np.array([[0.85, 0.84, 0.82], [0.88, 0.89, 0.89]]))
    ok(capacity.plot_size_sweep(sizes))


def test_activation_panels():
    ok(activation_plots.plot_activations(["linear", "step", "sigmoid", "tanh", "relu", "softplus",
                                          "leaky_relu", "elu", "gelu"]))


def test_gradient_flow_figures(digits):
    panels = {f"{init} init": {a: diagnostics.gradient_flow(digits, 4, a, init) for a in ("sigmoid", "relu")}
              for init in ("default", "he")}
    ok(diagnostics.plot_flow_panels(panels))
    fig, state = signals.draw_flow(digits, 6, "tanh", "default")
    ok(fig)
    ok(residual.plot_identity_flow(residual.identity_flow(digits, depth=6)))


def test_dead_unit_figures(digits):
    result = diagnostics.DeadUnits((1e-3, 1e-1),
                                   {"relu": np.array([[0.0, 0.8]]), "gelu": np.array([[0.0, 0.5]])},
                                   {"relu": np.array([[0.9, 0.5]]), "gelu": np.array([[0.9, 0.6]])})
    ok(diagnostics.plot_dead_units(result))
    explorer = diagnostics.dead_units_explorer(digits, lrs=(1e-3, 0.1), hidden=(16, 16), num_epochs=1)
    explorer.redraw()
    ok(explorer.figure)


def test_training_curve_figures():
    runs = {"sigmoid, default init": history([0.1, 0.1, 0.1]), "relu, He init": history([0.5, 0.8, 0.9]),
            "tanh, default init": history([0.1, 0.3], diverged=True)}
    ok(trainability_plots.plot_activation_runs(runs))
    depths = (2, 10)
    sweep = trainability.DepthSweep(depths, trainability.ARMS, {
        (d, arm): history([0.5, 0.9] if arm != "plain" or d == 2 else [0.1, 0.1],
                          diverged=(d, arm) == (10, "BatchNorm"))
        for d in depths for arm in trainability.ARMS}, chance=0.1)
    ok(trainability_plots.plot_depth(sweep, 10, arms=("plain", "residual")))
    fig, state = trainability_plots.draw_depth(sweep, 10)
    ok(fig)
    assert np.isnan(state["final"]["BatchNorm"])
    assert state["trains"] == [arm for arm in trainability.ARMS if arm not in ("plain", "BatchNorm")]
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert "✕ at the top: diverged" in legend  # the BatchNorm run's ✕, explained once


def test_bowls():
    ok(standardization.plot_bowls(standardization.bowls()))


def test_batchnorm_figures(digits):
    grid = batchnorm.Grid((0.01, 0.1, 1.0), (0.5, 1.0, 3.0), {
        "without BN": np.array([[0.1, 0.1, np.nan], [0.1, 0.1, np.nan], [0.9, 0.5, np.nan]]),
        "with BN": np.full((3, 3), 0.93)})
    ok(batchnorm.plot_grid(grid))
    runs = batchnorm.covariate_shift_experiment(digits, num_epochs=1, depth=3, layer=2)
    ok(batchnorm.plot_covariate_shift(runs))
