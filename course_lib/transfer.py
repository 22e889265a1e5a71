"""Transfer learning on a CPU budget: a source task to pretrain on, target tasks to adapt to, and the
four ways to adapt a pretrained model (from scratch, linear probe, full fine-tuning, LoRA) compared
fairly: same target data, same new zero-initialised head, same optimizer, learning rate and steps.

Source task: 20 sinusoids A·sin(x + φ) on [-5, 5], one output each, learnt by one 1->64->64 tanh
body with a 20-output head. Targets: a new sinusoid from 10 labelled points, of the same frequency
("related") or 1.5 times faster ("shifted"). Counter-example: digits 0-4 as the source, digits 5-9
as the target.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from .checkpoints import data_path, load_checkpoint
from .checks import (
    check_choice,
    check_int,
    check_items,
    check_kind,
    check_positive,
    check_sequence,
    check_type,
    checked,
)
from .data import load_tabular
from .lora import add_lora
from .models import MLP, count_parameters
from .training import fit

METHODS = ("scratch", "linear probe", "full fine-tune", "LoRA")
X_RANGE = (-5.0, 5.0)
AMPLITUDES = (0.5, 1.5)
HIDDEN = (64, 64)
NUM_SOURCE_FUNCTIONS = 20
# One training recipe for every method (no per-method tuning: 10 points leave nothing to tune on).
LR = 1e-2
NUM_STEPS = 300
LORA_RANK = 2
LORA_ALPHA = 2.0
# LoRA adapts the 64->64 layer only: block1's weight is 64x1 (rank <= 1 already), and a rank-r
# adapter on it would cost r * (1 + 64) parameters, more than its 64 weights.
LORA_TARGETS = ("block2.linear",)
# One colour, line style and marker per method, in every figure of the notebook.
METHOD_STYLE = {"scratch": {"color": "C0", "ls": "-", "marker": "s"},
                "linear probe": {"color": "C1", "ls": "--", "marker": "o"},
                "full fine-tune": {"color": "C2", "ls": "-.", "marker": "^"},
                "LoRA": {"color": "C3", "ls": ":", "marker": "D"}}


@dataclass
class Task:
    """Training and test tensors of one target task; ``task`` is "regression" or "multiclass"."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    task: str
    name: str = ""
    out_features: int = 1
    extra: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"Task({self.name or self.task}: train={len(self.X_train)}, test={len(self.X_test)}, "
                f"out_features={self.out_features})")


def _sinusoid_parameters(num: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Amplitudes in AMPLITUDES and phases in [0, 2π)."""
    return rng.uniform(*AMPLITUDES, num), rng.uniform(0, 2 * math.pi, num)


@checked
def sinusoid_source(num_functions: int = NUM_SOURCE_FUNCTIONS, num_points: int = 200, seed: int = 0
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """Source task: X (num_points, 1), a grid of X_RANGE; Y (num_points, num_functions) = A·sin(x + φ)."""
    check_positive("num_functions", num_functions, integer=True)
    check_positive("num_points", num_points, integer=True)
    check_type("seed", seed, int, "an integer")
    amplitudes, phases = _sinusoid_parameters(num_functions, np.random.default_rng(seed))
    x = np.linspace(*X_RANGE, num_points)
    Y = amplitudes * np.sin(x[:, None] + phases)
    return torch.tensor(x[:, None], dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)


@checked
def sinusoid_target(n_train: int = 10, frequency: float = 1.0, seed: int = 0, n_test: int = 200) -> Task:
    """A new sinusoid A·sin(frequency·x + φ): ``n_train`` labelled points, a test grid of ``n_test``.

    The training points are drawn uniformly at random in X_RANGE. The amplitude, phase and points
    depend on ``seed`` only, so targets of different frequency share them.
    """
    check_positive("n_train", n_train, integer=True)
    check_positive("frequency", frequency)
    check_positive("n_test", n_test, integer=True)
    check_type("seed", seed, int, "an integer")
    rng = np.random.default_rng(10_000 + seed)
    (amplitude,), (phase,) = _sinusoid_parameters(1, rng)
    low, high = X_RANGE
    x_train = np.sort(rng.uniform(low, high, n_train))
    x_test = np.linspace(*X_RANGE, n_test)

    def f(x: np.ndarray) -> np.ndarray:
        return amplitude * np.sin(frequency * x + phase)

    def T(a: np.ndarray) -> torch.Tensor:
        return torch.tensor(a, dtype=torch.float32)

    return Task(T(x_train[:, None]), T(f(x_train)), T(x_test[:, None]), T(f(x_test)), "regression",
                name=f"sinusoid ×{frequency:g}", extra={"amplitude": amplitude, "phase": phase,
                                                          "frequency": frequency})


@checked
def backbone(out_features: int = NUM_SOURCE_FUNCTIONS, seed: int = 0) -> MLP:
    """The 1->64->64 tanh network of the sinusoid experiments, with ``out_features`` outputs."""
    return MLP(1, out_features, hidden=HIDDEN, activation="tanh", task="regression", seed=seed)


@checked
def pretrain_sinusoids(seed: int = 0, num_steps: int = 2000, lr: float = 1e-2) -> MLP:
    """Pretrain the backbone on the source task, deterministically (what data/sine_backbone.pt holds)."""
    check_positive("num_steps", num_steps, integer=True)
    X, Y = sinusoid_source(seed=seed)
    model = backbone(Y.shape[1], seed=seed)
    schedule = lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, num_steps)  # noqa: E731
    fit(model, (X, Y), lr=lr, batch_size=len(X), num_steps=num_steps, scheduler=schedule, seed=seed)
    return model


PRETRAINED_FILE = "sine_backbone.pt"


@checked
def load_pretrained() -> tuple[MLP, dict]:
    """(model, meta): the pretrained sinusoid backbone shipped in data/ (tools/pretrain.py made it)."""
    return load_checkpoint(data_path(PRETRAINED_FILE))


@checked
@torch.no_grad()
def source_loss(model: nn.Module, seed: int = 0) -> float:
    """Mean squared error of a pretrained backbone on the source task it was trained on."""
    X, Y = sinusoid_source(seed=seed)
    model.eval()
    return float(((model(X) - Y) ** 2).mean())


def _digits(classes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Digits images of ``classes`` scaled to [0, 1], labels renumbered 0..len(classes)-1."""
    X, y = load_tabular("digits")
    keep = np.isin(y, classes)
    relabel = {c: i for i, c in enumerate(classes)}
    return X[keep] / 16.0, np.array([relabel[c] for c in y[keep]], dtype=np.int64)


@checked
def digits_backbone(seed: int = 0) -> MLP:
    """A 64->64->64 tanh classifier of 5 digits."""
    return MLP(64, 5, hidden=HIDDEN, activation="tanh", task="multiclass", seed=seed)


@checked
def pretrain_digits(classes: Sequence[int] = (0, 1, 2, 3, 4), seed: int = 0, num_epochs: int = 20
                    ) -> MLP:
    """Pretrain a digits classifier on ``classes`` (all their images), in about a second."""
    check_sequence("classes", classes, "digit classes 0..9",
                   item=lambda n, v: check_int(n, v, low=0, high=9))
    X, y = _digits(list(classes))
    model = digits_backbone(seed)
    fit(model, (X, y), lr=3e-3, batch_size=64, num_epochs=num_epochs, seed=seed)
    return model


@checked
def digits_target(shots: int = 5, classes: Sequence[int] = (5, 6, 7, 8, 9), seed: int = 0) -> Task:
    """``shots`` labelled images per class of ``classes`` to train on; every other image to test on."""
    check_sequence("classes", classes, "digit classes 0..9",
                   item=lambda n, v: check_int(n, v, low=0, high=9))
    check_positive("shots", shots, integer=True)
    X, y = _digits(list(classes))
    rng = np.random.default_rng(20_000 + seed)
    train = np.concatenate([rng.choice(np.flatnonzero(y == c), shots, replace=False)
                            for c in range(len(classes))])
    test = np.setdiff1d(np.arange(len(y)), train)
    T = torch.tensor
    return Task(T(X[train], dtype=torch.float32), T(y[train]), T(X[test], dtype=torch.float32),
                T(y[test]), "multiclass", name=f"digits {list(classes)}, {shots}-shot",
                out_features=len(classes))


@checked
def sinusoid_targets(n_train: int = 10, seeds: Sequence[int] = range(8), shift: float = 1.5
                     ) -> dict[str, list[Task]]:
    """{"related": same-frequency targets, "shifted": ``shift`` times faster}, one Task per seed."""
    targets = {"related": [sinusoid_target(n_train, 1.0, seed=s) for s in seeds],
               "shifted": [sinusoid_target(n_train, shift, seed=s) for s in seeds]}
    names = {"related": "related target (same frequency)", "shifted": f"shifted target ({shift:g}× faster)"}
    for name, tasks in targets.items():
        for task in tasks:
            task.name = names[name]
    return targets


@checked
def digits_targets(shots: int = 5, seeds: Sequence[int] = range(5)) -> dict[str, list[Task]]:
    """{"digits 5-9": one ``shots``-shot Task of digits 5-9 per seed} (the negative-transfer example)."""
    return {"digits 5-9": [digits_target(shots, seed=s) for s in seeds]}


@checked
def adapt(method: str, pretrained: MLP, out_features: int = 1, *, rank: int = LORA_RANK,
          alpha: float = LORA_ALPHA, seed: int = 0) -> MLP:
    """A model ready to train on a target, for one of METHODS; ``pretrained`` is left untouched.

    Every method gets a new zero-initialised head with ``out_features`` outputs. scratch: a fresh
    network of the same architecture, all trainable. linear probe: the pretrained body frozen.
    full fine-tune: the pretrained body, all trainable. LoRA: the pretrained body frozen, with a
    rank-``rank`` adapter on each layer of LORA_TARGETS (the 64->64 layer).
    """
    check_choice("method", method, METHODS)
    if not isinstance(pretrained, MLP):
        raise TypeError(f"pretrained must be a course_lib.models.MLP, got {type(pretrained).__name__}")
    check_positive("out_features", out_features, integer=True)
    if method == "scratch":
        model = MLP(**{**pretrained.config, "out_features": out_features, "seed": seed})
    else:
        model = copy.deepcopy(pretrained)
        model.config = {**pretrained.config, "out_features": out_features}
    model.head = nn.Linear(model.head.in_features, out_features)
    nn.init.zeros_(model.head.weight)
    nn.init.zeros_(model.head.bias)
    if method == "linear probe":
        model.body.requires_grad_(False)
    elif method == "LoRA":
        add_lora(model.body, rank, alpha, targets=LORA_TARGETS, seed=seed)  # freezes the body
    return model


@checked
@torch.no_grad()
def target_error(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Normalised test MSE, mean((y_hat - y)²) / var(y), for regression; 1 - accuracy for classes."""
    model.eval()
    y_hat = model(X)
    if y.is_floating_point():
        return float(((y_hat.squeeze(-1) - y) ** 2).mean() / y.var(unbiased=False))
    return float((y_hat.argmax(-1) != y).float().mean())


@dataclass
class Result:
    """One adaptation run: its test error, trainable parameter count, training time, trained model."""

    method: str
    error: float
    trainable: int
    model: nn.Module = field(repr=False)
    seconds_per_step: float = math.nan


@checked
def finetune(method: str, pretrained: MLP, target: Task, *, rank: int = LORA_RANK,
             alpha: float = LORA_ALPHA, lr: float = LR, num_steps: int = NUM_STEPS, seed: int = 0
             ) -> Result:
    """Adapt ``pretrained`` to ``target`` with ``method`` (full-batch Adam) and measure its test error."""
    check_type("target", target, Task, "a course_lib.transfer.Task")
    model = adapt(method, pretrained, target.out_features, rank=rank, alpha=alpha, seed=seed)
    # Full batch: one step per epoch, so measure the training loss once, at the end.
    history = fit(model, (target.X_train, target.y_train), task=target.task, lr=lr,
                  batch_size=len(target.X_train), num_steps=num_steps, eval_every=num_steps, seed=seed)
    return Result(method, target_error(model, target.X_test, target.y_test),
                  count_parameters(model), model, history.wall_time / history.num_steps)


@checked
def compare(pretrained: MLP, targets: dict[str, Sequence[Task]], methods: Sequence[str] = METHODS,
            **kwargs) -> dict[str, dict[str, Result | list[Result]]]:
    """results[target][method] = one Result per task of ``targets[target]`` (one per seed)."""
    check_kind("methods", methods, "names")
    for n in methods:
        check_choice("methods", n, METHODS)
    check_type("targets", targets, dict, "a dict {name: list of Task}")
    return {name: {m: [finetune(m, pretrained, t, seed=s, **kwargs) for s, t in enumerate(tasks)]
                   for m in methods} for name, tasks in targets.items()}


@checked
def median_errors(results: dict[str, dict[str, list[Result]]]) -> dict[str, dict[str, float]]:
    """median[target][method] of the test errors over seeds."""
    return {name: {m: float(np.median([r.error for r in rs])) for m, rs in by_method.items()}
            for name, by_method in results.items()}


@checked
def median_error(results: Sequence[Result]) -> float:
    """Median test error of one method's Results over seeds."""
    check_items("results", results, Result, "Result")
    return float(np.median([r.error for r in results]))


@checked
def error_quartiles(results: Sequence[Result]) -> tuple[float, float, float]:
    """(25th percentile, median, 75th percentile) of the test errors over seeds."""
    check_items("results", results, Result, "Result")
    q1, q2, q3 = np.percentile([r.error for r in results], [25, 50, 75])
    return float(q1), float(q2), float(q3)


@checked
def wins(results: Sequence[Result], baseline: Sequence[Result]) -> int:
    """On how many seeds ``results`` has a lower test error than ``baseline`` (paired by seed)."""
    if len(results) != len(baseline):
        raise ValueError(f"results and baseline must have one Result per seed each, got {len(results)} "
                         f"and {len(baseline)}")
    return sum(r.error < b.error for r, b in zip(results, baseline, strict=True))


@checked
def costs(results: dict[str, list[Result]]) -> dict[str, dict[str, float]]:
    """Per method: trainable parameters, Adam's state (2 numbers per trainable parameter), and the
    median wall time of one training step in milliseconds."""
    return {m: {"trainable": rs[0].trainable, "adam_state": 2 * rs[0].trainable,
                "ms_per_step": 1000 * float(np.median([r.seconds_per_step for r in rs]))}
            for m, rs in results.items()}


@checked
def sample_efficiency(pretrained: MLP, sizes: Sequence[int], seeds: Sequence[int], *,
                      frequency: float = 1.0, methods: Sequence[str] = METHODS, **kwargs
                      ) -> dict[str, np.ndarray]:
    """errors[method] of shape (len(sizes), len(seeds)): target error against labelled examples."""
    check_kind("methods", methods, "names")
    for n in methods:
        check_choice("methods", n, METHODS)
    if not sizes or not seeds:
        raise ValueError("sizes and seeds must not be empty")
    errors = {m: np.zeros((len(sizes), len(seeds))) for m in methods}
    for i, n in enumerate(sizes):
        for j, s in enumerate(seeds):
            target = sinusoid_target(n, frequency, seed=s)
            for m in methods:
                errors[m][i, j] = finetune(m, pretrained, target, seed=s, **kwargs).error
    return errors


@checked
def rank_sweep(pretrained: MLP, ranks: Sequence[int], targets: Sequence[Task], *,
               alpha: float = LORA_ALPHA, **kwargs) -> dict[int, list[Result]]:
    """results[rank] = LoRA Results over ``targets`` (one per seed), with alpha fixed across ranks."""
    check_items("targets", targets, Task, "Task")
    return {r: [finetune("LoRA", pretrained, t, rank=r, alpha=alpha, seed=s, **kwargs)
                for s, t in enumerate(targets)] for r in ranks}


# --- Figures and the rank explorer (figure-only code) ---------------------------------------------

def _iqr_whiskers(results: Sequence[Result]) -> tuple[float, list[float]]:
    """Median and [median - q1, q3 - median], for matplotlib's yerr."""
    q1, q2, q3 = error_quartiles(results)
    return q2, [q2 - q1, q3 - q2]


@checked
def plot_comparison(results: dict[str, dict[str, list[Result]]], ax=None, *, title: str | None = None,
                    ylabel: str = "test error (normalised MSE)"):
    """Bars of the median test error per method and target, whiskers from the 25th to the 75th
    percentile over seeds, labelled with trainable parameters."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8.5, 3.6))
    names = list(results)
    methods = list(results[names[0]])
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        stats = [_iqr_whiskers(results[name][m]) for m in methods]
        x = np.arange(len(methods)) + (i - (len(names) - 1) / 2) * width
        color = f"C{i + 4}" if len(names) > 1 else "C7"
        bars = ax.bar(x, [m for m, _ in stats], width, label=name, color=color,
                      yerr=np.array([w for _, w in stats]).T, capsize=3, error_kw={"lw": 1})
        for bar, (med, (_, up)) in zip(bars, stats, strict=True):  # the median, above its whisker
            ax.text(bar.get_x() + bar.get_width() / 2, med + up, f"{med:.3f}", ha="center", va="bottom",
                    fontsize=8)
    ax.set_xticks(np.arange(len(methods)),
                  [f"{m}\n{results[names[0]][m][0].trainable:,} params" for m in methods])
    n_seeds = len(results[names[0]][methods[0]])
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"median over {n_seeds} seeds; whiskers: 25th to 75th percentile")
    if len(names) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
    return ax.figure


@checked
def plot_fits(results: dict[str, list[Result]], target: Task, seed: int = 0, ax=None, legend: bool = True):
    """The target's labelled points, its true curve and each method's prediction (one seed)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.4))
    x = target.X_test[:, 0]
    ax.plot(x, target.y_test, color="k", lw=4, alpha=0.2, label="true function")
    with torch.no_grad():
        for method, rs in results.items():
            style = METHOD_STYLE.get(method, {})
            ax.plot(x, rs[seed].model.eval()(target.X_test)[:, 0], lw=1.5, markevery=(seed % 7, 20),
                    ms=5, mfc="none", label=method, **style)
    ax.scatter(target.X_train[:, 0], target.y_train, color="k", zorder=3, label="labelled points")
    ax.set(title=f"{target.name}, seed {seed}", xlabel="x", ylabel="y")
    if legend:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax.figure


@checked
def plot_costs(cost: dict[str, dict[str, float]]):
    """Trainable parameters and wall time per training step, per method (from ``costs``)."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
    methods = list(cost)
    colors = [METHOD_STYLE.get(m, {}).get("color", "C7") for m in methods]
    bars = left.bar(methods, [cost[m]["trainable"] for m in methods], color=colors)
    left.bar_label(bars, fmt="{:,.0f}", fontsize=8)
    left.set(yscale="log", ylabel="trainable parameters (log)", title="what the optimiser updates")
    right.bar(methods, [cost[m]["ms_per_step"] for m in methods], color=colors)
    right.set(ylabel="ms per training step", title="wall time of one step (median over seeds)")
    for ax in (left, right):
        ax.tick_params(axis="x", labelsize=9)
    return fig


def _plain_log_ticks(ax, values: Sequence[int]) -> None:
    """Ticks of a log x-axis at ``values`` only, written as plain numbers."""
    from matplotlib.ticker import NullFormatter

    ax.set_xticks(list(values), [f"{v:,}" for v in values])
    ax.xaxis.set_minor_formatter(NullFormatter())


@checked
def plot_sample_efficiency(sizes: Sequence[int], errors: dict[str, np.ndarray], ax=None):
    """Median target error (band: min to max over seeds) against the number of labelled examples."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6))
    for method, e in errors.items():
        style = METHOD_STYLE.get(method, {"color": "C7"})
        ax.plot(sizes, np.median(e, axis=1), label=method, **style)
        ax.fill_between(sizes, e.min(axis=1), e.max(axis=1), color=style["color"], alpha=0.12)
    ax.set(xscale="log", yscale="log", xlabel="labelled examples of the target",
           ylabel="test error (normalised MSE)",
           title=f"median over {next(iter(errors.values())).shape[1]} seeds; band: min to max")
    _plain_log_ticks(ax, sizes)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
    return ax.figure


@checked
def rank_explorer(sweeps: dict[str, dict[int, list[Result]]], targets: dict[str, Sequence[Task]],
                  references: dict[str, dict[str, list[Result]]] | None = None):
    """An Explorer over precomputed rank sweeps (one per target): a "rank" slider and a "target"
    toggle; left, trainable parameters against error (median, 25th-75th percentile whiskers) with
    the references' medians as lines; right, the fit for the first seed."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from .widgets import Explorer, selection_slider

    if not sweeps or any(not sweep for sweep in sweeps.values()):
        raise ValueError("sweeps must hold at least one target with at least one rank")
    names = list(sweeps)
    ranks = sorted(sweeps[names[0]])
    trainable = [sweeps[names[0]][r][0].trainable for r in ranks]
    top = {name: max([error_quartiles(rs)[2] for rs in sweeps[name].values()]  # each target's own scale
                     + [error_quartiles(rs)[2] for rs in (references or {}).get(name, {}).values()])
           for name in names}

    def draw(rank: int, target: str):
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
        sweep = sweeps[target]
        stats = [_iqr_whiskers(sweep[r]) for r in ranks]
        style = METHOD_STYLE["LoRA"]
        left.errorbar(trainable, [m for m, _ in stats], yerr=np.array([w for _, w in stats]).T,
                      color=style["color"], marker=style["marker"], capsize=3,
                      label=f"LoRA, rank {ranks[0]} ... {ranks[-1]}")
        i = ranks.index(rank)
        left.plot(trainable[i], stats[i][0], "o", ms=14, mfc="none", mec="k")
        for method, rs in (references or {}).get(target, {}).items():
            ref = METHOD_STYLE.get(method, {"color": "C7", "ls": "--"})
            left.axhline(median_error(rs), color=ref["color"], ls=ref["ls"], lw=2,
                         label=f"{method} ({rs[0].trainable:,} params)")
        left.set(xscale="log", xlabel="trainable parameters (log scale)",
                 ylabel="test error (normalised MSE)",
                 ylim=(0, 1.05 * top[target]),
                 title=f"{target}: rank {rank}, {trainable[i]:,} trainable parameters")
        _plain_log_ticks(left, trainable)
        left.legend(fontsize=8, loc="upper right")
        task, model = targets[target][0], sweep[rank][0].model.eval()
        right.plot(task.X_test[:, 0], task.y_test, color="k", lw=4, alpha=0.2, label="true function")
        with torch.no_grad():
            right.plot(task.X_test[:, 0], model(task.X_test)[:, 0], color=style["color"],
                       label=f"LoRA r={rank}")
        right.scatter(task.X_train[:, 0], task.y_train, color="k", zorder=3, label="labelled points")
        right.set(title=f"{task.name}, seed 0: error {sweep[rank][0].error:.3f}", xlabel="x", ylabel="y")
        right.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
        return fig, {"rank": rank, "target": target, "trainable": trainable[i], "error": stats[i][0]}

    slider = selection_slider("rank", ranks, value=ranks[0])
    toggle = widgets.ToggleButtons(options=names, value=names[-1], description="target")
    return Explorer({"rank": slider, "target": toggle}, draw,
                    title="LoRA rank: trainable parameters against error")
