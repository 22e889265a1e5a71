"""Weight initialisation schemes of the lecture, applied with torch.nn.init."""

from __future__ import annotations

import torch
from torch import nn

from .checks import check_choice, check_positive, checked

INITS = ("default", "xavier", "he", "orthogonal")


@checked
@torch.no_grad()
def initialize(
    model: nn.Module, scheme: str = "default", *, scale: float = 1.0, seed: int | None = None
) -> nn.Module:
    """Re-initialise every nn.Linear of ``model``; ``scale`` multiplies the weights afterwards.

    - default: PyTorch's own, W ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (not He, see erratum E11)
    - xavier: Glorot uniform, U(±sqrt(6/(fan_in + fan_out))), the lecture's formula
    - he: Kaiming normal for ReLU, N(0, 2/fan_in)
    - orthogonal: a random orthogonal matrix (Saxe et al. 2014)
    Biases are set to zero by every scheme but "default".
    """
    check_choice("scheme", scheme, INITS)
    check_positive("scale", scale)
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    for layer in model.modules():
        if not isinstance(layer, nn.Linear):
            continue
        if scheme == "default":
            if generator is not None:
                _default_init(layer, generator)
            else:
                layer.reset_parameters()
        else:
            fill = {
                "xavier": nn.init.xavier_uniform_,
                "he": lambda w, generator=None: nn.init.kaiming_normal_(
                    w, nonlinearity="relu", generator=generator
                ),
                "orthogonal": nn.init.orthogonal_,
            }[scheme]
            fill(layer.weight, generator=generator)
            if layer.bias is not None:
                layer.bias.zero_()
        layer.weight.mul_(scale)
    return model


def _default_init(layer: nn.Linear, generator: torch.Generator) -> None:
    """PyTorch's nn.Linear initialisation, drawn from ``generator``."""
    bound = 1.0 / layer.in_features**0.5
    layer.weight.uniform_(-bound, bound, generator=generator)
    if layer.bias is not None:
        layer.bias.uniform_(-bound, bound, generator=generator)
