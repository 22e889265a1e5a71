"""Warm-up: the minibatch-Adam case where it changes little, the curvature (sharpness) against 2/lr
through warm-up, and the LR grid with and without warm-up (the fair baseline)."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from ..checks import check_items, check_positive, checked
from ..data import Split
from ..models import build_mlp
from ..training import History, fit


@dataclass
class WarmupResult:
    """Validation accuracy (None when training diverged) and History of every seed, per setting.

    Validation, not test: comparing settings is choosing hyperparameters, which the test set must
    never see."""

    accuracy: dict[str, list[float | None]]
    histories: dict[str, list[History]]

    def mean(self, label: str) -> float:
        """Mean final validation accuracy of a setting, a diverged seed counting as 0."""
        return float(np.mean([a if a is not None else 0.0 for a in self.accuracy[label]]))

    def successes(self, label: str, threshold: float = 0.9) -> int:
        """How many seeds of a setting reached ``threshold`` validation accuracy."""
        return sum(a is not None and a > threshold for a in self.accuracy[label])


def _val_accuracy(history: History) -> float | None:
    """Final validation accuracy, or None for a run that diverged."""
    return None if history.diverged else history.final()


@checked
def adam_warmup_comparison(data: Split, *, warmup_steps: int = 100, lr: float = 1e-2,
                           num_epochs: int = 5, seeds=range(3)) -> WarmupResult:
    """Mini-batch Adam on a small MLP, without and with warm-up: final validation accuracy per seed."""
    result = WarmupResult({}, {})
    for label, warm in (("no warm-up", 0), (f"warm-up {warmup_steps} steps", warmup_steps)):
        result.accuracy[label], result.histories[label] = [], []
        for seed in seeds:
            model = build_mlp(data, hidden=(64, 64), seed=seed)
            h = fit(model, data, optimizer="adam", lr=lr, batch_size=32, num_epochs=num_epochs,
                    warmup_steps=warm, seed=seed)
            result.histories[label].append(h)
            result.accuracy[label].append(_val_accuracy(h))
    return result


# --- curvature against 2/lr through training (the bowl's rule, measured on the way) -------------

@dataclass
class SharpnessTrace:
    """Sharpness λ_max measured at some optimizer steps of one full-batch run, with the LR there."""

    label: str
    steps: list[int]  # optimizer steps done when measured (0: at init)
    sharpness: list[float]
    lr: list[float]  # the LR of the step just taken (at 0: the first step's)
    history: History


@checked
def warmup_lr(step: int, lr: float, warmup_steps: int) -> float:
    """The LR of optimizer step ``step`` (from 0) under fit's linear warm-up to ``lr``."""
    check_positive("step", step, integer=True, allow_zero=True)
    return lr * min(1.0, (step + 1) / (warmup_steps + 1))


@checked
def sharpness_trace(data: Split, *, lr: float = 1.0, warmup_steps: int = 0, num_steps: int = 150,
                    depth: int = 6, width: int = 64, measure_at=(0, 2, 5, 10, 20, 40, 70, 100, 150),
                    num_iters: int = 10, seed: int = 0, label: str | None = None) -> SharpnessTrace:
    """Full-batch SGD on a deep He-init MLP (as warmup_grid runs it), measuring λ_max
    (learning_rate.sharpness) at the steps ``measure_at``; the run stops where fit reports divergence."""
    from .learning_rate import sharpness

    model = build_mlp(data, hidden=(width,) * depth, init="he", seed=seed)
    at = set(measure_at)
    first_lr = warmup_lr(0, lr, warmup_steps) if warmup_steps else lr
    steps, values, lrs = [0], [sharpness(model, data.X_train, data.y_train, num_iters=num_iters)], [first_lr]

    def measure(epoch: int, net, history: History) -> None:
        if epoch + 1 in at:  # full batch: one step per epoch
            steps.append(epoch + 1)
            values.append(sharpness(net, data.X_train, data.y_train, num_iters=num_iters))
            lrs.append(history.lr[-1])

    h = fit(model, data, optimizer="sgd", lr=lr, batch_size=len(data.X_train), num_steps=num_steps,
            warmup_steps=warmup_steps, seed=seed, callback=measure)
    name = label or (f"lr {lr:g}" + (f", warm-up {warmup_steps} steps" if warmup_steps else ""))
    return SharpnessTrace(name, steps, values, lrs, h)


@checked
def plot_sharpness(traces: list[SharpnessTrace], axes=None):
    """One panel per run: λ_max measured (solid, dots) and the bowl's limit 2/lr (dashed) per step;
    where the dots are above the dashed line, the step is unstable. A diverged run ends in ✕."""
    traces = check_items("traces", traces, SharpnessTrace, "SharpnessTrace results (sharpness_trace)")
    if axes is None:
        _, axes = plt.subplots(1, len(traces), figsize=style.figsize(3.9), sharey=True, squeeze=False)
        axes = axes[0]
    shown = []
    for t in traces:  # a diverged run's last λ_max is left out: it would squash every other curve
        kept = t.sharpness[:-1] if t.history.diverged else t.sharpness
        shown += [float(v) for v in (*kept, *(2 / np.array(t.history.lr))) if np.isfinite(v) and v > 0]
    top = 3 * max(shown, default=10.0)
    for i, (ax, t) in enumerate(zip(axes, traces, strict=True)):
        color = style.color(i)
        ax.semilogy(t.steps, np.minimum(t.sharpness, top), color=color, marker=style.MARKERS[i], lw=2.2,
                    label="λ_max")
        lr = np.array(t.history.lr)
        ax.semilogy(np.arange(len(lr)), 2 / lr, color="0.3", ls="--", lw=2, label="2/lr")  # step k's lr
        ax.set_ylim(0.5 * min(shown, default=0.1), 3 * top)  # room above `top` for a diverged run's ✕
        if t.history.diverged:
            last = t.sharpness[-1]
            ax.plot([t.steps[-1]], [min(last, top)], marker="X", ms=14, color=style.DIVERGED_COLOR,
                    mec="black", ls="none", label="diverged", clip_on=False)
            if np.isfinite(last) and last > top:
                ax.annotate(f"λ_max {last:.1e}", (t.steps[-1], top), xytext=(-12, -22), ha="right",
                            textcoords="offset points", fontsize=style.MIN_FONT_PT)
            status = f"diverged at step {t.history.num_steps + 1}"
        else:
            status = f"val acc {t.history.final():.2f}"
        ax.set_title(f"{t.label}\n{status}")
        ax.set_xlabel("optimizer step")
    axes[0].set_ylabel("sharpness λ_max")
    handles = {}
    for ax in axes:  # one legend for all panels: the measured λ_max, the limit, the ✕
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(text, handle)
    axes[0].figure.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=len(handles))
    return axes


WARMUP_GRID_LRS = (0.1, 0.2, 0.35, 0.5, 0.7, 1.0, 1.4)


@checked
def warmup_grid(data: Split, *, lrs=WARMUP_GRID_LRS, warmup_steps: int = 100, num_steps: int = 150,
                depth: int = 6, width: int = 64, seeds=range(5)):
    """Full-batch SGD on a deep He-init MLP at every LR of ``lrs``, without and with warm-up: the best
    LR of each arm, chosen on validation accuracy, is the fair comparison (a learning_rate.LRGrid)."""
    from .learning_rate import lr_grid

    check_positive("warmup_steps", warmup_steps, integer=True)
    arms = {"no warm-up": 0, f"warm-up {warmup_steps} steps": warmup_steps}

    def run(arm: str, lr: float, seed: int) -> History:
        model = build_mlp(data, hidden=(width,) * depth, init="he", seed=seed)
        return fit(model, data, optimizer="sgd", lr=lr, batch_size=len(data.X_train), num_steps=num_steps,
                   warmup_steps=arms[arm], seed=seed, eval_every=num_steps)

    setting = dict(optimizer="sgd", batch_size="full", num_steps=num_steps, depth=depth, width=width,
                   init="he", warmup_steps=warmup_steps)
    return lr_grid(run, list(arms), lrs, seeds, setting=setting,
                   title=f"full-batch SGD, {depth}×{width} He, {num_steps} steps")
