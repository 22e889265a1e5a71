"""Batch normalization written in the open, Santurkar et al.'s "injected covariate shift", and the
learning-rate x initialisation grid with and without BN."""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from torch import nn

from .. import style
from ..checks import check_positive, checked
from ..data import Split
from ..models import MLP
from ..plots import plain_log_ticks
from ..training import History, fit
from .trainability import DIVERGED_Y, diverged_epoch


@checked(x=None, gamma=None, beta=None, running_mean=None, running_var=None)  # tensors pass untouched
def batch_norm_train(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, running_mean: torch.Tensor,
                     running_var: torch.Tensor, momentum: float = 0.1, eps: float = 1e-5) -> torch.Tensor:
    """BatchNorm in training mode: normalise with the batch's statistics, update the running ones."""
    n = x.shape[0]
    mean = x.mean(dim=0)  # μ_B: one mean per feature, over the batch
    var = x.var(dim=0, unbiased=False)  # σ²_B: the batch's (biased) variance
    x_hat = (x - mean) / torch.sqrt(var + eps)  # every feature: mean 0, variance 1
    y = gamma * x_hat + beta  # learned scale γ and shift β
    with torch.no_grad():  # running statistics for eval mode: move 10% (momentum) toward the batch's
        running_mean.lerp_(mean, momentum)
        running_var.lerp_(var * n / (n - 1), momentum)  # the unbiased variance, as nn.BatchNorm1d
    return y


class BatchNorm(nn.Module):
    """BatchNorm for (n, features) inputs, written out; behaves like ``nn.BatchNorm1d``.

    Training mode: normalise each feature with the mini-batch mean and (biased) variance,
    y = γ (x - μ_B) / sqrt(σ²_B + ε) + β, and update the running statistics
    (running ← (1 - momentum) running + momentum · batch, with the unbiased variance).
    Evaluation mode: use the running statistics, so an example's output no longer depends on the
    other examples of its batch.
    """

    @checked
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))  # γ
        self.bias = nn.Parameter(torch.zeros(num_features))  # β
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Normalise with the batch statistics (training) or the running ones (evaluation)."""
        if x.ndim != 2 or x.shape[1] != self.num_features:
            raise ValueError(f"x must have shape (n, {self.num_features}), got {tuple(x.shape)}")
        if not self.training:
            x_hat = (x - self.running_mean) / torch.sqrt(self.running_var + self.eps)
            return self.weight * x_hat + self.bias
        if x.shape[0] < 2:
            raise ValueError(f"BatchNorm needs more than 1 example per batch in training, got {x.shape[0]}")
        self.num_batches_tracked += 1
        return batch_norm_train(x, self.weight, self.bias, self.running_mean, self.running_var,
                                momentum=self.momentum, eps=self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class InjectedShift(nn.Module):
    """Covariate shift put back on purpose: a fresh random per-unit scale and shift every step.

    In training mode the output is s_j · x + m_j with m_j ~ U(-shift, shift) and
    log s_j ~ U(-log scale, log scale), drawn anew for every unit j at every forward pass
    (Santurkar et al. 2018, "noisy BatchNorm"). In evaluation mode it passes x through.
    """

    @checked
    def __init__(self, num_features: int, shift: float = 1.0, scale: float = 2.0, seed: int = 0):
        check_positive("shift", shift, allow_zero=True)
        check_positive("scale", scale)
        if scale < 1:
            raise ValueError(f"scale must be >= 1 (scales are drawn in [1/scale, scale]), got {scale}")
        super().__init__()
        self.num_features, self.shift, self.scale = num_features, shift, scale
        self.generator = torch.Generator().manual_seed(seed)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Shift and rescale every unit by fresh random amounts (training mode only)."""
        if not self.training:
            return x
        u = torch.rand(2, self.num_features, generator=self.generator)
        m = (2 * u[0] - 1) * self.shift
        s = torch.exp((2 * u[1] - 1) * math.log(self.scale))
        return x * s + m

    def extra_repr(self) -> str:
        return f"{self.num_features}, shift={self.shift}, scale={self.scale}"


@checked(noise="bool", shift="finite", scale="float+")
def replace_batchnorm(model: nn.Module, *, noise: bool = False, hand_written: bool = False,
                      shift: float = 1.0, scale: float = 2.0, seed: int = 0) -> nn.Module:
    """Swap every nn.BatchNorm1d of ``model`` (in place): for our BatchNorm, and/or follow it by
    an InjectedShift. Returns the model."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    count = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if not isinstance(child, nn.BatchNorm1d):
                continue
            new: nn.Module = child
            if hand_written:
                new = BatchNorm(child.num_features, eps=child.eps, momentum=child.momentum)
                new.load_state_dict(child.state_dict())
            if noise:
                new = nn.Sequential(new, InjectedShift(child.num_features, shift, scale, seed + count))
            setattr(parent, name, new)
            count += 1
    if count == 0:
        raise ValueError("model has no nn.BatchNorm1d to replace (build it with batch_norm=True)")
    return model


@checked(noise="bool")
def bn_mlp(data: Split, *, depth: int = 8, width: int = 64, batch_norm: bool = True,
           noise: bool = False, init: str = "default", init_scale: float = 1.0, seed: int = 0) -> MLP:
    """The BN experiments' ReLU MLP: ``depth`` hidden layers, optionally BN and injected shift."""
    if noise and not batch_norm:
        raise ValueError("noise=True needs batch_norm=True (the shift is injected after each BN)")
    model = MLP(data.in_features, data.out_features, hidden=(width,) * depth, task=data.task,
                batch_norm=batch_norm, init=init, init_scale=init_scale, seed=seed)
    if noise:
        replace_batchnorm(model, noise=True, seed=seed)
    return model


@dataclass
class Grid:
    """Validation accuracy over a learning-rate x init-scale grid, with and without BN."""

    lrs: tuple[float, ...]
    init_scales: tuple[float, ...]
    accuracy: dict[str, np.ndarray]  # label -> (len(init_scales), len(lrs)); nan where it diverged

    def wins(self, label: str, threshold: float = 0.8) -> int:
        """How many settings reach ``threshold`` validation accuracy (a diverged run never does)."""
        return int((np.nan_to_num(self.accuracy[label], nan=-1.0) >= threshold).sum())

    def diverged(self, label: str) -> int:
        """How many settings diverged."""
        return int(np.isnan(self.accuracy[label]).sum())

    def summary(self, threshold: float = 0.8) -> str:
        """One line per label: settings that reach ``threshold``, and settings that diverged."""
        return "\n".join(f"{label:<11} {self.wins(label, threshold):>2}/{acc.size} settings reach "
                         f"{threshold:g} validation accuracy, {self.diverged(label):>2}/{acc.size} diverged"
                         for label, acc in self.accuracy.items())


@checked
def lr_init_grid(data: Split, lrs: Sequence[float], init_scales: Sequence[float], *,
                 depth: int = 8, num_epochs: int = 3, batch_size: int = 64,
                 optimizer: str = "momentum", seed: int = 0) -> Grid:
    """Train the BN-experiment MLP with and without BN at every (init scale, lr); keep val accuracy."""
    if not lrs or not init_scales:
        raise ValueError("lrs and init_scales must not be empty")
    for lr in lrs:
        check_positive("lrs", lr)
    for s in init_scales:
        check_positive("init_scales", s)
    accuracy = {}
    for label, batch_norm in (("without BN", False), ("with BN", True)):
        grid = np.zeros((len(init_scales), len(lrs)))
        for i, init_scale in enumerate(init_scales):
            for j, lr in enumerate(lrs):
                model = bn_mlp(data, depth=depth, batch_norm=batch_norm, init_scale=init_scale,
                               seed=seed)
                h = fit(model, data, optimizer=optimizer, lr=lr, num_epochs=num_epochs,
                        batch_size=batch_size, seed=seed)
                grid[i, j] = np.nan if h.diverged else h.final("val_metric")
        accuracy[label] = grid
    return Grid(tuple(lrs), tuple(init_scales), accuracy)


@checked(threshold="unit")
def plot_grid(grid: Grid, *, threshold: float = 0.8):
    """Side-by-side heatmaps of validation accuracy (rows: init scale, columns: learning rate).

    A diverged run is a hatched grey cell labelled "diverged", not a low accuracy.
    """
    labels = list(grid.accuracy)
    fig, axes = plt.subplots(1, len(labels), figsize=style.figsize(4.0), sharey=True)
    axes = np.atleast_1d(axes)
    cmap = plt.get_cmap("viridis").with_extremes(bad="#DDDDDD")
    for ax, label in zip(axes, labels, strict=True):
        acc = grid.accuracy[label]
        im = ax.imshow(np.ma.masked_invalid(acc), vmin=0, vmax=1, cmap=cmap, origin="lower", aspect="auto")
        for (i, j), v in np.ndenumerate(acc):
            if np.isnan(v):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="//", edgecolor="grey",
                                       lw=0))
                ax.text(j, i, "diverged", ha="center", va="center", fontsize=style.MIN_FONT_PT, color="black",
                        rotation=90)
            else:
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=style.MIN_FONT_PT,
                        color="black" if v > 0.6 else "white")
        ax.set_xticks(range(len(grid.lrs)), [f"{lr:g}" for lr in grid.lrs])
        ax.set_yticks(range(len(grid.init_scales)), [f"{s:g}" for s in grid.init_scales])
        ax.set_xlabel("learning rate")
        ax.set_title(f"{label}: {grid.wins(label, threshold)}/{acc.size} reach {threshold:g}")
        ax.grid(False)
    axes[0].set_ylabel("init scale\n(× PyTorch default)")
    fig.colorbar(im, ax=axes, label="validation accuracy", shrink=0.9, fraction=0.04, pad=0.02)
    return fig


class InputMoments:
    """Records, at every training step, the per-unit batch mean and std of a module's input."""

    @checked
    def __init__(self, module: nn.Module):
        if not isinstance(module, nn.Module):
            raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
        self.means: list[torch.Tensor] = []
        self.stds: list[torch.Tensor] = []
        self._hook = module.register_forward_pre_hook(self._record)

    def _record(self, module: nn.Module, args) -> None:
        """Keep the moments of a training-mode input."""
        if module.training:
            x = args[0].detach()
            self.means.append(x.mean(0))
            self.stds.append(x.std(0))

    def remove(self) -> None:
        """Stop recording."""
        self._hook.remove()

    def step_change(self) -> np.ndarray:
        """Per step, how far the input distribution moved: mean over units of |Δ mean| + |Δ std|,
        divided by the layer's mean std at the previous step (so it does not depend on scale)."""
        if len(self.means) < 2:
            return np.zeros(0)
        m, s = torch.stack(self.means), torch.stack(self.stds)
        change = ((m[1:] - m[:-1]).abs() + (s[1:] - s[:-1]).abs()).mean(1)
        change = (change / s[:-1].mean(1).clamp_min(1e-12)).numpy()
        finite = np.isfinite(change)
        return change if finite.all() else change[:int(np.argmin(finite))]  # up to the first non-finite step


SHIFT_ARMS = ("without BN, default init", "without BN, He init", "with BN", "BN + injected shift")
SHIFT_CONFIGS = (  # (batch_norm, noise, init) of each arm
    (False, False, "default"), (False, False, "he"), (True, False, "default"), (True, True, "default"))


@checked
def covariate_shift_experiment(data: Split, *, lr: float = 0.1, init_scale: float = 1.0,
                               num_epochs: int = 5, batch_size: int = 64, depth: int = 8,
                               layer: int = 5, seed: int = 0) -> dict[str, tuple[History, np.ndarray]]:
    """Santurkar et al.'s test: train without BN (PyTorch's default init and He init, side by side), with
    BN, and with BN + injected shift (default init, as the lr x init grid); record how far the input of
    hidden layer ``layer`` moves per step.

    Returns {label: (History, per-step change of the input moments of hidden layer ``layer``)}; a
    diverged run's record stops at its last finite step.
    """
    if layer > depth:
        raise ValueError(f"layer must be <= depth={depth}, got {layer}")
    runs = {}
    for label, (batch_norm, noise, init) in zip(SHIFT_ARMS, SHIFT_CONFIGS, strict=True):
        model = bn_mlp(data, depth=depth, batch_norm=batch_norm, noise=noise, init=init,
                       init_scale=init_scale, seed=seed)
        recorder = InputMoments(model.body[layer - 1].linear)
        h = fit(model, data, optimizer="momentum", lr=lr, num_epochs=num_epochs,
                batch_size=batch_size, seed=seed)
        recorder.remove()
        runs[label] = (h, recorder.step_change())
    return runs


@checked
def plot_covariate_shift(runs: dict[str, tuple[History, np.ndarray]], *, smooth: int = 10):
    """Validation accuracy per epoch (left) and how far the layer's input moves per step (right)."""
    check_positive("smooth", smooth, integer=True)
    colors = style.SeriesColors(runs)
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(4.4))
    kernel = np.ones(smooth) / smooth
    any_diverged = False
    for label, (h, change) in runs.items():
        line = colors.style(label)
        axes[0].plot(h.epochs[:len(h.val_metric)], h.val_metric, label=label, **line)
        if h.diverged:  # ✕ above the curves at the epoch it blew up in; the legend says what it means
            axes[0].plot([diverged_epoch(h)], [DIVERGED_Y], marker="X", ms=11, color=line["color"],
                         ls="none", clip_on=False)
            any_diverged = True
        if len(change) >= smooth:
            axes[1].plot(np.convolve(change, kernel, mode="valid"), color=line["color"], ls=line["ls"],
                         label=label)
    axes[0].set_ylim(0, DIVERGED_Y + 0.06)  # room above 1 for the ✕, so none sits on a curve
    axes[0].set_yticks(np.linspace(0, 1, 6))
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("validation accuracy")
    axes[0].set_title("validation accuracy")
    axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[1].set_yscale("log")
    plain_log_ticks(axes[1])
    axes[1].set_xlabel("optimizer step")
    axes[1].set_ylabel("relative change per step")
    axes[1].set_title(f"how far the inputs move ({smooth}-step average)")
    if any_diverged:
        axes[1].plot([], [], marker="X", ms=11, color="grey", ls="none", label="✕ (left panel): diverged")
    style.legend_outside(axes[1], "below", ncol=2)
    return fig


@checked
def check_against_torch(num_features: int = 6, batch_size: int = 16, num_batches: int = 5,
                        seed: int = 0) -> dict[str, float]:
    """Largest differences between our BatchNorm and nn.BatchNorm1d fed the same batches.

    Keys: train output, gradients of x, γ and β, running mean and variance after ``num_batches``
    training batches, and the evaluation-mode output.
    """
    if not isinstance(batch_size, int) or batch_size < 2:
        raise ValueError(f"batch_size must be an integer >= 2, got {batch_size!r}")
    g = torch.Generator().manual_seed(seed)
    ours, ref = BatchNorm(num_features), nn.BatchNorm1d(num_features)
    with torch.no_grad():  # the same random γ and β in both
        gamma, beta = torch.rand(num_features, generator=g) + 0.5, torch.randn(num_features, generator=g)
        for layer in (ours, ref):
            layer.weight.copy_(gamma)
            layer.bias.copy_(beta)
    diff = dict.fromkeys(("train output", "grad x", "grad gamma", "grad beta"), 0.0)
    for _ in range(num_batches):
        X = 3 * torch.randn(batch_size, num_features, generator=g) + 2
        upstream = torch.randn(batch_size, num_features, generator=g)
        outs = []
        for layer in (ours, ref):
            x = X.clone().requires_grad_(True)
            y = layer.train()(x)
            gx, gg, gb = torch.autograd.grad((y * upstream).sum(), [x, layer.weight, layer.bias])
            outs.append((y.detach(), gx, gg, gb))
        for key, a, b in zip(diff, outs[0], outs[1], strict=True):
            diff[key] = max(diff[key], float((a - b).abs().max()))
    diff["running mean"] = float((ours.running_mean - ref.running_mean).abs().max())
    diff["running var"] = float((ours.running_var - ref.running_var).abs().max())
    X = torch.randn(batch_size, num_features, generator=g)
    with torch.no_grad():
        diff["eval output"] = float((ours.eval()(X) - ref.eval()(X)).abs().max())
    return diff


@checked(layer="model")
@torch.no_grad()
def batch_dependence(layer: nn.Module, X: torch.Tensor, *, seed: int = 0) -> dict[str, float]:
    """How much the output for X[0] changes when its batch companions change, in train and eval mode.

    The layer is copied, so its running statistics are not touched.
    """
    if not isinstance(layer, nn.Module):
        raise TypeError(f"layer must be a torch.nn.Module, got {type(layer).__name__}")
    if not isinstance(X, torch.Tensor) or X.ndim != 2 or len(X) < 3:
        raise ValueError("X must be a tensor of shape (n, features) with n >= 3")
    g = torch.Generator().manual_seed(seed)
    others = X[1:][torch.randperm(len(X) - 1, generator=g)]
    half = len(others) // 2
    batch_a = torch.cat([X[:1], others[:half]])
    batch_b = torch.cat([X[:1], others[half:]])
    result = {}
    for mode in ("train", "eval"):
        a, b = copy.deepcopy(layer), copy.deepcopy(layer)
        a.train(mode == "train")
        b.train(mode == "train")
        result[mode] = float((a(batch_a)[0] - b(batch_b)[0]).abs().max())
    return result
