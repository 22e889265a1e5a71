"""A decision boundary forming (notebook 01): train a model, keep its decision surface after every epoch."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from ..checks import checked
from ..data import Split
from ..models import MLP
from ..plots import decision_grid, plot_history, plot_surface
from ..training import History, fit


@dataclass
class Snapshots:
    """A trained model, its History, and its decision surface after every epoch (index 0: untrained)."""

    model: MLP
    history: History
    grids: list[np.ndarray]
    xx: np.ndarray
    yy: np.ndarray


@checked
def train_with_snapshots(model: MLP, s: Split, *, num_epochs: int = 30, lr: float = 0.01,
                         batch_size: int = 32, seed: int = 0, resolution: int = 80) -> Snapshots:
    """fit() with Adam, recording the decision surface P(class 1) before training and after each epoch."""
    X_all = np.concatenate([s.X_train.numpy(), s.X_val.numpy()])
    xx, yy, P = decision_grid(model, X_all, resolution)
    grids = [P]

    def snapshot(epoch, m, history):
        grids.append(decision_grid(m, X_all, resolution)[2])

    history = fit(model, s, lr=lr, batch_size=batch_size, num_epochs=num_epochs, seed=seed,
                  callback=snapshot)
    return Snapshots(model, history, grids, xx, yy)


@checked
def draw_snapshot(snaps: Snapshots, s: Split, epoch: int, axes=None):
    """Decision surface after ``epoch`` epochs (left) and the loss curves with that epoch marked (right)."""
    epoch = min(epoch, len(snaps.grids) - 1)
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    else:
        fig = axes[0].figure
    plot_surface(snaps.xx, snaps.yy, snaps.grids[epoch], s.X_train, s.y_train, axes[0], marker_size=10,
                 title=f"decision boundary after {epoch} epoch{'s' if epoch != 1 else ''}")
    plot_history(snaps.history, axes[1])
    if epoch:
        axes[1].axvline(epoch, color="gray", lw=1)
    axes[1].set_title(f"validation accuracy {snaps.history.val_metric[epoch - 1]:.2f}" if epoch
                      else "untrained")
    return fig
