"""He et al.'s residual block for an MLP, and a residual MLP with exactly a plain MLP's layers."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..activations import get_activation
from ..checks import checked
from ..initialization import initialize
from ..models import MLP


class ResidualBlock(nn.Module):
    """Two hidden layers with a skip connection around them (He et al. 2016, eq. 1 and Fig. 2).

    H(x) = act(x + F(x)) with F(x) = norm2(linear2(act1(norm1(linear1(x))))): the two layers learn
    the residual F(x) = H(x) - x and the block outputs F(x) + x (erratum E7). Same layers and
    parameters as two plain hidden layers; only the skip is new.
    """

    @checked
    def __init__(self, width: int, activation: str = "relu", batch_norm: bool = False):
        super().__init__()
        branch = nn.Sequential()
        branch.add_module("linear1", nn.Linear(width, width))
        if batch_norm:
            branch.add_module("norm1", nn.BatchNorm1d(width))
        branch.add_module("act1", get_activation(activation, trainable=True))
        branch.add_module("linear2", nn.Linear(width, width))
        if batch_norm:
            branch.add_module("norm2", nn.BatchNorm1d(width))
        self.branch = branch
        self.act = get_activation(activation, trainable=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return act(x + F(x))."""
        return self.act(x + self.branch(x))


class PreActivationBlock(nn.Module):
    """He et al.'s "Identity mappings" block (2016b): H(x) = x + F(x), the activations inside F.

    F(x) = linear2(act2(norm2(linear1(act1(norm1(x)))))): nothing acts on the sum, so the
    gradient passes the identity path exactly (∂H/∂x = 1 + ∂F/∂x), while ``ResidualBlock``'s
    act(x + F(x)) gates it with the activation's derivative.
    """

    @checked
    def __init__(self, width: int, activation: str = "relu", batch_norm: bool = False):
        super().__init__()
        branch = nn.Sequential()
        if batch_norm:
            branch.add_module("norm1", nn.BatchNorm1d(width))
        branch.add_module("act1", get_activation(activation, trainable=True))
        branch.add_module("linear1", nn.Linear(width, width))
        if batch_norm:
            branch.add_module("norm2", nn.BatchNorm1d(width))
        branch.add_module("act2", get_activation(activation, trainable=True))
        branch.add_module("linear2", nn.Linear(width, width))
        self.branch = branch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return x + F(x)."""
        return x + self.branch(x)


@checked
def residual_mlp(in_features: int, out_features: int = 1, hidden: Sequence[int] = (64, 64),
                 activation: str = "relu", *, pre_activation: bool = False, **kwargs) -> MLP:
    """An MLP whose pairs of equal-width hidden layers become ResidualBlocks.

    Takes MLP's arguments (not ``residual`` or ``dropout``). The first hidden layer (which changes
    the width) and a last unpaired layer stay plain Blocks, so the residual net has exactly the
    plain net's nn.Linear layers and parameter count. ``pre_activation=True`` uses
    ``PreActivationBlock`` (the identity path without an activation on it) instead.
    """
    for key in ("residual", "dropout"):
        if key in kwargs:
            raise ValueError(f"{key} is not an option of residual_mlp, got {key}={kwargs[key]!r}")
    model = MLP(in_features, out_features, hidden, activation, **kwargs)  # checks the arguments
    cfg = model.config
    torch.manual_seed(cfg["seed"])
    widths = [in_features, *hidden]
    body = nn.Sequential()
    i = 0
    while i < len(hidden):
        if i + 2 <= len(hidden) and widths[i] == widths[i + 1] == widths[i + 2]:
            kind = PreActivationBlock if pre_activation else ResidualBlock
            block: nn.Module = kind(widths[i], activation, cfg["batch_norm"])
            i += 2
        else:
            block = model.body[i]  # a plain Block: it changes the width or has no partner
            i += 1
        body.add_module(f"block{len(body) + 1}", block)
    model.body = body
    model.config["residual"] = True
    model.config["pre_activation"] = bool(pre_activation)
    initialize(model, cfg["init"], scale=cfg["init_scale"], seed=cfg["seed"])
    return model
