"""The multi-layer perceptron of the lecture, built from a few readable options."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import numpy as np
import torch
from torch import nn

from .activations import get_activation
from .checks import check_choice, check_kind, check_range, checked
from .data import TASKS, Split
from .initialization import INITS, initialize


class Block(nn.Sequential):
    """One hidden layer: Linear -> (BatchNorm) -> activation -> (Dropout)."""

    @checked
    def __init__(self, n_in: int, n_out: int, activation: str, batch_norm: bool, dropout: float):
        layers: dict[str, nn.Module] = {"linear": nn.Linear(n_in, n_out)}
        if batch_norm:
            layers["norm"] = nn.BatchNorm1d(n_out)
        layers["act"] = get_activation(activation, trainable=True)
        if dropout:
            layers["dropout"] = nn.Dropout(dropout)
        super().__init__()
        for name, layer in layers.items():
            self.add_module(name, layer)


class Residual(nn.Module):
    """A skip connection around a block: it learns F(x) = H(x) - x and outputs F(x) + x.

    Around one hidden layer, as ``MLP(residual=True)`` uses it. He et al.'s block (two layers,
    the activation after the sum), which notebook 03 trains 30 layers deep, is ``ResidualBlock`` below.
    """

    @checked
    def __init__(self, block: nn.Module):
        super().__init__()
        self.block = block

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return x + F(x)."""
        return x + self.block(x)


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


class MLP(nn.Module):
    """Input -> hidden blocks -> output head; the head and the loss depend on the task.

    binary: one logit (sigmoid + BCEWithLogitsLoss); multiclass: one logit per class
    (softmax + CrossEntropyLoss); regression: one raw output (MSELoss). The model returns raw
    logits: the loss applies the sigmoid or softmax (erratum E20).
    """

    @checked(hidden=None)
    def __init__(
        self,
        in_features: int,
        out_features: int = 1,
        hidden: Sequence[int] = (64, 64),
        activation: str = "relu",
        *,
        task: str = "binary",
        batch_norm: bool = False,
        residual: bool = False,
        dropout: float = 0.0,
        init: str = "default",
        init_scale: float = 1.0,
        seed: int = 0,
    ):
        if hidden is None or isinstance(hidden, (str, bytes, dict)):
            raise TypeError(f"hidden must be a sequence of positive integers, got {hidden!r}")
        check_choice("init", init, INITS)
        check_choice("task", task, TASKS)
        if isinstance(hidden, Integral) or not all(
            isinstance(h, Integral) and not isinstance(h, (bool, np.bool_)) and h > 0 for h in hidden
        ):
            raise ValueError(f"hidden must be a sequence of positive integers, got {hidden!r}")
        hidden = tuple(int(h) for h in hidden)  # NumPy integers (np.int64) become Python ints
        check_range("dropout", dropout, 0.0, 1.0)
        if task == "binary" and out_features != 1:
            raise ValueError(f"out_features must be 1 for task='binary', got {out_features}")
        if task == "multiclass" and out_features < 2:
            raise ValueError(f"out_features must be >= 2 for task='multiclass', got {out_features}")
        super().__init__()
        self.task = task
        self.activation = activation
        self.config = dict(
            in_features=in_features, out_features=out_features, hidden=tuple(hidden),
            activation=activation, task=task, batch_norm=batch_norm, residual=residual,
            dropout=dropout, init=init, init_scale=init_scale, seed=seed,
        )
        torch.manual_seed(seed)  # layers are created with PyTorch's default init, seeded
        widths = [in_features, *hidden]
        body = nn.Sequential()
        for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:], strict=True), start=1):
            block = Block(n_in, n_out, activation, batch_norm, dropout)
            body.add_module(f"block{i}", Residual(block) if residual and n_in == n_out else block)
        self.body = body
        self.head = nn.Linear(widths[-1], out_features)
        initialize(self, init, scale=init_scale, seed=seed)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Raw outputs (logits for classification), shape (n, out_features)."""
        return self.head(self.body(X))

    @property
    def linear_layers(self) -> list[tuple[str, nn.Linear]]:
        """Every nn.Linear with its name, input side first."""
        return [(n, m) for n, m in self.named_modules() if isinstance(m, nn.Linear)]


@checked
def build_mlp(split_or_features, hidden: Sequence[int] = (64, 64), activation: str = "relu",
              **kwargs) -> MLP:
    """An MLP sized for a data Split (in/out features and task taken from it) or a feature count."""
    if not isinstance(split_or_features, Split):
        check_kind("split_or_features", split_or_features, "int+")

    if isinstance(split_or_features, Split):
        s = split_or_features
        kwargs.setdefault("task", s.task)
        kwargs.setdefault("out_features", s.out_features)
        return MLP(s.in_features, hidden=hidden, activation=activation, **kwargs)
    return MLP(split_or_features, hidden=hidden, activation=activation, **kwargs)


@checked
def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable) parameters."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


@checked
def parameter_table(model: nn.Module) -> list[tuple[str, tuple[int, ...], int]]:
    """(name, shape, count) of every parameter tensor, in order."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return [(n, tuple(p.shape), p.numel()) for n, p in model.named_parameters()]
