"""Figures of notebook 01's generalisation experiments: memorised random labels, scrambled pixels,
a tabular baseline, and what the hidden units of an MLP look at."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import torch

from .. import plots, style
from ..checks import check_mapping_of, checked
from ..data import Split

CHANCE_STYLE = {"color": "gray", "ls": ":", "lw": 2}
REAL_COLOR = style.OKABE_ITO["blue"]
RANDOM_COLOR = style.OKABE_ITO["vermillion"]


@checked(chance="unit")
def plot_memorisation(real: Mapping, shuffled: Mapping[str, Mapping], chance: float = 0.1):
    """Training accuracy on random labels per net (left), test accuracy with real vs random labels (right).

    ``real`` and each value of ``shuffled`` are results of ``generalization.train_and_score``.
    """
    check_mapping_of("shuffled", shuffled, Mapping, "results of train_and_score")
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(4.4), width_ratios=[1.25, 1])
    left, right = axes
    for i, (name, result) in enumerate(shuffled.items()):
        h = result["history"]
        left.plot(range(1, len(h.train_metric) + 1), h.train_metric, color=style.color(i + 1),
                  ls=style.linestyle(i), label=name)
    left.axhline(chance, label="chance", **CHANCE_STYLE)
    left.set(title="random labels: training accuracy", xlabel="epoch", ylabel="accuracy", ylim=(0, 1.05))
    style.legend_outside(left, "below", ncol=4)
    names = ["real labels"] + [f"random\n{name}" for name in shuffled]
    bars = right.bar(names, [real["test"]] + [r["test"] for r in shuffled.values()],
                     color=[REAL_COLOR] + [RANDOM_COLOR] * len(shuffled))
    right.bar_label(bars, fmt="%.2f", fontsize=style.MIN_FONT_PT + 1)
    right.axhline(chance, **CHANCE_STYLE)
    right.set(title="test accuracy", ylim=(0, 1.12))
    return fig


def _apart(acc_a: float, acc_b: float, n_test: int) -> int:
    """How many more test samples one accuracy counts than the other."""
    return round(abs(acc_a - acc_b) * n_test)


@checked(plain_acc="unit", scrambled_acc="unit")
def plot_scrambled_pixels(plain: Split, scrambled: Split, plain_acc: float, scrambled_acc: float,
                          index: int = 0):
    """One test digit, the same digit with its pixels scrambled, and the MLP's test accuracy on each."""
    fig, axes = plt.subplots(1, 3, figsize=style.figsize(3.6), width_ratios=[1, 1, 1.5])
    side = int(plain.in_features ** 0.5)
    titles = [f"a digit: {int(plain.y_test[index])}", "its pixels scrambled"]
    for ax, s, title in zip(axes[:2], (plain, scrambled), titles, strict=True):
        pixels = s.X_test[index] * s.std + s.mean if s.std is not None else s.X_test[index]  # as recorded
        ax.imshow(np.asarray(pixels).reshape(side, side), cmap="gray_r")
        ax.set(title=title, xticks=[], yticks=[])
        ax.grid(False)
    bars = axes[2].bar(["pixels", "scrambled"], [plain_acc, scrambled_acc],
                       color=[REAL_COLOR, style.OKABE_ITO["orange"]])
    axes[2].bar_label(bars, fmt="%.3f", fontsize=style.MIN_FONT_PT + 1)
    n_test = len(plain.y_test)
    axes[2].set(ylim=(0, 1.12), title="MLP test accuracy",
                xlabel=f"{_apart(plain_acc, scrambled_acc, n_test)} of {n_test} test images apart")
    return fig


@checked
def plot_tabular_baseline(scores: Mapping[str, float], n_test: int, data_name: str = "breast cancer"):
    """Test accuracy of each model (one bar each, value at its end); how many test samples apart they are."""
    fig, ax = plt.subplots(figsize=style.figsize(2.6))
    names = list(scores)
    bars = ax.barh(names, [scores[n] for n in names], color=[style.color(i) for i in range(len(names))])
    ax.bar_label(bars, fmt="%.3f", padding=4, fontsize=style.MIN_FONT_PT + 1)
    values = list(scores.values())
    who = "the two" if len(values) == 2 else "the best two"
    gap = f"{who} are {_apart(*sorted(values)[-2:], n_test)} of {n_test} test samples apart"
    ax.set(xlim=(0, 1.12), xlabel=f"test accuracy ({gap})",
           title=f"{data_name}: MLP vs an untuned tree ensemble")
    ax.invert_yaxis()
    return fig


@checked(n_units="int+", side="int+")
def plot_hidden_units(weight: torch.Tensor, n_units: int = 8, side: int | None = None):
    """The first ``n_units`` rows of a first-layer weight matrix as images: what each hidden unit weighs.

    Orange pixels push the unit up, blue ones down (one colour scale for all panels).
    """
    W = weight.detach().cpu().numpy()[:n_units]
    side = side or int(W.shape[1] ** 0.5)
    if side * side != W.shape[1]:
        raise ValueError(f"weight rows must be square images, got {W.shape[1]} inputs (side {side})")
    limit = float(np.abs(W).max())
    rows = 1 if n_units <= 4 else 2  # two rows of larger tiles: readable on a projector
    cols = -(-n_units // rows)
    fig, axes = plt.subplots(rows, cols, figsize=style.figsize(2.6 * rows), squeeze=False)
    for ax in axes.flat[n_units:]:
        ax.axis("off")
    for i, (ax, row) in enumerate(zip(axes.flat, W, strict=False)):
        image = ax.imshow(row.reshape(side, side), cmap=plots.SURFACE_CMAP, vmin=-limit, vmax=limit)
        ax.set(title=f"unit {i + 1}", xticks=[], yticks=[])
        ax.grid(False)
    fig.colorbar(image, ax=axes, label="weight", shrink=0.9)
    return fig
