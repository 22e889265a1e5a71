"""Figures of notebook 01's generalisation experiments: memorised random labels, scrambled pixels."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from . import plots
from .checks import check_mapping_of, checked
from .data import Split

CHANCE_STYLE = {"color": "gray", "ls": ":"}


@checked(chance="unit")
def plot_memorisation(real: Mapping, shuffled: Mapping[str, Mapping], chance: float = 0.1):
    """Training accuracy on random labels per net (left), test accuracy with real vs random labels (right).

    ``real`` and each value of ``shuffled`` are results of ``generalization.train_and_score``.
    """
    check_mapping_of("shuffled", shuffled, Mapping, "results of train_and_score")
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), width_ratios=[1.2, 1])
    plots.plot_history({name: r["history"] for name, r in shuffled.items()}, ax=axes[0], key="metric",
                       validation=False)
    axes[0].axhline(chance, label="chance", **CHANCE_STYLE)
    axes[0].set(title="random labels: training accuracy", ylabel="accuracy", ylim=(0, 1.05))
    axes[0].legend()
    names = ["real labels"] + [f"random\n{name}" for name in shuffled]
    bars = axes[1].bar(names, [real["test"]] + [r["test"] for r in shuffled.values()],
                       color=["C0"] + ["C3"] * len(shuffled))
    axes[1].bar_label(bars, fmt="%.2f")
    axes[1].axhline(chance, **CHANCE_STYLE)
    axes[1].set(title="test accuracy", ylim=(0, 1.1))
    return fig


@checked(plain_acc="unit", scrambled_acc="unit")
def plot_scrambled_pixels(plain: Split, scrambled: Split, plain_acc: float, scrambled_acc: float,
                          index: int = 0):
    """One test digit, the same digit with its pixels scrambled, and the MLP's test accuracy on each."""
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2), width_ratios=[1, 1, 1.4])
    side = int(plain.in_features ** 0.5)
    titles = [f"a digit: {int(plain.y_test[index])}", "its pixels scrambled"]
    for ax, s, title in zip(axes[:2], (plain, scrambled), titles, strict=True):
        pixels = s.X_test[index] * s.std + s.mean if s.std is not None else s.X_test[index]  # as recorded
        ax.imshow(np.asarray(pixels).reshape(side, side), cmap="gray_r")
        ax.set(title=title, xticks=[], yticks=[])
        ax.grid(False)
    bars = axes[2].bar(["pixels", "scrambled"], [plain_acc, scrambled_acc], color=["C0", "C1"])
    axes[2].bar_label(bars, fmt="%.3f")
    axes[2].set(ylim=(0, 1.1), title="MLP test accuracy")
    return fig
