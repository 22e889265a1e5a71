"""Figures of what lets a deep network train: training curves by activation and initialisation, and
the depth explorer over plain, residual and BatchNorm nets (precomputed, so a new depth is instant)."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import style
from ..checks import check_type, checked
from ..plots import plain_log_ticks
from ..training import History
from ..widgets import Explorer, selection_slider
from .trainability import ARMS, DIVERGED_Y, DepthSweep, diverged_epoch


def _curve(ax, h: History, key: str, label: str, line: dict) -> None:
    """One run's per-epoch ``key`` (train_loss, val_metric ...), marked where it diverged."""
    values = getattr(h, key)
    epochs = h.epochs[:len(values)] or list(range(1, len(values) + 1))
    ax.plot(epochs, values, label=label, ms=6, **line)
    if h.diverged:  # at the epoch it blew up in, which fit may not have recorded
        style.mark_diverged(ax, diverged_epoch(h), values[-1] if values else None,
                            color=line["color"], text=f"{label}: diverged")


@checked(chance="unit")
def plot_activation_runs(runs: Mapping[str, History], *, chance: float = 0.1, depth: int = 10):
    """Training loss (left, log) and validation accuracy (right) per epoch, one line per run."""
    colors = style.SeriesColors(runs)
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(4.4))
    for label, h in runs.items():
        _curve(axes[0], h, "train_loss", label, colors.style(label))
        _curve(axes[1], h, "val_metric", label, colors.style(label))
    axes[0].set_yscale("log")
    plain_log_ticks(axes[0])
    axes[0].set_title(f"{depth} hidden layers: training loss")
    axes[0].set_ylabel("cross-entropy")
    axes[1].axhline(chance, color="grey", ls=":", lw=1.5, label="chance")
    axes[1].set_ylim(0, 1)
    axes[1].set_title("validation accuracy")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    style.legend_outside(axes[1], "right")
    return fig


ARM_ORDER = style.SeriesColors(ARMS)  # every arm keeps its colour and line style in every figure


@checked
def plot_depth(sweep: DepthSweep, depth: int, arms=None, *, reveal: bool = False):
    """Validation accuracy per epoch of each arm at ``depth`` (left); final accuracy by depth (right),
    with ``reveal`` only up to ``depth`` (an explorer that must not answer a question before it is moved)."""
    check_type("sweep", sweep, DepthSweep, "a course_lib.trainability.DepthSweep")
    if depth not in sweep.depths:
        raise ValueError(f"depth must be one of {list(sweep.depths)}, got {depth!r}")
    arms = sweep.arms if arms is None else tuple(arms)
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(4.4))
    any_diverged = False
    for arm in arms:
        line = ARM_ORDER.style(arm)
        h = sweep.runs[(depth, arm)]
        epochs = h.epochs[:len(h.val_metric)] or list(range(1, len(h.val_metric) + 1))
        axes[0].plot(epochs, h.val_metric, label=arm, ms=6, **line)
        keep = [i for i, d in enumerate(sweep.depths) if d <= depth or not reveal]
        shown = [sweep.depths[i] for i in keep]
        axes[1].plot(shown, sweep.final(arm)[keep], label=arm, ms=7, **line)
        diverged = ((axes[0], [diverged_epoch(h)] if h.diverged else []),
                    (axes[1], [d for d in shown if sweep.runs[(d, arm)].diverged]))
        for ax, xs in diverged:  # ✕ above the curves (at the epoch it blew up in), in the arm's colour
            if xs:
                ax.plot(xs, [DIVERGED_Y] * len(xs), marker="X", ms=11, color=line["color"], ls="none",
                        clip_on=False)
                any_diverged = True
    if any_diverged:  # one legend entry explains every ✕
        axes[1].plot([], [], marker="X", ms=11, color="grey", ls="none", label="✕ at the top: diverged")
    for ax in axes:
        ax.axhline(sweep.chance, color="grey", ls=":", lw=1.5)
        ax.set_ylim(0, DIVERGED_Y + 0.06)  # room above 1 for the ✕, so none sits on a curve
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.set_ylabel("validation accuracy")
    axes[0].set_xlabel("epoch")
    axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0].set_title(f"{depth} hidden layers, per epoch")
    axes[1].axvline(depth, color="black", lw=1, alpha=0.5)
    axes[1].set_xticks(sweep.depths)
    pad = 0.04 * (max(sweep.depths) - min(sweep.depths) or 1)
    axes[1].set_xlim(min(sweep.depths) - pad, max(sweep.depths) + pad)  # the same axis at every depth
    axes[1].set_xlabel("hidden layers (dotted: chance)")
    axes[1].set_title(f"after training, up to {depth} layers" if reveal and depth < max(sweep.depths)
                      else "after training, by depth")
    style.legend_outside(axes[1], "right")
    return fig


@checked
def draw_depth(sweep: DepthSweep, depth: int):
    """The explorer's figure for one depth; returns (figure, state with each arm's final accuracy)."""
    fig = plot_depth(sweep, depth, reveal=True)
    i = sweep.depths.index(depth)
    final = {arm: float(sweep.final(arm)[i]) for arm in sweep.arms}
    return fig, {"depth": depth, "final": final, "trains": sweep.trains(depth)}


@checked
def depth_explorer(sweep: DepthSweep, depth: int | None = None) -> Explorer:
    """A "depth" slider over a precomputed DepthSweep: every value redraws at once, nothing retrains;
    the by-depth panel fills in up to the slider's depth."""
    check_type("sweep", sweep, DepthSweep, "a course_lib.trainability.DepthSweep")
    depth = sweep.depths[len(sweep.depths) // 2] if depth is None else depth
    slider = selection_slider("depth", list(sweep.depths), value=depth, width="420px")
    return Explorer({"depth": slider}, lambda depth: draw_depth(sweep, depth), min_height="480px", cache=True,
                    title="Plain, residual and BatchNorm nets (ReLU) by depth")
