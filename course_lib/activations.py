"""Activation functions of the lecture's table (plus GELU), by name."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .checks import check_choice


class BinaryStep(nn.Module):
    """f(x) = 1 if x >= 0 else 0: plotted in the course, not trainable (its gradient is 0)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the step."""
        return (x >= 0).to(x.dtype)


# name -> factory of the nn.Module. Order follows the lecture's table.
ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "linear": nn.Identity,
    "step": BinaryStep,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "softplus": nn.Softplus,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "elu": lambda: nn.ELU(alpha=1.0),
    "gelu": nn.GELU,
}

# Activations a network can be trained with: the binary step has a zero gradient everywhere.
TRAINABLE_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "step")


def get_activation(name: str, *, trainable: bool = False) -> nn.Module:
    """A fresh activation module by name; with ``trainable`` the binary step is refused."""
    check_choice("activation", name, TRAINABLE_ACTIVATIONS if trainable else ACTIVATIONS)
    return ACTIVATIONS[name]()
