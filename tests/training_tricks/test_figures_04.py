"""Every figure notebook 04 shows meets the projector rules of course_lib.style (check_figure == [])."""

import math

import matplotlib.pyplot as plt
import pytest

from course_lib import style
from course_lib.models import build_mlp
from course_lib.training_tricks import (
    batch_size,
    clipping,
    explosion,
    learning_rate,
    lr_finder,
    schedules,
    warmup,
    weight_decay,
)

pytestmark = pytest.mark.usefixtures("course_style")  # conftest: the style, then figures closed


def _ok(fig):
    assert style.check_figure(fig) == []


def test_bowl_and_update_size_figures(digits):
    runs = [learning_rate.gd_on_bowl(f / 10, (1.0, 10.0)) for f in (1.9, 2.1)]
    _ok(learning_rate.plot_bowl_runs(runs)[0].figure)
    sizes = {"SGD": learning_rate.update_sizes(build_mlp(digits, seed=0), digits, "sgd", 0.1, num_steps=2),
             "Adam": learning_rate.update_sizes(build_mlp(digits, seed=0), digits, "adam", 1e-3, num_steps=2)}
    _ok(learning_rate.plot_update_sizes(sizes).figure)


def test_lr_explorer_figure_with_a_diverged_run(digits):
    explorer = learning_rate.LRExplorer(digits, num_epochs=1, hidden=(16,))
    explorer.preload([0.01, 10.0])
    explorer.redraw()
    _ok(explorer.figure)
    explorer.controls["optimizer"].value = "adam"
    _ok(explorer.figure)


def test_range_test_figure(digits):
    result = lr_finder.lr_range_test(build_mlp(digits, hidden=(16,), seed=0), digits, num_steps=30)
    _ok(lr_finder.plot_lr_range_test(result).figure)


def test_schedule_figures(digits):
    _ok(schedules.plot_schedule_panels(300, lr=0.1))
    for name in ("constant", "step"):
        explorer = schedules.ScheduleExplorer(digits, schedule=name, seeds=(0,), num_epochs=1)
        explorer.redraw()
        _ok(explorer.figure)


def test_batch_size_figures(digits):
    explorer = batch_size.BatchSizeExplorer(digits, num_epochs=1, hidden=(16,))
    explorer.redraw()
    _ok(explorer.figure)
    noise = batch_size.gradient_noise(build_mlp(digits, hidden=(16,), seed=0), digits.X_train[:200],
                                      digits.y_train[:200], batch_sizes=(4, 16, 64), num_samples=3)
    _ok(batch_size.plot_gradient_noise(noise).figure)
    budget = batch_size.BudgetComparison([0.9, 0.92], [0.6, 0.7], [0.91, 0.9],
                                         {"small": 680, "large_equal_epochs": 30, "large_equal_steps": 680})
    _ok(batch_size.plot_budget_comparison(budget).figure)


def test_activation_rms_figure():
    inits = (("He", "he", 1.0), ("1.5 × He", "he", 1.5), ("default", "default", 1.0))
    curves = {name: explosion.activation_rms(10, 32, scheme, scale=scale) for name, scheme, scale in inits}
    _ok(explosion.plot_activation_rms(curves).figure)


def test_clipping_figures(regression):
    off = clipping.train_regression(regression, None, num_steps=20)
    clipped = clipping.train_regression(regression, 10.0, num_steps=20)
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(4.4))
    clipping.plot_clipping(clipped, 10.0, unclipped=off, axes=axes)
    _ok(fig)
    explorer = clipping.ClippingExplorer(regression, thresholds=(10.0, math.inf), threshold=math.inf,
                                         num_steps=20)
    explorer.redraw()
    _ok(explorer.figure)
    _ok(clipping.plot_threshold_sweep(explorer.runs).figure)


def test_weight_figures(digits):
    norms = {f"wd {w}": weight_decay.weight_norm_trajectory(digits, w, num_epochs=1, hidden=(16,))[0]
             for w in (0.0, 1.0)}
    _ok(weight_decay.plot_weight_norms(norms).figure)


def test_sharpness_figure(digits):
    traces = [warmup.sharpness_trace(digits, lr=1.0, warmup_steps=5, num_steps=6, depth=2, width=16,
                                     measure_at=(3, 6), label="warm-up"),
              warmup.sharpness_trace(digits, lr=50.0, num_steps=6, depth=2, width=16, measure_at=(3,))]
    axes = warmup.plot_sharpness(traces)
    assert "diverged" in axes[1].get_title() or traces[1].history.final() >= 0
    _ok(axes[0].figure)


def test_lr_grid_figures_of_the_shipped_grids():
    for grid in learning_rate.load_grids().values():
        _ok(learning_rate.plot_lr_grid(grid).figure)


def test_noise_floor_figure_beside_its_grid():
    noisy = schedules.noisy_regression(n_samples=200, seed=0)
    runs = {name: schedules.train_with_schedule(noisy, name, lr=0.03, optimizer="sgd", batch_size=16,
                                                num_epochs=2, hidden=(4,)) for name in ("constant", "cosine")}
    fig, (ax_grid, ax_runs) = plt.subplots(1, 2, figsize=(10, 4.4), gridspec_kw={"width_ratios": [1.4, 1]})
    learning_rate.plot_lr_grid(learning_rate.load_grids()["noisy_run"], ax=ax_grid, legend="below")
    schedules.plot_noise_floor(runs, ax=ax_runs)
    _ok(fig)
