"""Gradient clipping: the global-norm rule written out (and checked against clip_grad_norm_), unscaled
regression targets that blow up plain SGD, and a threshold slider precomputed over its grid."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from .checks import check_items, check_kind, check_member, check_positive, check_type, checked
from .data import Split
from .models import build_mlp
from .training import History, fit
from .widgets import Explorer, selection_slider

THRESHOLDS = (1.0, 3.0, 10.0, 30.0, 100.0, 1000.0, math.inf)  # inf = no clipping


@checked
def clip_by_global_norm(grads: Sequence[torch.Tensor], max_norm: float
                        ) -> tuple[list[torch.Tensor], float]:
    """Scale all gradients together so that their global L2 norm is at most ``max_norm``.

    The rule of torch.nn.utils.clip_grad_norm_: g ← g · min(1, max_norm / (‖g‖ + 1e-6)); the
    direction never changes, and a non-finite norm gives non-finite gradients (nothing is rescued).
    Returns the new gradients and the norm before clipping."""
    check_items("grads", grads, torch.Tensor, "gradient tensors")
    check_positive("max_norm", max_norm)
    grads = list(grads)
    if not grads:
        raise ValueError("grads must contain at least one tensor")
    norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    factor = torch.clamp(max_norm / (norm + 1e-6), max=1.0)
    return [g * factor for g in grads], float(norm)


@checked
def train_regression(data: Split, clip: float | None, *, lr: float = 0.01, num_steps: int = 300,
                     batch_size: int = 32, hidden=(64, 64), seed: int = 0) -> History:
    """Plain SGD on a regression Split, clipping the global gradient norm at ``clip`` (None: off),
    recording the norm of every step."""
    check_type("data", data, Split, "a course_lib.data.Split")
    if clip is not None and math.isinf(clip):
        clip = None
    model = build_mlp(data, hidden=hidden, seed=seed)
    return fit(model, data, optimizer="sgd", lr=lr, batch_size=batch_size, num_steps=num_steps,
               clip_grad_norm=clip, record_grad_norms=True, seed=seed)


@checked
def standardize_targets(data: Split) -> Split:
    """The same Split with y divided by the training targets' standard deviation (and centred)."""
    check_type("data", data, Split, "a course_lib.data.Split")
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


@checked(threshold="limit")
def plot_clipping(history: History, threshold: float, axes=None):
    """Loss per step (left) and the gradient norm before clipping with the threshold τ (right)."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    steps = np.arange(1, history.num_steps + 1)
    axes[0].semilogy(steps, history.step_loss, color="C0")
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("mini-batch MSE")
    axes[1].semilogy(np.arange(1, len(history.grad_norm) + 1), history.grad_norm, color="C1",
                     label="‖g‖ before clipping")
    if not math.isinf(threshold):
        axes[1].axhline(threshold, color="C3", ls="--", label=f"τ = {threshold:g}")
    axes[1].set_xlabel("step")
    axes[1].set_ylabel("global gradient norm")
    axes[1].legend(loc="upper right", fontsize=9)
    if history.diverged:
        axes[0].set_title(f"clipping {_label(threshold)}: DIVERGED at step {history.num_steps + 1}",
                          color="red")
    else:
        axes[0].set_title(f"clipping {_label(threshold)}: final loss {history.step_loss[-1]:.3g}")
    axes[1].set_title(f"{clipped_fraction(history):.0%} of steps had ‖g‖ > τ (clipped)")
    return axes


@checked
def plot_threshold_sweep(runs: dict[float, History], ax=None):
    """Final validation R² for every threshold τ (a diverged run is a red ✗ at the bottom)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    labels = [_label(t) for t in runs]
    for i, history in enumerate(runs.values()):
        if history.diverged:
            ax.plot(i, 0, "x", color="red", ms=12, mew=3)
            ax.annotate(f"diverged\nat step {history.num_steps + 1}", (i, 0), xytext=(0, 12),
                        textcoords="offset points", ha="center", fontsize=9, color="red")
        else:
            r2 = history.final()
            ax.bar(i, max(r2, 0.0), color="C0")
            ax.text(i, max(r2, 0.0) + 0.02, f"{r2:.2f}", ha="center", fontsize=9)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(-0.08, 1.15)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("clipping threshold τ")
    ax.set_ylabel("validation R² after training")
    return ax


class ClippingExplorer(Explorer):
    """A "threshold" slider over a fixed grid; every run is trained up front, so moving it only redraws."""

    @checked
    def __init__(self, data: Split, *, thresholds=THRESHOLDS, threshold: float = 10.0,
                 num_steps: int = 300, seed: int = 0):
        check_kind("thresholds", thresholds, "limits")
        check_member("threshold", threshold, thresholds, "thresholds")
        check_type("data", data, Split, "a course_lib.data.Split")
        self.runs = {t: train_regression(data, t, num_steps=num_steps, seed=seed) for t in thresholds}
        slider = selection_slider("threshold", list(thresholds), threshold, fmt=_label)
        super().__init__({"threshold": slider}, self._draw_threshold, min_height="300px",
                         title=f"SGD lr 0.01 on unscaled targets, {num_steps} steps")

    def _draw_threshold(self, threshold: float):
        """Draw the precomputed run for this threshold."""
        history = self.runs[threshold]
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
        plot_clipping(history, threshold, axes)
        return fig, {"threshold": threshold, "history": history, "diverged": history.diverged,
                     "clipped_fraction": clipped_fraction(history)}
