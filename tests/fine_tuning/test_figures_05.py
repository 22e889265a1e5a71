"""Every figure of notebook 05 meets the projector style (course_lib.style.check_figure)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import style
from course_lib.fine_tuning import transfer
from course_lib.fine_tuning import transfer_plots as plots


@pytest.fixture(scope="module")
def small():
    """A tiny version of the notebook's experiments (2 seeds, few steps)."""
    style.use_style()
    pretrained = transfer.load_pretrained()[0]
    tasks = transfer.target_tasks(seeds=(0, 1))
    lrs = transfer.load_lrs()["lr"]
    results = transfer.compare(pretrained, tasks, lrs, num_steps=10)
    return pretrained, tasks, lrs, results


def _ok(fig):
    problems = style.check_figure(fig)
    plt.close(fig)
    assert problems == []


def test_targets_figure():
    style.use_style()
    _ok(plots.plot_targets(transfer.target_task("same style").X_test.numpy()))


def test_headline_figure(small):
    _ok(plots.plot_headline(small[3]))


def test_steps_to_target_figure(small):
    pretrained, tasks, lrs, _ = small
    race = transfer.steps_to_target(pretrained, tasks["inverted"], 0.5, lr_grid=(1e-3,), num_steps=10)
    _ok(plots.plot_steps_to_target(race, 0.5, "inverted digits: steps to 0.5"))


def test_sample_efficiency_figure():
    style.use_style()
    errs = {m: np.random.default_rng(0).uniform(0.1, 0.5, (4, 8)) for m in ("scratch", "linear probe")}
    _ok(plots.plot_sample_efficiency((1, 3, 10, 30), errs, "inverted digits"))


def test_rank_explorer_figure(small):
    pretrained, tasks, lrs, results = small
    sweep = transfer.rank_sweep(pretrained, tasks["inverted"], (1, 2, 4), 3e-3, num_steps=5)
    explorer = plots.rank_explorer(sweep, {"linear probe": results["inverted"]["linear probe"]},
                                   alpha=4.0, target="inverted")
    for value in (1, 4):
        explorer.controls["rank"].value = value
        assert style.check_figure(explorer.figure) == []
    plt.close("all")


def test_lr_search_figure():
    style.use_style()
    _ok(plots.plot_lr_search(transfer.load_lrs()))


@pytest.mark.parametrize("shots", [1, 10])
def test_compute_figure_draws_never_and_not_reached(shots):
    style.use_style()
    _ok(plots.plot_compute(transfer.load_compute(), shots=shots, target_error=0.15))
