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
from matplotlib.collections import LineCollection
from torch import nn

from .. import style
from ..checks import as_array, check_positive, checked
from ..metrics import as_labels
from ..style import CLASS_COLORS, SURFACE_CMAP
from . import toy_data

EXTENT = toy_data.EXTENT  # the square [-EXTENT, EXTENT]² that toy_data's sets live in


@dataclass
class NetworkMaps:
    """Maps on an r x r grid: inputs (2, r, r), one (width, r, r) array per hidden layer, and the
    output: P(class 1), or the predicted value of a regression model (``regression``)."""

    inputs: np.ndarray
    layers: list[np.ndarray]
    output: np.ndarray
    extent: float
    regression: bool = False

    @property
    def widths(self) -> list[int]:
        """Neurons per hidden layer."""
        return [m.shape[0] for m in self.layers]


@checked
def plane(resolution: int = 50, extent: float = EXTENT) -> torch.Tensor:
    """The grid points (resolution², 2) of the square [-extent, extent]², row by row from the top."""
    check_positive("extent", extent)
    xs = torch.linspace(-extent, extent, resolution)
    yy, xx = torch.meshgrid(xs.flip(0), xs, indexing="ij")  # image order: first row is the top
    return torch.stack([xx.ravel(), yy.ravel()], dim=1)


@checked(map_resolution="int+")
@torch.no_grad()
def network_maps(model: nn.Module, resolution: int = 50, extent: float = EXTENT,
                 map_resolution: int | None = None, features=("x1", "x2")) -> NetworkMaps:
    """Every input feature, every hidden neuron's output and the output over the plane: P(class 1),
    or the predicted value for a regression model (``model.task == "regression"``).

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

    regression = getattr(model, "task", None) == "regression"
    if regression:
        P = logits[:, 0]
    else:
        P = torch.sigmoid(logits[:, 0]) if logits.shape[1] == 1 else logits.argmax(1).float()
    return NetworkMaps(small(grid), [small(out) for out in captured], P.reshape(r, r).numpy(), extent,
                       regression)


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


REGRESSION_RANGE = 1.0  # a regression output's colours: -1 (blue) to 0 (white) to +1 (vermilion)


@checked
def _plot_output(maps: NetworkMaps, X=None, y=None, ax=None, *, title: str | None = None,
                marker_size: float = 14):
    """The output over the plane with the points (X, y): P(class 1) with the decision boundary
    P = 0.5 in black, or a regression output and the targets on one colour scale centred on 0."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.2))
    e = maps.extent
    low, high = (-REGRESSION_RANGE, REGRESSION_RANGE) if maps.regression else (0, 1)
    ax.imshow(maps.output, cmap=SURFACE_CMAP, vmin=low, vmax=high, alpha=0.6, extent=(-e, e, -e, e),
              interpolation="bilinear")
    if not maps.regression and np.isfinite(maps.output).all() and maps.output.min() < 0.5 < maps.output.max():
        xs = np.linspace(-e, e, maps.output.shape[0])
        ax.contour(xs, xs[::-1], maps.output, levels=[0.5], colors="k", linewidths=1.5)
    if X is not None:
        X = as_array("X", X, ndim=2)
        y = as_array("y", y, ndim=1) if maps.regression else as_labels("y", y)
        if len(y) != len(X):
            raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
        if maps.regression:
            ax.scatter(*X.T, s=marker_size, c=y, cmap=SURFACE_CMAP, vmin=low, vmax=high, edgecolors="0.3",
                       linewidths=0.4, label="points (colour: target)")
        for c, color in enumerate(CLASS_COLORS if not maps.regression else ()):
            ax.scatter(*X[y == c].T, s=marker_size, c=color, edgecolors="white", linewidths=0.4,
                       label=f"class {c}")
    ax.set_xlim(-e, e)
    ax.set_ylim(-e, e)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(title or ("output: the predicted value" if maps.regression else "output: P(class 1)"))
    return ax


@checked
def plot_network(model: nn.Module, X=None, y=None, *, resolution: int = 60, features=("x1", "x2")):
    """Neuron maps (left) next to the network's output with the points (X, y) (right)."""
    maps = network_maps(model, resolution, features=features)
    rows = 1 + len(maps.layers)
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(min(2.2 + 1.0 * rows, 5.2)), width_ratios=[1.6, 1])
    plot_neuron_maps(maps, axes[0])
    _plot_output(maps, X, y, axes[1])
    style.legend_outside(axes[1], "right", markerscale=1.5)
    return fig


@checked
def network_graph(model: nn.Module) -> list[np.ndarray]:
    """The weight matrix (out, in) of every nn.Linear of an MLP, input side first: the graph's edges."""
    if not hasattr(model, "linear_layers"):
        raise TypeError(f"model must be a course_lib.models.MLP, got {type(model).__name__}")
    return [m.weight.detach().numpy().copy() for _, m in model.linear_layers]


GAP = 4.0  # the graph's distance between layers, in node heights


def _column_heights(n: int) -> np.ndarray:
    """Heights of n nodes stacked around 0, the first at the top."""
    return (n - 1) / 2 - np.arange(n)


@checked
def plot_network_graph(model: nn.Module, maps: NetworkMaps, ax=None, *, title: str = "the network"):
    """TensorFlow Playground's network view: every neuron as its small map, every weight as an edge
    (vermillion > 0, blue < 0, as thick as |w| is large)."""
    weights = network_graph(model)
    out = maps.output if maps.regression else 2 * maps.output - 1  # P from [0, 1] to [-1, 1]
    columns = [maps.inputs, *maps.layers, out[None]]
    if [len(c) for c in columns[1:]] != [len(w) for w in weights]:
        raise ValueError("maps must come from this model (network_maps(model)), got maps of another shape")
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(5.0))
    largest = max((float(np.abs(w).max()) for w in weights if w.size), default=1.0) or 1.0
    negative, positive = SURFACE_CMAP(0.0), SURFACE_CMAP(1.0)
    for c, W in enumerate(weights):
        y_in, y_out = _column_heights(W.shape[1]), _column_heights(W.shape[0])
        ii, jj = np.meshgrid(np.arange(W.shape[0]), np.arange(W.shape[1]), indexing="ij")
        segments = [((GAP * c, y_in[j]), (GAP * (c + 1), y_out[i]))
                    for i, j in zip(ii.ravel(), jj.ravel(), strict=True)]
        w = W.ravel()
        ax.add_collection(LineCollection(segments, colors=[positive if v > 0 else negative for v in w],
                                         linewidths=0.3 + 3.5 * np.abs(w) / largest, alpha=0.75, zorder=1))
    cmap = SURFACE_CMAP.with_extremes(bad="white")
    for c, column in enumerate(columns):
        scale = np.abs(column).reshape(len(column), -1).max(1)
        scale = np.where(np.isfinite(scale) & (scale > 1e-9), scale, 1.0)
        for j, (m, y) in enumerate(zip(column, _column_heights(len(column)), strict=True)):
            ax.imshow(m / scale[j], cmap=cmap, vmin=-1, vmax=1, zorder=2, interpolation="nearest",
                      aspect="auto", extent=(GAP * c - 0.6, GAP * c + 0.6, y - 0.4, y + 0.4))
    names = ["inputs"] + [f"layer {i + 1}" for i in range(len(maps.layers))] + ["output"]
    tallest = max(len(c) for c in columns)
    ax.set_xlim(-GAP / 2, GAP * (len(columns) - 0.5))
    ax.set_ylim(-tallest / 2, tallest / 2)
    ax.set_xticks([GAP * c for c in range(len(columns))], names)
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title)
    return ax


@checked(top="int+")
def largest_weights(model: nn.Module, top: int = 3, features=None) -> list[str]:
    """The ``top`` largest weights by size of every layer, as "x1 → h1.3: -1.52" lines: the neurons
    named as the weights graph's hover texts name them (inputs by their ``features``, "h2.1" for
    layer 2's first neuron, "output")."""
    if features is not None:
        toy_data.check_features(features)
    lines = []
    weights = network_graph(model)
    n_columns = len(weights) + 1
    for k, W in enumerate(weights):
        for flat in np.argsort(-np.abs(W), axis=None)[:top]:
            i, j = np.unravel_index(flat, W.shape)
            source, target = _node_name(k, j, n_columns, features), _node_name(k + 1, i, n_columns, features)
            lines.append(f"{source} → {target}: {W[i, j]:+.2f}")
    return lines


HOVER_HALF_WIDTH_PX = 3.0  # an edge's hover area: this many pixels either side of its line
_maps_made = 0


def _node_name(column: int, index: int, n_columns: int, features=None) -> str:
    """A neuron's name in hover texts: the input's feature, "h2.3" (layer 2, neuron 3) or "output"."""
    if column == 0:
        return features[index] if features is not None and index < len(features) else f"input {index + 1}"
    return "output" if column == n_columns - 1 else f"h{column}.{index + 1}"


@checked
def graph_areas(ax, model: nn.Module, features=None) -> list[tuple[str, list[float], str]]:
    """Hover areas of ``plot_network_graph``'s drawing in ``ax``: (shape, pixel coords, text), the
    neurons first (a box each: its name and bias), then one polygon along every edge ("w = ...").

    Pixel coordinates are those of the figure's PNG (origin top left), as an HTML image map takes them.
    """
    if not hasattr(ax, "transData") or not hasattr(ax, "figure"):
        raise TypeError("ax must be the matplotlib Axes plot_network_graph drew into, "
                        f"got {type(ax).__name__}")
    if features is not None:
        toy_data.check_features(features)
    weights = network_graph(model)
    biases = [m.bias.detach().numpy() if m.bias is not None else None for _, m in model.linear_layers]
    fig = ax.figure
    height = fig.bbox.height
    n_columns = len(weights) + 1

    def px(points):
        xy = ax.transData.transform(np.asarray(points, dtype=float))
        xy[:, 1] = height - xy[:, 1]
        return xy

    sizes = [weights[0].shape[1]] + [w.shape[0] for w in weights]
    areas = []
    for c, n in enumerate(sizes):
        for j, y in enumerate(_column_heights(n)):
            (x0, y0), (x1, y1) = px([(GAP * c - 0.6, y + 0.4), (GAP * c + 0.6, y - 0.4)])
            text = _node_name(c, j, n_columns, features)
            if c > 0 and biases[c - 1] is not None:
                text += f": bias b = {biases[c - 1][j]:+.3f}"
            areas.append(("rect", [x0, y0, x1, y1], text))
    for c, W in enumerate(weights):
        y_in, y_out = _column_heights(W.shape[1]), _column_heights(W.shape[0])
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                a, b = px([(GAP * c, y_in[j]), (GAP * (c + 1), y_out[i])])
                d = b - a
                normal = np.array([-d[1], d[0]]) / (np.hypot(*d) or 1.0) * HOVER_HALF_WIDTH_PX
                corners = [a + normal, b + normal, b - normal, a - normal]
                text = (f"w = {W[i, j]:+.3f} ({_node_name(c, j, n_columns, features)} → "
                        f"{_node_name(c + 1, i, n_columns, features)})")
                areas.append(("poly", [float(v) for xy in corners for v in xy], text))
    return areas


@checked
def graph_html(png: bytes, ax, model: nn.Module, features=None) -> str:
    """The weights graph as HTML: its PNG with an image map, so hovering an edge or a neuron shows its
    value (a browser's own tooltip: no kernel round trip; Lab, Voilà, ipywidgets 7 and 8)."""
    import base64
    import html

    global _maps_made
    if not isinstance(png, bytes):
        raise TypeError(f"png must be the bytes of the graph's PNG (render_png), got {type(png).__name__}")
    found = graph_areas(ax, model, features)
    _maps_made += 1
    name = f"course-graph-{_maps_made}"
    width, height = round(ax.figure.bbox.width), round(ax.figure.bbox.height)
    areas = "".join(
        f'<area shape="{shape}" coords="{",".join(f"{v:.0f}" for v in coords)}" '
        f'title="{html.escape(text)}" alt="{html.escape(text)}">'
        for shape, coords, text in found)
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'usemap="#{name}" style="max-width:none" alt="the network as a graph">'
            f'<map name="{name}">{areas}</map>'
            "<div>Hover over an edge or a neuron to read its weight or bias.</div>")
