"""Gradient flow with its two signals apart (CS231n-style): per layer, how much the activations
vary across examples (forward) and ‖∂loss/∂h‖ (backward); ‖∂loss/∂W‖ mixes the two."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator
from torch import nn

from .. import style
from ..checks import check_choice, check_positive, check_same_length, checked
from ..data import Split
from ..initialization import INITS
from ..live_figure import new_figure
from ..training import loss_function, task_of
from ..widgets import Explorer
from .diagnostics import (
    ACTIVATION_TYPES,
    GRADIENT_FLOW_ACTIVATIONS,
    deep_mlp,
    flow_verdict,
    gradient_ratio,
)

FLOW_INITS = (*INITS, "tanh-equivalent")  # the last: sigmoid as a rescaled tanh net (see tanh_equivalent_)
FLOOR = 1e-30  # where a value of exactly 0 is drawn on a log axis


@dataclass
class FlowSignals:
    """One batch at initialisation: per activation layer, input side first, the forward spread and the
    backward signal; per nn.Linear, ‖∂loss/∂W‖."""

    spread: list[float]  # std across the batch of each unit's output, averaged over the layer's units
    backward: list[float]  # ‖∂loss/∂h‖ of the layer's output h
    weight_grad: list[float]  # ‖∂loss/∂W‖ of every nn.Linear (the output layer last)

    @property
    def ratio(self) -> float:
        """‖∇W_first‖ / ‖∇W_last‖ (0 when the first layer's gradient vanished to exactly 0)."""
        return gradient_ratio(self.weight_grad)

    @property
    def backward_ratio(self) -> float:
        """‖∂loss/∂h_first‖ / ‖∂loss/∂h_last‖: the backward signal alone."""
        return gradient_ratio(self.backward)


@checked
def layer_signals(model: nn.Module, X, y, task: str | None = None) -> FlowSignals:
    """Forward spread, ‖∂loss/∂h‖ and ‖∂loss/∂W‖ of every layer for one batch (X, y), in training mode."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    task = task_of(model, task)
    y = torch.as_tensor(y)
    check_same_length("X", X, "y", y)
    y = y.long() if task == "multiclass" else y.float()
    outputs: list[torch.Tensor] = []
    hooks = [m.register_forward_hook(lambda m, args, out: outputs.append(out))
             for m in model.modules() if isinstance(m, ACTIVATION_TYPES)]
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    if not hooks or not weights:
        raise ValueError("model must contain activation modules and nn.Linear layers")
    try:
        loss = loss_function(task)(model(X), y)
    finally:
        for h in hooks:
            h.remove()
    grads = torch.autograd.grad(loss, outputs + weights)
    spread = [float(h.detach().std(dim=0).mean()) for h in outputs]
    return FlowSignals(spread, [_norm64(g) for g in grads[:len(outputs)]],
                       [_norm64(g) for g in grads[len(outputs):]])


def _norm64(g: torch.Tensor) -> float:
    """‖g‖ in float64: a float32 norm of tiny entries underflows to 0 (its squares are flushed)."""
    return float(torch.linalg.vector_norm(g, dtype=torch.float64))


@checked
@torch.no_grad()
def tanh_equivalent_(model: nn.Module) -> nn.Module:
    """Rescale a sigmoid MLP's Xavier weights so that it computes what the tanh net with those weights
    computes: σ(2z) = (1 + tanh z) / 2, so every layer after the first gets 4·W and the centring bias
    b - 2·W·1, the first 2·W and 2·b, the output layer 2·W and b - W·1. In place; returns the model."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(linears) < 2:
        raise ValueError(f"model must have at least two nn.Linear layers, got {len(linears)}")
    for i, layer in enumerate(linears):
        w = layer.weight.clone()
        if i == 0:
            layer.weight.mul_(2)
            layer.bias.mul_(2)
        elif i < len(linears) - 1:
            layer.weight.mul_(4)
            layer.bias.mul_(2).sub_(2 * w.sum(1))
        else:
            layer.weight.mul_(2)
            layer.bias.sub_(w.sum(1))
    return model


@checked
def flow_signals(data: Split, depth: int, activation: str = "sigmoid", init: str = "default", *,
                 residual: bool = False, batch_norm: bool = False, zero_biases: bool = False,
                 width: int = 64, batch_size: int = 256, seed: int = 0) -> FlowSignals:
    """The signals of a deep MLP at initialisation on the first training batch.

    ``init="tanh-equivalent"``: for sigmoid, Xavier weights made into the sigmoid net equal to a tanh net
    (``tanh_equivalent_``); for any other activation, Xavier. ``zero_biases`` sets every bias to 0 last.
    """
    check_choice("init", init, FLOW_INITS)
    equivalent = init == "tanh-equivalent"  # for any activation but sigmoid: plain Xavier
    model = deep_mlp(data, depth, activation, "xavier" if equivalent else init, width=width,
                     residual=residual, batch_norm=batch_norm, seed=seed)
    if equivalent and activation == "sigmoid":
        tanh_equivalent_(model)
    if zero_biases:
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.Linear):
                    m.bias.zero_()
    return layer_signals(model, data.X_train[:batch_size], data.y_train[:batch_size])


def _log_values(values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Values ready for a log axis (0 → FLOOR, inf → nan) and the mask of the exact zeros."""
    v = np.asarray(values, dtype=float)
    zero = v == 0
    return np.where(zero, FLOOR, np.where(np.isfinite(v), v, np.nan)), zero


def _log_limits(values: Sequence[float]) -> tuple[float, float]:
    """Log-axis limits around the positive values, whole decades, spanning at least four of them."""
    v = np.asarray([x for x in values if x > 0], dtype=float)
    if v.size == 0:
        return 1e-12, 1e2
    low, high = np.floor(np.log10(v.min())), np.ceil(np.log10(v.max()))
    low = min(low, high - 4)
    return float(10.0 ** (low - 1)), float(10.0 ** high)  # a decade below: room for the ▼ of exact zeros


def _finite(series) -> list[float]:
    """The finite values of several series, in one list (what a log axis can show)."""
    v = np.concatenate([np.asarray(x, dtype=float) for x in series]) if series else np.zeros(0)
    return [float(x) for x in v[np.isfinite(v) & (v >= 0)]]


PANELS = (("spread", "forward: spread of h\nacross examples"), ("backward", "backward: ‖∂loss/∂h‖"),
          ("weight_grad", "‖∂loss/∂W‖"))
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(value: float, pos=None) -> str:
    """A log-axis label as plain text, 10⁻⁵ (no mathtext to typeset: the explorer redraws often)."""
    if not value > 0 or not np.isfinite(value):
        return ""
    return "10" + str(int(round(np.log10(value)))).translate(SUPERSCRIPTS)


def _draw_panels(axes, curves: dict[str, FlowSignals]) -> bool:
    """The three log panels, one line per label, an exact 0 as ▼ on the floor; True if one was drawn."""
    colors = style.SeriesColors(curves)
    any_zero = False
    for ax, (field, panel_title) in zip(axes, PANELS, strict=True):
        values = {label: getattr(s, field) for label, s in curves.items()}
        low, high = _log_limits(_finite(values.values()))
        for label, v in values.items():
            y, zero = _log_values(v)
            x = np.arange(1, len(y) + 1)
            line = colors.style(label)
            ax.plot(x[~zero], y[~zero], ms=4, label=label, **line)
            if zero.any():  # exactly 0 has no place on a log axis: ▼ on the panel's floor
                ax.plot(x[zero], np.full(zero.sum(), low * 3), "v", color=line["color"], ms=7, ls="none")
                any_zero = True
        ax.set_yscale("log")
        ax.set_ylim(low, high)
        ax.yaxis.set_major_locator(LogLocator(numticks=6))  # a few decades labelled, no minor ticks:
        ax.yaxis.set_minor_locator(NullLocator())  # a 30-decade axis would otherwise draw ~250 ticks
        ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.set_xlabel("layer (1 = input side)")
        ax.set_title(panel_title)
    if any_zero:  # one legend entry for the marker, whichever panel it is on
        axes[1].plot([], [], "v", color="grey", ms=7, ls="none", label="exactly 0")
    return any_zero


@checked
def plot_signals(curves: dict[str, FlowSignals], *, title: str | None = None, height: float = 4.0):
    """Three panels, one line per label: forward spread and ‖∂loss/∂h‖ per activation layer, ‖∂loss/∂W‖ per
    weight matrix. A value of exactly 0 (it vanished) is drawn as ▼ on the panel's floor and labelled."""
    check_positive("height", height)
    fig, axes = plt.subplots(1, 3, figsize=style.figsize(height))
    _draw_panels(axes, curves)
    if title:
        fig.suptitle(title)
    handles, labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(3, len(labels)))
    return fig


# The explorer's figure has a fixed layout (in pixels at style.DPI): constrained layout measures every
# text before drawing, which was half of a redraw. Room for a two-line title, two-line panel titles,
# tick labels like 10⁻²¹ and one legend row.
FLOW_FIGURE_PX = (1100, 484)
FLOW_AXES_PX = dict(left=62, right=12, gap=62, top=130, bottom=96)


def _flow_figure(s: FlowSignals, label: str, title: str) -> Figure:
    """The explorer's picture of one setting: ``plot_signals``'s panels in a fixed layout, outside pyplot."""
    (width, height), m = FLOW_FIGURE_PX, FLOW_AXES_PX
    fig = new_figure(height / style.DPI, width / style.DPI, layout="none")
    panel = (width - m["left"] - m["right"] - 2 * m["gap"]) / 3
    axes = [fig.add_axes(((m["left"] + i * (panel + m["gap"])) / width, m["bottom"] / height,
                          panel / width, (height - m["top"] - m["bottom"]) / height)) for i in range(3)]
    _draw_panels(axes, {label: s})
    fig.suptitle(title, y=1 - 6 / height, va="top")
    handles, labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=len(labels),
               borderaxespad=0.2)
    return fig


def _init_label(init: str, activation: str, changed: bool = False) -> str:
    """The init as drawn: tanh-equivalent is Xavier but for sigmoid, and exact only without skips/BN."""
    if init != "tanh-equivalent":
        return init
    if activation != "sigmoid":
        return "xavier (tanh-equivalent is for sigmoid)"
    return "tanh-equivalent (exact only without skips/BN)" if changed else init


def describe_ratio(ratio: float) -> str:
    """The ‖∇W‖ first/last ratio in words, including the values the course produces: 0, inf and nan."""
    if ratio == 0:
        return "first / last = 0: vanished, exactly 0"
    if np.isnan(ratio):
        return "first / last undefined: a gradient overflowed"
    if np.isinf(ratio):
        return "first / last = ∞: the last layer's gradient is exactly 0"
    return f"first / last = {ratio:.1e}, {flow_verdict(ratio)}"


@checked(residual="bool", batch_norm="bool")
def draw_flow(data: Split, depth: int, activation: str, init: str, residual: bool = False,
              batch_norm: bool = False):
    """The explorer's figure for one setting; returns (figure, state with the signals and ratio)."""
    check_choice("activation", activation, GRADIENT_FLOW_ACTIVATIONS)
    s = flow_signals(data, depth, activation, init, residual=residual, batch_norm=batch_norm)
    with np.errstate(invalid="ignore"):
        ratio = s.ratio if np.isfinite(s.weight_grad).all() else float("nan")
    extras = ", skips" * residual + ", BN" * batch_norm
    label = f"{activation}, {_init_label(init, activation, residual or batch_norm)} init{extras}"
    fig = _flow_figure(s, label, f"{depth} hidden layers, {label}\n‖∇W‖ {describe_ratio(ratio)}")
    return fig, {"norms": s.weight_grad, "spread": s.spread, "backward": s.backward, "ratio": ratio,
                 "depth": depth, "activation": activation, "init": init, "residual": residual,
                 "batch_norm": batch_norm}


class _FlowExplorer(Explorer):
    """The flow explorer: its figure has a fixed layout, so it is drawn once into the PNG (the base
    crops a figure without a layout engine, which draws it twice)."""

    def render(self) -> bytes:
        """The PNG of the current figure, drawn once at its own size."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.figure.dpi, bbox_inches=None, facecolor="white",
                            pil_kwargs={"compress_level": self.compress_level})
        return buffer.getvalue()


@checked
def flow_explorer(data: Split, depth: int = 20, activation: str = "sigmoid",
                  init: str = "default") -> Explorer:
    """Depth, activation, initialisation, skip connections and BatchNorm: redraws the three signals."""
    check_choice("activation", activation, GRADIENT_FLOW_ACTIVATIONS)
    check_choice("init", init, FLOW_INITS)
    controls = {
        "depth": W.IntSlider(value=depth, min=2, max=60, step=1, description="depth", continuous_update=False,
                             layout=W.Layout(width="300px")),
        "activation": W.Dropdown(options=list(GRADIENT_FLOW_ACTIVATIONS), value=activation,
                                 description="activation", layout=W.Layout(width="210px")),
        "init": W.Dropdown(options=list(FLOW_INITS), value=init, description="init",
                           layout=W.Layout(width="230px")),
        "residual": W.Checkbox(value=False, description="skips", indent=False, layout=W.Layout(width="70px")),
        "batch_norm": W.Checkbox(value=False, description="BN", indent=False, layout=W.Layout(width="60px")),
    }
    return _FlowExplorer(controls, lambda **v: draw_flow(data, **v), min_height="490px", cache=True,
                    title="Gradient flow at initialisation (one batch of 256 digits)")
