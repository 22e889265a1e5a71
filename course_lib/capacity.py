"""Layers and neurons: a depth x width sweep, its parameter counts, accuracies and boundaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from torch import nn

from .activations import TRAINABLE_ACTIVATIONS
from .checks import check_choice, check_positive, check_type, checked
from .data import Split
from .models import MLP, count_parameters
from .plots import plot_decision_boundary
from .training import fit


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
    check_type("data", data, Split, "a course_lib.data.Split")
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
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.4 * rows), squeeze=False)
    for i, depth in enumerate(sweep.depths):
        for j, width in enumerate(sweep.widths):
            ax = axes[i, j]
            plot_decision_boundary(sweep.models[(depth, width)], data.X_train, data.y_train, ax,
                                   resolution=resolution, s=22)
            ax.set_title(f"{depth}×{width}: {sweep.params[i, j]:,} params\n"
                         f"train {sweep.train_accuracy[i, j]:.2f}  val {sweep.val_accuracy[i, j]:.2f}",
                         fontsize=10)
            if i == rows - 1:
                ax.set_xlabel("feature x₁")
            if j == 0:
                ax.set_ylabel(f"depth {depth}\nfeature x₂")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, [f"{lab} (training point)" for lab in labels], loc="outside lower center", ncol=2,
               fontsize=9, markerscale=1.5)
    return fig


@checked
def plot_accuracy(sweep: Sweep, ax=None):
    """Train and validation accuracy against the number of parameters, one line per depth."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8))
    for i, depth in enumerate(sweep.depths):
        color = f"C{i}"
        ax.plot(sweep.params[i], sweep.train_accuracy[i], "o-", color=color, label=f"depth {depth} train")
        ax.plot(sweep.params[i], sweep.val_accuracy[i], "s--", color=color, label=f"depth {depth} val")
    ax.set_xscale("log")
    ax.set_xlabel("parameters")
    ax.set_ylabel("accuracy")
    ax.legend(fontsize=8, ncol=2)
    return ax
