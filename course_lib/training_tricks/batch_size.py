"""Batch size: the retraining slider (curves against epochs, optimizer steps and seconds), gradient
noise against batch size, equal epochs versus equal steps, and the memory a batch needs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from .. import plots, style
from ..checks import (
    check_choice,
    check_kind,
    check_member,
    check_positive,
    checked,
)
from ..data import Split
from ..models import build_mlp
from ..training import History, fit, loss_function, task_of
from ..widgets import Cache, Explorer, selection_slider

BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512, 1024)


BUDGETS = ("equal epochs", "equal steps")


class BatchSizeExplorer(Explorer):
    """A batch-size slider, a budget switch (equal epochs or equal optimizer steps) and a "scale lr
    with batch size" box: each setting retrains the same model (cached) and every batch size tried in
    the current mode is drawn as validation accuracy against epochs, optimizer steps and seconds.

    Equal steps means the number of steps that ``reference_batch`` takes in ``num_epochs`` epochs; the
    title says what that costs a large batch (epochs and examples processed)."""

    @checked
    def __init__(self, data: Split, *, hidden=(64, 64), optimizer: str = "sgd", lr: float = 0.1,
                 num_epochs: int = 10, batch_size: int = 32, batch_sizes=BATCH_SIZES,
                 reference_batch: int = 32, budget: str = "equal epochs", scale_lr: bool = False,
                 seed: int = 0):
        check_member("batch_size", batch_size, batch_sizes, "batch_sizes")
        check_choice("optimizer", optimizer, ("sgd", "momentum", "adam", "adamw"))
        check_positive("reference_batch", reference_batch, integer=True)
        if budget not in BUDGETS:
            raise ValueError(f"budget must be one of {BUDGETS}, got {budget!r}")
        self.data = data
        self.settings = dict(hidden=tuple(hidden), optimizer=optimizer, lr=lr, num_epochs=num_epochs,
                             reference_batch=reference_batch, seed=seed)
        self.reference_steps = num_epochs * steps_per_epoch(len(data.X_train), reference_batch)
        self.cache = Cache(self._train)
        self.tried: list[tuple[int, str, bool]] = []
        self.colors = plots.StrongSeriesColors(order=[int(b) for b in batch_sizes])  # no yellow
        slider = selection_slider("batch_size", list(batch_sizes), batch_size)
        toggle = W.ToggleButtons(options=list(BUDGETS), value=budget, description="budget",
                                 style={"description_width": "initial"})
        box = W.Checkbox(value=scale_lr, indent=False, layout=W.Layout(width="380px"),
                         description=f"scale lr with batch size (lr {lr:g} × batch/{reference_batch})")
        super().__init__({"batch_size": slider, "budget": toggle, "scale_lr": box}, self._draw_batch,
                         min_height="470px",
                         title=f"{optimizer.upper()}, lr {lr:g}, {num_epochs} epochs or "
                               f"{self.reference_steps} steps (what batch {reference_batch} takes in "
                               f"{num_epochs} epochs)")

    busy_text = "training batch size {batch_size} …"

    def _trains(self, key) -> bool:
        """Whether the current setting has not been trained yet."""
        v = self.values
        return (int(v["batch_size"]), v["budget"], bool(v["scale_lr"])) not in self.cache.store

    def lr_for(self, batch_size: int, scale_lr: bool) -> float:
        """The learning rate of a run: the base lr, or scaled linearly with the batch size."""
        s = self.settings
        return s["lr"] * batch_size / s["reference_batch"] if scale_lr else s["lr"]

    def _train(self, key: tuple[int, str, bool]) -> History:
        """Train a fresh, identically initialised model with this batch size, budget and lr rule."""
        batch_size, budget, scale_lr = key
        s = self.settings
        model = build_mlp(self.data, hidden=s["hidden"], seed=s["seed"])
        if budget == "equal epochs":
            size = {"num_epochs": s["num_epochs"]}
        else:
            epochs = self.reference_steps / steps_per_epoch(len(self.data.X_train), batch_size)
            size = {"num_steps": self.reference_steps, "eval_every": max(1, round(epochs / 20))}
        return fit(model, self.data, optimizer=s["optimizer"], lr=self.lr_for(batch_size, scale_lr),
                   batch_size=batch_size, seed=s["seed"], **size)

    def run(self, batch_size: int, budget: str = "equal epochs", scale_lr: bool = False) -> History:
        """The (cached) History of one setting."""
        return self.cache((int(batch_size), budget, bool(scale_lr)))

    def preload(self, batch_sizes, budget: str = "equal epochs", scale_lr: bool = False) -> None:
        """Train these batch sizes now (cached, no drawing), so the first figure overlays them."""
        for b in batch_sizes:
            key = (int(b), budget, bool(scale_lr))
            self.cache(key)
            if key not in self.tried:
                self.tried.append(key)

    def cost(self, batch_size: int, budget: str) -> tuple[int, float, int]:
        """(optimizer steps, epochs, examples processed) of one batch size under a budget."""
        n = len(self.data.X_train)
        per_epoch = steps_per_epoch(n, batch_size)
        if budget == "equal epochs":
            steps = self.settings["num_epochs"] * per_epoch
        else:
            steps = self.reference_steps
        return steps, steps / per_epoch, round(steps / per_epoch * n)  # the last batch of an epoch is smaller

    def _draw_batch(self, batch_size: int, budget: str, scale_lr: bool):
        """Train (or recall) this setting, then draw every batch size tried in this mode."""
        key = (int(batch_size), budget, bool(scale_lr))
        history = self.cache(key)
        if key in self.tried:
            self.tried.remove(key)
        self.tried.append(key)
        sizes = sorted(b for b, m, sc in self.tried if (m, sc) == (budget, bool(scale_lr)))
        runs = {b: self.cache.store[(b, budget, bool(scale_lr))] for b in sizes}
        steps, epochs, examples = self.cost(batch_size, budget)
        lr = self.lr_for(batch_size, scale_lr)
        headline = (f"batch {batch_size}, lr {lr:g}: {steps} steps = {epochs:.3g} epochs "
                    f"({examples:,} examples), ")
        headline += ("diverged" if history.diverged else f"val accuracy {history.final():.2f}")
        fig = _plot_batch_runs(runs, current=batch_size, colors=self.colors, title=headline)
        return fig, {"batch_size": batch_size, "budget": budget, "scale_lr": bool(scale_lr), "lr": lr,
                     "history": history, "steps": steps, "epochs": epochs, "examples": examples,
                     "tried": [b for b in sizes]}


@checked
def _plot_batch_runs(runs: dict[int, History], current: int | None = None, *,
                    colors: style.SeriesColors | None = None, title: str | None = None):
    """Validation accuracy of each batch size against epochs, optimizer steps and seconds (three
    panels); the current one bold, a diverged run marked and labelled diverged."""
    colors = colors or plots.StrongSeriesColors(order=sorted(runs))
    fig, axes = plt.subplots(1, 3, figsize=style.figsize(4.6), sharey=True)
    for ax, x in zip(axes, ("epoch", "step", "time"), strict=True):
        for b in sorted(runs):
            h = runs[b]
            xs = {"epoch": h.epochs, "step": h.epoch_steps, "time": h.epoch_time}[x][:len(h.val_metric)]
            bold = b == current
            label = f"batch {b}" + (" (diverged)" if h.diverged else "")
            ax.plot(xs, h.val_metric, color=colors(b), ls=style.linestyle(colors.index(b)),
                    lw=3.2 if bold else 1.6, alpha=1.0 if bold or current is None else 0.7,
                    label=label)
            if h.diverged:
                end = {"epoch": h.num_epochs or 1, "step": max(h.num_steps, 1),
                       "time": h.wall_time}[x]
                ax.plot([end], [0.5], marker="X", ms=13, color=colors(b), mec="black", ls="none")
        ax.set_xlabel({"epoch": "epoch", "step": "optimizer steps (log)", "time": "seconds"}[x])
        ax.set_title({"epoch": "per epoch", "step": "per step", "time": "per second"}[x])
        if x == "step":
            ax.set_xscale("log")
    axes[0].set_ylabel("validation accuracy")
    axes[0].set_ylim(0, 1.0)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 4))
    if title:
        fig.suptitle(title)
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
        _, ax = plt.subplots(figsize=style.figsize(4.2))
    ax.loglog(result.batch_sizes, result.noise, "o-", color=style.color(0), label="measured E‖g_B − g‖²")
    ax.loglog(result.batch_sizes, result.theory, "--", color="0.35", label="theory tr(Σ)/B·(N−B)/(N−1)")
    ax.axhline(result.full_norm_sq, color=style.color(1), ls="-.", lw=2,
               label="signal ‖g‖² (full-batch gradient)")
    cross = noise_crossing(result)
    if cross is not None:
        ax.axvline(cross, color=style.color(1), ls=":", lw=1.5)
        ax.annotate(f"noise < signal\nfrom B = {cross}", (cross, result.full_norm_sq), xytext=(10, 14),
                    textcoords="offset points", fontsize=style.MIN_FONT_PT + 1, color=style.color(1))
    ax.set_xlabel("batch size B")
    ax.set_ylabel("squared gradient size")
    ax.set_title("gradient noise against batch size")
    style.legend_outside(ax, "right")
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
    if large <= small:
        raise ValueError(f"large must exceed small, got small={small}, large={large}")
    result = BudgetComparison([], [], [], {})

    def run(batch_size, seed, **budget):
        model = build_mlp(data, hidden=hidden, seed=seed)
        per_epoch = steps_per_epoch(len(data.X_train), batch_size)
        epochs = budget.get("num_epochs") or budget["num_steps"] / per_epoch
        h = fit(model, data, optimizer="sgd", lr=lr, batch_size=batch_size, seed=seed,
                eval_every=max(1, int(epochs)), **budget)  # only the final accuracy is compared
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
def _parameter_memory(model: nn.Module) -> int:
    """Bytes of the parameters (float32)."""
    return sum(p.numel() * p.element_size() for p in model.parameters())


@checked
def memory_table(model: nn.Module, batch_sizes=BATCH_SIZES) -> list[tuple[int, int, int]]:
    """(batch size, activation bytes, parameter bytes) for each batch size."""
    params = _parameter_memory(model)
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
    return math.ceil(num_samples / batch_size)


@checked
def plot_budget_comparison(result: BudgetComparison, small: int = 16, large: int = 512, ax=None):
    """Bars of mean validation accuracy (with every seed as a dot): small batch, large batch at equal
    epochs, at equal steps."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.0))
    means = result.means()
    labels = [f"batch {small}\n{result.steps['small']} steps",
              f"batch {large}, same epochs\n{result.steps['large_equal_epochs']} steps",
              f"batch {large}, same steps\n{result.steps['large_equal_steps']} steps"]
    per_seed = [result.small, result.large_equal_epochs, result.large_equal_steps]
    bars = ax.bar(labels, list(means.values()), color=[style.color(0), style.color(1), style.color(2)],
                  alpha=0.85)
    for i, (bar, value) in enumerate(zip(bars, means.values(), strict=True)):
        ax.plot([i] * len(per_seed[i]), per_seed[i], "o", color="black", ms=6)
        ax.text(bar.get_x() + bar.get_width() / 2, value / 2, f"{value:.2f}", ha="center",
                color="white", fontweight="bold", fontsize=style.MIN_FONT_PT + 3)
    ax.set_ylim(0, 1.05)
    seeds = len(result.small)
    ax.set_ylabel("validation accuracy")
    ax.set_title(f"mean of {seeds} seed{'s' if seeds > 1 else ''} (dots: each seed)")
    return ax
