"""Every figure notebook 01 draws meets the projector rules of course_lib.style (check_figure)."""

import pytest

from course_lib import data, style
from course_lib.mlp import approximation, approximation_plots, generalization, generalization_plots

WIGGLY = data.FUNCTIONS_1D["wiggly"]


pytestmark = pytest.mark.usefixtures("course_style")  # conftest: the style, then figures closed


@pytest.fixture(scope="module")
def digits_results():
    digits = data.load("digits")
    result = generalization.train_and_score(digits, hidden=(16,), num_epochs=2, seed=0)
    return digits, result


@pytest.mark.parametrize("width", [1, 4, 20, 64])
def test_hinge_figure(width):
    fig = approximation_plots.plot_hinges(approximation.fit_hinges(WIGGLY, width))
    assert style.check_figure(fig) == []
    assert fig.axes[0].get_title().startswith(f"{width} hidden ReLU unit")


def test_existence_vs_learnability_figure():
    built = approximation.fit_hinges(WIGGLY, 20)
    trained = approximation.train_hinges(WIGGLY, 20, num_steps=40, seed=0)
    fig = approximation_plots.plot_existence_vs_learnability(built, trained)
    assert style.check_figure(fig) == []


def test_tent_map_figure():
    fig = approximation_plots.plot_tent_maps(ks=(1, 2, 3, 5))
    assert style.check_figure(fig) == []
    assert [ax.get_title() for ax in fig.axes] == [f"k = {k}: {2**k} pieces" for k in (1, 2, 3, 5)]


def test_memorisation_figure(digits_results):
    _, result = digits_results
    shuffled = {"2 × 256": result, "4 × 128": result, "6 × 64": result}
    fig = generalization_plots.plot_memorisation(result, shuffled)
    assert style.check_figure(fig) == []


def test_scrambled_pixels_figure(digits_results):
    digits, _ = digits_results
    scrambled = generalization.permute_features(digits, seed=0)
    fig = generalization_plots.plot_scrambled_pixels(digits, scrambled, 0.958, 0.961)
    assert style.check_figure(fig) == []
    assert fig.axes[2].get_xlabel() == f"1 of {len(digits.y_test)} test images apart"


def test_tabular_baseline_figure():
    scores = {"MLP (2×64)": 0.974, "gradient boosting": 0.956}
    fig = generalization_plots.plot_tabular_baseline(scores, n_test=114)
    assert style.check_figure(fig) == []
    assert fig.axes[0].get_xlabel() == "test accuracy (the two are 2 of 114 test samples apart)"


def test_hidden_units_figure(digits_results):
    _, result = digits_results
    fig = generalization_plots.plot_hidden_units(result["model"].body.block1.linear.weight, n_units=8)
    assert style.check_figure(fig) == []
    assert [ax.get_title() for ax in fig.axes[:8]] == [f"unit {i}" for i in range(1, 9)]


def test_hidden_units_needs_square_images():
    import torch

    with pytest.raises(ValueError, match="square"):
        generalization_plots.plot_hidden_units(torch.zeros(4, 10))


def test_hinge_explorer_answers_every_width_from_its_cache():
    explorer = approximation_plots.hinge_explorer(WIGGLY, widths=(1, 4, 16, 32), value=4)
    explorer.redraw()
    assert explorer.state.width == 4 and explorer.cache.misses == 4  # every width fitted up front
    slider = explorer.controls["width"]
    assert slider.continuous_update is False and slider.description == "hidden units"
    errors = {}
    for width in (32, 1, 16, 4):
        slider.value = width
        assert explorer.state.width == width and not explorer.errors
        assert explorer.figure.axes[0].get_title().startswith(f"{width} hidden ReLU unit")
        assert style.check_figure(explorer.figure) == []
        errors[width] = explorer.state.max_error
    assert explorer.cache.misses == 4  # no width was fitted twice
    assert errors[4] > errors[16] > errors[32]  # (1 unit beats 4 on max error: least squares minimises mse)


def test_hinge_explorer_rejects_bad_widths():
    with pytest.raises(ValueError, match="widths"):
        approximation_plots.hinge_explorer(WIGGLY, widths=(0, 4))


def test_regression_snapshot_and_activation_figures():
    from course_lib import data, models, playground, plots
    from course_lib.mlp import approximation
    from course_lib.training import fit

    wave = data.load("sin", n_samples=60, noise=0.1, seed=0)
    regressor = models.build_mlp(wave, hidden=(8,), activation="tanh", seed=0)
    history = fit(regressor, wave, lr=0.01, batch_size=16, num_epochs=2, seed=0)
    fig = plots.plot_regression_fit(regressor, wave, history)
    assert style.check_figure(fig) == [] and len(fig.axes[0].lines) == 2

    moons = data.load("moons", n_samples=120, noise=0.2, seed=0)
    snaps = playground.train_with_snapshots(models.build_mlp(moons, hidden=(8,), seed=0), moons,
                                            num_epochs=3, lr=0.01, seed=0)
    fig = plots.plot_surfaces({f"after {e} epochs": snaps.grids[e] for e in (0, 3)}, snaps.xx, snaps.yy,
                              moons.X_train, moons.y_train)
    assert style.check_figure(fig) == [] and [ax.get_title() for ax in fig.axes[:2]] == \
        ["after 0 epochs", "after 3 epochs"]

    runs = approximation.linear_vs_nonlinear(moons, ["linear", "relu"], hidden=(8,), num_epochs=2)
    assert set(runs) == {"linear", "relu"}
    fig = plots.plot_boundaries({a: m for a, (m, _) in runs.items()}, moons.X_train, moons.y_train)
    assert style.check_figure(fig) == []
    with pytest.raises(ValueError, match="models"):
        plots.plot_boundaries({}, moons.X_train, moons.y_train)
    with pytest.raises(ValueError, match="surfaces"):
        plots.plot_surfaces({}, snaps.xx, snaps.yy, moons.X_train, moons.y_train)
