"""The playground's data: ``data.make_toy``'s sets placed in the plane it shades, split into train and test.

The generators live in ``course_lib.data`` (one set, TensorFlow Playground's names); here they get
the playground's conventions: every set in the square it shades (moons moved and scaled into it),
``noise`` from 0 to 0.5 (TensorFlow Playground's 0–50 %), a share of class 1 and a train/test ratio.
``seed`` is the draw: a new seed, a new sample of the same set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..checks import check_range, checked
from ..data import TOY_SETS, Split, make_toy

DATASETS = TOY_SETS
EXTENT = 1.6  # the plane the playground shades: [-EXTENT, EXTENT]²
# TensorFlow Playground's input features, computed from (x1, x2). Its sin(x) sees the plane
# [-6, 6]²; on this course's [-1.6, 1.6]² the same waves are sin(4x).
FEATURES = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1x2": lambda X: X[:, 0] * X[:, 1],
    "sin4x1": lambda X: torch.sin(4 * X[:, 0]),
    "sin4x2": lambda X: torch.sin(4 * X[:, 1]),
}
_MOONS_SHIFT, _MOONS_SCALE = np.array([0.5, 0.25]), 1.6  # scikit-learn's moons into the square
_MOONS_NOISE = 0.4  # noise 0.5 here: scikit-learn's 0.2, a std of 0.125 in the square


@dataclass(repr=False)
class ToyData(Split):
    """A ``data.Split`` of a toy set whose validation points are its test points (TensorFlow
    Playground's "test data", what fit monitors), with the input ``features`` the network is fed."""

    features: tuple[str, ...] = ("x1", "x2")

    @property
    def fit_data(self) -> tuple[torch.Tensor, ...]:
        """(features of X_train, y_train, features of X_test, y_test), as ``training.fit`` takes it."""
        return (feature_columns(self.X_train, self.features), self.y_train,
                feature_columns(self.X_test, self.features), self.y_test)

    def __repr__(self) -> str:
        share = float(torch.cat([self.y_train, self.y_test]).float().mean())
        return (f"ToyData({self.name}: train={len(self.X_train)}, test={len(self.X_test)}, "
                f"class 1 = {share:.0%})")


@checked
def make_dataset(name: str, n_samples: int = 400, noise: float = 0.1, *, positive_fraction: float = 0.5,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``data.make_toy``'s set ``name`` in the playground's square, with ``noise`` from 0 to 0.5."""
    check_range("noise", noise, 0.0, 1.0)
    if name != "moons":
        return make_toy(name, n_samples, noise, seed, positive_fraction=positive_fraction)
    X, y = make_toy(name, n_samples, noise * _MOONS_NOISE, seed, positive_fraction=positive_fraction)
    return ((X - _MOONS_SHIFT) / _MOONS_SCALE).astype(np.float32), y


@checked
def feature_columns(X: torch.Tensor, features=("x1", "x2")) -> torch.Tensor:
    """The input features (names of FEATURES) of the points X (n, 2), one column each."""
    check_features(features)
    return torch.stack([FEATURES[f](X) for f in features], dim=1)


@checked
def check_features(features) -> None:
    """Raise unless ``features`` is a non-empty sequence of distinct names of FEATURES."""
    if isinstance(features, (str, bytes)) or not isinstance(features, (list, tuple)) or not features \
            or not all(isinstance(f, str) and f in FEATURES for f in features) \
            or len(set(features)) != len(features):
        raise ValueError(f"features must be a non-empty sequence of distinct names from {list(FEATURES)}, "
                         f"got {features!r}")


@checked
def make_split(name: str, n_samples: int = 400, noise: float = 0.1, *, train_fraction: float = 0.5,
               positive_fraction: float = 0.5, features=("x1", "x2"), seed: int = 0) -> ToyData:
    """One draw of a set, split into train and test points (stratified: both keep the class shares).

    ``features`` are what the network is fed (``fit_data``); X_train and X_test keep the points.
    """
    check_range("train_fraction", train_fraction, 0.0, 1.0, inclusive=False)
    check_features(features)
    X, y = make_dataset(name, n_samples, noise, positive_fraction=positive_fraction, seed=seed)
    train = np.zeros(n_samples, dtype=bool)
    rng = np.random.default_rng(seed + 1)
    for c in (0, 1):
        rows = np.flatnonzero(y == c)
        n_train = min(max(round(len(rows) * train_fraction), 1), len(rows) - 1)
        train[rng.choice(rows, n_train, replace=False)] = True
    X_train, y_train = torch.from_numpy(X[train]), torch.from_numpy(y[train])
    X_test, y_test = torch.from_numpy(X[~train]), torch.from_numpy(y[~train])
    return ToyData(X_train, y_train, X_test, y_test, X_test, y_test, task="binary", num_classes=2,
                   name=name, features=tuple(features))
