"""Batch size: the retraining slider (curves against epochs, optimizer steps and seconds), gradient
noise against batch size, equal epochs versus equal steps, and the memory a batch needs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from .checks import (
    as_float_tensor,
    check_choice,
    check_kind,
    check_member,
    check_positive,
    check_type,
    checked,
)
from .data import Split
from .models import build_mlp
from .plots import plot_history
from .training import History, fit, loss_function, task_of
from .widgets import Cache, Explorer, selection_slider

BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512, 1024)


class BatchSizeExplorer(Explorer):
    """A batch-size slider that retrains the same model for the same number of epochs (cached) and
    draws every size tried against epochs, optimizer steps and wall-clock seconds."""

    @checked
    def __init__(self, data: Split, *, hidden=(64, 64), optimizer: str = "sgd", lr: float = 0.1,
                 num_epochs: int = 10, batch_size: int = 32, batch_sizes=BATCH_SIZES, seed: int = 0):
        check_kind("batch_sizes", batch_sizes, "ints+")
        check_member("batch_size", batch_size, batch_sizes, "batch_sizes")
        check_choice("optimizer", optimizer, ("sgd", "momentum", "adam", "adamw"))
        check_type("data", data, Split, "a course_lib.data.Split")
        check_positive("lr", lr)
        check_positive("num_epochs", num_epochs, integer=True)
        self.data = data
        self.settings = dict(hidden=tuple(hidden), optimizer=optimizer, lr=lr, num_epochs=num_epochs,
                             seed=seed)
        self.cache = Cache(self._train)
        self.tried: list[int] = []
        slider = selection_slider("batch_size", list(batch_sizes), batch_size)
        super().__init__({"batch_size": slider}, self._draw_batch, min_height="330px",
                         title=f"{optimizer.upper()}, lr {lr:g}, {num_epochs} epochs")

    def _train(self, batch_size: int) -> History:
        """Train a fresh, identically initialised model with this batch size."""
        s = self.settings
        model = build_mlp(self.data, hidden=s["hidden"], seed=s["seed"])
        return fit(model, self.data, optimizer=s["optimizer"], lr=s["lr"], batch_size=batch_size,
                   num_epochs=s["num_epochs"], seed=s["seed"])

    def preload(self, batch_sizes) -> None:
        """Train these batch sizes now (cached, no drawing), so the first figure overlays them."""
        for b in batch_sizes:
            self.cache(int(b))
            if int(b) not in self.tried:
                self.tried.append(int(b))

    def _draw_batch(self, batch_size: int):
        """Train (or recall) this batch size, then draw every size tried so far."""
        history = self.cache(batch_size)
        if batch_size in self.tried:
            self.tried.remove(batch_size)
        self.tried.append(batch_size)
        runs = {f"batch {b}": self.cache.store[b] for b in sorted(self.tried)}
        fig = plot_batch_runs(runs, current=f"batch {batch_size}")
        return fig, {"batch_size": batch_size, "history": history, "tried": list(self.tried)}


@checked
def plot_batch_runs(runs: dict[str, History], current: str | None = None):
    """Validation loss of each run against epochs, optimizer steps and seconds (three panels)."""
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.7), sharey=True)
    for ax, x in zip(axes, ("epoch", "step", "time"), strict=True):
        plot_history(runs, ax=ax, x=x, validation=False, key="loss")
        for line in ax.get_lines():
            bold = current is not None and line.get_label().startswith(current + " ")
            line.set_linewidth(2.8 if bold else 1.3)
            line.set_alpha(1.0 if bold or current is None else 0.6)
        if ax is not axes[0]:
            ax.get_legend().remove()
            ax.set_ylabel("")
        if x == "step":
            ax.set_xscale("log")
    axes[0].set_ylabel("training loss")
    axes[0].get_legend().remove()
    fig.legend(*axes[0].get_legend_handles_labels(), fontsize=8, loc="outside right upper")
    if current in runs:
        h = runs[current]
        fig.suptitle(f"{current}: {h.num_steps} steps in {h.wall_time:.2f} s, "
                     f"val accuracy {h.final():.3f}", fontsize=12)
    return fig


# --- gradient noise ---------------------------------------------------------------------------------

def _flat_grad(model: nn.Module, criterion, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The gradient of the mean loss on (X, y), flattened."""
    model.zero_grad(set_to_none=True)
    criterion(model(X), y).backward()
    return torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None])


@dataclass
class GradientNoise:
    """Mean squared distance between mini-batch gradients and the full-batch gradient, per size."""

    batch_sizes: np.ndarray
    noise: np.ndarray  # E‖g_B − g‖²
    theory: np.ndarray  # tr(Σ)/B · (N − B)/(N − 1): sampling without replacement
    full_norm_sq: float  # ‖g‖², the signal


@checked
def gradient_noise(model: nn.Module, X, y, batch_sizes=(4, 8, 16, 32, 64, 128, 256, 512), *,
                   num_samples: int = 30, seed: int = 0, task: str | None = None) -> GradientNoise:
    """Measure how far mini-batch gradients scatter around the full gradient, for each batch size."""
    task = task_of(model, task)
    X = as_float_tensor("X", X)
    check_positive("num_samples", num_samples, integer=True)
    n = len(X)
    sizes = [int(b) for b in batch_sizes]
    for b in sizes:
        if not 1 <= b <= n:
            raise ValueError(f"batch_sizes must lie in 1..{n} (the data size), got {b}")
    criterion = loss_function(task)
    full = _flat_grad(model, criterion, X, y)
    # per-example gradients give the covariance trace for the theory line
    per_example = torch.stack([_flat_grad(model, criterion, X[i:i + 1], y[i:i + 1])
                               for i in range(min(n, 256))])
    trace = float(((per_example - per_example.mean(0)) ** 2).sum(1).mean())
    generator = torch.Generator().manual_seed(seed)
    noise = []
    for b in sizes:
        d = [float(((_flat_grad(model, criterion, X[rows], y[rows]) - full) ** 2).sum())
             for rows in (torch.randperm(n, generator=generator)[:b] for _ in range(num_samples))]
        noise.append(np.mean(d))
    model.zero_grad(set_to_none=True)
    b = np.array(sizes, dtype=float)
    return GradientNoise(b, np.array(noise), trace / b * (n - b) / (n - 1), float((full**2).sum()))


@checked
def plot_gradient_noise(result: GradientNoise, ax=None):
    """Noise against batch size on log-log axes, with the 1/B theory and the signal ‖g‖²."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.loglog(result.batch_sizes, result.noise, "o-", label="measured E‖g_B − g‖²")
    ax.loglog(result.batch_sizes, result.theory, "--", color="0.4", label="theory tr(Σ)/B·(N−B)/(N−1)")
    ax.axhline(result.full_norm_sq, color="C3", lw=1.2, label="signal ‖g‖² (full-batch gradient)")
    cross = noise_crossing(result)
    if cross is not None:
        ax.axvline(cross, color="C3", ls=":", lw=1)
        ax.annotate(f"noise < signal\nfrom B = {cross}", (cross, result.full_norm_sq), xytext=(8, 12),
                    textcoords="offset points", fontsize=9, color="C3")
    ax.set_xlabel("batch size B")
    ax.set_ylabel("squared gradient size")
    ax.legend(fontsize=9, loc="lower left")
    return ax


@checked
def noise_crossing(result: GradientNoise) -> int | None:
    """The smallest batch size whose gradient noise E‖g_B − g‖² is below the signal ‖g‖² (None if none)."""
    below = [int(b) for b, n in zip(result.batch_sizes, result.noise, strict=True) if n < result.full_norm_sq]
    return below[0] if below else None


@checked
def noise_slope(result: GradientNoise) -> float:
    """Slope of log(noise) against log(batch size), fitted over sizes well below N (ideal: −1)."""
    keep = result.batch_sizes <= result.batch_sizes.max() / 4 if len(result.batch_sizes) > 3 else slice(None)
    return float(np.polyfit(np.log(result.batch_sizes[keep]), np.log(result.noise[keep]), 1)[0])


# --- equal epochs versus equal steps (C17) ---------------------------------------------------------

@dataclass
class BudgetComparison:
    """Validation accuracy per seed of a small batch, a large batch for the same epochs, and a large
    batch for the same number of optimizer steps (validation: comparing settings is tuning)."""

    small: list[float]
    large_equal_epochs: list[float]
    large_equal_steps: list[float]
    steps: dict[str, int]

    def means(self) -> dict[str, float]:
        """Mean validation accuracy of each setting (over the seeds)."""
        return {"small": float(np.mean(self.small)),
                "large_equal_epochs": float(np.mean(self.large_equal_epochs)),
                "large_equal_steps": float(np.mean(self.large_equal_steps))}


@checked
def equal_epochs_vs_steps(data: Split, *, small: int = 16, large: int = 512, num_epochs: int = 10,
                          hidden=(64, 64), lr: float = 0.1, seeds=(0,)) -> BudgetComparison:
    """Train with ``small`` batches for ``num_epochs``, and with ``large`` batches for the same epochs
    and for the same number of steps (plain SGD, same LR); report validation accuracy."""
    check_type("data", data, Split, "a course_lib.data.Split")
    check_positive("small", small, integer=True)
    check_positive("large", large, integer=True)
    if large <= small:
        raise ValueError(f"large must exceed small, got small={small}, large={large}")
    result = BudgetComparison([], [], [], {})

    def run(batch_size, seed, **budget):
        model = build_mlp(data, hidden=hidden, seed=seed)
        h = fit(model, data, optimizer="sgd", lr=lr, batch_size=batch_size, seed=seed, **budget)
        return h, h.final()

    for seed in seeds:
        h_small, acc = run(small, seed, num_epochs=num_epochs)
        result.small.append(acc)
        h_epochs, acc = run(large, seed, num_epochs=num_epochs)
        result.large_equal_epochs.append(acc)
        _, acc = run(large, seed, num_steps=h_small.num_steps)
        result.large_equal_steps.append(acc)
        result.steps = {"small": h_small.num_steps, "large_equal_epochs": h_epochs.num_steps,
                        "large_equal_steps": h_small.num_steps}
    return result


# --- memory ----------------------------------------------------------------------------------------

@checked
def activation_memory(model: nn.Module, batch_size: int, *, task: str | None = None) -> int:
    """Bytes of the tensors autograd saves for the backward pass of one batch (measured with
    torch.autograd.graph.saved_tensors_hooks); parameters and their gradients come on top."""
    check_positive("batch_size", batch_size, integer=True)
    task = task_of(model, task)
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    X = torch.zeros(batch_size, first.in_features)
    y = torch.zeros(batch_size) if task != "multiclass" else torch.zeros(batch_size, dtype=torch.long)
    seen: dict[int, int] = {}

    def pack(t: torch.Tensor):
        if t.is_floating_point() or t.dtype == torch.bool:
            storage = t.untyped_storage()
            seen[storage.data_ptr()] = storage.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = loss_function(task)(model(X), y)
    del loss
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    return sum(b for ptr, b in seen.items() if ptr not in params)


@checked
def parameter_memory(model: nn.Module) -> int:
    """Bytes of the parameters (float32)."""
    return sum(p.numel() * p.element_size() for p in model.parameters())


@checked
def memory_table(model: nn.Module, batch_sizes=BATCH_SIZES) -> list[tuple[int, int, int]]:
    """(batch size, activation bytes, parameter bytes) for each batch size."""
    params = parameter_memory(model)
    return [(int(b), activation_memory(model, int(b)), params) for b in batch_sizes]


@checked
def human_bytes(n: float) -> str:
    """1536 -> '1.5 KiB'."""
    check_kind("n", n, "float0")
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover


@checked
def steps_per_epoch(num_samples: int, batch_size: int) -> int:
    """Optimizer steps in one epoch."""
    check_positive("num_samples", num_samples, integer=True)
    check_positive("batch_size", batch_size, integer=True)
    return math.ceil(num_samples / batch_size)


@checked
def plot_budget_comparison(result: BudgetComparison, small: int = 16, large: int = 512, ax=None):
    """Bars of mean validation accuracy: small batch, large batch at equal epochs, at equal steps."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6))
    means = result.means()
    labels = [f"batch {small}\n{result.steps['small']} steps",
              f"batch {large}\nsame epochs\n{result.steps['large_equal_epochs']} steps",
              f"batch {large}\nsame steps\n{result.steps['large_equal_steps']} steps"]
    bars = ax.bar(labels, list(means.values()), color=["C0", "C3", "C2"])
    for bar, value in zip(bars, means.values(), strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 0.01, f"{value:.3f}", ha="center")
    ax.set_ylim(0, 1.08)
    seeds = len(result.small)
    ax.set_ylabel("validation accuracy")
    ax.set_title(f"mean of {seeds} seed{'s' if seeds > 1 else ''}", fontsize=10)
    return ax
