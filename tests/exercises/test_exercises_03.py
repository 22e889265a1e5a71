"""Notebook 03's exercises: every reference answer agrees with what the library measures."""

import numpy as np
import pytest
import torch

from course_lib import exercises
from course_lib.architecture import batchnorm, diagnostics, trainability
from course_lib.exercises import ex03


@pytest.fixture(autouse=True)
def fresh_attempts():
    exercises.reset()
    yield
    exercises.reset()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tanh_at_depth_30_vanishes_under_the_default_init_and_flows_under_xavier(digits, seed):
    assert exercises.get("03.tanh_depth30").answer == "c"
    default, xavier = diagnostics.flow_ratios(digits, 30, ["tanh"], ("default", "xavier"), seed=seed)["tanh"]
    assert default < 1e-4 / 10  # measured ~1e-6: "vanishes", with a margin of 10x
    assert xavier > 0.5  # measured 1.5-3: "flows again (ratio above 1)"


def test_at_30_layers_the_batchnorm_net_ends_well_below_0_8_without_diverging(digits):
    assert exercises.get("03.depth30_trains").answer == "b"
    sweep = trainability.depth_sweep(digits, depths=(30,), seed=0)
    assert sweep.trains(30, 0.8) == ["residual"]
    bn = sweep.final("BatchNorm")[0]
    assert not np.isnan(bn) and bn < 0.6  # measured 0.19-0.36 over seeds 0-2: "well below 0.8"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gelu_units_die_at_lr_0_1_leaky_relu_units_do_not(digits, seed):
    assert exercises.get("03.gelu_dead").answer == "c"
    r = diagnostics.dead_units_vs_lr(digits, (0.1,), ("gelu", "leaky_relu"), num_epochs=5, seeds=(seed,))
    assert r.dead["gelu"][0, 0] > 0.3  # "a large share": measured 0.4-0.8
    assert r.dead["leaky_relu"][0, 0] == 0


def test_a_gated_skip_passes_no_gradient_where_the_sum_is_negative():
    x = torch.tensor([-2.0, 1.0], requires_grad=True)
    branch = torch.tensor([0.5, 0.5])  # F(x) constant: ∂F/∂x = 0
    torch.relu(x + branch).sum().backward()
    assert x.grad[0] == exercises.get("03.gated_skip").answer  # the sum -1.5 < 0: gated
    assert x.grad[1] == 1.0
    y = torch.tensor([-2.0], requires_grad=True)
    (y + 0.5).sum().backward()  # the pre-activation block: exactly 1
    assert y.grad[0] == 1.0


def test_the_reference_batch_norm_is_nn_batchnorm1d_and_our_batchnorm_passes_the_check(capsys):
    rng = np.random.default_rng(0)
    for size in (1, 4, 16):
        x, gamma, beta = ex03._batch_norm_inputs(rng, size)
        ours = batchnorm.BatchNorm(3).double().train()
        with torch.no_grad():
            ours.weight.copy_(gamma)
            ours.bias.copy_(beta)
            torch.testing.assert_close(ours(x), ex03.batch_norm_reference(x, gamma, beta))

    def student(x, gamma, beta, eps=1e-5):
        mean = x.mean(dim=0)
        var = x.var(dim=0, unbiased=False)
        return gamma * (x - mean) / torch.sqrt(var + eps) + beta

    assert exercises.check("03.batchnorm_forward", student)
    assert "Correct" in capsys.readouterr().out


def test_each_wrong_batch_norm_differs_from_the_reference_on_the_smallest_input():
    x, gamma, beta = ex03._batch_norm_inputs(np.random.default_rng(0), 1)
    expected = ex03.batch_norm_reference(x, gamma, beta)
    for wrong in exercises.get("03.batchnorm_forward").wrong.values():
        assert not torch.allclose(wrong(x, gamma, beta), expected, atol=1e-4)
