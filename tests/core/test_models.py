"""The MLP builder: heads, depth/width, batch norm, residuals, dropout, initialisation, counts."""

import math

import pytest
import torch
from torch import nn

from course_lib import data, models
from course_lib.activations import ACTIVATIONS, TRAINABLE_ACTIVATIONS, get_activation
from course_lib.initialization import initialize
from course_lib.models import MLP, count_parameters, parameter_table


def test_parameter_count_matches_formula():
    m = MLP(4, out_features=3, hidden=(8, 8), task="multiclass")
    assert count_parameters(m) == 5 * 8 + 9 * 8 + 9 * 3 == 139
    assert sum(c for _, _, c in parameter_table(m)) == 139


@pytest.mark.parametrize("activation", TRAINABLE_ACTIVATIONS)
def test_every_trainable_activation_builds_and_backprops(activation):
    m = MLP(3, hidden=(5, 5), activation=activation)
    out = m(torch.randn(7, 3))
    out.sum().backward()
    assert out.shape == (7, 1)
    assert all(p.grad is not None for p in m.parameters())


def test_step_activation_is_plotted_but_not_trainable():
    assert "step" in ACTIVATIONS
    assert torch.equal(get_activation("step")(torch.tensor([-1.0, 0.0, 2.0])), torch.tensor([0.0, 1, 1]))
    with pytest.raises(ValueError, match="activation"):
        MLP(2, activation="step")


def test_batch_norm_residual_dropout_structure():
    m = MLP(2, hidden=(8, 8, 8), batch_norm=True, residual=True, dropout=0.1)
    kinds = [type(b).__name__ for b in m.body]
    assert kinds == ["Block", "Residual", "Residual"]  # the first block changes width: no skip
    assert any(isinstance(x, nn.BatchNorm1d) for x in m.modules())
    assert any(isinstance(x, nn.Dropout) for x in m.modules())


def test_residual_block_outputs_x_plus_f_of_x():
    block = models.Residual(nn.Linear(4, 4))
    x = torch.randn(3, 4)
    assert torch.allclose(block(x), x + block.block(x))


def test_heads_follow_the_task():
    s = data.load("digits")
    m = models.build_mlp(s, hidden=(16,))
    assert m.head.out_features == 10 and m.task == "multiclass"
    assert models.build_mlp(data.load("moons", n_samples=50)).head.out_features == 1
    with pytest.raises(ValueError, match="out_features"):
        MLP(2, out_features=2, task="binary")


def test_seed_makes_models_identical():
    a, b = MLP(3, hidden=(4,), seed=7), MLP(3, hidden=(4,), seed=7)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


def test_inits_match_torch_nn_init_statistics():
    fan_in, fan_out = 400, 300
    layer = nn.Sequential(nn.Linear(fan_in, fan_out))
    initialize(layer, "he", seed=0)
    assert abs(layer[0].weight.std().item() - math.sqrt(2 / fan_in)) < 0.01 * math.sqrt(2 / fan_in) * 5
    initialize(layer, "xavier", seed=0)
    bound = math.sqrt(6 / (fan_in + fan_out))
    assert layer[0].weight.abs().max() <= bound and layer[0].weight.abs().max() > 0.99 * bound
    initialize(layer, "default", seed=0)
    assert layer[0].weight.abs().max() <= 1 / math.sqrt(fan_in)
    square = nn.Sequential(nn.Linear(64, 64))
    initialize(square, "orthogonal", seed=0)
    W = square[0].weight
    assert torch.allclose(W @ W.T, torch.eye(64), atol=1e-5)
    assert square[0].bias.abs().max() == 0


def test_init_equals_torch_with_the_same_generator():
    layer = nn.Sequential(nn.Linear(10, 6))
    initialize(layer, "he", seed=3)
    expected = torch.empty(6, 10)
    nn.init.kaiming_normal_(expected, nonlinearity="relu", generator=torch.Generator().manual_seed(3))
    assert torch.equal(layer[0].weight, expected)


def test_init_scale_multiplies_weights():
    a = MLP(3, hidden=(4,), init="he", seed=1)
    b = MLP(3, hidden=(4,), init="he", init_scale=3.0, seed=1)
    assert torch.allclose(b.head.weight, 3 * a.head.weight)
