"""The warm-up experiment: full-batch gradient descent with a large LR on a deep MLP, with and
without a linear warm-up, and the (honest) minibatch-Adam case where warm-up changes little."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from .. import style
from ..checks import check_positive, check_type, checked
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

    def successes(self, label: str, threshold: float = 0.9) -> int:
        """How many seeds of a setting reached ``threshold`` validation accuracy."""
        return sum(a is not None and a > threshold for a in self.accuracy[label])


def _val_accuracy(history: History) -> float | None:
    """Final validation accuracy, or None for a run that diverged."""
    return None if history.diverged else history.final()


@checked
def warmup_experiment(data: Split, *, warmup_steps: int = 100, lr: float = 1.0, num_steps: int = 150,
                      depth: int = 6, width: int = 64, seeds=range(5)) -> WarmupResult:
    """Full-batch SGD on a ``depth``-hidden-layer He-init MLP at ``lr``, without and with warm-up."""
    check_type("data", data, Split, "a course_lib.data.Split")
    check_positive("warmup_steps", warmup_steps, integer=True)
    result = WarmupResult({}, {})
    for label, warm in (("no warm-up", 0), (f"warm-up {warmup_steps} steps", warmup_steps)):
        result.accuracy[label], result.histories[label] = [], []
        for seed in seeds:
            model = build_mlp(data, hidden=(width,) * depth, init="he", seed=seed)
            h = fit(model, data, optimizer="sgd", lr=lr, batch_size=len(data.X_train),
                    num_steps=num_steps, warmup_steps=warm, seed=seed,
                    eval_every=num_steps)  # one step per epoch: measure only at the end
            result.histories[label].append(h)
            result.accuracy[label].append(_val_accuracy(h))
    return result


@checked
def adam_warmup_comparison(data: Split, *, warmup_steps: int = 100, lr: float = 1e-2,
                           num_epochs: int = 5, seeds=range(3)) -> WarmupResult:
    """Mini-batch Adam on a small MLP, without and with warm-up: final validation accuracy per seed."""
    check_type("data", data, Split, "a course_lib.data.Split")
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


@checked
def plot_warmup(result: WarmupResult, axes=None):
    """Training loss per step of every seed, one panel per setting; a diverged run ends in ✕ and its
    legend entry says so."""
    labels = list(result.histories)
    if axes is None:
        _, axes = plt.subplots(1, len(labels), figsize=style.figsize(4.4), sharey=True)
    for ax, label in zip(axes, labels, strict=True):
        for i, h in enumerate(result.histories[label]):
            loss = np.array(h.step_loss)
            acc = result.accuracy[label][i]
            tag = f"seed {i}: " + ("diverged" if h.diverged else f"val acc {acc:.2f}")
            ax.semilogy(np.arange(1, len(loss) + 1), loss, color=style.color(i), ls=style.linestyle(i),
                        lw=1.8, label=tag)
            if h.diverged:
                end = float(loss[-1]) if len(loss) and np.isfinite(loss[-1]) else 1.0
                ax.plot([len(loss)], [end], marker="X", ms=12, color=style.color(i), mec="black", ls="none")
        runs = len(result.histories[label])
        ax.set_title(f"{label}: {result.successes(label)}/{runs} seeds > 0.9")
        ax.set_xlabel("step")
        style.legend_outside(ax, "below", ncol=2)
    axes[0].set_ylabel("training loss")
    return axes
