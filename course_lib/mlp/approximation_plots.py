"""Figures of universal approximation: the hinges a ReLU layer adds up, and existence vs learnability."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import ticker

from .. import style
from ..checks import check_positive, checked
from ..widgets import Cache, Explorer, selection_slider
from .approximation import HingeNet, TrainedHingeNet, fit_hinges, tent_network

TARGET_STYLE = {"color": style.OKABE_ITO["black"], "ls": "--", "lw": 1.8}
BUILT_COLOR = style.OKABE_ITO["blue"]
TRAINED_COLOR = style.OKABE_ITO["vermillion"]
HINGE_COLOR = style.OKABE_ITO["sky"]


def _kink_ticks(ax, kinks: np.ndarray, color: str, row: float, label: str) -> None:
    """Mark kink positions as short vertical ticks at height ``row`` (axes fraction) of ``ax``."""
    ax.plot(kinks, np.full(len(kinks), row), ls="none", marker="|", ms=14, mew=2.2, color=color,
            transform=ax.get_xaxis_transform(), clip_on=False, label=label)


@checked(hinge_limit="float+")
def plot_hinges(net: HingeNet, axes: Sequence | None = None, *, hinge_limit: float = 6.0):
    """Top: every hidden unit's hinge, scaled by its output weight. Bottom: their sum vs the target."""
    if axes is None:  # fixed margins: a third faster to redraw than constrained layout, for the slider
        fig, axes = plt.subplots(2, 1, figsize=style.figsize(4.5), sharex=True, height_ratios=[1, 1.2],
                                 layout="none")
        fig.subplots_adjust(left=0.08, right=0.68, top=0.94, bottom=0.09, hspace=0.25)
    else:
        fig = axes[0].figure
    top, bottom = axes
    hinges = net.hinges()
    # Each hinge is straight on both sides of its kink: three points draw it exactly.
    for i in range(net.width):
        xs = np.array([net.x[0], np.clip(net.kinks[i], net.x[0], net.x[-1]), net.x[-1]])
        ys = net.weights[i] * np.maximum(net.slopes[i] * (xs - net.kinks[i]), 0.0)
        top.plot(xs, ys, color=HINGE_COLOR, lw=1.6,
                 label="each unit: weight × relu(x − kink)" if i == 0 else None)
    top.axhline(0, color="gray", lw=1)
    top.set_ylim(-hinge_limit, hinge_limit)
    clipped = int((np.abs(hinges).max(axis=1) > hinge_limit).sum())
    top.set(ylabel="unit's share",
            title=(f"{net.width} hidden ReLU units, each one hinge" if net.width != 1
                   else "1 hidden ReLU unit: one hinge")
            + (f" ({clipped} leave the frame)" if clipped else ""))
    bottom.plot(net.x, net.y, label="target", **TARGET_STYLE)
    bottom.plot(net.x, net.y_hat, color=BUILT_COLOR, label="sum of the hinges + bias")
    _kink_ticks(bottom, net.kinks_inside(), BUILT_COLOR, 0.03, "kinks")
    bottom.set(xlabel="x", ylabel="y",
               title=f"their sum: max error {net.max_error:.3f}, mean squared error {net.mse:.2g}")
    style.legend_outside(bottom, "right")
    style.legend_outside(top, "right")
    return fig


@checked
def hinge_explorer(fn: Callable[[np.ndarray], np.ndarray], widths: Sequence[int] = (1, 2, 3, 4, 6, 8, 12, 16,
                                                                              20, 24, 32, 48, 64),
                   value: int = 4) -> Explorer:
    """A width slider: the least-squares hinges of a one-hidden-layer ReLU net and their sum, at once.

    Least squares costs milliseconds; fits are cached by width. ``state`` is the HingeNet drawn.
    """
    widths = list(widths)
    for w in widths:
        check_positive("widths", w, integer=True)
    fits = Cache(lambda w: fit_hinges(fn, w))
    for w in widths:  # a few milliseconds each: every slider value answers at once
        fits(w)
    slider = selection_slider("hidden units", widths, value)

    def draw(width):
        net = fits(width)
        return plot_hinges(net), net

    explorer = Explorer({"width": slider}, draw, min_height="720px", cache=True)
    explorer.cache = fits
    return explorer


@checked
def plot_existence_vs_learnability(built: HingeNet, trained: TrainedHingeNet):
    """Left: the target, the built network and the trained one (same width), kinks as ticks.

    Right: the trained network's loss by step against the built network's loss.
    """
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(4.6), width_ratios=[1.5, 1])
    left, right = axes
    left.plot(built.x, built.y, label="target", **TARGET_STYLE)
    left.plot(built.x, built.y_hat, color=BUILT_COLOR, label=f"built: max error {built.max_error:.2f}")
    left.plot(trained.x, trained.y_hat, color=TRAINED_COLOR, ls="-.",
              label=f"trained: max error {trained.max_error:.2f}")
    _kink_ticks(left, built.kinks_inside(), BUILT_COLOR, 0.03, None)
    _kink_ticks(left, trained.kinks_inside(), TRAINED_COLOR, 0.10, None)
    left.set(xlabel="x  (ticks: where each network's units bend)", ylabel="y",
             title=f"{built.width} ReLUs, built vs trained")
    style.legend_outside(left, "below", ncol=3)
    right.plot(trained.steps, trained.losses, color=TRAINED_COLOR, label="trained")
    right.axhline(built.mse, color=BUILT_COLOR, ls="--", label="built")
    right.set_yscale("log")
    right.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))  # 0.002, 0.005, 0.01, ...
    right.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    right.yaxis.set_minor_formatter(ticker.NullFormatter())  # unlabelled minor ticks: a calm axis
    right.set(xlabel="Adam steps", ylabel="mean squared error", title="loss while training")
    style.legend_outside(right, "below", ncol=2)
    return fig


@checked(ks="ints+")
def plot_tent_maps(ks: Sequence[int] = (1, 2, 3, 5), resolution: int = 2001):
    """The tent map composed k times on [0, 1], one panel per k, titled with its 2**k linear pieces."""
    z = torch.linspace(0, 1, resolution, dtype=torch.float64).reshape(-1, 1)
    fig, axes = plt.subplots(1, len(ks), figsize=style.figsize(3.2), sharey=True)
    for ax, k in zip(np.atleast_1d(axes), ks, strict=True):
        with torch.no_grad():
            ax.plot(z[:, 0].numpy(), tent_network(k)(z)[:, 0].numpy(), color=BUILT_COLOR)
        ax.set(title=f"k = {k}: {2**k} pieces", xlabel="z")
    np.atleast_1d(axes)[0].set_ylabel("output")
    fig.suptitle("the tent map composed k times (k layers of 2 ReLUs)")
    return fig
