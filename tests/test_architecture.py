"""Notebook 03's library: activations by autograd, BatchNorm by hand, residual blocks, diagnostics."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_lib import activation_plots, activations, batchnorm, capacity, data, diagnostics, resnet
from course_lib.models import MLP, count_parameters


@pytest.fixture(scope="module")
def digits():
    return data.load("digits")


# --- activations -------------------------------------------------------------------------------

X = torch.linspace(-6, 6, 1001, dtype=torch.float64)
TORCH_REFERENCE = {  # torch's own function and the textbook derivative
    "sigmoid": (torch.sigmoid, lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x))),
    "tanh": (torch.tanh, lambda x: 1 - torch.tanh(x) ** 2),
    "relu": (F.relu, lambda x: (x > 0).double()),
    "softplus": (F.softplus, torch.sigmoid),
    "leaky_relu": (F.leaky_relu, lambda x: torch.where(x > 0, 1.0, 0.01).double()),
    "elu": (F.elu, lambda x: torch.where(x > 0, 1.0, torch.exp(x)).double()),
    "gelu": (F.gelu, lambda x: 0.5 * (1 + torch.erf(x / math.sqrt(2)))
             + x * torch.exp(-x**2 / 2) / math.sqrt(2 * math.pi)),
}


@pytest.mark.parametrize("name", list(TORCH_REFERENCE))
def test_activation_and_autograd_derivative_match_torch(name):
    f, df = TORCH_REFERENCE[name]
    with torch.no_grad():
        assert torch.allclose(activations.get_activation(name)(X), f(X), atol=1e-12)
    assert torch.allclose(activations.derivative(name, X), df(X), atol=1e-10)


def test_derivative_of_step_is_zero_and_bad_input_is_refused():
    assert torch.equal(activations.derivative("step", X), torch.zeros_like(X))
    with pytest.raises(TypeError, match="x must be a floating-point tensor"):
        activations.derivative("relu", [1.0, 2.0])
    with pytest.raises(ValueError, match="activation"):
        activations.derivative("swish!", X)


def test_measured_ranges_correct_errata_e1_to_e4():
    rows = {r["name"]: r for r in activations.activation_table()}
    assert rows["softplus"]["range"] == "(0, inf)" and not rows["softplus"]["range_ok"]  # E1
    assert rows["leaky_relu"]["range"] == "(-inf, inf)" and not rows["leaky_relu"]["range_ok"]  # E2
    assert rows["elu"]["range"] == "(-1, inf)" and not rows["elu"]["range_ok"]  # E3
    assert rows["relu"]["derivative_at_zero"] == 0.0  # E4: PyTorch picks 0
    for name in ("sigmoid", "tanh", "relu", "linear", "step"):
        assert rows[name]["range_ok"], name
    assert rows["sigmoid"]["derivative_max"] == pytest.approx(0.25, abs=1e-6)
    assert rows["gelu"]["range"] == "[-0.17, inf)" and rows["gelu"]["derivative_min"] < 0
    assert all(r["derivative_error"] < 1e-6 for r in rows.values())  # the slide's f' formulas hold
    text = activations.format_table(list(rows.values()))
    assert "softplus" in text and "E1" in text
    with pytest.raises(ValueError, match="names"):
        activations.activation_table(["relu", "nope"])
    with pytest.raises(ValueError, match="window"):
        activations.measure_range("relu", window=-1)


def test_activation_figures_and_explorer():
    fig = activation_plots.plot_activations(["relu", "gelu"])
    assert len([a for a in fig.axes if a.get_visible()]) == 2
    explorer = activation_plots.activation_explorer("sigmoid", 0.0)
    explorer.redraw()
    assert explorer.state["derivative"] == pytest.approx(0.25)
    explorer.controls["name"].value = "relu"
    explorer.controls["x0"].value = -1.0
    assert explorer.state["derivative"] == 0.0 and explorer.state["range"] == "[0, inf)"
    with pytest.raises(ValueError, match="x0"):
        activation_plots.draw_activation("relu", 10.0)
    plt.close("all")


# --- batch normalization -----------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("batch_size", [2, 16])
def test_hand_written_batchnorm_matches_torch_in_train_and_eval(seed, batch_size):
    diff = batchnorm.check_against_torch(num_features=5, batch_size=batch_size, num_batches=4, seed=seed)
    assert set(diff) == {"train output", "grad x", "grad gamma", "grad beta", "running mean",
                         "running var", "eval output"}
    assert max(diff.values()) < 1e-4, diff


def test_batchnorm_train_uses_batch_stats_eval_uses_running_stats():
    torch.manual_seed(0)
    bn = batchnorm.BatchNorm(3)
    X = 5 * torch.randn(64, 3) + 10
    y = bn.train()(X)
    assert torch.allclose(y.mean(0), torch.zeros(3), atol=1e-5)
    assert torch.allclose(y.std(0, unbiased=False), torch.ones(3), atol=1e-3)
    assert bn.num_batches_tracked == 1
    assert torch.allclose(bn.running_mean, 0.1 * X.mean(0), atol=1e-5)
    before = bn.running_mean.clone()
    with torch.no_grad():
        y_eval = bn.eval()(X)
    assert torch.equal(bn.running_mean, before)  # eval does not update the running statistics
    assert y_eval.mean() > 5  # running stats after one batch are far from this batch's
    dep = batchnorm.batch_dependence(nn.BatchNorm1d(3), X)
    assert dep["train"] > 1e-3 and dep["eval"] == 0.0


def test_batchnorm_refuses_bad_input():
    with pytest.raises(ValueError, match="num_features"):
        batchnorm.BatchNorm(0)
    with pytest.raises(ValueError, match="momentum"):
        batchnorm.BatchNorm(3, momentum=2.0)
    with pytest.raises(ValueError, match="shape"):
        batchnorm.BatchNorm(3)(torch.zeros(4, 2))
    with pytest.raises(ValueError, match="more than 1 example"):
        batchnorm.BatchNorm(3).train()(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="batch_size"):
        batchnorm.check_against_torch(batch_size=1)


def test_replace_batchnorm_with_hand_written_keeps_outputs(digits):
    model = batchnorm.bn_mlp(digits, depth=3, seed=0)
    X = digits.X_train[:32]
    expected = model.train()(X)
    batchnorm.replace_batchnorm(model, hand_written=True)
    assert not any(isinstance(m, nn.BatchNorm1d) for m in model.modules())
    assert torch.allclose(model.train()(X), expected, atol=1e-5)
    with pytest.raises(ValueError, match="no nn.BatchNorm1d"):
        batchnorm.replace_batchnorm(MLP(2))
    with pytest.raises(ValueError, match="noise=True needs batch_norm=True"):
        batchnorm.bn_mlp(digits, batch_norm=False, noise=True)


def test_injected_shift_moves_training_inputs_only():
    shift = batchnorm.InjectedShift(4, shift=1.0, scale=2.0, seed=0)
    x = torch.ones(8, 4)
    y1, y2 = shift.train()(x), shift(x)
    assert not torch.equal(y1, y2)  # fresh noise every step
    assert torch.equal(shift.eval()(x), x)
    with pytest.raises(ValueError, match="scale"):
        batchnorm.InjectedShift(4, scale=0.5)


def test_grid_and_its_plot(digits):
    grid = batchnorm.lr_init_grid(digits, lrs=(0.1,), init_scales=(1.0,), depth=2, num_epochs=1)
    assert set(grid.accuracy) == {"without BN", "with BN"}
    assert grid.accuracy["with BN"].shape == (1, 1)
    assert grid.wins("with BN", 0.0) == 1
    plot_fig = batchnorm.plot_grid(grid)
    assert len(plot_fig.axes) == 3  # two heatmaps and a colour bar
    with pytest.raises(ValueError, match="lrs"):
        batchnorm.lr_init_grid(digits, lrs=(), init_scales=(1.0,))
    plt.close("all")


# --- residual blocks ---------------------------------------------------------------------------

def test_residual_block_outputs_act_of_x_plus_f_of_x():
    block = resnet.ResidualBlock(4)
    x = torch.randn(3, 4)
    assert torch.allclose(block(x), torch.relu(x + block.branch(x)))


def test_residual_mlp_has_the_plain_mlps_layers():
    plain = MLP(5, 3, hidden=(8, 8, 8, 8), task="multiclass", seed=0)
    res = resnet.residual_mlp(5, 3, hidden=(8, 8, 8, 8), task="multiclass", seed=0)
    assert count_parameters(res) == count_parameters(plain)
    assert [type(b).__name__ for b in res.body] == ["Block", "ResidualBlock", "Block"]
    assert res(torch.randn(2, 5)).shape == (2, 3)
    bn = resnet.residual_mlp(5, 3, hidden=(8, 8, 8), task="multiclass", batch_norm=True)
    assert sum(isinstance(m, nn.BatchNorm1d) for m in bn.modules()) == 3
    with pytest.raises(ValueError, match="dropout"):
        resnet.residual_mlp(5, hidden=(8, 8), dropout=0.1)


# --- diagnostics -------------------------------------------------------------------------------

def test_layer_grad_norms_and_ratio(digits):
    model = diagnostics.deep_mlp(digits, 3, "relu", "he", width=16)
    norms = diagnostics.layer_grad_norms(model, digits.X_train[:64], digits.y_train[:64])
    assert len(norms) == 4 and all(v > 0 for v in norms.values())
    assert all(p.grad is None for p in model.parameters())  # nothing left behind
    assert diagnostics.gradient_ratio([1e-3, 1.0]) == pytest.approx(1e-3)
    with pytest.raises(ValueError, match="at least two"):
        diagnostics.gradient_ratio([1.0])
    with pytest.raises(TypeError, match="model"):
        diagnostics.layer_grad_norms("model", digits.X_train, digits.y_train)
    with pytest.raises(ValueError, match="X"):
        diagnostics.layer_grad_norms(model, digits.X_train[:10], digits.y_train[:9])


def test_dead_and_zero_fractions_on_a_hand_made_net():
    model = MLP(2, hidden=(4,), activation="relu", seed=0)
    X = torch.randn(50, 2)
    with torch.no_grad():
        model.body.block1.linear.bias.fill_(-100.0)  # every unit's input is negative
    assert diagnostics.dead_fraction(model, X) == [1.0]
    assert diagnostics.zero_fraction(model, X) == [1.0]
    leaky = MLP(2, hidden=(4,), activation="leaky_relu", seed=0)
    with torch.no_grad():
        leaky.body.block1.linear.bias.fill_(-100.0)
    assert diagnostics.dead_fraction(leaky, X) == [0.0]  # slope 0.01: never dead
    with pytest.raises(ValueError, match="activation module"):
        diagnostics.activation_inputs(nn.Linear(2, 2), X)


def test_gradient_flow_explorer_redraws_on_slider_change(digits):
    explorer = diagnostics.gradient_flow_explorer(digits, depth=10, activation="sigmoid")
    explorer.redraw()
    sigmoid_ratio = explorer.state["ratio"]
    explorer.controls["activation"].value = "relu"
    explorer.controls["init"].value = "he"
    assert explorer.state["activation"] == "relu" and explorer.state["ratio"] > 100 * sigmoid_ratio
    explorer.controls["depth"].value = 4
    assert len(explorer.state["norms"]) == 5 and explorer.figure is not None
    with pytest.raises(ValueError, match="activation"):
        diagnostics.gradient_flow_explorer(digits, activation="step")
    plt.close("all")


def test_gradient_flow_chart_y_axis_shows_every_layer(digits):
    fig, state = diagnostics.draw_gradient_flow(digits, 20, "sigmoid", "default")
    low, high = fig.axes[0].get_ylim()
    assert low <= min(state["norms"]) < max(state["norms"]) <= high  # ~1e-17 reaches below 1e-12
    assert diagnostics.flow_ylim([1e-3, 1.0]) == (1e-12, 1e2)  # the usual range when it suffices
    assert diagnostics.flow_ylim([0.0, 3e-17, 500.0]) == (1e-17, 1e3)  # a 0 is marked, not scaled
    fig, _ = diagnostics.draw_gradient_flow(digits, 30, "sigmoid", "default")
    assert any("underflow" in t.get_text() for t in fig.axes[0].get_legend().get_texts())
    plt.close("all")


def test_rises_with_lr_needs_every_seed_to_rise():
    r = diagnostics.DeadUnits((1e-3, 1e-2, 1e-1), {"relu": np.array([[0, 0.2, 0.8], [0, 0.3, 0.7]]),
                                                   "gelu": np.array([[0, 0.5, 0.4], [0, 0.1, 0.9]])}, {})
    assert r.rises_with_lr("relu", min_rise=0.5)
    assert not r.rises_with_lr("relu", min_rise=0.75)
    assert not r.rises_with_lr("gelu")  # seed 0 falls at the largest lr
    with pytest.raises(ValueError, match="activation"):
        r.rises_with_lr("tanh")


def test_dead_units_vs_lr_shape_and_input_checks(digits):
    r = diagnostics.dead_units_vs_lr(digits, (1e-3,), ("relu",), hidden=(16, 16), num_epochs=1)
    assert r.dead["relu"].shape == (1, 1) and 0 <= r.dead["relu"][0, 0] <= 1
    assert diagnostics.plot_dead_units(r) is not None
    with pytest.raises(ValueError, match="lrs"):
        diagnostics.dead_units_vs_lr(digits, (-1.0,))
    plt.close("all")


# --- capacity ----------------------------------------------------------------------------------

def test_depth_width_sweep_records_params_and_accuracies():
    moons = data.load("moons", n_samples=60, noise=0.3)
    sweep = capacity.depth_width_sweep(moons, depths=(1, 2), widths=(2, 8), num_steps=20)
    assert sweep.params.tolist() == [[9, 33], [15, 105]]
    assert sweep.train_accuracy.shape == (2, 2) and np.all(sweep.gap <= 1)
    fig = capacity.plot_boundaries(sweep, moons, resolution=20)
    assert len(fig.axes) == 4
    with pytest.raises(ValueError, match="widths"):
        capacity.depth_width_sweep(moons, depths=(1,), widths=(0,))
    plt.close("all")


# --- exercises ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "right", "wrong"), [
    ("03.sigmoid_chain", 0.25**10, 0.25),
    ("03.bn_params", 128, 256),
    ("03.skip_gradient", 1, 0),
])
def test_exercises_accept_the_right_answer_only(key, right, wrong, capsys):
    from course_lib import exercises

    assert exercises.check(key, right)
    assert not exercises.check(key, wrong)
    assert not exercises.check(key, ...)
    assert "Not answered yet" in capsys.readouterr().out


def test_sigmoid_chain_accepts_about_1e_minus_6():
    from course_lib import exercises

    assert exercises.check("03.sigmoid_chain", 1e-6)
    assert not exercises.check("03.sigmoid_chain", 1e-5)


def test_bn_params_exercise_matches_torch():
    assert count_parameters(nn.BatchNorm1d(64)) == 128


def test_grid_explorer_threshold_slider_recounts_without_retraining():
    grid = batchnorm.Grid((0.1, 1.0), (1.0,), {"without BN": np.array([[0.5, 0.1]]),
                                               "with BN": np.array([[0.92, 0.85]])})
    explorer = batchnorm.grid_explorer(grid)
    assert explorer.controls["threshold"].description == "threshold"
    explorer.redraw()
    assert explorer.state == {"without BN": 0, "with BN": 2}
    explorer.controls["threshold"].value = 0.9
    assert explorer.state == {"without BN": 0, "with BN": 1}
    with pytest.raises(TypeError, match="grid"):
        batchnorm.grid_explorer({"with BN": 1})
    plt.close("all")


def test_covariate_shift_plot(digits):
    runs = batchnorm.covariate_shift_experiment(digits, num_epochs=1, depth=3, layer=2)
    assert set(runs) == {"without BN", "with BN", "BN + injected shift"}
    fig = batchnorm.plot_covariate_shift(runs)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="layer"):
        batchnorm.covariate_shift_experiment(digits, depth=3, layer=4)
    plt.close("all")


def test_dead_units_explorer_lr_slider_retrains_once_per_value(digits):
    explorer = diagnostics.dead_units_explorer(digits, lrs=(1e-3, 0.1), hidden=(16, 16), num_epochs=2)
    assert explorer.controls["lr"].description == "lr"
    assert explorer.controls["lr"].continuous_update is False
    explorer.redraw()
    assert explorer.state["lr"] == 1e-3 and explorer.state["activity"].shape == (16,)
    explorer.controls["lr"].value = 0.1
    explorer.controls["lr"].value = 1e-3
    assert explorer.cache.misses == 2 and explorer.cache.hits >= 1
    explorer.controls["activation"].value = "leaky_relu"
    assert explorer.state["dead"] == 0  # Leaky ReLU always passes a gradient
    with pytest.raises(ValueError, match="activation"):
        diagnostics.dead_units_explorer(digits, activation="sigmoid")
    plt.close("all")
