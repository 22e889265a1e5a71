"""A cliff in the loss surface (Pascanu, Mikolov & Bengio 2013): a small tanh RNN must carry its first
input through a long sequence. Its loss sits on a plateau until the recurrent weights grow, then falls
off a steep wall where the gradient norm spikes by orders of magnitude. Many runs (one per learning
rate and clipping threshold) train at once as a batch of independent networks: the same initial
weights and mini-batches, SGD with torch's clipping rule applied per run."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch

from .. import style
from ..checkpoints import data_path
from ..checks import check_int, check_kind, check_type, checked
from ..data import Split

SEQ_LEN, HIDDEN, NOISE, W_SCALE = 20, 8, 0.1, 0.5
TARGET_LOSS = 0.1  # "solved": validation MSE below this, and still at the end (predicting 0 gives about 1)
EVAL_EVERY = 25
UNCLIPPED_LRS = (0.03, 0.05, 0.07, 0.1, 0.14, 0.2, 0.3, 0.45)  # the fair baseline's grid
CLIPPED_LRS = (0.1, 0.2, 0.3, 0.45, 0.6, 1.0, 2.0)  # at CLIP_TAU
CLIP_TAU = 1.0
TAUS = (0.1, 0.3, 1.0, 3.0, 10.0)  # at CLIP_LR
CLIP_LR = 0.45
NUM_STEPS = 1500
RESULTS_FILE = "clip_cliff.json"
LABELLED_TICKS = (0.03, 0.14, 0.3, 0.6, 1.0, 2.0)  # the lr axis names these (those the text cites;
# labelling every grid value would make neighbours overlap)


@checked
def memory_task(num_train: int = 512, num_val: int = 256, *, seq_len: int = SEQ_LEN, noise: float = NOISE,
                seed: int = 0) -> Split:
    """Sequences whose first value is ±1 and every value carries Gaussian noise; the target is that first
    sign, read at the end of the sequence (MSE regression)."""
    g = torch.Generator().manual_seed(seed)

    def draw(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        sign = torch.randint(0, 2, (n,), generator=g).float() * 2 - 1
        X = noise * torch.randn(n, seq_len, generator=g)
        X[:, 0] += sign
        return X, sign

    (X_train, y_train), (X_val, y_val), (X_test, y_test) = draw(num_train), draw(num_val), draw(num_val)
    return Split(X_train, y_train, X_val, y_val, X_test, y_test, task="regression",
                 name=f"remember the first of {seq_len} inputs")


@checked
def init_weights(hidden: int = HIDDEN, *, w_scale: float = W_SCALE, seed: int = 0) -> dict[str, torch.Tensor]:
    """One network's starting weights: recurrent W (w_scale / √hidden per entry), input u, bias b (zero),
    readout v and c."""
    check_kind("w_scale", w_scale, "float0")
    g = torch.Generator().manual_seed(seed)
    return {"W": w_scale * torch.randn(hidden, hidden, generator=g) / math.sqrt(hidden),
            "u": torch.randn(hidden, generator=g),
            "b": torch.zeros(hidden),
            "v": torch.randn(hidden, generator=g) / math.sqrt(hidden),
            "c": torch.zeros(())}


@checked
def rnn_predict(weights: dict[str, torch.Tensor], X: torch.Tensor) -> torch.Tensor:
    """h_t = tanh(W h_{t-1} + u x_t + b) from h_0 = 0, output v·h_T + c (weights may carry a leading
    run axis: one network per run)."""
    missing = [k for k in "Wubvc" if k not in weights]
    if missing:
        raise ValueError(f"weights must hold W, u, b, v and c (as init_weights gives), "
                         f"got keys {sorted(weights)}")
    W, u, b, v, c = (weights[k] for k in "Wubvc")
    batched = W.dim() == 3
    if not batched:
        W, u, b, v, c = W[None], u[None], b[None], v[None], c[None]
    drive = X.T[:, None, :, None] * u[None, :, None, :] + b[None, :, None, :]  # u x_t + b, every t at once
    Wt = W.transpose(1, 2)
    h = torch.tanh(drive[0])
    for t in range(1, X.shape[1]):
        h = torch.tanh(torch.baddbmm(drive[t], h, Wt))
    out = (h * v[:, None, :]).sum(-1) + c[:, None]
    return out if batched else out[0]


@dataclass
class CliffRuns:
    """What ``train_rnns`` recorded for every run (one per (lr, τ) pair)."""

    lrs: list[float]
    taus: list[float]  # inf: no clipping
    eval_steps: list[int]
    val_loss: np.ndarray  # (runs, evaluations); nan after a run diverged
    step_loss: np.ndarray  # (steps, runs); mini-batch MSE, nan after divergence
    grad_norm: np.ndarray  # (steps, runs); global norm before clipping
    diverged_at: list[int | None]  # the step whose loss or gradient was not finite

    def final(self, i: int) -> float:
        """Run i's validation MSE at the end (nan when it diverged)."""
        return float(self.val_loss[i, -1])

    def steps_to(self, i: int, target: float = TARGET_LOSS) -> float:
        """The first evaluated step at which run i's validation MSE is below ``target``, counted only if
        it is still below at the end (inf: never, or it left again, or it diverged)."""
        if not self.final(i) < target:
            return math.inf
        hits = np.nonzero(self.val_loss[i] < target)[0]
        return float(self.eval_steps[hits[0]])

    def clipped_fraction(self, i: int) -> float:
        """Fraction of run i's steps (before any divergence) whose gradient norm exceeded τ."""
        norms = self.grad_norm[:, i]
        norms = norms[np.isfinite(norms)]
        return float(np.mean(norms > self.taus[i])) if len(norms) else 0.0


@checked
def train_rnns(data: Split, lrs: Sequence[float], taus: Sequence[float], *, num_steps: int = 1000,
               batch_size: int = 32, hidden: int = HIDDEN, w_scale: float = W_SCALE, seed: int = 0,
               eval_every: int = EVAL_EVERY) -> CliffRuns:
    """Plain SGD on ``data`` for every pair (lrs[i], taus[i]) at once, from the same weights and batches;
    each run's global gradient norm is clipped at its τ (inf: off) as clip_grad_norm_ does."""
    for name, values in (("lrs", lrs), ("taus", taus)):
        if len(values) == 0:
            raise ValueError(f"{name} must contain at least one value, got none")
        for v in values:
            check_kind(name, v, "limit" if name == "taus" else "float+")
    lrs, taus = [float(v) for v in lrs], [float(v) for v in taus]
    if len(lrs) != len(taus):
        raise ValueError(f"lrs and taus must have the same length, got {len(lrs)} and {len(taus)}")
    R = len(lrs)
    start = init_weights(hidden, w_scale=w_scale, seed=seed)
    weights = {k: v.expand(R, *v.shape).clone().requires_grad_(True) for k, v in start.items()}
    lr, tau = torch.tensor(lrs), torch.tensor(taus)
    alive = torch.ones(R, dtype=torch.bool)
    diverged_at: list[int | None] = [None] * R
    g = torch.Generator().manual_seed(seed + 1)
    step_loss, grad_norm, val_loss, eval_steps = [], [], [], []
    for step in range(1, num_steps + 1):
        idx = torch.randint(0, len(data.X_train), (batch_size,), generator=g)
        loss = ((rnn_predict(weights, data.X_train[idx]) - data.y_train[idx]) ** 2).mean(1)
        for w in weights.values():
            w.grad = None
        torch.where(alive, loss, torch.zeros_like(loss)).sum().backward()
        with torch.no_grad():
            norm = sum(w.grad.reshape(R, -1).pow(2).sum(1) for w in weights.values()).sqrt()
            blown = alive & ~(torch.isfinite(loss) & torch.isfinite(norm))
            for i in torch.nonzero(blown).flatten().tolist():
                diverged_at[i] = step
            alive &= ~blown
            factor = torch.clamp(tau / (norm + 1e-6), max=1.0)  # clip_grad_norm_'s rule, per run
            scale = torch.where(alive, lr * factor, torch.zeros_like(lr))
            for w in weights.values():
                w -= scale.view(R, *[1] * (w.dim() - 1)) * torch.nan_to_num(w.grad)
            nan = torch.full_like(loss, math.nan)
            step_loss.append(torch.where(alive | blown, loss, nan).numpy())
            grad_norm.append(torch.where(alive | blown, norm, nan).numpy())
            if step % eval_every == 0 or step == num_steps:
                val = ((rnn_predict(weights, data.X_val) - data.y_val) ** 2).mean(1)
                val_loss.append(torch.where(alive & torch.isfinite(val), val, nan).numpy())
                eval_steps.append(step)
    return CliffRuns(lrs, taus, eval_steps, np.stack(val_loss, 1), np.stack(step_loss), np.stack(grad_norm),
                     diverged_at)


@checked
def best_index(runs: CliffRuns, indices: Sequence[int], target: float = TARGET_LOSS) -> int:
    """Of the runs ``indices``, the one that reaches validation MSE ``target`` first (ties: lower final MSE;
    a diverged run is worst)."""
    check_type("runs", runs, CliffRuns, "a CliffRuns from train_rnns")
    indices = list(indices)
    if not indices:
        raise ValueError("indices must contain at least one run, got none")
    for i in indices:
        check_int("indices", i, low=0, high=len(runs.lrs) - 1)

    def key(i: int) -> tuple[float, float]:
        final = runs.final(i)
        return runs.steps_to(i, target), final if math.isfinite(final) else math.inf

    return min(indices, key=key)


def _float(value: float | str) -> float:
    """A number from the JSON file ("inf" and "nan" were stored as strings)."""
    return float(value)


@checked
def load_results() -> dict:
    """The shipped grid over seeds (data/scripts/clip_cliff.py): per seed, every arm's runs with their
    steps to the target, final validation MSE, divergence step and clipped fraction."""
    import json

    payload = json.loads(data_path(RESULTS_FILE).read_text())
    for by_arm in payload["runs"].values():
        for runs in by_arm.values():
            for run in runs:
                for key in ("tau", "steps_to_target", "final_val_loss"):
                    run[key] = _float(run[key])
    return payload


@checked
def best_per_seed(results: dict, arm: str) -> dict[int, dict]:
    """For each seed, the run of ``arm`` ("unclipped", "clipped" or "taus") that reaches the target first
    (ties: lower final MSE; diverged: worst), as chosen on validation data."""
    check_type("results", results, dict, "the dict of load_results()")
    if arm not in ("unclipped", "clipped", "taus"):
        raise ValueError(f"arm must be 'unclipped', 'clipped' or 'taus', got {arm!r}")

    def key(run: dict) -> tuple[float, float]:
        final = run["final_val_loss"]
        return run["steps_to_target"], final if math.isfinite(final) else math.inf

    return {int(seed): min(by_arm[arm], key=key) for seed, by_arm in results["runs"].items()}


def _median_steps(results: dict, arm: str, x_key: str) -> tuple[list[float], list[float], list[int]]:
    """Per grid value: the median over seeds of the steps to the target, and how many seeds diverged."""
    seeds = list(results["runs"])
    xs = [run[x_key] for run in results["runs"][seeds[0]][arm]]
    medians, diverged = [], []
    for j in range(len(xs)):
        runs = [results["runs"][s][arm][j] for s in seeds]
        medians.append(float(np.median([r["steps_to_target"] for r in runs])))
        diverged.append(sum(r["diverged_at"] is not None for r in runs))
    return xs, medians, diverged


def _draw_arm(ax, results: dict, arm: str, x_key: str, label: str, i: int, fail_label: str = "") -> None:
    """One arm's median steps against its grid, every seed as a faint dot; a setting whose median run
    fails (half the seeds or more diverge, or never reach the target) is an ✕ above the budget line,
    labelled ``fail_label`` (by default the arm's label and "half the seeds or more fail")."""
    budget = results["num_steps"]
    xs, medians, _ = _median_steps(results, arm, x_key)
    for s in results["runs"]:
        steps = [r["steps_to_target"] for r in results["runs"][s][arm]]
        ok = [(x, v) for x, v in zip(xs, steps, strict=True) if math.isfinite(v)]
        ax.plot([x for x, _ in ok], [v for _, v in ok], ls="none", marker=style.MARKERS[i], ms=5,
                color=style.color(i), alpha=0.35)
    ok = [(x, m) for x, m in zip(xs, medians, strict=True) if math.isfinite(m)]
    ax.plot([x for x, _ in ok], [m for _, m in ok], color=style.color(i), ls=style.linestyle(i), lw=2.4,
            marker=style.MARKERS[i], ms=9, label=f"{label} (median)")
    failed = [x for x, m in zip(xs, medians, strict=True) if not math.isfinite(m)]
    ax.plot(failed, [budget * 1.4] * len(failed), marker="X", ms=12, color=style.color(i), mec="black",
            ls="none", label=(fail_label or f"{label}: half the seeds or more fail") if failed else None)


@checked
def plot_lr_sweep(results: dict, axes=None):
    """Left: the median steps to the target against lr, unclipped and clipped at τ; right: against τ at
    one lr. Every seed is a faint dot; a setting whose median run fails is an ✕ above the budget."""
    check_type("results", results, dict, "the dict of load_results()")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=style.figsize(4.6), gridspec_kw={"width_ratios": [3, 2]})
    budget, n = results["num_steps"], len(results["runs"])
    _draw_arm(axes[0], results, "unclipped", "lr", "no clipping", 1)
    _draw_arm(axes[0], results, "clipped", "lr", f"clipped at τ = {results['clip_tau']:g}", 0)
    _draw_arm(axes[1], results, "taus", "tau", f"lr {results['clip_lr']:g}", 0,
              fail_label=f"lr {results['clip_lr']:g}: half or more fail")
    grids = (sorted({*UNCLIPPED_LRS, *CLIPPED_LRS}), TAUS)
    for ax, xlabel, grid in zip(axes, ("learning rate", "clipping threshold τ"), grids, strict=True):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(50, budget * 2)
        ax.axhline(budget, color="0.4", lw=1, ls=":",
                   label=f"budget: {budget} steps" if ax is axes[0] else None)
        ax.set_xticks(grid, [f"{v:g}" if v in LABELLED_TICKS or ax is axes[1] else "" for v in grid])
        ax.minorticks_off()
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"steps to validation MSE < {results['target_loss']:g}")
    axes[0].set_title(f"best lr, with and without clipping ({n} seeds)")
    axes[1].set_title(f"best τ, at lr {results['clip_lr']:g}")
    left = list(zip(*axes[0].get_legend_handles_labels(), strict=True))
    entries = ([e for e in left if "fail" not in e[1]] + [e for e in left if "fail" in e[1]]
               + list(zip(*axes[1].get_legend_handles_labels(), strict=True)))  # the ✕ labels in one column
    axes[0].figure.legend(*zip(*entries, strict=True), loc="outside lower center", ncol=3)
    return axes


def _mark_divergence(ax, runs: CliffRuns, i: int, values: np.ndarray, what: str, color: str) -> None:
    """An ✕ on the panel's top edge where run i diverged, labelled with the last finite value it reached."""
    step = runs.diverged_at[i]
    finite = values[np.isfinite(values)]
    peak = f"\n({what} {finite[-1]:.0e})" if len(finite) else ""
    ax.plot([step], [0.97], marker="X", ms=12, color=color, mec="black", ls="none", clip_on=False,
            transform=ax.get_xaxis_transform())
    ax.annotate(f"diverged at step {step}{peak}", (step, 0.97), xycoords=("data", "axes fraction"),
                xytext=(9, -2), textcoords="offset points", ha="left", va="top", color=color,
                fontsize=style.MIN_FONT_PT, fontweight="bold")


@checked
def plot_cliff_runs(runs: CliffRuns, labels: Sequence[str], axes=None):
    """The mini-batch loss (left) and the gradient norm before clipping (right) of every run, with each
    clipped run's τ; a diverged run is marked where it blew up."""
    check_type("runs", runs, CliffRuns, "a CliffRuns from train_rnns")
    if len(labels) != len(runs.lrs):
        raise ValueError(f"labels must name every run ({len(runs.lrs)}), got {len(labels)}")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=style.figsize(4.4))
    steps = np.arange(1, runs.step_loss.shape[0] + 1)
    for i, label in enumerate(labels):
        color, ls = style.color(i), style.linestyle(i)
        axes[0].semilogy(steps, runs.step_loss[:, i], color=color, ls=ls, lw=1.6, label=label)
        axes[1].semilogy(steps, runs.grad_norm[:, i], color=color, ls=ls, lw=1.4)
        if runs.diverged_at[i] is not None:
            _mark_divergence(axes[0], runs, i, runs.step_loss[:, i], "loss", color)
            _mark_divergence(axes[1], runs, i, runs.grad_norm[:, i], "‖g‖", color)
    for tau in sorted({t for t in runs.taus if math.isfinite(t)}):
        axes[1].axhline(tau, color="black", ls=":", lw=2, label=f"τ = {tau:g}")
    axes[0].set_ylim(1e-5, 1e4)  # a blown-up run leaves the panel: its ✕ on the top edge says how far
    axes[1].set_ylim(1e-3, 1e4)
    axes[0].set_title("mini-batch loss: the plateau, then the wall")
    axes[1].set_title("gradient norm before clipping")
    for ax, ylabel in zip(axes, ("mini-batch MSE", "‖g‖ before clipping"), strict=True):
        ax.set_xlabel("step")
        ax.set_ylabel(ylabel)
    style.legend_outside(axes[0], "below", ncol=1)
    style.legend_outside(axes[1], "below")
    return axes


@checked
def describe(runs: CliffRuns, i: int, target: float = TARGET_LOSS) -> str:
    """One line on run i: where it diverged, or when it reached the target and how often it was clipped."""
    check_type("runs", runs, CliffRuns, "a CliffRuns from train_rnns")
    check_int("i", i, low=0, high=len(runs.lrs) - 1)
    norms = runs.grad_norm[:, i]
    largest = float(np.max(norms[np.isfinite(norms)])) if np.isfinite(norms).any() else 0.0
    if runs.diverged_at[i] is not None:
        size = f"1e{math.floor(math.log10(largest)):d}" if largest > 0 else "none"
        return f"diverged at step {runs.diverged_at[i]} (largest finite ‖g‖ of order {size})"
    reached = runs.steps_to(i, target)
    when = (f"after {reached:.0f} steps" if math.isfinite(reached)
            else f"not within {runs.eval_steps[-1]} steps")
    clipped = "" if math.isinf(runs.taus[i]) else f"; {runs.clipped_fraction(i):.0%} of steps clipped"
    return f"validation MSE < {target:g} {when}; largest ‖g‖ {largest:.2g}{clipped}"


@checked
def summary_lines(results: dict) -> list[str]:
    """Per seed: the best unclipped lr against the best clipped one (both chosen on validation data)."""
    plain, clipped = best_per_seed(results, "unclipped"), best_per_seed(results, "clipped")
    taus = best_per_seed(results, "taus")
    lines = []
    for seed in plain:
        p, c = plain[seed], clipped[seed]
        ratio = p["steps_to_target"] / c["steps_to_target"]
        lines.append(f"seed {seed}: no clipping, best lr {p['lr']:<4g} {p['steps_to_target']:4.0f} steps | "
                     f"τ = {c['tau']:g}, best lr {c['lr']:<4g} {c['steps_to_target']:4.0f} steps "
                     f"({c['clipped_fraction']:3.0%} clipped), {ratio:.2f}× fewer | "
                     f"best τ at lr {taus[seed]['lr']:g}: {taus[seed]['tau']:g}")
    return lines
