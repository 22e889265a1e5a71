"""Claims of notebook 03 (C9-C12 of shared/lecture/claims.md), asserted on measured outcomes."""

import pytest

from course_lib import batchnorm, capacity, data, diagnostics, residual

SEEDS = [0, 1, 2]


def ratio(digits, depth, activation, init, seed):
    return diagnostics.gradient_ratio(diagnostics.gradient_flow(digits, depth, activation, init, seed=seed))


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_c9_sigmoid_gradients_vanish_relu_with_he_init_does_not(digits, seed):
    sigmoid = ratio(digits, 10, "sigmoid", "default", seed)
    sigmoid_xavier = ratio(digits, 10, "sigmoid", "xavier", seed)
    relu_he = ratio(digits, 10, "relu", "he", seed)
    assert sigmoid < 1e-4 and sigmoid_xavier < 1e-3  # measured ~1e-7 and ~1e-5
    assert relu_he > 0.05  # measured 0.2-0.6
    assert sigmoid < 1e-3 * relu_he
    for init in ("default", "xavier", "he"):  # tanh is not sigmoid: it flows under every init
        assert ratio(digits, 10, "tanh", init, seed) > 1e-2  # measured 0.06 (default) to ~2
        assert ratio(digits, 10, "sigmoid", init, seed) < 1e-3  # measured 1e-8 to 1e-5
    assert ratio(digits, 10, "relu", "default", seed) < 1e-2  # default init already weakens ReLU


@pytest.mark.parametrize("seed", [0, 1])
def test_c9_at_depth_30_the_initialisation_decides_for_relu(digits, seed):
    assert ratio(digits, 30, "relu", "default", seed) < 1e-6  # measured ~1e-10
    assert ratio(digits, 30, "relu", "he", seed) > 0.05


def test_c10_relu_is_sparse_at_he_init(digits):
    model = diagnostics.deep_mlp(digits, 2, "relu", "he")
    zeros = diagnostics.zero_fraction(model, digits.X_train)
    assert all(0.35 < z < 0.65 for z in zeros), zeros


def test_c10_dead_relus_rise_with_lr_leaky_relu_never_dies(digits):
    r = diagnostics.dead_units_vs_lr(digits, (1e-3, 1e-2, 0.1), ("relu", "leaky_relu"), num_epochs=5,
                                     seeds=(0, 1))
    relu = r.dead["relu"]
    assert (relu[:, 0] < 0.1).all() and (relu[:, -1] > 0.4).all()  # measured 0 and ~0.8
    assert r.rises_with_lr("relu", min_rise=0.5)  # never falls as the lr grows (each seed)
    assert not r.rises_with_lr("leaky_relu", min_rise=0.01)
    assert (r.dead["leaky_relu"] == 0).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_c11_skip_connections_let_a_deep_net_train(digits, seed):
    runs = residual.compare(digits, seed=seed, configs=residual.CONFIGS[:2])
    assert runs["residual"].history.final("val_metric") >= 0.85  # measured ~0.95
    assert runs["plain"].history.final("val_metric") <= 0.2  # stuck at chance, ~0.10
    assert diagnostics.gradient_ratio(runs["plain"].grad_norms) < 1e-6
    assert diagnostics.gradient_ratio(runs["residual"].grad_norms) > 1e-3


def test_c12_bn_wins_the_lr_by_init_grid(digits):
    grid = batchnorm.lr_init_grid(digits, lrs=(0.01, 0.1, 1.0), init_scales=(0.5, 1.0, 3.0))
    with_bn, without = grid.wins("with BN", 0.8), grid.wins("without BN", 0.8)
    assert with_bn >= 5 and without <= 2 and with_bn >= without + 4, (with_bn, without)


def test_c12_bn_helps_even_with_injected_covariate_shift(digits):
    runs = batchnorm.covariate_shift_experiment(digits)
    acc = {k: h.final("val_metric") for k, (h, _) in runs.items()}
    shift = {k: c.mean() for k, (_, c) in runs.items()}
    assert acc["without BN"] <= 0.2 and acc["with BN"] >= 0.85  # measured 0.10 and 0.95
    assert acc["BN + injected shift"] >= 0.6  # measured 0.80
    assert shift["BN + injected shift"] > 2 * shift["without BN"]  # more shift, yet it trains


@pytest.mark.parametrize("seed", [0, 1])
def test_capacity_beyond_need_buys_training_not_validation_accuracy(seed):
    moons = data.load("moons", n_samples=1000, noise=0.35, val_size=0.8, test_size=0.1, seed=0)
    sweep = capacity.depth_width_sweep(moons, depths=(1, 4), widths=(16, 128), num_steps=400,
                                       batch_size=30, seed=seed)
    big, best_16 = sweep.val_accuracy[1, 1], sweep.val_accuracy[:, 0].max()
    assert sweep.train_accuracy[1, 1] > 0.94  # measured ~0.98
    assert big < best_16 - 0.02  # measured 0.79 vs 0.83 (seed 0), 0.76 vs 0.83 (seed 1): 800 val points
    assert sweep.gap[1, 1] > sweep.gap[0, 0] + 0.05


def test_c9_the_notebooks_verdicts_sigmoid_vanishes_tanh_flows_the_init_decides_for_relu(digits):
    ratios = diagnostics.flow_ratios(digits, 10, ("sigmoid", "tanh", "relu", "gelu"))
    assert diagnostics.init_effect(ratios) == {"vanishes under every init": ["sigmoid"],
                                               "flows under every init": ["tanh"],
                                               "the init decides": ["relu", "gelu"]}
    assert diagnostics.flow_verdict(1e-5).startswith("vanishes")
    assert diagnostics.flow_verdict(1e-3) == "weakens" and diagnostics.flow_verdict(0.5).startswith("flows")
