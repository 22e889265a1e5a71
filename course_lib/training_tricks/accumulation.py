"""Gradient accumulation: N micro-batches, each loss divided by N, then one optimizer step, give
the gradient of the whole batch, except with BatchNorm (its statistics are per micro-batch)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from torch import nn

from ..checks import checked
from ..data import Split
from ..models import build_mlp
from ..training import fit, loss_function, task_of


@checked
def batch_gradient(model: nn.Module, X, y, *, task: str | None = None) -> torch.Tensor:
    """The gradient of the mean loss over the whole batch (X, y), flattened."""
    task = task_of(model, task)
    model.zero_grad(set_to_none=True)
    loss_function(task)(model(X), y).backward()
    return _collect(model)


@checked
def accumulated_gradient(model: nn.Module, X, y, num_micro: int, *, divide: bool = True,
                         task: str | None = None) -> torch.Tensor:
    """Backward on ``num_micro`` equal micro-batches of (X, y) without zeroing in between, each
    micro-loss divided by ``num_micro`` when ``divide`` (the flattened sum that .grad then holds)."""
    task = task_of(model, task)
    if len(X) % num_micro:
        raise ValueError(f"num_micro must divide the batch size {len(X)}, got {num_micro}")
    criterion = loss_function(task)
    model.zero_grad(set_to_none=True)
    for X_micro, y_micro in zip(X.chunk(num_micro), y.chunk(num_micro), strict=True):
        loss = criterion(model(X_micro), y_micro)
        (loss / num_micro if divide else loss).backward()
    return _collect(model)


def _collect(model: nn.Module) -> torch.Tensor:
    """Flatten every parameter's .grad, then clear them."""
    g = torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None]).detach().clone()
    model.zero_grad(set_to_none=True)
    return g


@dataclass
class AccumulationCheck:
    """The three parts of the demonstration, as numbers."""

    max_diff_divided: float  # max |accumulated − full batch|, each micro-loss divided by N
    ratio_not_divided: float  # accumulated without the division ÷ full batch (median ratio)
    max_diff_batchnorm: float  # the same comparison with BatchNorm in the network
    relative_diff_batchnorm: float  # that difference relative to the gradient's largest entry
    max_param_diff_fit: float  # weights after one epoch: fit(batch 32, accumulation 4) vs fit(batch 128)


@checked
def accumulation_check(data: Split, *, batch_size: int = 128, num_micro: int = 4, hidden=(64, 64),
                       seed: int = 0) -> AccumulationCheck:
    """Compare accumulated and full-batch gradients (with and without dividing, with BatchNorm), and
    the weights after one epoch of fit with accumulation against one epoch with the big batch."""
    if batch_size % num_micro or batch_size > len(data.X_train):
        raise ValueError(f"batch_size must be a multiple of num_micro={num_micro} and at most the "
                         f"training size {len(data.X_train)}, got {batch_size}")
    X, y = data.X_train[:batch_size], data.y_train[:batch_size]
    model = build_mlp(data, hidden=hidden, seed=seed)
    full = batch_gradient(model, X, y)
    divided = accumulated_gradient(model, X, y, num_micro, divide=True)
    summed = accumulated_gradient(model, X, y, num_micro, divide=False)
    bn = build_mlp(data, hidden=hidden, batch_norm=True, seed=seed)
    full_bn = batch_gradient(bn, X, y)
    divided_bn = accumulated_gradient(bn, X, y, num_micro, divide=True)
    big = build_mlp(data, hidden=hidden, seed=seed)
    small = copy.deepcopy(big)
    n = len(data.X_train) // batch_size * batch_size  # whole batches only: no ragged last group
    train = (data.X_train[:n], data.y_train[:n])
    fit(big, train, optimizer="sgd", lr=0.1, batch_size=batch_size, num_epochs=1, seed=seed)
    fit(small, train, optimizer="sgd", lr=0.1, batch_size=batch_size // num_micro,
        accumulation_steps=num_micro, num_epochs=1, seed=seed)
    param_diff = max(float((a - b).detach().abs().max())
                     for a, b in zip(big.parameters(), small.parameters(), strict=True))
    keep = full.abs() > 1e-6
    diff_bn = float((divided_bn - full_bn).abs().max())
    return AccumulationCheck(
        max_diff_divided=float((divided - full).abs().max()),
        ratio_not_divided=float((summed[keep] / full[keep]).median()),
        max_diff_batchnorm=diff_bn,
        relative_diff_batchnorm=diff_bn / float(full_bn.abs().max()),
        max_param_diff_fit=param_diff,
    )
