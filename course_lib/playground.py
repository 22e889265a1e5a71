"""A small TensorFlow-Playground: train an MLP on a 2-D set and watch the decision boundary form."""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from .activations import TRAINABLE_ACTIVATIONS
from .checks import check_positive, checked
from .data import TOY_SETS, Split, load
from .models import MLP, build_mlp
from .plots import decision_grid, plot_history, plot_surface
from .training import History, fit
from .widgets import Cache, Explorer, selection_slider


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
    check_positive("resolution", resolution, integer=True)
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
    plot_surface(snaps.xx, snaps.yy, snaps.grids[epoch], s.X_train, s.y_train, axes[0], s=10,
                 title=f"decision boundary after {epoch} epoch{'s' if epoch != 1 else ''}")
    plot_history(snaps.history, axes[1])
    if epoch:
        axes[1].axvline(epoch, color="gray", lw=1)
    axes[1].set_title(f"validation accuracy {snaps.history.val_metric[epoch - 1]:.2f}" if epoch
                      else "untrained")
    return fig


@checked
def playground(*, n_samples: int = 400, noise: float = 0.2, num_epochs: int = 30, seed: int = 0
               ) -> Explorer:
    """Explorer: dataset, depth, width and activation retrain (cached); the epoch slider only redraws."""
    check_positive("num_epochs", num_epochs, integer=True)

    def train(key):
        dataset, depth, width, activation = key
        s = load(dataset, n_samples=n_samples, noise=noise, seed=seed)
        model = build_mlp(s, hidden=(width,) * depth, activation=activation, seed=seed)
        return s, train_with_snapshots(model, s, num_epochs=num_epochs, seed=seed)

    cache = Cache(train)
    controls = {
        "dataset": W.Dropdown(options=list(TOY_SETS), value="moons", description="data"),
        "depth": W.IntSlider(value=2, min=0, max=4, description="hidden layers",
                             continuous_update=False, style={"description_width": "initial"}),
        "width": selection_slider("neurons", [2, 4, 8, 16, 32], 8, width="260px"),
        "activation": W.Dropdown(options=list(TRAINABLE_ACTIVATIONS), value="relu",
                                 description="activation"),
        "epoch": W.IntSlider(value=num_epochs, min=0, max=num_epochs, description="epoch",
                             continuous_update=True),
    }

    def draw(dataset, depth, width, activation, epoch):
        s, snaps = cache((dataset, depth, width, activation))
        fig = draw_snapshot(snaps, s, epoch)
        layers = f"{depth} hidden layer{'s' if depth != 1 else ''} of {width} {activation}" if depth else \
            "no hidden layer (a linear model)"
        fig.suptitle(f"{dataset}: {layers}", fontsize=12)
        state = {"val_accuracy": snaps.history.val_metric[epoch - 1] if epoch else None,
                 "trainings": cache.misses, "snapshots": snaps}
        return fig, state

    explorer = Explorer(controls, draw, min_height="330px",
                        title="MLP playground: change the data or the network, then scrub the epochs")
    explorer.widget.children = (
        explorer.widget.children[0],
        W.HBox([controls["dataset"], controls["activation"]]),
        W.HBox([controls["depth"], controls["width"], controls["epoch"]]),
        explorer.output,
    )
    explorer.cache = cache
    return explorer
