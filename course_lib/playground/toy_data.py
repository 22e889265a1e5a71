"""The playground's data: ``data.make_toy``'s sets placed in the plane it shades, split into train and test.

The classification generators live in ``course_lib.data`` (one set, TensorFlow Playground's names);
here they get the playground's conventions: every set in the square it shades (moons moved and
scaled into it), ``noise`` from 0 to 0.5 (TensorFlow Playground's 0–50 %), a share of class 1 and a
train/test ratio. TensorFlow Playground's two regression sets, "plane" and "multi-gaussian", are made
here (``make_regression_set``): they exist only in the playground's square. ``seed`` is the draw: a
new seed, a new sample of the same set.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch

from ..checks import check_choice, check_range, checked
from ..data import TOY_SETS, Split, make_toy

REGRESSION_SETS = ("plane", "multi-gaussian")  # TensorFlow Playground's regression sets
DATASETS = TOY_SETS + REGRESSION_SETS
EXTENT = 1.6  # the plane the playground shades: [-EXTENT, EXTENT]²
TF_RADIUS = 6.0  # TensorFlow Playground shades [-6, 6]²: its units times EXTENT / TF_RADIUS are ours
# regressGaussian's six bumps in TensorFlow Playground's units: (centre x, centre y, sign)
GAUSSIANS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))
# TensorFlow Playground's input features, computed from (x1, x2). Its sin(x) sees the plane
# [-6, 6]²; on this course's [-1.6, 1.6]² nearly the same waves are sin(4x) (exactly: sin 3.75x, about
# 7 % fewer waves at the edge).
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
    def in_features(self) -> int:
        """Inputs of a network fed ``fit_data``: one per feature (X_train keeps only the points' x1, x2)."""
        return len(self.features)

    @functools.cached_property
    def fit_data(self) -> tuple[torch.Tensor, ...]:
        """(features of X_train, y_train, features of X_test, y_test), as ``training.fit`` takes it
        (computed once: a run reads it for its epoch-0 losses, for fit and for its test scores)."""
        return (feature_columns(self.X_train, self.features), self.y_train,
                feature_columns(self.X_test, self.features), self.y_test)

    def __repr__(self) -> str:
        if self.task == "regression":
            y = torch.cat([self.y_train, self.y_test])
            return (f"ToyData({self.name}: train={len(self.X_train)}, test={len(self.X_test)}, "
                    f"targets {float(y.min()):.2f} to {float(y.max()):.2f})")
        share = float(torch.cat([self.y_train, self.y_test]).float().mean())
        return (f"ToyData({self.name}: train={len(self.X_train)}, test={len(self.X_test)}, "
                f"class 1 = {share:.0%})")


@checked
def is_regression(name: str) -> bool:
    """True for a regression set (float targets), False for a classification set (classes 0 and 1)."""
    check_choice("name", name, DATASETS)
    return name in REGRESSION_SETS


@checked
def regression_target(name: str, P: np.ndarray) -> np.ndarray:
    """The target of regression set ``name`` at the points P (n, 2), in TensorFlow Playground's units.

    plane: (x + y) / 10 (its d3 scale [-10, 10] -> [-1, 1], not clamped). multi-gaussian: for each
    of the six GAUSSIANS sign · clamp(1 - distance / 2, 0, 1), and of these the one largest in size
    (the first on a tie; 0 far from all six). TensorFlow Playground's src/dataset.ts (regressPlane,
    regressGaussian; github.com/tensorflow/playground, commit 2c87f3d).
    """
    check_choice("name", name, REGRESSION_SETS)
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] != 2:
        raise ValueError(f"P must have shape (n, 2), got shape {P.shape}")
    if name == "plane":
        return P[:, 0] / 10 + P[:, 1] / 10
    centres = np.array([(cx, cy) for cx, cy, _ in GAUSSIANS], dtype=np.float64)
    signs = np.array([sign for _, _, sign in GAUSSIANS], dtype=np.float64)
    distance = np.hypot(P[:, None, 0] - centres[:, 0], P[:, None, 1] - centres[:, 1])
    bumps = signs * np.clip(1 - distance / 2, 0, 1)  # (n, 6)
    largest = np.abs(bumps).argmax(1)  # the first of equals, as TensorFlow Playground's strict '>'
    return bumps[np.arange(len(P)), largest] + 0.0  # + 0.0: no -0.0


@checked
def make_regression_set(name: str, n_samples: int = 400, noise: float = 0.1, seed: int = 0
                        ) -> tuple[np.ndarray, np.ndarray]:
    """TensorFlow Playground's regression set ``name`` ("plane", "multi-gaussian") in the playground's square.

    As its src/dataset.ts draws them: a point (x, y) uniform on [-6, 6]², a noise offset uniform on
    [-6, 6]² times ``noise`` (0 to 0.5), and the target read at the point moved by that offset (the
    noise moves where the target is read, not the point drawn). The points are then scaled by
    EXTENT / 6 into [-EXTENT, EXTENT]²; the targets are not (multi-gaussian -1 to 1; plane -1.2 to
    1.2, up to about ±1.8 at noise 0.5). X (n, 2), y (n,) float32.
    """
    check_choice("name", name, REGRESSION_SETS)
    check_range("noise", noise, 0.0, 1.0)
    if n_samples < 4:
        raise ValueError(f"n_samples must be at least 4, got {n_samples}")
    rng = np.random.default_rng(seed)
    U = rng.uniform(-TF_RADIUS, TF_RADIUS, size=(n_samples, 4))  # x, y, noise x, noise y per point
    y = regression_target(name, U[:, :2] + noise * U[:, 2:])
    return (U[:, :2] * (EXTENT / TF_RADIUS)).astype(np.float32), y.astype(np.float32)


@checked
def make_dataset(name: str, n_samples: int = 400, noise: float = 0.1, *, positive_fraction: float = 0.5,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Set ``name`` in the playground's square, with ``noise`` from 0 to 0.5: ``data.make_toy``'s
    classification sets, or a regression set of ``make_regression_set`` (``positive_fraction`` unused)."""
    check_range("noise", noise, 0.0, 1.0)
    check_choice("name", name, DATASETS)
    if name in REGRESSION_SETS:
        check_range("positive_fraction", positive_fraction, 0.0, 1.0, inclusive=False)
        return make_regression_set(name, n_samples, noise, seed)
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
    """One draw of a set, split into train and test points: stratified for a classification set
    (both keep the class shares), at random for a regression set (float targets, task "regression").

    ``features`` are what the network is fed (``fit_data``); X_train and X_test keep the points.
    """
    check_range("train_fraction", train_fraction, 0.0, 1.0, inclusive=False)
    check_features(features)
    X, y = make_dataset(name, n_samples, noise, positive_fraction=positive_fraction, seed=seed)
    train = np.zeros(n_samples, dtype=bool)
    rng = np.random.default_rng(seed + 1)
    regression = name in REGRESSION_SETS
    for rows in [np.arange(n_samples)] if regression else [np.flatnonzero(y == c) for c in (0, 1)]:
        n_train = min(max(round(len(rows) * train_fraction), 1), len(rows) - 1)
        train[rng.choice(rows, n_train, replace=False)] = True
    X_train, y_train = torch.from_numpy(X[train]), torch.from_numpy(y[train])
    X_test, y_test = torch.from_numpy(X[~train]), torch.from_numpy(y[~train])
    task, num_classes = ("regression", None) if regression else ("binary", 2)
    return ToyData(X_train, y_train, X_test, y_test, X_test, y_test, task=task, num_classes=num_classes,
                   name=name, features=tuple(features))
