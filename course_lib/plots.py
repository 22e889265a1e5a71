"""Figures shared by the notebooks: decision boundaries, training curves (style: ``course_lib.style``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from . import style
from .checks import (
    as_array,
    as_label_tensor,
    check_choice,
    check_mapping_of,
    check_same_length,
    checked,
)
from .style import CLASS_COLORS, SURFACE_CMAP, use_style  # noqa: F401  (the one style; re-exported)
from .training import History


def _axes(ax):
    """``ax`` or a fresh one."""
    if ax is None:
        _, ax = plt.subplots()
    return ax


@checked
@torch.no_grad()
def decision_grid(model: nn.Module, X, resolution: int = 120, margin: float = 0.5):
    """(xx, yy, P) over the bounding box of 2-D ``X``: P is P(class 1) or the predicted class."""
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 features to draw a decision boundary, got {X.shape[1]}")
    lo, hi = X.min(0).values - margin, X.max(0).values + margin
    xs = torch.linspace(float(lo[0]), float(hi[0]), resolution)
    ys = torch.linspace(float(lo[1]), float(hi[1]), resolution)
    xx, yy = torch.meshgrid(xs, ys, indexing="xy")
    grid = torch.stack([xx.ravel(), yy.ravel()], dim=1)
    was_training = model.training
    model.eval()
    out = model(grid.to(next(model.parameters()).device)).cpu()
    model.train(was_training)
    if out.shape[1] == 1:
        P = torch.sigmoid(out[:, 0])
    else:
        P = out.argmax(1).float()
    return xx.numpy(), yy.numpy(), P.reshape(xx.shape).numpy()


@checked
def plot_decision_boundary(model: nn.Module, X, y, ax=None, *, resolution: int = 120,
                           title: str | None = None, marker_size: float = 12):
    """Shade the model's predicted P(class 1) over the plane, with the data points on top."""
    xx, yy, P = decision_grid(model, X, resolution)
    return plot_surface(xx, yy, P, X, y, ax, title=title, marker_size=marker_size)


@checked
def plot_surface(xx, yy, P, X, y, ax=None, *, title: str | None = None, marker_size: float = 12):
    """Shade a precomputed surface P(class 1) on the grid (xx, yy), with the points (X, y) on top."""
    xx, yy, P = (as_array(n, v, ndim=2) for n, v in (("xx", xx), ("yy", yy), ("P", P)))
    if not xx.shape == yy.shape == P.shape:
        raise ValueError(f"xx, yy and P must have the same grid shape, got {xx.shape}, {yy.shape}, {P.shape}")
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 features to draw on the plane, got {X.shape[1]}")
    check_same_length("X", X, "y", as_label_tensor("y", y, num_classes=2))
    ax = _axes(ax)
    X_np = np.asarray(X)
    y_np = np.asarray(y)
    ax.contourf(xx, yy, P, levels=np.linspace(0, 1, 11), cmap=SURFACE_CMAP, alpha=0.45)
    ax.contour(xx, yy, P, levels=[0.5], colors="k", linewidths=1.5)
    for c, color in enumerate(CLASS_COLORS):
        pts = X_np[y_np == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=marker_size, c=color, edgecolors="white", linewidths=0.3,
                   label=f"class {c}")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


class PlainLogFormatter(mpl.ticker.LogFormatterSciNotation):
    """Log-axis tick labels as plain numbers (0.2, 0.3, 1, 10), not 2×10⁻¹: easier to read."""

    def __call__(self, x, pos=None):
        return f"{x:g}" if super().__call__(x, pos) else ""


@checked
def plain_log_ticks(ax, axis: str = "y") -> None:
    """Label a log axis with plain numbers, major and (where matplotlib labels them) minor ticks."""
    check_choice("axis", axis, ("x", "y"))
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PlainLogFormatter())
    target.set_minor_formatter(PlainLogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))


@checked
def add_probability_colorbar(fig, axes) -> None:
    """A colour bar for decision surfaces: the shading is P(class 1), from 0 (blue) to 1 (vermillion)."""
    colors = SURFACE_CMAP(np.linspace(0, 1, 256))
    colors[:, :3] = 0.45 * colors[:, :3] + 0.55  # as the surfaces look, drawn with alpha 0.45 on white
    cmap = mpl.colors.ListedColormap(colors)
    mappable = mpl.cm.ScalarMappable(norm=mpl.colors.Normalize(0, 1), cmap=cmap)
    fig.colorbar(mappable, ax=axes, label="P(class 1)", shrink=0.9)


@checked
def plot_history(histories, ax=None, *, key: str = "loss", x: str = "epoch",
                 validation: bool = True, log: bool | None = None):
    """Training (solid) and validation (dashed) curves of one History or a {label: History} dict.

    ``key`` is "loss" or "metric"; ``x`` is "epoch", "step" or "time" (seconds).
    """
    if isinstance(histories, Mapping):
        check_mapping_of("histories", histories, History, "History objects")
    check_choice("key", key, ("loss", "metric"))
    check_choice("x", x, ("epoch", "step", "time"))
    if not isinstance(histories, (History, Mapping)):
        raise TypeError(f"histories must be a History or a dict of them, got {type(histories).__name__}")
    if not isinstance(histories, Mapping):
        histories = {"": histories}
    ax = _axes(ax)
    for i, (label, h) in enumerate(histories.items()):
        color = style.color(i)
        train = h.train_loss if key == "loss" else h.train_metric
        val = h.val_loss if key == "loss" else h.val_metric
        xs = _x_values(h, x)
        name = f"{label} " if label else ""
        ax.plot(xs[:len(train)], train, color=color, label=f"{name}train")
        if validation and val:
            ax.plot(xs[:len(val)], val, color=color, ls="--", label=f"{name}validation")
        if h.diverged:
            end = xs[len(train) - 1] if train else 0
            style.mark_diverged(ax, end, color=color, text=f"{name}diverged")
    ax.set_xlabel({"epoch": "epoch", "step": "optimizer steps", "time": "seconds"}[x])
    ax.set_ylabel("loss" if key == "loss" else _metric_label(histories))
    if not ax.get_title():
        ax.set_title(("training loss" if key == "loss" else _metric_label(histories))
                     + (" (dashed: validation)" if validation else ""))
    if log or (log is None and key == "loss"):
        ax.set_yscale("log")
        plain_log_ticks(ax)
    style.legend_outside(ax)
    return ax


def _x_values(h, x: str) -> Sequence[float]:
    """Epoch numbers, cumulative steps or seconds for a History's epoch records."""
    if x == "epoch":
        return h.epochs or list(range(1, len(h.train_loss) + 1))
    return h.epoch_steps if x == "step" else h.epoch_time


def _metric_label(histories: Mapping) -> str:
    """The metric name shared by the histories."""
    names = {h.metric_name for h in histories.values()}
    return names.pop() if len(names) == 1 else "metric"


# Colours for explorers that add series one by one (an LR or a batch-size slider): the Okabe–Ito
# palette without its yellow, which is weak on white; a mid grey takes the eighth place.
STRONG_COLORS = tuple(c for c in style.PALETTE if c != style.OKABE_ITO["yellow"]) + ("#8C8C8C",)


class StrongSeriesColors(style.SeriesColors):
    """``style.SeriesColors`` without yellow: every series keeps its colour, the eighth is grey, and
    from the ninth on the colours repeat with the next line style, so no two series look alike."""

    def __call__(self, key) -> str:
        """The colour of ``key``."""
        return STRONG_COLORS[self.index(key) % len(STRONG_COLORS)]

    def linestyle(self, key) -> str:
        """The line style of ``key``: solid for the first eight series, then the next style."""
        return style.LINESTYLES[(self.index(key) // len(STRONG_COLORS)) % len(style.LINESTYLES)]

    def style(self, key) -> dict:
        """``color``, ``ls`` and ``marker`` keyword arguments for ``key``'s line."""
        return {**super().style(key), "color": self(key), "ls": self.linestyle(key)}


@checked
def plot_regression_fit(model: nn.Module, data, history: History, fn: Callable = np.sin, *,
                        fn_name: str = "sin(x)"):
    """A 1-D regression: the training points, the model's prediction and the true function ``fn``."""
    x_grid = torch.linspace(float(data.X_train.min()), float(data.X_train.max()), 200).reshape(-1, 1)
    with torch.no_grad():
        was_training = model.training
        model.eval()
        y_hat = model(x_grid.to(next(model.parameters()).device)).cpu()[:, 0].numpy()
        model.train(was_training)
    fig, ax = plt.subplots(figsize=style.figsize(3.8))
    ax.scatter(np.asarray(data.X_train)[:, 0], np.asarray(data.y_train), s=14, color="gray",
               label="training data")
    ax.plot(x_grid[:, 0], y_hat, color=style.color(1), label="MLP prediction")
    ax.plot(x_grid[:, 0], fn(x_grid[:, 0].numpy()), "k--", lw=1.8, label=f"true function {fn_name}")
    ax.set(title=f"regression: validation R² = {history.final('val_metric'):.2f}", xlabel="x", ylabel="y")
    style.legend_outside(ax)
    return fig


@checked
def plot_surfaces(surfaces: Mapping, xx, yy, X, y, *, marker_size: float = 8):
    """Decision surfaces side by side, one panel per ``{title: P}`` entry, with one colour bar."""
    if not surfaces:
        raise ValueError("surfaces must hold at least one {title: surface} entry, got none")
    fig, axes = plt.subplots(1, len(surfaces), figsize=style.figsize(3.2 if len(surfaces) > 2 else 4.2),
                             squeeze=False)
    for ax, (title, P) in zip(axes[0], surfaces.items(), strict=True):
        plot_surface(xx, yy, P, X, y, ax, title=title, marker_size=marker_size)
    add_probability_colorbar(fig, list(axes[0]))
    return fig


@checked
def plot_boundaries(models: Mapping, X, y, *, resolution: int = 120, marker_size: float = 12):
    """The decision surfaces of several 2-D classifiers side by side, one panel per ``{title: model}``."""
    grids = {title: decision_grid(model, X, resolution) for title, model in models.items()}
    if not grids:
        raise ValueError("models must hold at least one {title: model} entry, got none")
    xx, yy, _ = next(iter(grids.values()))
    return plot_surfaces({title: P for title, (_, _, P) in grids.items()}, xx, yy, X, y,
                         marker_size=marker_size)
