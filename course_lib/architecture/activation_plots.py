"""Figures of the activation functions (values and derivatives from autograd)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from .. import style
from ..activations import ACTIVATIONS, derivative, get_activation
from ..checks import check_choice, checked

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
def plot_activations(names: Sequence[str] | None = None, *, cols: int = 5):
    """One panel per activation: f (solid) and its autograd derivative f' (dashed)."""
    for n in names or ():
        check_choice("names", n, ACTIVATIONS)
    names = list(ACTIVATIONS) if names is None else list(names)
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=style.figsize(2.6 * rows + 0.6), squeeze=False,
                             sharex=True, sharey=True)
    for ax, name in zip(axes.ravel(), names, strict=False):
        x, f, d = curves(name)
        ax.plot(x, f, color=style.color(0), label="f(x)")
        ax.plot(x, d, color=style.color(1), ls="--", label="f′(x), by autograd")
        ax.axhline(0, color="k", lw=0.5)
        ax.axvline(0, color="k", lw=0.5)
        ax.set_title(name)
        ax.set_ylim(-1.5, 3)
        ax.set_xticks([-4, -2, 0, 2, 4])
    for ax in axes.ravel()[len(names):]:
        ax.set_visible(False)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2)
    return fig
