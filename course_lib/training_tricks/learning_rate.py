"""The learning rate: gradient descent on a quadratic bowl, sharpness, Adam's per-parameter step,
and the LR slider that retrains a model and overlays every setting tried."""

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
    as_array,
    check_choice,
    check_items,
    check_kind,
    check_positive,
    check_same_length,
    check_type,
    checked,
)
from ..data import Split
from ..models import build_mlp
from ..training import History, fit, loss_function, make_optimizer, task_of
from ..widgets import Cache, Explorer

# --- gradient descent on a quadratic bowl (C13) -------------------------------------------------

@dataclass
class BowlRun:
    """Gradient descent on f(x) = ½ xᵀ diag(eigenvalues) x: the path and the loss of every step."""

    lr: float
    eigenvalues: np.ndarray
    path: np.ndarray  # (num_steps + 1, dim)
    loss: np.ndarray  # (num_steps + 1,)

    @property
    def converged(self) -> bool:
        """True when the loss shrank below a millionth of its start."""
        return bool(self.loss[-1] < 1e-6 * self.loss[0])

    @property
    def diverged(self) -> bool:
        """True when the loss grew above its start (or overflowed)."""
        return bool(not np.isfinite(self.loss[-1]) or self.loss[-1] > self.loss[0])


@checked
def gd_on_bowl(lr: float, eigenvalues=(1.0, 10.0), x0=(1.0, 1.0), num_steps: int = 100) -> BowlRun:
    """Run torch's SGD on the quadratic bowl f(x) = ½ Σ λᵢ xᵢ² from ``x0``.

    Along eigen-direction i each step multiplies xᵢ by (1 − lr·λᵢ): it converges iff
    lr < 2/λ_max, and oscillates with a growing amplitude above that.
    """
    as_array("eigenvalues", eigenvalues)
    as_array("x0", x0)
    lam = torch.tensor(eigenvalues, dtype=torch.float64)
    if lam.ndim != 1 or not bool((lam > 0).all()):
        raise ValueError(f"eigenvalues must be a 1-D sequence of positive numbers, got {eigenvalues!r}")
    x = torch.tensor(x0, dtype=torch.float64)
    if x.shape != lam.shape:
        raise ValueError(f"x0 must have {len(lam)} entries like eigenvalues, got {tuple(x.shape)}")
    x = nn.Parameter(x)
    optimizer = torch.optim.SGD([x], lr=lr)
    path, loss = [x.detach().clone()], []
    for _ in range(num_steps):
        f = 0.5 * (lam * x**2).sum()
        loss.append(f.item())
        optimizer.zero_grad()
        f.backward()
        optimizer.step()
        path.append(x.detach().clone())
    loss.append(float(0.5 * (lam * x.detach() ** 2).sum()))
    return BowlRun(lr, lam.numpy(), torch.stack(path).numpy(), np.array(loss))


@checked
def plot_bowl_runs(runs: list[BowlRun], axes=None):
    """Paths over the bowl's contours (left) and the loss per step (right)."""
    check_items("runs", runs, BowlRun, "BowlRun results of gd_on_bowl")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=style.figsize(4.4))
    lam = runs[0].eigenvalues
    span = max(1.5, min(2.5, float(np.abs(np.concatenate([r.path[:12] for r in runs])).max())))
    g = np.linspace(-span, span, 200)
    xx, yy = np.meshgrid(g, g)
    axes[0].contour(xx, yy, 0.5 * (lam[0] * xx**2 + lam[1] * yy**2), levels=12, colors="0.75",
                    linewidths=0.8)
    lam_max = float(lam.max())
    outside = False
    for i, run in enumerate(runs):
        label = f"lr = {run.lr * lam_max:.1f}/λ_max" + (" (diverges)" if run.diverged else "")
        p = np.clip(run.path[:12], -span, span)
        axes[0].plot(p[:, 0], p[:, 1], marker=style.MARKERS[i], ls=style.linestyle(i), ms=5, lw=1.6,
                     color=style.color(i), label=label)
        off = (np.abs(run.path[:12]) > span).any(axis=1)
        if off.any():  # points beyond the frame: drawn on its edge as hollow triangles
            outside = True
            axes[0].plot(p[off, 0], p[off, 1], "^", ms=10, mfc="none", mew=1.8, color=style.color(i))
        axes[1].semilogy(run.loss, color=style.color(i), ls=style.linestyle(i), label=label)
    if outside:
        axes[1].plot([], [], "^", ms=10, mfc="none", mew=1.8, color="0.3",
                     label="left: beyond the frame\n(drawn on its edge)")
    axes[0].set_xlim(-span, span)
    axes[0].set_ylim(-span, span)
    axes[0].set_xlabel(f"x₁ (λ = {lam[0]:g})")
    axes[0].set_ylabel(f"x₂ (λ = {lam[1]:g})")
    axes[0].set_title("first 12 steps")
    axes[0].set_aspect("equal", adjustable="box")
    axes[1].axhline(runs[0].loss[0], color="0.5", lw=1.2, ls=":", label="starting loss")
    axes[1].set_xlabel("step")
    axes[1].set_ylabel("loss")
    axes[1].set_title("loss per step")
    style.legend_outside(axes[1], "right")
    return axes


# --- sharpness: the largest Hessian eigenvalue of a network's loss ------------------------------

@checked
def sharpness(model: nn.Module, X, y, *, task: str | None = None, num_iters: int = 30,
              seed: int = 0) -> float:
    """λ_max of the loss Hessian at the current weights, by power iteration on Hessian-vector products.

    Full-batch gradient descent is stable near a minimum only while lr < 2/λ_max (the bowl again).
    """
    task = task_of(model, task)
    params = [p for p in model.parameters() if p.requires_grad]
    loss = loss_function(task)(model(X), y)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    generator = torch.Generator().manual_seed(seed)
    v = [torch.randn(p.shape, generator=generator) for p in params]
    eig = 0.0
    for _ in range(num_iters):
        norm = torch.sqrt(sum((u**2).sum() for u in v))
        v = [u / norm for u in v]
        Hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
        eig = float(sum((h * u).sum() for h, u in zip(Hv, v, strict=True)))
        v = [h.detach() for h in Hv]
    return eig


# --- Adam's per-parameter step (C14) -------------------------------------------------------------

@checked
def adam_first_step(grad_scales, lr: float = 1e-3, eps: float = 1e-8) -> np.ndarray:
    """|Δθ| of one torch Adam step for parameters whose gradients have the given sizes.

    The first step is lr·g/(|g| + eps) ≈ lr whatever the gradient's size, unless |g| ~ eps.
    """
    as_array("grad_scales", grad_scales)
    g = torch.as_tensor(np.asarray(grad_scales, dtype=np.float64))
    if g.ndim != 1 or not bool((g > 0).all()):
        raise ValueError(f"grad_scales must be a 1-D sequence of positive numbers, got {grad_scales!r}")
    theta = nn.Parameter(torch.zeros_like(g))
    optimizer = torch.optim.Adam([theta], lr=lr, eps=eps)
    theta.grad = g.clone()
    optimizer.step()
    return theta.detach().abs().numpy()


@checked
def update_sizes(model: nn.Module, data: Split, optimizer: str, lr: float, *, num_steps: int = 20,
                 batch_size: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(|gradient|, |update|) of every parameter at the last of ``num_steps`` mini-batch steps."""
    check_choice("optimizer", optimizer, ("sgd", "adam"))
    opt = make_optimizer(optimizer, model.parameters(), lr)
    criterion = loss_function(task_of(model))
    X, y = data.X_train, data.y_train
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_steps):
        rows = torch.randint(len(X), (batch_size,), generator=generator)
        opt.zero_grad()
        criterion(model(X[rows]), y[rows]).backward()
        before = torch.cat([p.detach().flatten() for p in model.parameters()])
        grad = torch.cat([p.grad.flatten() for p in model.parameters()])
        opt.step()
    after = torch.cat([p.detach().flatten() for p in model.parameters()])
    return grad.abs().numpy(), (after - before).abs().numpy()


@checked
def update_slope(grad: np.ndarray, update: np.ndarray) -> float:
    """Slope of log|update| against log|gradient| over the parameters: 1 for SGD (the step is
    lr·g), near 0 for an optimizer whose step ignores the gradient's size."""
    check_same_length("grad", as_array("grad", grad), "update", as_array("update", update))
    keep = (grad > 1e-8) & (update > 0)
    if keep.sum() < 2:
        raise ValueError("grad and update must have at least two entries that are both non-zero")
    return float(np.polyfit(np.log10(grad[keep]), np.log10(update[keep]), 1)[0])


@checked
def plot_update_sizes(results: dict[str, tuple[np.ndarray, np.ndarray]], ax=None):
    """Scatter |update| against |gradient| for each optimizer (log-log); the legend gives each
    cloud's fitted log-log slope."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.2))
    for i, (label, (g, d)) in enumerate(results.items()):
        keep = (g > 0) & (d > 0)
        ax.scatter(g[keep], d[keep], s=6, alpha=0.4, color=style.color(i), marker=style.MARKERS[i],
                   rasterized=True, label=f"{label}: slope {update_slope(g, d):.2f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("|gradient| of a weight")
    ax.set_ylabel("|update| of that weight")
    ax.set_title("every weight's step against its gradient")
    style.legend_outside(ax, "right", markerscale=3)
    return ax


# --- the LR slider --------------------------------------------------------------------------------

def _lr_key(lr: float) -> float:
    """Round a slider value to 3 significant digits, so the cache sees one key per slider stop."""
    return float(f"{lr:.3g}")


EXPLORER_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam"}  # what the explorer's toggle offers: name -> label


class LRExplorer(Explorer):
    """An optimizer switch (SGD/Adam) and a log-scale LR slider that retrain the same model at each
    setting (cached) and overlay the loss curve of every LR tried with that optimizer; a run keeps
    its colour when others are added, and a diverged run is drawn as diverged, never raised."""

    @checked
    def __init__(self, data: Split, *, hidden=(64, 64), optimizer: str = "sgd", batch_size: int = 32,
                 num_epochs: int = 10, lr: float = 0.1, lr_range=(1e-3, 10.0), seed: int = 0):
        check_kind("lr_range", lr_range, "floats+")
        if len(lr_range) != 2 or not lr_range[0] < lr_range[1]:
            raise ValueError(f"lr_range must be (low, high) with low < high, got {lr_range!r}")
        check_choice("optimizer", optimizer, EXPLORER_OPTIMIZERS)
        lo, hi = lr_range
        if not lo <= lr <= hi:
            raise ValueError(f"lr must lie in lr_range {lr_range}, got {lr}")
        self.data = data
        self.settings = dict(hidden=tuple(hidden), batch_size=batch_size, num_epochs=num_epochs, seed=seed)
        self.cache = Cache(self._train)
        self.tried: dict[str, list[float]] = {name: [] for name in EXPLORER_OPTIMIZERS}
        self.colors = {name: plots.StrongSeriesColors([_lr_key(lr)])  # start: blue
                       for name in EXPLORER_OPTIMIZERS}
        toggle = W.ToggleButtons(options=[(label, name) for name, label in EXPLORER_OPTIMIZERS.items()],
                                 value=optimizer, description="optimizer",
                                 style={"description_width": "initial"})
        slider = W.FloatLogSlider(value=lr, base=10, min=math.log10(lo), max=math.log10(hi), step=0.25,
                                  description="lr", continuous_update=False,
                                  readout_format=".3g", style={"description_width": "initial"},
                                  layout=W.Layout(width="480px"))
        super().__init__({"optimizer": toggle, "lr": slider}, self._draw_lr, min_height="470px",
                         title=f"batch {batch_size}, {num_epochs} epochs, the same initial weights")

    busy_text = "training {optimizer} at lr = {lr:.3g} …"

    def _trains(self, key) -> bool:
        """Whether the current (optimizer, lr) has not been trained yet."""
        return (self.controls["optimizer"].value, _lr_key(self.controls["lr"].value)) not in self.cache.store

    def _train(self, key: tuple[str, float]) -> History:
        """Train a fresh, identically initialised model with this (optimizer, lr)."""
        optimizer, lr = key
        s = self.settings
        model = build_mlp(self.data, hidden=s["hidden"], seed=s["seed"])
        return fit(model, self.data, optimizer=optimizer, lr=lr, batch_size=s["batch_size"],
                   num_epochs=s["num_epochs"], seed=s["seed"])

    def run(self, lr: float, optimizer: str = "sgd") -> History:
        """The (cached) History of this LR and optimizer."""
        check_choice("optimizer", optimizer, EXPLORER_OPTIMIZERS)
        return self.cache((optimizer, _lr_key(lr)))

    def _remember(self, optimizer: str, key: float) -> None:
        """Note that ``key`` was tried with ``optimizer`` (most recent last); fix its colour."""
        tried = self.tried[optimizer]
        if key in tried:
            tried.remove(key)
        tried.append(key)
        self.colors[optimizer].index(key)

    def preload(self, lrs, optimizer: str = "sgd") -> None:
        """Train these LRs now (cached, no drawing), so the first figure already overlays them."""
        check_choice("optimizer", optimizer, EXPLORER_OPTIMIZERS)
        for lr in sorted(_lr_key(v) for v in lrs):
            self.cache((optimizer, lr))
            self._remember(optimizer, lr)

    def edge(self, threshold: float = 0.5, optimizer: str = "sgd") -> tuple[float | None, float | None]:
        """(largest LR tried that trains, smallest larger LR tried that does not): an LR "trains" when
        it does not diverge and ends above ``threshold`` validation accuracy."""
        check_positive("threshold", threshold)
        ok = {lr: not h.diverged and h.final() > threshold
              for (name, lr), h in self.cache.store.items() if name == optimizer}
        good = [lr for lr, trains in ok.items() if trains]
        best = max(good) if good else None
        bad = [lr for lr, trains in ok.items() if not trains and (best is None or lr > best)]
        return best, (min(bad) if bad else None)

    def _draw_lr(self, optimizer: str, lr: float):
        """Train (or recall) this LR, then draw every LR tried so far with this optimizer."""
        key = _lr_key(lr)
        history = self.cache((optimizer, key))
        self._remember(optimizer, key)
        runs = {k: self.cache.store[(optimizer, k)] for k in self.tried[optimizer]}
        others = {name: {k: self.cache.store[(name, k)] for k in self.tried[name]}
                  for name in EXPLORER_OPTIMIZERS}
        fig = _plot_lr_runs(runs, current=key, colors=self.colors[optimizer], optimizer=optimizer,
                           all_runs=others)
        return fig, {"optimizer": optimizer, "lr": key, "history": history, "diverged": history.diverged,
                     "tried": list(self.tried[optimizer]),
                     "colors": {k: self.colors[optimizer](k) for k in self.tried[optimizer]}}


@checked
def smooth(values, beta: float = 0.9) -> np.ndarray:
    """Exponential moving average with bias correction (what the LR range test plots)."""
    as_array("values", values, finite=False)  # a diverged run's losses may be inf
    out, avg = [], 0.0
    for i, v in enumerate(values, start=1):
        avg = beta * avg + (1 - beta) * v
        out.append(avg / (1 - beta**i))
    return np.array(out)


@checked
def _plot_lr_runs(runs: dict[float, History], current: float | None = None, *,
                 colors: plots.StrongSeriesColors | None = None, optimizer: str = "sgd",
                 all_runs: dict[str, dict[float, History]] | None = None):
    """Left: mini-batch loss per step for every LR of one optimizer (the current one bold, a diverged
    run ending in ✕); right: the final validation accuracy against the LR for every optimizer tried,
    a diverged run as ✕ at the top, labelled diverged."""
    check_choice("optimizer", optimizer, EXPLORER_OPTIMIZERS)
    colors = colors or plots.StrongSeriesColors(sorted(runs))
    all_runs = all_runs if all_runs is not None else {optimizer: runs}
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=style.figsize(4.6), gridspec_kw={"width_ratios": [3, 2]})
    name = EXPLORER_OPTIMIZERS
    for lr in sorted(runs):
        h = runs[lr]
        bold = lr == current
        label = f"lr {lr:g}" + (" ✕ diverged" if h.diverged else "")
        y = smooth(h.step_loss) if h.step_loss else np.array([np.nan])
        ax.plot(np.arange(1, len(y) + 1), y, color=colors(lr), ls=colors.linestyle(lr),
                lw=3.2 if bold else 1.6, alpha=1.0 if bold else 0.75, label=label)
        if h.diverged:
            end = float(y[-1]) if np.isfinite(y[-1]) else 1.0
            ax.plot([len(y)], [end], marker="X", ms=12, color=colors(lr), mec="black", ls="none")
    ax.set_yscale("log")
    plots.plain_log_ticks(ax)  # 2, 3, 4 rather than 2×10⁰ when one run spans less than a decade
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("training loss (smoothed)")
    cur = runs.get(current) if current is not None else None
    if cur is not None and cur.diverged:
        ax.set_title(f"{name[optimizer]}, lr {current:g}: diverged at step {cur.num_steps + 1}")
    elif cur is not None:
        ax.set_title(f"{name[optimizer]}, lr {current:g}: val accuracy {cur.final():.2f}")
    else:
        ax.set_title(f"{name[optimizer]}: loss per step")
    style.legend_outside(ax, "below", ncol=3)
    diverged_shown = False
    for i, opt in enumerate(EXPLORER_OPTIMIZERS):
        opt_runs = all_runs.get(opt, {})
        if not opt_runs:
            continue
        lrs = sorted(opt_runs)
        ok = [lr for lr in lrs if not opt_runs[lr].diverged]
        ax2.plot(ok, [opt_runs[lr].final() for lr in ok], marker=style.MARKERS[i], ls=style.linestyle(i),
                 color=style.color(i), label=name[opt], ms=8)
        bad = [lr for lr in lrs if opt_runs[lr].diverged]
        if bad:
            ax2.plot(bad, [1.1] * len(bad), marker="X", ls="none", ms=12, color=style.color(i),
                     mec="black", label=f"{name[opt]} diverged")
            diverged_shown = True
        if opt == optimizer and current in opt_runs and not opt_runs[current].diverged:
            ax2.plot([current], [opt_runs[current].final()], "o", ms=15, mfc="none", mec="black", mew=2)
    ax2.axhline(0.1, color="0.5", ls=":", lw=1.2, label="chance (10%)")
    ax2.set_xscale("log")
    ax2.set_ylim(0, 1.18)
    ax2.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax2.set_xlabel("learning rate")
    ax2.set_ylabel("val accuracy")
    ax2.set_title("every LR tried" + (" (✕ = diverged)" if diverged_shown else ""))
    style.legend_outside(ax2, "below", ncol=1)
    return fig


# --- fair baselines: every arm of a comparison at every LR of a grid, over seeds ----------------

@dataclass
class LRGrid:
    """Final validation accuracy per arm (e.g. "constant", "cosine"), per LR of the grid, per seed
    (None: diverged). Validation, not test: picking the best LR is tuning."""

    title: str
    lrs: list[float]
    seeds: list[int]
    scores: dict[str, list[list[float | None]]]  # arm -> one list per lr -> one score per seed
    setting: dict

    def mean(self, arm: str, lr: float) -> float:
        """Mean validation accuracy of ``arm`` at ``lr`` over the seeds, a diverged seed counting 0."""
        return float(np.mean(self.per_seed(arm, lr)))

    def best(self, arm: str) -> float:
        """The LR of the grid where ``arm`` has its best mean validation accuracy."""
        return max(self.lrs, key=lambda lr: self.mean(arm, lr))

    def at_edge(self, arm: str) -> bool:
        """Whether ``arm``'s best LR is the smallest or largest of the grid (then widen the grid)."""
        return self.best(arm) in (self.lrs[0], self.lrs[-1])

    def per_seed(self, arm: str, lr: float) -> list[float]:
        """Validation accuracy per seed of ``arm`` at ``lr`` (0 for a diverged seed)."""
        return [0.0 if a is None else a for a in self.scores[arm][self.lrs.index(lr)]]

    def summary(self, lr_name: str = "lr", metric: str = "val accuracy") -> str:
        """One line per arm: its best LR, the score of every seed there, and their mean."""
        width = max(len(arm) for arm in self.scores)
        lines = []
        for arm in self.scores:
            lr = self.best(arm)
            lines.append(f"{arm:{width}s}: best {lr_name} {lr:g}, {metric} per seed "
                         + "  ".join(f"{a:.3f}" for a in self.per_seed(arm, lr))
                         + f"   mean {self.mean(arm, lr):.3f}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """A JSON-ready dict (from_dict reads it back)."""
        return {"title": self.title, "lrs": self.lrs, "seeds": self.seeds, "scores": self.scores,
                "setting": self.setting}

    @classmethod
    def from_dict(cls, d: dict) -> LRGrid:
        """The grid saved by to_dict."""
        return cls(d["title"], [float(v) for v in d["lrs"]], [int(s) for s in d["seeds"]], d["scores"],
                   d["setting"])


@checked
def lr_grid(run, arms, lrs, seeds, *, title: str, setting: dict) -> LRGrid:
    """Train ``run(arm, lr, seed) -> History`` for every arm, LR and seed; keep the final validation
    accuracy (None for a run that diverged)."""
    if not callable(run):
        raise TypeError(f"run must be a function (arm, lr, seed) -> History, got {run!r}")
    lrs = [float(v) for v in lrs]
    for lr in lrs:
        check_positive("lrs", lr)
    scores, metric = {}, "accuracy"
    for arm in arms:
        scores[arm] = []
        for lr in lrs:
            runs = [run(arm, lr, seed) for seed in seeds]
            scores[arm].append([None if h.diverged else round(float(h.final()), 4) for h in runs])
            metric = runs[0].metric_name
    return LRGrid(title, lrs, [int(s) for s in seeds], scores, {**setting, "metric": metric})


@checked
def plot_lr_grid(grid: LRGrid, ax=None, *, legend: str = "right"):
    """Validation error (1 − accuracy or 1 − R², log scale) per LR for every arm: the mean over seeds (line),
    each seed a dot, a seed that diverged an ✕ at error 1; a star marks every arm's best LR
    (``legend``: "right" of the panel or "below" it)."""
    check_type("grid", grid, LRGrid, "an LRGrid (learning_rate.lr_grid)")
    check_choice("legend", legend, ("right", "below"))
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(3.8))
    arms = list(grid.scores)
    for i, arm in enumerate(arms):
        color = style.color(i)
        errors = [1 - grid.mean(arm, lr) for lr in grid.lrs]
        ax.plot(grid.lrs, errors, color=color, ls=style.linestyle(i), lw=2.4, marker=style.MARKERS[i], ms=6,
                label=f"{arm} (mean)")
        for j, lr in enumerate(grid.lrs):
            shift = lr * (1 + 0.05 * (i - (len(arms) - 1) / 2))  # arms side by side at each LR
            accs = grid.scores[arm][j]
            kept = [1 - a for a in accs if a is not None]
            ax.plot([shift] * len(kept), kept, ls="none", marker="o", ms=4, color=color, alpha=0.55)
            if len(kept) < len(accs):
                ax.plot([shift], [1.0], ls="none", marker="X", ms=11, color=color, mec="black", clip_on=False)
        best = grid.best(arm)
        ax.plot([best], [1 - grid.mean(arm, best)], marker="*", ms=20, color=color, mec="black", ls="none")
    ax.plot([], [], marker="o", ms=4, color="0.5", ls="none", label="one seed")
    if any(a is None for per_lr in grid.scores.values() for accs in per_lr for a in accs):
        ax.plot([], [], marker="X", ms=11, color="0.6", mec="black", ls="none", label="a seed diverged")
    ax.plot([], [], marker="*", ms=16, color="0.6", mec="black", ls="none", label="best LR (mean)")
    errors = [1 - a for per_lr in grid.scores.values() for accs in per_lr for a in accs if a is not None]
    low, high = 0.8 * min(errors, default=0.03), max(1.1, 1.1 * max(errors, default=1.0))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(grid.lrs, [f"{lr:g}" for lr in grid.lrs])
    ticks = [t for t in (0.03, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0) if low <= t <= high]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_ylim(low, high)
    ax.set_xlabel("(peak) learning rate")
    metric = grid.setting.get("metric", "accuracy")
    ax.set_ylabel(f"validation 1 − {metric} (log)")
    ax.set_title(f"{grid.title}: {len(grid.seeds)} seeds ({grid.seeds[0]}-{grid.seeds[-1]})")
    if legend == "right":
        style.legend_outside(ax)
    else:
        style.legend_outside(ax, "below", ncol=2)
    return ax


BASELINES_FILE = "schedule_baselines.json"  # made by data/scripts/fair_baselines.py


@checked
def load_grids(name: str = BASELINES_FILE) -> dict[str, LRGrid]:
    """The LR grids shipped in the course's data/ folder, by key ("warmup", "long_run")."""
    import json

    from ..checkpoints import data_path

    payload = json.loads(data_path(name).read_text(encoding="utf-8"))
    return {key: LRGrid.from_dict(d) for key, d in payload.items()}
