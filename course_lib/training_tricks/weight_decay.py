"""Weight decay: weight-norm trajectories, and the mechanics that tell L2-in-the-loss, SGD's and
Adam's ``weight_decay`` and AdamW's decoupled decay apart (errata E15, E16, E24)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from .. import style
from ..checks import (
    check_choice,
    check_items,
    check_kind,
    check_positive,
    check_same_length,
    checked,
)
from ..data import Split
from ..models import build_mlp
from ..training import History, fit, loss_function


@checked
def weight_norm(model: nn.Module) -> float:
    """Global L2 norm of the weight matrices (biases excluded)."""
    return float(torch.sqrt(sum((m.weight.detach() ** 2).sum() for m in model.modules()
                                if isinstance(m, nn.Linear))))


@checked
def weight_norm_trajectory(data: Split, weight_decay: float, *, optimizer: str = "adamw",
                           lr: float = 1e-2, num_epochs: int = 20, hidden=(64, 64), seed: int = 0
                           ) -> tuple[np.ndarray, History]:
    """Weight norm at the start and after every epoch of training with ``weight_decay``."""
    model = build_mlp(data, hidden=hidden, seed=seed)
    norms = [weight_norm(model)]
    history = fit(model, data, optimizer=optimizer, lr=lr, weight_decay=weight_decay,
                  num_epochs=num_epochs, seed=seed, callback=lambda e, m, h: norms.append(weight_norm(m)))
    return np.array(norms), history


@checked
def plot_weight_norms(trajectories: dict[str, np.ndarray], ax=None):
    """Weight norm against epoch, one line (colour and style) per setting."""
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(4.0))
    for i, (label, norms) in enumerate(trajectories.items()):
        ax.plot(np.arange(len(norms)), norms, color=style.color(i), ls=style.linestyle(i), lw=2.4,
                label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("‖W‖ (all weight matrices)")
    ax.set_title("weight norm during training")
    style.legend_outside(ax, "right")
    return ax


def _fixed_batches(data: Split, num_steps: int, batch_size: int, seed: int) -> list[torch.Tensor]:
    """The same random mini-batch indices for every run of a comparison."""
    generator = torch.Generator().manual_seed(seed)
    return [torch.randint(len(data.X_train), (batch_size,), generator=generator) for _ in range(num_steps)]


@checked
def train_with_penalty(data: Split, optimizer: str, lr: float, *, l2: float = 0.0,
                       weight_decay: float = 0.0, num_steps: int = 20, batch_size: int = 64,
                       hidden=(32,), seed: int = 0) -> list[torch.Tensor]:
    """Parameters after ``num_steps`` steps of torch's SGD/Adam/AdamW on the loss + l2·‖θ‖²
    (every parameter), with the optimizer's own ``weight_decay``; identical batches for every call."""
    check_choice("optimizer", optimizer, ("sgd", "adam", "adamw"))
    model = build_mlp(data, hidden=hidden, seed=seed)
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[optimizer]
    opt = cls(model.parameters(), lr=lr, weight_decay=weight_decay)
    criterion = loss_function(data.task)
    for rows in _fixed_batches(data, num_steps, batch_size, seed):
        opt.zero_grad()
        loss = criterion(model(data.X_train[rows]), data.y_train[rows])
        if l2:
            loss = loss + l2 * sum((p**2).sum() for p in model.parameters())
        loss.backward()
        opt.step()
    return [p.detach().clone() for p in model.parameters()]


@checked
def max_difference(a: list[torch.Tensor], b: list[torch.Tensor]) -> float:
    """Largest absolute difference between two lists of parameters."""
    check_same_length("a", check_items("a", a, torch.Tensor, "tensors"),
                      "b", check_items("b", b, torch.Tensor, "tensors"))
    return max(float((x - y).abs().max()) for x, y in zip(a, b, strict=True))


@checked
def decay_without_gradient(values=(1.0, 100.0), *, lr: float = 1e-3, weight_decay: float = 0.1,
                           num_steps: int = 100) -> dict[str, np.ndarray]:
    """Parameters whose loss gradient is zero, after ``num_steps`` steps: how far Adam + L2
    (Adam's ``weight_decay``) and AdamW's decoupled decay move each of ``values``."""
    check_kind("values", values, "finites")
    check_positive("weight_decay", weight_decay)
    moved = {}
    for name, cls in (("Adam + L2", torch.optim.Adam), ("AdamW", torch.optim.AdamW)):
        theta = nn.Parameter(torch.tensor(values, dtype=torch.float64))
        opt = cls([theta], lr=lr, weight_decay=weight_decay)
        for _ in range(num_steps):
            theta.grad = torch.zeros_like(theta)  # the loss does not depend on theta
            opt.step()
        moved[name] = (torch.tensor(values, dtype=torch.float64) - theta.detach()).numpy()
    return moved


@checked(weight_decays="floats0")
def overfitting_comparison(data: Split, weight_decays=(0.0, 3.0), *, num_train: int = 50,
                           hidden=(256, 256), lr: float = 1e-3, num_steps: int = 300,
                           seeds=(0, 1)) -> dict[float, dict[str, list[float]]]:
    """A case that overfits: a wide MLP trained full-batch with AdamW on ``num_train`` training
    examples until it fits them. Per weight decay: final training loss, validation loss and
    validation accuracy of every seed (validation: choosing a decay is tuning)."""
    import dataclasses

    check_positive("num_train", num_train, integer=True)
    if num_train > len(data.X_train):
        raise ValueError(f"num_train must be at most {len(data.X_train)} (the training set), got {num_train}")
    out = {float(w): {"train_loss": [], "val_loss": [], "val_accuracy": []} for w in weight_decays}
    for seed in seeds:
        rows = torch.randperm(len(data.X_train), generator=torch.Generator().manual_seed(seed))[:num_train]
        small = dataclasses.replace(data, X_train=data.X_train[rows], y_train=data.y_train[rows])
        for w in weight_decays:
            h = fit(build_mlp(small, hidden=hidden, seed=seed), small, optimizer="adamw", lr=lr,
                    weight_decay=float(w), batch_size=num_train, num_steps=num_steps,
                    eval_every=num_steps, seed=seed)
            out[float(w)]["train_loss"].append(h.train_loss[-1])
            out[float(w)]["val_loss"].append(h.val_loss[-1])
            out[float(w)]["val_accuracy"].append(h.final())
    return out
