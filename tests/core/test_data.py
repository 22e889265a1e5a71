"""Datasets and splits: shapes, dtypes, seeding, standardisation with training statistics only."""

import numpy as np
import pytest
import torch

from course_lib import data


@pytest.mark.parametrize("name", data.TOY_SETS)
def test_toy_sets_are_binary_2d_and_seeded(name):
    X, y = data.make_toy(name, n_samples=300, noise=0.1, seed=3)
    assert X.shape == (300, 2) and X.dtype == np.float32
    assert set(np.unique(y)) == {0, 1}
    X2, y2 = data.make_toy(name, n_samples=300, noise=0.1, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, data.make_toy(name, n_samples=300, noise=0.1, seed=4)[0])


@pytest.mark.parametrize("name", data.TABULAR_SETS)
def test_tabular_sets_load_offline(name):
    X, y = data.load_tabular(name)
    assert X.ndim == 2 and len(X) == len(y) and y.dtype == np.int64


def test_split_is_stratified_standardised_with_train_statistics():
    s = data.load("breast_cancer", seed=0)
    assert s.task == "binary" and s.num_classes == 2 and s.out_features == 1
    n = len(s.X_train) + len(s.X_val) + len(s.X_test)
    assert n == 569 and abs(len(s.X_test) / n - 0.2) < 0.01
    assert torch.allclose(s.X_train.mean(0), torch.zeros(s.in_features), atol=1e-4)
    assert torch.allclose(s.X_train.std(0), torch.ones(s.in_features), atol=1e-3)
    rates = [float(y.float().mean()) for y in (s.y_train, s.y_val, s.y_test)]
    assert max(rates) - min(rates) < 0.03  # stratified
    assert s.y_train.dtype == torch.int64


def test_split_multiclass_and_regression():
    digits = data.load("digits")
    assert digits.task == "multiclass" and digits.num_classes == 10 and digits.out_features == 10
    reg = data.load("regression", n_samples=200, n_features=5)
    assert reg.task == "regression" and reg.y_train.dtype == torch.float32 and reg.num_classes is None
    wave = data.load("sin", n_samples=100)
    assert wave.in_features == 1 and wave.mean is None  # 1-D functions keep their x scale


def test_function_1d_and_seed_reproducibility():
    X, y = data.make_function_1d("wiggly", n_samples=50, seed=1)
    assert X.shape == (50, 1) and y.shape == (50,)
    assert np.allclose(y, np.sin(3 * X[:, 0]) + 0.5 * np.cos(5 * X[:, 0]), atol=1e-5)
    a, b = data.load("moons", seed=5), data.load("moons", seed=5)
    assert torch.equal(a.X_train, b.X_train)


def test_split_repr_names_sizes():
    assert "train=" in repr(data.load("moons", n_samples=100))
