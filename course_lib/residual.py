"""Residual connections: a deep plain MLP against the same layers with skip connections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from .checks import check_positive, check_type, checked
from .data import Split
from .diagnostics import deep_mlp, gradient_flow, plot_gradient_flow
from .plots import plot_history
from .training import History, fit

# (label, residual, init) of the three nets compared.
CONFIGS: tuple[tuple[str, bool, str], ...] = (
    ("plain", False, "default"),
    ("residual", True, "default"),
    ("plain + He init", False, "he"),
)


@dataclass
class Run:
    """One net of the comparison: its training history and its gradient norms at initialisation."""

    history: History
    grad_norms: list[float]


@checked
def compare(data: Split, *, depth: int = 30, width: int = 64, lr: float = 0.02, num_epochs: int = 10,
            batch_size: int = 32, seed: int = 0,
            configs: Sequence[tuple[str, bool, str]] = CONFIGS) -> dict[str, Run]:
    """Train each (label, residual, init) net of ``depth`` ReLU layers with SGD + momentum 0.9."""
    check_type("data", data, Split, "a course_lib.data.Split")
    check_positive("depth", depth, integer=True)
    runs = {}
    for label, residual, init in configs:
        norms = gradient_flow(data, depth, "relu", init, width=width, residual=residual, seed=seed)
        model = deep_mlp(data, depth, "relu", init, width=width, residual=residual, seed=seed)
        h = fit(model, data, optimizer="momentum", lr=lr, momentum=0.9, num_epochs=num_epochs,
                batch_size=batch_size, seed=seed)
        runs[label] = Run(h, norms)
    return runs


@checked
def plot_compare(runs: dict[str, Run]):
    """Train and validation accuracy per epoch (left) and gradient flow at initialisation (right)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    plot_history({k: r.history for k, r in runs.items()}, axes[0], key="metric")
    axes[0].set_ylim(0, 1)
    axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
    # below the axes, off the curves (a plain net's curve can reach any height)
    axes[0].legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    plot_gradient_flow({k: r.grad_norms for k, r in runs.items()}, axes[1])
    axes[1].legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)
    return fig
