"""The learning-rate range test (Smith 2017; fastai's lr_find): raise the LR exponentially over a
short run, watch the loss, and read a good LR off the curve."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from .. import style
from ..checks import checked
from ..training import fit
from .learning_rate import smooth


@dataclass
class LRRangeTest:
    """What the range test saw: the LR and the (smoothed) loss of every step, and its suggestion."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    stopped_early: bool  # the loss blew up before end_lr was reached
    stop_factor: float = 4.0  # the test stops once a loss exceeds stop_factor × the first one

    @property
    def lr_at_minimum(self) -> float:
        """The LR where the smoothed loss was lowest: already too large to train with."""
        return float(self.lrs[int(np.argmin(self.smoothed))])

    @property
    def suggestion(self) -> float:
        """The usual rule of thumb: one tenth of the LR at the minimum of the smoothed loss."""
        return self.lr_at_minimum / 10

    @property
    def steepest(self) -> float:
        """The LR where the smoothed loss fell fastest per decade of LR (before the minimum)."""
        stop = int(np.argmin(self.smoothed)) + 1
        if stop < 3:
            return float(self.lrs[0])
        slope = np.gradient(self.smoothed[:stop], np.log10(self.lrs[:stop]))
        return float(self.lrs[int(np.argmin(slope))])

    def __repr__(self) -> str:
        return (f"LRRangeTest({len(self.lrs)} steps from lr {self.lrs[0]:.2g} to {self.lrs[-1]:.2g}, "
                f"minimum at {self.lr_at_minimum:.2g}, suggestion {self.suggestion:.2g})")


@checked(data=None)  # a Split or a tuple: checked by fit
def lr_range_test(model: nn.Module, data, *, optimizer: str = "sgd", start_lr: float = 1e-4,
                  end_lr: float = 10.0, num_steps: int = 100, batch_size: int = 32,
                  stop_factor: float = 4.0, beta: float = 0.9, seed: int = 0) -> LRRangeTest:
    """Train a copy of ``model`` for ``num_steps`` steps while the LR grows from ``start_lr`` to
    ``end_lr`` (torch's ExponentialLR); stop once the loss exceeds ``stop_factor`` times its first
    value. ``model`` itself is left untouched."""
    if not start_lr < end_lr:
        raise ValueError(f"start_lr must be below end_lr, got start_lr={start_lr}, end_lr={end_lr}")
    if num_steps < 10:
        raise ValueError(f"num_steps must be >= 10 for a readable curve, got {num_steps}")
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    gamma = (end_lr / start_lr) ** (1.0 / (num_steps - 1))
    probe = copy.deepcopy(model)
    history = fit(probe, data, optimizer=optimizer, lr=start_lr, batch_size=batch_size,
                  num_steps=num_steps, seed=seed, divergence_factor=stop_factor,
                  scheduler=lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=gamma))
    losses = np.array(history.step_loss)
    lrs = np.array(history.lr[:len(losses)])
    if len(losses) < 3:
        raise ValueError(f"the loss blew up within {len(losses)} steps: lower start_lr (got {start_lr})")
    return LRRangeTest(lrs, losses, smooth(losses, beta), history.diverged, stop_factor)


@checked
def plot_lr_range_test(result: LRRangeTest, ax=None):
    """The smoothed loss against the LR (log scale), with the minimum and the suggestion marked."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.2))
    ax.plot(result.lrs, result.losses, color="0.7", lw=1.2, label="mini-batch loss")
    ax.plot(result.lrs, result.smoothed, color=style.color(0), label="smoothed")
    ax.axvline(result.lr_at_minimum, color=style.color(1), ls="--", lw=2,
               label=f"minimum, lr {result.lr_at_minimum:.2g}")
    ax.axvline(result.suggestion, color=style.color(2), ls="-.", lw=2.4,
               label=f"suggestion (÷10), lr {result.suggestion:.2g}")
    ax.set_xscale("log")
    top = float(np.nanmax(result.smoothed[: max(3, len(result.smoothed) // 5)])) * 1.5
    finite = result.losses[np.isfinite(result.losses)]
    ax.set_ylim(max(0.0, float(finite.min()) * 0.8), top if math.isfinite(top) else None)
    if result.stopped_early:
        ax.set_title(f"stopped at lr {result.lrs[-1]:.2g}: a loss passed "
                     f"{result.stop_factor:g}× the first ({result.losses[0]:.2f})")
    else:
        ax.set_title("LR range test")
    ax.set_xlabel("learning rate (grows every step)")
    ax.set_ylabel("training loss")
    style.legend_outside(ax, "right")
    return ax
