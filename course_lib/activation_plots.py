"""Figures and the interactive explorer of the activation functions (values from autograd)."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch

from .activations import ACTIVATIONS, SLIDE_TABLE, derivative, get_activation, measure_range
from .checks import check_choice, check_range, checked
from .widgets import Explorer

X_LIMIT = 4.0


@checked
def curves(name: str, x: torch.Tensor | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, f(x), f'(x)) of an activation on [-4, 4]; f' from autograd."""
    check_choice("name", name, ACTIVATIONS)
    x = torch.linspace(-X_LIMIT, X_LIMIT, 801, dtype=torch.float64) if x is None else x
    act = get_activation(name)
    with torch.no_grad():
        f = act(x)
    return x.numpy(), f.numpy(), derivative(act, x).numpy()


@checked
def plot_activations(names: Sequence[str] | None = None, *, cols: int = 3):
    """One small panel per activation: f (solid) and its autograd derivative f' (dashed)."""
    for n in names or ():
        check_choice("names", n, ACTIVATIONS)
    names = list(ACTIVATIONS) if names is None else list(names)
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False,
                             sharex=True)
    for ax, name in zip(axes.ravel(), names, strict=False):
        x, f, d = curves(name)
        ax.plot(x, f, color="C0", label="f(x)")
        ax.plot(x, d, color="C3", ls="--", label="f'(x) (autograd)")
        ax.axhline(0, color="k", lw=0.5)
        ax.axvline(0, color="k", lw=0.5)
        ax.set_title(name, fontsize=12)
        ax.set_ylim(-1.5, 3)
    for ax in axes.ravel()[len(names):]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=8, loc="upper left")
    return fig


@checked
def draw_activation(name: str, x0: float):
    """Figure of one activation with f and f' and the point x0 marked; returns (figure, state)."""
    check_choice("name", name, ACTIVATIONS)
    check_range("x0", x0, -X_LIMIT, X_LIMIT)
    x, f, d = curves(name)
    point = torch.tensor([float(x0)], dtype=torch.float64)
    act = get_activation(name)
    with torch.no_grad():
        f0 = float(act(point))
    d0 = float(derivative(act, point))
    measured = str(measure_range(act))
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    ax.plot(x, f, color="C0", label="f(x)")
    ax.plot(x, d, color="C3", ls="--", label="f'(x), autograd")
    with torch.no_grad():
        slide = SLIDE_TABLE[name]["derivative"](torch.from_numpy(x), torch.from_numpy(f)).numpy()
    ax.plot(x, slide, color="k", ls=":", lw=1.5, label="the slide's f' formula")
    ax.plot([x0], [f0], "o", color="C0", ms=8)
    ax.plot([x0], [d0], "o", color="C3", ms=8)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylim(-1.5, 3)
    ax.set_xlabel("x")
    ax.set_title(f"{name}: f({x0:g}) = {f0:.3f}, f'({x0:g}) = {d0:.3f}; range {measured}")
    ax.legend(loc="upper left", fontsize=9)
    return fig, {"name": name, "x0": float(x0), "f": f0, "derivative": d0, "range": measured}


@checked(x0="finite")
def activation_explorer(name: str = "sigmoid", x0: float = 0.0) -> Explorer:
    """Pick an activation and a point: f, its autograd derivative and the slide's formula."""
    check_choice("name", name, ACTIVATIONS)
    controls = {
        "name": W.Dropdown(options=list(ACTIVATIONS), value=name, description="activation"),
        "x0": W.FloatSlider(value=x0, min=-X_LIMIT, max=X_LIMIT, step=0.25, description="x",
                            continuous_update=True),
    }
    return Explorer(controls, draw_activation, min_height="300px",
                    title="Activation functions and their derivatives")
