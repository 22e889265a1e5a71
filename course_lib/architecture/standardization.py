"""Why standardised inputs train faster: gradient descent in an elongated loss bowl (raw features on
different scales) against a round one (standardised features), with the paths it takes."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch

from .. import style
from ..checks import checked


@dataclass
class Path:
    """Gradient descent on a two-weight linear regression: its data, weights per step, and losses."""

    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray  # (num_steps + 1, 2)
    losses: np.ndarray  # (num_steps + 1,)
    lr: float

    @property
    def optimum(self) -> np.ndarray:
        """The least-squares weights (the bottom of the bowl)."""
        return np.linalg.lstsq(self.X, self.y, rcond=None)[0]

    def loss(self, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
        """Mean squared error at every (w1, w2) of a grid."""
        pred = w1[..., None] * self.X[:, 0] + w2[..., None] * self.X[:, 1]
        return ((pred - self.y) ** 2).mean(-1)


@checked(n="int+", scales="floats+")
def _make_features(n: int = 200, scales: tuple[float, float] = (1.0, 10.0), noise: float = 0.1,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two independent features of standard deviation ``scales`` and a centred target y = x₁ + x₂/scale₂."""
    if len(scales) != 2:
        raise ValueError(f"scales must hold two feature scales, got {list(scales)}")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * np.asarray(scales, dtype=float)
    X -= X.mean(0)
    y = X[:, 0] / scales[0] + X[:, 1] / scales[1] + noise * rng.normal(size=n)
    return X, y - y.mean()


@checked
def standardize(X: np.ndarray) -> np.ndarray:
    """(X − mean) / std per feature, with the statistics of X itself."""
    return (X - X.mean(0)) / X.std(0)


@checked
def _largest_curvature(X: np.ndarray) -> float:
    """The largest eigenvalue of the MSE loss's Hessian 2XᵀX/n: the steepest direction of the bowl."""
    return float(np.linalg.eigvalsh(2 * X.T @ X / len(X)).max())


@checked(lr_factor="float+")
def descend(X: np.ndarray, y: np.ndarray, *, lr: float | None = None, lr_factor: float = 1.5,
            num_steps: int = 25, start: tuple[float, float] = (-1.0, -1.0)) -> Path:
    """Full-batch gradient descent (torch.optim.SGD) on the MSE of y ≈ Xw from ``start``.

    ``lr`` defaults to ``lr_factor`` / (the largest curvature): the same rule on raw and standardised
    features, and below 2 / curvature, where gradient descent would diverge.
    """
    lr = lr_factor / _largest_curvature(X) if lr is None else lr
    Xt, yt = torch.as_tensor(X, dtype=torch.float64), torch.as_tensor(y, dtype=torch.float64)
    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr)
    weights, losses = [], []
    for _ in range(num_steps + 1):
        loss = ((Xt @ w - yt) ** 2).mean()
        weights.append(w.detach().clone().numpy())
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return Path(np.asarray(X), np.asarray(y), np.array(weights), np.array(losses), lr)


@checked
def bowls(n: int = 200, scales: tuple[float, float] = (1.0, 10.0), num_steps: int = 25,
          seed: int = 0) -> dict[str, Path]:
    """Gradient descent on the raw features and on the same features standardised."""
    X, y = _make_features(n, scales, seed=seed)
    return {"raw features": descend(X, y, num_steps=num_steps),
            "standardised features": descend(standardize(X), y, num_steps=num_steps)}


@checked
def distance_left(path: Path) -> float:
    """How far the last step still is from the optimum, as a fraction of the starting distance."""
    opt = path.optimum
    return float(np.linalg.norm(path.weights[-1] - opt) / np.linalg.norm(path.weights[0] - opt))


@checked
def plot_bowls(paths: dict[str, Path]):
    """Loss contours and the gradient-descent path, one panel per Path, equal axes."""
    fig, axes = plt.subplots(1, len(paths), figsize=style.figsize(4.6))
    axes = np.atleast_1d(axes)
    for i, (ax, (label, path)) in enumerate(zip(axes, paths.items(), strict=True)):
        opt, w = path.optimum, path.weights
        pad = 1.15 * np.abs(w - opt).max(0).max()
        g1, g2 = np.meshgrid(np.linspace(opt[0] - pad, opt[0] + pad, 160),
                             np.linspace(opt[1] - pad, opt[1] + pad, 160))
        z = path.loss(g1, g2)
        levels = np.quantile(z, [0.002, 0.01, 0.03, 0.08, 0.16, 0.3, 0.5, 0.75])
        ax.contour(g1, g2, z, levels=np.unique(levels), colors="grey", linewidths=1)
        ax.plot(w[:, 0], w[:, 1], "o-", color=style.color(i), ms=5, lw=1.8,
                label=f"{len(w) - 1} steps, lr {path.lr:.2g}")
        ax.plot(*w[0], "s", color="black", ms=8)
        ax.plot(*opt, "*", color="black", ms=15)
        ax.set_aspect("equal")
        ax.set_xlim(opt[0] - pad, opt[0] + pad)
        ax.set_ylim(opt[1] - pad, opt[1] + pad)
        ax.set_xlabel("weight w₁")
        ax.set_ylabel("weight w₂")
        ax.set_title(f"{label}: {100 * distance_left(path):.0f}% of the way left")
        style.legend_outside(ax, "below", ncol=1)
    return fig
