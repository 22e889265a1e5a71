"""Layers and neurons: a depth x width sweep, its parameter counts, accuracies and boundaries."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from .. import style
from ..activations import TRAINABLE_ACTIVATIONS
from ..checks import check_choice, check_positive, checked
from ..data import Split
from ..models import MLP, count_parameters
from ..plots import plot_decision_boundary
from ..training import fit


@dataclass
class Sweep:
    """Results of a depth x width sweep; arrays have shape (len(depths), len(widths))."""

    depths: tuple[int, ...]
    widths: tuple[int, ...]
    params: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray
    models: dict[tuple[int, int], nn.Module] = field(default_factory=dict)

    @property
    def gap(self) -> np.ndarray:
        """Train minus validation accuracy: how much each model overfits."""
        return self.train_accuracy - self.val_accuracy


@checked
def depth_width_sweep(data: Split, depths: Sequence[int], widths: Sequence[int], *,
                      activation: str = "relu", optimizer: str = "adam", lr: float = 0.01,
                      num_steps: int = 500, batch_size: int | None = None, seed: int = 0) -> Sweep:
    """Train one MLP per (depth, width) on ``data`` (full batch by default); keep their accuracies."""
    check_choice("activation", activation, TRAINABLE_ACTIVATIONS)
    if not depths or not widths:
        raise ValueError("depths and widths must not be empty")
    for d in depths:
        check_positive("depths", d, integer=True)
    for w in widths:
        check_positive("widths", w, integer=True)
    shape = (len(depths), len(widths))
    sweep = Sweep(tuple(depths), tuple(widths), np.zeros(shape, dtype=int), np.zeros(shape),
                  np.zeros(shape))
    for i, depth in enumerate(depths):
        for j, width in enumerate(widths):
            model = MLP(data.in_features, data.out_features, hidden=(width,) * depth,
                        activation=activation, task=data.task, seed=seed)
            h = fit(model, data, optimizer=optimizer, lr=lr, num_steps=num_steps,
                    batch_size=batch_size or len(data.X_train), seed=seed)
            sweep.params[i, j] = count_parameters(model)
            sweep.train_accuracy[i, j] = h.final("train_metric")
            sweep.val_accuracy[i, j] = h.final("val_metric")
            sweep.models[(depth, width)] = model
    return sweep


@checked
def plot_boundaries(sweep: Sweep, data: Split, *, resolution: int = 80):
    """A grid of decision boundaries (rows: depth, columns: width), training points shown."""
    if data.in_features != 2:
        raise ValueError(f"data must have 2 features to draw boundaries, got {data.in_features}")
    rows, cols = len(sweep.depths), len(sweep.widths)
    height = min(1.9 * rows + 0.6, 5.8)  # at most 640 px: fits a 1280x720 screen
    fig, axes = plt.subplots(rows, cols, figsize=style.figsize(height), squeeze=False, sharex=True,
                             sharey=True)
    for i, depth in enumerate(sweep.depths):
        for j, width in enumerate(sweep.widths):
            ax = axes[i, j]
            plot_decision_boundary(sweep.models[(depth, width)], data.X_train, data.y_train, ax,
                                   resolution=resolution, marker_size=22)
            ax.set_title(f"{depth}×{width}: {sweep.params[i, j]:,} params\n"
                         f"train {sweep.train_accuracy[i, j]:.2f}, val {sweep.val_accuracy[i, j]:.2f}",
                         fontsize=style.MIN_FONT_PT)
            if i == rows - 1:
                ax.set_xlabel("feature x₁")
            if j == 0:
                ax.set_ylabel(f"depth {depth}\nfeature x₂")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, [f"{lab} (training point)" for lab in labels], loc="outside lower center", ncol=2,
               markerscale=1.5)
    return fig


@checked
def plot_accuracy(sweep: Sweep, ax=None):
    """Train (solid) and validation (dashed) accuracy against parameter count, one colour per depth."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.0))
    for i, depth in enumerate(sweep.depths):
        color, marker = style.color(i), style.MARKERS[i]
        ax.plot(sweep.params[i], sweep.train_accuracy[i], marker=marker, ls="-", color=color,
                label=f"depth {depth}, train")
        ax.plot(sweep.params[i], sweep.val_accuracy[i], marker=marker, ls="--", color=color,
                label=f"depth {depth}, validation")
    ax.set_xscale("log")
    ax.set_xlabel("parameters (log scale)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{len(sweep.depths) * len(sweep.widths)} nets: accuracy against size")
    style.legend_outside(ax, "right")
    return ax


@checked
def subsample(data: Split, n_train: int, *, seed: int = 0) -> Split:
    """``data`` with ``n_train`` random training points (validation and test sets unchanged)."""
    if n_train > len(data.X_train):
        raise ValueError(f"n_train must be <= {len(data.X_train)} (the training set), got {n_train}")
    idx = torch.randperm(len(data.X_train), generator=torch.Generator().manual_seed(seed))[:n_train]
    return dataclasses.replace(data, X_train=data.X_train[idx], y_train=data.y_train[idx])


@dataclass
class SizeSweep:
    """Train and validation accuracy by training-set size (rows) and width (columns)."""

    sizes: tuple[int, ...]
    widths: tuple[int, ...]
    depth: int
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """Train minus validation accuracy."""
        return self.train_accuracy - self.val_accuracy


@checked
def data_size_sweep(data: Split, sizes: Sequence[int], widths: Sequence[int], *, depth: int = 2,
                    num_steps: int = 400, batch_size: int = 30, seed: int = 0) -> SizeSweep:
    """The same nets (``depth`` layers of each width) trained on growing random subsets of ``data``."""
    if not sizes:
        raise ValueError("sizes must not be empty")
    rows = [depth_width_sweep(subsample(data, n, seed=seed), (depth,), widths, num_steps=num_steps,
                              batch_size=batch_size, seed=seed) for n in sizes]
    return SizeSweep(tuple(sizes), tuple(widths), depth, np.vstack([r.train_accuracy for r in rows]),
                     np.vstack([r.val_accuracy for r in rows]))


@checked
def plot_size_sweep(sweep: SizeSweep):
    """Validation accuracy (left) and train − validation gap (right) against width, one line per size."""
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(4.2))
    for i, n in enumerate(sweep.sizes):
        line = {"color": style.color(i), "ls": style.linestyle(i), "marker": style.MARKERS[i]}
        axes[0].plot(sweep.widths, sweep.val_accuracy[i], label=f"{n} training points", **line)
        axes[1].plot(sweep.widths, sweep.gap[i], label=f"{n} training points", **line)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xticks(sweep.widths, [str(w) for w in sweep.widths])
        ax.minorticks_off()
        ax.set_xlabel(f"neurons per layer ({sweep.depth} hidden layers)")
    axes[0].set_ylabel("validation accuracy")
    axes[0].set_title("validation accuracy")
    axes[1].axhline(0, color="black", lw=1)
    axes[1].set_ylabel("train − validation")
    axes[1].set_title("overfitting: train − validation")
    style.legend_outside(axes[1], "right")
    return fig
