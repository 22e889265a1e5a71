"""Bad input gets a ValueError/TypeError that names the argument, what was expected and what was given."""

import numpy as np
import pytest
import torch

from course_lib import data, exercises, plots, runtime
from course_lib.initialization import initialize
from course_lib.mlp import approximation
from course_lib.models import MLP, count_parameters
from course_lib.training import fit, make_optimizer


@pytest.fixture(scope="module")
def moons():
    return data.load("moons", n_samples=100)


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: data.make_toy("donut"), ValueError, r"name must be one of .*got 'donut'"),
    (lambda: data.make_toy("moons", n_samples=0), ValueError, r"n_samples must be an integer > 0, got 0"),
    (lambda: data.make_toy("moons", n_samples=2.5), TypeError, r"n_samples must be an integer"),
    (lambda: data.make_toy("moons", noise=-1), ValueError, r"noise must be a number >= 0, got -1"),
    (lambda: data.load("nope"), ValueError, r"name must be one of"),
    (lambda: data.load("digits", noise=0.1), TypeError, r"takes no options"),
    (lambda: data.split(np.zeros((10, 2)), np.zeros(9)), ValueError, r"X and y must have the same length, got 10 and 9"),
    (lambda: data.split(np.zeros(10), np.zeros(10)), ValueError, r"X must have shape \(n_samples, n_features\)"),
    (lambda: data.split(np.full((10, 2), np.nan), np.arange(10) % 2), ValueError, r"X must be finite, got 20 NaN"),
    (lambda: data.split(np.zeros((10, 2)), np.zeros(10), val_size=1.5), ValueError, r"val_size must be a number in \(0.0, 1.0\)"),
    (lambda: data.split("abc", np.zeros(3)), TypeError, r"X must be a numpy array or torch tensor, got 'abc'"),
    (lambda: data.make_function_1d("tan"), ValueError, r"fn must be one of"),
    (lambda: MLP(0), ValueError, r"in_features must be an integer > 0, got 0"),
    (lambda: MLP(2, hidden=(4, 0)), ValueError, r"hidden must be a sequence of positive integers, got \(4, 0\)"),
    (lambda: MLP(2, hidden=8), ValueError, r"hidden must be a sequence"),
    (lambda: MLP(2, activation="swish"), ValueError, r"activation must be one of .*got 'swish'"),
    (lambda: MLP(2, task="ranking"), ValueError, r"task must be one of"),
    (lambda: MLP(2, init="lecun"), ValueError, r"init must be one of"),
    (lambda: MLP(2, dropout=1.5), ValueError, r"dropout must be a number in \[0.0, 1.0\], got 1.5"),
    (lambda: MLP(2, batch_norm="yes"), TypeError, r"batch_norm must be True or False"),
    (lambda: initialize("model"), TypeError, r"model must be a torch.nn.Module, got str"),
    (lambda: count_parameters([1, 2]), TypeError, r"model must be a torch.nn.Module"),
    (lambda: make_optimizer("rmsprop", [torch.nn.Parameter(torch.zeros(1))], 0.1), ValueError, r"optimizer must be one of"),
    (lambda: runtime.setup(threads=0, verbose=False), ValueError, r"threads must be an integer > 0"),
    (lambda: exercises.check("01.nope", 1), ValueError, r"key must be one of"),
    (lambda: exercises.check("99.x", 1), ValueError, r"no exercises for notebook '99'"),
    (lambda: approximation.tent_network(0), ValueError, r"k must be an integer > 0"),
    (lambda: approximation.collapse_linear([torch.nn.Linear(2, 3), torch.nn.Linear(2, 1)]), ValueError, r"do not chain"),
])
def test_library_argument_errors(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(lr=-0.1), ValueError, r"lr must be a number > 0, got -0.1"),
    (dict(lr=0), ValueError, r"lr must be a number > 0, got 0"),
    (dict(batch_size=0), ValueError, r"batch_size must be an integer > 0, got 0"),
    (dict(batch_size=16.0), TypeError, r"batch_size must be an integer > 0, got 16.0"),
    (dict(num_epochs=0), ValueError, r"num_epochs must be an integer > 0"),
    (dict(num_epochs=2, num_steps=3), ValueError, r"give num_epochs or num_steps, not both"),
    (dict(optimizer="lion"), ValueError, r"optimizer must be one of"),
    (dict(accumulation_steps=0), ValueError, r"accumulation_steps must be an integer > 0"),
    (dict(clip_grad_norm=-1.0), ValueError, r"clip_grad_norm must be a number > 0"),
    (dict(scheduler="cosine"), TypeError, r"scheduler must be a function optimizer -> LR scheduler, got str"),
    (dict(scheduler_interval="batch"), ValueError, r"scheduler_interval must be one of"),
    (dict(weight_decay=-0.1), ValueError, r"weight_decay must be a number >= 0"),
])
def test_fit_argument_errors(moons, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        fit(MLP(2), moons, **kwargs)


def test_fit_data_errors(moons):
    X, y = moons.X_train, moons.y_train
    with pytest.raises(ValueError, match=r"y must hold labels in 0..1 for 2 classes, got label 3"):
        fit(MLP(2), (X, torch.full_like(y, 3)))
    with pytest.raises(ValueError, match=r"y must hold labels >= 0"):
        fit(MLP(2), (X, -torch.ones_like(y)))
    with pytest.raises(ValueError, match=r"y must hold integer class labels"):
        fit(MLP(2), (X, y.float() + 0.5))
    with pytest.raises(ValueError, match=r"X must be finite"):
        fit(MLP(2), (X * float("nan"), y))
    with pytest.raises(ValueError, match=r"X and y must have the same length"):
        fit(MLP(2), (X, y[:-1]))
    with pytest.raises(ValueError, match=r"X must have 3 features for this model .*got 2"):
        fit(MLP(3), (X, y))
    with pytest.raises(TypeError, match=r"data must be a course_lib.data.Split"):
        fit(MLP(2), X)
    with pytest.raises(TypeError, match=r"model must be a torch.nn.Module, got str"):
        fit("model", moons)
    with pytest.raises(ValueError, match=r"patience needs validation data"):
        fit(MLP(2), (X, y), patience=2)
    frozen = MLP(2)
    frozen.requires_grad_(False)
    with pytest.raises(ValueError, match=r"no trainable parameters"):
        fit(frozen, moons)


def test_plot_errors():
    with pytest.raises(ValueError, match=r"X must have 2 features to draw a decision boundary, got 3"):
        plots.decision_grid(MLP(3), np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"key must be one of"):
        plots.plot_history(None, key="accuracy")
