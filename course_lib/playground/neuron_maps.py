"""What every neuron computes: its output over the input plane, one small map per neuron.

TensorFlow Playground's signature view. An MLP on 2-D inputs turns each point (x1, x2) of the plane
into one number per hidden neuron; shading the plane by that number shows the feature the neuron
learned: a half-plane for a first-layer ReLU, a soft stripe for tanh, curved regions deeper in.
``network_maps`` computes them (and the output) in one pass over a grid; ``plot_neuron_maps`` draws
them as one mosaic (a row per layer), ``plot_network`` puts the mosaic next to the decision surface.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from .. import style
from ..checks import as_array, check_positive, checked
from ..metrics import as_labels
from ..style import CLASS_COLORS, SURFACE_CMAP
from . import toy_data

EXTENT = 1.6  # the square [-EXTENT, EXTENT]² that toy_data's sets live in


@dataclass
class NetworkMaps:
    """Maps on an r x r grid: inputs (2, r, r), one (width, r, r) array per hidden layer, P(class 1)."""

    inputs: np.ndarray
    layers: list[np.ndarray]
    output: np.ndarray
    extent: float

    @property
    def widths(self) -> list[int]:
        """Neurons per hidden layer."""
        return [m.shape[0] for m in self.layers]


@checked
def plane(resolution: int = 50, extent: float = EXTENT) -> torch.Tensor:
    """The grid points (resolution², 2) of the square [-extent, extent]², row by row from the top."""
    check_positive("resolution", resolution, integer=True)
    check_positive("extent", extent)
    xs = torch.linspace(-extent, extent, resolution)
    yy, xx = torch.meshgrid(xs.flip(0), xs, indexing="ij")  # image order: first row is the top
    return torch.stack([xx.ravel(), yy.ravel()], dim=1)


@checked(map_resolution="int+")
@torch.no_grad()
def network_maps(model: nn.Module, resolution: int = 50, extent: float = EXTENT,
                 map_resolution: int | None = None, features=("x1", "x2")) -> NetworkMaps:
    """Every input feature, every hidden neuron's output and the output P(class 1) over the plane.

    A hidden layer's map is what the next layer receives: the block's output (after the activation,
    and after the skip connection's sum for a residual block), in evaluation mode. ``features`` are
    the inputs the model takes (``toy_data.FEATURES``); ``map_resolution`` (default: half of
    ``resolution``) is the size of the small maps.
    """
    body = getattr(model, "body", None)
    if body is None or not hasattr(model, "head"):
        raise TypeError("model must be a course_lib.models.MLP (with .body and .head), "
                        f"got {type(model).__name__}")
    grid = toy_data.feature_columns(plane(resolution, extent), features)
    step = max(1, resolution // (map_resolution or max(resolution // 2, 1)))
    captured: list[torch.Tensor] = []
    hooks = [block.register_forward_hook(lambda m, i, out: captured.append(out)) for block in body]
    was_training = model.training
    model.eval()
    try:
        logits = model(grid)
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    r = resolution

    def small(values: torch.Tensor) -> np.ndarray:
        """(n_points, k) -> (k, r', r') maps on the coarser grid."""
        return values.T.reshape(-1, r, r)[:, ::step, ::step].numpy().astype(np.float32)

    P = torch.sigmoid(logits[:, 0]) if logits.shape[1] == 1 else logits.argmax(1).float()
    return NetworkMaps(small(grid), [small(out) for out in captured], P.reshape(r, r).numpy(), extent)


@checked(gap="int0")
def mosaic(maps: NetworkMaps, gap: int = 3) -> tuple[np.ndarray, list[float], list[str]]:
    """All maps in one image (a row per layer, inputs first), each scaled to [-1, 1] by its largest |value|.

    Returns the image (NaN between and beside maps), the centre of each row and the rows' names.
    """
    rows = [maps.inputs, *maps.layers]
    r = maps.inputs.shape[1]
    cols = max(len(m) for m in rows)
    image = np.full((len(rows) * (r + gap) - gap, cols * (r + gap) - gap), np.nan, dtype=np.float32)
    for i, layer in enumerate(rows):
        scale = np.abs(layer).reshape(len(layer), -1).max(1)
        scale = np.where(np.isfinite(scale) & (scale > 1e-9), scale, 1.0)
        for j, m in enumerate(layer):
            top, left = i * (r + gap), j * (r + gap)
            image[top:top + r, left:left + r] = m / scale[j]
    centres = [i * (r + gap) + (r - 1) / 2 for i in range(len(rows))]
    names = ["inputs"] + [f"layer {i + 1}" for i in range(len(maps.layers))]
    return image, centres, names


@checked
def plot_neuron_maps(maps: NetworkMaps, ax=None, *, title: str = "what each neuron computes"):
    """The mosaic of ``maps``: one small map per input and per hidden neuron (blue < 0 < vermillion)."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.2))
    image, centres, names = mosaic(maps)
    cmap = SURFACE_CMAP.with_extremes(bad="white")
    ax.imshow(image, cmap=cmap, vmin=-1, vmax=1, interpolation="nearest", aspect="equal")
    ax.set_yticks(centres, names)
    r = maps.inputs.shape[1]
    cols = max([len(maps.inputs), *maps.widths])  # no hidden layer: widths is []
    ticks = [j * (r + 3) + (r - 1) / 2 for j in range(cols)]
    ax.set_xticks(ticks, [str(j + 1) for j in range(cols)])
    ax.tick_params(length=0)
    ax.set_xlabel("neuron")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title)
    return ax


@checked(s="float+")
def plot_output(maps: NetworkMaps, X=None, y=None, ax=None, *, title: str = "output: P(class 1)",
                s: float = 14):
    """The output P(class 1) over the plane (decision boundary P = 0.5 in black), with points (X, y)."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.2))
    e = maps.extent
    ax.imshow(maps.output, cmap=SURFACE_CMAP, vmin=0, vmax=1, alpha=0.6, extent=(-e, e, -e, e),
              interpolation="bilinear")
    if np.isfinite(maps.output).all() and maps.output.min() < 0.5 < maps.output.max():
        xs = np.linspace(-e, e, maps.output.shape[0])
        ax.contour(xs, xs[::-1], maps.output, levels=[0.5], colors="k", linewidths=1.5)
    if X is not None:
        X = as_array("X", X, ndim=2)
        y = as_labels("y", y)
        if len(y) != len(X):
            raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
        for c, color in enumerate(CLASS_COLORS):
            ax.scatter(*X[y == c].T, s=s, c=color, edgecolors="white", linewidths=0.4, label=f"class {c}")
    ax.set_xlim(-e, e)
    ax.set_ylim(-e, e)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(title)
    return ax


@checked
def plot_network(model: nn.Module, X=None, y=None, *, resolution: int = 60, features=("x1", "x2")):
    """Neuron maps (left) next to the network's output with the points (X, y) (right)."""
    maps = network_maps(model, resolution, features=features)
    rows = 1 + len(maps.layers)
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(min(2.2 + 1.0 * rows, 5.2)), width_ratios=[1.6, 1])
    plot_neuron_maps(maps, axes[0])
    plot_output(maps, X, y, axes[1])
    style.legend_outside(axes[1], "right", markerscale=1.5)
    return fig
