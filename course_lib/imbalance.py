"""Imbalanced classes: the always-negative baseline (C3), binormal scores (C5), retraining at a prevalence.

The prevalence is the fraction of positives. To change only the prevalence, the data keep a fixed
number of positives and add negatives: both classes are drawn from the same two distributions at
every prevalence, so a model learns the same ranking and only the class ratio moves.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch

from . import metric_plots, metrics
from .checks import check_items, check_labels, check_member, check_positive, check_range, check_type, checked
from .metrics import as_labels
from .models import MLP
from .training import fit, predict_scores
from .widgets import Cache, Explorer, selection_slider

PREVALENCES = (0.5, 0.2, 0.1, 0.05, 0.02, 0.01)


def _check_prevalence(prevalence: Any) -> float:
    """A prevalence strictly between 0 and 1."""
    check_range("prevalence", prevalence, 0.0, 1.0, inclusive=False)
    return float(prevalence)


@checked
def counts_at(prevalence: float, num_positives: int) -> tuple[int, int]:
    """(num_negatives, num_positives) giving ``prevalence`` with ``num_positives`` positives."""
    prevalence = _check_prevalence(prevalence)
    check_positive("num_positives", num_positives, integer=True)
    return round(num_positives * (1 - prevalence) / prevalence), num_positives


@checked
def always_negative(y_true: Any) -> dict[str, float]:
    """Counts and metrics of the model that predicts "negative" for everyone (C3)."""
    check_labels("y_true", as_labels("y_true", y_true), "binary")
    y_true = metrics.as_labels("y_true", y_true)
    return metrics.binary_report(y_true, np.zeros_like(y_true))


@checked
def binormal_scores(prevalence: float, *, num_positives: int = 2000, separation: float = 1.5,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_score): positives score N(separation, 1), negatives N(0, 1), at ``prevalence``.

    The ROC AUC of such scores is Phi(separation / sqrt(2)) whatever the prevalence (0.856 at 1.5).
    """
    num_negatives, num_positives = counts_at(prevalence, num_positives)
    check_type("seed", seed, int, "an integer")
    rng = np.random.default_rng(seed)
    y_score = np.r_[rng.normal(0.0, 1.0, num_negatives), rng.normal(separation, 1.0, num_positives)]
    y_true = np.r_[np.zeros(num_negatives, np.int64), np.ones(num_positives, np.int64)]
    return y_true, y_score


@checked
def make_data(prevalence: float, *, num_positives: int = 200, num_features: int = 8,
              separation: float = 2.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(X, y): Gaussian classes in ``num_features`` dimensions, the positives' mean shifted by
    ``separation`` along a fixed direction, with ``num_positives`` positives at ``prevalence``."""
    num_negatives, num_positives = counts_at(prevalence, num_positives)
    check_positive("num_features", num_features, integer=True)
    check_type("seed", seed, int, "an integer")
    direction = np.random.default_rng(12345).normal(size=num_features)  # the same at every seed
    direction /= np.linalg.norm(direction)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(num_negatives + num_positives, num_features))
    y = np.r_[np.zeros(num_negatives, np.int64), np.ones(num_positives, np.int64)]
    X[y == 1] += separation * direction
    order = rng.permutation(len(y))
    return X[order].astype(np.float32), y[order]


@checked
def train_at_prevalence(prevalence: float, *, seed: int = 0, num_epochs: int = 25,
                        num_train_positives: int = 200, num_test_positives: int = 500
                        ) -> dict[str, Any]:
    """Generate training and test data at ``prevalence``, train a small MLP, score the test set.

    Returns y_test, y_score, roc_auc, average_precision, the always-negative baseline report and
    the model's report at threshold 0.5.
    """
    prevalence = _check_prevalence(prevalence)
    X, y = make_data(prevalence, num_positives=num_train_positives, seed=seed)
    X_test, y_test = make_data(prevalence, num_positives=num_test_positives, seed=seed + 1000)
    model = MLP(X.shape[1], hidden=(16,), task="binary", seed=seed)
    # Same number of optimizer steps at every prevalence: more data means bigger batches.
    batch_size = max(32, len(y) // 16)
    fit(model, (torch.from_numpy(X), torch.from_numpy(y)), lr=1e-2, batch_size=batch_size,
        num_epochs=num_epochs, seed=seed)
    y_score = predict_scores(model, X_test).numpy().astype(np.float64)
    return {
        "prevalence": prevalence, "y_test": y_test, "y_score": y_score,
        "roc_auc": metrics.roc_auc_score(y_test, y_score),
        "average_precision": metrics.average_precision_score(y_test, y_score),
        "always_negative": always_negative(y_test),
        "model_at_0.5": metrics.binary_report(y_test, metrics.apply_threshold(y_score, 0.5)),
    }


@checked
def plot_prevalence(result: dict[str, Any], axes=None):
    """ROC curve, PR curve with its prevalence baseline, and the always-negative baseline's metrics."""
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(12.5, 4.2), layout="constrained")
    y, s, p = result["y_test"], result["y_score"], result["prevalence"]
    fpr, tpr, _ = metrics.roc_curve(y, s)
    metric_plots.plot_roc(fpr, tpr, axes[0], color="C0")
    axes[0].set_title(f"ROC: AUC {result['roc_auc']:.3f}")
    precision, recall, _ = metrics.precision_recall_curve(y, s)
    metric_plots.plot_pr(precision, recall, axes[1], color="C0", prevalence=p)
    axes[1].set_title(f"PR: AP {result['average_precision']:.3f}")
    metric_plots.legend_below(axes[1], ncol=1, fontsize=9)
    base = result["always_negative"]
    names = ["accuracy", "recall", "f1"]
    values = [base["accuracy"], base["recall"], 0.0 if np.isnan(base["f1"]) else base["f1"]]
    bars = axes[2].bar(names, values, color=["0.45", "C3", "C4"])
    axes[2].bar_label(bars, fmt="%.2f")
    axes[2].set_ylim(0, 1.12)
    axes[2].set_title('"always negative" baseline')
    axes[0].figure.suptitle(f"prevalence {p:g}: {int(y.sum())} positives, "
                            f"{int(len(y) - y.sum())} negatives in the test set")
    return axes


@checked
def plot_prevalence_sweep(results: list[dict[str, Any]], ax=None):
    """ROC AUC and average precision of ``train_at_prevalence`` results against the prevalence."""
    check_items("results", results, dict, "results of train_at_prevalence")
    if not results:
        raise ValueError("results must hold at least one result of train_at_prevalence, got none")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
    prevalences = [r["prevalence"] for r in results]
    ax.plot(prevalences, [r["roc_auc"] for r in results], "o-", label="ROC AUC")
    ax.plot(prevalences, [r["average_precision"] for r in results], "s-", label="average precision")
    ax.plot(prevalences, prevalences, ":", color="0.5", label="AP of a random ranking (= prevalence)")
    ax.set_xscale("log")
    ax.set_xticks(prevalences, [f"{p:g}" for p in prevalences])
    ax.minorticks_off()
    ax.set_xlabel("prevalence (fraction of positives)")
    ax.set_ylabel("score on the test set")
    ax.set_ylim(0, 1.02)
    ax.set_title("Same model and data, fewer positives: AUC stays, AP falls")
    metric_plots.legend_below(ax, ncol=2, fontsize=10)
    return ax


class PrevalenceExplorer(Explorer):
    """A prevalence slider that regenerates the data and retrains (cached by value)."""

    @checked
    def __init__(self, prevalences=PREVALENCES, *, seed: int = 0, value: float = 0.5):
        check_member("value", value, prevalences, "prevalences")
        self.results = Cache(lambda p: train_at_prevalence(p, seed=seed))
        slider = selection_slider("prevalence", list(prevalences), value, continuous_update=False,
                                  fmt=lambda p: f"{p:g}")
        super().__init__({"prevalence": slider}, self._draw_prevalence, min_height="300px",
                         title="Prevalence: the data are regenerated and the model retrained")
        self.slider = slider

    def _draw_prevalence(self, prevalence: float):
        """Train (or reuse) and draw; the state is the result dict."""
        result = self.results(prevalence)
        axes = plot_prevalence(result)
        return axes[0].figure, result
