"""TensorFlow Playground's 2-D data sets (circle, xor, gauss, spiral) plus moons, drawn class by class.

Every set lives in the square [-1, 1]² (so the playground can shade a fixed plane, as TensorFlow
Playground does), has a ``noise`` level, a share of class 1 (``positive_fraction``, for class
imbalance) and a train/test ratio (``train_fraction``). ``seed`` is the draw: a new seed, a new
sample of the same set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn import datasets as skd

from ..checks import check_choice, check_positive, check_range, check_type, checked

DATASETS = ("circle", "xor", "gauss", "spiral", "moons")
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


@dataclass
class ToyData:
    """Train and test points of one draw (no validation set: TensorFlow Playground's "test data")."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    name: str = ""
    features: tuple[str, ...] = ("x1", "x2")

    @property
    def fit_data(self) -> tuple[torch.Tensor, ...]:
        """(features of X_train, y_train, features of X_test, y_test), as ``training.fit`` takes it.

        The test set is fit's validation set: its loss and accuracy are recorded every epoch.
        """
        return (feature_columns(self.X_train, self.features), self.y_train,
                feature_columns(self.X_test, self.features), self.y_test)

    def __repr__(self) -> str:
        share = float(torch.cat([self.y_train, self.y_test]).float().mean())
        return (f"ToyData({self.name}: train={len(self.X_train)}, test={len(self.X_test)}, "
                f"class 1 = {share:.0%})")


def _circle(n0: int, n1: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 inside radius 0.5, class 0 on a ring 0.7–1.0 around it."""
    r = np.r_[rng.uniform(0.7, 1.0, n0), rng.uniform(0.0, 0.5, n1)]
    angle = rng.uniform(0, 2 * np.pi, n0 + n1)
    return np.c_[r * np.cos(angle), r * np.sin(angle)], np.r_[np.zeros(n0), np.ones(n1)]


def _xor(n0: int, n1: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 where x1·x2 > 0 (two opposite quadrants), class 0 in the other two."""
    def quadrant_points(n: int, same_sign: bool) -> np.ndarray:
        P = rng.uniform(0.06, 1.0, size=(n, 2)) * rng.choice([-1, 1], size=(n, 1))
        return P if same_sign else P * [1, -1]
    return np.r_[quadrant_points(n0, False), quadrant_points(n1, True)], np.r_[np.zeros(n0), np.ones(n1)]


def _gauss(n0: int, n1: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two round clouds at (-0.45, -0.45) (class 0) and (0.45, 0.45) (class 1)."""
    X = np.r_[rng.normal(-0.45, 0.18, size=(n0, 2)), rng.normal(0.45, 0.18, size=(n1, 2))]
    return X, np.r_[np.zeros(n0), np.ones(n1)]


def _spiral(n0: int, n1: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, each turning 1.5 times."""
    arm = np.r_[np.zeros(n0), np.ones(n1)]
    t = np.sqrt(rng.uniform(0.02, 1, n0 + n1)) * 3 * np.pi
    angle = t + np.pi * arm
    return np.c_[t * np.cos(angle), t * np.sin(angle)] / (3 * np.pi), arm


def _moons(n0: int, n1: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's two moons, moved and scaled into the square."""
    X, y = skd.make_moons((n0, n1), noise=0.0, random_state=int(rng.integers(2**31)))
    return (X - [0.5, 0.25]) / 1.6, y


_MAKERS = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral, "moons": _moons}
_NOISE_SCALE = {"circle": 0.35, "xor": 0.35, "gauss": 0.4, "spiral": 0.12, "moons": 0.25}


@checked
def make_dataset(name: str, n_samples: int = 400, noise: float = 0.1, *, positive_fraction: float = 0.5,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """X of shape (n, 2) in about [-1, 1]², y in {0, 1} with a share ``positive_fraction`` of class 1.

    ``noise`` (0 to 0.5, TensorFlow Playground's 0–50 %) moves every point by Gaussian noise scaled
    to the set, so the classes start to overlap.
    """
    check_choice("name", name, DATASETS)
    check_positive("n_samples", n_samples, integer=True)
    if n_samples < 4:
        raise ValueError(f"n_samples must be at least 4 (two points per class), got {n_samples}")
    check_range("noise", noise, 0.0, 1.0)
    check_range("positive_fraction", positive_fraction, 0.0, 1.0, inclusive=False)
    check_type("seed", seed, int, "an integer")
    rng = np.random.default_rng(seed)
    n1 = min(max(round(n_samples * positive_fraction), 2), n_samples - 2)
    X, y = _MAKERS[name](n_samples - n1, n1, rng)
    X = X + rng.normal(0, noise * _NOISE_SCALE[name], size=X.shape)
    order = rng.permutation(n_samples)
    return X[order].astype(np.float32), y[order].astype(np.int64)


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
    T = torch.from_numpy
    return ToyData(T(X[train]), T(y[train]), T(X[~train]), T(y[~train]), name=name, features=tuple(features))
