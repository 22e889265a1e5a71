"""What an MLP can represent: linear collapse (C1), universal approximation (C6), depth vs width (C7)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

from .checks import check_positive, check_type, checked


@checked
@torch.no_grad()
def collapse_linear(layers: Sequence[nn.Linear]) -> nn.Linear:
    """The single nn.Linear equal to a stack of nn.Linear layers with no activation between them.

    y = W3(W2(W1 x + b1) + b2) + b3 = (W3 W2 W1) x + (W3 W2 b1 + W3 b2 + b3).
    """
    layers = list(layers)
    if not layers or not all(isinstance(layer, nn.Linear) for layer in layers):
        raise TypeError("layers must be a non-empty sequence of nn.Linear")
    W = layers[0].weight.clone()
    b = layers[0].bias.clone() if layers[0].bias is not None else torch.zeros(W.shape[0])
    for layer in layers[1:]:
        if layer.in_features != W.shape[0]:
            raise ValueError(f"layers do not chain: {W.shape[0]} outputs feed {layer.in_features} inputs")
        b = layer.weight @ b + (layer.bias if layer.bias is not None else 0)
        W = layer.weight @ W
    single = nn.Linear(W.shape[1], W.shape[0])
    single.weight.copy_(W)
    single.bias.copy_(b)
    return single


@checked(scale="float+")
def random_relu_features(x: torch.Tensor, width: int, seed: int = 0, scale: float = math.pi
                         ) -> torch.Tensor:
    """Hidden layer of ``width`` ReLU units with random weights and kinks spread over [-scale, scale]."""
    if x.numel() == 0:
        raise ValueError("x must hold at least one point, got an empty tensor")
    check_positive("width", width, integer=True)
    if x.ndim > 1 and x.shape[-1] != 1:
        raise ValueError(f"x must hold one input per point, shape (n,) or (n, 1), got {tuple(x.shape)}")
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(width, generator=g, dtype=torch.float64)
    kinks = (torch.rand(width, generator=g, dtype=torch.float64) * 2 - 1) * scale
    return torch.relu(w * (x.reshape(-1, 1).double() - kinks))


@checked(n_points="int+")
def fit_one_hidden_layer(fn: Callable[[np.ndarray], np.ndarray], width: int, *, low: float = -math.pi,
                         high: float = math.pi, n_points: int = 2000, seed: int = 0) -> dict:
    """Existence, made concrete: one hidden layer of random ReLUs, output layer by least squares.

    Returns the grid, the target, the approximation and its maximum absolute error.
    """
    if not low < high:
        raise ValueError(f"low must be below high, got low={low}, high={high}")
    x = torch.linspace(low, high, n_points, dtype=torch.float64)
    y = torch.as_tensor(fn(x.numpy()), dtype=torch.float64)
    H = random_relu_features(x, width, seed, scale=max(abs(low), abs(high)))
    H = torch.cat([H, torch.ones(n_points, 1, dtype=torch.float64)], dim=1)  # output bias
    coef = torch.linalg.lstsq(H, y.reshape(-1, 1), driver="gelsd").solution
    y_hat = (H @ coef).squeeze(1)
    return {"x": x.numpy(), "y": y.numpy(), "y_hat": y_hat.numpy(),
            "max_error": float((y_hat - y).abs().max())}


@checked
def train_one_hidden_layer(fn: Callable[[np.ndarray], np.ndarray], width: int, *,
                           n_samples: int = 200, num_steps: int = 2000, lr: float = 0.01,
                           activation: str = "tanh", seed: int = 0) -> dict:
    """Learnability: train a one-hidden-layer net with full-batch Adam; max error on a dense grid."""
    from .data import make_function_1d
    from .models import MLP
    from .training import fit, predict_scores

    X, y = make_function_1d(fn, n_samples=n_samples, seed=seed)
    net = MLP(1, hidden=(width,), activation=activation, task="regression", seed=seed)
    history = fit(net, (X, y), lr=lr, batch_size=n_samples, num_steps=num_steps, seed=seed)
    x = torch.linspace(-math.pi, math.pi, 2000).reshape(-1, 1)
    y_hat = predict_scores(net, x).double()
    error = (y_hat - torch.as_tensor(fn(x[:, 0].double().numpy()))).abs().max()
    return {"model": net, "history": history, "x": x[:, 0].numpy(), "y_hat": y_hat.numpy(),
            "max_error": float(error)}


@checked
def tent_network(k: int) -> nn.Sequential:
    """k layers, two ReLUs each, computing the tent map t(z) = 2 relu(z) - 4 relu(z - 1/2) k times.

    On [0, 1] the output has exactly 2**k linear pieces (Telgarsky 2016).
    """
    check_positive("k", k, integer=True)
    layers: list[nn.Module] = []
    for _ in range(k):
        hidden, combine = nn.Linear(1, 2), nn.Linear(2, 1)
        with torch.no_grad():
            hidden.weight.copy_(torch.tensor([[1.0], [1.0]]))
            hidden.bias.copy_(torch.tensor([0.0, -0.5]))
            combine.weight.copy_(torch.tensor([[2.0, -4.0]]))
            combine.bias.zero_()
        layers += [hidden, nn.ReLU(), combine]
    return nn.Sequential(*layers).double()


@checked(resolution_bits="int+")
@torch.no_grad()
def count_linear_pieces(model: nn.Module, low: float = 0.0, high: float = 1.0,
                        resolution_bits: int = 16) -> int:
    """Number of linear pieces of a 1-D -> 1-D network on [low, high], from slopes on a dyadic grid."""
    check_type("resolution_bits", resolution_bits, int, "an integer")
    if not low < high or resolution_bits > 24:
        raise ValueError(f"low must be below high and resolution_bits <= 24, got low={low}, high={high}, "
                         f"resolution_bits={resolution_bits}")
    n = 2**resolution_bits
    x = torch.linspace(low, high, n + 1, dtype=torch.float64).reshape(-1, 1)
    y = model.double()(x).reshape(-1)
    slopes = torch.diff(y) / torch.diff(x.reshape(-1))
    changed = torch.diff(slopes).abs() > 1e-6 * (1 + slopes.abs().max())
    # A kink inside a grid cell changes the slope twice in a row: count each run of changes once.
    starts = changed & ~torch.cat([torch.tensor([False]), changed[:-1]])
    return int(starts.sum()) + 1


@checked
def shallow_relu_net(width: int, seed: int = 0) -> nn.Sequential:
    """A random one-hidden-layer 1-D ReLU network: at most width + 1 linear pieces."""
    check_positive("width", width, integer=True)
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(1, width), nn.ReLU(), nn.Linear(width, 1)).double()
    with torch.no_grad():  # spread the kinks over [0, 1] so that every unit can add a piece
        net[0].weight.copy_(torch.randn(width, 1, dtype=torch.float64))
        net[0].bias.copy_(-net[0].weight[:, 0] * torch.rand(width, dtype=torch.float64))
    return net
