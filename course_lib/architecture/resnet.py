"""A residual MLP with exactly a plain MLP's layers (He et al.'s blocks are in ``course_lib.models``)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..checks import checked
from ..initialization import initialize
from ..models import MLP, PreActivationBlock, ResidualBlock


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
