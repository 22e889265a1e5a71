"""Notebook 03's library: activations by autograd, BatchNorm by hand, residual blocks, diagnostics."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_lib import batchnorm, diagnostics
from course_lib.models import count_parameters

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
