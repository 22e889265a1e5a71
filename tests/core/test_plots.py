"""Figures: the decision surface, the colour bar, training curves (divergence marked), bad input."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course_lib import data, plots  # noqa: E402
from course_lib.models import build_mlp  # noqa: E402
from course_lib.training import History, fit  # noqa: E402


@pytest.fixture(scope="module")
def trained():
    s = data.load("moons", n_samples=200, seed=0)
    model = build_mlp(s, hidden=(8,), seed=0)
    return s, model, fit(model, s, lr=0.05, num_epochs=3, seed=0)


def test_decision_surface_is_a_probability_grid(trained):
    s, model, _ = trained
    xx, yy, P = plots.decision_grid(model, s.X_train, resolution=30)
    assert xx.shape == yy.shape == P.shape == (30, 30)
    assert P.min() >= 0 and P.max() <= 1
    assert xx.min() < float(s.X_train[:, 0].min()) and xx.max() > float(s.X_train[:, 0].max())


def test_boundary_plot_and_colorbar(trained):
    s, model, _ = trained
    fig, axes = plt.subplots(1, 2)
    ax = plots.plot_decision_boundary(model, s.X_train, s.y_train, ax=axes[0], title="t", resolution=20)
    assert ax.get_title() == "t" and len(ax.collections) >= 3  # shading, boundary, two classes
    plots.add_probability_colorbar(fig, axes)
    assert len(fig.axes) == 3 and fig.axes[-1].get_ylabel() == "P(class 1)"
    plt.close(fig)


def test_history_plot_marks_divergence(trained):
    _, _, history = trained
    bad = History("accuracy", train_loss=[1.0, 2.0], train_metric=[0.5, 0.5], diverged=True)
    fig, ax = plt.subplots()
    plots.plot_history({"ok": history, "bad": bad}, ax=ax)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() + ax.get_yticklabels(minor=True) if t.get_text()]
    assert labels and all("10^" not in t and "times" not in t and "×" not in t for t in labels)
    assert any(t.get_text() == "bad diverged" for t in ax.texts)
    plt.close(fig)


def test_bad_plot_arguments_are_named():
    with pytest.raises(ValueError, match="key"):
        plots.plot_history(History("accuracy"), key="accuracy")
    with pytest.raises(ValueError, match="x"):
        plots.plot_history(History("accuracy"), x="minutes")


def test_generalisation_figures_show_every_net_and_both_digits():
    from course_lib.mlp import generalization, generalization_plots

    digits = data.load("digits", seed=0)
    result = generalization.train_and_score(digits, hidden=(16,), num_epochs=2, seed=0)
    fig = generalization_plots.plot_memorisation(result, {"a": result, "b": result})
    left, right = fig.axes
    assert len(left.get_lines()) == 3  # two nets and the chance line
    assert [t.get_text() for t in right.get_xticklabels()] == ["real labels", "random\na", "random\nb"]
    plt.close(fig)
    scrambled = generalization.permute_features(digits, seed=0)
    fig = generalization_plots.plot_scrambled_pixels(digits, scrambled, 0.9, 0.8)
    assert fig.axes[0].get_images()[0].get_array().shape == (8, 8)
    assert fig.axes[0].get_title() == f"a digit: {int(digits.y_test[0])}"
    plt.close(fig)


def test_scrambled_digits_keep_their_own_standardisation():
    from course_lib.mlp import generalization

    digits = data.load("digits", seed=0)
    scrambled = generalization.permute_features(digits, seed=0)
    raw = digits.X_test * digits.std + digits.mean
    raw_scrambled = scrambled.X_test * scrambled.std + scrambled.mean
    assert sorted(raw[0].tolist()) == pytest.approx(sorted(raw_scrambled[0].tolist()), abs=1e-5)
    assert raw.min() >= -1e-5 and raw.max() <= 16 + 1e-4  # digits' pixels are 0..16
