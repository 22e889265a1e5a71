"""Datasets, all offline: 2-D toy sets, bundled tabular sets, 1-D regression, seeded splits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn import datasets as skd
from sklearn.model_selection import train_test_split

from .checks import (
    as_float_tensor,
    as_label_tensor,
    check_choice,
    check_labels,
    check_range,
    check_split_sizes,
    checked,
    to_numpy,
)

TOY_SETS = ("circle", "xor", "gauss", "spiral", "moons")  # TensorFlow Playground's names, and moons
TABULAR_SETS = ("breast_cancer", "digits", "wine", "iris")
TASKS = ("binary", "multiclass", "regression")

FUNCTIONS_1D: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin,
    "wiggly": lambda x: np.sin(3 * x) + 0.5 * np.cos(5 * x),
    "abs": np.abs,
    "step": lambda x: (x > 0).astype(float),
    "cubic": lambda x: 0.1 * x**3 - x,
}


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


_TOY_MAKERS = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral}
_TOY_NOISE_SCALE = {"circle": 0.35, "xor": 0.35, "gauss": 0.4, "spiral": 0.12}


@checked
def make_toy(
    name: str, n_samples: int = 500, noise: float = 0.2, seed: int = 0, *, positive_fraction: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D binary set, TensorFlow Playground's (circle, xor, gauss, spiral) or moons: X (n, 2), y in {0, 1}.

    The playground's four live in about [-1, 1]²; ``noise`` (0 to 1) moves every point by Gaussian
    noise scaled to the set. moons is scikit-learn's, in its own units (``noise`` is its standard
    deviation). ``positive_fraction`` is the share of class 1; a new ``seed``, a new sample.
    """
    check_choice("name", name, TOY_SETS)
    if n_samples < 4:
        raise ValueError(f"n_samples must be at least 4 (two points per class), got {n_samples}")
    check_range("positive_fraction", positive_fraction, 0.0, 1.0, inclusive=False)
    n0 = min(max(round(n_samples * (1 - positive_fraction)), 2), n_samples - 2)
    if name == "moons":  # (n0, n1) = scikit-learn's own split of n_samples at a share of 0.5
        X, y = skd.make_moons((n0, n_samples - n0), noise=noise, random_state=seed)
        return X.astype(np.float32), y.astype(np.int64)
    check_range("noise", noise, 0.0, 1.0)
    rng = np.random.default_rng(seed)
    X, y = _TOY_MAKERS[name](n0, n_samples - n0, rng)
    X = X + rng.normal(0, noise * _TOY_NOISE_SCALE[name], size=X.shape)
    order = rng.permutation(n_samples)
    return X[order].astype(np.float32), y[order].astype(np.int64)


@checked
def load_tabular(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A tabular classification set bundled with scikit-learn (no download)."""
    check_choice("name", name, TABULAR_SETS)
    loader = {
        "breast_cancer": skd.load_breast_cancer,
        "digits": skd.load_digits,
        "wine": skd.load_wine,
        "iris": skd.load_iris,
    }[name]
    bunch = loader()
    return bunch.data.astype(np.float32), bunch.target.astype(np.int64)


@checked
def make_function_1d(
    fn: str | Callable[[np.ndarray], np.ndarray] = "sin",
    n_samples: int = 200,
    noise: float = 0.0,
    low: float = -np.pi,
    high: float = np.pi,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Sample y = fn(x) + noise on [low, high]: X of shape (n, 1), y of shape (n,)."""
    if isinstance(fn, str):
        check_choice("fn", fn, FUNCTIONS_1D)
        fn = FUNCTIONS_1D[fn]
    elif not callable(fn):
        raise TypeError(f"fn must be a name in {list(FUNCTIONS_1D)} or a callable, got {fn!r}")
    if not low < high:
        raise ValueError(f"low must be below high, got low={low}, high={high}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(low, high, n_samples))
    y = fn(x) + rng.normal(0, noise, n_samples) if noise else fn(x)
    return x[:, None].astype(np.float32), np.asarray(y, dtype=np.float32)


@checked
def make_regression(
    n_samples: int = 500, n_features: int = 10, noise: float = 10.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's make_regression, as float32 (its targets have variance ~1e4: unscaled)."""
    X, y = skd.make_regression(
        n_samples=n_samples, n_features=n_features, noise=noise, random_state=seed
    )
    return X.astype(np.float32), y.astype(np.float32)


@dataclass
class Split:
    """Train/validation/test tensors of one dataset, standardised with the training statistics."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    task: str
    num_classes: int | None = None
    mean: torch.Tensor | None = None
    std: torch.Tensor | None = None
    name: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def in_features(self) -> int:
        """Number of input features."""
        return self.X_train.shape[1]

    @property
    def out_features(self) -> int:
        """Number of outputs a model needs: 1 for binary or regression, else num_classes."""
        return self.num_classes if self.task == "multiclass" else 1

    def __repr__(self) -> str:
        sizes = f"train={len(self.X_train)}, val={len(self.X_val)}, test={len(self.X_test)}"
        classes = f", num_classes={self.num_classes}" if self.num_classes else ""
        return (
            f"Split({self.name or 'data'}: {sizes}, in_features={self.in_features}, "
            f"task={self.task!r}{classes})"
        )


@checked
def _infer_task(y: np.ndarray) -> str:
    """'binary' for two integer classes, 'multiclass' for more, 'regression' for floats."""
    y = to_numpy("y", y)
    if y.ndim != 1 or len(y) == 0:
        raise ValueError(f"y must have shape (n_samples,) with n_samples >= 1, got shape {y.shape}")
    if np.issubdtype(y.dtype, np.floating) and not np.isfinite(y).all():
        raise ValueError("y must be finite, got NaN or infinite values")
    if np.issubdtype(y.dtype, np.floating) and not np.all(y == np.round(y)):
        return "regression"
    if np.issubdtype(y.dtype, np.floating):
        return "regression"
    return "binary" if len(np.unique(y)) <= 2 else "multiclass"


@checked
def split(
    X: np.ndarray,
    y: np.ndarray,
    *,
    val_size: float = 0.2,
    test_size: float = 0.2,
    standardize: bool = True,
    task: str | None = None,
    seed: int = 0,
    name: str = "",
) -> Split:
    """Seeded train/validation/test split (stratified for classification), as tensors."""
    X_t = as_float_tensor("X", X)
    y_np = to_numpy("y", y)
    if y_np.ndim != 1:
        raise ValueError(f"y must have shape (n_samples,), got shape {y_np.shape}")
    if len(y_np) != len(X_t):
        raise ValueError(f"X and y must have the same length, got {len(X_t)} and {len(y_np)}")
    if np.issubdtype(y_np.dtype, np.floating) and not np.isfinite(y_np).all():
        raise ValueError("y must be finite, got NaN or infinite values")
    if val_size + test_size >= 1:
        raise ValueError(f"val_size + test_size must be < 1, got {val_size + test_size}")
    task = task or _infer_task(y_np)
    check_choice("task", task, TASKS)
    if task == "regression":
        check_split_sizes(len(y_np), val_size, test_size)
    else:
        y_np = as_label_tensor("y", y_np).numpy()
        check_labels("y", y_np, task)
        check_split_sizes(len(y_np), val_size, test_size, class_counts=np.bincount(y_np))
    X_np = X_t.numpy()
    strat = y_np if task != "regression" else None
    X_rest, X_test, y_rest, y_test = train_test_split(
        X_np, y_np, test_size=test_size, random_state=seed, stratify=strat
    )
    strat = y_rest if task != "regression" else None
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=val_size / (1 - test_size), random_state=seed + 1, stratify=strat
    )
    mean = std = None
    tensors = [torch.from_numpy(np.ascontiguousarray(a)) for a in (X_train, X_val, X_test)]
    if standardize:
        mean = tensors[0].mean(0)
        std = tensors[0].std(0)
        std = torch.where(std > 1e-6, std, torch.ones_like(std))  # constant feature: scale 1, as
        # sklearn's StandardScaler does (dividing by ~0 sent unseen values to 1e8)
        tensors = [(T - mean) / std for T in tensors]
    y_dtype = torch.float32 if task == "regression" else torch.int64
    ys = [torch.as_tensor(a).to(y_dtype) for a in (y_train, y_val, y_test)]
    num_classes = None if task == "regression" else int(y_np.max()) + 1
    return Split(
        tensors[0], ys[0], tensors[1], ys[1], tensors[2], ys[2],
        task=task, num_classes=num_classes, mean=mean, std=std, name=name,
    )


@checked
def load(name: str, *, seed: int = 0, val_size: float = 0.2, test_size: float = 0.2, **kwargs) -> Split:
    """Load a named dataset (toy, tabular or 1-D function) as a standardised Split."""
    if name in TOY_SETS:
        X, y = make_toy(name, seed=seed, **kwargs)
    elif name in TABULAR_SETS:
        if kwargs:
            raise TypeError(f"load({name!r}) takes no options, got {sorted(kwargs)}")
        X, y = load_tabular(name)
    elif name in FUNCTIONS_1D:
        X, y = make_function_1d(name, seed=seed, **kwargs)
        return split(X, y, val_size=val_size, test_size=test_size, standardize=False,
                     task="regression", seed=seed, name=name)
    elif name == "regression":
        X, y = make_regression(seed=seed, **kwargs)
        return split(X, y, val_size=val_size, test_size=test_size, task="regression",
                     seed=seed, name=name)
    else:
        known = list(TOY_SETS) + list(TABULAR_SETS) + list(FUNCTIONS_1D) + ["regression"]
        raise ValueError(f"name must be one of {known}, got {name!r}")
    return split(X, y, val_size=val_size, test_size=test_size, seed=seed, name=name)
