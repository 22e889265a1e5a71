"""Bad input gets a ValueError/TypeError that names the argument, what was expected and what was given."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_lib import data, exercises, metrics, plots, runtime
from course_lib.architecture import diagnostics
from course_lib.evaluation import metric_plots
from course_lib.initialization import initialize
from course_lib.mlp import approximation
from course_lib.models import MLP, count_parameters
from course_lib.training import evaluate, fit, make_optimizer, predict


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


# ----------------------------------------------------------------------------- what a new user passes
@pytest.mark.parametrize("make", [np.int64, np.int32, np.array], ids=["np.int64", "np.int32", "0-d array"])
def test_numpy_integers_work_where_python_ints_are_expected(moons, make):
    model = MLP(make(2), hidden=(make(4),) if make is not np.array else np.array([4]), seed=make(0))
    history = fit(model, moons, batch_size=make(16), num_epochs=make(1), seed=make(1))
    assert history.num_steps == math.ceil(len(moons.X_train) / 16)
    assert model.config["hidden"] == (4,) and type(model.config["hidden"][0]) is int


def test_numpy_floats_and_0d_arrays_work_where_numbers_are_expected(moons):
    a = fit(MLP(2, hidden=(4,)), moons, lr=np.array(0.01), num_epochs=1)
    b = fit(MLP(2, hidden=(4,)), moons, lr=0.01, num_epochs=1)
    assert a.step_loss == b.step_loss


def test_numpy_arrays_work_where_tensors_are_expected(moons):
    model = MLP(2, hidden=(4,))
    X, y = moons.X_val.numpy(), moons.y_val.numpy()
    assert evaluate(model, X, y) == evaluate(model, moons.X_val, moons.y_val)
    assert torch.equal(predict(model, X), predict(model, moons.X_val))
    assert torch.equal(predict(model, X.tolist()), predict(model, moons.X_val))


@pytest.mark.parametrize("call, pattern", [
    (lambda: data.split(np.zeros((3, 2)), np.array([0, 1, 0])), r"y must hold at least 3 examples of each class"),
    (lambda: data.load("moons", n_samples=3), r"n_samples must be at least 4"),
    (lambda: data.split(np.zeros((20, 0)), np.arange(20) % 2), r"X must have at least one feature, got shape \(20, 0\)"),
    (lambda: MLP(0), r"in_features must be an integer > 0, got 0"),
    (lambda: predict(MLP(2, hidden=(4,)), np.zeros((5, 0))), r"X must have at least one feature"),
])
def test_data_too_small_or_without_features_gets_a_clear_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_constant_scores_are_a_result_not_a_crash():
    y_true, y_score = np.array([0, 1] * 5), np.full(10, 0.5)
    assert metrics.roc_auc_score(y_true, y_score) == 0.5
    assert metrics.average_precision_score(y_true, y_score) == 0.5
    fpr, tpr, _ = metrics.roc_curve(y_true, y_score)
    assert list(fpr) == [0.0, 1.0] and list(tpr) == [0.0, 1.0]
    assert metrics.precision_score(y_true, np.zeros(10, int)) == 0.0
    metric_plots.plot_roc(fpr, tpr)
    metric_plots.plot_score_histograms(y_true, y_score)
    metric_plots.plot_scores_and_confusion(y_true, y_score)
    plt.close("all")


def test_a_gradient_ratio_of_zero_or_infinity_is_named_not_refused():
    assert diagnostics.flow_verdict(0.0).startswith("vanished")
    assert diagnostics.flow_verdict(math.inf).startswith("grows")  # the last layer's gradient vanished
    with pytest.raises(ValueError, match=r"ratio must be a number >= 0"):
        diagnostics.flow_verdict(-1.0)
