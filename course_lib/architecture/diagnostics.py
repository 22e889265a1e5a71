"""Looking inside a network: per-layer gradient norms (gradient flow) and dead or silent units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.ticker import MaxNLocator
from torch import nn

from .. import style
from ..activations import ACTIVATIONS, TRAINABLE_ACTIVATIONS, derivative
from ..checks import (
    as_array,
    check_choice,
    check_kind,
    check_positive,
    check_same_length,
    checked,
)
from ..data import Split
from ..initialization import INITS
from ..models import MLP
from ..plots import plain_log_ticks
from ..training import fit, loss_function, task_of
from ..widgets import Cache, Explorer, selection_slider
from .resnet import residual_mlp

# The module types of every activation in the registry (not the identity, which has no units).
ACTIVATION_TYPES = tuple({type(f()) for name, f in ACTIVATIONS.items() if name != "linear"})


def _check_model(model: nn.Module) -> None:
    """Raise TypeError unless ``model`` is a torch module."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")


@checked
def layer_grad_norms(model: nn.Module, X, y, task: str | None = None) -> dict[str, float]:
    """‖∂loss/∂W‖ of every nn.Linear weight for one batch (X, y), input side first.

    One forward and backward pass at the model's current weights, in training mode; the model's
    weights and any gradients it held are left as they were.
    """
    _check_model(model)
    task = task_of(model, task)
    y = torch.as_tensor(y)
    check_same_length("X", X, "y", y)
    y = y.long() if task == "multiclass" else y.float()
    layers = [(n, m.weight) for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    if not layers:
        raise ValueError("model must contain at least one nn.Linear layer")
    grads = torch.autograd.grad(loss_function(task)(model(X), y), [w for _, w in layers])
    # float64: a float32 norm of tiny entries underflows to 0 (their squares are flushed)
    return {name: float(torch.linalg.vector_norm(g, dtype=torch.float64))
            for (name, _), g in zip(layers, grads, strict=True)}


@checked
def gradient_ratio(norms: dict[str, float] | Sequence[float]) -> float:
    """‖∇W_first‖ / ‖∇W_last‖: far below 1 means the gradient vanishes on its way to the input."""
    check_kind("norms", list(norms.values()) if isinstance(norms, dict) else norms, "floats0")
    values = list(norms.values()) if isinstance(norms, dict) else list(norms)
    if len(values) < 2:
        raise ValueError(f"norms must hold at least two layers, got {len(values)}")
    return values[0] / values[-1] if values[-1] > 0 else float("inf")


@checked
def deep_mlp(data: Split, depth: int, activation: str = "relu", init: str = "default", *,
             width: int = 64, residual: bool = False, pre_activation: bool = False,
             batch_norm: bool = False, seed: int = 0) -> MLP:
    """An MLP of ``depth`` hidden layers of ``width`` units sized for ``data`` (residual: He blocks).

    ``pre_activation`` (with ``residual``) uses identity-mapping blocks x + F(x) instead of relu(x + F(x)).
    """
    check_choice("activation", activation, TRAINABLE_ACTIVATIONS)
    check_choice("init", init, INITS)
    if pre_activation and not residual:
        raise ValueError("pre_activation=True needs residual=True (it is a kind of residual block)")
    extra = {"pre_activation": True} if pre_activation else {}
    build = residual_mlp if residual else MLP
    return build(data.in_features, data.out_features, hidden=(width,) * depth, activation=activation,
                 task=data.task, init=init, batch_norm=batch_norm, seed=seed, **extra)


@checked
def gradient_flow(data: Split, depth: int, activation: str = "relu", init: str = "default", *,
                  width: int = 64, residual: bool = False, pre_activation: bool = False,
                  batch_size: int = 256, seed: int = 0) -> list[float]:
    """Per-layer weight-gradient norms at initialisation of a deep MLP on the first training batch."""
    model = deep_mlp(data, depth, activation, init, width=width, residual=residual,
                     pre_activation=pre_activation, seed=seed)
    norms = layer_grad_norms(model, data.X_train[:batch_size], data.y_train[:batch_size])
    return list(norms.values())


@checked
def layer_factor(norms: Sequence[float]) -> float:
    """The average factor by which the gradient norm shrinks per hidden layer, input side to last hidden.

    The geometric mean of ‖∇W_k‖ / ‖∇W_k+1‖ over the hidden layers (the output layer left out):
    about √(1/6) ≈ 0.41 for ReLU under PyTorch's default init, about 1 under He init.
    """
    as_array("norms", norms)
    values = np.asarray(norms, dtype=float)[:-1]
    if len(values) < 2 or (values <= 0).any():
        raise ValueError(f"norms must hold at least three positive values, got {list(norms)}")
    return float((values[0] / values[-1]) ** (1 / (len(values) - 1)))


VANISHES_BELOW, FLOWS_ABOVE, GROWS_ABOVE = 1e-4, 1e-2, 10.0  # gradient ratios: the verdicts' boundaries


@checked
def flow_verdict(ratio: float) -> str:
    """Name a gradient ratio's order of magnitude: vanishes, weakens, flows or grows (0: exactly 0)."""
    if ratio == 0:
        return "vanished: exactly 0"
    if ratio < VANISHES_BELOW:
        return "vanishes (< 1e-4)"
    if ratio > GROWS_ABOVE:
        return "grows toward the input (> 10)"
    return "flows (> 1e-2)" if ratio > FLOWS_ABOVE else "weakens"


@checked
def flow_ratios(data: Split, depth: int, activations: Sequence[str],
                inits: Sequence[str] = ("default", "xavier", "he"), *,
                seed: int = 0) -> dict[str, list[float]]:
    """First/last-layer gradient ratio at initialisation, per activation, for each init."""
    for n in activations:
        check_choice("activations", n, TRAINABLE_ACTIVATIONS)
    for n in inits:
        check_choice("inits", n, INITS)
    return {act: [gradient_ratio(gradient_flow(data, depth, act, init, seed=seed)) for init in inits]
            for act in activations}


@checked
def flow_table(ratios: dict[str, Sequence[float]], inits: Sequence[str], *, depth: int) -> str:
    """A text table of first/last ratios, each with its verdict word (flows, weakens, vanishes)."""
    for act, r in ratios.items():
        check_same_length("inits", inits, f"ratios[{act!r}]", r)
    low, high = (f"{b:.0e}".replace("e-0", "e-") for b in (VANISHES_BELOW, FLOWS_ABOVE))
    lines = [f"first/last: grows above {GROWS_ABOVE:g}, flows above {high}, weakens between {low} and "
             f"{high}, vanishes below {low}", "",
             f"{f'depth {depth}':<10}" + "".join(f"{init + ' init':<20}" for init in inits)]
    for act, r in ratios.items():
        lines.append(f"{act:<10}" + "".join(f"{f'{x:.0e} ' + flow_verdict(x).split()[0]:<20}" for x in r))
    return "\n".join(lines)


@checked
def init_effect(ratios: dict[str, Sequence[float]]) -> dict[str, list[str]]:
    """Group activations: gradients vanish under every init, flow under every init, or the init decides."""
    groups: dict[str, list[str]] = {"vanishes under every init": [], "flows under every init": [],
                                    "the init decides": []}
    for act, r in ratios.items():
        key = ("vanishes under every init" if max(r) < VANISHES_BELOW else
               "flows under every init" if min(r) > FLOWS_ABOVE else "the init decides")
        groups[key].append(act)
    return groups


@checked
def plot_gradient_flow(curves: dict[str, Sequence[float]], ax=None, *, title: str | None = None,
                       colors: style.SeriesColors | None = None, legend: bool = True):
    """Gradient norm against layer (1 = input side), log scale, one line (colour, style, marker) per label."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.0))
    colors = style.SeriesColors(curves) if colors is None else colors
    for label, norms in curves.items():
        norms = np.asarray(norms, dtype=float)
        ax.plot(np.arange(1, len(norms) + 1), np.maximum(norms, 1e-30), ms=5, label=label,
                **colors.style(label))
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("layer (1 = input side)")
    ax.set_ylabel("‖∂loss/∂W‖ at initialisation")
    ax.set_title(title or "gradient norm per layer")
    if legend:
        style.legend_outside(ax, "right")
    return ax


@checked
def plot_flow_panels(panels: dict[str, dict[str, Sequence[float]]]):
    """One gradient-flow panel per title, side by side, sharing the y-axis and one legend."""
    fig, axes = plt.subplots(1, len(panels), figsize=style.figsize(4.2), sharey=True, squeeze=False)
    labels = list(dict.fromkeys(label for curves in panels.values() for label in curves))
    colors = style.SeriesColors(labels)
    for ax, (title, curves) in zip(axes[0], panels.items(), strict=True):
        plot_gradient_flow(curves, ax, title=title, colors=colors, legend=False)
    for ax in axes[0][1:]:
        ax.set_ylabel("")
    style.legend_outside(axes[0][-1], "right")
    return fig


@checked
def _activation_inputs(model: nn.Module, X) -> list[tuple[str, torch.Tensor]]:
    """The input (pre-activation) of every activation module for the batch X, in eval mode."""
    _check_model(model)
    captured: list[tuple[str, torch.Tensor]] = []
    hooks = [
        module.register_forward_hook(lambda m, args, out, name=name: captured.append((name, args[0])))
        for name, module in model.named_modules() if isinstance(module, ACTIVATION_TYPES)
    ]
    if not hooks:
        raise ValueError("model must contain at least one activation module")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(X)
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    return captured


@checked
def zero_fraction(model: nn.Module, X) -> list[float]:
    """Per activation layer, the fraction of outputs that are exactly 0 on X (ReLU's sparsity)."""
    fractions = []
    for name, pre in _activation_inputs(model, X):
        module = model.get_submodule(name)
        with torch.no_grad():
            fractions.append(float((module(pre) == 0).float().mean()))
    return fractions


@checked
def _dead_fraction(model: nn.Module, X, *, tol: float = 1e-6) -> list[float]:
    """Per activation layer, the fraction of units whose |f'| <= tol on every row of X.

    Such a unit is dead: no input lets a gradient through it, so its incoming weights stop
    learning. A ReLU unit is dead when its input is <= 0 for all of X; a Leaky ReLU unit never is
    (its slope is 0.01 there); a GELU unit is when its input is below about -5 for all of X.
    """
    fractions = []
    for name, pre in _activation_inputs(model, X):
        d = derivative(model.get_submodule(name), pre)
        fractions.append(float((d.abs() <= tol).all(dim=0).float().mean()))
    return fractions


@dataclass
class DeadUnits:
    """Dead-unit fractions and validation accuracy, {activation: array (len(seeds), len(lrs))}."""

    lrs: tuple[float, ...]
    dead: dict[str, np.ndarray]
    val_accuracy: dict[str, np.ndarray]

    def rises_with_lr(self, activation: str, min_rise: float = 0.3) -> bool:
        """Whether, for every seed, the dead fraction never falls as the LR grows and rises by min_rise."""
        check_choice("activation", activation, tuple(self.dead))
        d = self.dead[activation]
        return bool((np.diff(d, axis=1) >= 0).all() and (d[:, -1] - d[:, 0] >= min_rise).all())


@checked
def dead_units_vs_lr(data: Split, lrs: Sequence[float], activations: Sequence[str] = ("relu",), *,
                     hidden: Sequence[int] = (64, 64), init: str = "he", num_epochs: int = 3,
                     batch_size: int = 32, seeds: Sequence[int] = (0,), tol: float = 1e-6
                     ) -> DeadUnits:
    """Dead-unit fraction of the last hidden layer after Adam training, per activation and LR.

    A unit counts as dead when |f'| <= tol for every training input (``_dead_fraction``).
    """
    if not lrs or not seeds:
        raise ValueError("lrs and seeds must not be empty")
    for lr in lrs:
        check_positive("lrs", lr)
    result = DeadUnits(tuple(lrs), {}, {})
    for activation in activations:
        check_choice("activations", activation, TRAINABLE_ACTIVATIONS)
        dead = np.zeros((len(seeds), len(lrs)))
        accuracy = np.zeros_like(dead)
        for i, seed in enumerate(seeds):
            for j, lr in enumerate(lrs):
                model = MLP(data.in_features, data.out_features, hidden=tuple(hidden),
                            activation=activation, task=data.task, init=init, seed=seed)
                h = fit(model, data, optimizer="adam", lr=lr, num_epochs=num_epochs,
                        batch_size=batch_size, seed=seed)
                dead[i, j] = _dead_fraction(model, data.X_train, tol=tol)[-1]
                accuracy[i, j] = 0.0 if h.diverged else h.final("val_metric")
        result.dead[activation] = dead
        result.val_accuracy[activation] = accuracy
    return result


GRADIENT_FLOW_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")


@checked
def plot_dead_units(result: DeadUnits):
    """Dead fraction (left) and validation accuracy (right) against learning rate, per activation."""
    fig, axes = plt.subplots(1, 2, figsize=style.figsize(4.0))
    colors = style.SeriesColors(result.dead)
    for name in result.dead:
        line = colors.style(name)
        for ax, values in zip(axes, (result.dead[name], result.val_accuracy[name]), strict=True):
            ax.plot(result.lrs, np.nanmean(values, 0), label=name, **line)
            if len(values) > 1:
                ax.fill_between(result.lrs, np.nanmin(values, 0), np.nanmax(values, 0), color=line["color"],
                                alpha=0.2)
    for ax in axes:
        ax.set_xscale("log")
        plain_log_ticks(ax, "x")
        ax.set_xlabel("Adam learning rate")
    axes[0].set_ylabel("fraction of dead units")
    axes[0].set_title("dead units of the last hidden layer")
    axes[0].set_ylim(-0.02, 1)
    axes[1].set_ylabel("validation accuracy")
    axes[1].set_title("validation accuracy")
    style.legend_outside(axes[1], "right")
    return fig


@checked
def _unit_activity(model: nn.Module, X, *, tol: float = 1e-6) -> list[np.ndarray]:
    """Per activation layer, each unit's fraction of rows of X on which |f'| > tol (0 = dead unit)."""
    return [(derivative(model.get_submodule(name), pre).abs() > tol).double().mean(0).numpy()
            for name, pre in _activation_inputs(model, X)]


DEAD_UNIT_ACTIVATIONS = ("relu", "leaky_relu", "gelu")


@checked
def dead_units_explorer(data: Split, lrs: Sequence[float] = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1), *,
                        activation: str = "relu", hidden: Sequence[int] = (64, 64), num_epochs: int = 5,
                        seed: int = 0) -> Explorer:
    """An "lr" slider and an activation choice: train (cached by value) and show each unit's activity."""
    check_choice("activation", activation, DEAD_UNIT_ACTIVATIONS)
    if not lrs:
        raise ValueError("lrs must not be empty")
    for lr in lrs:
        check_positive("lrs", lr)

    def train(key: tuple[float, str]) -> np.ndarray:
        lr, act = key
        model = MLP(data.in_features, data.out_features, hidden=tuple(hidden), activation=act,
                    task=data.task, init="he", seed=seed)
        fit(model, data, optimizer="adam", lr=lr, num_epochs=num_epochs, batch_size=32, seed=seed)
        return _unit_activity(model, data.X_train)[-1]

    cache = Cache(train)

    def draw(lr: float, activation: str):
        activity = np.sort(cache((lr, activation)))
        dead = int((activity == 0).sum())
        units = np.arange(1, len(activity) + 1)
        fig, ax = plt.subplots(figsize=style.figsize(3.8))
        ax.bar(units, activity, color=style.color(0), width=0.9, label="live unit: bar = its share")
        if dead:  # a dead unit's bar has height 0: mark it, or it would be invisible
            ax.plot(units[activity == 0], np.zeros(dead), "X", color=style.OKABE_ITO["vermillion"], ms=9,
                    ls="none", clip_on=False, label="dead unit (share 0)")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(0, len(activity) + 1)
        ax.set_xlabel("unit of the last hidden layer (sorted by share)")
        ax.set_ylabel("share of training inputs\nthat pass a gradient")
        ax.set_title(f"{activation}, Adam lr {lr:g}: {dead} of {len(activity)} units dead")
        style.legend_outside(ax, "right")
        return fig, {"lr": lr, "activation": activation, "dead": dead, "activity": activity}

    controls = {
        "lr": selection_slider("lr", list(lrs), value=lrs[0], fmt=lambda v: f"{v:g}", width="360px"),
        "activation": W.ToggleButtons(options=list(DEAD_UNIT_ACTIVATIONS), value=activation,
                                      description="activation"),
    }
    explorer = Explorer(controls, draw, min_height="300px", busy_text="training {activation} at lr {lr:g} …",
                        title="Dead units after training (✕: no training input passes a gradient)")
    explorer.cache = cache
    return explorer
