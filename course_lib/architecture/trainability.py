"""What lets a deep network train: deep MLPs by activation and initialisation, and a depth sweep of
plain, residual and BatchNorm nets with an explorer over its depths."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from ..activations import ACTIVATIONS, TRAINABLE_ACTIVATIONS
from ..checks import check_choice, check_positive, checked
from ..data import Split
from ..initialization import INITS
from ..training import History, fit
from .diagnostics import deep_mlp

# (activation, init) of the vanishing-gradient training runs.
ACTIVATION_CONFIGS: tuple[tuple[str, str], ...] = (
    ("sigmoid", "default"), ("tanh", "default"), ("relu", "default"), ("relu", "he"))
KINDS = ("plain", "residual", "BatchNorm")
# The depth sweep's arms: {label: (kind, init)}. Each kind with PyTorch's default init; plain and residual
# also with He init, so that neither is compared only under an init that handicaps it.
ARM_CONFIGS: dict[str, tuple[str, str]] = {
    "plain": ("plain", "default"), "plain, He init": ("plain", "he"), "residual": ("residual", "default"),
    "residual, He init": ("residual", "he"), "BatchNorm": ("BatchNorm", "default")}
ARMS = tuple(ARM_CONFIGS)
DIVERGED_Y = 1.06  # accuracy panels mark a diverged run with an ✕ here, above every curve (<= 1)


@checked
def config_label(activation: str, init: str) -> str:
    """The legend label of an (activation, init) run, e.g. "relu, He init"."""
    check_choice("activation", activation, ACTIVATIONS)
    check_choice("init", init, INITS)
    return f"{activation}, {'He' if init == 'he' else init} init"


@checked
def diverged_epoch(h: History) -> int:
    """The epoch (1-based) in which a diverged run stopped, whether or not that epoch was recorded.

    ``fit`` records an epoch at its end, so a run that blew up mid-epoch has no record of that epoch:
    its last record is the epoch before; ``History.diverged_epoch`` says which it was.
    """
    if not h.diverged:
        raise ValueError("h must be a diverged History (h.diverged True), got one that did not diverge")
    if h.diverged_epoch is not None:  # fit records it
        return h.diverged_epoch
    if h.train_loss and not math.isfinite(h.train_loss[-1]):  # a History made by hand: from its records
        return h.epochs[-1]  # the epoch's end-of-epoch record found the non-finite loss
    if h.epoch_steps and h.epoch_steps[0] > 0:
        steps_per_epoch = h.epoch_steps[0] / h.epochs[0]
        return int(h.num_steps // steps_per_epoch) + 1  # the epoch of the step that blew up
    return 1  # no epoch recorded: it blew up in the first


@checked
def train_deep(data: Split, depth: int, activation: str = "relu", init: str = "default", *,
               arm: str = "plain", lr: float = 0.02, num_epochs: int = 8, batch_size: int = 32,
               width: int = 64, seed: int = 0) -> History:
    """Train one deep MLP (``arm``: plain, residual or BatchNorm) with SGD + momentum 0.9."""
    check_choice("arm", arm, KINDS)
    model = deep_mlp(data, depth, activation, init, width=width, residual=arm == "residual",
                     batch_norm=arm == "BatchNorm", seed=seed)
    return fit(model, data, optimizer="momentum", lr=lr, momentum=0.9, num_epochs=num_epochs,
               batch_size=batch_size, seed=seed)


@checked
def activation_runs(data: Split, depth: int = 10,
                    configs: Sequence[tuple[str, str]] = ACTIVATION_CONFIGS, *, lr: float = 0.02,
                    num_epochs: int = 8, batch_size: int = 32, seed: int = 0) -> dict[str, History]:
    """Train a ``depth``-layer MLP per (activation, init); {label: History}."""
    runs = {}
    for activation, init in configs:
        check_choice("activation", activation, TRAINABLE_ACTIVATIONS)
        check_choice("init", init, INITS)
        runs[config_label(activation, init)] = train_deep(
            data, depth, activation, init, lr=lr, num_epochs=num_epochs, batch_size=batch_size, seed=seed)
    return runs


@dataclass
class DepthSweep:
    """Histories of plain, residual and BatchNorm nets at several depths: ``runs[(depth, arm)]``."""

    depths: tuple[int, ...]
    arms: tuple[str, ...]
    runs: dict[tuple[int, str], History]
    chance: float

    def final(self, arm: str) -> np.ndarray:
        """Final validation accuracy of ``arm`` at every depth (nan where the run diverged)."""
        check_choice("arm", arm, self.arms)
        return np.array([np.nan if self.runs[(d, arm)].diverged else self.runs[(d, arm)].final("val_metric")
                         for d in self.depths])

    def trains(self, depth: int, threshold: float = 0.8) -> list[str]:
        """The arms whose final validation accuracy reaches ``threshold`` at ``depth``."""
        if depth not in self.depths:
            raise ValueError(f"depth must be one of {list(self.depths)}, got {depth!r}")
        i = self.depths.index(depth)
        return [arm for arm in self.arms if self.final(arm)[i] >= threshold]


@checked
def depth_sweep(data: Split, depths: Sequence[int] = (2, 5, 10, 20, 30), arms: Sequence[str] = ARMS, *,
                lr: float = 0.05, num_epochs: int = 4, batch_size: int = 64, seed: int = 0,
                progress: bool = False) -> DepthSweep:
    """Train every arm (ReLU; its init: ``ARM_CONFIGS``) at every depth; the explorer's precomputed grid."""
    if not depths or not arms:
        raise ValueError("depths and arms must not be empty")
    for d in depths:
        check_positive("depths", d, integer=True)
    for arm in arms:
        check_choice("arms", arm, ARMS)
    keys = [(d, arm) for d in depths for arm in arms]
    runs = {}
    for depth, arm in tqdm(keys, desc="training", disable=not progress, leave=False):
        kind, init = ARM_CONFIGS[arm]
        runs[(depth, arm)] = train_deep(data, depth, "relu", init, arm=kind, lr=lr,
                                        num_epochs=num_epochs, batch_size=batch_size, seed=seed)
    chance = 1.0 / data.num_classes if data.num_classes else 0.5
    return DepthSweep(tuple(depths), tuple(arms), runs, chance)
