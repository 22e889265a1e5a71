"""Gradient clipping: the global-norm rule written out (and checked against clip_grad_norm_), unscaled
regression targets that blow up plain SGD, and a threshold slider precomputed over its grid."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from .. import style
from ..checks import check_items, check_kind, check_member, check_type, checked
from ..data import Split
from ..live_figure import SMALL, PngExplorer, encode_png, new_figure
from ..models import build_mlp
from ..training import History, fit
from ..widgets import selection_slider

THRESHOLDS = (1.0, 3.0, 10.0, 30.0, 100.0, 1000.0, math.inf)  # inf = no clipping


@checked
def clip_by_global_norm(grads: Sequence[torch.Tensor], max_norm: float
                        ) -> tuple[list[torch.Tensor], float]:
    """Scale all gradients together so that their global L2 norm is at most ``max_norm``.

    The rule of torch.nn.utils.clip_grad_norm_: g ← g · min(1, max_norm / (‖g‖ + 1e-6)); the
    direction never changes, and a non-finite norm gives non-finite gradients (nothing is rescued).
    Returns the new gradients and the norm before clipping."""
    check_items("grads", grads, torch.Tensor, "gradient tensors")
    grads = list(grads)
    if not grads:
        raise ValueError("grads must contain at least one tensor")
    norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    factor = torch.clamp(max_norm / (norm + 1e-6), max=1.0)
    return [g * factor for g in grads], float(norm)


@checked
def train_regression(data: Split, clip: float | None, *, lr: float = 0.01, num_steps: int = 300,
                     batch_size: int = 32, hidden=(64, 64), seed: int = 0) -> History:
    """Plain SGD on a regression Split, clipping the global gradient norm at ``clip`` (None or inf:
    off), recording the norm of every step."""
    if clip is not None and math.isinf(clip):
        clip = None
    model = build_mlp(data, hidden=hidden, seed=seed)
    return fit(model, data, optimizer="sgd", lr=lr, batch_size=batch_size, num_steps=num_steps,
               clip_grad_norm=clip, record_grad_norms=True, seed=seed)


@checked(factor="float+")
def scale_targets(data: Split, factor: float) -> Split:
    """The same Split with every target multiplied by ``factor`` (e.g. 0.1: ten times smaller)."""
    if data.task != "regression":
        raise ValueError(f"data must be a regression Split, got task {data.task!r}")
    return Split(data.X_train, data.y_train * factor, data.X_val, data.y_val * factor,
                 data.X_test, data.y_test * factor, task="regression", mean=data.mean,
                 std=data.std, name=f"{data.name} (targets × {factor:g})")


@checked
def standardize_targets(data: Split) -> Split:
    """The same Split with y divided by the training targets' standard deviation (and centred)."""
    if data.task != "regression":
        raise ValueError(f"data must be a regression Split, got task {data.task!r}")
    mean, std = data.y_train.mean(), data.y_train.std()
    return Split(data.X_train, (data.y_train - mean) / std, data.X_val, (data.y_val - mean) / std,
                 data.X_test, (data.y_test - mean) / std, task="regression", mean=data.mean,
                 std=data.std, name=f"{data.name} (standardised y)")


@checked
def clipped_fraction(history: History) -> float:
    """Fraction of optimizer steps whose gradient norm exceeded τ, so that clipping shrank it."""
    return float(np.mean(history.clipped)) if history.clipped else 0.0


def _label(threshold: float) -> str:
    """'off' for no clipping, else the threshold."""
    return "off" if math.isinf(threshold) else f"{threshold:g}"


def _clip_title(history: History, threshold: float) -> str:
    """What the gradient-norm panel's title says: how many steps were clipped, or that none can be."""
    if math.isinf(threshold):
        return "gradient norm (clipping off)"
    n = len(history.clipped)
    return f"τ = {threshold:g}: {sum(history.clipped)} of {n} steps clipped"


@checked
def blowup_loss(history: History) -> float:
    """The loss that stopped a diverged run (inf or nan when it was not finite); nan if it did not diverge."""
    check_type("history", history, History, "a course_lib.training.History")
    match = re.search(r"the loss became ([^ ]+?)\.?(?: |$)", history.message)
    if not history.diverged or match is None:
        return math.nan
    try:
        return float(match.group(1))
    except ValueError:
        return math.nan


def _mark_blowup(ax, history: History, color) -> None:
    """An ✕ at the step and the loss where a run blew up; a non-finite loss goes on the top edge."""
    value, step = blowup_loss(history), history.num_steps + 1
    finite = math.isfinite(value)
    if finite:
        top = max([value, *[v for v in history.step_loss if math.isfinite(v)]])
        ax.set_ylim(top=top * 10)
    y = value if finite else ax.get_ylim()[1]
    ax.plot([step], [y], marker="X", ms=13, color=color, mec="black", ls="none", clip_on=False)
    ax.annotate(f"loss {value:.1e}" if finite else f"loss {value}", (step, y), xytext=(6, -14),
                textcoords="offset points", fontsize=style.MIN_FONT_PT, color=color, fontweight="bold")


@checked(threshold="limit")
def plot_clipping(history: History, threshold: float, unclipped: History | None = None, axes=None):
    """Loss per step (left) and the gradient norm before clipping with the threshold τ (right); the
    run without clipping, if given, is overlaid (dashed) and its divergence marked."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=style.figsize(4.4))
    runs = [(history, f"clipped at τ = {threshold:g}" if not math.isinf(threshold) else "no clipping",
             style.color(0), "-")]
    if unclipped is not None and not math.isinf(threshold):
        runs.append((unclipped, "no clipping", style.color(1), "--"))
    for h, label, color, ls in runs:
        if h.diverged:
            label += f" (diverged at step {h.num_steps + 1})"
        steps = np.arange(1, h.num_steps + 1)
        axes[0].semilogy(steps, h.step_loss, color=color, ls=ls, label=label)
        axes[1].semilogy(np.arange(1, len(h.grad_norm) + 1), h.grad_norm, color=color, ls=ls, lw=1.6)
        if h.diverged:
            _mark_blowup(axes[0], h, color)
    if not math.isinf(threshold):
        axes[1].axhline(threshold, color="black", ls=":", lw=2, label=f"τ = {threshold:g}")
        style.legend_outside(axes[1], "below")
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("mini-batch MSE")
    axes[1].set_xlabel("step")
    axes[1].set_ylabel("‖g‖ before clipping")
    if history.diverged:
        axes[0].set_title(f"{_label(threshold)}: diverged at step {history.num_steps + 1}")
    else:
        axes[0].set_title(f"τ = {_label(threshold)}: validation R² {history.final():.2f}")
    axes[1].set_title(_clip_title(history, threshold))
    style.legend_outside(axes[0], "below")
    return axes


@checked
def plot_threshold_sweep(runs: dict[float, History], ax=None):
    """Final validation R² for every threshold τ (a diverged run is marked ✕ and labelled diverged)."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(3.8))
    labels = [_label(t) for t in runs]
    for i, history in enumerate(runs.values()):
        if history.diverged:
            ax.plot(i, 0.1, marker="X", ms=14, color=style.DIVERGED_COLOR, ls="none")
            ax.annotate(f"diverged\nat step {history.num_steps + 1}", (i, 0.1), xytext=(0, 14),
                        textcoords="offset points", ha="center", fontsize=style.MIN_FONT_PT,
                        color=style.DIVERGED_COLOR, fontweight="bold")
        else:
            r2 = history.final()
            ax.bar(i, max(r2, 0.0), color=style.color(0))
            ax.text(i, max(r2, 0.0) + 0.02, f"{r2:.2f}", ha="center", fontsize=style.MIN_FONT_PT + 1)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(-0.05, 1.2)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("clipping threshold τ")
    ax.set_ylabel("validation R²")
    ax.set_title("every τ after training (R² below 0 drawn at 0)")
    return ax


class ClippingExplorer(PngExplorer):
    """A "threshold" slider over a fixed grid; every run is trained and drawn up front, so moving it
    only swaps pictures. The run without clipping is overlaid on every clipped one."""

    @checked
    def __init__(self, data: Split, *, thresholds=THRESHOLDS, threshold: float = 10.0, lr: float = 0.01,
                 num_steps: int = 300, seed: int = 0):
        check_kind("thresholds", thresholds, "limits")
        check_member("threshold", threshold, thresholds, "thresholds")
        if math.inf not in thresholds:
            raise ValueError(f"thresholds must include math.inf (no clipping), got {thresholds!r}")
        self.runs = {t: train_regression(data, t, lr=lr, num_steps=num_steps, seed=seed) for t in thresholds}
        self.figures, self.pictures = {}, {}
        for t in thresholds:  # drawn once: a move of the slider only swaps pictures
            width, height = style.figsize(4.4)
            fig = new_figure(height, width)
            plot_clipping(self.runs[t], t, unclipped=self.runs[math.inf], axes=fig.subplots(1, 2))
            fig.canvas.draw()
            self.figures[t], self.pictures[t] = fig, encode_png(fig, SMALL)
        slider = selection_slider("threshold", list(thresholds), threshold, fmt=_label)
        self.controls = {"threshold": slider}
        self._build_widget(f"SGD lr {lr:g} on {data.name}, {num_steps} steps", int(height * style.DPI) + 8)
        self.state = self.update(**self.values)

    def update(self, threshold: float) -> dict:
        """The precomputed run (and figure) for this threshold."""
        history = self.runs[threshold]
        self.figure = self.figures[threshold]
        return {"threshold": threshold, "history": history, "diverged": history.diverged,
                "clipped_fraction": clipped_fraction(history)}

    def render(self) -> bytes:
        """The picture of the current threshold."""
        return self.pictures[self.state["threshold"]]


@checked
def constant_lr_grid(data: Split, lrs, *, num_steps: int = 300, seed: int = 0) -> dict[float, History]:
    """Unclipped SGD at every LR of ``lrs``: the fair baseline that a clipping threshold must beat."""
    return {lr: train_regression(data, None, lr=lr, num_steps=num_steps, seed=seed) for lr in lrs}


@checked
def best_run(runs: dict[float, History]) -> float:
    """The key (an LR or a threshold) whose run ends with the best validation score (diverged: worst)."""
    check_type("runs", runs, dict, "a dict of Histories (key: an LR or a threshold)")
    if not runs:
        raise ValueError("runs must contain at least one History, got none")
    check_items("runs", list(runs.values()), History, "Histories")
    return max(runs, key=lambda k: -math.inf if runs[k].diverged else runs[k].final())
