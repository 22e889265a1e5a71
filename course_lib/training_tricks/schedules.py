"""Learning-rate schedules of the lecture, built from torch.optim.lr_scheduler, with their curves.

``make_scheduler(name, num_steps)`` returns what ``training.fit(scheduler=...)`` takes: a function
from the optimizer to a torch scheduler. ``schedule_curve`` steps that real scheduler to read off
the learning rate of every step; ``formula`` is the same curve written out by hand (the tests
check that the two agree, so the formulas in the notebook are the ones torch uses).
"""

from __future__ import annotations

import math

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch.optim import lr_scheduler as S

from .. import style
from ..checks import (
    as_array,
    check_choice,
    check_items,
    check_member,
    check_positive,
    check_range,
    checked,
)
from ..training import History, SchedulerFactory
from ..widgets import Cache, Explorer, selection_slider

SCHEDULES = ("constant", "step", "exponential", "linear", "cosine", "warmup_cosine", "plateau")


def _check_common(name: str, num_steps: int, warmup_steps: int, final_factor: float) -> None:
    """Validate the arguments shared by the schedule functions."""
    check_choice("name", name, SCHEDULES)
    check_positive("num_steps", num_steps, integer=True)
    check_positive("warmup_steps", warmup_steps, integer=True, allow_zero=True)
    check_range("final_factor", final_factor, 0.0, 1.0)
    if name == "warmup_cosine" and not 0 < warmup_steps < num_steps:
        raise ValueError(f"warmup_steps must be between 1 and num_steps - 1 = {num_steps - 1} "
                         f"for 'warmup_cosine', got {warmup_steps}")


@checked
def make_scheduler(name: str, num_steps: int, *, warmup_steps: int = 0, final_factor: float = 0.0,
                   num_drops: int = 3, gamma_step: float = 0.1, plateau_factor: float = 0.5,
                   plateau_patience: int = 2) -> SchedulerFactory:
    """A factory optimizer -> torch scheduler for ``training.fit``, by schedule name.

    Every schedule but "plateau" is meant to be stepped once per optimizer step for ``num_steps``
    steps and ends near ``final_factor`` times the initial LR ("step" drops ``num_drops`` times by
    ``gamma_step``). "plateau" is ReduceLROnPlateau, which fit steps once per epoch with the
    validation loss.
    """
    _check_common(name, num_steps, warmup_steps, final_factor)
    eta_floor = max(final_factor, 1e-3)  # exponential decay cannot reach 0

    def factory(optimizer: torch.optim.Optimizer):
        lr = optimizer.param_groups[0]["lr"]
        if name == "constant":
            return S.ConstantLR(optimizer, factor=1.0, total_iters=0)
        if name == "step":
            return S.StepLR(optimizer, step_size=max(1, math.ceil(num_steps / (num_drops + 1))),
                            gamma=gamma_step)
        if name == "exponential":
            return S.ExponentialLR(optimizer, gamma=eta_floor ** (1.0 / num_steps))
        if name == "linear":
            return S.LinearLR(optimizer, start_factor=1.0, end_factor=final_factor,
                              total_iters=num_steps)
        if name == "cosine":
            return S.CosineAnnealingLR(optimizer, T_max=num_steps, eta_min=final_factor * lr)
        if name == "warmup_cosine":
            warm = S.LinearLR(optimizer, start_factor=1.0 / (warmup_steps + 1), end_factor=1.0,
                              total_iters=warmup_steps)
            cos = S.CosineAnnealingLR(optimizer, T_max=num_steps - warmup_steps,
                                      eta_min=final_factor * lr)
            return S.SequentialLR(optimizer, [warm, cos], milestones=[warmup_steps])
        return S.ReduceLROnPlateau(optimizer, mode="min", factor=plateau_factor,
                                   patience=plateau_patience)

    factory.schedule_name = name  # type: ignore[attr-defined]
    return factory


@checked
def schedule_curve(name: str, num_steps: int, lr: float = 1.0, **options) -> np.ndarray:
    """The LR torch's scheduler gives each of ``num_steps`` steps (not for "plateau")."""
    if name == "plateau":
        raise ValueError("name 'plateau' has no fixed curve: it depends on the validation loss; "
                         "use plateau_curve(val_losses)")
    factory = make_scheduler(name, num_steps, **options)
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler = factory(optimizer)
    lrs = []
    for _ in range(num_steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # no gradient: nothing moves, but torch sees the usual order of calls
        scheduler.step()
    return np.array(lrs)


@checked
def plateau_curve(val_losses, lr: float = 1.0, *, factor: float = 0.5, patience: int = 2) -> np.ndarray:
    """The LR ReduceLROnPlateau gives each epoch when it sees ``val_losses`` one per epoch."""
    as_array("val_losses", val_losses)
    losses = [float(v) for v in val_losses]
    if not losses:
        raise ValueError("val_losses must not be empty")
    factory = make_scheduler("plateau", 1, plateau_factor=factor, plateau_patience=patience)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = factory(optimizer)
    lrs = []
    for loss in losses:
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step(loss)
    return np.array(lrs)


@checked
def formula(name: str, num_steps: int, lr: float = 1.0, *, warmup_steps: int = 0,
            final_factor: float = 0.0, num_drops: int = 3, gamma_step: float = 0.1) -> np.ndarray:
    """The same curves as ``schedule_curve``, written out by hand with NumPy (t = 0 … T−1)."""
    _check_common(name, num_steps, warmup_steps, final_factor)
    if name == "plateau":
        raise ValueError("name 'plateau' has no formula: it reacts to the validation loss")
    t = np.arange(num_steps, dtype=float)
    T = float(num_steps)
    low = final_factor * lr
    if name == "constant":
        return np.full(num_steps, lr)
    if name == "step":
        size = max(1, math.ceil(num_steps / (num_drops + 1)))
        return lr * gamma_step ** np.floor(t / size)
    if name == "exponential":
        return lr * max(final_factor, 1e-3) ** (t / T)
    if name == "linear":
        return lr * (1 - (1 - final_factor) * t / T)
    if name == "cosine":
        return low + (lr - low) * (1 + np.cos(np.pi * t / T)) / 2
    w = warmup_steps
    warm = lr * (t + 1) / (w + 1)
    cosine = low + (lr - low) * (1 + np.cos(np.pi * (t - w) / (T - w))) / 2
    return np.where(t < w, warm, cosine)


@checked
def warmup_factor(step: int, warmup_steps: int) -> float:
    """The LR factor of ``fit(warmup_steps=...)`` at optimizer step ``step`` (from 0): torch's
    LinearLR from 1/(warmup_steps + 1) up to 1, reached at step ``warmup_steps`` and held there."""
    check_positive("step", step, integer=True, allow_zero=True)
    check_positive("warmup_steps", warmup_steps, integer=True)
    return min(1.0, (step + 1) / (warmup_steps + 1))


@checked
def plot_schedules(num_steps: int, lr: float = 1.0, names=None, ax=None, *, highlight: str | None = None,
                   log: bool = False, legend: bool = True, **options):
    """Draw the LR curves of several schedules (all but "plateau") on one axis; ``log`` draws the
    LR on a log scale (down to 3e-4·lr), where every drop of the step schedule shows."""
    for n in names or ():
        check_choice("names", n, SCHEDULES)
    if highlight is not None:
        check_choice("highlight", highlight, SCHEDULES)
    names = [n for n in (names or SCHEDULES) if n != "plateau"]
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.0))
    for i, name in enumerate(names):
        opts = dict(options)
        if name == "warmup_cosine":
            opts.setdefault("warmup_steps", max(1, num_steps // 10))
        else:
            opts.pop("warmup_steps", None)
        curve = schedule_curve(name, num_steps, lr, **opts)
        bold = highlight is None or name == highlight
        ax.plot(curve, color=style.color(i), lw=3.0 if bold else 1.6, alpha=1.0 if bold else 0.4,
                label=name, ls=style.linestyle(i), zorder=3 if name == "constant" else 2)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("learning rate" + (" (log)" if log else ""))
    ax.set_title("LR per step" + (", log scale" if log else ""))
    if log:
        ax.set_yscale("log")
        ax.set_ylim(lr * 3e-4, lr * 1.5)
    else:
        ax.set_ylim(0, lr * 1.05)
    if legend:
        style.legend_outside(ax)
    return ax


@checked
def plot_schedule_panels(num_steps: int, lr: float = 0.1, **options):
    """The schedules on a linear LR axis (left) and a log one (right), one legend beside them."""
    fig, (ax_lin, ax_log) = plt.subplots(1, 2, figsize=style.figsize(4.0))
    plot_schedules(num_steps, lr, ax=ax_lin, legend=False, **options)
    plot_schedules(num_steps, lr, ax=ax_log, log=True, legend=True, **options)
    return fig


# --- explore: pick a schedule, see its LR curve and the training it gives --------------------------

EXPLORER_SETTINGS = dict(lr=0.6, optimizer="sgd", batch_size=16, num_epochs=10)


@checked
def train_with_schedule(data, name: str, *, lr: float = 0.1, optimizer: str = "momentum",
                        batch_size: int = 64, num_epochs: int = 20, hidden=(64, 64), seed: int = 0,
                        **options):
    """Train a fresh MLP with schedule ``name`` from torch.optim.lr_scheduler; return its History
    (``History.lr`` holds the LR torch gave every step)."""
    from ..models import build_mlp
    from ..training import fit

    check_choice("name", name, SCHEDULES)
    model = build_mlp(data, hidden=hidden, seed=seed)
    num_steps = num_epochs * math.ceil(len(data.X_train) / batch_size)
    if name == "warmup_cosine":
        options.setdefault("warmup_steps", max(1, num_steps // 10))
    return fit(model, data, optimizer=optimizer, lr=lr, batch_size=batch_size, num_epochs=num_epochs,
               seed=seed, scheduler=make_scheduler(name, num_steps, **options))


@checked
def schedule_accuracies(data, names=SCHEDULES, *, seeds=(0, 1, 2), **settings) -> dict[str, list]:
    """Final validation accuracy of every seed per schedule (None for a diverged run)."""
    for n in names:
        check_choice("names", n, SCHEDULES)
    settings = {**EXPLORER_SETTINGS, **settings}
    out = {}
    for name in names:
        runs = [train_with_schedule(data, name, seed=seed, **settings) for seed in seeds]
        out[name] = [None if h.diverged else h.final() for h in runs]
    return out


class ScheduleExplorer(Explorer):
    """A "schedule" dropdown: the LR torch's scheduler gives every step, and the validation accuracy
    of every seed trained with it next to the constant LR (each schedule trained once, then cached).

    An "lr" slider sets the peak LR (the constant LR's too): plain SGD at lr 0.6, batches of 16, 10
    epochs is where decay wins; at 0.2 the constant LR does as well."""

    @checked
    def __init__(self, data, *, schedule: str = "step", seeds=(0, 1, 2), lrs=(0.2, 0.6), **train_options):

        check_choice("schedule", schedule, SCHEDULES)
        self.seeds = tuple(seeds)
        if not self.seeds:
            raise ValueError("seeds must not be empty")
        self.settings = {**EXPLORER_SETTINGS, **train_options}
        self.lrs = sorted(set(lrs) | {self.settings["lr"]})
        self.cache = Cache(lambda key: [
            train_with_schedule(data, key[0], seed=s, **{**self.settings, "lr": key[1]}) for s in self.seeds])
        dropdown = W.Dropdown(options=list(SCHEDULES), value=schedule, description="schedule")
        lr_slider = selection_slider("lr", self.lrs, self.settings["lr"])
        s = self.settings
        title = (f"{s['optimizer'].upper()}, batch {s['batch_size']}, "
                 f"{s['num_epochs']} epochs, {len(self.seeds)} seeds")
        super().__init__({"schedule": dropdown, "lr": lr_slider}, self._draw, min_height="440px", title=title,
                         cache=True)

    busy_text = "training {schedule} at lr {lr:g} …"

    def _trains(self, key) -> bool:
        """Whether the schedule at this lr, or the constant lr beside it, has not been trained yet."""
        v = self.values
        return any(k not in self.cache.store for k in ((v["schedule"], v["lr"]), ("constant", v["lr"])))

    def preload(self, names, lrs=None) -> None:
        """Train these schedules at these LRs (default: the slider's current one) now, cached."""
        for lr in ([self.values["lr"]] if lrs is None else lrs):
            check_member("lrs", lr, self.lrs, "the explorer's lrs")
            for name in names:
                check_choice("schedule", name, SCHEDULES)
                self.cache((name, lr))

    def final_accuracies(self, name: str, lr: float | None = None) -> list[float | None]:
        """Final validation accuracy of every seed with schedule ``name`` at ``lr`` (default: the
        slider's; None: diverged)."""
        lr = self.values["lr"] if lr is None else lr
        return [None if h.diverged else h.final() for h in self.cache((name, lr))]

    def _draw(self, schedule: str, lr: float):
        """LR per step (left) and validation accuracy per epoch against the constant LR (right)."""
        runs, constant = self.cache((schedule, lr)), self.cache(("constant", lr))
        fig = _plot_schedule_runs(schedule, runs, constant)
        accs = self.final_accuracies(schedule, lr)
        return fig, {"schedule": schedule, "peak_lr": lr, "histories": runs, "lr": np.array(runs[0].lr),
                     "final": accs}


def _mean_final(runs) -> float:
    """Mean final validation accuracy of runs (a diverged run counts as nan)."""
    return float(np.nanmean([np.nan if h.diverged else h.final() for h in runs]))


@checked
def _plot_schedule_runs(schedule: str, runs, constant):
    """Left: the LR torch gave every step (the constant LR dashed, unless it is the one shown);
    right: the validation accuracy of every seed per epoch, the constant LR's in grey."""
    check_choice("schedule", schedule, SCHEDULES)
    for name, histories in (("runs", runs), ("constant", constant)):
        check_items(name, histories, History, "Histories (one per seed)")
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=style.figsize(4.2))
    lr = np.array(runs[0].lr)
    steps = np.arange(1, len(lr) + 1)
    if schedule != "constant":
        ax.plot(steps, constant[0].lr, color="0.45", ls="--", lw=2, label="constant")
    ax.plot(steps, lr, color=style.color(0), lw=2.8, label=schedule)
    ax.set_ylim(0, max(max(lr), max(constant[0].lr)) * 1.08)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("learning rate")
    # reduce-on-plateau reacts to each run's validation loss: every seed gets its own LR curve
    ax.set_title(f"LR per step: {schedule}" + (" (seed 0)" if schedule == "plateau" else ""))
    for i, h in enumerate(constant if schedule != "constant" else []):
        ax2.plot(h.epochs, h.val_metric, color="0.55", ls="--", lw=1.8,
                 label="constant" if i == 0 else None)
    for i, h in enumerate(runs):
        ax2.plot(h.epochs, h.val_metric, color=style.color(0), lw=2.4, marker=style.MARKERS[i], ms=5,
                 label=f"{schedule}, seed {i}")
        if h.diverged:
            style.mark_diverged(ax2, len(h.epochs) or 1, text=f"seed {i} diverged")
    ax2.set_ylim(0, 1.02)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("validation accuracy")
    mean = _mean_final(runs)
    if schedule == "constant":
        ax2.set_title(f"constant: mean {mean:.2f}")
    else:
        ax2.set_title(f"{schedule}: mean {mean:.2f} (constant {_mean_final(constant):.2f})")
    style.legend_outside(ax2, "below", ncol=2)
    return fig


LONG_RUN = dict(optimizer="sgd", batch_size=16, num_epochs=30)  # 3× the explorer's epochs
LONG_RUN_LRS = (0.03, 0.1, 0.2, 0.4, 0.6)


@checked
def schedule_grid(data, names=("constant", "cosine"), *, lrs=LONG_RUN_LRS, seeds=range(5), **settings):
    """Every schedule of ``names`` at every peak LR of ``lrs`` over ``seeds`` (a
    learning_rate.LRGrid): each schedule's best LR, chosen on validation accuracy, is the fair
    comparison. ``settings`` as train_with_schedule's; default LONG_RUN."""
    from .learning_rate import lr_grid

    for n in names:
        check_choice("names", n, SCHEDULES)
    settings = {**LONG_RUN, **settings}

    def run(name: str, lr: float, seed: int) -> History:
        return train_with_schedule(data, name, seed=seed, **{**settings, "lr": lr})

    s = settings
    return lr_grid(run, list(names), lrs, seeds, setting=dict(settings),
                   title=f"{s['optimizer'].upper()}, batch {s['batch_size']}, {s['num_epochs']} epochs")


NOISY_RUN = dict(optimizer="sgd", batch_size=4, num_epochs=5, hidden=(16,))
NOISY_RUN_LRS = (0.001, 0.003, 0.01, 0.03, 0.1)


@checked
def noisy_regression(n_samples: int = 2000, noise: float = 1.0, seed: int = 0):
    """A regression no model can fit exactly: scikit-learn's linear target scaled to std 1, plus
    Gaussian noise of std ``noise`` (so R² cannot exceed about 1/(1 + noise²)), as a Split."""
    from ..data import make_regression, split

    check_positive("noise", noise)
    X, y = make_regression(n_samples=n_samples, noise=0.0, seed=seed)
    rng = np.random.default_rng(seed)
    y = (y / y.std() + rng.normal(0.0, noise, len(y))).astype(np.float32)
    return split(X, y, task="regression", seed=seed, name="noisy regression")


@checked
def plot_noise_floor(runs: dict, ax=None, *, seed: int | None = None):
    """Validation loss per epoch of a few runs (label -> History, the label starting with the
    schedule's name, which picks the colour), e.g. one seed of the best constant LR and of cosine;
    ``seed``, if given, names the runs' seed in the title."""
    if not isinstance(runs, dict) or not runs:
        raise TypeError(f"runs must be a non-empty dict label -> History, got {runs!r}")
    check_items("runs", list(runs.values()), History, "Histories")
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(3.8))
    names = list(dict.fromkeys(str(label).split(",")[0].split()[0] for label in runs))
    for i, (label, h) in enumerate(runs.items()):  # one colour per schedule, as in plot_lr_grid
        tag = "diverged" if h.diverged else f"final {h.val_loss[-1]:.3f}"
        color = style.color(names.index(str(label).split(",")[0].split()[0]))
        ax.plot(h.epochs, h.val_loss, color=color, ls=style.linestyle(i), lw=2.4,
                marker=style.MARKERS[i], ms=7, label=f"{label}: {tag}")
        if h.diverged:
            style.mark_diverged(ax, len(h.epochs) or 1, text=f"{label} diverged")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation loss (MSE)")
    ax.set_title(("one seed" if seed is None else f"seed {seed}") + ", per epoch")
    style.legend_outside(ax, "below", ncol=1)
    return ax
